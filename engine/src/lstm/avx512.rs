//! The LSTM step with 512-bit AVX-512F intrinsics.
//!
//! Each chunk's gate columns (up to 384: all of hidden 96) live in up to 24 zmm accumulators for the whole
//! matrix-vector product; the loop over `k` broadcasts `h[k]` and streams row `k` once with one FMA per vector.
//! The recurrent matrix (147 KB at hidden 96) does not fit the 48 KB L1, so this loop runs at the speed L2
//! delivers lines: measured on the 2-core Zen 5 at 3.9 GHz, about 47 bytes per cycle, 3150 cycles for hidden 96
//! read front to back, 2430 with the alternating [`Sweep`] (which finds ~40 KB still in L1), against 1150 cycles
//! of FMAs. The activations add about 10 cycles per 16 gates (300 at hidden 96). Software prefetching and
//! several interleaved row streams measured no faster.

use std::arch::x86_64::*;

use super::batch::BatchInputs;
use super::packed::{Chunk, LstmState, PackedLstm, Sweep};
use crate::activation::coeff::*;

const LANES: usize = 16;

/// One time step; see `portable::step` for the contract.
///
/// # Safety
/// The CPU must support AVX-512F, and `p` must have been packed with `Kernel::Avx512.layout()`.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn step(p: &PackedLstm, state: &mut LstmState, u: &[f32]) -> (f32, f32) {
    let sweep = state.next_sweep();
    let LstmState { h, c, z, .. } = state;
    for chunk in sweep.chunks(p) {
        // Chunk widths are multiples of 4 vectors (4 gates x whole vectors of padded units).
        match chunk.width / LANES {
            4 => gate_products::<4>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            8 => gate_products::<8>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            12 => gate_products::<12>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            16 => gate_products::<16>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            20 => gate_products::<20>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            _ => gate_products::<24>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
        }
    }
    update_state(p, z.as_slice(), c.as_mut_slice(), h.as_mut_slice())
}

/// `z[chunk] = bias + u K + h R` for one chunk of `N` vectors.
#[target_feature(enable = "avx512f")]
#[inline]
fn gate_products<const N: usize>(p: &PackedLstm, chunk: Chunk, sweep: Sweep, u: &[f32], h: &[f32], z: &mut [f32]) {
    debug_assert_eq!(chunk.width, N * LANES);
    let bias = &p.bias.as_slice()[chunk.start..chunk.start + chunk.width];
    let weights = p.recurrent_chunk(chunk);
    // SAFETY: every pointer below stays inside a slice whose length was checked against `chunk.width` (`N`
    // vectors) and `p.hidden` rows, and AVX-512F is enabled on this function.
    unsafe {
        let mut acc = [_mm512_setzero_ps(); N];
        for (v, a) in acc.iter_mut().enumerate() {
            *a = _mm512_loadu_ps(bias.as_ptr().add(v * LANES));
        }
        for (i, &ui) in u.iter().enumerate().take(p.inputs) {
            let row = &p.input_kernel.as_slice()[i * p.cols + chunk.start..][..chunk.width];
            let ui = _mm512_set1_ps(ui);
            for (v, a) in acc.iter_mut().enumerate() {
                *a = _mm512_fmadd_ps(ui, _mm512_load_ps(row.as_ptr().add(v * LANES)), *a);
            }
        }
        for rows in sweep.segments(p.hidden, chunk.width) {
            let segment = &weights[rows.start * chunk.width..rows.end * chunk.width];
            for (&hk, row) in h[rows.clone()].iter().zip(segment.chunks_exact(chunk.width)) {
                let hk = _mm512_set1_ps(hk);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = _mm512_fmadd_ps(hk, _mm512_load_ps(row.as_ptr().add(v * LANES)), *a);
                }
            }
        }
        let out = &mut z[chunk.start..chunk.start + chunk.width];
        for (v, a) in acc.iter().enumerate() {
            _mm512_store_ps(out.as_mut_ptr().add(v * LANES), *a);
        }
    }
}

