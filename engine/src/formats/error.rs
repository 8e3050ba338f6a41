use std::path::PathBuf;

use crate::model::ModelError;

/// Why a model file could not be played. Each message names the file where there is one and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Bbx(#[from] ModelError),
    #[error("the file is {size} bytes; model files are at most {max} bytes, so this is not one", max = super::MAX_FILE_BYTES)]
    TooLarge { size: u64 },
    #[error("not a model file BlackBox knows: {0}. It reads .bbx, .nam, AIDA-X / RTNeural .json and .aidax, and GuitarML Proteus .json")]
    Unknown(String),
    #[error("a JSON file, but not a model: {0}")]
    NotAModel(String),
    #[error("{format} file that BlackBox cannot play: {message}")]
    Unsupported { format: &'static str, message: String },
    #[error("{format} file is malformed: {message}")]
    Malformed { format: &'static str, message: String },
    #[error("the file's own test vectors disagree with this model by {error:.2e} (tolerance {tolerance:.0e}): the file is damaged or its layout is not what it claims")]
    TestVectors { error: f32, tolerance: f32 },
}

impl FormatError {
    pub(crate) fn malformed(format: &'static str, message: impl Into<String>) -> Self {
        FormatError::Malformed { format, message: message.into() }
    }

    pub(crate) fn unsupported(format: &'static str, message: impl Into<String>) -> Self {
        FormatError::Unsupported { format, message: message.into() }
    }

    /// The same error with the file's path in front, for messages shown away from the file picker.
    pub(crate) fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            FormatError::Io { .. } => self,
            FormatError::Unknown(m) => FormatError::Unknown(format!("{} ({m})", path.display())),
            FormatError::NotAModel(m) => FormatError::NotAModel(format!("{}: {m}", path.display())),
            FormatError::Unsupported { format, message } => {
                FormatError::Unsupported { format, message: format!("{}: {message}", path.display()) }
            }
            FormatError::Malformed { format, message } => {
                FormatError::Malformed { format, message: format!("{}: {message}", path.display()) }
            }
            FormatError::Bbx(e) => FormatError::Bbx(ModelError::Invalid(format!("{}: {e}", path.display()))),
            other => other,
        }
    }
}
