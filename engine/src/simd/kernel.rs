//! Which instruction set runs a kernel, chosen at run time so one binary serves every x86-64 machine, and the
//! one place that enters a kernel compiled for it.

use super::{Portable, Simd};

/// An instruction set the kernels are compiled for. All of them compute the same functions; they differ in
/// rounding (FMA or not) and are tested against each other and against f64 references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Eight-lane arrays the compiler vectorises for the baseline target (SSE2 on x86-64, NEON on aarch64).
    Portable,
    /// 256-bit AVX2 with FMA (x86-64-v3 machines).
    Avx2Fma,
    /// 512-bit AVX-512F; on the Zen 5 development machine a 512-bit FMA has the throughput of two 256-bit ones.
    Avx512,
}

/// A computation written once over [`Simd`]: [`Kernel::run`] calls it with the token of an instruction set,
/// inside a function compiled for that set. Implementations must be `#[inline(always)]` all the way down, or
/// the parts not inlined are compiled for the baseline target.
pub trait SimdOp {
    type Output;
    fn run<S: Simd>(self, s: S) -> Self::Output;
}

impl Kernel {
    /// Every kernel, fastest first.
    pub const ALL: [Kernel; 3] = [Kernel::Avx512, Kernel::Avx2Fma, Kernel::Portable];

    /// Whether this machine can run the kernel.
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2Fma => super::Avx2::detect().is_some(),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => super::Avx512::detect().is_some(),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The fastest kernel this machine can run.
    pub fn best() -> Kernel {
        Kernel::ALL.into_iter().find(|k| k.is_available()).unwrap_or(Kernel::Portable)
    }

    /// Every kernel this machine runs, fastest first (tests compare them with each other).
    pub fn available() -> Vec<Kernel> {
        Kernel::ALL.into_iter().filter(|k| k.is_available()).collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Avx2Fma => "avx2+fma",
            Kernel::Avx512 => "avx512",
        }
    }

    /// Floats per vector.
    pub fn lanes(self) -> usize {
        match self {
            Kernel::Avx512 => 16,
            Kernel::Avx2Fma | Kernel::Portable => 8,
        }
    }

    /// Runs `op` on this instruction set, or on the portable one where this CPU lacks it (a kernel value can be
    /// made on any machine; only the token proves the features).
    #[inline]
    pub fn run<O: SimdOp>(self, op: O) -> O::Output {
        #[cfg(target_arch = "x86_64")]
        {
            use super::{Avx2, Avx512};
            match self {
                // SAFETY: the token proves that the CPU has the features the entry point is compiled with.
                Kernel::Avx512 => {
                    if let Some(token) = Avx512::detect() {
                        return unsafe { run_avx512(token, op) };
                    }
                }
                // SAFETY: as above.
                Kernel::Avx2Fma => {
                    if let Some(token) = Avx2::detect() {
                        return unsafe { run_avx2(token, op) };
                    }
                }
                Kernel::Portable => {}
            }
        }
        op.run(Portable)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn run_avx512<O: SimdOp>(token: super::Avx512, op: O) -> O::Output {
    op.run(token)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_avx2<O: SimdOp>(token: super::Avx2, op: O) -> O::Output {
    op.run(token)
}