/// Gate nonlinearities, cell update and the Dense(1) output; returns `(output, sum of the cell state)`.
#[target_feature(enable = "avx512f")]
#[inline]
pub(super) fn update_state(p: &PackedLstm, z: &[f32], c: &mut [f32], h: &mut [f32]) -> (f32, f32) {
    let hp = p.padded;
    let dense = p.dense.as_slice();
    debug_assert!(z.len() == 4 * hp && c.len() == hp && h.len() == hp && dense.len() == hp);
    // SAFETY: j + LANES <= hp and every slice holds at least hp (z: 4 hp) floats on 64-byte boundaries.
    unsafe {
        let mut y = _mm512_setzero_ps();
        let mut cell_sum = _mm512_setzero_ps();
        for j in (0..hp).step_by(LANES) {
            let zp = z.as_ptr().add(j);
            let i = sigmoid(_mm512_load_ps(zp));
            let f = sigmoid(_mm512_load_ps(zp.add(hp)));
            let g = tanh(_mm512_load_ps(zp.add(2 * hp)));
            let o = sigmoid(_mm512_load_ps(zp.add(3 * hp)));
            let cell = _mm512_fmadd_ps(f, _mm512_load_ps(c.as_ptr().add(j)), _mm512_mul_ps(i, g));
            let out = _mm512_mul_ps(o, tanh(cell));
            _mm512_store_ps(c.as_mut_ptr().add(j), cell);
            _mm512_store_ps(h.as_mut_ptr().add(j), out);
            y = _mm512_fmadd_ps(out, _mm512_load_ps(dense.as_ptr().add(j)), y);
            cell_sum = _mm512_add_ps(cell_sum, cell);
        }
        (_mm512_reduce_add_ps(y) + p.dense_bias, _mm512_reduce_add_ps(cell_sum))
    }
}

/// `activation::exp` on 16 lanes (same constants; FMA rounding).
#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn exp(x: __m512) -> __m512 {
    // max/min return their second operand when either is NaN; putting x second lets a NaN through.
    let x = _mm512_min_ps(_mm512_set1_ps(EXP_HI), x);
    let x = _mm512_max_ps(_mm512_set1_ps(EXP_LO), x);
    let n = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm512_mul_ps(
        x,
        _mm512_set1_ps(LOG2E),
    ));
    let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), x);
    let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
    let mut poly = _mm512_set1_ps(P0);
    for coefficient in [P1, P2, P3, P4, P5] {
        poly = _mm512_fmadd_ps(poly, r, _mm512_set1_ps(coefficient));
    }
    let er = _mm512_fmadd_ps(poly, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0)));
    _mm512_scalef_ps(er, n)
}

#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn sigmoid(x: __m512) -> __m512 {
    let one = _mm512_set1_ps(1.0);
    _mm512_div_ps(one, _mm512_add_ps(one, exp(_mm512_sub_ps(_mm512_setzero_ps(), x))))
}

#[target_feature(enable = "avx512f")]
#[inline]
pub(crate) fn tanh(x: __m512) -> __m512 {
    let one = _mm512_set1_ps(1.0);
    let e = exp(_mm512_add_ps(x, x));
    _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0), _mm512_add_ps(e, one)))
}

/// Rows (windows) per register tile of the batched product.
pub(super) const BATCH_ROWS: usize = 6;
/// Vectors per register tile: 6 x 4 = 24 accumulators, 4 weight vectors and a broadcast fit 32 zmm.
const BATCH_VECTORS: usize = 4;

