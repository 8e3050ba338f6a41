//! The LSTM step with 256-bit AVX2 and FMA intrinsics: the same scheme as `avx512`, with 12 ymm accumulators per
//! chunk because AVX2 has only 16 registers.

use std::arch::x86_64::*;

use super::batch::BatchInputs;
use super::packed::{Chunk, LstmState, PackedLstm, Sweep};
use crate::activation::coeff::*;

const LANES: usize = 8;

/// One time step; see `portable::step` for the contract.
///
/// # Safety
/// The CPU must support AVX2 and FMA, and `p` must have been packed with `Kernel::Avx2Fma.layout()`.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn step(p: &PackedLstm, state: &mut LstmState, u: &[f32]) -> (f32, f32) {
    let sweep = state.next_sweep();
    let LstmState { h, c, z, .. } = state;
    for chunk in sweep.chunks(p) {
        match chunk.width / LANES {
            4 => gate_products::<4>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            8 => gate_products::<8>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
            _ => gate_products::<12>(p, chunk, sweep, u, h.as_slice(), z.as_mut_slice()),
        }
    }
    update_state(p, z.as_slice(), c.as_mut_slice(), h.as_mut_slice())
}

/// `z[chunk] = bias + u K + h R` for one chunk of `N` vectors.
#[target_feature(enable = "avx2,fma")]
#[inline]
fn gate_products<const N: usize>(p: &PackedLstm, chunk: Chunk, sweep: Sweep, u: &[f32], h: &[f32], z: &mut [f32]) {
    debug_assert_eq!(chunk.width, N * LANES);
    let bias = &p.bias.as_slice()[chunk.start..chunk.start + chunk.width];
    let weights = p.recurrent_chunk(chunk);
    // SAFETY: every pointer stays inside a slice checked against `chunk.width` (N vectors); all of them start on
    // 32-byte boundaries (64-byte buffers, offsets in whole vectors).
    unsafe {
        let mut acc = [_mm256_setzero_ps(); N];
        for (v, a) in acc.iter_mut().enumerate() {
            *a = _mm256_load_ps(bias.as_ptr().add(v * LANES));
        }
        for (i, &ui) in u.iter().enumerate().take(p.inputs) {
            let row = &p.input_kernel.as_slice()[i * p.cols + chunk.start..][..chunk.width];
            let ui = _mm256_set1_ps(ui);
            for (v, a) in acc.iter_mut().enumerate() {
                *a = _mm256_fmadd_ps(ui, _mm256_load_ps(row.as_ptr().add(v * LANES)), *a);
            }
        }
        for rows in sweep.segments(p.hidden, chunk.width) {
            let segment = &weights[rows.start * chunk.width..rows.end * chunk.width];
            for (&hk, row) in h[rows.clone()].iter().zip(segment.chunks_exact(chunk.width)) {
                let hk = _mm256_set1_ps(hk);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_fmadd_ps(hk, _mm256_load_ps(row.as_ptr().add(v * LANES)), *a);
                }
            }
        }
        let out = &mut z[chunk.start..chunk.start + chunk.width];
        for (v, a) in acc.iter().enumerate() {
            _mm256_store_ps(out.as_mut_ptr().add(v * LANES), *a);
        }
    }
}

