//! One LSTM time step, written once over [`Simd`] and compiled for each instruction set by [`Kernel::run`].
//!
//! Each chunk's gate columns (up to 384 with AVX-512: all of hidden 96) live in register accumulators for the
//! whole matrix-vector product; the loop over `k` broadcasts `h[k]` and streams row `k` once with one FMA per
//! vector. The recurrent matrix (147 KB at hidden 96) does not fit a 48 KB L1, so this loop runs at the speed
//! L2 delivers lines: measured on the 2-core Zen 5 at 3.9 GHz, about 47 bytes per cycle, 3150 cycles for
//! hidden 96 read front to back, 2430 with the alternating [`Sweep`] (which finds ~40 KB still in L1), against
//! 1150 cycles of FMAs. Software prefetching and several interleaved row streams measured no faster.

use super::packed::{Chunk, LstmState, PackedLstm, Sweep};
use crate::simd::math::{sigmoid, tanh};
use crate::simd::{Kernel, Simd};

/// (floats per vector, accumulator vectors per chunk) for [`PackedLstm::new`] on `kernel`.
///
/// AVX-512 has 32 zmm registers: 24 accumulators cover hidden 96's 384 gate columns in one pass and leave room
/// for the broadcast and the loads. AVX2 has 16 ymm: 12 accumulators. The portable kernel's 32-float chunk is
/// 8 SSE or NEON registers.
pub(super) fn layout(kernel: Kernel) -> (usize, usize) {
    match kernel {
        Kernel::Portable => (8, 4),
        Kernel::Avx2Fma => (8, 12),
        Kernel::Avx512 => (16, 24),
    }
}

/// One time step from inputs `u` (audio sample, then conditioning): the gate pre-activations
/// `z = bias + u K + h R`, then the cell update and the Dense(1) output. Returns `(output, sum of the cell
/// state)`; either is non-finite when the state has been poisoned. `p` must have been packed with [`layout`] of
/// the kernel that runs it.
#[inline(always)]
pub(super) fn step<S: Simd>(s: S, p: &PackedLstm, state: &mut LstmState, u: &[f32]) -> (f32, f32) {
    let sweep = state.next_sweep();
    let LstmState { h, c, z, .. } = state;
    for chunk in sweep.chunks(p) {
        let (h, z) = (h.as_slice(), z.as_mut_slice());
        // Chunk widths are multiples of 4 vectors (4 gates x whole vectors of padded units).
        match chunk.width / S::LANES {
            4 => gate_products::<S, 4>(s, p, chunk, sweep, u, h, z),
            8 => gate_products::<S, 8>(s, p, chunk, sweep, u, h, z),
            12 => gate_products::<S, 12>(s, p, chunk, sweep, u, h, z),
            16 => gate_products::<S, 16>(s, p, chunk, sweep, u, h, z),
            20 => gate_products::<S, 20>(s, p, chunk, sweep, u, h, z),
            _ => gate_products::<S, 24>(s, p, chunk, sweep, u, h, z),
        }
    }
    update_with_output(s, p, z.as_slice(), c.as_mut_slice(), h.as_mut_slice())
}

