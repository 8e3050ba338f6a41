//! The speaker-cabinet IR: chosen on the GUI (or restored with a session), prepared off the audio thread at the
//! host's rate, handed over without locks.
//!
//! Like [`crate::user_model`], the GUI side reads the WAV, resamples and normalises it and builds one
//! [`Convolver`] per channel; the result goes through a wait-free ring to the audio thread, which crossfades to
//! it and sends the cabinet it replaces back through a second ring to be freed here. With no file chosen the
//! engine's designed cabinet plays (labelled as designed wherever it is shown).

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, RwLock};

use blackbox_engine::cabinet::{CabinetError, Convolver, DESIGNED_LABEL, ImpulseResponse};
use nice_plug::params::persist::PersistentField;

use crate::post::PostStage;
use crate::rack::MAX_CHANNELS;

/// Cabinets the audio thread has not picked up yet; more means the host is not processing.
const PENDING: usize = 4;

/// One convolver per channel, built for one host rate.
pub struct Cabinet {
    pub sample_rate: u32,
    pub convolvers: Vec<Convolver>,
}

impl Cabinet {
    /// Resamples and normalises `ir` for `sample_rate` and builds the convolvers. Allocates.
    pub fn build(ir: &ImpulseResponse, sample_rate: u32) -> Result<Box<Self>, CabinetError> {
        let taps = ir.taps_at(sample_rate)?;
        let convolvers = (0..MAX_CHANNELS).map(|_| Convolver::new(&taps)).collect::<Result<_, _>>()?;
        Ok(Box::new(Cabinet { sample_rate, convolvers }))
    }

    pub fn reset(&mut self) {
        self.convolvers.iter_mut().for_each(Convolver::reset);
    }
}

/// What the GUI shows: the IR in use and the last error.
#[derive(Clone, Debug, Default)]
pub struct CabinetStatus {
    pub description: String,
    pub error: Option<String>,
}

struct LoaderEnd {
    handover: rtrb::Producer<Box<Cabinet>>,
    retired: rtrb::Consumer<Box<Cabinet>>,
}

/// The audio thread's ends of the handover.
pub struct CabinetAudioEnd {
    handover: rtrb::Consumer<Box<Cabinet>>,
    retired: rtrb::Producer<Box<Cabinet>>,
    /// A replaced cabinet the retire ring had no room for; kept rather than freed on the audio thread.
    unretired: Option<Box<Cabinet>>,
}

impl CabinetAudioEnd {
    /// Between blocks, on the audio thread: takes a newly built cabinet when no crossfade is running, and sends
    /// replaced ones back for freeing. Neither allocates nor frees.
    pub fn receive(&mut self, post: &mut PostStage, host_rate: u32) {
        if let Some(old) = self.unretired.take() {
            self.retire(old);
        }
        if let Some(done) = post.take_finished() {
            self.retire(done);
        }
        if self.unretired.is_some() || post.cabinet_busy() {
            return;
        }
        let Ok(cabinet) = self.handover.pop() else {
            return;
        };
        if cabinet.sample_rate != host_rate {
            // Built before the host changed rate; activation has already built the current one.
            self.retire(cabinet);
        } else if let Some(old) = post.install_cabinet(cabinet) {
            self.retire(old);
        }
    }

    fn retire(&mut self, cabinet: Box<Cabinet>) {
        if let Err(rtrb::PushError::Full(cabinet)) = self.retired.push(cabinet) {
            self.unretired = Some(cabinet);
        }
    }
}

/// Persisted with the plugin state as the IR file's path ("" for the designed cabinet).
pub struct CabinetSlot {
    path: RwLock<String>,
    /// The chosen file's response at its own rate; `None` plays the designed cabinet.
    file: RwLock<Option<ImpulseResponse>>,
    /// The rate the audio thread runs at, known from activation on; 0 before.
    host_rate: AtomicU32,
    loader: Mutex<LoaderEnd>,
    status: RwLock<CabinetStatus>,
}

impl CabinetSlot {
    pub fn new() -> (Self, CabinetAudioEnd) {
        let (handover_tx, handover_rx) = rtrb::RingBuffer::new(PENDING);
        let (retired_tx, retired_rx) = rtrb::RingBuffer::new(2 * PENDING + 2);
        let slot = CabinetSlot {
            path: RwLock::new(String::new()),
            file: RwLock::new(None),
            host_rate: AtomicU32::new(0),
            loader: Mutex::new(LoaderEnd { handover: handover_tx, retired: retired_rx }),
            status: RwLock::new(CabinetStatus { description: designed_description(), error: None }),
        };
        (slot, CabinetAudioEnd { handover: handover_rx, retired: retired_tx, unretired: None })
    }

