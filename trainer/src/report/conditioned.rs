//! The conditioned model's report: its streaming test ESR at each recorded setting (the study's Low / Mid / High,
//! or a device's own) beside the per-setting models', and how its distortion follows the knob between those
//! settings — a THD-versus-knob curve, checked for being monotone and smooth, with the reference circuit's and
//! the per-setting models' THD at each setting.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use blackbox_engine::model::Gain;
use serde::{Deserialize, Serialize};

use super::error::ReportError;
use super::format::{cell_text, percent, percent_value, seconds};
use super::inputs::{GridInfo, ModelResult};
use super::output::{ensure_dir, write_atomically};
use super::plots;

pub const CONDITIONED_MD: &str = "conditioned.md";
pub const CONDITIONED_CSV: &str = "conditioned_thd.csv";
pub const CONDITIONED_PNG: &str = "conditioned_thd.png";

/// One point of the knob sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KnobPoint {
    pub knob: f32,
    /// As a fraction (0.05 = 5 %).
    pub thd: f64,
}

/// One of the study's settings, where the knob has references to compare with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GainReference {
    pub gain: Gain,
    pub knob: f32,
    /// The conditioned model's mean streaming test ESR over this gain's test takes.
    pub conditioned_esr: Option<f32>,
    /// The per-gain model with the lowest mean streaming test ESR (either method), and that ESR.
    pub best_fixed: Option<(String, f32)>,
    /// The per-gain streaming-trained model of the conditioned model's own architecture, if trained.
    pub same_architecture_esr: Option<f32>,
    /// THD of the test tone through the stand-in reference circuit at this setting (none for real recordings).
    pub circuit_thd: Option<f64>,
    /// THD of the test tone through `best_fixed`.
    pub best_fixed_thd: Option<f64>,
}

/// Everything the conditioned report shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConditionedReport {
    pub grid: GridInfo,
    pub model: ModelResult,
    pub tone_hz: f64,
    pub tone_amplitude: f32,
    pub sweep: Vec<KnobPoint>,
    pub references: Vec<GainReference>,
}

/// The largest step between neighbouring knob points a smooth curve may take, as a share of its whole rise:
/// a knob that jumps more than this within a twentieth of its travel is heard as a switch, not a pot.
pub const MAX_STEP_SHARE: f64 = 0.15;

/// Shape of the THD curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurveShape {
    /// Largest fall of THD between neighbouring knob points (0 when it never falls).
    pub largest_fall: f64,
    /// Largest change between neighbouring points as a share of the curve's whole rise.
    pub largest_step_share: f64,
    pub rise: f64,
}

impl CurveShape {
    pub fn of(sweep: &[KnobPoint]) -> Self {
        let steps: Vec<f64> = sweep.windows(2).map(|p| p[1].thd - p[0].thd).collect();
        let largest_fall = steps.iter().fold(0.0f64, |m, &s| m.max(-s));
        let rise = sweep.last().map_or(0.0, |l| l.thd) - sweep.first().map_or(0.0, |f| f.thd);
        let largest = steps.iter().fold(0.0f64, |m, &s| m.max(s.abs()));
        let largest_step_share = if rise > 0.0 { largest / rise } else { f64::INFINITY };
        CurveShape { largest_fall, largest_step_share, rise }
    }

    /// Monotone within 0.1 % THD (a point of measurement noise), and no step above a quarter of the whole rise.
    pub fn monotone(&self) -> bool {
        self.largest_fall <= 1e-3 && self.rise > 0.0
    }

    pub fn smooth(&self) -> bool {
        self.largest_step_share <= MAX_STEP_SHARE
    }
}

#[derive(Clone, Debug)]
pub struct ConditionedFiles {
    pub markdown: PathBuf,
    pub csv: PathBuf,
    pub png: PathBuf,
}

pub fn write_conditioned_report(dir: &Path, report: &ConditionedReport) -> Result<ConditionedFiles, ReportError> {
    ensure_dir(dir)?;
    let files = ConditionedFiles {
        markdown: dir.join(CONDITIONED_MD),
        csv: dir.join(CONDITIONED_CSV),
        png: dir.join(CONDITIONED_PNG),
    };
    write_atomically(&files.csv, csv(report).as_bytes())?;
    write_atomically(&files.markdown, markdown(report).as_bytes())?;
    plots::conditioned::write(&files.png, report)?;
    Ok(files)
}

fn csv(report: &ConditionedReport) -> String {
    let mut out = String::from("knob,thd_percent\n");
    for p in &report.sweep {
        let _ = writeln!(out, "{:.3},{:.4}", p.knob, p.thd * 100.0);
    }
    out
}

/// A THD fraction as "6.12 %", or a dash with no unit when missing.
fn thd_text(thd: Option<f64>) -> String {
    thd.map_or_else(|| "–".to_owned(), |v| format!("{} %", percent_value(v * 100.0)))
}

/// An ESR fraction as "4.48 %", or a dash with no unit when missing.
fn esr_text(esr: Option<f32>) -> String {
    match esr {
        Some(_) => format!("{} %", percent(esr)),
        None => percent(None),
    }
}

