//! What one training run records epoch by epoch; the reports plot it and the checkpoint carries it.

use serde::{Deserialize, Serialize};

/// Per-epoch curves, named as Keras names them so that a study history JSON reads straight in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    #[serde(default)]
    pub loss: Vec<f32>,
    #[serde(default)]
    pub val_loss: Vec<f32>,
    #[serde(default)]
    pub mae: Vec<f32>,
    #[serde(default)]
    pub mse: Vec<f32>,
    #[serde(default)]
    pub val_mae: Vec<f32>,
    #[serde(default)]
    pub val_mse: Vec<f32>,
}
