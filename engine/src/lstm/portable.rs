//! The LSTM step in plain Rust, written so the compiler vectorises it for whatever the baseline target offers.

use super::batch::BatchInputs;
use super::packed::{LstmState, PackedLstm};
use crate::activation::{sigmoid, tanh};

/// Floats per chunk; equals `Kernel::Portable.layout()`'s 8 x 4.
const CHUNK: usize = 32;

/// One time step: updates `state` from inputs `u` (audio sample, then conditioning) and returns
/// `(output, sum of the cell state)`; either is non-finite when the state has been poisoned.
pub(super) fn step(p: &PackedLstm, state: &mut LstmState, u: &[f32]) -> (f32, f32) {
    let sweep = state.next_sweep();
    let LstmState { h, c, z, .. } = state;
    let (h, c, z) = (h.as_mut_slice(), c.as_mut_slice(), z.as_mut_slice());
    for chunk in sweep.chunks(p) {
        let mut acc = [0.0f32; CHUNK];
        acc.copy_from_slice(&p.bias.as_slice()[chunk.start..chunk.start + CHUNK]);
        for (i, &ui) in u.iter().enumerate().take(p.inputs) {
            let row = &p.input_kernel.as_slice()[i * p.cols + chunk.start..][..CHUNK];
            for (a, &w) in acc.iter_mut().zip(row) {
                *a += ui * w;
            }
        }
        let weights = p.recurrent_chunk(chunk);
        for rows in sweep.segments(p.hidden, CHUNK) {
            let segment = &weights[rows.start * CHUNK..rows.end * CHUNK];
            for (&hk, row) in h[rows].iter().zip(segment.chunks_exact(CHUNK)) {
                for (a, &w) in acc.iter_mut().zip(row) {
                    *a += hk * w;
                }
            }
        }
        z[chunk.start..chunk.start + CHUNK].copy_from_slice(&acc);
    }
    update_state(p.padded, z, c, h);
    (dot(h, p.dense.as_slice()) + p.dense_bias, c.iter().sum())
}

/// `z = bias + x K + h R` for `rows` sequences (`h`: rows x padded, `z`: rows x cols), `p` packed as one chunk.
pub(super) fn batch_gate_products(p: &PackedLstm, rows: usize, inputs: &BatchInputs, h: &[f32], z: &mut [f32]) {
    let weights = p.recurrent.as_slice();
    let rows_of = h.chunks_exact(p.padded).zip(z.chunks_exact_mut(p.cols)).zip(inputs.audio).take(rows);
    for ((h_row, z_row), &x) in rows_of {
        for ((zc, &b), &k) in z_row.iter_mut().zip(inputs.bias).zip(inputs.audio_weights) {
            *zc = x * k + b;
        }
        for (&hk, w_row) in h_row[..inputs.recurrent_rows].iter().zip(weights.chunks_exact(p.cols)) {
            for (zc, &w) in z_row.iter_mut().zip(w_row) {
                *zc += hk * w;
            }
        }
    }
}

/// The gate nonlinearities and the cell update, shared with the batched kernels.
#[inline(always)]
pub(crate) fn update_state(padded: usize, z: &[f32], c: &mut [f32], h: &mut [f32]) {
    let (zi, rest) = z.split_at(padded);
    let (zf, rest) = rest.split_at(padded);
    let (zc, zo) = rest.split_at(padded);
    for j in 0..padded {
        let cell = sigmoid(zf[j]) * c[j] + sigmoid(zi[j]) * tanh(zc[j]);
        c[j] = cell;
        h[j] = sigmoid(zo[j]) * tanh(cell);
    }
}

/// Eight partial sums, so the compiler may vectorise without reordering a single float addition chain.
#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut partial = [0.0f32; 8];
    for (a8, b8) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for l in 0..8 {
            partial[l] += a8[l] * b8[l];
        }
    }
    partial.iter().sum()
}
