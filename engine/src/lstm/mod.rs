//! The LSTM -> Dense(1) network of a BlackBox model, run sample by sample on the audio thread.
//!
//! [`StreamingLstm`] repacks the Keras-layout [`crate::model::LstmWeights`] for the best SIMD kernel this CPU
//! offers ([`Kernel`], detected at run time, so the shipped binary needs no `-C target-cpu`). Every kernel is
//! tested against the portable one and against an f64 reference LSTM (`tests/reference_lstm.rs`) within 1e-5.
//!
//! Files: `packed` (weight layout and the order a step reads it), one file per instruction set (`portable`,
//! `avx2`, `avx512`: the single-sequence step and the batched product), `streaming` (the audio-thread API),
//! `batch` (lockstep sequences for [`crate::windowed`]).

mod aligned;
#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod batch;
mod kernel;
mod packed;
mod portable;
mod streaming;

pub(crate) use batch::{BATCH, BatchLstm};
pub(crate) use portable::update_state;
pub use kernel::Kernel;
pub use streaming::StreamingLstm;