#[target_feature(enable = "avx2,fma")]
#[inline]
pub(super) fn update_state(p: &PackedLstm, z: &[f32], c: &mut [f32], h: &mut [f32]) -> (f32, f32) {
    let hp = p.padded;
    let dense = p.dense.as_slice();
    debug_assert!(z.len() == 4 * hp && c.len() == hp && h.len() == hp && dense.len() == hp);
    // SAFETY: j + LANES <= hp and every slice holds at least hp (z: 4 hp) floats on 32-byte boundaries.
    unsafe {
        let mut y = _mm256_setzero_ps();
        let mut cell_sum = _mm256_setzero_ps();
        for j in (0..hp).step_by(LANES) {
            let zp = z.as_ptr().add(j);
            let i = sigmoid(_mm256_load_ps(zp));
            let f = sigmoid(_mm256_load_ps(zp.add(hp)));
            let g = tanh(_mm256_load_ps(zp.add(2 * hp)));
            let o = sigmoid(_mm256_load_ps(zp.add(3 * hp)));
            let cell = _mm256_fmadd_ps(f, _mm256_load_ps(c.as_ptr().add(j)), _mm256_mul_ps(i, g));
            let out = _mm256_mul_ps(o, tanh(cell));
            _mm256_store_ps(c.as_mut_ptr().add(j), cell);
            _mm256_store_ps(h.as_mut_ptr().add(j), out);
            y = _mm256_fmadd_ps(out, _mm256_load_ps(dense.as_ptr().add(j)), y);
            cell_sum = _mm256_add_ps(cell_sum, cell);
        }
        (horizontal_sum(y) + p.dense_bias, horizontal_sum(cell_sum))
    }
}

#[target_feature(enable = "avx2,fma")]
#[inline]
fn horizontal_sum(v: __m256) -> f32 {
    let quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
    let pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
    _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps::<1>(pair, pair)))
}

/// `activation::exp` on 8 lanes (same constants; FMA rounding).
#[target_feature(enable = "avx2,fma")]
#[inline]
pub(crate) fn exp(x: __m256) -> __m256 {
    // max/min return their second operand when either is NaN; putting x second lets a NaN through.
    let x = _mm256_min_ps(_mm256_set1_ps(EXP_HI), x);
    let x = _mm256_max_ps(_mm256_set1_ps(EXP_LO), x);
    let n =
        _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_ps(x, _mm256_set1_ps(LOG2E)));
    let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
    let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
    let mut poly = _mm256_set1_ps(P0);
    for coefficient in [P1, P2, P3, P4, P5] {
        poly = _mm256_fmadd_ps(poly, r, _mm256_set1_ps(coefficient));
    }
    let er = _mm256_fmadd_ps(poly, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0)));
    // n is in [-126, 127] after the clamp, so 2^n is a normal float made from its exponent bits.
    let scale =
        _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127))));
    _mm256_mul_ps(er, scale)
}

#[target_feature(enable = "avx2,fma")]
#[inline]
pub(crate) fn sigmoid(x: __m256) -> __m256 {
    let one = _mm256_set1_ps(1.0);
    _mm256_div_ps(one, _mm256_add_ps(one, exp(_mm256_sub_ps(_mm256_setzero_ps(), x))))
}

#[target_feature(enable = "avx2,fma")]
#[inline]
pub(crate) fn tanh(x: __m256) -> __m256 {
    let one = _mm256_set1_ps(1.0);
    let e = exp(_mm256_add_ps(x, x));
    _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0), _mm256_add_ps(e, one)))
}

/// Rows (windows) per register tile of the batched product.
pub(super) const BATCH_ROWS: usize = 6;
/// Vectors per register tile: 6 x 2 = 12 accumulators, 2 weight vectors and a broadcast fit 16 ymm.
const BATCH_VECTORS: usize = 2;

