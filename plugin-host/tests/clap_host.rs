//! The CLAP bundle in a real host (clack-host): what it plays, at which latency, whatever the block size.
//!
//! Run after `cargo xtask bundle blackbox-plugin --features assert_process_allocs`: that debug bundle aborts
//! the whole test process if `process()` ever allocates.

mod common;

use blackbox_plugin_host::reference::plugin_default_output;
use blackbox_plugin_host::render::{Automation, Blocks, render};
use blackbox_plugin_host::signal::{difference_db, guitar_like, largest_step, rms, sine, write_wav};
use common::*;

const BLOCKS: [usize; 4] = [1, 64, 511, 4096];

fn engine_streaming_at(model: &blackbox_engine::model::ModelFile, input: &[f32], knob: f32) -> Vec<f32> {
    plugin_default_output(model, input, 44_100, knob).0
}

fn engine_streaming(model: &blackbox_engine::model::ModelFile, input: &[f32]) -> Vec<f32> {
    engine_streaming_at(model, input, 0.0)
}

fn engine_round_trip(model: &blackbox_engine::model::ModelFile, rate: u32, input: &[f32]) -> (Vec<f32>, usize) {
    plugin_default_output(model, input, rate, 0.0)
}

#[test]
fn at_44k_the_plugin_plays_exactly_the_engines_streaming_lstm_for_every_block_size() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_44k");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 1);
    let input = guitar_like(44_100.0, 1.0, 7);
    let expected = engine_streaming(&model, &input);
    assert!(rms(&expected) > 1e-3, "the fixture model is silent; the comparison would prove nothing");
    for blocks in BLOCKS.map(Blocks::Fixed).into_iter().chain([Blocks::Pattern(vec![1, 300, 17, 4096, 64, 8192])]) {
        let mut plugin = playing_user_model(&path, 44_100.0, blocks.max() as u32);
        assert_eq!(plugin.latency().unwrap(), 0, "no resampling at 44.1 kHz, so no latency");
        let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
        write_wav(&dir.join(format!("out_44100_{blocks:?}.wav")), 44_100, &output).unwrap();
        let db = difference_db(&output, &expected);
        println!("44100 Hz {blocks:?}: plugin vs engine streaming LSTM {db:.1} dB");
        assert!(db < -80.0, "{blocks:?}: plugin differs from the engine by {db:.1} dB");
        // And it is not simply the input: the model really ran.
        assert!(difference_db(&output, &input) > -20.0, "{blocks:?}: output is the dry input");
    }
}

#[test]
fn at_48k_and_96k_the_plugin_resamples_around_the_model_and_reports_the_latency() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_resampled");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 2);
    for rate in [48_000u32, 96_000] {
        let input = guitar_like(f64::from(rate), 1.0, 9);
        let (expected, latency) = engine_round_trip(&model, rate, &input);
        assert!(latency > 0);
        for blocks in BLOCKS.map(Blocks::Fixed) {
            let mut plugin = playing_user_model(&path, f64::from(rate), blocks.max() as u32);
            assert_eq!(plugin.latency().unwrap() as usize, latency, "{rate} Hz: reported latency");
            let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
            write_wav(&dir.join(format!("out_{rate}_{blocks:?}.wav")), rate, &output).unwrap();
            let db = difference_db(&output, &expected);
            println!("{rate} Hz {blocks:?}: latency {latency}, plugin vs engine round trip {db:.1} dB");
            assert!(db < -80.0, "{rate} Hz {blocks:?}: plugin differs from the engine's round trip by {db:.1} dB");
        }
    }
}

