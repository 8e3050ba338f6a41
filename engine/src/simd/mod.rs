//! The vector maths every LSTM and GRU kernel of the project is written in, once, for every instruction set:
//! the engine's streaming and batched kernels and the trainer's fused training op.
//!
//! Kernels are generic over [`Simd`]; each instruction set is a zero-sized token whose methods wrap that set's
//! intrinsics. A token can only be made after run-time detection, so one binary runs on any x86-64 (or other)
//! CPU without `-C target-cpu=native` and takes the AVX-512 path where the CPU has it. [`Kernel::run`] is the
//! one dispatch: it calls a [`SimdOp`] inside an entry point compiled with that set's `#[target_feature]`, and
//! everything below it is `#[inline(always)]` so that it is compiled with those features.
//!
//! [`math`] holds the one exp / sigmoid / tanh; [`Scalar`] runs it on single floats, so the scalar activations
//! of [`crate::activation`] are the vector ones lane by lane.

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod kernel;
pub mod math;
mod portable;
mod scalar;

#[cfg(target_arch = "x86_64")]
pub use avx2::Avx2;
#[cfg(target_arch = "x86_64")]
pub use avx512::Avx512;
pub use kernel::{Kernel, SimdOp};
pub use portable::Portable;
pub use scalar::Scalar;

/// Lane-wise `f32` vector operations. `V` holds `LANES` floats.
///
/// Loads and stores take raw pointers because they sit in the innermost loops, where per-access bounds checks
/// cost measurable time; every caller checks its buffer sizes once at the kernel's entry. `min` and `max`
/// return their second operand when either is NaN (as x86's do), which lets a clamp written `min(limit, x)`
/// pass a NaN through.
pub trait Simd: Copy {
    const LANES: usize;
    /// How many `V` the register file holds: register tiles are sized by it.
    const REGISTERS: usize;
    type V: Copy;

    fn splat(self, value: f32) -> Self::V;
    /// # Safety
    /// `src..src + LANES` must be readable `f32`s.
    unsafe fn load(self, src: *const f32) -> Self::V;
    /// # Safety
    /// `dst..dst + LANES` must be writable `f32`s.
    unsafe fn store(self, dst: *mut f32, value: Self::V);
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a * b + c`, fused where the instruction set has FMA.
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `if a < b { a } else { b }` lane-wise.
    fn min(self, a: Self::V, b: Self::V) -> Self::V;
    /// `if a > b { a } else { b }` lane-wise.
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`, correctly rounded (a divide on every set: the reciprocal estimates and a Newton step fall short of
    /// the activations' promised accuracy near their extremes, and the streaming step measured faster with the
    /// divide).
    fn div(self, a: Self::V, b: Self::V) -> Self::V;
    fn abs(self, a: Self::V) -> Self::V;
    /// The magnitude of `magnitude` with the sign of `sign`.
    fn copysign(self, magnitude: Self::V, sign: Self::V) -> Self::V;
    /// Rounds to the nearest integer (ties to even); only used on values well inside +-2^22.
    fn round(self, a: Self::V) -> Self::V;
    /// `p * 2^n` for integer-valued `n` in -126..=127.
    fn mul_exp2(self, p: Self::V, n: Self::V) -> Self::V;
    /// Lane-wise `if a < b { when_less } else { otherwise }`.
    fn select_less(self, a: Self::V, b: Self::V, when_less: Self::V, otherwise: Self::V) -> Self::V;
    fn sum(self, a: Self::V) -> f32;
}

/// `2^n` as a float built from its exponent bits, for integer-valued `n` in -126..=127 (a NaN `n` gives 1,
/// and the NaN travels on in the mantissa it multiplies).
#[inline(always)]
pub(crate) fn exp2_int(n: f32) -> f32 {
    f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// Round to nearest even by adding and removing 1.5 * 2^23: no libm call where the baseline has no round
/// instruction (SSE2), and exact for |x| < 2^22.
#[inline(always)]
pub(crate) fn round_ties_even(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0;
    (x + ROUND) - ROUND
}
