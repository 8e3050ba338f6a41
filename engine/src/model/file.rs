use std::path::Path;

use serde::{Deserialize, Serialize};

use super::legacy::ModelFileV1;
use super::{LstmWeights, ModelError, ModelMetadata};

pub const MAGIC: [u8; 8] = *b"BLKBOXM\0";
pub const FORMAT_VERSION: u16 = 2;
/// Version 1 files (before knob names and the recipe) are still read.
const OLDEST_VERSION: u16 = 1;
/// A hidden-1024 model is ~17 MB; nothing legitimate comes near this bound.
pub const MAX_PAYLOAD_BYTES: usize = 64 << 20;
const HEADER_BYTES: usize = 18;

/// A model as stored on disk: weights plus metadata. Only validated values are ever returned by the readers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    pub metadata: ModelMetadata,
    pub weights: LstmWeights,
}

fn bincode_config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_PAYLOAD_BYTES>()
}

impl ModelFile {
    /// Weights and metadata must agree; both must be finite and in range.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.weights.validate()?;
        self.metadata.validate(self.weights.hidden_size, self.weights.input_size)
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelError> {
        self.validate()?;
        let payload = bincode::serde::encode_to_vec(self, bincode_config())
            .map_err(|e| ModelError::Encode(e.to_string()))?;
        let mut bytes = Vec::with_capacity(HEADER_BYTES + payload.len());
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        Ok(bytes)
    }

    /// Parses and validates a model file. Never panics, whatever the bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        if bytes.len() < HEADER_BYTES {
            return Err(ModelError::Truncated { expected: HEADER_BYTES, found: bytes.len() });
        }
        let version = u16::from_le_bytes([bytes[8], bytes[9]]);
        if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(ModelError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
        }
        let length = u32::from_le_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]) as usize;
        let stored = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
        if length > MAX_PAYLOAD_BYTES {
            return Err(ModelError::TooLarge(length));
        }
        let payload = &bytes[HEADER_BYTES..];
        if payload.len() < length {
            return Err(ModelError::Truncated { expected: length, found: payload.len() });
        }
        if payload.len() > length {
            return Err(ModelError::TrailingBytes(payload.len() - length));
        }
        let computed = crc32fast::hash(payload);
        if computed != stored {
            return Err(ModelError::Checksum { stored, computed });
        }
        let decoded = if version == FORMAT_VERSION {
            bincode::serde::decode_from_slice(payload, bincode_config())
        } else {
            bincode::serde::decode_from_slice::<ModelFileV1, _>(payload, bincode_config()).map(|(m, n)| (m.into(), n))
        };
        let (model, used): (ModelFile, usize) = decoded.map_err(|e| ModelError::Decode(e.to_string()))?;
        if used != payload.len() {
            return Err(ModelError::Decode(format!("{} bytes left over after the model", payload.len() - used)));
        }
        model.validate()?;
        Ok(model)
    }

    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io { path: path.to_owned(), source })?;
        Self::from_bytes(&bytes).map_err(|e| match e {
            ModelError::Io { .. } => e,
            other => ModelError::Invalid(format!("{}: {other}", path.display())),
        })
    }

    /// Writes atomically (temporary file, fsync, rename) so a crash never leaves a half-written model behind.
    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let bytes = self.to_bytes()?;
        crate::atomic_file::write_atomically(path, &bytes).map_err(|source| ModelError::Io { path: path.to_owned(), source })
    }
}
