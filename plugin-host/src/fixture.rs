//! Model files for tests and the bench, made from random Keras-style weights (no trained model is needed to
//! check that the plugin plays what the engine plays).

use std::path::Path;

use blackbox_engine::model::{
    CaptureFacts, Gain, LstmWeights, ModelError, ModelFile, ModelMetadata, Provenance, SongScore, TrainingMethod,
};

/// A small deterministic generator (SplitMix64), so every run builds the same model from the same seed.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// Weights initialised the way Keras initialises an untrained LSTM (Glorot-uniform kernel, a recurrent kernel
/// of unit-ish gain, zero bias with the forget gate's at 1), then scaled so the model distorts audibly.
pub fn keras_like_weights(input_size: usize, hidden_size: usize, seed: u64) -> LstmWeights {
    let mut rng = SplitMix::new(seed);
    let cols = 4 * hidden_size;
    let glorot = (6.0 / (input_size + cols) as f32).sqrt() * 4.0;
    let recurrent = 1.0 / (hidden_size as f32).sqrt();
    let mut weights = LstmWeights::zeros(input_size, hidden_size);
    weights.kernel.iter_mut().for_each(|w| *w = glorot * rng.uniform());
    weights.recurrent_kernel.iter_mut().for_each(|w| *w = recurrent * rng.uniform());
    weights.bias[hidden_size..2 * hidden_size].iter_mut().for_each(|b| *b = 1.0);
    let dense = (6.0 / (hidden_size + 1) as f32).sqrt();
    weights.dense_kernel.iter_mut().for_each(|w| *w = dense * rng.uniform());
    weights.dense_bias = 0.0;
    weights
}

/// A complete model file as the trainer would write it, labelled as stand-in data.
pub fn stand_in_model(hidden_size: usize, seed: u64) -> ModelFile {
    ModelFile {
        metadata: ModelMetadata {
            name: format!("model_Mid_{hidden_size}_0.01_88_test{seed}"),
            effect: "SD-1".to_owned(),
            experiment: "PluginTest".to_owned(),
            model_number: None,
            gain: Gain::Mid,
            context: 88,
            hidden_size: hidden_size as u32,
            learning_rate: 0.01,
            method: TrainingMethod::Streaming,
            sample_rate: 44_100,
            provenance: Provenance::StandIn {
                circuit: "random Keras-like weights (test fixture)".to_owned(),
                settings: "none".to_owned(),
                sources: vec!["none".to_owned()],
                seed,
            },
            epochs_run: 0,
            best_validation_esr: None,
            train_seconds: None,
            test_scores: vec![SongScore {
                song: "fixture".to_owned(),
                windowed_esr: Some(0.04),
                streaming_esr: Some(0.05),
                study_esr: None,
            }],
            written_by: "blackbox-plugin-host fixture".to_owned(),
            knobs: Vec::new(),
            recipe: None,
        },
        weights: keras_like_weights(1, hidden_size, seed),
    }
}

/// A model as `trainer fit` writes it for a captured device at `sample_rate`, with one input per named knob.
pub fn captured_model(hidden_size: usize, seed: u64, knobs: &[&str], sample_rate: u32) -> ModelFile {
    let mut model = stand_in_model(hidden_size, seed);
    let m = &mut model.metadata;
    m.name = "Fixture capture".to_owned();
    m.effect = "Fixture capture".to_owned();
    m.experiment = "capture".to_owned();
    m.gain = if knobs.is_empty() { Gain::Single } else { Gain::Conditioned };
    m.knobs = knobs.iter().map(|k| (*k).to_owned()).collect();
    m.sample_rate = sample_rate;
    m.provenance = Provenance::Capture(CaptureFacts {
        device: "Fixture capture".to_owned(),
        signal: "BlackBox reamp signal v1".to_owned(),
        takes: vec!["recorded.wav".to_owned()],
        knobs: knobs.iter().map(|k| (*k).to_owned()).collect(),
        latency_samples: 317,
        latency_method: "sync impulses".to_owned(),
        inverted: true,
        checks: vec!["random weights (test fixture)".to_owned()],
    });
    model.weights = keras_like_weights(1 + knobs.len(), hidden_size, seed);
    model
}

/// Writes a stand-in model to `path` and returns it.
pub fn write_stand_in_model(path: &Path, hidden_size: usize, seed: u64) -> Result<ModelFile, ModelError> {
    let model = stand_in_model(hidden_size, seed);
    model.save(path)?;
    Ok(model)
}

/// The community's model files in `../shared/models` (outside the repository; never copied into it), every
/// format, in name order; `None`, with a line saying so, where that folder is absent. PedalNetRT's file is left
/// out: it is not a playable model, and the tests that use it say so themselves.
pub fn community_model_files() -> Option<Vec<std::path::PathBuf>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models");
    if !root.exists() {
        eprintln!("SKIPPED: {} is not there (the community files live outside the repository)", root.display());
        return None;
    }
    let mut files = Vec::new();
    for folder in ["nam", "aidax", "guitarml", "rtneural"] {
        for path in std::fs::read_dir(root.join(folder)).ok()?.flatten().map(|e| e.path()) {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            if (name.ends_with(".nam") || name.ends_with(".json")) && !name.contains("PedalNetRT") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}
