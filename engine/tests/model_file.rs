//! The model file format: round trips, and every kind of damage gives a typed error, never a panic.

use blackbox_engine::model::{
    FORMAT_VERSION, Gain, LstmWeights, MAGIC, ModelError, ModelFile, ModelMetadata, Provenance, SongScore,
    TrainingMethod, TrainingRecipe,
};
use proptest::prelude::*;

fn sample_model(input_size: usize, hidden: usize) -> ModelFile {
    let mut weights = LstmWeights::zeros(input_size, hidden);
    let fill = |v: &mut [f32], scale: f32| {
        for (i, x) in v.iter_mut().enumerate() {
            *x = scale * ((i as f32 * 0.618).fract() - 0.5);
        }
    };
    fill(&mut weights.kernel, 0.5);
    fill(&mut weights.recurrent_kernel, 0.2);
    fill(&mut weights.bias, 0.1);
    fill(&mut weights.dense_kernel, 0.3);
    weights.dense_bias = 0.01;
    ModelFile {
        metadata: ModelMetadata {
            name: "model_Mid_16_0.01_44_12".into(),
            effect: "SD-1".into(),
            experiment: "DS340".into(),
            model_number: Some(12),
            gain: if input_size > 1 { Gain::Conditioned } else { Gain::Mid },
            context: 44,
            hidden_size: hidden as u32,
            learning_rate: 0.01,
            method: TrainingMethod::Windowed,
            sample_rate: 44_100,
            provenance: Provenance::StandIn {
                circuit: "Sd1Circuit".into(),
                settings: "Drive 12:00, Tone noon, Level noon".into(),
                sources: vec!["Celestial.wav".into(), "procedural guitar".into()],
                seed: 25,
            },
            epochs_run: 42,
            best_validation_esr: Some(0.031),
            train_seconds: Some(123.4),
            test_scores: vec![SongScore {
                song: "Tomb".into(),
                windowed_esr: Some(0.03),
                streaming_esr: Some(0.035),
                study_esr: Some(0.05),
            }],
            written_by: "test".into(),
            knobs: if input_size > 1 { vec!["drive".into()] } else { Vec::new() },
            recipe: Some(TrainingRecipe {
                seed: 25,
                max_epochs: 100,
                patience: 15,
                batch_size: 64,
                training_share: "74862 windows".into(),
            }),
        },
        weights,
    }
}

#[test]
fn a_model_round_trips_through_bytes_and_disk() {
    let model = sample_model(2, 8);
    let bytes = model.to_bytes().unwrap();
    assert_eq!(&bytes[..8], &MAGIC);
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), FORMAT_VERSION);
    assert_eq!(ModelFile::from_bytes(&bytes).unwrap(), model);

    let dir = std::env::temp_dir().join(format!("bbx-roundtrip-{}", std::process::id()));
    let path = dir.join("nested/model.bbx");
    model.save(&path).unwrap();
    assert_eq!(ModelFile::load(&path).unwrap(), model);
    let beside: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(beside, ["model.bbx"], "the partial file is renamed away");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn keras_lstm96_has_the_studys_parameter_count() {
    // Keras reports 37,632 for LSTM(96) on one input; Dense(1) adds 97.
    assert_eq!(LstmWeights::zeros(1, 96).parameter_count(), 37_632 + 97);
}

