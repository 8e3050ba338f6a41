use serde::{Deserialize, Serialize};

use super::ModelError;

/// Number of LSTM gates. Their order everywhere in BlackBox is Keras': input, forget, cell candidate, output.
pub const GATES: usize = 4;
/// Largest hidden size a file may declare; far above the study's 96, small enough to bound memory.
pub const MAX_HIDDEN: usize = 1024;
/// Largest input size (audio plus conditioning values such as a gain knob).
pub const MAX_INPUTS: usize = 16;

/// Weights of a one-layer LSTM followed by Dense(1), in Keras' layout.
///
/// With `H = hidden_size`, `I = input_size` and gate column `g * H + j` for gate `g` in (i, f, c, o):
/// - `kernel`: `I x 4H`, row-major (`kernel[k * 4H + col]` multiplies input `k`);
/// - `recurrent_kernel`: `H x 4H`, row-major (`recurrent_kernel[k * 4H + col]` multiplies `h[k]`);
/// - `bias`: `4H`;
/// - `dense_kernel`: `H`, `dense_bias`: scalar.
///
/// One step: `z = x K + h R + b`; `i = σ(z_i)`, `f = σ(z_f)`, `g = tanh(z_c)`, `o = σ(z_o)`;
/// `c' = f c + i g`; `h' = o tanh(c')`; `y = h' · dense_kernel + dense_bias`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LstmWeights {
    pub input_size: usize,
    pub hidden_size: usize,
    pub kernel: Vec<f32>,
    pub recurrent_kernel: Vec<f32>,
    pub bias: Vec<f32>,
    pub dense_kernel: Vec<f32>,
    pub dense_bias: f32,
}

impl LstmWeights {
    /// All-zero weights of the given shape (a model that outputs silence); useful as a starting point.
    pub fn zeros(input_size: usize, hidden_size: usize) -> Self {
        let cols = GATES * hidden_size;
        LstmWeights {
            input_size,
            hidden_size,
            kernel: vec![0.0; input_size * cols],
            recurrent_kernel: vec![0.0; hidden_size * cols],
            bias: vec![0.0; cols],
            dense_kernel: vec![0.0; hidden_size],
            dense_bias: 0.0,
        }
    }

    /// Checks sizes, bounds and that every value is finite.
    pub fn validate(&self) -> Result<(), ModelError> {
        let (inputs, hidden) = (self.input_size, self.hidden_size);
        if inputs == 0 || inputs > MAX_INPUTS {
            return Err(ModelError::invalid(format!("input size {inputs} is outside 1..={MAX_INPUTS}")));
        }
        if hidden == 0 || hidden > MAX_HIDDEN {
            return Err(ModelError::invalid(format!("hidden size {hidden} is outside 1..={MAX_HIDDEN}")));
        }
        let cols = GATES * hidden;
        let expect = [
            ("kernel", self.kernel.len(), inputs * cols),
            ("recurrent kernel", self.recurrent_kernel.len(), hidden * cols),
            ("bias", self.bias.len(), cols),
            ("dense kernel", self.dense_kernel.len(), hidden),
        ];
        for (name, found, expected) in expect {
            if found != expected {
                return Err(ModelError::invalid(format!(
                    "{name} has {found} values; input size {inputs} and hidden size {hidden} need {expected}"
                )));
            }
        }
        let tensors: [(&str, &[f32]); 5] = [
            ("kernel", &self.kernel),
            ("recurrent kernel", &self.recurrent_kernel),
            ("bias", &self.bias),
            ("dense kernel", &self.dense_kernel),
            ("dense bias", std::slice::from_ref(&self.dense_bias)),
        ];
        for (name, values) in tensors {
            if let Some(index) = values.iter().position(|v| !v.is_finite()) {
                return Err(ModelError::invalid(format!("{name} value {index} is not finite ({})", values[index])));
            }
        }
        Ok(())
    }

    /// Number of trainable parameters (Keras counts 37,632 for LSTM(96) on one input, plus 97 for the Dense).
    pub fn parameter_count(&self) -> usize {
        self.kernel.len() + self.recurrent_kernel.len() + self.bias.len() + self.dense_kernel.len() + 1
    }
}
