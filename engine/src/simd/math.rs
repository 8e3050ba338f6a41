//! The one `exp`, `sigmoid` and `tanh` of the project, for training and for playback, on every instruction set.
//!
//! Cephes' single-precision approximations (S. L. Moshier, "Methods and Programs for Mathematical Functions"):
//! Cody–Waite range reduction `x = n ln2 + r`, a degree-5 minimax polynomial for `e^r`, and `2^n` put into the
//! exponent bits; sigmoid and tanh are that exponential and one divide. About 15 flops per value; accurate to
//! [`crate::activation::MAX_ABS_ERROR`] absolute (the bound that matters: an LSTM adds gate errors, it never
//! divides by them), and sigmoid to 1e-6 relative. A cheaper rational approximation (1e-4 or
//! so, as some plugins use) would be inaudible but would break the engine's promise of matching an f64
//! reference LSTM within 1e-5.
//!
//! NaN goes in, NaN comes out: the clamps put the limit first (see [`Simd::min`]), which lets the streaming
//! LSTM notice a poisoned state by looking at its output alone.

// The polynomial coefficients are Cephes' as published, digits beyond f32 included.
#![allow(clippy::excessive_precision)]

use super::Simd;

/// Inputs beyond these saturate: they keep `n` in -126..=127, so that `2^n` is one normal float (e^88 = 1.7e38,
/// e^-87.3 is just above the smallest normal); sigmoid and tanh are flat to f32 precision long before either end.
const EXP_MAX: f32 = 88.0;
const EXP_MIN: f32 = -87.3;
/// ln 2 split in two so that `n * LN2_HI` is exact for |n| < 512 (Cody–Waite).
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;

/// `e^x`, relative error ~2e-7 for `x` in -87.3..88, saturating outside, NaN kept.
#[inline(always)]
pub fn exp<S: Simd>(s: S, x: S::V) -> S::V {
    let x = s.min(s.splat(EXP_MAX), x);
    let x = s.max(s.splat(EXP_MIN), x);
    let n = s.round(s.mul(x, s.splat(std::f32::consts::LOG2_E)));
    let r = s.mul_add(n, s.splat(-LN2_HI), x);
    let r = s.mul_add(n, s.splat(-LN2_LO), r);
    let mut p = s.splat(1.987_569_1e-4);
    p = s.mul_add(p, r, s.splat(1.398_199_9e-3));
    p = s.mul_add(p, r, s.splat(8.333_452e-3));
    p = s.mul_add(p, r, s.splat(4.166_579_6e-2));
    p = s.mul_add(p, r, s.splat(1.666_666_5e-1));
    p = s.mul_add(p, r, s.splat(5.000_000_1e-1));
    // `r + 1` is formed beside the polynomial, off its chain: one dependent add fewer before the scaling.
    let r2 = s.mul(r, r);
    let e = s.mul_add(p, r2, s.add(r, s.splat(1.0)));
    s.mul_exp2(e, n)
}

/// `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid<S: Simd>(s: S, x: S::V) -> S::V {
    let e = exp(s, s.sub(s.splat(0.0), x));
    s.div(s.splat(1.0), s.add(s.splat(1.0), e))
}

/// `tanh(x)` as `1 - 2 / (e^2x + 1)`.
///
/// Near zero this loses relative precision (tanh(1e-6) comes out as a multiple of 6e-8), which an LSTM never
/// notices: the result is added to values of order one. An odd polynomial there (Cephes' `tanhf`) keeps the
/// relative error below 1e-6 but costs a second evaluation and a select on every value; the streaming step
/// waits on its activations, and it measured 15 % slower at hidden 64 (AVX-512, AMD EPYC: 52-54x against
/// 61-62x real time).
#[inline(always)]
pub fn tanh<S: Simd>(s: S, x: S::V) -> S::V {
    let e = exp(s, s.add(x, x));
    // `2 / d`, not `2 * (1 / d)`: the same bits (doubling is exact), one operation fewer on the step's critical path.
    s.sub(s.splat(1.0), s.div(s.splat(2.0), s.add(e, s.splat(1.0))))
}

#[cfg(test)]
mod tests {
    use super::super::{Kernel, Portable, Scalar, SimdOp};
    use super::*;
    use crate::activation::MAX_ABS_ERROR;

    /// Evaluates `f` over `inputs` (a multiple of 16 long) on the token `s`.
    fn eval<S: Simd>(s: S, inputs: &[f32], f: fn(S, S::V) -> S::V) -> Vec<f32> {
        let mut out = vec![0.0f32; inputs.len()];
        for (src, dst) in inputs.chunks_exact(S::LANES).zip(out.chunks_exact_mut(S::LANES)) {
            // SAFETY: both chunks hold exactly LANES floats.
            unsafe { s.store(dst.as_mut_ptr(), f(s, s.load(src.as_ptr()))) };
        }
        out
    }

