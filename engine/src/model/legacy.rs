//! Format version 1: the metadata before knobs were named and the recipe was recorded. bincode is not
//! self-describing, so an older file is read through its own shape and brought up to date.

use serde::Deserialize;

use super::{Gain, LstmWeights, ModelFile, ModelMetadata, Provenance, SongScore, TrainingMethod};

#[derive(Deserialize)]
pub(super) struct ModelFileV1 {
    metadata: MetadataV1,
    weights: LstmWeights,
}

#[derive(Deserialize)]
struct MetadataV1 {
    name: String,
    effect: String,
    experiment: String,
    model_number: Option<u32>,
    gain: Gain,
    context: u32,
    hidden_size: u32,
    learning_rate: f64,
    method: TrainingMethod,
    sample_rate: u32,
    provenance: Provenance,
    epochs_run: u32,
    best_validation_esr: Option<f32>,
    train_seconds: Option<f32>,
    test_scores: Vec<SongScore>,
    written_by: String,
}

impl From<ModelFileV1> for ModelFile {
    fn from(old: ModelFileV1) -> Self {
        let m = old.metadata;
        ModelFile {
            metadata: ModelMetadata {
                name: m.name,
                effect: m.effect,
                experiment: m.experiment,
                model_number: m.model_number,
                gain: m.gain,
                context: m.context,
                hidden_size: m.hidden_size,
                learning_rate: m.learning_rate,
                method: m.method,
                sample_rate: m.sample_rate,
                provenance: m.provenance,
                epochs_run: m.epochs_run,
                best_validation_esr: m.best_validation_esr,
                train_seconds: m.train_seconds,
                test_scores: m.test_scores,
                written_by: m.written_by,
                knobs: Vec::new(),
                recipe: None,
            },
            weights: old.weights,
        }
    }
}
