use std::path::PathBuf;

/// Why a WAV file could not be read or written. Each message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a readable WAV file ({source}); export it again as mono PCM or float WAV")]
    Decode {
        path: PathBuf,
        #[source]
        source: hound::Error,
    },
    #[error(
        "{path} has {channels} channels; BlackBox needs mono recordings and does not downmix \
         (export each channel as its own mono file)"
    )]
    NotMono { path: PathBuf, channels: u16 },
    #[error("{path} is {bits}-bit {format}; supported are 8/16/24/32-bit integer and 32-bit float WAV")]
    UnsupportedFormat { path: PathBuf, bits: u16, format: &'static str },
    #[error("{path} holds no samples; record or export it again")]
    Empty { path: PathBuf },
    #[error(
        "{path} holds a sample that is {value} at {seconds:.3} s (sample {index}); a recording must be finite \
         numbers: export it again from the original take"
    )]
    NonFiniteSample { path: PathBuf, index: usize, seconds: f64, value: f32 },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot encode {path}: {source}")]
    Encode {
        path: PathBuf,
        #[source]
        source: hound::Error,
    },
    #[error(
        "sample {index} for {path} is {value}; only finite samples can be written (the signal chain produced NaN or infinity)"
    )]
    NotFinite { path: PathBuf, index: usize, value: f32 },
    #[error("the comment for {path} is {bytes} bytes; a RIFF chunk holds at most 4 GiB")]
    CommentTooLong { path: PathBuf, bytes: usize },
}
