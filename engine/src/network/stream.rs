//! A [`Network`] played one sample at a time, on the audio thread.

use super::recurrent::{CellState, dense_step, recurrent_step};
use super::{Layer, Network};
use crate::lstm::StreamingLstm;
use crate::simd::Kernel;
use crate::model::{MAX_INPUTS, ModelError};

#[derive(Clone)]
enum Stage {
    Dense { layer: super::DenseLayer, out: Vec<f32> },
    Activation { activation: super::Activation, out: Vec<f32> },
    Recurrent { layer: super::RecurrentLayer, state: CellState },
}

impl Stage {
    fn output(&self) -> &[f32] {
        match self {
            Stage::Dense { out, .. } | Stage::Activation { out, .. } => out,
            Stage::Recurrent { state, .. } => &state.h,
        }
    }
}

#[derive(Clone)]
enum Body {
    /// LSTM -> Dense(1): the engine's SIMD LSTM.
    Lstm(StreamingLstm),
    Layers(Vec<Stage>),
}

/// Streams a network sample by sample. Built (allocating) off the audio thread; `process_*`, `reset` and
/// `set_knobs` never allocate, lock or panic. Like [`StreamingLstm`], a non-finite input or output resets the
/// state and gives one sample of silence.
#[derive(Clone)]
pub struct NetworkStream {
    body: Body,
    kernel: Kernel,
    /// Audio, then knob values.
    inputs: [f32; MAX_INPUTS],
    input_count: usize,
    input_gain: f32,
    output_gain: f32,
    skip: bool,
}

impl NetworkStream {
    /// Validates the network and builds it for the fastest kernel this CPU runs.
    pub fn new(network: &Network) -> Result<Self, ModelError> {
        Self::with_kernel(network, Kernel::best())
    }

    /// As [`NetworkStream::new`] with a given kernel, which must be available on this CPU (else the best one).
    pub fn with_kernel(network: &Network, kernel: Kernel) -> Result<Self, ModelError> {
        network.validate()?;
        let kernel = if kernel.is_available() { kernel } else { Kernel::best() };
        let body = match network.as_lstm() {
            Some(weights) => Body::Lstm(StreamingLstm::with_kernel(&weights, kernel).unwrap_or_else(|| StreamingLstm::new(&weights))),
            None => {
                let mut width = network.inputs;
                let mut stages = Vec::with_capacity(network.layers.len());
                for layer in &network.layers {
                    stages.push(match layer {
                        Layer::Dense(d) => Stage::Dense { layer: d.clone(), out: vec![0.0; d.outputs] },
                        Layer::Activation(a) => Stage::Activation { activation: *a, out: vec![0.0; width] },
                        Layer::Recurrent(r) => Stage::Recurrent { layer: r.clone(), state: CellState::new(r) },
                    });
                    width = layer.outputs(width);
                }
                Body::Layers(stages)
            }
        };
        Ok(NetworkStream {
            body,
            kernel,
            inputs: [0.0; MAX_INPUTS],
            input_count: network.inputs,
            input_gain: network.input_gain,
            output_gain: network.output_gain,
            skip: network.skip,
        })
    }

    pub fn kernel_name(&self) -> &'static str {
        self.kernel.name()
    }

    /// Knob values (model inputs 2..), held until changed; extra values are ignored.
    pub fn set_knobs(&mut self, values: &[f32]) {
        let slots = &mut self.inputs[1..self.input_count];
        let n = slots.len().min(values.len());
        slots[..n].copy_from_slice(&values[..n]);
        if let Body::Lstm(lstm) = &mut self.body {
            lstm.set_conditioning(values);
        }
    }

    pub fn reset(&mut self) {
        match &mut self.body {
            Body::Lstm(lstm) => lstm.reset(),
            Body::Layers(stages) => {
                for stage in stages {
                    match stage {
                        Stage::Recurrent { state, .. } => state.reset(),
                        Stage::Dense { out, .. } | Stage::Activation { out, .. } => out.fill(0.0),
                    }
                }
            }
        }
    }

    pub fn process_sample(&mut self, x: f32) -> f32 {
        if !x.is_finite() {
            self.reset();
            return 0.0;
        }
        let u = x * self.input_gain;
        self.inputs[0] = u;
        let (mut y, health) = match &mut self.body {
            Body::Lstm(lstm) => (lstm.process_sample(u), 0.0),
            Body::Layers(stages) => run_layers(self.kernel, stages, &self.inputs[..self.input_count]),
        };
        if self.skip {
            y += u;
        }
        y *= self.output_gain;
        if y.is_finite() && health.is_finite() {
            y
        } else {
            self.reset();
            0.0
        }
    }

    pub fn process_block(&mut self, input: &[f32], output: &mut [f32]) {
        for (y, &x) in output.iter_mut().zip(input) {
            *y = self.process_sample(x);
        }
    }

    pub fn process_in_place(&mut self, samples: &mut [f32]) {
        for sample in samples {
            *sample = self.process_sample(*sample);
        }
    }
}

/// (output, sum over the recurrent states): the second is non-finite when a state has been poisoned.
fn run_layers(kernel: Kernel, stages: &mut [Stage], inputs: &[f32]) -> (f32, f32) {
    let mut health = 0.0;
    for i in 0..stages.len() {
        let (done, rest) = stages.split_at_mut(i);
        let input = done.last().map_or(inputs, Stage::output);
        match &mut rest[0] {
            Stage::Dense { layer, out } => {
                dense_step(kernel, layer, input, out);
                layer.activation.apply(out);
            }
            Stage::Activation { activation, out } => {
                out.copy_from_slice(input);
                activation.apply(out);
            }
            Stage::Recurrent { layer, state } => {
                recurrent_step(kernel, layer, input, state);
                health += state.health();
            }
        }
    }
    (stages.last().map_or(0.0, |s| s.output()[0]), health)
}
