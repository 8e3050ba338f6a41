//! The fused sequence as a burn backend extension: a concrete implementation per CPU backend and one autodiff
//! node whose backward is [`kernel::backward`].
//!
//! The op has one output, so the hidden states and the final cell state travel packed in one tensor
//! `[batch, S + 1, hidden]` (see [`kernel::forward`]); [`super::LstmSequenceOutput`] slices it.

// burn-ndarray is deprecated upstream; the `ndarray` feature still asks for it on purpose.
#![cfg_attr(feature = "ndarray", allow(deprecated))]

use std::sync::Arc;

use burn::backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::autodiff::{Autodiff, NodeId};
use burn::backend::{Backend, TensorMetadata, backend_extension, tensor::FloatTensor, try_read_sync};
use burn::tensor::TensorData;

use super::kernel::{self, GradRequest, LstmParams, SequenceInput, Tape};
use blackbox_engine::simd::Kernel;

use super::{HiddenStates, LstmShape};

/// Backends that run the fused LSTM sequence.
#[backend_extension(Flex: cfg(feature = "flex"), NdArray: cfg(feature = "ndarray"), Autodiff: cfg(feature = "autodiff"))]
pub trait FusedLstmBackend: Backend {
    /// `x [batch, steps, inputs]`, `kernel [inputs, 4H]`, `recurrent [H, 4H]`, `bias [4H]`,
    /// `h0`, `c0 [batch, H]` to the packed `[batch, S + 1, H]` output. `all_hidden` selects
    /// [`HiddenStates::All`] (`S = steps`) over [`HiddenStates::Last`] (`S = 1`).
    fn fused_lstm_sequence(
        x: FloatTensor<Self>,
        kernel: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        all_hidden: bool,
    ) -> FloatTensor<Self>;
}

fn hidden_states(all_hidden: bool) -> HiddenStates {
    if all_hidden { HiddenStates::All } else { HiddenStates::Last }
}

/// Reads a CPU tensor into a vector. Flex hands over its buffer without a copy when the tensor is contiguous
/// and not shared.
fn to_vec<B: Backend>(tensor: FloatTensor<B>) -> Vec<f32> {
    let data = try_read_sync(B::float_into_data(tensor))
        .expect("CPU backends read synchronously")
        .expect("reading a CPU tensor cannot fail");
    data.convert::<f32>().try_into_vec::<f32>().expect("converted to f32 above")
}

fn from_vec<B: Backend>(values: Vec<f32>, shape: Vec<usize>, device: &B::Device) -> FloatTensor<B> {
    B::float_from_data(TensorData::new(values, shape), device)
}

/// The sizes of a call, read from the tensors (validated by [`super::lstm_sequence`]).
fn shape_of<B: Backend>(x: &FloatTensor<B>, recurrent: &FloatTensor<B>) -> LstmShape {
    let dims = x.shape();
    LstmShape { batch: dims[0], steps: dims[1], inputs: dims[2], hidden: recurrent.shape()[0] }
}

/// The recording forward pass on a CPU backend's tensors.
fn run_forward<B: Backend>(
    x: FloatTensor<B>,
    weights: [FloatTensor<B>; 3],
    h0: FloatTensor<B>,
    c0: FloatTensor<B>,
    hidden: HiddenStates,
) -> (LstmShape, Vec<f32>, Tape) {
    let [kernel_w, recurrent_w, bias_w] = weights;
    let shape = shape_of::<B>(&x, &recurrent_w);
    let (x, kernel_w, recurrent_w, bias_w) =
        (to_vec::<B>(x), to_vec::<B>(kernel_w), to_vec::<B>(recurrent_w), to_vec::<B>(bias_w));
    let (h0, c0) = (to_vec::<B>(h0), to_vec::<B>(c0));
    let params = LstmParams { kernel: &kernel_w, recurrent: &recurrent_w, bias: &bias_w };
    let input = SequenceInput { x: &x, h0: Some(&h0), c0: Some(&c0) };
    let (packed, tape) = kernel::forward_with_tape(Kernel::best(), shape, params, input, hidden);
    (shape, packed, tape)
}

fn packed_shape(shape: LstmShape, hidden: HiddenStates) -> Vec<usize> {
    vec![shape.batch, hidden.count(shape.steps) + 1, shape.hidden]
}

