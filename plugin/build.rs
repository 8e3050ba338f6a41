//! Embeds every `.bbx` file under the repository's `models/` folder.
//!
//! Each file is read with the engine's own validating reader and admitted by the plugin's own rule
//! (`src/admission.rs`, the one a user's file meets at run time). The table keeps only what resolving a selection
//! needs (effect, gain, architecture, test ESR); the plugin reads everything else from the bytes. A file that is
//! not admitted is left out with a build warning and listed in the plugin's "skipped" table, so the GUI can say
//! why a model is missing instead of silently not offering it.
//!
//! Each model's loudness on the engine's reference passage is measured here too (a fraction of a second per
//! model, with the engine optimised for build scripts by the workspace profile), so "Normalize output" has its
//! figure without running any model at activation.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use blackbox_engine::formats::LoadedModel;
use blackbox_engine::loudness::model_loudness;
use blackbox_engine::model::{Gain, ModelFile, device_order};

#[path = "src/admission.rs"]
mod admission;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let models_dir = manifest.join("..").join("models");
    println!("cargo:rerun-if-changed={}", models_dir.display());
    println!("cargo:rerun-if-changed=build.rs");

    let mut files = Vec::new();
    collect_bbx(&models_dir, &mut files);
    files.sort();

    let mut embedded = String::from("pub static EMBEDDED: &[EmbeddedModel] = &[\n");
    let mut skipped = String::from("pub static SKIPPED: &[SkippedModel] = &[\n");
    let mut devices: Vec<String> = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let relative = path.strip_prefix(&models_dir).unwrap_or(path).display().to_string();
        match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| ModelFile::from_bytes(&bytes).map_err(|e| e.to_string()))
            .and_then(|model| {
                admission::admit(&LoadedModel::from_model_file(model.clone())).map_err(|e| e.to_string())?;
                Ok(model)
            }) {
            Ok(model) => {
                if !devices.contains(&model.metadata.effect) {
                    devices.push(model.metadata.effect.clone());
                }
                write_entry(&mut embedded, path, &relative, &model);
            }
            Err(reason) => {
                println!("cargo:warning=models/{relative} is not embedded: {reason}");
                writeln!(skipped, "    SkippedModel {{ path: {relative:?}, reason: {reason:?} }},").ok();
            }
        }
    }
    embedded.push_str("];\n");
    skipped.push_str("];\n");
    devices.sort_by(|a, b| device_order(a).cmp(&device_order(b)));
    let devices = format!("pub static DEVICES: &[&str] = &{devices:?};\n");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_models.rs");
    if let Err(e) = std::fs::write(&out, embedded + &skipped + &devices) {
        panic!("cannot write {}: {e}", out.display());
    }
}

fn collect_bbx(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // `trainer fit` writes a user's own captures there; they are loaded as model files, not shipped.
        if path.is_dir() && path.file_name().is_some_and(|n| n == "captures") {
            continue;
        }
        if path.is_dir() {
            collect_bbx(&path, out);
        } else if path.extension().is_some_and(|e| e == "bbx") {
            out.push(path);
        }
    }
}

fn write_entry(out: &mut String, path: &Path, relative: &str, model: &ModelFile) {
    let m = &model.metadata;
    let optional = |v: Option<f32>| v.map_or("None".to_owned(), |v| format!("Some({v:e})"));
    writeln!(
        out,
        "    EmbeddedModel {{ path: {relative:?}, bytes: include_bytes!({abs:?}), effect: {effect:?}, gain: {gain}, \
         context: {ctx}, hidden_size: {hidden}, learning_rate: {lr:e}, streaming_esr: {streaming}, \
         windowed_esr: {windowed}, loudness: &[{loudness}] }},",
        abs = path.canonicalize().unwrap_or_else(|_| path.to_owned()).display().to_string(),
        effect = m.effect,
        gain = match m.gain {
            Gain::Named(name) => format!("named_setting({:?})", name.as_str()),
            study => format!("Gain::{study:?}"),
        },
        ctx = m.context,
        hidden = m.hidden_size,
        lr = m.learning_rate,
        streaming = optional(m.mean_streaming_esr()),
        windowed = optional(m.mean_windowed_esr()),
        loudness = model_loudness(model)
            .points
            .iter()
            .map(|(knob, lufs)| format!("({knob:e}, {})", optional(*lufs)))
            .collect::<Vec<_>>()
            .join(", "),
    )
    .ok();
}
