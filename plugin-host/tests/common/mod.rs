//! Shared set-up for the real-host tests: the bundle, model files, a plugin playing a user model.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use blackbox_engine::model::ModelFile;
use blackbox_plugin_host::LoadedPlugin;
use blackbox_plugin_host::bundle::clap_bundle;
use blackbox_plugin_host::fixture::write_stand_in_model;

/// The Effect parameter's values, in the plugin's declaration order.
pub const EFFECT_SD1: f64 = 0.0;
pub const EFFECT_USER: f64 = 2.0;

/// Small enough for the debug bundle to render seconds of audio quickly, big enough to be a real LSTM.
pub const TEST_HIDDEN: usize = 24;

pub fn output_dir(test: &str) -> PathBuf {
    let dir = blackbox_plugin_host::bundle::bundle_dir().with_file_name("test-output").join(test);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

pub fn model(dir: &Path, name: &str, hidden: usize, seed: u64) -> (PathBuf, ModelFile) {
    let path = dir.join(name);
    let model = write_stand_in_model(&path, hidden, seed).unwrap_or_else(|e| panic!("cannot write test model: {e}"));
    (path, model)
}

/// CLAP calls every main-thread function from one thread; a test binary runs tests on several, so each test
/// holds this while it talks to a plugin.
pub fn one_host_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static MAIN_THREAD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    MAIN_THREAD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn load_plugin() -> LoadedPlugin {
    let bundle = clap_bundle().unwrap_or_else(|e| panic!("{e}"));
    LoadedPlugin::load(&bundle).unwrap_or_else(|e| panic!("{e}"))
}

/// A plugin set to play the user model at `path` with the gate off and every level at unity, activated.
pub fn playing_user_model(path: &Path, rate: f64, max_block: u32) -> LoadedPlugin {
    let mut plugin = load_plugin();
    plugin.set_param("Gate", 0.0).unwrap();
    plugin.set_param("Effect", EFFECT_USER).unwrap();
    plugin.set_persisted_field("user-model", &serde_json::json!(path.display().to_string())).unwrap();
    plugin.activate(rate, max_block).unwrap();
    plugin
}
