//! Training one model: the epoch loop with early stopping and a checkpoint after every epoch.
//!
//! `fit` owns what every method shares (Adam, early stopping, history, checkpoint and resume); an
//! [`EpochRunner`] says what one epoch is — the study's windows here (`windowed`), carried-state segments for
//! streaming training.

mod checkpoint;
mod early_stopping;
mod fit;
mod history;
mod loss;
mod schedule;
mod streaming;
mod windowed;

use std::path::PathBuf;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use early_stopping::{EarlyStopping, Verdict};
pub use history::History;
pub use fit::{EpochRunner, FitConfig, FitOutcome, TrainedFigures, epoch_seed, fit, training_device};
pub use loss::{ESR_EPSILON, EpochMetrics, PRE_EMPHASIS, SignalPower, esr_loss, pre_emphasis, streaming_loss};
pub use schedule::LrSchedule;
pub use streaming::{SEGMENTS_PER_BATCH, StreamingRunner};
pub use windowed::WindowedRunner;

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Lstm(#[from] crate::fused_lstm::FusedLstmError),
    #[error(transparent)]
    Weights(#[from] crate::model::ConvertError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error("optimizer state: {0}")]
    Optimizer(String),
    #[error("{path} belongs to model {found}; move it away or pass the matching model")]
    ForeignCheckpoint { path: PathBuf, found: String },
    #[error("reading a tensor back from the training device failed: {0}")]
    Readback(String),
}

/// A tensor's values read back from the training device (to score a batch's predictions).
fn values<const D: usize>(tensor: burn::tensor::Tensor<D>) -> Result<Vec<f32>, TrainError> {
    tensor
        .try_into_data()
        .map_err(|e| TrainError::Readback(e.to_string()))?
        .try_into_vec::<f32>()
        .map_err(|e| TrainError::Readback(format!("{e:?}")))
}
