//! What the grid runner hands to the reports: plain data, serde-serialisable, so the same values can be stored
//! as JSON next to each model and the reports rebuilt from those files without retraining anything.

use std::path::PathBuf;

use blackbox_engine::metrics::Metrics;
use blackbox_engine::model::{Gain, ModelMetadata, Provenance, SongScore, TrainingMethod};
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
            EsrMode::Windowed => self.windowed.map(|m| m.esr as f32),
            EsrMode::Study => self.study_esr,
            EsrMode::Streaming => self.streaming.map(|m| m.esr as f32),
        }
    }

    /// The ESRs the model file keeps of this song (a figure that is not finite is left out, as the file
    /// accepts only finite figures).
    pub fn to_song_score(&self) -> SongScore {
        let finite = |mode| self.esr(mode).filter(|v| v.is_finite());
        SongScore {
            song: self.song.clone(),
            windowed_esr: finite(EsrMode::Windowed),
            streaming_esr: finite(EsrMode::Streaming),
            study_esr: finite(EsrMode::Study),
        }
    }
}

/// Everything the reports need about one trained model: the model file's own description of it (the one
/// schema: architecture, method, epochs, recipe, provenance), its training curve, and its test figures per song
/// in more detail than the file keeps (MSE and MAE, the one-sample floor).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelResult {
    pub metadata: ModelMetadata,
    pub history: History,
    pub songs: Vec<SongResult>,
}

/// What a finished model's `.result.json` holds: the per-song figures that the `.bbx` does not. (Files written
/// before the model file became the one description also repeat its fields and the history; those are ignored.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestFigures {
    pub songs: Vec<SongResult>,
}

impl ModelResult {
    /// A grid cell as the reports' tests build one: the study's naming, stand-in provenance, no figures yet
    /// (the test fills in what it checks).
    #[doc(hidden)]
    pub fn fixture(number: u32, gain: Gain, units: u32, lr: f64, ctx: u32, method: TrainingMethod) -> Self {
        let metadata = ModelMetadata {
            name: format!("model_{}_{units}_{lr}_{ctx}_{number}", gain.name()),
            effect: "SD-1".to_owned(),
            experiment: "DS340".to_owned(),
            model_number: Some(number),
            gain,
            context: ctx,
            hidden_size: units,
            learning_rate: lr,
            method,
            sample_rate: 44_100,
            provenance: Provenance::StandIn {
                circuit: "report fixture".to_owned(),
                settings: String::new(),
                sources: Vec::new(),
                seed: 0,
            },
            epochs_run: 0,
            best_validation_esr: None,
            train_seconds: None,
            test_scores: Vec::new(),
            written_by: "report fixture".to_owned(),
            knobs: Vec::new(),
            recipe: None,
        };
        ModelResult { metadata, history: History::default(), songs: Vec::new() }
    }

    /// Position in the study's grid loop (gain -> ctx -> units -> lr); 0 for a model outside the grid (a
    /// conditioned or captured one), which the grid reports never mix with the grid's cells.
    pub fn number(&self) -> u32 {
        self.metadata.model_number.unwrap_or(0)
    }

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
