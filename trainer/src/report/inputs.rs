//! What the grid runner hands to the reports: plain data, serde-serialisable, so the same values can be stored
//! as JSON next to each model and the reports rebuilt from those files without retraining anything.

use std::path::PathBuf;

use blackbox_engine::model::{Gain, Provenance, SongScore, TrainingMethod};
use serde::{Deserialize, Serialize};

use crate::training::History;

/// Where a grid's recordings came from. An enum rather than a free string so that stand-in data cannot reach a
/// report without the words "stand-in data" in front of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    /// DI guitar through a modelled circuit, e.g. "Sd1Circuit (Boss SD-1 reference model), procedural guitar".
    StandIn { description: String },
    /// Recordings of a real device, e.g. "Boss SD-1, Focusrite Scarlett 2i2, 44.1 kHz".
    Recordings { description: String },
}

impl DataSource {
    /// The provenance line every report and every figure carries.
    pub fn label(&self) -> String {
        match self {
            DataSource::StandIn { description } => format!("stand-in data: {description}"),
            DataSource::Recordings { description } => format!("real recordings: {description}"),
        }
    }

    pub fn is_stand_in(&self) -> bool {
        matches!(self, DataSource::StandIn { .. })
    }

    /// The grid-level source of a model's provenance. Knob settings are left out because they differ by gain
    /// within one grid; the circuit (or the recording description) is what the whole grid shares.
    pub fn from_provenance(provenance: &Provenance) -> Self {
        match provenance {
            Provenance::StandIn { circuit, sources, .. } => {
                // Names only while they fit a figure's subtitle; a DI set of a dozen clips is counted instead.
                let description = match sources.len() {
                    0 => circuit.clone(),
                    1..=3 => format!("{circuit}, {}", sources.join(", ")),
                    n => format!("{circuit}, {n} dry clips ({}, ...)", sources[..2].join(", ")),
                };
                DataSource::StandIn { description }
            }
            Provenance::Recordings { description } => DataSource::Recordings { description: description.clone() },
            Provenance::Capture(_) => DataSource::Recordings { description: provenance.summary() },
        }
    }
}

/// One grid run: the study's effect and experiment names plus where its data came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridInfo {
    /// The command-line name, e.g. "ds340" or "ultragain".
    pub name: String,
    /// e.g. "SD-1" or "DSL20HPreamp".
    pub effect: String,
    /// e.g. "DS340" or "UltraGain".
    pub experiment: String,
    pub data: DataSource,
}

impl GridInfo {
    /// "SD-1 / DS340 (stand-in data: ...)": the subtitle of every figure.
    pub fn caption(&self) -> String {
        format!("{} / {} ({})", self.effect, self.experiment, self.data.label())
    }
}

/// Test figures of one model on one song in one evaluation mode. ESR as a fraction (0.03 = 3 %).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub esr: f32,
    pub mse: f32,
    pub mae: f32,
}

/// One model on one test song. Every figure is optional: a quick run may skip a mode, and a report written while
/// the grid is still evaluating must not invent numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SongResult {
    pub song: String,
    /// Stateless windows at stride 1 from zero state, the window ending at t compared with wet[t].
    pub windowed: Option<Metrics>,
    /// The study's own test: the same windows compared with wet[t + 1], one sample late.
    pub study_esr: Option<f32>,
    /// State carried through the whole song, exactly what the plugin plays.
    pub streaming: Option<Metrics>,
    /// What the one-sample misalignment alone costs on this song's wet signal (see
    /// [`one_sample_shift_esr`](super::one_sample_shift_esr)); depends on the gain, hence stored per model.
    pub one_sample_shift_esr: Option<f32>,
}

impl SongResult {
    /// The figure this song contributes in one evaluation mode.
    pub fn esr(&self, mode: EsrMode) -> Option<f32> {
        match mode {
            EsrMode::Windowed => self.windowed.map(|m| m.esr),
            EsrMode::Study => self.study_esr,
            EsrMode::Streaming => self.streaming.map(|m| m.esr),
        }
    }

