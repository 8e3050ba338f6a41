//! The `.bbx` model file: a one-layer LSTM -> Dense(1) and everything known about how it was made.
//!
//! Layout on disk (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `BLKBOXM\0` |
//! | 8..10 | format version (u16) |
//! | 10..14 | payload length in bytes (u32) |
//! | 14..18 | CRC-32 of the payload |
//! | 18.. | payload: `bincode` (standard config) of [`ModelFile`] via serde |
//!
//! Version 2 added the conditioned model's knob names and the training recipe; version 1 files still load.
//!
//! The checksum turns a bit flip anywhere in the payload into a clear error rather than a model that plays
//! subtly wrong; the length bound keeps a hostile file from asking for gigabytes.

mod architecture;
mod device;
mod error;
mod file;
mod legacy;
mod metadata;
mod setting;
mod stability;
mod weights;

pub use error::ModelError;
pub use file::{FORMAT_VERSION, MAGIC, MAX_PAYLOAD_BYTES, ModelFile};
pub use architecture::{Architecture, STUDY_ARCHITECTURES};
pub use device::{DEFAULT_MAX_EPOCHS, DSL20H, SD1, STUDY_DEVICES, StudyDevice, device_order, full_name, short_name};
pub use metadata::{CaptureFacts, ModelMetadata, Provenance, SongScore, TrainingMethod, TrainingRecipe};
pub use setting::{Gain, STUDY_KNOB, SettingName};
pub use stability::{STREAMED_MARGIN, STREAMED_RATIO, unstable_when_streamed};
pub use weights::{GATES, LstmWeights, MAX_HIDDEN, MAX_INPUTS};
