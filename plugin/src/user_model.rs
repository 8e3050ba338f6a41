//! A model file the user picks at run time, of any format the engine reads (.bbx, .nam, AIDA-X, Proteus):
//! loaded and built off the audio thread, handed over without locks.
//!
//! The GUI (or the host restoring a session) calls [`UserModelSlot::load`]; the file is read, validated,
//! measured for loudness and turned into ready-to-stream players at the host's rate right there, then pushed
//! through a wait-free ring buffer. The audio thread
//! pops it between blocks and pushes whatever it replaces into a second ring buffer that this side drains, so
//! no model memory is ever freed on the audio thread. The mutexes here are only ever taken by non-audio
//! threads; the audio thread owns its ends of the rings outright ([`AudioEnd`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, RwLock};

use blackbox_engine::formats::{self, FormatError, LoadedModel, RateSource};
use blackbox_engine::loudness::loudness_of;
use blackbox_engine::model::unstable_when_streamed;
use nice_plug::params::persist::PersistentField;

use crate::admission;
use crate::rack::{BuildError, ChannelModels};

/// The host rate a model is built for before the host has said one (a session restored before activation);
/// activation rebuilds it for the real rate.
const DEFAULT_HOST_RATE: u32 = 48_000;
/// Loads the audio thread has not picked up yet; more means the host is not processing, and is refused.
const PENDING: usize = 4;

/// Why a user model could not be loaded. The previous model keeps playing in every case.
#[derive(Debug, thiserror::Error)]
pub enum UserModelError {
    #[error("{0}")]
    Model(#[from] FormatError),
    #[error("{0}")]
    Build(#[from] BuildError),
    #[error("{pending} models are already waiting for the audio thread; start playback in the host, then try again")]
    Backlog { pending: usize },
}

/// Sent to the audio thread: a model to play, or the request to stop playing the user model.
pub enum Handover {
    Install(Box<ChannelModels>),
    Unload,
}

/// What the GUI shows about a model, embedded or loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFacts {
    pub path: String,
    /// The device as its metadata names it, e.g. "SD-1", or the file's model name.
    pub device: String,
    pub name: String,
    /// e.g. "Neural Amp Modeler (.nam)".
    pub format: String,
    pub architecture: String,
    /// e.g. "48000 Hz" or "44100 Hz (assumed: …)".
    pub rate: String,
    /// The model's own knobs, which the plugin's Gain knob (and Knob 2) drive.
    pub knobs: Vec<String>,
    /// `Some(true)` for stand-in data, `Some(false)` for real recordings, `None` where the file does not say.
    pub stand_in: Option<bool>,
    pub provenance: String,
    /// Everything else the file says of itself (gear, who captured it, its own loudness figure).
    pub details: Vec<(String, String)>,
    pub streaming_esr: Option<f32>,
    pub windowed_esr: Option<f32>,
    pub unstable_when_streamed: bool,
    /// Its loudness on the reference passage, e.g. "-29.3 LUFS".
    pub loudness: String,
}

impl ModelFacts {
    pub fn of(path: &str, model: &LoadedModel, loudness: String) -> Self {
        let info = &model.info;
        let rate = match &info.rate_source {
            RateSource::File => format!("{} Hz", info.sample_rate),
            RateSource::Assumed(why) => format!("{} Hz (assumed: {why})", info.sample_rate),
        };
        let (mut streaming_esr, mut windowed_esr) = (None, None);
        let (device, stand_in, provenance) = match model.bbx() {
            Some(file) => {
                let m = &file.metadata;
                (streaming_esr, windowed_esr) = (m.mean_streaming_esr(), m.mean_windowed_esr());
                (m.effect.clone(), Some(m.provenance.is_stand_in()), m.provenance.summary())
            }
            None => {
                let gear = info.detail("Gear").or(info.detail("Captured by")).map(str::to_owned);
                (gear.unwrap_or_else(|| info.name.clone()), None, "training data not stated in the file".to_owned())
            }
        };
        let details =
            info.details.iter().filter(|(k, _)| !matches!(k.as_str(), "Trained on")).cloned().collect::<Vec<_>>();
        ModelFacts {
            path: path.to_owned(),
            device,
            name: info.name.clone(),
            format: info.format.name().to_owned(),
            architecture: info.architecture.clone(),
            rate,
            knobs: info.knobs.clone(),
            stand_in,
            provenance,
            details,
            streaming_esr,
            windowed_esr,
            unstable_when_streamed: unstable_when_streamed(streaming_esr, windowed_esr),
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
    /// The rate the host runs at, for building round trips; 0 before activation.
    host_rate: AtomicU32,
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
            host_rate: AtomicU32::new(0),
            loader: Mutex::new(LoaderEnd { handover: handover_tx, retired: retired_rx }),
            status: RwLock::new(UserModelStatus::default()),
        };
        (slot, AudioEnd { handover: handover_rx, retired: retired_tx })
    }

    /// Called at activation: models loaded from now on are built for `host_rate`.
    pub fn prepare(&self, host_rate: u32) {
        self.host_rate.store(host_rate, Ordering::Release);
    }

    pub fn host_rate(&self) -> u32 {
        match self.host_rate.load(Ordering::Acquire) {
            0 => DEFAULT_HOST_RATE,
            rate => rate,
        }
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
        let model = formats::load(path)?;
        admission::admit(&model).map_err(BuildError::Refused)?;
        // Measured here, on the loading thread, so that "Normalize output" levels the file like the embedded models.
        let loudness = loudness_of(&model);
        let facts = ModelFacts::of(shown, &model, loudness.describe());
        let mut built = ChannelModels::new(&model, &loudness.points, self.host_rate())?;
        // Heard from its rest state, not from a transient.
        built.prewarm();
        self.send(Handover::Install(Box::new(built)))?;
        Ok(facts)
    }

    /// The model files beside the loaded one, in name order, that Previous / Next step through.
    pub fn neighbours(&self) -> Vec<PathBuf> {
        let current = PathBuf::from(self.path());
        let Some(dir) = current.parent().filter(|d| d.is_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file() && p.extension().is_some_and(|x| formats::EXTENSIONS.iter().any(|e| x.eq_ignore_ascii_case(e))))
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by_key(|p| p.file_name().map(|n| n.to_string_lossy().to_lowercase()));
        files
    }

    /// Loads the next (`step` 1) or previous (`step` -1) model file in the folder, skipping files that do not
    /// load (a settings .json beside the models, say); returns what was loaded, or the last error.
    pub fn step(&self, step: isize) -> Option<Result<ModelFacts, UserModelError>> {
        let files = self.neighbours();
        let current = PathBuf::from(self.path());
        let here = files.iter().position(|p| *p == current)?;
        let count = files.len() as isize;
        let mut last = None;
        for offset in 1..count {
            let index = (here as isize + step.signum() * offset).rem_euclid(count) as usize;
            match self.load(&files[index]) {
                Ok(facts) => return Some(Ok(facts)),
                Err(e) => last = Some(Err(e)),
            }
        }
        last
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
