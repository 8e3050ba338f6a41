//! A small recurrent network described layer by layer: what the community's JSON formats (AIDA-X / RTNeural
//! Keras exports, GuitarML Proteus and Automated-GuitarAmpModelling, RTNeural's PyTorch exports) all reduce to.
//!
//! Every loader in [`crate::formats`] converts its file into a [`Network`] in one layout (Keras': a kernel is
//! `inputs x gates*units`, row-major, gate blocks in Keras order), so the conversions from other layouts live in
//! the loaders and are tested there, and one streaming implementation ([`NetworkStream`]) plays them all.
//! A network that is one LSTM followed by Dense(1), the shape of BlackBox's own models and of most captures,
//! streams through the engine's SIMD LSTM ([`crate::lstm::StreamingLstm`]); anything else runs layer by layer.

mod layer;
mod recurrent;
mod stream;

pub use layer::{Activation, CellKind, DenseLayer, Layer, RecurrentLayer};
pub use stream::NetworkStream;

use crate::model::{GATES, LstmWeights, MAX_HIDDEN, MAX_INPUTS, ModelError};

/// Largest number of layers a file may declare (RTNeural's own test models have nine).
pub const MAX_LAYERS: usize = 32;
/// Largest width of any layer.
pub const MAX_WIDTH: usize = MAX_HIDDEN;

/// A network from audio (plus knob values) to one output sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// Audio first, then knob values (0..1).
    pub inputs: usize,
    pub layers: Vec<Layer>,
    /// Linear gain on the audio input before the network.
    pub input_gain: f32,
    /// Linear gain on the output, after the skip connection.
    pub output_gain: f32,
    /// Adds the (gained) audio input to the network's output: the residual that GuitarML's and AIDA-X's
    /// models are trained with.
    pub skip: bool,
}

impl Network {
    /// BlackBox's own model: LSTM then Dense(1), no gains, no skip.
    pub fn from_lstm(weights: &LstmWeights) -> Self {
        let hidden = weights.hidden_size;
        Network {
            inputs: weights.input_size,
            layers: vec![
                Layer::Recurrent(RecurrentLayer {
                    kind: CellKind::Lstm,
                    inputs: weights.input_size,
                    units: hidden,
                    kernel: weights.kernel.clone(),
                    recurrent_kernel: weights.recurrent_kernel.clone(),
                    bias: weights.bias.clone(),
                    recurrent_bias: Vec::new(),
                }),
                Layer::Dense(DenseLayer {
                    inputs: hidden,
                    outputs: 1,
                    kernel: weights.dense_kernel.clone(),
                    bias: vec![weights.dense_bias],
                    activation: Activation::Linear,
                }),
            ],
            input_gain: 1.0,
            output_gain: 1.0,
            skip: false,
        }
    }

    /// The network as BlackBox's LSTM -> Dense(1) weights, when that is its shape (whatever its gains and skip).
    pub fn as_lstm(&self) -> Option<LstmWeights> {
        let [Layer::Recurrent(rnn), Layer::Dense(dense)] = self.layers.as_slice() else {
            return None;
        };
        if rnn.kind != CellKind::Lstm || dense.outputs != 1 || dense.activation != Activation::Linear {
            return None;
        }
        Some(LstmWeights {
            input_size: rnn.inputs,
            hidden_size: rnn.units,
            kernel: rnn.kernel.clone(),
            recurrent_kernel: rnn.recurrent_kernel.clone(),
            bias: rnn.bias.clone(),
            dense_kernel: dense.kernel.clone(),
            dense_bias: dense.bias[0],
        })
    }

    /// Sizes chain from input to one output, every value is finite, nothing is absurdly large.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.inputs == 0 || self.inputs > MAX_INPUTS {
            return Err(ModelError::invalid(format!("{} inputs; 1..={MAX_INPUTS} are supported", self.inputs)));
        }
        if self.layers.is_empty() || self.layers.len() > MAX_LAYERS {
            return Err(ModelError::invalid(format!("{} layers; 1..={MAX_LAYERS} are supported", self.layers.len())));
        }
        for (name, gain) in [("input gain", self.input_gain), ("output gain", self.output_gain)] {
            if !gain.is_finite() {
                return Err(ModelError::invalid(format!("{name} is {gain}")));
            }
        }
        let mut width = self.inputs;
        for (index, layer) in self.layers.iter().enumerate() {
            let at = |message: String| ModelError::invalid(format!("layer {}: {message}", index + 1));
            layer.validate(width).map_err(at)?;
            width = layer.outputs(width);
        }
        if width != 1 {
            return Err(ModelError::invalid(format!("the last layer has {width} outputs; a model needs 1")));
        }
        Ok(())
    }

    /// One line: "LSTM 16 -> Dense 1", "GRU 8 -> Dense 8 (sigmoid) -> Dense 1" (ASCII: the editor's font has no arrow).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.layers.iter().filter_map(Layer::describe).collect();
        let mut text = parts.join(" -> ");
        if self.skip {
            text.push_str(", skip");
        }
        text
    }

    /// Trainable values, as Keras or PyTorch would count them.
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }

    pub(crate) fn gate_count(kind: CellKind) -> usize {
        match kind {
            CellKind::Lstm => GATES,
            CellKind::Gru => 3,
        }
    }
}