/// The inference path of a CPU backend: no tape.
fn concrete<B: Backend>(
    x: FloatTensor<B>,
    weights: [FloatTensor<B>; 3],
    h0: FloatTensor<B>,
    c0: FloatTensor<B>,
    all_hidden: bool,
) -> FloatTensor<B> {
    let device = x.device();
    let hidden = hidden_states(all_hidden);
    let [kernel_w, recurrent_w, bias_w] = weights;
    let shape = shape_of::<B>(&x, &recurrent_w);
    let (x, kernel_w, recurrent_w, bias_w) =
        (to_vec::<B>(x), to_vec::<B>(kernel_w), to_vec::<B>(recurrent_w), to_vec::<B>(bias_w));
    let (h0, c0) = (to_vec::<B>(h0), to_vec::<B>(c0));
    let params = LstmParams { kernel: &kernel_w, recurrent: &recurrent_w, bias: &bias_w };
    let input = SequenceInput { x: &x, h0: Some(&h0), c0: Some(&c0) };
    let packed = kernel::forward(Kernel::best(), shape, params, input, hidden);
    from_vec::<B>(packed, packed_shape(shape, hidden), &device)
}

#[cfg(feature = "flex")]
impl FusedLstmBackend for burn::backend::Flex {
    fn fused_lstm_sequence(
        x: FloatTensor<Self>,
        kernel: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        all_hidden: bool,
    ) -> FloatTensor<Self> {
        concrete::<Self>(x, [kernel, recurrent, bias], h0, c0, all_hidden)
    }
}

#[cfg(feature = "ndarray")]
#[allow(deprecated)]
impl FusedLstmBackend for burn::backend::NdArray {
    fn fused_lstm_sequence(
        x: FloatTensor<Self>,
        kernel: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        all_hidden: bool,
    ) -> FloatTensor<Self> {
        concrete::<Self>(x, [kernel, recurrent, bias], h0, c0, all_hidden)
    }
}

/// The backward node: everything it needs is the forward tape (kept behind an `Arc` because burn requires
/// `Clone` state, and a clone of the ~15 MB tape per batch would cost more than the op's own bookkeeping).
#[derive(Debug)]
struct FusedLstmBackward;

#[derive(Clone, Debug)]
struct BackwardState<D> {
    tape: Arc<Tape>,
    hidden: HiddenStates,
    device: D,
}

impl<B: Backend> Backward<B, 6> for FusedLstmBackward {
    type State = BackwardState<B::Device>;

    fn backward(self, ops: Ops<Self::State, 6>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_kernel, node_recurrent, node_bias, node_h0, node_c0] =
            ops.parents.map(|parent| parent.map(|node| node.id));
        let grad = to_vec::<B>(grads.consume::<B>(&ops.node));
        let BackwardState { tape, hidden, device } = ops.state;
        let tape = Arc::try_unwrap(tape).unwrap_or_else(|shared| (*shared).clone());
        let LstmShape { batch, steps, inputs, hidden: units } = tape.shape();
        let request = GradRequest { x: node_x.is_some(), h0: node_h0.is_some() };
        let result = kernel::backward(tape, &grad, hidden, request);
        let mut register = |node: Option<NodeId>, values: Option<Vec<f32>>, shape: Vec<usize>| {
            if let (Some(node), Some(values)) = (node, values) {
                grads.register::<B>(node, from_vec::<B>(values, shape, &device));
            }
        };
        register(node_x, result.x, vec![batch, steps, inputs]);
        register(node_kernel, Some(result.kernel), vec![inputs, 4 * units]);
        register(node_recurrent, Some(result.recurrent), vec![units, 4 * units]);
        register(node_bias, Some(result.bias), vec![4 * units]);
        register(node_h0, result.h0, vec![batch, units]);
        register(node_c0, Some(result.c0), vec![batch, units]);
    }
}

#[cfg(feature = "autodiff")]
impl<B: Backend + FusedLstmBackend, C: CheckpointStrategy> FusedLstmBackend for Autodiff<B, C> {
    fn fused_lstm_sequence(
        x: FloatTensor<Self>,
        kernel: FloatTensor<Self>,
        recurrent: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        h0: FloatTensor<Self>,
        c0: FloatTensor<Self>,
        all_hidden: bool,
    ) -> FloatTensor<Self> {
        let guards = [x.node(), kernel.node(), recurrent.node(), bias.node(), h0.node(), c0.node()];
        let hidden = hidden_states(all_hidden);
        let weights = [kernel.into_primitive(), recurrent.into_primitive(), bias.into_primitive()];
        let (x, h0, c0) = (x.into_primitive(), h0.into_primitive(), c0.into_primitive());
        // Compute-bound: recomputing the sequence to save memory would double the op's cost.
        match FusedLstmBackward.prepare::<C>(guards).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let device = x.device();
                let (shape, packed, tape) = run_forward::<B>(x, weights, h0, c0, hidden);
                let output = from_vec::<B>(packed, packed_shape(shape, hidden), &device);
                prep.finish(BackwardState { tape: Arc::new(tape), hidden, device }, output)
            }
            OpsKind::UnTracked(prep) => {
                let [kernel, recurrent, bias] = weights;
                prep.finish(B::fused_lstm_sequence(x, kernel, recurrent, bias, h0, c0, all_hidden))
            }
        }
    }
}
