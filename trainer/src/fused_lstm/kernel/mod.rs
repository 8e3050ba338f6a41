//! The fused LSTM sequence on plain `f32` slices: forward with an optional tape, backward through time.
//!
//! Burn-free, so that the burn op ([`super::burn_op`]), tests and benchmarks share one implementation. Each
//! entry point is compiled once per instruction set with `#[target_feature]` and chosen at run time.

mod backward;
mod forward;
mod layout;
mod pool;
mod weight_grad;

pub use forward::Tape;
use layout::{Layout, PackedWeights, unpack_weight_grads};

use super::simd::{Isa, Portable, Simd};
use super::{HiddenStates, LstmShape};

/// Calls `$entry::{avx512, avx2, generic}` with the token of `$isa` prepended to the arguments: the same body
/// compiled for that instruction set. Falls back to the portable body when the CPU lacks the requested set.
macro_rules! match_isa {
    ($isa:expr, $entry:ident($($arg:expr),* $(,)?)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            use $crate::fused_lstm::simd::{Avx2, Avx512};
            // SAFETY: a token proves that the CPU has the features its entry point is compiled with.
            match ($isa, Avx512::detect(), Avx2::detect()) {
                (Isa::Avx512, Some(token), _) => unsafe { $entry::avx512(token, $($arg),*) },
                (Isa::Avx2, _, Some(token)) => unsafe { $entry::avx2(token, $($arg),*) },
                _ => $entry::generic(Portable, $($arg),*),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = $isa;
            $entry::generic(Portable, $($arg),*)
        }
    }};
}

/// Declares `$name::{generic, avx512, avx2}`: one body, compiled once per instruction set; `$s` names the
/// instruction-set token inside the body.
macro_rules! entry_points {
    ($name:ident <$($lt:lifetime),*> ($s:ident; $($arg:ident : $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[inline(always)]
            pub(super) fn generic<$($lt,)* S: Simd>($s: S, $($arg: $ty),*) -> $ret $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx2,fma")]
            pub(super) fn avx512<$($lt),*>($s: $crate::fused_lstm::simd::Avx512, $($arg: $ty),*) -> $ret {
                generic($s, $($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            pub(super) fn avx2<$($lt),*>($s: $crate::fused_lstm::simd::Avx2, $($arg: $ty),*) -> $ret {
                generic($s, $($arg),*)
            }
        }
    };
}

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
    isa: Isa,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
) -> Vec<f32> {
    run_forward(isa, shape, params, input, hidden_states, false).0
}

/// [`forward`], keeping the tape that [`backward`] needs (~`steps x batch x 7H` floats).
pub fn forward_with_tape(
    isa: Isa,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
) -> (Vec<f32>, Tape) {
    run_forward(isa, shape, params, input, hidden_states, true)
}

fn run_forward(
    isa: Isa,
    shape: LstmShape,
    params: LstmParams<'_>,
    input: SequenceInput<'_>,
    hidden_states: HiddenStates,
    record: bool,
) -> (Vec<f32>, Tape) {
    let layout = Layout::new(shape, isa);
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
    match_isa!(layout.isa, forward_entry(&mut tape, input, copy_out));
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
    let (state, dw, dx) = match_isa!(layout.isa, backward_entry(&mut tape, dh_external, dc, request));
    let unpad = |padded: Vec<f32>| -> Vec<f32> {
        padded.chunks_exact(layout.hp).flat_map(|row| row[..hidden].iter().copied()).collect()
    };
    let (kernel, recurrent, bias) = unpack_weight_grads(&layout, &dw);
    LstmGrads { x: dx, kernel, recurrent, bias, h0: state.h0.map(unpad), c0: unpad(state.c0) }
}

entry_points!(forward_entry<'a, 'b>(s; tape: &'a mut Tape, input: SequenceInput<'b>, each: impl FnMut(usize, &Tape)) -> () {
    forward::run(s, tape, input.x, input.h0, input.c0, each)
});

entry_points!(backward_entry<'a, 'b>(
    s;
    tape: &'a mut Tape,
    dh_external: impl Fn(usize) -> Option<&'b [f32]>,
    dc: Vec<f32>,
    request: GradRequest,
) -> (backward::StateGrads, Vec<f32>, Option<Vec<f32>>) {
    // The weight gradient of each step runs right after its dZ is written, while dZ and the step's inputs are
    // still in L1/L2, instead of streaming the whole ~15 MB tape back from L3 afterwards.
    let mut dw = weight_grad::zeros(&tape.layout);
    let state = backward::run(s, tape, dh_external, dc, request.h0, |t, tape| {
        let batch = tape.layout.shape.batch;
        weight_grad::accumulate(s, tape, &mut dw, t * batch..(t + 1) * batch)
    });
    let dx = request.x.then(|| weight_grad::input_grads(s, tape));
    (state, dw, dx)
});
