use std::path::PathBuf;

/// Why an impulse response cannot be used. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CabinetError {
    #[error("cannot read the IR file {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{name} cannot be used as a cabinet IR: {reason}")]
    NotAnIr { name: String, reason: String },
    #[error("an impulse response needs at least one tap")]
    Empty,
    #[error("impulse response tap {index} is not a finite number")]
    NonFinite { index: usize },
    #[error("cannot resample the IR from {from} Hz to {to} Hz: {reason}")]
    Resample { from: u32, to: u32, reason: String },
    #[error("{0} Hz is not a rate a cabinet can be built at (8 kHz to 768 kHz)")]
    Rate(u32),
}
