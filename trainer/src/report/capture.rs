//! The report `trainer fit` writes beside a captured model: how the recording was aligned and checked, how good
//! the model is in the words NAM's users know, and where its error lies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ReportError;
use super::inputs::{DataSource, GridInfo, ModelResult, WaveformExcerpt};
use super::output::{ensure_dir, write_atomically};
use super::plots;

/// One point of the error spectrum, in dB of power per bin.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpectrumPoint {
    pub hz: f64,
    pub recorded_db: f64,
    pub error_db: f64,
}

/// What the capture found about one recording, and how the model does on its test section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureTakeReport {
    pub name: String,
    pub latency: isize,
    pub latency_ms: f64,
    pub method: String,
    pub confidence: String,
    pub drift: Option<isize>,
    pub inverted: bool,
    /// Onset of the linear estimate after alignment: 0 when the alignment is right.
    pub residual_onset: Option<isize>,
    pub peak_dbfs: f64,
    pub rms_dbfs: f64,
    pub noise_floor_dbfs: f64,
    pub clipped_samples: usize,
    pub dc: f64,
    pub warnings: Vec<String>,
    pub sections: String,
    pub test_esr: f64,
    pub verdict: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureReport {
    pub device: String,
    pub signal: String,
    pub sample_rate: u32,
    pub model_file: String,
    pub knobs: Vec<String>,
    pub recipe: String,
    pub result: ModelResult,
    pub takes: Vec<CaptureTakeReport>,
    pub excerpt: WaveformExcerpt,
    /// Of the first take's test section.
    pub spectrum: Vec<SpectrumPoint>,
}

impl CaptureReport {
    fn grid(&self) -> GridInfo {
        GridInfo {
            name: self.model_file.clone(),
            effect: self.device.clone(),
            experiment: "capture".into(),
            data: DataSource::Recordings { description: format!("captured from {}", self.signal) },
        }
    }
}

/// Writes `<stem>.report.md`, `<stem>.report.json`, `<stem>_waveform.png`, `<stem>_spectrum.png` and
/// `<stem>_training.png` into `dir`; returns the Markdown's path.
pub fn write_capture_report(dir: &Path, stem: &str, report: &CaptureReport) -> Result<PathBuf, ReportError> {
    ensure_dir(dir)?;
    let grid = report.grid();
    let files = [format!("{stem}_waveform.png"), format!("{stem}_spectrum.png"), format!("{stem}_training.png")];
    plots::waveform::write(&dir.join(&files[0]), &grid, &report.excerpt)?;
    plots::capture::write_spectrum(&dir.join(&files[1]), &grid, &report.spectrum)?;
    plots::train_val::write_one(&dir.join(&files[2]), &grid, &report.result)?;
    let json = serde_json::to_string_pretty(report).map_err(|e| ReportError::Plot {
        path: dir.join(format!("{stem}.report.json")),
        reason: e.to_string(),
    })?;
    write_atomically(&dir.join(format!("{stem}.report.json")), json.as_bytes())?;
    let markdown_path = dir.join(format!("{stem}.report.md"));
    write_atomically(&markdown_path, markdown(report, &files).as_bytes())?;
    Ok(markdown_path)
}

fn markdown(report: &CaptureReport, files: &[String; 3]) -> String {
    let mut md = String::new();
    let r = &report.result;
    writeln!(md, "# {}: capture report\n", report.device).ok();
    writeln!(
        md,
        "Model `{}` ({} Hz{}), trained on a recording of a real device ({}).\n",
        report.model_file,
        report.sample_rate,
        if report.knobs.is_empty() { String::new() } else { format!(", knobs: {}", report.knobs.join(", ")) },
        report.signal
    )
    .ok();
    writeln!(md, "Recipe: {}.\n", report.recipe).ok();
    writeln!(
        md,
        "Trained {} epochs in {:.0} s (best validation loss {}).\n",
        r.metadata.epochs_run,
        r.metadata.train_seconds.unwrap_or(f32::NAN),
        r.metadata.best_validation_esr.map_or("-".into(), |v| format!("{:.3} %", 100.0 * v))
    )
    .ok();
    writeln!(md, "## How good it is\n").ok();
    writeln!(
        md,
        "Test ESR on the held-out test section, the model streamed from the recording's first sample as the plugin \
         plays it. NAM's scale: below 1 % great, below 3.5 % not bad, below 10 % may sound fine, above that it \
         will not sound right.\n"
    )
    .ok();
    writeln!(md, "| recording | test ESR | verdict | sections |").ok();
    writeln!(md, "|---|---|---|---|").ok();
    for t in &report.takes {
        writeln!(md, "| {} | {:.2} % | {} | {} |", t.name, 100.0 * t.test_esr, t.verdict, t.sections).ok();
    }
    writeln!(md, "\n## Alignment and checks\n").ok();
    writeln!(md, "| recording | latency | found by | polarity | drift | residual onset | peak | RMS | noise floor | clipped | DC |").ok();
    writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|").ok();
    for t in &report.takes {
        writeln!(
            md,
            "| {} | {} samples ({:.2} ms) | {} | {} | {} | {} | {:.1} dBFS | {:.1} dBFS | {:.1} dBFS | {} | {:.4} |",
            t.name,
            t.latency,
            t.latency_ms,
            t.method,
            if t.inverted { "inverted (put right)" } else { "as recorded" },
            t.drift.map_or("-".into(), samples),
            t.residual_onset.map_or("-".into(), samples),
            t.peak_dbfs,
            t.rms_dbfs,
            t.noise_floor_dbfs,
            t.clipped_samples,
            t.dc
        )
        .ok();
    }
    writeln!(md).ok();
    for t in &report.takes {
        writeln!(md, "- {}: latency {}.", t.name, t.confidence).ok();
        for w in &t.warnings {
            writeln!(md, "- **warning**, {}: {w}.", t.name).ok();
        }
    }
    writeln!(
        md,
        "\nThe residual onset is where the device's linear response starts after alignment, measured on the \
         training section: 0 means the model never has to predict ahead of its input.\n"
    )
    .ok();
    writeln!(md, "## Figures\n").ok();
    writeln!(md, "- Predicted against recorded, the loudest 50 ms of the test section: ![waveform]({})", files[0]).ok();
    writeln!(md, "- Spectrum of the recorded test section and of the model's error: ![spectrum]({})", files[1]).ok();
    writeln!(md, "- Training and validation loss: ![training]({})", files[2]).ok();
    md
}

fn samples(n: isize) -> String {
    if n.abs() == 1 { format!("{n} sample") } else { format!("{n} samples") }
}
