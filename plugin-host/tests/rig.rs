//! The player's rig in a real host (clack-host): even loudness across every embedded model, the cabinet IR
//! (designed and from a file) and the tone stack, each checked against the engine.

mod common;

use std::path::{Path, PathBuf};

use blackbox_engine::cabinet::{Convolver, ImpulseResponse};
use blackbox_engine::loudness::{integrated_lufs, reference};
use blackbox_engine::model::{Gain, ModelFile};
use blackbox_engine::resample::resample_clip;
use blackbox_engine::tone::{MAX_BOOST_DB, ToneSettings, ToneStack};
use blackbox_plugin_host::reference::plugin_default_output;
use blackbox_plugin_host::render::{Blocks, render};
use blackbox_plugin_host::signal::{difference_db, guitar_like, read_wav, write_wav};
use common::*;

/// The study's architectures in the plugin's Model parameter order (values 1..=12); 13 is the conditioned model.
fn model_choice(model: &ModelFile) -> f64 {
    let m = &model.metadata;
    if m.gain == Gain::Conditioned {
        return 13.0;
    }
    let ctx = [44, 66, 88].iter().position(|&c| c == m.context).expect("a study context");
    let units = [64, 96].iter().position(|&u| u == m.hidden_size).expect("a study size");
    let lr = if m.learning_rate > 1e-3 { 0 } else { 1 };
    (1 + ctx * 4 + units * 2 + lr) as f64
}

fn shipped_models() -> Vec<(f64, ModelFile)> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"));
    let mut found = Vec::new();
    for (effect, folder) in [(0.0, "SD-1/DS340"), (1.0, "DSL20HPreamp/UltraGain")] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "bbx")) {
            found.push((effect, ModelFile::load(&path).unwrap()));
        }
    }
    found
}

/// Seconds of a real DI clip from ../shared at 48 kHz, or the synthetic guitar where ../shared is absent.
fn di_clip(seconds: f64) -> (Vec<f32>, String) {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/di/Power.wav"));
    match read_wav(&path) {
        Ok((mut samples, spec)) => {
            samples.truncate((seconds * f64::from(spec.sample_rate)) as usize);
            let samples = if spec.sample_rate == 48_000 {
                samples
            } else {
                resample_clip(&samples, spec.sample_rate, 48_000).unwrap()
            };
            (samples, format!("DI clip {}", path.display()))
        }
        Err(_) => (guitar_like(48_000.0, seconds, 3), "synthetic guitar (../shared/data/di not found)".to_owned()),
    }
}

/// Renders `input` at 48 kHz through every distinct sound the embedded models make and returns their loudness.
fn loudness_of_every_model(input: &[f32], normalize: bool, dir: Option<&Path>) -> Vec<(String, f32)> {
    let mut levels = Vec::new();
    let mut seen = Vec::new();
    for (effect, model) in shipped_models() {
        let mut plugin = load_plugin();
        plugin.set_param("Gate", 0.0).unwrap();
        plugin.set_param("Effect", effect).unwrap();
        let gain = Gain::FIXED.iter().position(|&g| g == model.metadata.gain).unwrap_or(0);
        plugin.set_param("Gain", gain as f64).unwrap();
        plugin.set_param("Model", model_choice(&model)).unwrap();
        plugin.set_param("Gain knob", 0.5).unwrap();
        plugin.set_param("Normalize output", if normalize { 1.0 } else { 0.0 }).unwrap();
        plugin.activate(48_000.0, 512).unwrap();
        let output = render(&mut plugin, input, &Blocks::Fixed(512), &[]).unwrap();
        // A selection may resolve to the other method's model of the same cell: measure each sound once.
        let key = output[24_000..24_100].to_vec();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let name = format!("{}/{}", model.metadata.effect, model.metadata.name);
        if let Some(dir) = dir {
            write_wav(&dir.join(format!("{}.wav", name.replace('/', "_"))), 48_000, &output).unwrap();
        }
        levels.push((name, integrated_lufs(&output, 48_000).unwrap()));
    }
    levels
}

fn spread(levels: &[(String, f32)]) -> f32 {
    let (lo, hi) = levels.iter().fold((f32::MAX, f32::MIN), |(lo, hi), (_, l)| (lo.min(*l), hi.max(*l)));
    hi - lo
}

#[test]
fn with_normalize_on_every_embedded_model_plays_within_1_db_of_the_others() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("rig_loudness");
    assert!(!shipped_models().is_empty(), "models/ holds no model: nothing is embedded to level");
    // The reference passage, played through the plugin at a host rate the models do not run at: the figures
    // measured at build time must survive resampling, per-slot gains and a conditioned model's knob.
    let passage = reference::passage(48_000);
    let levels = loudness_of_every_model(&passage, true, Some(&dir));
    for (name, lufs) in &levels {
        println!("reference passage, normalised: {name}: {lufs:.2} LUFS");
    }
    println!("reference passage: {} sounds, spread {:.2} dB", levels.len(), spread(&levels));
    assert!(spread(&levels) <= 1.0, "normalised models spread over {:.2} dB on the reference passage", spread(&levels));

    // Real guitar is not the reference passage: the spread there is larger, but normalising must still narrow it.
    let (input, source) = di_clip(12.0);
    let (on, off) = (loudness_of_every_model(&input, true, None), loudness_of_every_model(&input, false, None));
    for ((name, a), (_, b)) in on.iter().zip(&off) {
        println!("{source}: {name}: {a:.2} LUFS normalised, {b:.2} as trained");
    }
    println!("{source}: spread {:.2} dB normalised, {:.2} dB as trained", spread(&on), spread(&off));
    assert!(spread(&on) < spread(&off) / 2.0, "normalising did not halve the spread on {source}");
}

