//! The community's model files (../shared/models, outside the repository) in the VST3 bundle, hosted by
//! Spotify's pedalboard (JUCE): each one plays as the engine's offline render of the same file, with the
//! latency it reports compensated by the host.
//!
//! Needs `python3` with `pedalboard` and `numpy`, as `vst3_pedalboard.rs` does.

mod common;

use std::process::Command;

use blackbox_engine::formats;
use blackbox_plugin_host::bundle::vst3_bundle;
use blackbox_plugin_host::fixture::community_model_files;
use blackbox_plugin_host::reference::model_default_output;
use blackbox_plugin_host::signal::{difference_db, guitar_like, write_wav};
use common::*;

#[test]
fn pedalboard_plays_every_community_file_as_the_engine_renders_it() {
    let _main_thread = one_host_at_a_time();
    let Some(files) = community_model_files() else { return };
    let bundle = vst3_bundle().unwrap_or_else(|e| panic!("{e}"));
    let dir = output_dir("vst3_community");
    let rate = 44_100u32;
    let input = guitar_like(f64::from(rate), 0.5, 21);
    let input_wav = dir.join("input.wav");
    write_wav(&input_wav, rate, &input).unwrap();

    let python = std::env::var("BLACKBOX_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vst3_community.py");
    let run = Command::new(&python)
        .arg(script)
        .arg(&bundle)
        .arg(&input_wav)
        .arg(&dir)
        .args(&files)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python} ({e}); install Python 3 with `pip install pedalboard numpy`"));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "pedalboard script failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));

    for (index, path) in files.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy();
        let latency: usize = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("model {index} latency ")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name}: no latency line in\n{stdout}"));
        let bytes = std::fs::read(dir.join(format!("{index}.f32"))).unwrap();
        let output: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        assert_eq!(output.len(), input.len(), "{name}: pedalboard rendered a different length");
        let model = formats::load(path).unwrap();
        let (expected, own) = model_default_output(&model, &input, rate, &[0.5, 0.5]);
        let theirs = &expected[own..];
        let db_at = |offset: usize| {
            let ours = &output[offset..];
            let n = ours.len().min(theirs.len());
            difference_db(&ours[..n], &theirs[..n])
        };
        // pedalboard compensates the latency the plugin reports: its output is already aligned, and it is
        // misaligned by exactly that latency if the report is wrong.
        let db = db_at(0);
        eprintln!("{name}: VST3 in pedalboard vs engine {db:.1} dB (latency {latency} reported and compensated)");
        assert!(db < -80.0, "{name}: VST3 differs from the engine by {db:.1} dB");
    }
}