/// `z = bias + x K + h R` for `rows` sequences at once; see `avx512::batch_gate_products`.
///
/// # Safety
/// AVX2 and FMA must be available; `p` must be packed with 8 lanes and one chunk; the slices must have those sizes.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn batch_gate_products(p: &PackedLstm, rows: usize, inputs: &BatchInputs, h: &[f32], z: &mut [f32]) {
    let (hp, cols) = (p.padded, p.cols);
    debug_assert!(p.chunks.len() == 1 && rows.is_multiple_of(BATCH_ROWS) && cols.is_multiple_of(BATCH_VECTORS * LANES));
    debug_assert!(h.len() >= rows * hp && z.len() >= rows * cols && inputs.audio.len() >= rows);
    debug_assert!(inputs.bias.len() == cols && inputs.audio_weights.len() == cols && inputs.recurrent_rows <= p.hidden);
    let weights = p.recurrent.as_slice().as_ptr();
    let (h, z) = (h.as_ptr(), z.as_mut_ptr());
    // SAFETY: row < rows, k < recurrent_rows <= hidden <= hp and column + 16 <= cols keep every access inside the checked sizes.
    unsafe {
        for column in (0..cols).step_by(BATCH_VECTORS * LANES) {
            for row in (0..rows).step_by(BATCH_ROWS) {
                let mut acc = [[_mm256_setzero_ps(); BATCH_VECTORS]; BATCH_ROWS];
                for (m, acc_row) in acc.iter_mut().enumerate() {
                    let x = _mm256_set1_ps(*inputs.audio.get_unchecked(row + m));
                    for (n, a) in acc_row.iter_mut().enumerate() {
                        let offset = column + n * LANES;
                        let (b, k) = (inputs.bias.as_ptr().add(offset), inputs.audio_weights.as_ptr().add(offset));
                        *a = _mm256_fmadd_ps(x, _mm256_load_ps(k), _mm256_load_ps(b));
                    }
                }
                for k in 0..inputs.recurrent_rows {
                    let w_row = weights.add(k * cols + column);
                    let w = [_mm256_load_ps(w_row), _mm256_load_ps(w_row.add(LANES))];
                    for (m, acc_row) in acc.iter_mut().enumerate() {
                        let hk = _mm256_set1_ps(*h.add((row + m) * hp + k));
                        for (a, &wn) in acc_row.iter_mut().zip(&w) {
                            *a = _mm256_fmadd_ps(hk, wn, *a);
                        }
                    }
                }
                for (m, acc_row) in acc.iter().enumerate() {
                    for (n, a) in acc_row.iter().enumerate() {
                        _mm256_store_ps(z.add((row + m) * cols + column + n * LANES), *a);
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
        if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
            eprintln!("skipping: this CPU has no AVX2 and FMA");
            return;
        }
        let (mut worst_sigmoid, mut worst_tanh) = (0.0f64, 0.0f64);
        let mut lanes = [0.0f32; LANES];
        let mut filled = 0;
        let mut check = |lanes: &[f32; LANES]| {
            // SAFETY: AVX2 and FMA was detected above.
            let (s, t) = unsafe {
                let x = _mm256_loadu_ps(lanes.as_ptr());
                let (mut s, mut t) = ([0.0f32; LANES], [0.0f32; LANES]);
                _mm256_storeu_ps(s.as_mut_ptr(), sigmoid(x));
                _mm256_storeu_ps(t.as_mut_ptr(), tanh(x));
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
        eprintln!("avx2 max abs error: sigmoid {worst_sigmoid:.2e}, tanh {worst_tanh:.2e}");
        assert!(worst_sigmoid <= MAX_ABS_ERROR as f64 && worst_tanh <= MAX_ABS_ERROR as f64);
    }

    #[test]
    fn vector_activations_pass_nan_and_saturate_at_infinity() {
        if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
            eprintln!("skipping: this CPU has no AVX2 and FMA");
            return;
        }
        let input = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -1e30, 0.0, 88.5, -88.5];
        let (mut s, mut t) = ([0.0f32; LANES], [0.0f32; LANES]);
        // SAFETY: AVX2 and FMA was detected above.
        unsafe {
            let x = _mm256_loadu_ps(input.as_ptr());
            _mm256_storeu_ps(s.as_mut_ptr(), sigmoid(x));
            _mm256_storeu_ps(t.as_mut_ptr(), tanh(x));
        }
        assert!(s[0].is_nan() && t[0].is_nan());
        assert_eq!((s[1], t[1], t[2]), (1.0, 1.0, -1.0));
        assert!(s[2] >= 0.0 && s[2] < 1e-37);
        assert_eq!((t[3], t[4], t[6], t[7]), (1.0, -1.0, 1.0, -1.0));
        assert_eq!((s[5], t[5]), (0.5, 0.0));
    }
}
