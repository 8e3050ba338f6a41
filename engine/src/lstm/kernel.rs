//! Which instruction set runs the LSTM step, chosen at run time so one binary serves every x86-64 machine.

/// An implementation of the LSTM step. All of them compute the same function; they differ in rounding (FMA or
/// not) and are tested against each other and against an f64 reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Plain Rust that the compiler vectorises for the baseline target (SSE2 on x86-64, NEON on aarch64).
    Portable,
    /// 256-bit AVX2 with FMA (x86-64-v3 machines).
    Avx2Fma,
    /// 512-bit AVX-512F.
    Avx512,
}

impl Kernel {
    /// Every kernel, fastest first.
    pub const ALL: [Kernel; 3] = [Kernel::Avx512, Kernel::Avx2Fma, Kernel::Portable];

    /// Whether this machine can run the kernel.
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2Fma => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => is_x86_feature_detected!("avx512f"),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The fastest kernel this machine can run.
    pub fn best() -> Kernel {
        Kernel::ALL.into_iter().find(|k| k.is_available()).unwrap_or(Kernel::Portable)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::Avx2Fma => "avx2+fma",
            Kernel::Avx512 => "avx512",
        }
    }

    /// (floats per vector, accumulator vectors per chunk) for [`super::packed::PackedLstm::new`].
    ///
    /// AVX-512 has 32 zmm registers: 24 accumulators cover hidden 96's 384 gate columns in one pass and leave room
    /// for the broadcast and the loads. AVX2 has 16 ymm: 12 accumulators. The portable kernel's 32-float chunk is
    /// 8 SSE or NEON registers.
    pub(crate) fn layout(self) -> (usize, usize) {
        match self {
            Kernel::Portable => (8, 4),
            Kernel::Avx2Fma => (8, 12),
            Kernel::Avx512 => (16, 24),
        }
    }
}
