//! BlackBox's VST3 in a real DAW: Debian's Ardour 7, headless through its Lua session tool (`ardour7-lua`,
//! scripts in `tests/ardour/`). A new session with a mono track and the plugin renders a DI clip as the CLAP
//! bundle renders it in clack-host (which the other tests hold to the engine), with Ardour compensating the
//! plugin's latency; a parameter set in the session comes back after saving and reopening, and plays; a user
//! model put into the saved session plays, reopened, as the engine plays it.
//!
//! Facts of Ardour 7.3 the test works around: headless Ardour only reads its plugin cache, so its own
//! `ardour-vst3-scanner` runs on the bundle first; it has no headless import, so a silent region of the clip's
//! length is bounced and its file replaced by the clip while the session is closed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use blackbox_plugin_host::bundle::vst3_bundle;
use blackbox_plugin_host::reference::plugin_default_output;
use blackbox_plugin_host::vstpreset::VstPreset;
use blackbox_plugin_host::render::{Blocks, render};
use blackbox_plugin_host::signal::{difference_db, read_wav, rms, write_wav};
use common::{TEST_HIDDEN, load_plugin, model, one_host_at_a_time, output_dir};

const SCANNER: &str = "/usr/lib/ardour7/ardour-vst3-scanner";
const RATE: u32 = 48_000;
const CLIP_SECONDS: usize = 4;

/// Ardour with its own home (config and plugin cache) inside the test's folder, and the copied bundle's folder
/// as its VST3 path.
fn ardour(program: &str, home: &Path, vst3_dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.env("HOME", home).env("VST3_PATH", vst3_dir);
    command
}

/// Runs a Lua script and returns the `KEY=value` lines it printed.
fn lua(home: &Path, vst3_dir: &Path, script: &str, args: &[&str]) -> Vec<(String, String)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ardour").join(script);
    // cargo's LD_LIBRARY_PATH (target/debug/deps) makes ardour7-lua miss the plugin in its cache.
    let out = ardour("timeout", home, vst3_dir)
        .env_remove("LD_LIBRARY_PATH")
        .args(["180", "ardour7-lua"])
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ardour7-lua: {e} (scripts/install-deps.sh installs Debian's ardour)"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{}",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect()
}

fn value<'a>(lines: &'a [(String, String)], key: &str) -> &'a str {
    lines.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {key}= in {lines:?}"))
}