/// `z[chunk] = bias + u K + h R` for one chunk of `N` vectors.
#[inline(always)]
fn gate_products<S: Simd, const N: usize>(
    s: S,
    p: &PackedLstm,
    chunk: Chunk,
    sweep: Sweep,
    u: &[f32],
    h: &[f32],
    z: &mut [f32],
) {
    let lanes = S::LANES;
    // How much the compiler is told about the width decides how it walks the rows, and the two instruction sets
    // want opposite things (Zen 5, `--example bench`): told the exact width, LLVM uses one pointer with negative
    // offsets from each row's end, which ran AVX-512 hidden 96 about 10 % slower (27.8x against 30.4x real time)
    // than indexing each row from its start, which it does when only `>=` is known; AVX2 is 3 % faster the
    // other way (hidden 64 47.2x against 45.7x).
    if S::REGISTERS >= 32 {
        assert!(chunk.width >= N * lanes, "a chunk packed for another vector width");
    } else {
        assert_eq!(chunk.width, N * lanes, "a chunk packed for another vector width");
    }
    let bias = &p.bias.as_slice()[chunk.start..chunk.start + chunk.width];
    let weights = p.recurrent_chunk(chunk);
    let out = &mut z[chunk.start..chunk.start + chunk.width];
    // SAFETY: every pointer below stays inside a slice whose length was checked against `chunk.width` (`N`
    // vectors) by the slicing above, and the rows come from `chunks_exact(chunk.width)`.
    unsafe {
        let mut acc = [s.splat(0.0); N];
        for (v, a) in acc.iter_mut().enumerate() {
            *a = s.load(bias.as_ptr().add(v * lanes));
        }
        for (i, &ui) in u.iter().enumerate().take(p.inputs) {
            let row = &p.input_kernel.as_slice()[i * p.cols + chunk.start..][..chunk.width];
            let ui = s.splat(ui);
            for (v, a) in acc.iter_mut().enumerate() {
                *a = s.mul_add(ui, s.load(row.as_ptr().add(v * lanes)), *a);
            }
        }
        for rows in sweep.segments(p.hidden, chunk.width) {
            let segment = &weights[rows.start * chunk.width..rows.end * chunk.width];
            for (&hk, row) in h[rows].iter().zip(segment.chunks_exact(chunk.width)) {
                let hk = s.splat(hk);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = s.mul_add(hk, s.load(row.as_ptr().add(v * lanes)), *a);
                }
            }
        }
        for (v, a) in acc.iter().enumerate() {
            s.store(out.as_mut_ptr().add(v * lanes), *a);
        }
    }
}

/// The cell update of a packed LSTM plus its Dense(1) output; returns `(output, sum of the cell state)`.
#[inline(always)]
pub(super) fn update_with_output<S: Simd>(s: S, p: &PackedLstm, z: &[f32], c: &mut [f32], h: &mut [f32]) -> (f32, f32) {
    let dense = &p.dense.as_slice()[..p.padded];
    let (mut y, mut cell_sum) = (s.splat(0.0), s.splat(0.0));
    update_cells(s, p.padded, z, c, h, |j, out, cell| {
        // SAFETY: `update_cells` visits vector starts `j` with `j + LANES <= padded`, the length of `dense`.
        y = s.mul_add(out, unsafe { s.load(dense.as_ptr().add(j)) }, y);
        cell_sum = s.add(cell_sum, cell);
    });
    (s.sum(y) + p.dense_bias, s.sum(cell_sum))
}

/// The gate nonlinearities and the cell update over `units` columns, a multiple of the lane count: `z` holds the
/// pre-activations of gates i, f, g, o in blocks of `units`. `visit(j, h, c)` sees each vector of the new state.
/// The packed LSTM runs it on whole vectors; the layer-by-layer network on [`crate::simd::Scalar`].
#[inline(always)]
pub(crate) fn update_cells<S: Simd>(
    s: S,
    units: usize,
    z: &[f32],
    c: &mut [f32],
    h: &mut [f32],
    mut visit: impl FnMut(usize, S::V, S::V),
) {
    let lanes = S::LANES;
    assert!(units.is_multiple_of(lanes) && z.len() >= 4 * units && c.len() >= units && h.len() >= units);
    // SAFETY: j + LANES <= units, and the slices hold at least `units` (z: 4 x units) floats, checked above.
    unsafe {
        for j in (0..units).step_by(lanes) {
            let zp = z.as_ptr().add(j);
            let i = sigmoid(s, s.load(zp));
            let f = sigmoid(s, s.load(zp.add(units)));
            let g = tanh(s, s.load(zp.add(2 * units)));
            let o = sigmoid(s, s.load(zp.add(3 * units)));
            let cell = s.mul_add(f, s.load(c.as_ptr().add(j)), s.mul(i, g));
            let out = s.mul(o, tanh(s, cell));
            s.store(c.as_mut_ptr().add(j), cell);
            s.store(h.as_mut_ptr().add(j), out);
            visit(j, out, cell);
        }
    }
}
