//! The VST3 bundle in a second, independent host: Spotify's pedalboard (JUCE's VST3 hosting) lists the
//! parameters, loads a user model through the plugin's state, renders a WAV, and the output is compared with the
//! engine's streaming LSTM.
//!
//! Needs `python3` with `pedalboard` and `numpy` (`pip install pedalboard numpy`); `BLACKBOX_PYTHON` picks
//! another interpreter.

mod common;

use std::process::Command;

use blackbox_engine::lstm::StreamingLstm;
use blackbox_plugin_host::bundle::vst3_bundle;
use blackbox_plugin_host::signal::{difference_db, guitar_like, rms, write_wav};
use common::*;

#[test]
fn pedalboard_lists_the_parameters_and_the_vst3_plays_what_the_engine_plays() {
    let _main_thread = one_host_at_a_time();
    let bundle = vst3_bundle().unwrap_or_else(|e| panic!("{e}"));
    let dir = output_dir("vst3");
    let (model_path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 31);
    let input = guitar_like(44_100.0, 1.0, 12);
    let (input_wav, output_wav) = (dir.join("input.wav"), dir.join("output.wav"));
    write_wav(&input_wav, 44_100, &input).unwrap();
    let _ = std::fs::remove_file(&output_wav);

    let python = std::env::var("BLACKBOX_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vst3_pedalboard.py");
    let run = Command::new(&python)
        .arg(script)
        .args([&bundle, &model_path, &input_wav, &output_wav])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({e}); install Python 3 with `pip install pedalboard numpy`"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "pedalboard script failed:\n{stdout}\n{stderr}");
    println!("{stdout}");

    for name in ["effect", "gain", "model", "input", "output", "gate", "gate_threshold", "mix", "bypass"] {
        assert!(stdout.lines().any(|l| l.starts_with(&format!("param {name} "))), "pedalboard does not list {name}:\n{stdout}");
    }
    assert!(stdout.contains("param effect = User model file"), "the state did not select the user model:\n{stdout}");
    assert!(stdout.contains("latency 0"), "VST3 reports latency at 44.1 kHz:\n{stdout}");

    let mut reader = hound::WavReader::open(&output_wav).unwrap();
    let channels = usize::from(reader.spec().channels);
    let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
    let output: Vec<f32> = samples.chunks(channels).map(|frame| frame[0]).collect();
    let mut lstm = StreamingLstm::new(&model.weights);
    let mut expected = vec![0.0; input.len()];
    lstm.process_block(&input, &mut expected);
    assert!(rms(&expected) > 1e-3);
    let db = difference_db(&output, &expected);
    assert!(db < -80.0, "VST3 output differs from the engine by {db:.1} dB");
}