fn read_float_wav(path: &Path) -> Vec<f32> {
    let (samples, spec) = read_wav(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!((spec.channels, spec.sample_rate, spec.sample_format), (1, RATE, hound::SampleFormat::Float));
    samples
}

/// The first seconds of a real DI clip, as the 32-bit float mono WAV an Ardour session writes natively.
fn di_clip(dir: &Path) -> (PathBuf, Vec<f32>) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/di/Guitar_DI.wav");
    let (mut clip, spec) = read_wav(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    assert_eq!((spec.channels, spec.sample_rate), (1, RATE), "{}", source.display());
    clip.truncate(CLIP_SECONDS * RATE as usize);
    let path = dir.join("clip.wav");
    write_wav(&path, RATE, &clip).unwrap();
    (path, clip)
}

/// What the CLAP bundle plays for `clip` in clack-host at 48 kHz with Output at `output` (as text, e.g.
/// "-6.0206 dB": CLAP's values are nice-plug's normalised ones, VST3's in Ardour plain gains), aligned with the
/// clip (the reported latency taken off the front, as Ardour's bounce does).
fn clack_reference(clip: &[f32], output: Option<&str>) -> Vec<f32> {
    let _main_thread = one_host_at_a_time();
    let mut plugin = load_plugin();
    if let Some(text) = output {
        let value = plugin.text_to_value("Output", text).unwrap().expect("Output takes decibels as text");
        plugin.set_param("Output", value).unwrap();
    }
    plugin.activate(f64::from(RATE), 1024).unwrap();
    let latency = plugin.latency().unwrap() as usize;
    let mut padded = clip.to_vec();
    padded.extend(std::iter::repeat_n(0.0, latency));
    let rendered = render(&mut plugin, &padded, &Blocks::Fixed(1024), &[]).unwrap();
    rendered[latency..].to_vec()
}

/// Points the BlackBox in a closed session at a user model file, with the gate off and Output back at 0 dB,
/// by editing the plugin state Ardour saved in the session (a base64 .vstpreset whose component chunk is
/// nice-plug's JSON): what Ardour hands back to the plugin when the session reopens.
fn select_user_model(session_file: &Path, model: &Path, user_effect: i32) {
    let xml = std::fs::read_to_string(session_file).unwrap();
    let plugin = xml.find("name=\"BlackBox\"").expect("the session has no BlackBox");
    let start = plugin + xml[plugin..].find("<chunk>").expect("BlackBox has no saved state") + "<chunk>".len();
    let end = start + xml[start..].find("</chunk>").unwrap();
    let encoded: String = xml[start..end].split_whitespace().collect();
    let mut preset = VstPreset::parse(&BASE64.decode(encoded).unwrap()).unwrap();
    let component = preset.chunk_mut(b"Comp").expect("no component state");
    let mut state: serde_json::Value = serde_json::from_slice(component).unwrap();
    state["params"]["effect"] = serde_json::json!({ "i32": user_effect });
    state["params"]["gate"] = serde_json::json!({ "bool": false });
    state["params"]["out_db"] = serde_json::json!({ "f32": 1.0 });
    state["fields"]["user-model"] = serde_json::Value::String(serde_json::to_string(model.to_str().unwrap()).unwrap());
    *component = serde_json::to_vec(&state).unwrap();
    let edited = format!("{}{}{}", &xml[..start], BASE64.encode(preset.to_bytes()), &xml[end..]);
    std::fs::write(session_file, edited).unwrap();
}

#[test]
fn ardour_renders_a_di_clip_through_the_vst3_and_a_saved_session_reopens_playing_the_same() {
    let dir = output_dir("ardour");
    let _ = std::fs::remove_dir_all(&dir);
    let (home, vst3_dir, sessions) = (dir.join("home"), dir.join("vst3"), dir.join("sessions"));
    for folder in [&home, &vst3_dir, &sessions] {
        std::fs::create_dir_all(folder).unwrap();
    }
    // Ardour's cache names the bundle by its path, and the bundle in target/ is rebuilt under it: play a copy.
    let bundle = vst3_dir.join("BlackBox.vst3");
    let copied = Command::new("cp").arg("-r").arg(vst3_bundle().unwrap()).arg(&bundle).status().unwrap();
    assert!(copied.success());
    // Ardour takes a cache entry no newer than the module as stale, to the second: date the copy an hour back.
    let dated = Command::new("find").arg(&bundle).args(["-exec", "touch", "-d", "1 hour ago", "{}", "+"]).status().unwrap();
    assert!(dated.success());
    // The scanner needs Ardour's libraries on the path (ardour7-lua sets its own).
    let mut scanner = ardour(SCANNER, &home, &vst3_dir);
    let scanned = scanner.env("LD_LIBRARY_PATH", "/usr/lib/ardour7").args(["-f", "-q"]).arg(&bundle).status().unwrap();
    assert!(scanned.success(), "ardour-vst3-scanner failed on {}", bundle.display());

    let (clip_path, clip) = di_clip(&dir);
    let session = sessions.join("blackbox");
    let session_arg = session.to_str().unwrap();
    let created = lua(&home, &vst3_dir, "create.lua", &[session_arg, "blackbox", &clip.len().to_string()]);
    let latency: usize = value(&created, "LATENCY").parse().unwrap();
    let placeholder = PathBuf::from(value(&created, "PLACEHOLDER"));
    std::fs::copy(&clip_path, &placeholder).unwrap();
    for peak in std::fs::read_dir(session.join("peaks")).into_iter().flatten().flatten() {
        let _ = std::fs::remove_file(peak.path());
    }

    // First render at the defaults; then Output is set to half (-6 dB) and the session saved.
    let first = lua(&home, &vst3_dir, "render.lua", &[session_arg, "blackbox", "first", "Output", "0.5"]);
    let initial: f64 = value(&first, "PARAMETER").parse().unwrap();
    assert!((initial - 1.0).abs() < 1e-6, "Output starts at {initial}, not 0 dB");
    let rendered = read_float_wav(Path::new(value(&first, "BOUNCE")));
    let expected = clack_reference(&clip, None);
    assert_eq!(rendered.len(), clip.len(), "Ardour bounces the region's length");
    let db = difference_db(&rendered, &expected);
    let dry_db = difference_db(&rendered, &clip);
    println!("Ardour (latency {latency}): bounce vs clack-host {db:.1} dB; vs the dry clip {dry_db:.1} dB");
    assert_eq!(latency, 51, "the plugin reports its 48 kHz round trip to Ardour");
    assert!(db < -60.0, "Ardour's render differs from clack-host's by {db:.1} dB");
    assert!(dry_db > -20.0, "Ardour played the clip dry");

    // Reopened: Output is still half, and the render is clack-host's at that setting.
    let second = lua(&home, &vst3_dir, "render.lua", &[session_arg, "blackbox", "second", "Output"]);
    let reopened: f64 = value(&second, "PARAMETER").parse().unwrap();
    assert!((reopened - 0.5).abs() < 1e-6, "after saving and reopening Output is {reopened}");
    let halved = read_float_wav(Path::new(value(&second, "BOUNCE")));
    let expected_halved = clack_reference(&clip, Some("-6.0206 dB"));
    let db = difference_db(&halved, &expected_halved);
    let level = |x: &[f32], reference: &[f32]| 20.0 * (rms(x) / rms(reference)).log10();
    println!(
        "Ardour after reopening: Output {reopened}, {:.2} dB from the first render (clack-host: {:.2} dB), bounce vs \
         clack-host {db:.1} dB",
        level(&halved, &rendered),
        level(&expected_halved, &expected)
    );
    assert!(db < -60.0, "the reopened session plays {db:.1} dB off clack-host");

    // A user model in the saved session: reopened, Ardour plays it as the engine does.
    let (model_path, user_model) = model(&dir, "user.bbx", TEST_HIDDEN, 41);
    // The Effect menu's last entry, after the embedded devices; its number is what clack-host reads from its label.
    let user_effect = {
        let _main_thread = one_host_at_a_time();
        load_plugin().text_to_value("Effect", "User model file").unwrap().expect("the Effect menu has a user file")
    };
    select_user_model(&session.join("blackbox.ardour"), &model_path, user_effect.round() as i32);
    let third = lua(&home, &vst3_dir, "render.lua", &[session_arg, "blackbox", "third"]);
    let rendered = read_float_wav(Path::new(value(&third, "BOUNCE")));
    // The engine's render comes as the plugin plays it, `latency` late; Ardour's bounce has that taken off.
    let (expected, engine_latency) = plugin_default_output(&user_model, &clip, RATE, 0.0);
    assert_eq!(engine_latency, latency);
    let db = difference_db(&rendered, &expected[latency..]);
    println!("Ardour with a user model from the saved session: vs the engine {db:.1} dB");
    assert!(db < -60.0, "the user model in Ardour plays {db:.1} dB off the engine");
}
