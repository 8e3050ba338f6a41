//! The fused LSTM-sequence operation: a whole window through one LSTM layer as a single burn op with its own
//! hand-written backward pass.
//!
//! Stock `burn::nn::Lstm` runs ~5.6x slower than PyTorch's CPU LSTM here: ~40 % of its time goes to scalar
//! `exp`/`tanh` and to slicing gradient-tracked tensors step by step, whose backward grows with the window
//! length squared. This op keeps the sequence inside one call: per step one product for all four gates
//! (weights `[inputs, 4H]` and `[H, 4H]` in Keras' gate order i, f, c, o, as in the engine's `LstmWeights`, so
//! export is a copy), the engine's SIMD activations (the very ones the plugin plays with), a tape of gates and cell states, and backpropagation through time on
//! that tape.
//!
//! - [`kernel`]: the burn-free implementation on `f32` slices, written on `blackbox_engine::simd`.
//! - [`lstm_sequence`]: the burn entry point, differentiable through `Autodiff<Flex>`.
//!
//! Measured with `trainer bench` (one thread, batch 64, 74,862 windows + Adam, per CPU second on the 2-core
//! Zen 5 development machine): 7,600 windows/s at ctx 88 / hidden 96 and 31,700 at ctx 44 / hidden 64, against
//! 1,040 and 3,070 for stock `burn::nn::Lstm` and PyTorch's 5,385 and 15,300. The kernel alone runs at
//! ~150 GFLOP/s (`trainer bench --kernel`); burn's own ops and Adam cost under 1 % of an epoch.
//!
//! Streaming training (sequence-to-sequence, truncated BPTT) uses [`HiddenStates::All`] and carries
//! [`LstmState`] between calls; gradients then flow into every hidden state and into the initial state.

mod burn_op;
pub mod kernel;
mod sequence;

pub use burn_op::FusedLstmBackend;
pub use sequence::{FusedLstmError, LstmSequenceOutput, LstmState, LstmTensors, lstm_sequence};

/// Sizes of one sequence call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LstmShape {
    pub batch: usize,
    pub steps: usize,
    pub inputs: usize,
    pub hidden: usize,
}

/// Which hidden states the op returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HiddenStates {
    /// Only `h_T`: the study's windowed regressor.
    Last,
    /// `h_1..h_T`: sequence-to-sequence (streaming, truncated BPTT) training.
    All,
}

impl HiddenStates {
    /// Number of hidden states returned for a sequence of `steps`.
    pub fn count(self, steps: usize) -> usize {
        match self {
            HiddenStates::Last => 1,
            HiddenStates::All => steps,
        }
    }
}
