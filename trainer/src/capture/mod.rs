//! Capturing any device: the reamp signal BlackBox writes, and `trainer fit`, which turns a recording of a
//! device playing it (or any dry/wet pair) into a model.
//!
//! The data flows `signal` (what is played) -> `take` (a recording read, checked by `checks` and aligned by
//! `latency`) -> `run` (streaming training on the take's fixed sections, export, report). Anything `fit`
//! cannot trust is a [`CaptureError`] that says what to do, raised before any training starts.

mod checks;
mod error;
pub mod guitar;
pub mod latency;
mod run;
pub mod signal;
mod spec;
mod spectrum;
mod take;

pub use checks::LevelFacts;
pub use error::CaptureError;
pub use run::{CAPTURE_SCHEDULE, CaptureOutcome, CaptureRun, Recipe, prepare, run_capture, slug, verdict};
pub use spec::{OutputSpec, check_knobs};
pub use take::{Alignment, Road, Sections, Take, analyse};
