//! The grid's reports: tables and plots of every model's training and test figures, as the study published
//! them (`modelResults.png`, `summary_modelResults.png`, `AllTrainVal.png`, chunk plots) plus what the study
//! could not show: the correctly aligned ESR beside its one-sample-late one, and the streaming ESR the plugin
//! actually plays.
//!
//! The grid runner calls [`write_grid_report`] after each finished model (so the reports are current while a
//! long grid trains) and [`write_method_comparison`] once both methods have results. Inputs are plain serde
//! data ([`ModelResult`], [`GridInfo`], [`WaveformExcerpt`]); each model's comes back from its files (the
//! `.bbx`, its history and its test figures), so reports can be redrawn without retraining. Every file is replaced atomically.

mod alignment;
mod capture;
mod conditioned;
mod error;
mod format;
mod grid_stats;
mod inputs;
mod method_comparison;
mod output;
mod plots;
mod results_csv;
mod results_md;
mod study_figures;

use std::path::Path;

pub use alignment::{lag1_autocorrelation, one_sample_shift_esr};
pub use capture::{CaptureReport, CaptureTakeReport, SpectrumPoint, write_capture_report};
pub use conditioned::{
    ConditionedFiles, ConditionedReport, CurveShape, GainReference, KnobPoint, write_conditioned_report,
};
pub use error::ReportError;
pub use inputs::{
    ComparisonFiles, DataSource, EsrMode, GridInfo, ModelResult, ReportFiles, SongResult, TestFigures,
    WaveformExcerpt,
};
pub use results_md::ALIGNMENT_NOTE;

/// File names inside the report folder; the study's names where it had one.
pub mod file_names {
    pub const RESULTS_CSV: &str = "results.csv";
    pub const RESULTS_MD: &str = "results.md";
    pub const MODEL_RESULTS_PNG: &str = "modelResults.png";
    pub const SUMMARY_PNG: &str = "summary_modelResults.png";
    pub const TRAIN_VAL_PNG: &str = "AllTrainVal.png";
    pub const WAVEFORM_PNG: &str = "waveform.png";
    pub const COMPARISON_MD: &str = "windowed_vs_streaming.md";
    pub const COMPARISON_PNG: &str = "windowed_vs_streaming.png";
}

/// Writes `results.csv`, `results.md`, `modelResults.png`, `summary_modelResults.png`, `AllTrainVal.png` and,
/// given an excerpt, `waveform.png` into `dir` (created if needed). Results may be in any order and may be
/// empty or partial (a grid still training): the tables list what exists and the figures say what is missing.
pub fn write_grid_report(
    dir: &Path,
    grid: &GridInfo,
    results: &[ModelResult],
    excerpt: Option<&WaveformExcerpt>,
) -> Result<ReportFiles, ReportError> {
    use file_names::*;
    // Check the caller's excerpt before writing anything, so a bad call leaves the previous report intact.
    if let Some(excerpt) = excerpt {
        plots::waveform::validate(excerpt)?;
    }
    output::ensure_dir(dir)?;
    let songs = grid_stats::song_names(results);
    let files = ReportFiles {
        csv: dir.join(RESULTS_CSV),
        markdown: dir.join(RESULTS_MD),
        model_results_png: dir.join(MODEL_RESULTS_PNG),
        summary_png: dir.join(SUMMARY_PNG),
        train_val_png: dir.join(TRAIN_VAL_PNG),
        waveform_png: excerpt.map(|_| dir.join(WAVEFORM_PNG)),
    };

    results_csv::write_results_csv(&files.csv, results, &songs)?;
    let figures = results_md::FigureNames {
        model_results: MODEL_RESULTS_PNG,
        summary: SUMMARY_PNG,
        train_val: TRAIN_VAL_PNG,
        waveform: excerpt.map(|_| WAVEFORM_PNG),
    };
    results_md::write_results_md(&files.markdown, grid, results, &songs, &figures)?;
    plots::model_results::write(&files.model_results_png, grid, results, &songs)?;
    plots::summary::write(&files.summary_png, grid, results, &songs)?;
    plots::train_val::write(&files.train_val_png, grid, results)?;
    if let (Some(path), Some(excerpt)) = (&files.waveform_png, excerpt) {
        plots::waveform::write(path, grid, excerpt)?;
    }
    Ok(files)
}

/// Writes `windowed_vs_streaming.md` and `windowed_vs_streaming.png` into `dir`: per grid cell, the
/// streaming-mode test ESR and the training time of the model each method trained. `windowed` must hold only
/// windowed-trained results and `streaming` only streaming-trained ones, at most one per cell each; cells
/// present on one side only are shown as missing on the other.
pub fn write_method_comparison(
    dir: &Path,
    grid: &GridInfo,
    windowed: &[ModelResult],
    streaming: &[ModelResult],
) -> Result<ComparisonFiles, ReportError> {
    use file_names::*;
    let cells = method_comparison::pair_cells(windowed, streaming)?;
    output::ensure_dir(dir)?;
    let songs = method_comparison::comparison_songs(windowed, streaming);
    let files = ComparisonFiles { markdown: dir.join(COMPARISON_MD), png: dir.join(COMPARISON_PNG) };
    method_comparison::write_comparison_md(&files.markdown, grid, &cells, &songs, COMPARISON_PNG)?;
    plots::method_comparison::write(&files.png, grid, &cells, &songs)?;
    Ok(files)
}