fn markdown(report: &ConditionedReport) -> String {
    let m = &report.model;
    let mut out = String::new();
    let _ = writeln!(out, "# {} / {}: the gain-conditioned model\n", report.grid.effect, report.grid.experiment);
    let _ = writeln!(out, "Data: **{}**.\n", report.grid.data.label());
    let _ = writeln!(
        out,
        "`{}`: one LSTM of {} units with the audio and the knob as inputs (each setting's knob value in the tables \
         below), trained by streaming (1 s segments, state carried, truncated BPTT every {} samples, pre-emphasised \
         ESR + DC loss, lr {}) on the recordings of all {} settings together: {} epochs, {} s.\n",
        m.metadata.name,
        m.metadata.hidden_size,
        m.metadata.context,
        m.metadata.learning_rate,
        report.references.len(),
        m.metadata.epochs_run,
        seconds(m.metadata.train_seconds)
    );
    let _ = writeln!(out, "## Test ESR at each setting (streaming mode, as the plugin plays)\n");
    let _ = writeln!(out, "| setting | knob | conditioned model | best per-setting model | its ESR | per-setting model, same architecture, streaming-trained |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in &report.references {
        let (best_name, best_esr) = match &r.best_fixed {
            Some((name, esr)) => (format!("`{}`", cell_text(name)), esr_text(Some(*esr))),
            None => ("not trained".to_owned(), esr_text(None)),
        };
        let _ = writeln!(
            out,
            "| {} | {:.2} | {} | {} | {} | {} |",
            r.gain.name(),
            r.knob,
            esr_text(r.conditioned_esr),
            best_name,
            best_esr,
            r.same_architecture_esr.map_or_else(|| "not trained".to_owned(), |e| esr_text(Some(e))),
        );
    }
    let shape = CurveShape::of(&report.sweep);
    let _ = writeln!(out, "\n## Between the settings: THD against the knob\n");
    let _ = writeln!(
        out,
        "A {:.0} Hz sine at amplitude {:.3} (the RMS of the training guitar) streamed through the model from zero \
         state; the THD (harmonics 2-10) of the second after a 0.5 s settling time, at {} knob positions. See `{CONDITIONED_PNG}` and \
         `{CONDITIONED_CSV}`.\n",
        report.tone_hz,
        report.tone_amplitude,
        report.sweep.len()
    );
    let _ = writeln!(
        out,
        "- THD runs from {} at knob 0 to {} at knob 1 (rise {} points).",
        thd_text(report.sweep.first().map(|p| p.thd)),
        thd_text(report.sweep.last().map(|p| p.thd)),
        percent_value(shape.rise * 100.0)
    );
    let _ = writeln!(
        out,
        "- Monotone: **{}** (largest fall between neighbouring points {} points; 0.1 allowed for measurement noise).",
        if shape.monotone() { "yes" } else { "no" },
        percent_value(shape.largest_fall * 100.0)
    );
    let _ = writeln!(
        out,
        "- Smooth: **{}** (largest step between neighbouring points is {:.0} % of the whole rise; {:.0} % allowed).\n",
        if shape.smooth() { "yes" } else { "no" },
        shape.largest_step_share * 100.0,
        MAX_STEP_SHARE * 100.0
    );
    let _ = writeln!(out, "| setting | knob | conditioned model THD | reference circuit THD | best per-setting model THD |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for r in &report.references {
        let at_knob = report.sweep.iter().find(|p| (p.knob - r.knob).abs() < 1e-4).map(|p| p.thd);
        let _ = writeln!(
            out,
            "| {} | {:.2} | {} | {} | {} |",
            r.gain.name(),
            r.knob,
            thd_text(at_knob),
            thd_text(r.circuit_thd),
            thd_text(r.best_fixed_thd)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(values: &[f64]) -> Vec<KnobPoint> {
        values.iter().enumerate().map(|(i, &thd)| KnobPoint { knob: i as f32 / 10.0, thd }).collect()
    }

    #[test]
    fn a_rising_curve_is_monotone_and_a_dip_or_a_jump_is_caught() {
        // Ten equal steps: each a tenth of the rise, within the 15 % a smooth knob may take.
        let rising = CurveShape::of(&sweep(&[0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.11]));
        assert!(rising.monotone() && rising.smooth(), "{rising:?}");
        let five_steps = CurveShape::of(&sweep(&[0.01, 0.02, 0.03, 0.04, 0.05, 0.06]));
        assert!(!five_steps.smooth(), "a fifth of the rise in one step is a switch: {five_steps:?}");
        let dip = CurveShape::of(&sweep(&[0.01, 0.03, 0.02, 0.04, 0.05, 0.06]));
        assert!(!dip.monotone());
        assert!((dip.largest_fall - 0.01).abs() < 1e-12);
        let jump = CurveShape::of(&sweep(&[0.01, 0.011, 0.012, 0.10, 0.101, 0.102]));
        assert!(jump.monotone() && !jump.smooth(), "{jump:?}");
        assert!(!CurveShape::of(&sweep(&[0.05, 0.05])).monotone(), "a flat knob does nothing");
    }
}
