//! Weight gradients: `dW = A^T dZ` summed over the `steps x batch` samples, outside the recurrence's chain of
//! dependent products (one accumulation per step, right after that step's `dZ`).

use super::super::LstmShape;
use super::forward::Tape;
use super::layout::{GATES, Layout};
use blackbox_engine::simd::Simd;

/// Rows of `dW` per register tile (x 4 gate vectors = 24 accumulators).
const ROWS: usize = 6;
/// Rows of `A`/`dZ` per cache block: one block's `dZ` panel (128 x 64 floats = 32 KB at 16 lanes) stays in
/// L1 while every row tile of `dW` streams past it.
const SAMPLE_BLOCK: usize = 128;

/// A zero `dW` in the panel-major layout of the augmented weights (`[blocks][ka][4 lanes]`).
pub(crate) fn zeros(layout: &Layout) -> Vec<f32> {
    vec![0.0f32; layout.blocks * layout.ka * GATES * layout.lanes]
}

/// Adds the samples `range` (rows `t * batch + b` of the tape) to `dw`. `tape.gates` must hold their `dZ`.
#[inline(always)]
pub(crate) fn accumulate<S: Simd>(s: S, tape: &Tape, dw: &mut [f32], range: std::ops::Range<usize>) {
    let layout = tape.layout;
    let LstmShape { batch, steps, .. } = layout.shape;
    let width = GATES * layout.lanes;
    assert_eq!(dw.len(), layout.blocks * layout.ka * width, "weight gradient length");
    assert!(range.end <= batch * steps && tape.recording);
    assert!(tape.inputs.len() >= range.end * layout.a_stride);
    assert!(tape.gates.len() >= range.end * layout.gate_cols());
    let mut start = range.start;
    while start < range.end {
        let end = (start + SAMPLE_BLOCK).min(range.end);
        for block in 0..layout.blocks {
            let panel = &mut dw[block * layout.ka * width..][..layout.ka * width];
            let mut k = 0;
            while k + ROWS <= layout.ka {
                tile::<S, ROWS>(s, &layout, tape, panel, block, k, start..end);
                k += ROWS;
            }
            match layout.ka - k {
                0 => {}
                1 => tile::<S, 1>(s, &layout, tape, panel, block, k, start..end),
                2 => tile::<S, 2>(s, &layout, tape, panel, block, k, start..end),
                3 => tile::<S, 3>(s, &layout, tape, panel, block, k, start..end),
                4 => tile::<S, 4>(s, &layout, tape, panel, block, k, start..end),
                _ => tile::<S, 5>(s, &layout, tape, panel, block, k, start..end),
            }
        }
        start = end;
    }
}

/// Rows `k..k + R` of one block's `dW` panel, accumulated over samples `range`.
#[inline(always)]
fn tile<S: Simd, const R: usize>(
    s: S,
    layout: &Layout,
    tape: &Tape,
    panel: &mut [f32],
    block: usize,
    k: usize,
    range: std::ops::Range<usize>,
) {
    let lanes = S::LANES;
    let width = GATES * lanes;
    assert!(panel.len() >= (k + R) * width && k + R <= layout.ka);
    let cols = layout.gate_cols();
    // SAFETY: `accumulate` checked that `inputs` and `gates` hold every sample of `range`; `k + R <= ka <= a_stride`
    // and the block's columns lie inside each `dZ` row.
    unsafe {
        let out = panel.as_mut_ptr().add(k * width);
        let mut acc: [[S::V; GATES]; R] =
            std::array::from_fn(|r| std::array::from_fn(|g| s.load(out.add(r * width + g * lanes))));
        let mut a = tape.inputs.as_ptr().add(range.start * layout.a_stride + k);
        let mut dz = tape.gates.as_ptr().add(range.start * cols + block * width);
        for _ in range {
            let dzv: [S::V; GATES] = std::array::from_fn(|g| s.load(dz.add(g * lanes)));
            for (r, acc_row) in acc.iter_mut().enumerate() {
                let av = s.splat(*a.add(r));
                for (acc_g, dz_g) in acc_row.iter_mut().zip(dzv) {
                    *acc_g = s.mul_add(av, dz_g, *acc_g);
                }
            }
            a = a.add(layout.a_stride);
            dz = dz.add(cols);
        }
        for (r, acc_row) in acc.iter().enumerate() {
            for (g, v) in acc_row.iter().enumerate() {
                s.store(out.add(r * width + g * lanes), *v);
            }
        }
    }
}

/// `dL/dx` (`[batch, steps, inputs]`): each sample's `dZ` against the kernel rows. Only computed when the input
/// needs a gradient (never while training on fixed windows).
#[inline(always)]
pub(crate) fn input_grads<S: Simd>(s: S, tape: &Tape) -> Vec<f32> {
    let layout = tape.layout;
    let LstmShape { batch, steps, inputs, .. } = layout.shape;
    let cols = layout.gate_cols();
    let mut dx = vec![0.0f32; batch * steps * inputs];
    assert!(tape.gates.len() >= batch * steps * cols && tape.weights.kernel_rows.len() == inputs * cols);
    for t in 0..steps {
        for b in 0..batch {
            let dz = &tape.gates[(t * batch + b) * cols..][..cols];
            for i in 0..inputs {
                let w = &tape.weights.kernel_rows[i * cols..][..cols];
                let mut acc = s.splat(0.0);
                for (dz_v, w_v) in dz.chunks_exact(S::LANES).zip(w.chunks_exact(S::LANES)) {
                    // SAFETY: both chunks hold exactly LANES floats.
                    acc = unsafe { s.mul_add(s.load(dz_v.as_ptr()), s.load(w_v.as_ptr()), acc) };
                }
                dx[(b * steps + t) * inputs + i] = s.sum(acc);
            }
        }
    }
    dx
}
