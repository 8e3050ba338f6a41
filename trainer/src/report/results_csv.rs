//! `results.csv`: one row per model, every figure at full precision, for spreadsheets and scripts.
//!
//! ESRs are fractions (0.03 = 3 %), as the model files store them; a missing figure is an empty cell, a
//! diverged one is `NaN` or `inf` exactly as measured.

use std::path::Path;

use blackbox_engine::model::TrainingMethod;

use super::error::ReportError;
use super::grid_stats::{format_lr, in_grid_order};
use super::inputs::{EsrMode, ModelResult};
use super::output::write_atomically;

/// The columns before the per-song ones.
pub const MODEL_COLUMNS: [&str; 10] =
    ["number", "name", "gain", "units", "lr", "ctx", "method", "epochs_run", "best_val_esr", "train_seconds"];

/// Per-song column names, in the order they follow each other for one song.
pub fn song_columns(song: &str) -> [String; 4] {
    [
        format!("{song}_{}_esr", EsrMode::Windowed.key()),
        format!("{song}_{}_esr", EsrMode::Study.key()),
        format!("{song}_one_sample_shift_esr"),
        format!("{song}_{}_esr", EsrMode::Streaming.key()),
    ]
}

/// The closing columns: each mode's mean over the grid's songs.
pub fn mean_columns() -> [String; 3] {
    EsrMode::ALL.map(|mode| format!("mean_{}_esr", mode.key()))
}

pub fn method_name(method: TrainingMethod) -> &'static str {
    match method {
        TrainingMethod::Windowed => "windowed",
        TrainingMethod::Streaming => "streaming",
    }
}

pub fn write_results_csv(path: &Path, results: &[ModelResult], songs: &[String]) -> Result<(), ReportError> {
    let csv_error = |source| ReportError::Csv { path: path.to_path_buf(), source };
    let mut table = csv::Writer::from_writer(Vec::new());

    let mut header: Vec<String> = MODEL_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(songs.iter().flat_map(|song| song_columns(song)));
    header.extend(mean_columns());
    table.write_record(&header).map_err(csv_error)?;

    for result in in_grid_order(results) {
        let mut row = vec![
            result.number().to_string(),
            result.metadata.name.clone(),
            result.metadata.gain.name().to_string(),
            result.metadata.hidden_size.to_string(),
            format_lr(result.metadata.learning_rate),
            result.metadata.context.to_string(),
            method_name(result.metadata.method).to_string(),
            result.metadata.epochs_run.to_string(),
            cell(result.metadata.best_validation_esr),
            cell(result.metadata.train_seconds),
        ];
        for song in songs {
            let figures = result.song(song);
            row.push(cell(figures.and_then(|s| s.esr(EsrMode::Windowed))));
            row.push(cell(figures.and_then(|s| s.esr(EsrMode::Study))));
            row.push(cell(figures.and_then(|s| s.one_sample_shift_esr)));
            row.push(cell(figures.and_then(|s| s.esr(EsrMode::Streaming))));
        }
        row.extend(EsrMode::ALL.map(|mode| cell(result.mean_esr(songs, mode))));
        table.write_record(&row).map_err(csv_error)?;
    }

    let bytes = table.into_inner().map_err(|e| csv_error(csv::Error::from(e.into_error())))?;
    write_atomically(path, &bytes)
}

fn cell(value: Option<f32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}
