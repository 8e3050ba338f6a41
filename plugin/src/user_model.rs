//! A model file the user picks at run time: loaded and built off the audio thread, handed over without locks.
//!
//! The GUI (or the host restoring a session) calls [`UserModelSlot::load`]; the file is read, validated and
//! turned into ready-to-stream LSTMs right there, then pushed through a wait-free ring buffer. The audio thread
//! pops it between blocks and pushes whatever it replaces into a second ring buffer that this side drains, so
//! no model memory is ever freed on the audio thread. The mutexes here are only ever taken by non-audio
//! threads; the audio thread owns its ends of the rings outright ([`AudioEnd`]).

use std::path::Path;
use std::sync::{Mutex, RwLock};

use blackbox_engine::loudness::model_loudness;
use blackbox_engine::model::{ModelError, ModelFile};
use nice_plug::params::persist::PersistentField;

use crate::catalogue::is_unstable;
use crate::rack::ChannelModels;

/// The rate the engine's resampler converts the host rate to.
pub const MODEL_RATE: u32 = 44_100;
/// Loads the audio thread has not picked up yet; more means the host is not processing, and is refused.
const PENDING: usize = 4;

/// Why a user model could not be loaded. The previous model keeps playing in every case.
#[derive(Debug, thiserror::Error)]
pub enum UserModelError {
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error("{path} was trained at {found} Hz; BlackBox plays {MODEL_RATE} Hz models (resampling the host rate to it)")]
    WrongRate { path: String, found: u32 },
    #[error("{pending} models are already waiting for the audio thread; start playback in the host, then try again")]
    Backlog { pending: usize },
}

/// Sent to the audio thread: a model to play, or the request to stop playing the user model.
pub enum Handover {
    Install(Box<ChannelModels>),
    Unload,
}

/// What the GUI shows about the loaded user model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFacts {
    pub path: String,
    /// The device as its metadata names it, e.g. "SD-1".
    pub device: String,
    pub name: String,
    pub architecture: String,
    pub stand_in: bool,
    pub provenance: String,
    pub streaming_esr: Option<f32>,
    pub windowed_esr: Option<f32>,
    pub unstable_when_streamed: bool,
    /// Its loudness on the reference passage, e.g. "-29.3 LUFS".
    pub loudness: String,
}

impl ModelFacts {
    fn of(path: &str, file: &ModelFile, loudness: String) -> Self {
        let m = &file.metadata;
        let lr =
            if m.learning_rate >= 1e-3 { format!("{}", m.learning_rate) } else { format!("{:e}", m.learning_rate) };
        let (streaming_esr, windowed_esr) = (m.mean_streaming_esr(), m.mean_windowed_esr());
        ModelFacts {
            path: path.to_owned(),
            device: m.effect.clone(),
            name: format!("{} ({} · {})", m.name, m.effect, m.gain.name()),
            architecture: format!("ctx {} · {} units · lr {lr}", m.context, m.hidden_size),
            stand_in: m.provenance.is_stand_in(),
            provenance: m.provenance.summary(),
            streaming_esr,
            windowed_esr,
            unstable_when_streamed: is_unstable(streaming_esr, windowed_esr),
            loudness,
        }
    }
}

/// The GUI's view of the slot: the model playing (if any) and the last error (if the last attempt failed).
#[derive(Clone, Debug, Default)]
pub struct UserModelStatus {
    pub facts: Option<ModelFacts>,
    pub error: Option<String>,
}

struct LoaderEnd {
    handover: rtrb::Producer<Handover>,
    retired: rtrb::Consumer<Box<ChannelModels>>,
}

/// The audio thread's ends of the handover.
pub struct AudioEnd {
    pub handover: rtrb::Consumer<Handover>,
    pub retired: rtrb::Producer<Box<ChannelModels>>,
}

/// Persisted with the plugin state as the model's path, so a session reopens with the same file.
pub struct UserModelSlot {
    path: RwLock<String>,
    loader: Mutex<LoaderEnd>,
    status: RwLock<UserModelStatus>,
}

impl UserModelSlot {
    pub fn new() -> (Self, AudioEnd) {
        let (handover_tx, handover_rx) = rtrb::RingBuffer::new(PENDING);
        // Each handover retires at most one model, so this can never fill while the loader drains it first.
        let (retired_tx, retired_rx) = rtrb::RingBuffer::new(2 * PENDING + 2);
        let slot = UserModelSlot {
            path: RwLock::new(String::new()),
            loader: Mutex::new(LoaderEnd { handover: handover_tx, retired: retired_rx }),
            status: RwLock::new(UserModelStatus::default()),
        };
        (slot, AudioEnd { handover: handover_rx, retired: retired_tx })
    }

    pub fn path(&self) -> String {
        self.path.read().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn status(&self) -> UserModelStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Loads `path` and hands it to the audio thread. On failure nothing changes except the error shown.
    pub fn load(&self, path: &Path) -> Result<ModelFacts, UserModelError> {
        let shown = path.display().to_string();
        let result = self.try_load(path, &shown);
        match &result {
            Ok(facts) => {
                self.set_path(shown);
                self.set_status(|s| *s = UserModelStatus { facts: Some(facts.clone()), error: None });
            }
            Err(e) => self.set_status(|s| s.error = Some(e.to_string())),
        }
        result
    }

    /// Stops playing the user model; "User model file" then passes audio through dry.
    pub fn unload(&self) {
        if self.send(Handover::Unload).is_ok() {
            self.set_path(String::new());
            self.set_status(|s| *s = UserModelStatus::default());
        }
    }

    /// Frees models the audio thread has retired. Called from the GUI, from loads and from deactivation.
    pub fn collect_retired(&self) {
        if let Ok(mut loader) = self.loader.lock() {
            while loader.retired.pop().is_ok() {}
        }
    }

    fn try_load(&self, path: &Path, shown: &str) -> Result<ModelFacts, UserModelError> {
        let file = ModelFile::load(path)?;
        if file.metadata.sample_rate != MODEL_RATE {
            return Err(UserModelError::WrongRate { path: shown.to_owned(), found: file.metadata.sample_rate });
        }
        // Measured here, on the loading thread, so that "Normalize output" levels the file like the embedded models.
        let loudness = model_loudness(&file);
        let facts = ModelFacts::of(shown, &file, loudness.describe());
        self.send(Handover::Install(Box::new(ChannelModels::new(&file.weights, &loudness.points))))?;
        Ok(facts)
    }

    fn send(&self, handover: Handover) -> Result<(), UserModelError> {
        self.collect_retired();
        let mut loader = self.loader.lock().map_err(|_| UserModelError::Backlog { pending: PENDING })?;
        loader.handover.push(handover).map_err(|_| UserModelError::Backlog { pending: PENDING })
    }

    fn set_path(&self, path: String) {
        if let Ok(mut p) = self.path.write() {
            *p = path;
        }
    }

    fn set_status(&self, f: impl FnOnce(&mut UserModelStatus)) {
        if let Ok(mut s) = self.status.write() {
            f(&mut s);
        }
    }
}

/// Restoring a session loads its model file; a file that has gone missing keeps its path (so saving again does
/// not lose it) and shows why it is not playing.
impl<'a> PersistentField<'a, String> for UserModelSlot {
    fn set(&self, path: String) {
        if path.is_empty() {
            self.unload();
        } else if self.load(Path::new(&path)).is_err() {
            self.set_path(path);
        }
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&String) -> R,
    {
        f(&self.path())
    }
}
