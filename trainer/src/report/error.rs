use std::path::PathBuf;

/// Why a report could not be written. Every variant names the file or the input at fault.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot create the report folder {path}: {source}; choose a writable folder (trainer --reports <dir>)")]
    CreateDir { path: PathBuf, source: std::io::Error },

    #[error("cannot write {path}: {source}; check that the folder is writable and the disk is not full")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("cannot write the table {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },

    #[error("cannot draw {path}: {reason}")]
    Plot { path: PathBuf, reason: String },

    #[error("the report font compiled into the trainer (DejaVu Sans) could not be loaded; the binary is damaged")]
    Font,

    #[error("the waveform excerpt of {song}: {reason}")]
    InvalidExcerpt { song: String, reason: String },

    #[error(
        "{side} results for the method comparison contain model {model} ({name}) trained with the {actual:?} method"
    )]
    MethodMismatch { side: &'static str, model: u32, name: String, actual: blackbox_engine::model::TrainingMethod },

    #[error(
        "{side} results for the method comparison contain two models of cell {cell} ({first} and {second}); pass one per cell"
    )]
    DuplicateCell { side: &'static str, cell: String, first: String, second: String },
}
