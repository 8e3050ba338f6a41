//! Many independent sequences advanced in lockstep, for evaluating windows from zero state.
//!
//! One sequence per step is a matrix-vector product, bound by how fast the recurrent matrix streams from L2.
//! With `rows` sequences it becomes a matrix-matrix product: each weight vector loaded from cache feeds several
//! sequences' FMAs, so the same weights cost a fraction of the bandwidth per sequence. Measured (bench, load ~9):
//! hidden 96, ctx 44, about 55k windows per CPU-second on AVX-512, i.e. ~1600 cycles per window-step at 3.9 GHz
//! against 1150 cycles of FMAs and ~300 of activations.

use super::Kernel;
use super::aligned::AlignedBuf;
use super::packed::PackedLstm;
use crate::model::LstmWeights;

/// Sequences per batch: a multiple of every kernel's register tile height (6), large enough that the weights of
/// one column panel are reused many times from L1, small enough that the batch's hidden state (48 x 96 floats =
/// 18 KB) sits beside that panel (24 KB at hidden 96) in a 48 KB L1.
pub(crate) const BATCH: usize = 48;

pub(crate) struct BatchLstm {
    kernel: Kernel,
    packed: PackedLstm,
    /// `bias + sum_i conditioning_i * kernel_row_{i+1}`: the part of the input product that never changes.
    input_bias: AlignedBuf,
    h: AlignedBuf,
    c: AlignedBuf,
    z: AlignedBuf,
}

impl BatchLstm {
    /// `kernel` must be available on this CPU; missing conditioning values count as 0.
    pub(crate) fn new(weights: &LstmWeights, kernel: Kernel, conditioning: &[f32]) -> Self {
        let (lanes, _) = kernel.layout();
        // One chunk: the batched product tiles columns itself, and wants plain row-major rows.
        let packed = PackedLstm::new(weights, lanes, usize::MAX / (4 * lanes));
        let cols = packed.cols;
        let mut input_bias = AlignedBuf::zeros(cols);
        {
            let bias = input_bias.as_mut_slice();
            bias.copy_from_slice(packed.bias.as_slice());
            let kernel_rows = packed.input_kernel.as_slice();
            for (i, &value) in conditioning.iter().enumerate().take(packed.inputs - 1) {
                for (b, &k) in bias.iter_mut().zip(&kernel_rows[(i + 1) * cols..(i + 2) * cols]) {
                    *b += value * k;
                }
            }
        }
        BatchLstm {
            kernel,
            h: AlignedBuf::zeros(BATCH * packed.padded),
            c: AlignedBuf::zeros(BATCH * packed.padded),
            z: AlignedBuf::zeros(BATCH * cols),
            input_bias,
            packed,
        }
    }

    /// Runs [`BATCH`] windows of `ctx` samples from zero state: window `b` reads `audio[b..b + ctx]`, and its
    /// Dense(1) output after the last sample goes to `out[b]`. `audio` must hold `BATCH + ctx - 1` samples and
    /// `out` `BATCH`.
    pub(crate) fn run_windows(&mut self, audio: &[f32], ctx: usize, out: &mut [f32]) {
        debug_assert!(audio.len() >= BATCH + ctx - 1 && out.len() >= BATCH && ctx >= 1);
        let (hp, cols) = (self.packed.padded, self.packed.cols);
        self.h.fill_zero();
        self.c.fill_zero();
        for step in 0..ctx {
            let inputs = BatchInputs {
                audio: &audio[step..step + BATCH],
                bias: self.input_bias.as_slice(),
                audio_weights: &self.packed.input_kernel.as_slice()[..cols],
                // From zero state the recurrent product is zero.
                recurrent_rows: if step == 0 { 0 } else { self.packed.hidden },
            };
            gate_products(self.kernel, &self.packed, &inputs, self.h.as_slice(), self.z.as_mut_slice());
            let last = step + 1 == ctx;
            let (z, c, h) = (self.z.as_slice(), self.c.as_mut_slice(), self.h.as_mut_slice());
            for (row, ((z_row, c_row), h_row)) in
                z.chunks_exact(cols).zip(c.chunks_exact_mut(hp)).zip(h.chunks_exact_mut(hp)).enumerate()
            {
                let y = update_row(self.kernel, &self.packed, z_row, c_row, h_row);
                if last {
                    out[row] = y;
                }
            }
        }
    }
}

/// What the batched product adds besides `h R`: one audio sample per sequence times the audio row of the input
/// kernel, plus the bias with the constant conditioning folded in. Folding it into the product's first FMA saves
/// a pass over `z` (73 KB at hidden 96, more than L1) per step.
pub(super) struct BatchInputs<'a> {
    pub audio: &'a [f32],
    pub bias: &'a [f32],
    pub audio_weights: &'a [f32],
    /// Rows of `h R` to include: 0 on the first step, whose state is zero.
    pub recurrent_rows: usize,
}

fn gate_products(kernel: Kernel, p: &PackedLstm, inputs: &BatchInputs, h: &[f32], z: &mut [f32]) {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `new` requires an available kernel; `packed` has its lanes and one chunk; BATCH is a multiple
        // of the tile height and the buffers were sized for BATCH rows.
        Kernel::Avx512 => unsafe { super::avx512::batch_gate_products(p, BATCH, inputs, h, z) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2Fma => unsafe { super::avx2::batch_gate_products(p, BATCH, inputs, h, z) },
        _ => super::portable::batch_gate_products(p, BATCH, inputs, h, z),
    }
}

/// One sequence's cell update; returns its Dense(1) output.
fn update_row(kernel: Kernel, p: &PackedLstm, z: &[f32], c: &mut [f32], h: &mut [f32]) -> f32 {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as in `gate_products`; the rows have `padded` (z: `cols`) floats on 64-byte boundaries.
        Kernel::Avx512 => unsafe { super::avx512::update_state(p, z, c, h).0 },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Kernel::Avx2Fma => unsafe { super::avx2::update_state(p, z, c, h).0 },
        _ => {
            super::portable::update_state(p.padded, z, c, h);
            super::portable::dot(h, p.dense.as_slice()) + p.dense_bias
        }
    }
}
