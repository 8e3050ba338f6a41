//! Training one model: the epoch loop with early stopping and a checkpoint after every epoch.
//!
//! `fit` owns what every method shares (Adam, early stopping, history, checkpoint and resume); an
//! [`EpochRunner`] says what one epoch is — the study's windows here (`windowed`), carried-state segments for
//! streaming training.

mod checkpoint;
mod early_stopping;
mod fit;
mod loss;
mod windowed;

use std::path::PathBuf;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use early_stopping::{EarlyStopping, Verdict};
pub use fit::{EpochRunner, FitConfig, FitOutcome, epoch_seed, fit, training_device};
pub use loss::{ESR_EPSILON, EpochMetrics, esr_loss};
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
