//! Fast sigmoid and tanh for the LSTM gates, shared by every kernel.
//!
//! Both are built on one exponential: Cody–Waite range reduction `x = n ln2 + r` with `|r| <= ln2/2`, Cephes'
//! degree-5 minimax polynomial for `e^r` (about 1 ulp), and `2^n` put straight into the exponent bits. This costs
//! about 15 flops and one division, vectorises on every target, and is accurate to a few 1e-7 in absolute terms —
//! the bound that matters, because an LSTM adds gate errors, it never divides by them. A cheaper rational
//! approximation (1e-4 or so, as some plugins use) would be invisible to the ear but would break the engine's
//! promise of matching an f64 reference LSTM within 1e-5; this one leaves two orders of magnitude of headroom.
//!
//! NaN goes in, NaN comes out: the clamps are written so that a NaN passes through them, which lets the
//! streaming LSTM notice a poisoned state by looking at its output alone.

/// Largest absolute error of [`sigmoid`] and [`tanh`] against f64 on all of f32, as asserted by this module's
/// tests (measured 1.8e-7 for tanh and 8.9e-8 for sigmoid; the SIMD kernels use the same polynomial with FMA
/// and are tested against the same bound).
pub const MAX_ABS_ERROR: f32 = 2.5e-7;

/// Cephes `expf` constants, shared by the SIMD kernels so every kernel evaluates the same approximation.
pub(crate) mod coeff {
    pub const LOG2E: f32 = std::f32::consts::LOG2_E;
    /// ln 2 split in two so that `n * LN2_HI` is exact for |n| < 512 (Cody–Waite).
    pub const LN2_HI: f32 = 0.693_359_4;
    pub const LN2_LO: f32 = -2.121_944_4e-4;
    pub const P0: f32 = 1.987_569_1e-4;
    pub const P1: f32 = 1.398_199_9e-3;
    pub const P2: f32 = 8.333_452e-3;
    pub const P3: f32 = 4.166_579_6e-2;
    pub const P4: f32 = 0.166_666_65;
    pub const P5: f32 = 0.5;
    /// Inputs beyond these saturate. They keep `n` in [-126, 127] so that `2^n` is one normal float built from
    /// its exponent bits (e^88 = 1.7e38, e^-87.3 is just above the smallest normal); sigmoid and tanh are flat to
    /// f32 precision long before either end.
    pub const EXP_HI: f32 = 88.0;
    pub const EXP_LO: f32 = -87.3;
}

/// `e^x` to about 1 ulp for x in [-87.3, 88]; saturates outside, propagates NaN.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    use coeff::*;
    // Comparisons rather than f32::max/min: those return the non-NaN operand and would hide a NaN.
    let x = if x > EXP_HI { EXP_HI } else { x };
    let x = if x < EXP_LO { EXP_LO } else { x };
    // Adding and removing 1.5 * 2^23 rounds to the nearest integer without a libm call (SSE2 has no round).
    const ROUND: f32 = 12_582_912.0;
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let poly = ((((P0 * r + P1) * r + P2) * r + P3) * r + P4) * r + P5;
    let er = poly * (r * r) + r + 1.0;
    er * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// Logistic sigmoid `1 / (1 + e^-x)`, absolute error below [`MAX_ABS_ERROR`].
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// Hyperbolic tangent as `1 - 2 / (e^2x + 1)`, absolute error below [`MAX_ABS_ERROR`].
///
/// Near zero this loses relative precision (tanh(1e-6) comes out as a multiple of 6e-8), which an LSTM never
/// notices: the result is added to values of order one.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every 64th f32 in [-lim, lim] plus the edges: about 33 million points in debug builds stays quick enough,
    /// and the error of these functions varies smoothly between neighbouring floats.
    fn sweep(lim: f32, mut check: impl FnMut(f32)) {
        let mut bits = 0u32;
        while f32::from_bits(bits) <= lim {
            check(f32::from_bits(bits));
            check(-f32::from_bits(bits));
            bits += 64;
        }
        for x in [0.0, -0.0, 1e-30, -1e-30, lim, -lim, 1e6, -1e6, f32::MAX, f32::MIN] {
            check(x);
        }
    }

    fn max_error(f: fn(f32) -> f32, reference: fn(f64) -> f64) -> (f64, f32) {
        let mut worst = (0.0f64, 0.0f32);
        sweep(100.0, |x| {
            let err = (f(x) as f64 - reference(x as f64)).abs();
            if err > worst.0 {
                worst = (err, x);
            }
        });
        worst
    }

    #[test]
    fn sigmoid_is_within_the_stated_bound_everywhere() {
        let (err, at) = max_error(sigmoid, |x| 1.0 / (1.0 + (-x).exp()));
        eprintln!("sigmoid max abs error {err:e} at x = {at}");
        assert!(err <= MAX_ABS_ERROR as f64, "sigmoid error {err:e} at x = {at}");
    }

    #[test]
    fn tanh_is_within_the_stated_bound_everywhere() {
        let (err, at) = max_error(tanh, f64::tanh);
        eprintln!("tanh max abs error {err:e} at x = {at}");
        assert!(err <= MAX_ABS_ERROR as f64, "tanh error {err:e} at x = {at}");
    }

    #[test]
    fn exp_has_small_relative_error_over_its_range() {
        let mut worst = 0.0f64;
        sweep(87.0, |x| {
            if x.abs() > 87.0 {
                return;
            }
            let exact = (x as f64).exp();
            worst = worst.max(((exp(x) as f64 - exact) / exact).abs());
        });
        eprintln!("exp max relative error {worst:e}");
        assert!(worst < 3.0e-7, "exp relative error {worst:e}");
    }

    #[test]
    fn saturation_is_exact_and_monotone_at_the_ends() {
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
        assert_eq!(sigmoid(200.0), 1.0);
        assert!(sigmoid(-200.0) >= 0.0 && sigmoid(-200.0) < 1e-37);
        assert_eq!(tanh(f32::INFINITY), 1.0);
        assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
    }

    #[test]
    fn nan_passes_through_so_a_poisoned_state_stays_visible() {
        assert!(sigmoid(f32::NAN).is_nan());
        assert!(tanh(f32::NAN).is_nan());
    }
}
