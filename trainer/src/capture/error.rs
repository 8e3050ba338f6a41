use std::path::PathBuf;

use crate::audio::WavError;

/// Why a capture cannot be trained on. Each message names the file and says what to do; nothing is trained on a
/// pair that fails one of these.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(
        "{output} is {found} Hz but {input} is {expected} Hz: record at the signal's rate, or write the signal at \
         your interface's rate with `trainer capture-signal --rate {found}` and record that"
    )]
    RateMismatch { input: PathBuf, output: PathBuf, expected: u32, found: u32 },
    #[error(
        "{output} stops at {recorded:.1} s but the reamp signal runs {needed:.1} s: record the whole signal, from \
         its first sample to its last, and a moment beyond"
    )]
    Truncated { output: PathBuf, recorded: f64, needed: f64 },
    #[error(
        "{output} is silent (peak {peak_dbfs:.1} dBFS): check the cabling, that the right input is armed, and that \
         the device is on"
    )]
    Silent { output: PathBuf, peak_dbfs: f64 },
    #[error(
        "{output} does not answer the reamp signal's sync impulse at {at:.2} s within {window_ms:.0} ms: record \
         the device's output while the signal {input} plays, from the signal's first sample"
    )]
    NoSyncResponse { input: PathBuf, output: PathBuf, at: f64, window_ms: f64 },
    #[error(
        "{output} answers the two sync impulses at the start {first} and {second} samples late: the recording is \
         not of this signal, or it was edited; record the signal {input} again, unedited"
    )]
    SyncMismatch { input: PathBuf, output: PathBuf, first: isize, second: isize },
    #[error(
        "the clocks of the two sides drift: the output is {start} samples late at the start and {end} at the end \
         ({seconds:.0} s later); play and record through one interface (one clock), or lock the two to one \
         word clock"
    )]
    Drift { start: isize, end: isize, seconds: f64 },
    #[error(
        "{output} is not a recording of {input} through a device: nothing in it follows the dry signal (no \
         linear response stands out of the noise); check that the two files are the same take"
    )]
    Unrelated { input: PathBuf, output: PathBuf },
    #[error("{path} is {seconds:.1} s long; a capture needs at least {needed:.0} s of playing")]
    TooShort { path: PathBuf, seconds: f64, needed: f64 },
    #[error("`{0}`: expected FILE or FILE:NAME=VALUE[,NAME=VALUE] with each value in 0..1")]
    BadOutputSpec(String),
    #[error("the outputs name different knobs ({0}); every output of one capture sets the same knobs")]
    KnobMismatch(String),
    #[error("two outputs have the same knob settings ({0}): each must be a different setting")]
    DuplicateSetting(String),
}
