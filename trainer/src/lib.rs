//! BlackBox's trainer: writes stand-in recordings (from the `blackbox-standin` circuits), trains the study's grids, exports models, writes reports.
//!
//! Modules follow the way the data flows: recordings in, windows, training, export, evaluation, reports.

pub mod audio;
pub mod capture;
pub mod cli;
pub mod dataset;
pub mod fused_lstm;
pub mod memory;
pub mod model;
pub mod synth;
pub mod evaluate;
pub mod grid;
pub mod training;
pub mod report;
