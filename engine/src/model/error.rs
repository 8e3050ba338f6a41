use std::path::PathBuf;

/// Why a model file could not be read or written. Every variant says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a BlackBox model file (bad magic header); expected a .bbx file written by the trainer")]
    BadMagic,
    #[error("model format version {found} is not supported (this build reads version {supported}); update BlackBox")]
    UnsupportedVersion { found: u16, supported: u16 },
    #[error("model file is truncated: header says {expected} payload bytes, file has {found}")]
    Truncated { expected: usize, found: usize },
    #[error("model file has {0} bytes after its payload; it is corrupt or was concatenated with something")]
    TrailingBytes(usize),
    #[error("model payload of {0} bytes exceeds the {max} byte limit", max = super::MAX_PAYLOAD_BYTES)]
    TooLarge(usize),
    #[error("model file is corrupt: checksum mismatch (stored {stored:#010x}, computed {computed:#010x})")]
    Checksum { stored: u32, computed: u32 },
    #[error("model payload cannot be decoded: {0}")]
    Decode(String),
    #[error("model payload cannot be encoded: {0}")]
    Encode(String),
    #[error("invalid model: {0}")]
    Invalid(String),
}

impl ModelError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        ModelError::Invalid(message.into())
    }
}
