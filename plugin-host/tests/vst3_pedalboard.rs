//! The VST3 bundle in a second, independent host: Spotify's pedalboard (JUCE's VST3 hosting) lists the
//! parameters, loads a user model through the plugin's state, renders a WAV, and the output is compared with the
//! engine's streaming LSTM.
//!
//! Needs `python3` with `pedalboard` and `numpy` (`pip install pedalboard numpy`); `BLACKBOX_PYTHON` picks
//! another interpreter.

mod common;

use std::process::Command;

use blackbox_plugin_host::bundle::vst3_bundle;
use blackbox_plugin_host::reference::plugin_default_output;
use blackbox_plugin_host::signal::{difference_db, guitar_like, rms, write_wav};
use common::*;

#[test]
fn pedalboard_lists_the_parameters_and_the_vst3_plays_what_the_engine_plays() {
    let _main_thread = one_host_at_a_time();
    let bundle = vst3_bundle().unwrap_or_else(|e| panic!("{e}"));
    let dir = output_dir("vst3");
    let (model_path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 31);
    let input = guitar_like(44_100.0, 1.0, 12);
    let (input_wav, output_f32) = (dir.join("input.wav"), dir.join("output.f32"));
    write_wav(&input_wav, 44_100, &input).unwrap();
    let _ = std::fs::remove_file(&output_f32);

    let python = std::env::var("BLACKBOX_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vst3_pedalboard.py");
    let run = Command::new(&python)
        .arg(script)
        .args([&bundle, &model_path, &input_wav, &output_f32])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({e}); install Python 3 with `pip install pedalboard numpy`"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "pedalboard script failed:\n{stdout}\n{stderr}");
    println!("{stdout}");

    let names = [
        "effect",
        "gain",
        "model",
        "gain_knob",
        "input_db",
        "output_db",
        "gate",
        "gate_threshold_db",
        "gate_attack_ms",
        "gate_hold_ms",
        "gate_release_ms",
        "mix",
        "bypass",
    ];
    for name in names {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("param {name} "))),
            "pedalboard does not list {name}:\n{stdout}"
        );
    }
    // pedalboard's parameter objects are not refreshed by a preset load, so the proof that the state selected
    // the user model is the render below, not the listed value.
    assert!(stdout.contains("latency 0"), "VST3 reports latency at 44.1 kHz:\n{stdout}");

    let bytes = std::fs::read(&output_f32).unwrap();
    let output: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    assert_eq!(output.len(), input.len(), "pedalboard rendered a different length");
    let (expected, _) = plugin_default_output(&model, &input, 44_100, 0.0);
    assert!(rms(&expected) > 1e-3);
    let db = difference_db(&output, &expected);
    println!("VST3 in pedalboard vs engine streaming LSTM: {db:.1} dB");
    assert!(db < -80.0, "VST3 output differs from the engine by {db:.1} dB");
}
