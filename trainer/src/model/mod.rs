//! The study's regressor: one LSTM layer reading a window, its last hidden state through `Dense(1)`, linear
//! output — as a burn module whose LSTM is the fused op.
//!
//! The parameters are stored in Keras' layout (the engine's `LstmWeights`), so export is a copy and a Keras
//! model's weights load unchanged.

mod convert;
pub mod init;
mod stock;

use burn::module::{Module, Param, ParamId};
use burn::tensor::{Device, Tensor, TensorData};

pub use convert::ConvertError;
pub use stock::{KerasGrads, StockLstmRegressor};

use crate::fused_lstm::{FusedLstmError, HiddenStates, LstmState, LstmTensors, lstm_sequence};
use init::{glorot_uniform, orthogonal, unit_forget_bias};

use blackbox_engine::rng::SeededRng;

/// Sizes of a [`StudyLstm`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StudyLstmConfig {
    /// Values per time step: 1 (audio) in the study, 2 with a gain input.
    pub input_size: usize,
    /// LSTM units: 64 or 96 in the study.
    pub hidden_size: usize,
}

/// LSTM -> last hidden state -> Dense(1).
#[derive(Module, Debug)]
pub struct StudyLstm {
    /// `[inputs, 4H]`, gates (i, f, c, o).
    pub kernel: Param<Tensor<2>>,
    /// `[H, 4H]`.
    pub recurrent: Param<Tensor<2>>,
    /// `[4H]`.
    pub bias: Param<Tensor<1>>,
    /// `[H, 1]`.
    pub dense: Param<Tensor<2>>,
    /// `[1]`.
    pub dense_bias: Param<Tensor<1>>,
}

impl StudyLstmConfig {
    /// Keras' default initialisation, drawn from `seed`: glorot-uniform kernel, orthogonal recurrent kernel,
    /// zero bias with forget-gate bias 1, glorot-uniform dense kernel, zero dense bias.
    pub fn init(&self, seed: u64, device: &Device) -> StudyLstm {
        let (inputs, hidden) = (self.input_size, self.hidden_size);
        let mut rng = SeededRng::new(seed);
        let kernel = glorot_uniform(&mut rng, inputs, 4 * hidden);
        let recurrent = orthogonal(&mut rng, hidden, 4 * hidden);
        let dense = glorot_uniform(&mut rng, hidden, 1);
        StudyLstm::from_parts([kernel, recurrent, unit_forget_bias(hidden), dense, vec![0.0]], inputs, hidden, device)
    }
}

impl StudyLstm {
    /// Builds the module from Keras-layout values (sizes already checked).
    fn from_parts(values: [Vec<f32>; 5], inputs: usize, hidden: usize, device: &Device) -> StudyLstm {
        let [kernel, recurrent, bias, dense, dense_bias] = values;
        // Fixed parameter ids: the optimizer's state is keyed by them, so a model rebuilt from a checkpoint's
        // weights must carry the same ids for the restored Adam moments to find their parameters again.
        let matrix = |id: u64, v: Vec<f32>, rows: usize, cols: usize| {
            Param::initialized(ParamId::from(id), Tensor::<2>::from_data(TensorData::new(v, [rows, cols]), device))
                .set_require_grad(true)
        };
        let vector = |id: u64, v: Vec<f32>| {
            let len = v.len();
            Param::initialized(ParamId::from(id), Tensor::<1>::from_data(TensorData::new(v, [len]), device))
                .set_require_grad(true)
        };
        StudyLstm {
            kernel: matrix(1, kernel, inputs, 4 * hidden),
            recurrent: matrix(2, recurrent, hidden, 4 * hidden),
            bias: vector(3, bias),
            dense: matrix(4, dense, hidden, 1),
            dense_bias: vector(5, dense_bias),
        }
    }

    pub fn input_size(&self) -> usize {
        self.kernel.dims()[0]
    }

    pub fn hidden_size(&self) -> usize {
        self.recurrent.dims()[0]
    }

    fn lstm_tensors(&self) -> LstmTensors {
        LstmTensors { kernel: self.kernel.val(), recurrent: self.recurrent.val(), bias: self.bias.val() }
    }

    /// Windows `[batch, ctx, inputs]` to predictions `[batch, 1]`, each window from zero state (the study).
    pub fn forward(&self, windows: Tensor<3>) -> Result<Tensor<2>, FusedLstmError> {
        let out = lstm_sequence(windows, &self.lstm_tensors(), None, HiddenStates::Last)?;
        Ok(out.last_hidden().matmul(self.dense.val()) + self.dense_bias.val().unsqueeze::<2>())
    }

    /// A segment `[batch, steps, inputs]` to a prediction per step `[batch, steps, 1]`, from `state` (zero
    /// when `None`); returns the state to carry into the next segment (streaming, truncated BPTT training).
    pub fn forward_sequence(
        &self,
        segment: Tensor<3>,
        state: Option<LstmState>,
    ) -> Result<(Tensor<3>, LstmState), FusedLstmError> {
        let out = lstm_sequence(segment, &self.lstm_tensors(), state, HiddenStates::All)?;
        let [batch, steps, hidden] = out.hidden_states().dims();
        let flat = out.hidden_states().reshape([batch * steps, hidden]);
        let y = flat.matmul(self.dense.val()) + self.dense_bias.val().unsqueeze::<2>();
        Ok((y.reshape([batch, steps, 1]), out.final_state()))
    }
}
