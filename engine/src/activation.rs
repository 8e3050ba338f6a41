//! Scalar sigmoid, tanh and exp for the layers that work one value at a time (a GRU's gates, a dense layer's
//! activation, the portable LSTM cell): [`crate::simd::math`] on a one-lane vector, so every kernel, scalar or
//! vector, training or playback, evaluates the same approximation.

use crate::simd::{Scalar, math};

/// Largest absolute error of [`sigmoid`] and [`tanh`] against f64 on all of f32, as asserted by this module's
/// tests (the vector kernels are tested against the same bound in `simd::math`).
pub const MAX_ABS_ERROR: f32 = 2.5e-7;

/// `e^x` to about 1 ulp for x in [-87.3, 88]; saturates outside, propagates NaN.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    math::exp(Scalar, x)
}

/// Logistic sigmoid `1 / (1 + e^-x)`, absolute error below [`MAX_ABS_ERROR`].
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    math::sigmoid(Scalar, x)
}

/// Hyperbolic tangent, absolute error below [`MAX_ABS_ERROR`] and relative error below 1e-6.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    math::tanh(Scalar, x)
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
