//! One float as a one-lane vector, so that scalar code evaluates [`super::math`] exactly as the portable
//! kernel does in each of its lanes.

use super::{Simd, exp2_int, round_ties_even};

#[derive(Clone, Copy, Debug, Default)]
pub struct Scalar;

impl Simd for Scalar {
    const LANES: usize = 1;
    const REGISTERS: usize = 16;
    type V = f32;

    #[inline(always)]
    fn splat(self, value: f32) -> f32 {
        value
    }
    #[inline(always)]
    unsafe fn load(self, src: *const f32) -> f32 {
        // SAFETY: the caller guarantees one readable float at `src`.
        unsafe { src.read_unaligned() }
    }
    #[inline(always)]
    unsafe fn store(self, dst: *mut f32, value: f32) {
        // SAFETY: the caller guarantees one writable float at `dst`.
        unsafe { dst.write_unaligned(value) }
    }
    #[inline(always)]
    fn add(self, a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32, b: f32) -> f32 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32, b: f32) -> f32 {
        a * b
    }
    #[inline(always)]
    fn mul_add(self, a: f32, b: f32, c: f32) -> f32 {
        // Two roundings, as the portable kernel: `f32::mul_add` is a libm call on CPUs without FMA.
        a * b + c
    }
    #[inline(always)]
    fn min(self, a: f32, b: f32) -> f32 {
        if a < b { a } else { b }
    }
    #[inline(always)]
    fn max(self, a: f32, b: f32) -> f32 {
        if a > b { a } else { b }
    }
    #[inline(always)]
    fn div(self, a: f32, b: f32) -> f32 {
        a / b
    }
    #[inline(always)]
    fn abs(self, a: f32) -> f32 {
        a.abs()
    }
    #[inline(always)]
    fn copysign(self, magnitude: f32, sign: f32) -> f32 {
        magnitude.copysign(sign)
    }
    #[inline(always)]
    fn round(self, a: f32) -> f32 {
        round_ties_even(a)
    }
    #[inline(always)]
    fn mul_exp2(self, p: f32, n: f32) -> f32 {
        p * exp2_int(n)
    }
    #[inline(always)]
    fn select_less(self, a: f32, b: f32, when_less: f32, otherwise: f32) -> f32 {
        if a < b { when_less } else { otherwise }
    }
    #[inline(always)]
    fn sum(self, a: f32) -> f32 {
        a
    }
}
