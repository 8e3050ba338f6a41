//! Vectorised `exp`, `sigmoid` and `tanh`, accurate to ~1e-6 relative.
//!
//! Stock burn on flex spends ~40 % of an LSTM epoch in scalar `exp`/`tanh` (measured by profiling an epoch). These are the
//! Cephes single-precision approximations (S. L. Moshier, "Methods and Programs for Mathematical Functions"),
//! written with [`Simd`] operations so they vectorise on every instruction set.

// The polynomial coefficients are Cephes' as published, digits beyond f32 included.
#![allow(clippy::excessive_precision)]

use super::Simd;

/// Below this `exp` underflows to subnormals; above it `exp` would overflow once `2^n` reaches 2^128.
const EXP_MIN: f32 = -87.3;
const EXP_MAX: f32 = 88.0;

/// `exp(x)`, relative error ~2e-7 for `x` in `EXP_MIN..EXP_MAX`, clamped outside.
#[inline(always)]
pub(crate) fn fast_exp<S: Simd>(s: S, x: S::V) -> S::V {
    let x = s.min(s.max(x, s.splat(EXP_MIN)), s.splat(EXP_MAX));
    // Cody-Waite reduction x = n ln2 + r with ln2 split in two so that n * LN2_HI is exact.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let n = s.round(s.mul(x, s.splat(std::f32::consts::LOG2_E)));
    let r = s.mul_add(n, s.splat(-LN2_HI), x);
    let r = s.mul_add(n, s.splat(-LN2_LO), r);
    let mut p = s.splat(1.987_569_1e-4);
    p = s.mul_add(p, r, s.splat(1.398_199_9e-3));
    p = s.mul_add(p, r, s.splat(8.333_452e-3));
    p = s.mul_add(p, r, s.splat(4.166_579_6e-2));
    p = s.mul_add(p, r, s.splat(1.666_666_5e-1));
    p = s.mul_add(p, r, s.splat(5.000_000_1e-1));
    let r2 = s.mul(r, r);
    let e = s.add(s.mul_add(p, r2, r), s.splat(1.0));
    s.mul_exp2(e, n)
}

/// `1 / (1 + exp(-x))`.
#[inline(always)]
pub(crate) fn fast_sigmoid<S: Simd>(s: S, x: S::V) -> S::V {
    let e = fast_exp(s, s.sub(s.splat(0.0), x));
    s.recip(s.add(s.splat(1.0), e))
}

/// `tanh(x)`: an odd polynomial near zero (where `1 - 2/(e^2x + 1)` would lose digits to cancellation), the
/// exponential form elsewhere.
#[inline(always)]
pub(crate) fn fast_tanh<S: Simd>(s: S, x: S::V) -> S::V {
    const POLY_LIMIT: f32 = 0.625;
    let ax = s.abs(x);
    let e = fast_exp(s, s.add(ax, ax));
    let far = s.sub(s.splat(1.0), s.mul(s.splat(2.0), s.recip(s.add(e, s.splat(1.0)))));
    let far = s.copysign(far, x);
    let z = s.mul(x, x);
    let mut p = s.splat(-5.704_988_7e-3);
    p = s.mul_add(p, z, s.splat(2.063_908_9e-2));
    p = s.mul_add(p, z, s.splat(-5.373_971_6e-2));
    p = s.mul_add(p, z, s.splat(1.333_144_2e-1));
    p = s.mul_add(p, z, s.splat(-3.333_328_2e-1));
    let near = s.mul_add(s.mul(p, z), x, x);
    s.select_less(ax, s.splat(POLY_LIMIT), near, far)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fused_lstm::simd::Portable;

    /// Evaluates `f` lane by lane over `inputs` with the instruction set `s`.
    fn eval<S: Simd>(s: S, inputs: &[f32], f: impl Fn(S, S::V) -> S::V) -> Vec<f32> {
        let mut out = vec![0.0f32; inputs.len()];
        for (src, dst) in inputs.chunks_exact(S::LANES).zip(out.chunks_exact_mut(S::LANES)) {
            // SAFETY: both chunks hold exactly LANES floats.
            unsafe { s.store(dst.as_mut_ptr(), f(s, s.load(src.as_ptr()))) };
        }
        out
    }

    fn grid() -> Vec<f32> {
        // Dense near zero (where cancellation would show) and out to saturation; a multiple of 16 long.
        let mut xs: Vec<f32> = (-3200..3200).map(|i| i as f32 * 0.005).collect();
        xs.extend((-800..800).map(|i| i as f32 * 0.05));
        xs.extend((1..=16).map(|i| (i as f32) * 1e-6));
        xs
    }

    fn max_relative_error(got: &[f32], want: impl Fn(f64) -> f64, xs: &[f32]) -> f64 {
        xs.iter()
            .zip(got)
            .map(|(&x, &g)| {
                let w = want(x as f64);
                ((g as f64 - w) / w.abs().max(1e-30)).abs()
            })
            .fold(0.0, f64::max)
    }

    fn check_all<S: Simd>(s: S) {
        let xs = grid();
        let exp_xs: Vec<f32> = xs.iter().map(|x| x.clamp(-80.0, 80.0)).collect();
        let exp_err = max_relative_error(&eval(s, &exp_xs, fast_exp), f64::exp, &exp_xs);
        let sig_err = max_relative_error(&eval(s, &xs, fast_sigmoid), |x| 1.0 / (1.0 + (-x).exp()), &xs);
        let tanh_err = max_relative_error(&eval(s, &xs, fast_tanh), f64::tanh, &xs);
        assert!(exp_err < 1e-6, "exp relative error {exp_err:e}");
        assert!(sig_err < 1e-6, "sigmoid relative error {sig_err:e}");
        assert!(tanh_err < 1e-6, "tanh relative error {tanh_err:e}");
    }

    #[test]
    fn portable_activations_are_accurate_to_a_millionth() {
        check_all(Portable);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_activations_are_accurate_to_a_millionth() {
        if let Some(s) = crate::fused_lstm::simd::Avx2::detect() {
            check_all(s);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx512_activations_are_accurate_to_a_millionth() {
        if let Some(s) = crate::fused_lstm::simd::Avx512::detect() {
            check_all(s);
        }
    }

    #[test]
    fn activations_saturate_without_overflow() {
        let xs = [-1e4f32, -200.0, -90.0, 90.0, 200.0, 1e4, f32::MIN, f32::MAX];
        let xs: Vec<f32> = xs.iter().cycle().take(16).copied().collect();
        for (x, y) in xs.iter().zip(eval(Portable, &xs, fast_sigmoid)) {
            assert!(y.is_finite() && (0.0..=1.0).contains(&y), "sigmoid({x}) = {y}");
        }
        for (x, y) in xs.iter().zip(eval(Portable, &xs, fast_tanh)) {
            assert!((y - x.signum()).abs() < 1e-6, "tanh({x}) = {y}");
        }
    }
}
