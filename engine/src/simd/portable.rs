//! The portable token: eight-lane arrays in plain Rust.

use super::{Simd, exp2_int, round_ties_even};

/// Eight-lane arrays in plain Rust; the compiler turns the lane loops into baseline vector instructions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Portable;

type Lanes = [f32; 8];

#[inline(always)]
fn map(a: Lanes, f: impl Fn(f32) -> f32) -> Lanes {
    std::array::from_fn(|lane| f(a[lane]))
}

#[inline(always)]
fn zip(a: Lanes, b: Lanes, f: impl Fn(f32, f32) -> f32) -> Lanes {
    std::array::from_fn(|lane| f(a[lane], b[lane]))
}

impl Simd for Portable {
    const LANES: usize = 8;
    // Each eight-float vector is two of the baseline's 16 SSE (or 32 NEON) registers.
    const REGISTERS: usize = 8;
    type V = Lanes;

    #[inline(always)]
    fn splat(self, value: f32) -> Lanes {
        [value; 8]
    }
    #[inline(always)]
    unsafe fn load(self, src: *const f32) -> Lanes {
        // SAFETY: the caller guarantees eight readable floats at `src`.
        unsafe { std::ptr::read_unaligned(src.cast::<Lanes>()) }
    }
    #[inline(always)]
    unsafe fn store(self, dst: *mut f32, value: Lanes) {
        // SAFETY: the caller guarantees eight writable floats at `dst`.
        unsafe { std::ptr::write_unaligned(dst.cast::<Lanes>(), value) }
    }
    #[inline(always)]
    fn add(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| x + y)
    }
    #[inline(always)]
    fn sub(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| x - y)
    }
    #[inline(always)]
    fn mul(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| x * y)
    }
    #[inline(always)]
    fn mul_add(self, a: Lanes, b: Lanes, c: Lanes) -> Lanes {
        // `f32::mul_add` would call the libm fma routine on CPUs without FMA: far slower than two roundings.
        std::array::from_fn(|lane| a[lane] * b[lane] + c[lane])
    }
    #[inline(always)]
    fn min(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| if x < y { x } else { y })
    }
    #[inline(always)]
    fn max(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| if x > y { x } else { y })
    }
    #[inline(always)]
    fn div(self, a: Lanes, b: Lanes) -> Lanes {
        zip(a, b, |x, y| x / y)
    }
    #[inline(always)]
    fn abs(self, a: Lanes) -> Lanes {
        map(a, f32::abs)
    }
    #[inline(always)]
    fn copysign(self, magnitude: Lanes, sign: Lanes) -> Lanes {
        zip(magnitude, sign, f32::copysign)
    }
    #[inline(always)]
    fn round(self, a: Lanes) -> Lanes {
        map(a, round_ties_even)
    }
    #[inline(always)]
    fn mul_exp2(self, p: Lanes, n: Lanes) -> Lanes {
        zip(p, n, |p, n| p * exp2_int(n))
    }
    #[inline(always)]
    fn select_less(self, a: Lanes, b: Lanes, when_less: Lanes, otherwise: Lanes) -> Lanes {
        std::array::from_fn(|lane| if a[lane] < b[lane] { when_less[lane] } else { otherwise[lane] })
    }
    #[inline(always)]
    fn sum(self, a: Lanes) -> f32 {
        a.iter().sum()
    }
}
