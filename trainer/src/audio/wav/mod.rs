//! Mono WAV files as the study used them: any common PCM depth in, float samples in [-1, 1) out; 24-bit PCM back
//! to disk. A free-text comment travels in a RIFF `LIST`/`INFO`/`ICMT` chunk so that stand-in data says what it
//! is inside the file itself, not only in a README beside it.

mod error;
mod info_chunk;
mod read;
mod write;

pub use error::WavError;
pub use read::{Audio, read_mono};
pub use write::{WriteReport, write_mono_24, write_mono_f32};