fn convolve(taps: &[f32], signal: &mut [f32]) {
    Convolver::new(taps).unwrap().process(signal);
}

#[test]
fn the_designed_cabinet_and_a_cabinet_file_play_exactly_the_engines_convolution_after_the_tone_stack() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("rig_cabinet");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 4);
    let input = guitar_like(48_000.0, 1.0, 8);
    let (dry_model, _) = plugin_default_output(&model, &input, 48_000, 0.0);

    // A 44.1 kHz stereo IR file: the plugin resamples it to 48 kHz and reads its first channel.
    let ir_path = dir.join("cab.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&ir_path, spec).unwrap();
    for i in 0..3_000 {
        let x = (-(i as f64) / 300.0).exp() * (i as f64 * 0.21).sin() * 6e6;
        writer.write_sample(x as i32).unwrap();
        writer.write_sample(0).unwrap();
    }
    writer.finalize().unwrap();

    let tone = ToneSettings { bass_db: 4.0, mid_db: -3.0, treble_db: 2.0 };
    let cases: [(&str, Option<&Path>, Option<ToneSettings>); 3] =
        [("designed", None, None), ("file", Some(&ir_path), None), ("file+tone", Some(&ir_path), Some(tone))];
    let mut outputs = Vec::new();
    for (name, file, tone) in cases {
        let mut plugin = playing_user_model(&path, 48_000.0, 512);
        plugin.deactivate();
        plugin.set_param("Cabinet", 1.0).unwrap();
        if let Some(file) = file {
            plugin.set_persisted_field("cab-ir", &serde_json::json!(file.display().to_string())).unwrap();
        }
        if let Some(t) = tone {
            // Continuous parameters travel normalised (0..1 over -12..+12 dB).
            let normalised = |db: f32| f64::from((db + MAX_BOOST_DB) / (2.0 * MAX_BOOST_DB));
            plugin.set_param("Tone", 1.0).unwrap();
            plugin.set_param("Bass", normalised(t.bass_db)).unwrap();
            plugin.set_param("Middle", normalised(t.mid_db)).unwrap();
            plugin.set_param("Treble", normalised(t.treble_db)).unwrap();
        }
        plugin.activate(48_000.0, 512).unwrap();
        let output = render(&mut plugin, &input, &Blocks::Pattern(vec![512, 7, 300, 1]), &[]).unwrap();
        write_wav(&dir.join(format!("{name}.wav")), 48_000, &output).unwrap();

        let ir = match file {
            Some(file) => ImpulseResponse::from_wav_file(file).unwrap(),
            None => ImpulseResponse::designed(48_000).unwrap(),
        };
        let mut expected = dry_model.clone();
        if let Some(t) = tone {
            let mut stack = ToneStack::new(48_000.0);
            stack.set(t);
            stack.process(&mut expected);
        }
        convolve(&ir.taps_at(48_000).unwrap(), &mut expected);
        let db = difference_db(&output, &expected);
        println!(
            "cabinet {name}: plugin vs engine {db:.1} dB; vs no cabinet {:.1} dB",
            difference_db(&output, &dry_model)
        );
        assert!(db < -80.0, "cabinet {name}: the plugin differs from the engine by {db:.1} dB");
        assert!(difference_db(&output, &dry_model) > -20.0, "cabinet {name} changed nothing");
        outputs.push(output);
    }
    assert!(difference_db(&outputs[0], &outputs[1]) > -20.0, "the IR file plays the same as the designed cabinet");
}

#[test]
fn a_bad_ir_file_is_refused_and_the_designed_cabinet_keeps_playing() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("rig_bad_ir");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 4);
    let bad = dir.join("preset.wav");
    std::fs::write(&bad, b"{\"not\": \"an impulse response\"}").unwrap();
    let input = guitar_like(44_100.0, 0.5, 2);
    let mut plugin = playing_user_model(&path, 44_100.0, 256);
    plugin.deactivate();
    plugin.set_param("Cabinet", 1.0).unwrap();
    plugin.set_persisted_field("cab-ir", &serde_json::json!(bad.display().to_string())).unwrap();
    plugin.activate(44_100.0, 256).unwrap();
    let output = render(&mut plugin, &input, &Blocks::Fixed(256), &[]).unwrap();
    let (mut expected, _) = plugin_default_output(&model, &input, 44_100, 0.0);
    convolve(&ImpulseResponse::designed(44_100).unwrap().taps_at(44_100).unwrap(), &mut expected);
    let db = difference_db(&output, &expected);
    assert!(db < -80.0, "after a bad IR the designed cabinet should play: {db:.1} dB off");
    // The path is kept, so saving the session does not lose it.
    let kept = plugin.persisted_field("cab-ir").unwrap();
    assert_eq!(kept, Some(serde_json::json!(bad.display().to_string())));
}