    pub fn path(&self) -> String {
        self.path.read().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn status(&self) -> CabinetStatus {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Reads the IR at `path` and, once the host rate is known, hands it to the audio thread. On failure
    /// nothing changes except the error shown.
    pub fn load(&self, path: &Path) -> Result<(), String> {
        let result = ImpulseResponse::from_wav_file(path)
            .map_err(|e| e.to_string())
            .and_then(|ir| self.send_built(&ir).map(|()| ir));
        match result {
            Ok(ir) => {
                self.set_status(CabinetStatus { description: ir.describe(), error: None });
                set(&self.path, path.display().to_string());
                set(&self.file, Some(ir));
                Ok(())
            }
            Err(error) => {
                if let Ok(mut status) = self.status.write() {
                    status.error = Some(error.clone());
                }
                Err(error)
            }
        }
    }

    /// Goes back to the built-in designed cabinet.
    pub fn use_designed(&self) {
        let rate = self.host_rate.load(Ordering::Relaxed);
        if rate > 0
            && let Err(error) =
                ImpulseResponse::designed(rate).map_err(|e| e.to_string()).and_then(|ir| self.send_built(&ir))
        {
            if let Ok(mut status) = self.status.write() {
                status.error = Some(error);
            }
            return;
        }
        set(&self.path, String::new());
        set(&self.file, None);
        self.set_status(CabinetStatus { description: designed_description(), error: None });
    }

    /// The cabinet for a new activation at `rate`, built here on the activating thread. Cabinets still waiting
    /// in the ring were built for the old rate; the audio thread drops them back when it sees their rate.
    pub fn prepare(&self, rate: u32) -> Option<Box<Cabinet>> {
        self.host_rate.store(rate, Ordering::Relaxed);
        self.collect_retired();
        let file = self.file.read().ok().and_then(|f| f.clone());
        let built = match &file {
            Some(ir) => Cabinet::build(ir, rate),
            None => ImpulseResponse::designed(rate).and_then(|ir| Cabinet::build(&ir, rate)),
        };
        match built {
            Ok(cabinet) => Some(cabinet),
            Err(error) => {
                if let Ok(mut status) = self.status.write() {
                    status.error = Some(error.to_string());
                }
                None
            }
        }
    }

    /// Frees cabinets the audio thread has let go of.
    pub fn collect_retired(&self) {
        if let Ok(mut loader) = self.loader.lock() {
            while loader.retired.pop().is_ok() {}
        }
    }

    fn send_built(&self, ir: &ImpulseResponse) -> Result<(), String> {
        let rate = self.host_rate.load(Ordering::Relaxed);
        if rate == 0 {
            // Not active yet: activation builds it at the rate it learns then.
            return Ok(());
        }
        let cabinet = Cabinet::build(ir, rate).map_err(|e| e.to_string())?;
        self.collect_retired();
        let mut loader = self.loader.lock().map_err(|_| "the IR loader is unavailable".to_owned())?;
        loader.handover.push(cabinet).map_err(|_| {
            format!(
                "{PENDING} IRs are already waiting for the audio thread; start playback in the host, then try again"
            )
        })
    }

    fn set_status(&self, status: CabinetStatus) {
        set(&self.status, status);
    }
}

fn set<T>(lock: &RwLock<T>, value: T) {
    if let Ok(mut guard) = lock.write() {
        *guard = value;
    }
}

fn designed_description() -> String {
    DESIGNED_LABEL.to_owned()
}

/// Restoring a session reloads its IR file; a file that has gone missing keeps its path (so saving again does
/// not lose it) and is shown as missing while the designed cabinet plays.
impl<'a> PersistentField<'a, String> for CabinetSlot {
    fn set(&self, path: String) {
        if path.is_empty() {
            self.use_designed();
        } else if let Err(error) = self.load(Path::new(&path)) {
            self.use_designed();
            set(&self.path, path);
            self.set_status(CabinetStatus { description: designed_description(), error: Some(error) });
        }
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&String) -> R,
    {
        f(&self.path())
    }
}
