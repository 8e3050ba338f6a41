//! BlackBox's engine: the pure DSP shared by the trainer and the plugin.
//!
//! It knows no plugin framework and no ML framework: the trainer exports into [`model`]'s file format and the
//! plugin streams audio through [`lstm`], [`gate`] and [`resample`], then [`tone`], [`loudness`] normalisation
//! and the [`cabinet`] convolution. Everything meant for the audio thread
//! allocates only at construction.

pub mod activation;
pub mod atomic_file;
pub mod cabinet;
pub mod formats;
pub mod gate;
pub mod loudness;
pub mod lstm;
pub mod metrics;
pub mod model;
pub mod network;
pub mod render;
pub mod resample;
pub mod rng;
pub mod simd;
pub mod tone;
pub mod windowed;
