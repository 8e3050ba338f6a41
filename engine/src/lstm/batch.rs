//! Many independent sequences advanced in lockstep, for evaluating windows from zero state.
//!
//! One sequence per step is a matrix-vector product, bound by how fast the recurrent matrix streams from L2.
//! With `rows` sequences it becomes a matrix-matrix product: each weight vector loaded from cache feeds several
//! sequences' FMAs, so the same weights cost a fraction of the bandwidth per sequence. Measured (bench, load ~9):
//! hidden 96, ctx 44, about 55k windows per CPU-second on AVX-512, i.e. ~1600 cycles per window-step at 3.9 GHz
//! against 1150 cycles of FMAs and ~300 of activations.

use super::aligned::AlignedBuf;
use super::packed::PackedLstm;
use super::step::update_with_output;
use crate::model::LstmWeights;
use crate::simd::{Kernel, Simd, SimdOp};

/// Sequences per batch: a multiple of the register tile height ([`TILE_ROWS`]), large enough that the weights
/// of one column panel are reused many times from L1, small enough that the batch's hidden state (48 x 96
/// floats = 18 KB) sits beside that panel (24 KB at hidden 96) in a 48 KB L1.
pub(crate) const BATCH: usize = 48;

/// Rows (windows) per register tile of the batched product.
const TILE_ROWS: usize = 6;

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
    /// `kernel` should be available on this CPU (else the portable one runs); missing conditioning values
    /// count as 0.
    pub(crate) fn new(weights: &LstmWeights, kernel: Kernel, conditioning: &[f32]) -> Self {
        let kernel = if kernel.is_available() { kernel } else { Kernel::Portable };
        // One chunk: the batched product tiles columns itself, and wants plain row-major rows.
        let lanes = kernel.lanes();
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
        assert!(audio.len() >= BATCH + ctx - 1 && out.len() >= BATCH && ctx >= 1);
        self.kernel.run(Windows { lstm: self, audio, ctx, out })
    }
}

struct Windows<'a> {
    lstm: &'a mut BatchLstm,
    audio: &'a [f32],
    ctx: usize,
    out: &'a mut [f32],
}

impl SimdOp for Windows<'_> {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let Windows { lstm, audio, ctx, out } = self;
        let p = &lstm.packed;
        let (hp, cols) = (p.padded, p.cols);
        lstm.h.fill_zero();
        lstm.c.fill_zero();
        for step in 0..ctx {
            let inputs = BatchInputs {
                audio: &audio[step..step + BATCH],
                bias: lstm.input_bias.as_slice(),
                audio_weights: &p.input_kernel.as_slice()[..cols],
                // From zero state the recurrent product is zero.
                recurrent_rows: if step == 0 { 0 } else { p.hidden },
            };
            let (h, z) = (lstm.h.as_slice(), lstm.z.as_mut_slice());
            // Vectors per tile row: 6 x 4 = 24 accumulators, 4 weight vectors and a broadcast fit AVX-512's 32
            // registers; AVX2's 16 take 6 x 2.
            match S::REGISTERS / 8 {
                4.. => gate_products::<S, 4>(s, p, &inputs, h, z),
                2 | 3 => gate_products::<S, 2>(s, p, &inputs, h, z),
                _ => gate_products::<S, 1>(s, p, &inputs, h, z),
            }
            let last = step + 1 == ctx;
            let (z, c, h) = (lstm.z.as_slice(), lstm.c.as_mut_slice(), lstm.h.as_mut_slice());
            for (row, ((z_row, c_row), h_row)) in
                z.chunks_exact(cols).zip(c.chunks_exact_mut(hp)).zip(h.chunks_exact_mut(hp)).enumerate()
            {
                let (y, _) = update_with_output(s, p, z_row, c_row, h_row);
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
struct BatchInputs<'a> {
    audio: &'a [f32],
    bias: &'a [f32],
    audio_weights: &'a [f32],
    /// Rows of `h R` to include: 0 on the first step, whose state is zero.
    recurrent_rows: usize,
}

/// `z = bias + x K + h R` for [`BATCH`] sequences at once: `h` is `BATCH x padded`, `z` is `BATCH x cols`, `R`
/// is the single-chunk recurrent matrix. Each weight vector loaded feeds six FMAs, so unlike the one-sequence
/// step this runs at FMA throughput, not L2 bandwidth.
#[inline(always)]
fn gate_products<S: Simd, const V: usize>(s: S, p: &PackedLstm, inputs: &BatchInputs, h: &[f32], z: &mut [f32]) {
    let (hp, cols, lanes) = (p.padded, p.cols, S::LANES);
    assert!(p.chunks.len() == 1 && cols.is_multiple_of(V * lanes) && inputs.recurrent_rows <= p.hidden);
    assert!(h.len() >= BATCH * hp && z.len() >= BATCH * cols && inputs.audio.len() >= BATCH);
    assert!(inputs.bias.len() == cols && inputs.audio_weights.len() == cols);
    let weights = p.recurrent.as_slice();
    assert!(weights.len() >= inputs.recurrent_rows * cols);
    let (weights, h, z) = (weights.as_ptr(), h.as_ptr(), z.as_mut_ptr());
    // SAFETY: row + m < BATCH, k < recurrent_rows <= hidden <= hp and column + V * lanes <= cols keep every
    // access inside the sizes checked above.
    unsafe {
        for column in (0..cols).step_by(V * lanes) {
            for row in (0..BATCH).step_by(TILE_ROWS) {
                let mut acc = [[s.splat(0.0); V]; TILE_ROWS];
                for (m, acc_row) in acc.iter_mut().enumerate() {
                    let x = s.splat(*inputs.audio.get_unchecked(row + m));
                    for (n, a) in acc_row.iter_mut().enumerate() {
                        let offset = column + n * lanes;
                        let (b, k) = (inputs.bias.as_ptr().add(offset), inputs.audio_weights.as_ptr().add(offset));
                        *a = s.mul_add(x, s.load(k), s.load(b));
                    }
                }
                for k in 0..inputs.recurrent_rows {
                    let w_row = weights.add(k * cols + column);
                    let w: [S::V; V] = std::array::from_fn(|n| s.load(w_row.add(n * lanes)));
                    for (m, acc_row) in acc.iter_mut().enumerate() {
                        let hk = s.splat(*h.add((row + m) * hp + k));
                        for (a, &wn) in acc_row.iter_mut().zip(&w) {
                            *a = s.mul_add(hk, wn, *a);
                        }
                    }
                }
                for (m, acc_row) in acc.iter().enumerate() {
                    for (n, a) in acc_row.iter().enumerate() {
                        s.store(z.add((row + m) * cols + column + n * lanes), *a);
                    }
                }
            }
        }
    }
}
