//! The LSTM -> Dense(1) network of a BlackBox model, run sample by sample on the audio thread.
//!
//! [`StreamingLstm`] repacks the Keras-layout [`crate::model::LstmWeights`] for the best instruction set this CPU
//! offers ([`crate::simd::Kernel`], detected at run time, so the shipped binary needs no `-C target-cpu`). The step is
//! written once on [`crate::simd`]; every instruction set is tested against the others and against an f64
//! reference LSTM (`tests/reference_lstm.rs`) within 1e-5.
//!
//! Files: `packed` (weight layout and the order a step reads it), `step` (one step of one sequence, and the
//! cell update the other recurrent kernels share), `streaming` (the audio-thread API), `batch` (lockstep
//! sequences for [`crate::windowed`]).

mod aligned;
mod batch;
mod packed;
mod step;
mod streaming;

pub(crate) use batch::{BATCH, BatchLstm};
pub(crate) use step::update_cells;
pub use streaming::StreamingLstm;