#[test]
fn switching_models_on_a_steady_sine_makes_no_click() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_switch");
    let (path_a, _) = model(&dir, "a.bbx", TEST_HIDDEN, 3);
    let (path_b, _) = model(&dir, "b.bbx", TEST_HIDDEN, 4);
    let rate = 44_100.0;
    let input = sine(rate, 2.0, 220.0, 0.3);
    let blocks = Blocks::Fixed(64);

    // Reference renders of each model alone, to know how steep each one's own waveform is.
    let steady_a = render(&mut playing_user_model(&path_a, rate, 64), &input, &blocks, &[]).unwrap();
    let steady_b = render(&mut playing_user_model(&path_b, rate, 64), &input, &blocks, &[]).unwrap();
    let own_steepness = largest_step(&steady_a[22_050..]).max(largest_step(&steady_b[22_050..]));

    // Model A to model B (a new user file loaded mid-stream), then B to dry, then dry back to B.
    let mut plugin = playing_user_model(&path_a, rate, 64);
    let first = render(&mut plugin, &input[..44_100], &blocks, &[]).unwrap();
    plugin.set_persisted_field("user-model", &serde_json::json!(path_b.display().to_string())).unwrap();
    let switch = 44_100 / 64 * 64;
    let second = render(
        &mut plugin,
        &input[first.len()..],
        &blocks,
        &[
            Automation { at: 11_025, param: "Effect".into(), value: EFFECT_SD1 },
            Automation { at: 22_050, param: "Effect".into(), value: EFFECT_USER },
        ],
    )
    .unwrap();
    let output: Vec<f32> = first.into_iter().chain(second).collect();
    write_wav(&dir.join("switching.wav"), 44_100, &output).unwrap();

    // A hard cut between any two of the three sources would jump by the gap between them at the switch; the
    // 256-sample raised-cosine fade may add at most pi / 512 of that gap to a step.
    let window = switch..switch + 4096;
    let gap = window
        .map(|i| {
            (steady_a[i] - steady_b[i]).abs().max((steady_a[i] - input[i]).abs()).max((steady_b[i] - input[i]).abs())
        })
        .fold(0.0f32, f32::max);
    let own_steepness = own_steepness.max(largest_step(&input));
    let worst = largest_step(&output[switch - 64..]);
    println!("largest step {worst:.5}, sources' own {own_steepness:.5}, hard-cut gap {gap:.5}");
    assert!(gap > 3.0 * own_steepness, "the sources are too alike for this test to see a click");
    assert!(
        worst <= own_steepness + 0.02 * gap,
        "largest step {worst:.4} around the switches; the sources' own largest step is {own_steepness:.4} \
         and a hard cut would step by up to {gap:.4}"
    );
    // And the switch happened: the end plays model B.
    let tail = output.len() - 4096;
    let db = difference_db(&output[tail..], &steady_b[tail..]);
    assert!(db < -40.0, "after switching back, the output is not model B ({db:.1} dB off)");
}

#[test]
fn nan_or_infinite_input_silences_that_block_and_the_stream_recovers() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_nan");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 5);
    let mut input = guitar_like(44_100.0, 0.5, 3);
    let mut plugin = playing_user_model(&path, 44_100.0, 256);
    let blocks = Blocks::Fixed(256);
    let poisoned = 256 * 10 + 17;
    input[poisoned] = f32::NAN;
    input[poisoned + 256 * 5] = f32::INFINITY;
    let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
    assert!(output.iter().all(|x| x.is_finite()), "non-finite output");
    assert!(output[2560..2816].iter().all(|&x| x == 0.0), "the block with a NaN was not silenced");
    // After the last bad block the plugin restarts from zero state: it plays what a fresh engine plays.
    let restart = 256 * 16;
    let expected = engine_streaming(&model, &input[restart..]);
    let db = difference_db(&output[restart..], &expected);
    assert!(db < -80.0, "after recovering, output differs from a fresh engine by {db:.1} dB");
}

#[test]
fn an_effect_without_a_model_passes_the_input_through_and_bypass_and_mix_are_dry() {
    let _main_thread = one_host_at_a_time();
    let input = guitar_like(44_100.0, 0.5, 4);
    let blocks = Blocks::Fixed(128);
    let dir = output_dir("clap_dry");
    let (path, _) = model(&dir, "user.bbx", TEST_HIDDEN, 6);

    if embedded_models("SD-1/DS340").is_empty() {
        let mut plugin = load_plugin();
        plugin.set_param("Gate", 0.0).unwrap();
        plugin.set_param("Effect", EFFECT_SD1).unwrap();
        plugin.activate(44_100.0, 128).unwrap();
        let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
        assert!(difference_db(&output, &input) < -100.0, "SD-1 has no model in this build, so it must play dry");
    } else {
        println!("SD-1 has embedded models in this build; its dry path is not testable (the embedded test covers it)");
    }

    let mut plugin = playing_user_model(&path, 44_100.0, 128);
    plugin.set_param("Bypass", 1.0).unwrap();
    let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
    // Bypass fades over 256 samples, then is exactly the input.
    assert!(difference_db(&output[512..], &input[512..]) < -100.0, "bypass is not the dry input");

    let mut plugin = playing_user_model(&path, 44_100.0, 128);
    plugin.set_param("Mix", 0.0).unwrap();
    let output = render(&mut plugin, &input, &blocks, &[]).unwrap();
    assert!(difference_db(&output[4096..], &input[4096..]) < -100.0, "mix 0 % is not the dry input");
}

