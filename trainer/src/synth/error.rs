//! What can stop `trainer synth`, each with what to do about it.

use std::path::PathBuf;

use crate::audio::WavError;

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error(
        "cannot list the DI folder {path}: {source} (pass --di a folder of mono WAV clips, or leave --di out for the procedural guitar)"
    )]
    DiFolder { path: PathBuf, source: std::io::Error },
    #[error(
        "the DI folder {path} holds no .wav files (pass --di a folder of mono WAV clips, or leave --di out for the procedural guitar)"
    )]
    NoDiClips { path: PathBuf },
    #[error(
        "the DI folder {path} has no clip for the {split} split: test clips are {test:?}, every other clip trains; add clips of both kinds"
    )]
    EmptySplit {
        path: PathBuf,
        split: &'static str,
        test: &'static [&'static str],
    },
    #[error("DI clip {path}: {source}")]
    Read { path: PathBuf, source: WavError },
    #[error("DI clip {path} could not be resampled from {from} Hz to 44100 Hz: {reason}")]
    Resample { path: PathBuf, from: u32, reason: String },
    #[error("cannot create {path}: {source} (check that --out is writable)")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("writing {path}: {source}")]
    Write { path: PathBuf, source: WavError },
    #[error("writing {path}: {source}")]
    WriteSource { path: PathBuf, source: std::io::Error },
    #[error("--train-seconds and --test-seconds set the procedural guitar's length; with --di the clips set it")]
    LengthWithDi,
    #[error("--train-seconds and --test-seconds must be positive (got {train} and {test})")]
    BadLength { train: f64, test: f64 },
}
