use serde::{Deserialize, Serialize};

use super::{Gain, ModelError};

/// How a model was trained; decides whether it can be trusted when streamed (see the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrainingMethod {
    /// The study's way: isolated windows of `context` samples, each from zero state, predicting the last sample.
    Windowed,
    /// Sequence-to-sequence with the state carried and truncated backpropagation every `context` samples.
    Streaming,
}

/// What the model learnt from. Stand-in data is always labelled as such.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Provenance {
    /// DI guitar pushed through a physically-modelled reference circuit, not a real device.
    StandIn {
        /// e.g. "Sd1Circuit (Boss SD-1 reference model)".
        circuit: String,
        /// Knob settings, e.g. "Drive 12:00, Tone noon, Level noon".
        settings: String,
        /// The dry material: DI clip names or "procedural guitar".
        sources: Vec<String>,
        seed: u64,
    },
    /// Recordings of a real device.
    Recordings { description: String },
    /// A real device captured by `trainer fit`, with what the capture measured.
    Capture(CaptureFacts),
}

/// What `trainer fit` found about a capture, kept in the model so that anyone can see how it was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureFacts {
    /// The user's name for the device, e.g. "My DS-1".
    pub device: String,
    /// "BlackBox reamp signal v1" or "plain dry/wet pair".
    pub signal: String,
    /// The recordings, by file name, each with its knob values.
    pub takes: Vec<String>,
    /// The knobs a conditioned capture takes as extra inputs, in input order.
    pub knobs: Vec<String>,
    /// How late the recording was, in samples at the recording's rate, and how that was measured.
    pub latency_samples: i64,
    pub latency_method: String,
    /// The recording's polarity was inverted (and put right before training).
    pub inverted: bool,
    /// Everything the capture's checks said: confidence of the alignment, warnings.
    pub checks: Vec<String>,
}

impl Provenance {
    pub fn is_stand_in(&self) -> bool {
        matches!(self, Provenance::StandIn { .. })
    }

    /// One line for a GUI or a report.
    pub fn summary(&self) -> String {
        match self {
            Provenance::StandIn { circuit, settings, .. } => format!("stand-in data: {circuit}, {settings}"),
            Provenance::Recordings { description } => format!("real recordings: {description}"),
            Provenance::Capture(c) => format!(
                "real recording: {} (captured from {}, latency {} samples{})",
                c.device,
                c.signal,
                c.latency_samples,
                if c.inverted { ", polarity inverted" } else { "" }
            ),
        }
    }
}

/// Test error-to-signal ratios on one song, as fractions (0.03 = 3 %).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SongScore {
    pub song: String,
    /// Stateless windows at stride 1, the window ending at t compared with wet[t].
    pub windowed_esr: Option<f32>,
    /// State carried through the whole song: what the plugin plays.
    pub streaming_esr: Option<f32>,
    /// The study's own test: the window ending at t compared with wet[t + 1] (one sample late).
    pub study_esr: Option<f32>,
}

/// Everything known about how a model was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelMetadata {
    /// Study naming, e.g. `model_Mid_96_0.0001_88_21`.
    pub name: String,
    /// e.g. "SD-1" or "DSL20HPreamp".
    pub effect: String,
    /// e.g. "DS340" or "UltraGain".
    pub experiment: String,
    /// Position in the study's grid loop (gain -> ctx -> units -> lr); `None` outside a grid.
    pub model_number: Option<u32>,
    pub gain: Gain,
    /// Window length (windowed) or truncation length (streaming), in samples.
    pub context: u32,
    pub hidden_size: u32,
    pub learning_rate: f64,
    pub method: TrainingMethod,
    /// Rate the model was trained at; the plugin resamples other host rates to it.
    pub sample_rate: u32,
    pub provenance: Provenance,
    pub epochs_run: u32,
    pub best_validation_esr: Option<f32>,
    pub train_seconds: Option<f32>,
    pub test_scores: Vec<SongScore>,
    /// Free-form version string of the program that wrote the file.
    pub written_by: String,
    /// The knobs a conditioned model takes after the audio, in input order (e.g. `["gain"]`); empty otherwise.
    pub knobs: Vec<String>,
    /// What the training run was asked to do; `None` for files written before it was recorded.
    pub recipe: Option<TrainingRecipe>,
}