/// The `.bbx` files the plugin embedded at build time for one effect folder, read from the same `models/`.
fn embedded_models(folder: &str) -> Vec<blackbox_engine::model::ModelFile> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../models")).join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bbx"))
        .filter_map(|p| blackbox_engine::model::ModelFile::load(&p).ok())
        .collect()
}

#[test]
fn an_embedded_sd1_model_plays_exactly_what_the_engine_plays_from_its_file() {
    let _main_thread = one_host_at_a_time();
    let low: Vec<_> = embedded_models("SD-1/DS340")
        .into_iter()
        .filter(|m| m.metadata.gain == blackbox_engine::model::Gain::Low)
        .collect();
    let Some(best) = low.iter().min_by(|a, b| {
        let esr = |m: &blackbox_engine::model::ModelFile| m.metadata.mean_streaming_esr().unwrap_or(f32::INFINITY);
        esr(a).total_cmp(&esr(b))
    }) else {
        println!("skipping: models/SD-1/DS340 holds no Low model in this build, so nothing is embedded to play");
        return;
    };
    let input = guitar_like(44_100.0, 1.0, 21);
    let mut plugin = load_plugin();
    plugin.set_param("Gate", 0.0).unwrap();
    plugin.set_param("Effect", EFFECT_SD1).unwrap();
    plugin.set_param("Gain", 0.0).unwrap();
    plugin.activate(44_100.0, 256).unwrap();
    // The default model choice ("best test ESR") picks the lowest streamed ESR; the first switch warms up and
    // crossfades from silence, so compare after it.
    let output = render(&mut plugin, &input, &Blocks::Fixed(256), &[]).unwrap();
    let expected = engine_streaming(best, &input);
    let settled = 8_192;
    let db = difference_db(&output[settled..], &expected[settled..]);
    println!("embedded {}: plugin vs engine {db:.1} dB", best.metadata.name);
    assert!(rms(&expected) > 1e-4, "the embedded model is silent");
    assert!(db < -80.0, "the embedded {} differs from the engine by {db:.1} dB", best.metadata.name);
}

/// Every model of one effect, whatever its experiment folder (`models/<effect>/*/`).
fn embedded_models_of(effect: &str) -> Vec<blackbox_engine::model::ModelFile> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../models")).join(effect);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let experiments = entries.flatten().map(|e| e.path()).filter(|p| p.is_dir());
    experiments.flat_map(|p| embedded_models(&format!("{effect}/{}", p.file_name().unwrap().to_string_lossy()))).collect()
}

#[test]
fn every_embedded_gain_conditioned_model_follows_the_continuous_gain_knob() {
    for (effect, name) in ["SD-1", "DSL20HPreamp"].into_iter().enumerate() {
        // The plugin's Model = "Gain-conditioned" plays the effect's best-scoring conditioned model.
        let model = embedded_models_of(name)
            .into_iter()
            .filter(|m| m.metadata.gain == blackbox_engine::model::Gain::Conditioned)
            .min_by(|a, b| {
                let esr = |m: &blackbox_engine::model::ModelFile| m.metadata.mean_streaming_esr().unwrap_or(f32::INFINITY);
                esr(a).total_cmp(&esr(b))
            })
            .unwrap_or_else(|| panic!("models/{name} holds no gain-conditioned model"));
        conditioned_model_follows_the_knob(effect as f64, &model);
    }
}

fn conditioned_model_follows_the_knob(effect: f64, model: &blackbox_engine::model::ModelFile) {
    let _main_thread = one_host_at_a_time();
    let input = guitar_like(44_100.0, 1.0, 23);
    let mut outputs = Vec::new();
    for knob in [0.3f32, 0.9] {
        let mut plugin = load_plugin();
        plugin.set_param("Gate", 0.0).unwrap();
        plugin.set_param("Effect", effect).unwrap();
        plugin.set_param("Model", 13.0).unwrap();
        plugin.set_param("Gain knob", f64::from(knob)).unwrap();
        plugin.activate(44_100.0, 256).unwrap();
        let output = render(&mut plugin, &input, &Blocks::Fixed(256), &[]).unwrap();
        let expected = engine_streaming_at(model, &input, knob);
        let settled = 8_192;
        let db = difference_db(&output[settled..], &expected[settled..]);
        println!("embedded {} at knob {knob}: plugin vs engine {db:.1} dB", model.metadata.name);
        assert!(db < -80.0, "{} at knob {knob} differs from the engine by {db:.1} dB", model.metadata.name);
        outputs.push(output);
    }
    let apart = difference_db(&outputs[0], &outputs[1]);
    assert!(apart > -40.0, "turning the knob from 0.3 to 0.9 changed the sound by only {apart:.1} dB");
}

