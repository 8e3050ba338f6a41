//! Test-set evaluation of an exported model, in the modes the report compares.
//!
//! Everything here runs the *engine's* code on the exported weights, so the figures describe the file that ships,
//! not the training framework's view of it.

mod knob_sweep;
mod song;

pub use knob_sweep::{TestTone, circuit_thd, model_thd, rms};
pub use song::{SongEvaluation, evaluate_song};