    /// Dense near zero (where cancellation would show), every 4096th float out to 100, and the edges.
    fn grid() -> Vec<f32> {
        let mut xs: Vec<f32> = (-3200..3200).map(|i| i as f32 * 0.005).collect();
        let mut bits = 0u32;
        while f32::from_bits(bits) <= 100.0 {
            xs.extend([f32::from_bits(bits), -f32::from_bits(bits)]);
            bits += 4096;
        }
        while !(xs.len() + 8).is_multiple_of(16) {
            xs.push(0.0);
        }
        // The last eight: the test below reads them by position.
        xs.extend([f32::INFINITY, f32::NEG_INFINITY, f32::MAX, f32::MIN, 88.5, -88.5, 1e-30, -1e-30]);
        xs
    }

    struct Evaluate<'a>(&'a [f32]);

    impl SimdOp for Evaluate<'_> {
        type Output = [Vec<f32>; 3];
        fn run<S: Simd>(self, s: S) -> [Vec<f32>; 3] {
            [eval(s, self.0, exp), eval(s, self.0, sigmoid), eval(s, self.0, tanh)]
        }
    }

    fn check(name: &str, [e, sig, th]: &[Vec<f32>; 3], xs: &[f32]) {
        let (mut exp_rel, mut sig_abs, mut tanh_abs, mut sig_rel, mut tanh_rel) = (0.0f64, 0.0f64, 0.0f64, 0.0, 0.0);
        for (i, &x) in xs.iter().enumerate() {
            let x64 = x as f64;
            if x.abs() <= 87.0 {
                exp_rel = f64::max(exp_rel, ((e[i] as f64 - x64.exp()) / x64.exp()).abs());
            }
            let (want_sig, want_tanh) = (1.0 / (1.0 + (-x64).exp()), x64.tanh());
            sig_abs = f64::max(sig_abs, (sig[i] as f64 - want_sig).abs());
            tanh_abs = f64::max(tanh_abs, (th[i] as f64 - want_tanh).abs());
            if want_sig > 1e-30 {
                sig_rel = f64::max(sig_rel, ((sig[i] as f64 - want_sig) / want_sig).abs());
            }
            // Relative precision holds away from zero only (see `tanh`).
            if x.abs() >= 0.25 {
                tanh_rel = f64::max(tanh_rel, ((th[i] as f64 - want_tanh) / want_tanh).abs());
            }
        }
        eprintln!("{name}: exp {exp_rel:.1e} rel, sigmoid {sig_abs:.1e} abs {sig_rel:.1e} rel, tanh {tanh_abs:.1e} abs {tanh_rel:.1e} rel");
        assert!(exp_rel < 3e-7, "{name}: exp relative error {exp_rel:e}");
        assert!(sig_abs <= MAX_ABS_ERROR as f64 && tanh_abs <= MAX_ABS_ERROR as f64, "{name}: {sig_abs:e} {tanh_abs:e}");
        assert!(sig_rel < 1e-6 && tanh_rel < 1e-6, "{name}: relative errors {sig_rel:e} {tanh_rel:e}");
    }

    #[test]
    fn every_instruction_set_is_accurate_to_a_millionth_and_saturates() {
        let xs = grid();
        for kernel in Kernel::available() {
            let out = kernel.run(Evaluate(&xs));
            check(kernel.name(), &out, &xs);
            let (n, [_, sig, th]) = (xs.len(), &out);
            // The edges: +-inf, +-MAX, +-88.5 saturate exactly; tiny inputs stay tiny.
            assert_eq!(&th[n - 8..n - 2], &[1.0, -1.0, 1.0, -1.0, 1.0, -1.0], "{}", kernel.name());
            assert_eq!((sig[n - 8], sig[n - 6]), (1.0, 1.0), "{}", kernel.name());
            assert!(sig[n - 7] >= 0.0 && sig[n - 7] < 1e-37, "{}: sigmoid(-inf) = {}", kernel.name(), sig[n - 7]);
        }
        check("scalar", &Evaluate(&xs).run(Scalar), &xs);
    }

    #[test]
    fn nan_passes_through_every_instruction_set() {
        let xs = [f32::NAN; 16];
        for kernel in Kernel::available() {
            let [e, sig, th] = kernel.run(Evaluate(&xs));
            assert!(e.iter().chain(&sig).chain(&th).all(|v| v.is_nan()), "{}", kernel.name());
        }
    }

    struct DoubledReciprocal<'a>(&'a [f32]);

    impl SimdOp for DoubledReciprocal<'_> {
        type Output = [Vec<f32>; 2];
        fn run<S: Simd>(self, s: S) -> [Vec<f32>; 2] {
            let old = |s: S, x: S::V| {
                let d = s.add(exp(s, s.add(x, x)), s.splat(1.0));
                s.sub(s.splat(1.0), s.mul(s.splat(2.0), s.div(s.splat(1.0), d)))
            };
            [eval(s, self.0, tanh), eval(s, self.0, old)]
        }
    }

    #[test]
    fn tanh_divides_two_with_the_bits_of_doubling_a_reciprocal() {
        let xs = grid();
        for kernel in Kernel::available() {
            let [now, doubled] = kernel.run(DoubledReciprocal(&xs));
            let same = now.iter().zip(&doubled).all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
            assert!(same, "{}", kernel.name());
        }
    }

    #[test]
    fn the_scalar_functions_are_the_portable_kernel_lane_by_lane() {
        let xs = grid();
        assert_eq!(Evaluate(&xs).run(Scalar), Evaluate(&xs).run(Portable));
    }
}