/// `z = bias + x K + h R` for `rows` sequences at once (a multiple of [`BATCH_ROWS`]): `h` is `rows x padded`, `z` is
/// `rows x cols`, `R` is the single-chunk recurrent matrix. Each weight vector loaded feeds six FMAs, so unlike
/// the one-sequence step this runs at FMA throughput, not L2 bandwidth.
///
/// # Safety
/// AVX-512F must be available; `p` must be packed with 16 lanes and one chunk; the slices must have those sizes.
#[target_feature(enable = "avx512f")]
pub(super) unsafe fn batch_gate_products(p: &PackedLstm, rows: usize, inputs: &BatchInputs, h: &[f32], z: &mut [f32]) {
    let (hp, cols) = (p.padded, p.cols);
    debug_assert!(p.chunks.len() == 1 && rows.is_multiple_of(BATCH_ROWS) && cols.is_multiple_of(BATCH_VECTORS * LANES));
    debug_assert!(h.len() >= rows * hp && z.len() >= rows * cols && inputs.audio.len() >= rows);
    debug_assert!(inputs.bias.len() == cols && inputs.audio_weights.len() == cols && inputs.recurrent_rows <= p.hidden);
    let weights = p.recurrent.as_slice().as_ptr();
    let (h, z) = (h.as_ptr(), z.as_mut_ptr());
    // SAFETY: row < rows, k < recurrent_rows <= hidden <= hp and column + 64 <= cols keep every access inside the checked sizes.
    unsafe {
        for column in (0..cols).step_by(BATCH_VECTORS * LANES) {
            for row in (0..rows).step_by(BATCH_ROWS) {
                let mut acc = [[_mm512_setzero_ps(); BATCH_VECTORS]; BATCH_ROWS];
                for (m, acc_row) in acc.iter_mut().enumerate() {
                    let x = _mm512_set1_ps(*inputs.audio.get_unchecked(row + m));
                    for (n, a) in acc_row.iter_mut().enumerate() {
                        let offset = column + n * LANES;
                        let (b, k) = (inputs.bias.as_ptr().add(offset), inputs.audio_weights.as_ptr().add(offset));
                        *a = _mm512_fmadd_ps(x, _mm512_load_ps(k), _mm512_load_ps(b));
                    }
                }
                for k in 0..inputs.recurrent_rows {
                    let w_row = weights.add(k * cols + column);
                    let w = [
                        _mm512_load_ps(w_row),
                        _mm512_load_ps(w_row.add(LANES)),
                        _mm512_load_ps(w_row.add(2 * LANES)),
                        _mm512_load_ps(w_row.add(3 * LANES)),
                    ];
                    for (m, acc_row) in acc.iter_mut().enumerate() {
                        let hk = _mm512_set1_ps(*h.add((row + m) * hp + k));
                        for (a, &wn) in acc_row.iter_mut().zip(&w) {
                            *a = _mm512_fmadd_ps(hk, wn, *a);
                        }
                    }
                }
                for (m, acc_row) in acc.iter().enumerate() {
                    for (n, a) in acc_row.iter().enumerate() {
                        _mm512_store_ps(z.add((row + m) * cols + column + n * LANES), *a);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::MAX_ABS_ERROR;

    /// The vector activations against f64 on every 64th float in [-100, 100]: the same bound as the scalar ones.
    #[test]
    fn vector_activations_are_within_the_scalar_bound() {
        if !is_x86_feature_detected!("avx512f") {
            eprintln!("skipping: this CPU has no AVX-512F");
            return;
        }
        let (mut worst_sigmoid, mut worst_tanh) = (0.0f64, 0.0f64);
        let mut lanes = [0.0f32; LANES];
        let mut filled = 0;
        let mut check = |lanes: &[f32; LANES]| {
            // SAFETY: AVX-512F was detected above.
            let (s, t) = unsafe {
                let x = _mm512_loadu_ps(lanes.as_ptr());
                let (mut s, mut t) = ([0.0f32; LANES], [0.0f32; LANES]);
                _mm512_storeu_ps(s.as_mut_ptr(), sigmoid(x));
                _mm512_storeu_ps(t.as_mut_ptr(), tanh(x));
                (s, t)
            };
            for l in 0..LANES {
                let x = lanes[l] as f64;
                worst_sigmoid = worst_sigmoid.max((s[l] as f64 - 1.0 / (1.0 + (-x).exp())).abs());
                worst_tanh = worst_tanh.max((t[l] as f64 - x.tanh()).abs());
            }
        };
        let mut bits = 0u32;
        while f32::from_bits(bits) <= 100.0 {
            for x in [f32::from_bits(bits), -f32::from_bits(bits)] {
                lanes[filled] = x;
                filled += 1;
                if filled == LANES {
                    check(&lanes);
                    filled = 0;
                }
            }
            bits += 64;
        }
        eprintln!("avx512 max abs error: sigmoid {worst_sigmoid:.2e}, tanh {worst_tanh:.2e}");
        assert!(worst_sigmoid <= MAX_ABS_ERROR as f64 && worst_tanh <= MAX_ABS_ERROR as f64);
    }

    #[test]
    fn vector_activations_pass_nan_and_saturate_at_infinity() {
        if !is_x86_feature_detected!("avx512f") {
            eprintln!("skipping: this CPU has no AVX-512F");
            return;
        }
        let input = [
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e30,
            -1e30,
            0.0,
            88.5,
            -88.5,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
        ];
        let (mut s, mut t) = ([0.0f32; LANES], [0.0f32; LANES]);
        // SAFETY: AVX-512F was detected above.
        unsafe {
            let x = _mm512_loadu_ps(input.as_ptr());
            _mm512_storeu_ps(s.as_mut_ptr(), sigmoid(x));
            _mm512_storeu_ps(t.as_mut_ptr(), tanh(x));
        }
        assert!(s[0].is_nan() && t[0].is_nan());
        assert_eq!((s[1], t[1], t[2]), (1.0, 1.0, -1.0));
        assert!(s[2] >= 0.0 && s[2] < 1e-37);
        assert_eq!((t[3], t[4], t[6], t[7]), (1.0, -1.0, 1.0, -1.0));
        assert_eq!((s[5], t[5]), (0.5, 0.0));
    }
}