    /// The same figures in the engine's model-file metadata form.
    pub fn to_song_score(&self) -> SongScore {
        SongScore {
            song: self.song.clone(),
            windowed_esr: self.esr(EsrMode::Windowed),
            streaming_esr: self.esr(EsrMode::Streaming),
            study_esr: self.esr(EsrMode::Study),
        }
    }
}

/// Everything the reports need about one trained model of a grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelResult {
    /// Position in the study's loop order gain -> ctx -> units -> lr.
    pub number: u32,
    /// Study naming, e.g. `model_Mid_96_0.0001_88_21`.
    pub name: String,
    pub gain: Gain,
    pub units: u32,
    pub lr: f64,
    pub ctx: u32,
    pub method: TrainingMethod,
    pub epochs_run: u32,
    /// The early-stopping point's validation loss (ESR).
    pub best_val_esr: Option<f32>,
    pub train_seconds: Option<f32>,
    #[serde(default)]
    pub history: History,
    #[serde(default)]
    pub songs: Vec<SongResult>,
}

impl ModelResult {
    pub fn song(&self, song: &str) -> Option<&SongResult> {
        self.songs.iter().find(|s| s.song == song)
    }

    /// Mean ESR over the given songs in one mode; `None` unless every one of them has a finite figure, so that
    /// two models' means always cover the same songs and a diverged song is not averaged away.
    pub fn mean_esr(&self, songs: &[String], mode: EsrMode) -> Option<f32> {
        if songs.is_empty() {
            return None;
        }
        let mut sum = 0.0f64;
        for song in songs {
            let esr = self.song(song)?.esr(mode)?;
            if !esr.is_finite() {
                return None;
            }
            sum += f64::from(esr);
        }
        Some((sum / songs.len() as f64) as f32)
    }
}

/// The three ways a model's test ESR is measured, in the order the reports print them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EsrMode {
    /// Correctly aligned stateless windows.
    Windowed,
    /// The study's one-sample-late comparison, for comparing with its published figures.
    Study,
    /// State carried: what the plugin plays.
    Streaming,
}

impl EsrMode {
    pub const ALL: [EsrMode; 3] = [EsrMode::Windowed, EsrMode::Study, EsrMode::Streaming];

    /// Column-name fragment for CSV headers.
    pub fn key(self) -> &'static str {
        match self {
            EsrMode::Windowed => "windowed",
            EsrMode::Study => "study",
            EsrMode::Streaming => "streaming",
        }
    }

    /// Human label for tables and legends.
    pub fn label(self) -> &'static str {
        match self {
            EsrMode::Windowed => "windowed (aligned)",
            EsrMode::Study => "study (1 sample late)",
            EsrMode::Streaming => "streaming (plugin)",
        }
    }
}

/// A stretch of one test song for the waveform plot, like the study's chunk plots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaveformExcerpt {
    pub song: String,
    pub model_name: String,
    /// Position of `dry[0]` in the song, so the plot's time axis matches the song's.
    pub start_sample: u64,
    pub sample_rate: u32,
    pub dry: Vec<f32>,
    pub wet: Vec<f32>,
    /// Aligned with `wet`: `predicted[i]` is the model's output for the sample `wet[i]`.
    pub predicted: Vec<f32>,
}

/// The files one call to [`write_grid_report`](super::write_grid_report) wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFiles {
    pub csv: PathBuf,
    pub markdown: PathBuf,
    pub model_results_png: PathBuf,
    pub summary_png: PathBuf,
    pub train_val_png: PathBuf,
    /// Only when an excerpt was given.
    pub waveform_png: Option<PathBuf>,
}

/// The files one call to [`write_method_comparison`](super::write_method_comparison) wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComparisonFiles {
    pub markdown: PathBuf,
    pub png: PathBuf,
}
