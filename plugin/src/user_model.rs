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

use blackbox_engine::formats::{self, FormatError};
use blackbox_engine::loudness::loudness_of;
use nice_plug::params::persist::PersistentField;

use crate::admission;
use crate::facts::ModelFacts;
use crate::rack::{BuildError, ChannelModels, ModelRack, Slot};

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
    handover: rtrb::Consumer<Handover>,
    retired: rtrb::Producer<Box<ChannelModels>>,
    /// A replaced model the retire ring had no room for; kept rather than freed on the audio thread.
    unretired: Option<Box<ChannelModels>>,
}

impl AudioEnd {
    /// Between blocks, on the audio thread: takes a newly loaded model, if one is waiting and a user slot is free
    /// of any crossfade (`busy`), and sends the model it replaces back to the loader's side for freeing. Neither
    /// allocates nor frees.
    pub fn receive(&mut self, rack: &mut ModelRack, busy: [Option<Slot>; 2], host_rate: u32) {
        if let Some(old) = self.unretired.take() {
            self.retire(old);
        }
        if self.unretired.is_some() {
            return;
        }
        let Some(free) = rack.free_user_slot(busy) else {
            return;
        };
        let Ok(handover) = self.handover.pop() else {
            return;
        };
        let replaced = match handover {
            // Built before the host changed rate (activation rebuilds what it finds; this raced it): it cannot
            // be rebuilt here, so it goes back to be freed.
            Handover::Install(model) if model.host_rate() != host_rate => Some(model),
            Handover::Install(model) => rack.install_user(free, Some(model)),
            Handover::Unload => rack.install_user(free, None),
        };
        if let Some(old) = replaced {
            self.retire(old);
        }
    }

    /// At activation (off the audio thread): installs the newest waiting model rebuilt for `host_rate`, so that a
    /// session restored before the host chose its rate plays at once. Older waiting models are dropped here,
    /// where freeing is allowed.
    pub fn receive_at_activation(&mut self, rack: &mut ModelRack, host_rate: u32) -> Result<(), BuildError> {
        let mut newest = None;
        while let Ok(handover) = self.handover.pop() {
            newest = Some(handover);
        }
        match newest {
            Some(Handover::Install(mut model)) => {
                model.set_host_rate(host_rate)?;
                rack.install_user(0, Some(model));
            }
            Some(Handover::Unload) => {
                rack.install_user(0, None);
            }
            None => {}
        }
        Ok(())
    }

    fn retire(&mut self, model: Box<ChannelModels>) {
        if let Err(rtrb::PushError::Full(model)) = self.retired.push(model) {
            self.unretired = Some(model);
        }
    }
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
        (slot, AudioEnd { handover: handover_rx, retired: retired_tx, unretired: None })
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
