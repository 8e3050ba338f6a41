//! The AVX-512F token: 16 lanes.

use std::arch::x86_64::*;

use super::Simd;

/// Proof that the CPU has AVX-512F (with AVX2 and FMA, which every AVX-512 CPU has); only [`Avx512::detect`]
/// makes one.
#[derive(Clone, Copy, Debug)]
pub struct Avx512(());

impl Avx512 {
    pub fn detect() -> Option<Avx512> {
        use std::arch::is_x86_feature_detected as has;
        (has!("avx512f") && has!("avx2") && has!("fma")).then_some(Avx512(()))
    }
}

// SAFETY (every `unsafe` block below): an `Avx512` value exists only after run-time detection of AVX-512F, so
// its intrinsics are supported by the running CPU.
impl Simd for Avx512 {
    const LANES: usize = 16;
    const REGISTERS: usize = 32;
    type V = __m512;

    #[inline(always)]
    fn splat(self, value: f32) -> __m512 {
        unsafe { _mm512_set1_ps(value) }
    }
    #[inline(always)]
    unsafe fn load(self, src: *const f32) -> __m512 {
        unsafe { _mm512_loadu_ps(src) }
    }
    #[inline(always)]
    unsafe fn store(self, dst: *mut f32, value: __m512) {
        unsafe { _mm512_storeu_ps(dst, value) }
    }
    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_mul_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        unsafe { _mm512_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn min(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_min_ps(a, b) }
    }
    #[inline(always)]
    fn max(self, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_max_ps(a, b) }
    }
    #[inline(always)]
    fn div(self, a: __m512, b: __m512) -> __m512 {
        // A divide, not rcp14 plus a Newton step: the streaming LSTM's step is bound by the latency of its
        // activations, where the divide measured faster (hidden 64: 55 against 45x real time), and training
        // measured the same either way; it is also exact.
        unsafe { _mm512_div_ps(a, b) }
    }
    #[inline(always)]
    fn abs(self, a: __m512) -> __m512 {
        unsafe { _mm512_abs_ps(a) }
    }
    #[inline(always)]
    fn copysign(self, magnitude: __m512, sign: __m512) -> __m512 {
        unsafe {
            let sign_bit = _mm512_set1_epi32(i32::MIN);
            let mag = _mm512_andnot_si512(sign_bit, _mm512_castps_si512(magnitude));
            let sgn = _mm512_and_si512(sign_bit, _mm512_castps_si512(sign));
            _mm512_castsi512_ps(_mm512_or_si512(mag, sgn))
        }
    }
    #[inline(always)]
    fn round(self, a: __m512) -> __m512 {
        unsafe { _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn mul_exp2(self, p: __m512, n: __m512) -> __m512 {
        // One instruction instead of convert, add, shift and multiply: ~10 % of the training step's activations.
        unsafe { _mm512_scalef_ps(p, n) }
    }
    #[inline(always)]
    fn select_less(self, a: __m512, b: __m512, when_less: __m512, otherwise: __m512) -> __m512 {
        unsafe {
            let mask = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(a, b);
            _mm512_mask_blend_ps(mask, otherwise, when_less)
        }
    }
    #[inline(always)]
    fn sum(self, a: __m512) -> f32 {
        unsafe { _mm512_reduce_add_ps(a) }
    }
}
