//! [`StudyLstm`] to and from the engine's `LstmWeights`: the same Keras layout on both sides, so each tensor is
//! one copy.

use blackbox_engine::model::{LstmWeights, ModelError};
use burn::tensor::{Device, Tensor};

use super::StudyLstm;

/// Why weights could not move between the engine and a burn module.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("the weights cannot become a model: {0}")]
    Invalid(#[from] ModelError),
    #[error("reading the {name} back from the training device failed: {message}")]
    Read { name: &'static str, message: String },
}

fn read<const D: usize>(name: &'static str, tensor: Tensor<D>) -> Result<Vec<f32>, ConvertError> {
    let data = tensor.try_into_data().map_err(|e| ConvertError::Read { name, message: e.to_string() })?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| ConvertError::Read { name, message: format!("{e:?}") })
}

impl StudyLstm {
    /// A module holding `weights` (validated first: sizes, bounds, finite values).
    pub fn from_weights(weights: &LstmWeights, device: &Device) -> Result<StudyLstm, ConvertError> {
        weights.validate()?;
        let values = [
            weights.kernel.clone(),
            weights.recurrent_kernel.clone(),
            weights.bias.clone(),
            weights.dense_kernel.clone(),
            vec![weights.dense_bias],
        ];
        Ok(StudyLstm::from_parts(values, weights.input_size, weights.hidden_size, device))
    }

    /// The module's weights in the engine's layout, ready to export.
    pub fn to_weights(&self) -> Result<LstmWeights, ConvertError> {
        let dense_bias = read("dense bias", self.dense_bias.val())?;
        let weights = LstmWeights {
            input_size: self.input_size(),
            hidden_size: self.hidden_size(),
            kernel: read("kernel", self.kernel.val())?,
            recurrent_kernel: read("recurrent kernel", self.recurrent.val())?,
            bias: read("bias", self.bias.val())?,
            dense_kernel: read("dense kernel", self.dense.val())?,
            dense_bias: dense_bias.first().copied().unwrap_or(0.0),
        };
        weights.validate()?;
        Ok(weights)
    }
}