#[test]
fn a_missing_file_names_the_path() {
    let err = ModelFile::load(std::path::Path::new("/nonexistent/amp.bbx")).unwrap_err();
    assert!(matches!(err, ModelError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/amp.bbx"), "{err}");
}

#[test]
fn a_wav_file_is_not_a_model() {
    let err = ModelFile::from_bytes(b"RIFF\x24\0\0\0WAVEfmt ").unwrap_err();
    assert!(matches!(err, ModelError::BadMagic), "{err}");
}

#[test]
fn a_newer_version_is_refused_with_the_numbers() {
    let mut bytes = sample_model(1, 4).to_bytes().unwrap();
    bytes[8..10].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let err = ModelFile::from_bytes(&bytes).unwrap_err();
    assert!(matches!(err, ModelError::UnsupportedVersion { .. }));
    assert!(err.to_string().contains(&format!("{}", FORMAT_VERSION + 1)), "{err}");
}

#[test]
fn a_version_1_file_still_loads_and_names_the_study_knob() {
    // A model the trainer wrote before knob names and the recipe were recorded (format version 1).
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/format_v1.bbx")).unwrap();
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 1);
    let model = ModelFile::from_bytes(&bytes).unwrap();
    assert_eq!(model.metadata.gain, Gain::Low);
    assert_eq!(model.metadata.recipe, None);
    assert!(model.metadata.knob_names().is_empty());
    // Written again, it is a current file with the same contents.
    let again = ModelFile::from_bytes(&model.to_bytes().unwrap()).unwrap();
    assert_eq!(again, model);
}

#[test]
fn a_conditioned_model_names_as_many_knobs_as_it_has_extra_inputs() {
    let model = sample_model(2, 4);
    assert_eq!(model.metadata.knob_names(), vec!["drive".to_owned()]);
    let mut wrong = model.clone();
    wrong.metadata.knobs = vec!["drive".into(), "tone".into()];
    let err = wrong.to_bytes().unwrap_err().to_string();
    assert!(err.contains("2 knobs"), "{err}");
    let mut named = sample_model(1, 4);
    named.metadata.gain = Gain::from_folder("Drive 3").unwrap();
    assert_eq!(ModelFile::from_bytes(&named.to_bytes().unwrap()).unwrap().metadata.gain.name(), "Drive 3");
}

#[test]
fn a_flipped_bit_in_the_payload_fails_the_checksum() {
    let mut bytes = sample_model(1, 4).to_bytes().unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x10;
    assert!(matches!(ModelFile::from_bytes(&bytes).unwrap_err(), ModelError::Checksum { .. }));
}

#[test]
fn inconsistent_or_non_finite_weights_are_invalid() {
    let mut model = sample_model(1, 4);
    model.weights.recurrent_kernel.pop();
    let err = model.to_bytes().unwrap_err();
    assert!(err.to_string().contains("recurrent kernel has 63 values"), "{err}");

    let mut model = sample_model(1, 4);
    model.weights.bias[3] = f32::NAN;
    assert!(model.to_bytes().unwrap_err().to_string().contains("bias value 3 is not finite"));

    let mut model = sample_model(1, 4);
    model.metadata.hidden_size = 5;
    assert!(model.to_bytes().unwrap_err().to_string().contains("hidden size 5"));

    let mut model = sample_model(1, 4);
    model.metadata.gain = Gain::Conditioned;
    assert!(model.to_bytes().unwrap_err().to_string().contains("input size 1"));
}

/// Re-frames a payload with a correct header and checksum, so that decoding and validation are exercised
/// rather than the checksum alone.
fn framed(payload: &[u8]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn truncated_files_are_errors(cut in 0usize..2000) {
        let bytes = sample_model(1, 6).to_bytes().unwrap();
        let cut = cut % bytes.len();
        prop_assert!(ModelFile::from_bytes(&bytes[..cut]).is_err());
    }

    #[test]
    fn bit_flips_anywhere_are_errors(position in 0usize..100_000, bit in 0u8..8) {
        let mut bytes = sample_model(1, 6).to_bytes().unwrap();
        let position = position % bytes.len();
        bytes[position] ^= 1 << bit;
        prop_assert!(ModelFile::from_bytes(&bytes).is_err());
    }

    #[test]
    fn damaged_payloads_behind_a_valid_checksum_never_panic(position in 0usize..100_000, value: u8, cut in 0usize..100_000) {
        let bytes = sample_model(2, 6).to_bytes().unwrap();
        let mut payload = bytes[18..].to_vec();
        let position = position % payload.len();
        payload[position] = value;
        payload.truncate(cut % (payload.len() + 1));
        // Either a valid model (a harmless change, e.g. to a weight) or a typed error: never a panic.
        if let Ok(model) = ModelFile::from_bytes(&framed(&payload)) {
            prop_assert!(model.validate().is_ok());
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), with_header: bool) {
        let input = if with_header { framed(&bytes) } else { bytes };
        let _ = ModelFile::from_bytes(&input);
    }
}
