//! The fused LSTM sequence on plain `f32` slices: forward with an optional tape, backward through time.
//!
//! Burn-free, so that the burn op ([`super::burn_op`]), tests and benchmarks share one implementation. The
//! forward and backward passes are [`SimdOp`]s: `Kernel::run` compiles each once per instruction set and picks
//! one at run time.

mod backward;
mod forward;
mod layout;
mod pool;
mod weight_grad;

pub use forward::Tape;
use layout::{Layout, PackedWeights, unpack_weight_grads};

use blackbox_engine::simd::{Kernel, Simd, SimdOp};

use super::{HiddenStates, LstmShape};

/// Weights in Keras' layout (see `blackbox_engine::model::LstmWeights`): `kernel [inputs, 4H]`,
/// `recurrent [H, 4H]`, `bias [4H]`, gates (i, f, c, o), row-major.
#[derive(Clone, Copy, Debug)]
pub struct LstmParams<'a> {
    pub kernel: &'a [f32],
    pub recurrent: &'a [f32],
    pub bias: &'a [f32],
}

/// One forward call's data. `x` is batch-major `[batch, steps, inputs]`; `h0`, `c0` are `[batch, hidden]`
/// (zero when absent).
#[derive(Clone, Copy, Debug)]
pub struct SequenceInput<'a> {
    pub x: &'a [f32],
    pub h0: Option<&'a [f32]>,
    pub c0: Option<&'a [f32]>,
}

/// Gradients of one backward call, in the layouts of the inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmGrads {
    /// `[batch, steps, inputs]`, when asked for.
    pub x: Option<Vec<f32>>,
    pub kernel: Vec<f32>,
    pub recurrent: Vec<f32>,
    pub bias: Vec<f32>,
    /// `[batch, hidden]`, when asked for.
    pub h0: Option<Vec<f32>>,
    /// `[batch, hidden]`.
    pub c0: Vec<f32>,
}

/// Which input gradients to compute; the weight gradients are always computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GradRequest {
    pub x: bool,
    pub h0: bool,
}

/// Runs the sequence without keeping a tape (inference). Returns the packed output `[batch, S + 1, hidden]`:
/// rows `0..S` the hidden states (`S = 1`, the last one, or `S = steps`, every one), row `S` the final cell
/// state. Sizes must match `shape` (the callers validate them; a mismatch panics).
pub fn forward(
    kernel: Kernel,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
) -> Vec<f32> {
    run_forward(kernel, shape, params, input, hidden_states, false).0
}

/// [`forward`], keeping the tape that [`backward`] needs (~`steps x batch x 7H` floats).
pub fn forward_with_tape(
    kernel: Kernel,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
) -> (Vec<f32>, Tape) {
    run_forward(kernel, shape, params, input, hidden_states, true)
}

fn run_forward(
    kernel: Kernel,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
    record: bool,
) -> (Vec<f32>, Tape) {
    let layout = Layout::new(shape, kernel);
    let weights = PackedWeights::pack(&layout, params.kernel, params.recurrent, params.bias);
    let mut tape = Tape::new(layout, weights, record);
    let LstmShape { batch, steps, hidden, .. } = shape;
    let rows = hidden_states.count(steps) + 1;
    let mut packed = vec![0.0f32; batch * rows * hidden];
    let copy_out = |t: usize, tape: &Tape| {
        let slot = match hidden_states {
            HiddenStates::All => t,
            HiddenStates::Last if t + 1 == steps => 0,
            HiddenStates::Last => return,
        };
        let offset = tape.inputs_offset(t + 1);
        for b in 0..batch {
            let h = &tape.inputs[offset + b * layout.a_stride..][..hidden];
            packed[(b * rows + slot) * hidden..][..hidden].copy_from_slice(h);
        }
    };
    layout.kernel.run(Forward { tape: &mut tape, input, each_state: copy_out });
    let cells = tape.cells_offset(steps);
    for b in 0..batch {
        let c = &tape.cells[cells + b * layout.hp..][..hidden];
        packed[(b * rows + rows - 1) * hidden..][..hidden].copy_from_slice(c);
    }
    (packed, tape)
}

/// Backpropagates `packed_grad` (the gradient of [`forward`]'s packed output, same shape) through the tape.
pub fn backward(mut tape: Tape, packed_grad: &[f32], hidden_states: HiddenStates, request: GradRequest) -> LstmGrads {
    let layout = tape.layout;
    let LstmShape { batch, steps, hidden, .. } = layout.shape;
    let rows = hidden_states.count(steps) + 1;
    assert_eq!(packed_grad.len(), batch * rows * hidden, "output gradient length");
    let padded_row = |slot: usize| {
        let mut out = vec![0.0f32; batch * layout.hp];
        for b in 0..batch {
            out[b * layout.hp..][..hidden].copy_from_slice(&packed_grad[(b * rows + slot) * hidden..][..hidden]);
        }
        out
    };
    let external: Vec<Vec<f32>> = (0..rows - 1).map(padded_row).collect();
    let dc = padded_row(rows - 1);
    let dh_external = |t: usize| match hidden_states {
        HiddenStates::All => external.get(t).map(Vec::as_slice),
        HiddenStates::Last => (t + 1 == steps).then(|| external[0].as_slice()),
    };
    let (state, dw, dx) = layout.kernel.run(Backward { tape: &mut tape, dh_external, dc, request });
    let unpad = |padded: Vec<f32>| -> Vec<f32> {
        padded.chunks_exact(layout.hp).flat_map(|row| row[..hidden].iter().copied()).collect()
    };
    let (kernel, recurrent, bias) = unpack_weight_grads(&layout, &dw);
    LstmGrads { x: dx, kernel, recurrent, bias, h0: state.h0.map(unpad), c0: unpad(state.c0) }
}

struct Forward<'a, 'b, F> {
    tape: &'a mut Tape,
    input: SequenceInput<'b>,
    each_state: F,
}

impl<F: FnMut(usize, &Tape)> SimdOp for Forward<'_, '_, F> {
    type Output = ();
    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let Forward { tape, input, each_state } = self;
        forward::run(s, tape, input.x, input.h0, input.c0, each_state)
    }
}

struct Backward<'a, D> {
    tape: &'a mut Tape,
    dh_external: D,
    dc: Vec<f32>,
    request: GradRequest,
}

impl<'b, D: Fn(usize) -> Option<&'b [f32]>> SimdOp for Backward<'_, D> {
    type Output = (backward::StateGrads, Vec<f32>, Option<Vec<f32>>);
    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> Self::Output {
        let Backward { tape, dh_external, dc, request } = self;
        // The weight gradient of each step runs right after its dZ is written, while dZ and the step's inputs
        // are still in L1/L2, instead of streaming the whole ~15 MB tape back from L3 afterwards.
        let mut dw = weight_grad::zeros(&tape.layout);
        let state = backward::run(s, tape, dh_external, dc, request.h0, |t, tape| {
            let batch = tape.layout.shape.batch;
            weight_grad::accumulate(s, tape, &mut dw, t * batch..(t + 1) * batch)
        });
        let dx = request.x.then(|| weight_grad::input_grads(s, tape));
        (state, dw, dx)
    }
}