#[test]
fn a_bad_user_model_file_changes_nothing() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_bad_file");
    let (path, model) = model(&dir, "good.bbx", TEST_HIDDEN, 8);
    let bad = dir.join("bad.bbx");
    std::fs::write(&bad, b"BLKBOXM\0 not really a model").unwrap();
    let input = guitar_like(44_100.0, 1.0, 5);
    let mut plugin = playing_user_model(&path, 44_100.0, 512);
    let half = 22_016;
    let mut output = render(&mut plugin, &input[..half], &Blocks::Fixed(512), &[]).unwrap();
    plugin.set_persisted_field("user-model", &serde_json::json!(bad.display().to_string())).unwrap();
    output.extend(render(&mut plugin, &input[half..], &Blocks::Fixed(512), &[]).unwrap());
    let expected = engine_streaming(&model, &input);
    let db = difference_db(&output, &expected);
    assert!(db < -80.0, "loading a corrupt file disturbed the playing model ({db:.1} dB)");
}

#[test]
fn in_stereo_each_channel_streams_through_its_own_lstm_state() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_stereo");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 13);
    let left = guitar_like(44_100.0, 0.5, 1);
    let right = sine(44_100.0, 0.5, 330.0, 0.5);
    let mut plugin = load_plugin();
    plugin.select_channels(2).unwrap();
    plugin.set_param("Gate", 0.0).unwrap();
    plugin.set_param("Effect", EFFECT_USER).unwrap();
    plugin.set_persisted_field("user-model", &serde_json::json!(path.display().to_string())).unwrap();
    plugin.activate(44_100.0, 333).unwrap();
    let (mut out_left, mut out_right) = (vec![0.0; left.len()], vec![0.0; right.len()]);
    let mut start = 0;
    while start < left.len() {
        let n = 333.min(left.len() - start);
        let (mut in_l, mut in_r) = (left[start..start + n].to_vec(), right[start..start + n].to_vec());
        plugin
            .process_channels(
                &mut [&mut in_l, &mut in_r],
                &mut [&mut out_left[start..start + n], &mut out_right[start..start + n]],
            )
            .unwrap();
        start += n;
    }
    for (name, input, output) in [("left", &left, &out_left), ("right", &right, &out_right)] {
        let db = difference_db(output, &engine_streaming(&model, input));
        println!("stereo {name}: plugin vs engine on that channel alone {db:.1} dB");
        assert!(db < -80.0, "{name} channel differs from the engine run on it alone by {db:.1} dB");
    }
}

#[test]
fn the_gate_silences_the_models_hiss_after_the_note_and_leaves_the_note_alone() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_gate");
    let (path, _) = model(&dir, "user.bbx", TEST_HIDDEN, 17);
    // Half a second of a note, then a second of -80 dBFS noise (a pickup's hiss between notes).
    let mut input = sine(44_100.0, 0.5, 196.0, 0.3);
    let mut rng = blackbox_plugin_host::fixture::SplitMix::new(5);
    input.extend((0..44_100).map(|_| 1e-4 * rng.uniform()));
    let blocks = Blocks::Fixed(256);

    let ungated = render(&mut playing_user_model(&path, 44_100.0, 256), &input, &blocks, &[]).unwrap();
    let mut plugin = playing_user_model(&path, 44_100.0, 256);
    plugin.set_param("Gate", 1.0).unwrap();
    let gated = render(&mut plugin, &input, &blocks, &[]).unwrap();
    write_wav(&dir.join("gated.wav"), 44_100, &gated).unwrap();

    // Default gate: threshold -55 dB, hold 50 ms, release 120 ms; 0.5 s after the note it is long closed.
    let tail = 44_100..input.len();
    let (hiss, left) = (rms(&ungated[tail.clone()]), rms(&gated[tail]));
    println!("tail after the note: ungated {hiss:.2e}, gated {left:.2e}");
    assert!(hiss > 1e-6, "the model makes no hiss of its own here, so the gate has nothing to remove");
    assert!(left < hiss * 1e-3, "gate left {left:.2e} of {hiss:.2e} hiss");
    // During the note the gate is open: the note plays as without a gate (after the 1 ms attack).
    let db = difference_db(&gated[441..22_050], &ungated[441..22_050]);
    assert!(db < -80.0, "the open gate changed the note by {db:.1} dB");
}

