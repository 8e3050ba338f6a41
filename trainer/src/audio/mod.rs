//! Recordings on disk: mono WAV in and out, with the stand-in label kept inside the file.

pub mod wav;

pub use wav::{Audio, WavError, WriteReport, read_mono, write_mono_24, write_mono_f32};
