//! Every model file BlackBox plays, behind one interface: its own `.bbx`, Neural Amp Modeler `.nam` (through
//! the `nam-rs` crate), AIDA-X / RTNeural Keras JSON, and GuitarML Proteus / Automated-GuitarAmpModelling JSON
//! (RTNeural's PyTorch state dicts read through the same path).
//!
//! [`load`] reads a file, recognises its format from its content (not its extension: AIDA-X and Proteus files
//! are both `.json`), validates it and returns a [`LoadedModel`]: what the GUI and `trainer info` show
//! ([`ModelInfo`]) and a factory for [`Player`]s, the audio-thread object that runs the model at its own rate.
//! A file that is not a model, or is damaged, comes back as a [`FormatError`] that says so; nothing here
//! panics on any input.

mod bbx;
mod error;
mod export;
mod json;
mod keras;
mod nam;
mod nam_linear;
mod player;
mod torch;

use std::path::Path;
use std::sync::Arc;

pub use error::FormatError;
pub use export::{ExportFormat, export};
pub use player::Player;

use crate::model::ModelFile;
use crate::network::Network;

/// No model file of any of these formats comes near this (NAM's largest standard captures are ~0.5 MB).
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// File extensions a file browser offers.
pub const EXTENSIONS: [&str; 4] = ["bbx", "nam", "json", "aidax"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Bbx,
    Nam,
    /// AIDA-X and RTNeural's Keras exports.
    AidaX,
    /// GuitarML Proteus / Automated-GuitarAmpModelling, and RTNeural's PyTorch exports.
    Proteus,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Bbx => "BlackBox (.bbx)",
            Format::Nam => "Neural Amp Modeler (.nam)",
            Format::AidaX => "AIDA-X / RTNeural (Keras JSON)",
            Format::Proteus => "GuitarML Proteus / PyTorch JSON",
        }
    }
}

/// Where a model's sample rate came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateSource {
    /// The file states it.
    File,
    /// The file does not; the rate is the convention of the format's own players (the text says which).
    Assumed(&'static str),
}

/// What is known about a model file, for a facts panel or `trainer info`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInfo {
    pub format: Format,
    /// The model's own name where the file has one, else the file's stem.
    pub name: String,
    /// e.g. "LSTM 16 → Dense 1, skip" or "WaveNet (2 layer arrays, 16 + 8 channels)".
    pub architecture: String,
    pub parameters: usize,
    pub sample_rate: u32,
    pub rate_source: RateSource,
    /// Names of the extra inputs after the audio, e.g. ["Gain"] or ["Drive", "Tone"].
    pub knobs: Vec<String>,
    /// What the file says of itself: gear, who captured it, what it was trained on, its own loudness figure.
    pub details: Vec<(String, String)>,
}

impl ModelInfo {
    pub fn detail(&self, key: &str) -> Option<&str> {
        self.details.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A validated model file, ready to build players from.
#[derive(Clone)]
pub struct LoadedModel {
    pub info: ModelInfo,
    source: Source,
}

#[derive(Clone)]
enum Source {
    Bbx(Box<ModelFile>),
    Network(Arc<Network>),
    Nam(Arc<nam_rs::NamModel>),
    /// NAM's `Linear` architecture, which `nam-rs` does not run: an FIR filter and a bias.
    Fir { taps: Arc<Vec<f32>>, bias: f32 },
}

impl LoadedModel {
    /// A BlackBox model already in memory (a validated [`ModelFile`]).
    pub fn from_model_file(file: ModelFile) -> Self {
        LoadedModel { info: bbx::info(&file), source: Source::Bbx(Box::new(file)) }
    }

    /// A new player in its initial state. Allocates; off the audio thread.
    pub fn player(&self) -> Result<Player, FormatError> {
        match &self.source {
            Source::Bbx(file) => Player::network(&Network::from_lstm(&file.weights)),
            Source::Network(network) => Player::network(network),
            Source::Nam(model) => Player::nam(model),
            Source::Fir { taps, bias } => Player::fir(taps, *bias),
        }
    }

    /// The BlackBox model inside, for a `.bbx` file.
    pub fn bbx(&self) -> Option<&ModelFile> {
        match &self.source {
            Source::Bbx(file) => Some(file),
            _ => None,
        }
    }

    /// The layer description, for every format but `.nam`.
    pub fn network(&self) -> Option<Network> {
        match &self.source {
            Source::Bbx(file) => Some(Network::from_lstm(&file.weights)),
            Source::Network(network) => Some(Network::clone(network)),
            Source::Nam(_) | Source::Fir { .. } => None,
        }
    }
}

/// Reads and validates a model file of any supported format.
pub fn load(path: &Path) -> Result<LoadedModel, FormatError> {
    let io = |source| FormatError::Io { path: path.to_owned(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge { size }.in_file(path));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    from_bytes(&bytes, &stem).map_err(|e| e.in_file(path))
}

/// Parses a model from memory; `name` is used where the file has no name of its own.
pub fn from_bytes(bytes: &[u8], name: &str) -> Result<LoadedModel, FormatError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FormatError::TooLarge { size: bytes.len() as u64 });
    }
    if bytes.starts_with(&crate::model::MAGIC) {
        return bbx::parse(bytes);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| FormatError::Unknown("binary data that is neither a .bbx file nor JSON text".into()))?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if text.trim_start().starts_with(['{', '[']) {
            FormatError::NotAModel(format!("the JSON does not parse ({e}); the file is truncated or damaged"))
        } else {
            FormatError::Unknown("text that is not JSON".into())
        }
    })?;
    let serde_json::Value::Object(object) = &value else {
        return Err(FormatError::NotAModel("its top level is not an object".into()));
    };
    let has = |key: &str| object.contains_key(key);
    if has("architecture") && has("weights") {
        // nam-rs does not know NAM's Linear architecture; the parsed object is read for it directly.
        match object.get("architecture").and_then(serde_json::Value::as_str) {
            Some("Linear") => nam_linear::parse(object, name),
            _ => nam::parse(text, name),
        }
    } else if has("model_data") && has("state_dict") {
        torch::parse_proteus(object, name)
    } else if has("layers") && has("in_shape") {
        keras::parse(object, name)
    } else if object.keys().any(|k| k.ends_with(".weight_ih_l0")) {
        torch::parse_state_dict(object, name)
    } else if has("residual_channels") && has("dilations") && has("variables") {
        Err(FormatError::unsupported(
            "PedalNetRT",
            "this is a PedalNetRT WaveNet (its own layout, played only by GuitarML's SmartPedal); \
             BlackBox plays GuitarML's Proteus LSTM/GRU files, or a WaveNet exported as .nam",
        ))
    } else {
        let mut keys: Vec<&str> = object.keys().map(String::as_str).take(6).collect();
        if object.len() > 6 {
            keys.push("…");
        }
        Err(FormatError::NotAModel(format!(
            "its keys ({}) are none of a .nam (architecture, weights), an AIDA-X model (in_shape, layers) or a \
             Proteus model (model_data, state_dict); a preset or settings file cannot be loaded as a model",
            keys.join(", ")
        )))
    }
}
