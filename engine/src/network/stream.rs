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
            Body::Layers(stages) => reset_layers(stages),
        }
    }

    pub fn process_sample(&mut self, x: f32) -> f32 {
        let mut sample = [x];
        self.process_in_place(&mut sample);
        sample[0]
    }

    pub fn process_block(&mut self, input: &[f32], output: &mut [f32]) {
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_in_place(&mut output[..n]);
    }

    pub fn process_in_place(&mut self, samples: &mut [f32]) {
        let gains = Gains { input: self.input_gain, output: self.output_gain, skip: self.skip };
        match &mut self.body {
            Body::Lstm(lstm) => {
                for piece in samples.chunks_mut(LSTM_PIECE) {
                    lstm_piece(lstm, gains, piece);
                }
            }
            Body::Layers(stages) => {
                for sample in samples {
                    *sample = layers_sample(self.kernel, stages, &mut self.inputs, self.input_count, *sample, gains);
                }
            }
        }
    }
}

/// Samples per pass of the LSTM body (its inputs are kept on the stack for the skip connection).
const LSTM_PIECE: usize = 64;

#[derive(Clone, Copy)]
struct Gains {
    input: f32,
    output: f32,
    skip: bool,
}

impl Gains {
    fn output(self, y: f32, u: f32) -> f32 {
        (if self.skip { y + u } else { y }) * self.output
    }
}

/// Up to [`LSTM_PIECE`] samples through the LSTM in one kernel entry. A non-finite output after the gains (the
/// skip of an overflowing input, say) silences that sample and resets the state before the next, exactly as one
/// sample at a time would: the LSTM reruns from there.
fn lstm_piece(lstm: &mut StreamingLstm, gains: Gains, piece: &mut [f32]) {
    let mut dry = [0.0f32; LSTM_PIECE];
    let dry = &mut dry[..piece.len()];
    for (u, &x) in dry.iter_mut().zip(piece.iter()) {
        *u = x * gains.input;
    }
    let mut start = 0;
    while start < piece.len() {
        piece[start..].copy_from_slice(&dry[start..]);
        lstm.process_in_place(&mut piece[start..]);
        let from = start;
        start = piece.len();
        for (i, (y, &u)) in piece.iter_mut().zip(dry.iter()).enumerate().skip(from) {
            *y = gains.output(*y, u);
            if !y.is_finite() {
                *y = 0.0;
                lstm.reset();
                start = i + 1;
                break;
            }
        }
    }
}

/// One sample through a layer-by-layer body.
fn layers_sample(
    kernel: Kernel,
    stages: &mut [Stage],
    inputs: &mut [f32; MAX_INPUTS],
    count: usize,
    x: f32,
    gains: Gains,
) -> f32 {
    if !x.is_finite() {
        reset_layers(stages);
        return 0.0;
    }
    let u = x * gains.input;
    inputs[0] = u;
    let (y, health) = run_layers(kernel, stages, &inputs[..count]);
    let y = gains.output(y, u);
    if y.is_finite() && health.is_finite() {
        y
    } else {
        reset_layers(stages);
        0.0
    }
}

fn reset_layers(stages: &mut [Stage]) {
    for stage in stages {
        match stage {
            Stage::Recurrent { state, .. } => state.reset(),
            Stage::Dense { out, .. } | Stage::Activation { out, .. } => out.fill(0.0),
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
