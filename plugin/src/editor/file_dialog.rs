//! The system's file picker, opened on its own thread so the host's GUI thread never blocks on it; where no
//! picker is available (no desktop portal, a headless session) the typed path is the way in.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

#[derive(Default)]
pub struct FileDialog {
    pending: Option<Receiver<Option<PathBuf>>>,
    /// Set when the last attempt came back without a picker having been shown.
    pub unavailable: bool,
}

impl FileDialog {
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Opens the picker in `start` (when it is a folder), offering `extensions`.
    pub fn open(&mut self, title: &str, filter: &str, extensions: &'static [&'static str], start: Option<PathBuf>) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let (title, filter) = (title.to_owned(), filter.to_owned());
        let spawned = std::thread::Builder::new().name("blackbox-file-dialog".into()).spawn(move || {
            let mut dialog = rfd::FileDialog::new().set_title(title).add_filter(filter, extensions);
            if let Some(dir) = start.filter(|d| d.is_dir()) {
                dialog = dialog.set_directory(dir);
            }
            let opened = std::time::Instant::now();
            let picked = dialog.pick_file();
            // A picker that returns at once with nothing was never shown.
            let _ = tx.send(picked.or_else(|| (opened.elapsed().as_millis() < 150).then(|| PathBuf::from(""))));
        });
        if spawned.is_ok() {
            self.pending = Some(rx);
            self.unavailable = false;
        } else {
            self.unavailable = true;
        }
    }

    /// The picked file, once the picker has closed with one.
    pub fn poll(&mut self) -> Option<PathBuf> {
        let rx = self.pending.as_ref()?;
        match rx.try_recv() {
            Ok(picked) => {
                self.pending = None;
                match picked {
                    Some(path) if path.as_os_str().is_empty() => {
                        self.unavailable = true;
                        None
                    }
                    other => other,
                }
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.pending = None;
                self.unavailable = true;
                None
            }
        }
    }
}
