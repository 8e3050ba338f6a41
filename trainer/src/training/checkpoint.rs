use std::path::{Path, PathBuf};

use blackbox_engine::atomic_file::write_atomically;
use blackbox_engine::model::LstmWeights;
use serde::{Deserialize, Serialize};

use super::EarlyStopping;
use super::History;

const MAGIC: &[u8; 8] = b"BBXCKPT1";

/// Everything needed to continue training a model exactly where it stopped, written after every epoch.
///
/// The batch order of epoch `k` is drawn from a generator seeded by `(seed, k)`, so the random state is fully
/// described by `seed` and `epochs_done` and a resumed run shuffles exactly as an uninterrupted one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The model's study name; a checkpoint of another model is never resumed.
    pub name: String,
    pub seed: u64,
    pub epochs_done: usize,
    pub history: History,
    pub early_stopping: EarlyStopping,
    /// Wall-clock seconds spent training so far (not counting time the process was not running).
    pub train_seconds: f64,
    pub weights: LstmWeights,
    pub best_weights: LstmWeights,
    /// The optimizer's state (Adam moments and step count) as the training framework serialises it.
    pub optimizer: Vec<u8>,
    /// Set once training has stopped (early stopping or the epoch cap); evaluation and export may still follow.
    pub finished: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a readable checkpoint ({reason}); delete it to restart this model from scratch")]
    Corrupt { path: PathBuf, reason: String },
}

impl Checkpoint {
    /// Writes atomically: a killed process leaves either the previous checkpoint or this one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), CheckpointError> {
        let payload = bincode::serde::encode_to_vec(self, bincode::config::standard())
            .map_err(|e| CheckpointError::Corrupt { path: path.to_owned(), reason: e.to_string() })?;
        let mut bytes = Vec::with_capacity(MAGIC.len() + 4 + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        write_atomically(path, &bytes).map_err(|source| CheckpointError::Io { path: path.to_owned(), source })
    }

    /// `Ok(None)` when there is no checkpoint yet.
    pub fn load(path: &Path) -> Result<Option<Self>, CheckpointError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CheckpointError::Io { path: path.to_owned(), source }),
        };
        let corrupt = |reason: &str| CheckpointError::Corrupt { path: path.to_owned(), reason: reason.to_owned() };
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(corrupt("bad header"));
        }
        let stored = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        let payload = &bytes[12..];
        if crc32fast::hash(payload) != stored {
            return Err(corrupt("checksum mismatch"));
        }
        let (checkpoint, _): (Checkpoint, usize) =
            bincode::serde::decode_from_slice(payload, bincode::config::standard()).map_err(|e| corrupt(&e.to_string()))?;
        Ok(Some(checkpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkpoint() -> Checkpoint {
        let mut early_stopping = EarlyStopping::new(15);
        early_stopping.observe(0, 0.5);
        Checkpoint {
            name: "model_Low_64_0.01_44_0".into(),
            seed: 25,
            epochs_done: 1,
            history: History { loss: vec![0.7], val_loss: vec![0.5], ..History::default() },
            early_stopping,
            train_seconds: 12.5,
            weights: LstmWeights::zeros(1, 4),
            best_weights: LstmWeights::zeros(1, 4),
            optimizer: vec![1, 2, 3],
            finished: false,
        }
    }

    #[test]
    fn a_checkpoint_round_trips_and_replaces_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ckpt/model.ckpt");
        assert_eq!(Checkpoint::load(&path).unwrap(), None);
        let mut first = checkpoint();
        first.save(&path).unwrap();
        first.epochs_done = 2;
        first.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), Some(first));
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn a_damaged_checkpoint_is_reported_not_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.ckpt");
        checkpoint().save(&path).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let err = Checkpoint::load(&path).unwrap_err();
        assert!(err.to_string().contains("delete it to restart"), "{err}");
    }
}