/// Every parameter's text reads back as its value, as a host that lets the user type a value needs: every step
/// of the menus (whatever models are embedded) and points across each continuous range.
#[test]
fn every_parameter_text_round_trips_through_its_value() {
    let _main_thread = one_host_at_a_time();
    let mut plugin = load_plugin();
    let params = plugin.params().to_vec();
    let mut checked = 0;
    for param in params {
        let values: Vec<f64> = if param.is_stepped {
            (param.min as i64..=param.max as i64).map(|v| v as f64).collect()
        } else {
            (0..=8).map(|i| param.min + (param.max - param.min) * f64::from(i) / 8.0).collect()
        };
        for value in values {
            let text = plugin.param_text(&param.name, value).unwrap();
            let back = plugin.text_to_value(&param.name, &text).unwrap();
            let Some(back) = back else {
                panic!("{}: the plugin's own text {text:?} (for {value}) does not parse back", param.name);
            };
            let again = plugin.param_text(&param.name, back).unwrap();
            assert_eq!(again, text, "{}: {value} -> {text:?} -> {back} -> {again:?}", param.name);
            checked += 1;
        }
    }
    println!("{checked} parameter values round-trip through their text");
}

/// A fresh or reset instance fed silence outputs silence: the model starts from its settled state on silence
/// (pre-warmed), not from a zero state that rings out as a click (a bounce in a DAW starts with a reset).
#[test]
fn a_fresh_or_reset_instance_fed_silence_is_silent() {
    let _main_thread = one_host_at_a_time();
    for (effect, rate) in [(0.0, 48_000.0), (1.0, 44_100.0)] {
        let mut plugin = load_plugin();
        plugin.set_param("Gate", 0.0).unwrap();
        plugin.set_param("Effect", effect).unwrap();
        plugin.activate(rate, 256).unwrap();
        let silence = vec![0.0f32; (rate * 0.2) as usize];
        let output = render(&mut plugin, &silence, &Blocks::Fixed(256), &[]).unwrap();
        let peak = output.iter().fold(0.0f32, |m, y| m.max(y.abs()));
        let db = 20.0 * f64::from(peak.max(1e-12)).log10();
        println!("effect {effect} at {rate} Hz, gate off: fresh instance on silence peaks at {db:.1} dBFS");
        assert!(db < -90.0, "a fresh instance fed silence peaks at {db:.1} dBFS");
    }
}

/// A host may offer any rate (clap-validator tries 1234.57 Hz), and rates that share no factor with the model's
/// (47 999 Hz) have too many phases for a filter table: the plugin plays the model there too, with its latency
/// reported exactly, as the engine's round trip at that rate plays it.
#[test]
fn at_odd_host_rates_the_plugin_plays_the_model_with_its_latency_exact() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("clap_odd_rates");
    let (path, model) = model(&dir, "user.bbx", TEST_HIDDEN, 4);
    for rate in [1_234.57f64, 47_999.0] {
        let rounded = rate.round() as u32;
        let input = guitar_like(rate, 1.0, 5);
        let (expected, latency) = engine_round_trip(&model, rounded, &input);
        let mut plugin = playing_user_model(&path, rate, 256);
        assert_eq!(plugin.latency().unwrap() as usize, latency, "{rate} Hz: reported latency");
        let output = render(&mut plugin, &input, &Blocks::Pattern(vec![256, 1, 77, 256]), &[]).unwrap();
        let db = difference_db(&output, &expected);
        println!("{rate} Hz: latency {latency}, plugin vs engine round trip {db:.1} dB");
        assert!(db < -80.0, "{rate} Hz: plugin differs from the engine's round trip by {db:.1} dB");
        assert!(difference_db(&output, &input) > -20.0, "{rate} Hz: output is the dry input");
    }
}