/// How a model was trained beyond its architecture, so that a model trained on a few thousand windows for a
/// smoke test does not pass for a full one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecipe {
    /// Seeds the split, the initial weights and the batch order.
    pub seed: u64,
    pub max_epochs: u32,
    /// Epochs without a better validation ESR before training stops.
    pub patience: u32,
    /// Windows (windowed) or 1 s segments (streaming) per batch.
    pub batch_size: u32,
    /// How much of the recordings trained, in words, e.g. "74862 windows (80 % if fewer)".
    pub training_share: String,
}

impl ModelMetadata {
    /// The names of a conditioned model's knobs, in input order. Files written before knobs were named: the
    /// capture's own list, or the study's gain knob.
    pub fn knob_names(&self) -> Vec<String> {
        if self.gain != Gain::Conditioned {
            return Vec::new();
        }
        if !self.knobs.is_empty() {
            return self.knobs.clone();
        }
        match &self.provenance {
            Provenance::Capture(c) if !c.knobs.is_empty() => c.knobs.clone(),
            _ => vec![super::STUDY_KNOB.to_owned()],
        }
    }

    /// Mean streaming ESR over the test songs, if every song has one.
    pub fn mean_streaming_esr(&self) -> Option<f32> {
        mean(self.test_scores.iter().map(|s| s.streaming_esr))
    }

    /// Mean windowed ESR over the test songs, if every song has one.
    pub fn mean_windowed_esr(&self) -> Option<f32> {
        mean(self.test_scores.iter().map(|s| s.windowed_esr))
    }

    pub(crate) fn validate(&self, hidden_size: usize, input_size: usize) -> Result<(), ModelError> {
        if self.hidden_size as usize != hidden_size {
            return Err(ModelError::invalid(format!(
                "metadata says hidden size {} but the weights have {hidden_size}",
                self.hidden_size
            )));
        }
        if self.gain == Gain::Conditioned && !self.knobs.is_empty() && self.knobs.len() + 1 != input_size {
            return Err(ModelError::invalid(format!(
                "the model names {} knobs but the weights take {input_size} inputs",
                self.knobs.len()
            )));
        }
        let conditioned = self.gain == Gain::Conditioned;
        if conditioned != (input_size > 1) {
            return Err(ModelError::invalid(format!(
                "gain {:?} does not match input size {input_size} (only a conditioned model has extra inputs)",
                self.gain
            )));
        }
        if let Provenance::Capture(c) = &self.provenance
            && c.knobs.len() + 1 != input_size
        {
            return Err(ModelError::invalid(format!(
                "the capture names {} knobs but the weights take {input_size} inputs",
                c.knobs.len()
            )));
        }
        if self.context == 0 {
            return Err(ModelError::invalid("context size is zero"));
        }
        if !(8_000..=384_000).contains(&self.sample_rate) {
            return Err(ModelError::invalid(format!("sample rate {} Hz is implausible", self.sample_rate)));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(ModelError::invalid(format!("learning rate {} is not a positive number", self.learning_rate)));
        }
        let scores = self.test_scores.iter().flat_map(|s| [s.windowed_esr, s.streaming_esr, s.study_esr]);
        let figures = scores.chain([self.best_validation_esr, self.train_seconds]).flatten();
        if let Some(bad) = figures.into_iter().find(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(ModelError::invalid(format!("a recorded figure is {bad}; figures must be finite and >= 0")));
        }
        Ok(())
    }
}

fn mean(values: impl Iterator<Item = Option<f32>>) -> Option<f32> {
    let (mut sum, mut count) = (0.0f64, 0usize);
    for value in values {
        sum += f64::from(value?);
        count += 1;
    }
    (count > 0).then(|| (sum / count as f64) as f32)
}
