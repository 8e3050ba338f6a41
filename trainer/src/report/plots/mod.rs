//! The figures, one file each, drawn with plotters into PNGs.

mod canvas;
pub mod capture;
pub mod conditioned;
mod font;
mod gain_bands;
mod legend;
pub mod method_comparison;
pub mod model_results;
mod style;
pub mod summary;
pub mod train_val;
pub mod waveform;
