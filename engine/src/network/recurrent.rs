//! One time step of an LSTM or GRU layer and of a dense layer, written once and compiled for each instruction
//! set through [`Kernel::run`] (the same run-time choice as the SIMD LSTM), so one binary runs the widest
//! vectors each machine has without a hand-written copy per instruction set.
//!
//! The products are `axpy` sweeps over Keras-layout rows (`out += x[k] * row_k`), which every target
//! vectorises; multiplies and adds stay separate (no FMA contraction), so every kernel rounds identically.

use super::layer::{CellKind, DenseLayer, RecurrentLayer};
use crate::activation::{sigmoid, tanh};
use crate::lstm::update_cells;
use crate::simd::{Kernel, Scalar, Simd, SimdOp};

/// A recurrent layer's carried state and its scratch.
#[derive(Clone)]
pub(super) struct CellState {
    pub h: Vec<f32>,
    c: Vec<f32>,
    /// Gate pre-activations from the input side (and, for an LSTM, the recurrent side too).
    gx: Vec<f32>,
    /// A GRU's recurrent-side gate products.
    gh: Vec<f32>,
}

impl CellState {
    pub fn new(layer: &RecurrentLayer) -> Self {
        let cols = layer.gates() * layer.units;
        CellState { h: vec![0.0; layer.units], c: vec![0.0; layer.units], gx: vec![0.0; cols], gh: vec![0.0; cols] }
    }

    pub fn reset(&mut self) {
        self.h.fill(0.0);
        self.c.fill(0.0);
    }

    /// Finite unless the state has been poisoned (an LSTM's cell can run off while its output stays bounded).
    pub fn health(&self) -> f32 {
        self.c.iter().sum::<f32>() + self.h.iter().sum::<f32>()
    }
}

pub(super) fn recurrent_step(kernel: Kernel, layer: &RecurrentLayer, x: &[f32], state: &mut CellState) {
    kernel.run(RecurrentStep { layer, x, state })
}

pub(super) fn dense_step(kernel: Kernel, layer: &DenseLayer, x: &[f32], out: &mut [f32]) {
    kernel.run(DenseStep { layer, x, out })
}

struct RecurrentStep<'a> {
    layer: &'a RecurrentLayer,
    x: &'a [f32],
    state: &'a mut CellState,
}

impl SimdOp for RecurrentStep<'_> {
    type Output = ();
    // The loops are written on scalars: the compiler vectorises them for the instruction set they are compiled
    // for, and they need no padding to a lane count.
    #[inline(always)]
    fn run<S: Simd>(self, _: S) {
        recurrent_impl(self.layer, self.x, self.state)
    }
}

struct DenseStep<'a> {
    layer: &'a DenseLayer,
    x: &'a [f32],
    out: &'a mut [f32],
}

impl SimdOp for DenseStep<'_> {
    type Output = ();
    #[inline(always)]
    fn run<S: Simd>(self, _: S) {
        dense_impl(self.layer, self.x, self.out)
    }
}

#[inline(always)]
fn axpy(acc: &mut [f32], row: &[f32], scale: f32) {
    for (a, &w) in acc.iter_mut().zip(row) {
        *a += scale * w;
    }
}

#[inline(always)]
fn dense_impl(layer: &DenseLayer, x: &[f32], out: &mut [f32]) {
    let n = layer.outputs;
    out[..n].copy_from_slice(&layer.bias);
    for (&xk, row) in x.iter().zip(layer.kernel.chunks_exact(n)) {
        axpy(&mut out[..n], row, xk);
    }
}

#[inline(always)]
fn recurrent_impl(layer: &RecurrentLayer, x: &[f32], state: &mut CellState) {
    let units = layer.units;
    let cols = layer.gates() * units;
    let CellState { h, c, gx, gh } = state;
    gx.copy_from_slice(&layer.bias);
    for (&xk, row) in x.iter().zip(layer.kernel.chunks_exact(cols)) {
        axpy(gx, row, xk);
    }
    match layer.kind {
        CellKind::Lstm => {
            for (&hk, row) in h.iter().zip(layer.recurrent_kernel.chunks_exact(cols)) {
                axpy(gx, row, hk);
            }
            // The streaming LSTM's own cell update: gate blocks of `units`, unpadded here.
            update_cells(Scalar, units, gx, c, h, |_, _, _| {});
        }
        CellKind::Gru => {
            gh.copy_from_slice(&layer.recurrent_bias);
            for (&hk, row) in h.iter().zip(layer.recurrent_kernel.chunks_exact(cols)) {
                axpy(gh, row, hk);
            }
            for j in 0..units {
                let z = sigmoid(gx[j] + gh[j]);
                let r = sigmoid(gx[units + j] + gh[units + j]);
                let n = tanh(gx[2 * units + j] + r * gh[2 * units + j]);
                h[j] = z * h[j] + (1.0 - z) * n;
            }
        }
    }
}
