//! The vector maths the fused LSTM kernel is written in, once, for every instruction set.
//!
//! The kernel is generic over [`Simd`]; each instruction set is a zero-sized token whose methods wrap that set's
//! intrinsics. A token can only be made after run-time detection, so the binary runs on any x86-64 (or other)
//! CPU without `-C target-cpu=native`, and the AVX-512 path is taken where the CPU has it. The kernel's entry
//! points are compiled once per set with `#[target_feature]` (see [`Isa`]); everything below them is
//! `#[inline(always)]` so that it is compiled with the entry point's features.

mod activation;
#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
mod portable;

pub(crate) use activation::{fast_sigmoid, fast_tanh};
#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::Avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) use avx512::Avx512;
pub(crate) use portable::Portable;

/// Lane-wise `f32` vector operations. `V` holds `LANES` floats.
///
/// Loads and stores take raw pointers because they sit in the innermost loops, where per-access bounds checks
/// cost measurable time; every caller checks its buffer sizes once at the kernel's entry.
pub(crate) trait Simd: Copy {
    const LANES: usize;
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
    fn min(self, a: Self::V, b: Self::V) -> Self::V;
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// `1 / a` to within a few units in the last place.
    fn recip(self, a: Self::V) -> Self::V;
    fn abs(self, a: Self::V) -> Self::V;
    /// The magnitude of `magnitude` with the sign of `sign`.
    fn copysign(self, magnitude: Self::V, sign: Self::V) -> Self::V;
    /// Rounds to the nearest integer (ties to even).
    fn round(self, a: Self::V) -> Self::V;
    /// `2^n` for integer-valued `n` in -126..=127.
    fn exp2_int(self, n: Self::V) -> Self::V;
    /// `p * 2^n` for integer-valued `n` in -126..=127.
    #[inline(always)]
    fn mul_exp2(self, p: Self::V, n: Self::V) -> Self::V {
        self.mul(p, self.exp2_int(n))
    }
    /// Lane-wise `if a < b { when_less } else { otherwise }`.
    fn select_less(self, a: Self::V, b: Self::V, when_less: Self::V, otherwise: Self::V) -> Self::V;
    fn sum(self, a: Self::V) -> f32;
}

/// The instruction set a kernel call runs on, chosen at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// 16 lanes; on the Zen 5 development machine a 512-bit FMA has the throughput of two 256-bit ones.
    Avx512,
    /// 8 lanes with FMA.
    Avx2,
    /// 8-lane arrays the compiler vectorises with the baseline instruction set (SSE2 on x86-64).
    Portable,
}

impl Isa {
    /// The widest instruction set this CPU runs.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }

    /// Every instruction set this CPU runs, widest first (tests compare them with each other).
    pub fn available() -> Vec<Isa> {
        let mut sets = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                sets.push(Isa::Avx512);
            }
            if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
                sets.push(Isa::Avx2);
            }
        }
        sets.push(Isa::Portable);
        sets
    }

    /// Floats per vector: the kernel pads the hidden size to a multiple of this.
    pub fn lanes(self) -> usize {
        match self {
            Isa::Avx512 => 16,
            Isa::Avx2 | Isa::Portable => 8,
        }
    }
}
