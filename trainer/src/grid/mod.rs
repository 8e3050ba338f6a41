//! The study's 36-model grid per device and everything needed to run it resumably: which cells, where their
//! files live, one cell's train-evaluate-export job, and the scheduler that runs them two at a time.

mod cell;
mod conditioned;
mod excerpt;
mod job;
mod pair_check;
mod provenance;
mod queue;
mod rebuild;
mod run;
mod store;

pub use conditioned::{ConditionedRun, run_conditioned};
pub use cell::{GridCell, cells, cells_for};
pub use job::{
    GainData, JobSettings, TestTake, export_model, fit_config, fit_streaming, fit_windowed, run_cell,
};
pub use pair_check::{PairCheck, pair_cells, run_pair_check, split_take};
pub use provenance::{STAND_IN_PREFIX, provenance_of};
pub use rebuild::{Rebuilt, ReportRun, rebuild_reports};
pub use run::{GridRun, GridSummary, load_gains, method_report_dir, model_progress_bar, run_grid};
pub use store::{GridStore, write_json_atomic};
