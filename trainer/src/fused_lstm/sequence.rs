//! The tensor-level entry point: shape checks, then one call of the backend extension.

use burn::backend::Dispatch;
use burn::tensor::Tensor;

use super::HiddenStates;
use super::burn_op::FusedLstmBackend;

/// An LSTM's weights in Keras' layout: `kernel [inputs, 4H]`, `recurrent [H, 4H]`, `bias [4H]`, gates (i, f, c, o).
#[derive(Clone, Debug)]
pub struct LstmTensors {
    pub kernel: Tensor<2>,
    pub recurrent: Tensor<2>,
    pub bias: Tensor<1>,
}

/// A recurrent state, `[batch, hidden]` each: carried between calls when training on streams.
#[derive(Clone, Debug)]
pub struct LstmState {
    pub hidden: Tensor<2>,
    pub cell: Tensor<2>,
}

/// A mismatch between the tensors handed to [`lstm_sequence`].
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FusedLstmError {
    #[error("the input has shape {0:?}; the LSTM needs [batch, steps, inputs] with none of them zero")]
    EmptyInput(Vec<usize>),
    #[error(
        "{name} has shape {found:?}; an input of shape [batch, steps, inputs] = {input:?} with hidden size {hidden} needs {expected:?}"
    )]
    Mismatch { name: &'static str, found: Vec<usize>, expected: Vec<usize>, input: Vec<usize>, hidden: usize },
}

/// The op's output: hidden states and final state, sliced on demand from one packed tensor.
#[derive(Clone, Debug)]
pub struct LstmSequenceOutput {
    packed: Tensor<3>,
    returned: usize,
}

impl LstmSequenceOutput {
    /// `[batch, S, hidden]`: every hidden state (`HiddenStates::All`) or only the last (`S = 1`).
    pub fn hidden_states(&self) -> Tensor<3> {
        let [batch, _, hidden] = self.packed.dims();
        self.packed.clone().slice([0..batch, 0..self.returned, 0..hidden])
    }

    /// `[batch, hidden]`: the hidden state after the last step.
    pub fn last_hidden(&self) -> Tensor<2> {
        let [batch, _, hidden] = self.packed.dims();
        let last = self.returned - 1;
        self.packed.clone().slice([0..batch, last..last + 1, 0..hidden]).reshape([batch, hidden])
    }

    /// The state after the last step, to carry into the next call.
    pub fn final_state(&self) -> LstmState {
        let [batch, _, hidden] = self.packed.dims();
        let cell = self.packed.clone().slice([0..batch, self.returned..self.returned + 1, 0..hidden]);
        LstmState { hidden: self.last_hidden(), cell: cell.reshape([batch, hidden]) }
    }
}

/// Runs a one-layer LSTM over `x` (`[batch, steps, inputs]`, batch-major) from `initial` (zero when `None`).
///
/// Differentiable on an autodiff device with respect to every tensor argument; the backward pass is the
/// fused kernel's hand-written backpropagation through time.
pub fn lstm_sequence(
    x: Tensor<3>,
    weights: &LstmTensors,
    initial: Option<LstmState>,
    hidden_states: HiddenStates,
) -> Result<LstmSequenceOutput, FusedLstmError> {
    let [batch, steps, inputs] = x.dims();
    if batch == 0 || steps == 0 || inputs == 0 {
        return Err(FusedLstmError::EmptyInput(vec![batch, steps, inputs]));
    }
    let hidden = weights.recurrent.dims()[0];
    let input = vec![batch, steps, inputs];
    let check = |name: &'static str, found: Vec<usize>, expected: Vec<usize>| {
        if found == expected && hidden > 0 {
            Ok(())
        } else {
            Err(FusedLstmError::Mismatch { name, found, expected, input: input.clone(), hidden })
        }
    };
    check("kernel", weights.kernel.dims().to_vec(), vec![inputs, 4 * hidden])?;
    check("recurrent kernel", weights.recurrent.dims().to_vec(), vec![hidden, 4 * hidden])?;
    check("bias", weights.bias.dims().to_vec(), vec![4 * hidden])?;
    let device = x.device();
    let state = match initial {
        Some(state) => {
            check("initial hidden state", state.hidden.dims().to_vec(), vec![batch, hidden])?;
            check("initial cell state", state.cell.dims().to_vec(), vec![batch, hidden])?;
            state
        }
        None => {
            LstmState { hidden: Tensor::zeros([batch, hidden], &device), cell: Tensor::zeros([batch, hidden], &device) }
        }
    };
    let packed = <Dispatch as FusedLstmBackend>::fused_lstm_sequence(
        x.into_dispatch(),
        weights.kernel.clone().into_dispatch(),
        weights.recurrent.clone().into_dispatch(),
        weights.bias.clone().into_dispatch(),
        state.hidden.into_dispatch(),
        state.cell.into_dispatch(),
        hidden_states == HiddenStates::All,
    );
    Ok(LstmSequenceOutput { packed: Tensor::from_dispatch(packed), returned: hidden_states.count(steps) })
}
