//! The community's model files (../shared/models, outside the repository) in the plugin through a real CLAP
//! host: each loads as the user model, plays at its own rate inside a 48 kHz host, and sounds as the engine's
//! offline render of the same file; a file that is not a supported model is shown as not loaded and the plugin
//! keeps playing.

mod common;

use std::path::Path;

use blackbox_engine::formats;
use blackbox_engine::tone::DcBlocker;
use blackbox_plugin_host::fixture::{captured_model, community_model_files};
use blackbox_plugin_host::reference::model_default_output;
use blackbox_plugin_host::render::{Blocks, render};
use blackbox_plugin_host::signal::{difference_db, guitar_like, rms};
use common::*;

#[test]
fn every_community_file_plays_in_the_plugin_as_the_engine_renders_it() {
    let _main_thread = one_host_at_a_time();
    let Some(files) = community_model_files() else { return };
    let rate = 48_000u32;
    let input = guitar_like(f64::from(rate), 0.75, 5);
    let mut worst = f64::NEG_INFINITY;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let model = formats::load(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut plugin = playing_user_model(path, f64::from(rate), 512);
        let latency = plugin.latency().unwrap() as usize;
        let output = render(&mut plugin, &input, &Blocks::Fixed(512), &[]).unwrap();
        let (expected, own) = model_default_output(&model, &input, rate, &[0.5, 0.5]);
        assert!(latency >= own, "{name}: reported latency {latency} is shorter than its round trip {own}");
        // Both are late, the plugin by what it reports and the render by the model's own round trip.
        let aligned = &output[latency..];
        let reference = &expected[own..];
        let n = aligned.len().min(reference.len());
        let db = difference_db(&aligned[..n], &reference[..n]);
        eprintln!("{name}: {} Hz model, latency {latency} (own {own}), plugin vs engine {db:.1} dB", model.info.sample_rate);
        assert!(rms(&aligned[..n]) > 1e-5, "{name}: the plugin played silence");
        assert!(db < -80.0, "{name}: plugin differs from the engine by {db:.1} dB");
        worst = worst.max(db);
    }
    eprintln!("{} files, worst plugin vs engine {worst:.1} dB", files.len());
}

#[test]
fn a_captured_model_with_a_knob_plays_at_its_own_rate_as_the_engine_renders_it() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("community_capture");
    let path = dir.join("fixture-capture.bbx");
    captured_model(16, 4, &["drive"], 48_000).save(&path).unwrap();
    let model = formats::load(&path).unwrap();
    assert_eq!(model.info.knobs, vec!["drive".to_owned()]);
    let rate = 44_100u32;
    let input = guitar_like(f64::from(rate), 0.75, 6);
    let mut plugin = playing_user_model(&path, f64::from(rate), 256);
    let latency = plugin.latency().unwrap() as usize;
    let output = render(&mut plugin, &input, &Blocks::Fixed(256), &[]).unwrap();
    let (expected, own) = model_default_output(&model, &input, rate, &[0.5, 0.5]);
    let (aligned, reference) = (&output[latency..], &expected[own..]);
    let n = aligned.len().min(reference.len());
    let db = difference_db(&aligned[..n], &reference[..n]);
    eprintln!("captured 48 kHz model in a 44.1 kHz host: latency {latency} (own {own}), plugin vs engine {db:.1} dB");
    assert!(rms(&aligned[..n]) > 1e-5, "the plugin played silence");
    assert!(db < -80.0, "plugin differs from the engine by {db:.1} dB");
}

#[test]
fn a_file_that_is_not_a_model_is_refused_and_the_plugin_plays_on() {
    let _main_thread = one_host_at_a_time();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models/guitarml/PedalNetRT__pedalnet.json");
    let dir = output_dir("community");
    let not_a_model = if root.exists() {
        root
    } else {
        let path = dir.join("preset.json");
        std::fs::write(&path, r#"{"preset": "Crunch", "gain": 0.4}"#).unwrap();
        path
    };
    let mut plugin = playing_user_model(&not_a_model, 48_000.0, 256);
    let input = guitar_like(48_000.0, 0.2, 2);
    let output = render(&mut plugin, &input, &Blocks::Fixed(256), &[]).unwrap();
    // Nothing loaded: "User model file" passes the input through (delayed by the plugin's latency) to the
    // post stage, whose DC blocker is always on.
    let latency = plugin.latency().unwrap() as usize;
    let mut expected = vec![0.0; latency];
    expected.extend_from_slice(&input[..input.len() - latency]);
    DcBlocker::new(48_000.0).process(&mut expected);
    let db = difference_db(&output, &expected);
    assert!(db < -60.0, "the plugin does not pass audio through dry after a refused file ({db:.1} dB)");
    // Its path is kept, so that saving the session again does not lose it.
    let kept = plugin.persisted_field("user-model").unwrap();
    assert_eq!(kept, Some(serde_json::json!(not_a_model.display().to_string())));
}

/// A session saved with a community model reopens with it; with the file gone it reopens showing the path, and
/// plays dry rather than some other model.
#[test]
fn a_session_with_a_nam_file_reopens_with_it_and_a_missing_file_stays_named() {
    let _main_thread = one_host_at_a_time();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models/nam/NeuralAmpModelerCore__wavenet.nam");
    if !source.exists() {
        eprintln!("SKIPPED: {} is not there", source.display());
        return;
    }
    let dir = output_dir("community_session");
    let path = dir.join("capture.nam");
    std::fs::copy(&source, &path).unwrap();
    let input = guitar_like(48_000.0, 0.4, 9);
    let mut original = playing_user_model(&path, 48_000.0, 256);
    let first = render(&mut original, &input, &Blocks::Fixed(256), &[]).unwrap();
    let saved = original.state_json().unwrap();

    let mut reopened = load_plugin();
    reopened.load_state_json(&saved).unwrap();
    reopened.activate(48_000.0, 256).unwrap();
    let again = render(&mut reopened, &input, &Blocks::Fixed(256), &[]).unwrap();
    let db = difference_db(&again, &first);
    assert!(db < -100.0, "the reopened session plays differently ({db:.1} dB)");

    std::fs::remove_file(&path).unwrap();
    let mut missing = load_plugin();
    missing.load_state_json(&saved).unwrap();
    missing.activate(48_000.0, 256).unwrap();
    assert_eq!(missing.persisted_field("user-model").unwrap(), Some(serde_json::json!(path.display().to_string())));
    let dry = render(&mut missing, &input, &Blocks::Fixed(256), &[]).unwrap();
    assert!(difference_db(&dry, &first) > -20.0, "a missing file was replaced by something that plays like it");
}
