//! BlackBox models exported to `.nam` and AIDA-X play in those formats' loaders (nam-rs, NAM's parity-tested
//! Rust port, and the engine's AIDA-X loader) exactly as the engine plays them.

use std::path::Path;

use blackbox_engine::formats::{self, ExportFormat, Format, FormatError, export};
use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::model::ModelFile;

fn model(name: &str) -> ModelFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models").join(name);
    ModelFile::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Plucked notes at the model's rate swelling from a soft touch to peaks of 0.5, a hot pickup's DI level.
fn audio(rate: u32) -> Vec<f32> {
    let passage = blackbox_engine::loudness::reference::passage(rate);
    let peak = passage.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    passage.iter().enumerate().map(|(n, v)| v / peak * (0.025 + 0.475 * n as f32 / passage.len() as f32)).collect()
}

fn engine_output(file: &ModelFile, input: &[f32], knob: f32) -> Vec<f32> {
    let mut lstm = StreamingLstm::new(&file.weights);
    lstm.set_conditioning(&[knob]);
    let mut out = vec![0.0; input.len()];
    lstm.process_block(input, &mut out);
    out
}

/// Difference energy over signal energy, in dB.
fn relative_db(ours: &[f32], reference: &[f32]) -> f64 {
    let diff: f64 = ours.iter().zip(reference).map(|(a, b)| ((a - b) as f64).powi(2)).sum();
    let signal: f64 = reference.iter().map(|b| (*b as f64).powi(2)).sum();
    10.0 * (diff.max(1e-30) / signal).log10()
}

fn play_exported(text: &str, expected: Format, input: &[f32], knob: f32) -> Vec<f32> {
    let loaded = formats::from_bytes(text.as_bytes(), "exported").unwrap_or_else(|e| panic!("exported file: {e}"));
    assert_eq!(loaded.info.format, expected);
    let mut player = loaded.player().expect("a player");
    player.set_knobs(&[knob]);
    let mut out = input.to_vec();
    player.process_in_place(&mut out);
    out
}

const FIXED: &str = "SD-1/DS340/model_Low_64_0.01_44_0_streaming.bbx";
const CONDITIONED: &str = "DSL20HPreamp/UltraGain-7settings/model_Conditioned_64_0.001_88_84_streaming.bbx";

#[test]
fn an_exported_nam_plays_in_nam_rs_as_the_engine_plays_it() {
    for (name, knob) in [(FIXED, None), (CONDITIONED, Some(0.6))] {
        let file = model(name);
        let input = audio(file.metadata.sample_rate);
        let text = export(&file, ExportFormat::Nam, knob).expect("exports");
        let loaded = formats::from_bytes(text.as_bytes(), "exported").expect("loads");
        assert_eq!(loaded.player().unwrap().kernel_name(), "nam-rs", "played by nam-rs");
        assert_eq!(loaded.info.sample_rate, file.metadata.sample_rate);
        let ours = engine_output(&file, &input, knob.unwrap_or(0.0));
        let theirs = play_exported(&text, Format::Nam, &input, 0.0);
        let db = relative_db(&theirs, &ours);
        eprintln!("{name} -> .nam (knob {knob:?}): nam-rs vs engine {db:.1} dB");
        assert!(db < -100.0, "{name}: {db:.1} dB");
    }
}

#[test]
fn an_exported_aidax_file_keeps_its_knob_and_its_test_vectors_check() {
    for (name, knob) in [(FIXED, 0.0), (CONDITIONED, 0.3), (CONDITIONED, 0.9)] {
        let file = model(name);
        let input = audio(file.metadata.sample_rate);
        let text = export(&file, ExportFormat::AidaX, None).expect("exports");
        let ours = engine_output(&file, &input, knob);
        let theirs = play_exported(&text, Format::AidaX, &input, knob);
        let db = relative_db(&theirs, &ours);
        eprintln!("{name} -> AIDA-X (knob {knob}): loader vs engine {db:.1} dB");
        assert!(db < -100.0, "{name}: {db:.1} dB");
    }
    let mut value: serde_json::Value = serde_json::from_str(&export(&model(FIXED), ExportFormat::AidaX, None).unwrap()).unwrap();
    assert_eq!(value["output_batch"].as_array().map(Vec::len), Some(2048));
    value["output_batch"][1000] = serde_json::json!(0.5);
    let error = formats::from_bytes(value.to_string().as_bytes(), "tampered").err().expect("the test vectors catch it");
    assert!(matches!(error, FormatError::TestVectors { .. }), "{error}");
}

#[test]
fn a_conditioned_model_needs_a_knob_to_become_a_nam() {
    let error = export(&model(CONDITIONED), ExportFormat::Nam, None).err().expect("refused");
    assert!(error.to_string().contains("--knob"), "{error}");
}
