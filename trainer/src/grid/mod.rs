//! The study's 36-model grid per device and everything needed to run it resumably: which cells, where their
//! files live, one cell's train-evaluate-export job, and the scheduler that runs them two at a time.

mod cell;
mod excerpt;
mod job;
mod provenance;
mod run;
mod store;

pub use cell::{CONTEXTS, GridCell, LEARNING_RATES, UNITS, cells};
pub use job::{GainData, JobSettings, run_cell};
pub use provenance::{STAND_IN_PREFIX, provenance_of};
pub use run::{GridRun, GridSummary, run_grid};
pub use store::GridStore;
