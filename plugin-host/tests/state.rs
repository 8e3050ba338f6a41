//! Saving and restoring the plugin's state in a real host round-trips every parameter and the user model.

mod common;

use blackbox_plugin_host::render::{Blocks, render};
use blackbox_plugin_host::signal::{difference_db, guitar_like};
use common::*;

/// A value for every parameter, none of them its default. These are CLAP values: nice-plug exposes continuous
/// parameters normalised to 0..1 and stepped ones as their step index.
const SETTINGS: [(&str, f64); 20] = [
    ("Effect", EFFECT_USER),
    ("Gain", 2.0),
    ("Model", 5.0),
    ("Gain knob", 0.8),
    ("Knob 2", 0.15),
    ("Input", 0.6),
    ("Output", 0.3),
    ("Gate", 0.0),
    ("Gate threshold", 0.2),
    ("Gate attack", 0.3),
    ("Gate hold", 0.25),
    ("Gate release", 0.4),
    ("Normalize output", 0.0),
    ("Tone", 1.0),
    ("Bass", 0.7),
    ("Middle", 0.35),
    ("Treble", 0.6),
    ("Cabinet", 1.0),
    ("Mix", 0.8),
    ("Bypass", 1.0),
];

#[test]
fn state_round_trips_every_parameter_and_the_user_model_path() {
    let _main_thread = one_host_at_a_time();
    let dir = output_dir("state");
    let (path, _) = model(&dir, "user.bbx", TEST_HIDDEN, 11);
    let path_text = path.display().to_string();

    let mut original = load_plugin();
    let names: Vec<String> = original.params().iter().map(|p| p.name.clone()).collect();
    for name in &names {
        assert!(SETTINGS.iter().any(|(n, _)| n == name), "parameter {name:?} is not covered by this test");
    }
    for (name, value) in SETTINGS {
        original.set_param(name, value).unwrap();
    }
    // A cabinet IR file travels as its path too.
    let ir_path = dir.join("cab.wav");
    let spec = hound::WavSpec { channels: 1, sample_rate: 48_000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(&ir_path, spec).unwrap();
    for i in 0..2_000 {
        writer.write_sample(((-(i as f64) / 200.0).exp() * (i as f64 * 0.3).cos() * 20_000.0) as i16).unwrap();
    }
    writer.finalize().unwrap();
    let ir_text = ir_path.display().to_string();
    // Both paths in one state load, as a host restoring a session does: loading the state once per field would
    // load the user model twice, and the second arrival is a model switch the restored instance never makes.
    let mut state = original.state_json().unwrap();
    let fields = state.get_mut("fields").and_then(|f| f.as_object_mut()).unwrap();
    for (key, value) in [("user-model", &path_text), ("cab-ir", &ir_text)] {
        fields.insert(key.to_owned(), serde_json::Value::String(serde_json::json!(value).to_string()));
    }
    original.load_state_json(&state).unwrap();
    for (name, value) in SETTINGS {
        let default = original.param(name).unwrap().default;
        let now = original.param_value(name).unwrap();
        assert!((now - value).abs() < 1e-4 * value.abs().max(1.0), "{name}: set {value}, plugin reports {now}");
        assert!((now - default).abs() > 1e-6, "{name}: the test value equals the default and proves nothing");
    }
    // The plugin's own display text follows the values (what a DAW shows).
    let input_text = original.param_text("Input", 0.6).unwrap();
    assert!(input_text.contains("dB") && !input_text.starts_with("0.0"), "Input 0.6 displays as {input_text:?}");
    assert_eq!(original.param_text("Effect", EFFECT_USER).unwrap(), "User model file");
    let saved = original.save_state().unwrap();

    let mut restored = load_plugin();
    restored.load_state(&saved).unwrap();
    for (name, value) in SETTINGS {
        let now = restored.param_value(name).unwrap();
        assert!((now - value).abs() < 1e-4 * value.abs().max(1.0), "{name}: restored {now}, saved {value}");
    }
    assert_eq!(restored.persisted_field("user-model").unwrap(), Some(serde_json::json!(path_text)));
    assert_eq!(restored.persisted_field("cab-ir").unwrap(), Some(serde_json::json!(ir_text)));
    assert_eq!(
        restored.state_json().unwrap(),
        original.state_json().unwrap(),
        "restored plugin saves a different state"
    );

    // The restored plugin really loaded the model: with bypass off, both instances play the same, and it is
    // not the dry signal.
    let input = guitar_like(44_100.0, 0.5, 2);
    let mut outputs = Vec::new();
    for plugin in [&mut original, &mut restored] {
        plugin.set_param("Bypass", 0.0).unwrap();
        plugin.activate(44_100.0, 256).unwrap();
        outputs.push(render(plugin, &input, &Blocks::Fixed(256), &[]).unwrap());
    }
    let db = difference_db(&outputs[1], &outputs[0]);
    assert!(db < -100.0, "restored plugin plays differently ({db:.1} dB)");
    assert!(difference_db(&outputs[1], &input) > -20.0, "restored plugin plays the dry input");
}
