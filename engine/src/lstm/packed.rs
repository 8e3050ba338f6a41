//! The LSTM's weights rearranged for one kernel's vector width.
//!
//! Keras stores gate columns as `g * H + j`. Here each gate is padded to `Hp` (a multiple of the kernel's lane
//! count) so that a vector never mixes two gates, and the recurrent matrix is cut into column chunks that fit the
//! kernel's register file: within a chunk, row `k` holds that chunk's columns contiguously, so one step streams
//! the matrix exactly once into register accumulators (broadcast `h[k]`, one FMA per vector).
//! Padded units have zero weights and bias; their state stays exactly zero (c' = 0.5 * 0 + 0.5 * tanh 0), so the
//! kernels may process them blindly.
//!
//! The order of that stream alternates from step to step (see [`Sweep`]).

use super::aligned::AlignedBuf;
use crate::model::{GATES, LstmWeights};

/// A run of gate columns `start..start + width` whose accumulators stay in registers for a whole step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chunk {
    pub start: usize,
    pub width: usize,
}

#[derive(Clone)]
pub(crate) struct PackedLstm {
    pub inputs: usize,
    pub hidden: usize,
    /// Hidden size rounded up to the lane count.
    pub padded: usize,
    /// `GATES * padded`.
    pub cols: usize,
    pub chunks: Vec<Chunk>,
    /// `inputs x cols`, row-major.
    pub input_kernel: AlignedBuf,
    /// Chunk after chunk, each `hidden x chunk.width` row-major; chunk `c` starts at `hidden * c.start`.
    pub recurrent: AlignedBuf,
    pub bias: AlignedBuf,
    /// `padded` values.
    pub dense: AlignedBuf,
    pub dense_bias: f32,
}

impl PackedLstm {
    /// `lanes`: floats per vector; `max_chunk_vectors`: accumulators the kernel can keep in registers (a
    /// multiple of 4, since every chunk width is).
    pub(crate) fn new(weights: &LstmWeights, lanes: usize, max_chunk_vectors: usize) -> Self {
        let (inputs, hidden) = (weights.input_size, weights.hidden_size);
        let keras_cols = GATES * hidden;
        let padded = hidden.div_ceil(lanes) * lanes;
        let cols = GATES * padded;
        let column = |keras_col: usize| (keras_col / hidden) * padded + keras_col % hidden;

        let mut chunks = Vec::new();
        let mut start = 0;
        while start < cols {
            let width = (cols - start).min(max_chunk_vectors * lanes);
            chunks.push(Chunk { start, width });
            start += width;
        }

        let mut input_kernel = AlignedBuf::zeros(inputs * cols);
        let mut bias = AlignedBuf::zeros(cols);
        let mut recurrent = AlignedBuf::zeros(hidden * cols);
        for keras_col in 0..keras_cols {
            let col = column(keras_col);
            bias.as_mut_slice()[col] = weights.bias[keras_col];
            for i in 0..inputs {
                input_kernel.as_mut_slice()[i * cols + col] = weights.kernel[i * keras_cols + keras_col];
            }
            let chunk = chunks.iter().find(|c| (c.start..c.start + c.width).contains(&col)).copied();
            if let Some(chunk) = chunk {
                for k in 0..hidden {
                    recurrent.as_mut_slice()[hidden * chunk.start + k * chunk.width + (col - chunk.start)] =
                        weights.recurrent_kernel[k * keras_cols + keras_col];
                }
            }
        }
        let mut dense = AlignedBuf::zeros(padded);
        dense.as_mut_slice()[..hidden].copy_from_slice(&weights.dense_kernel);

        PackedLstm {
            inputs,
            hidden,
            padded,
            cols,
            chunks,
            input_kernel,
            recurrent,
            bias,
            dense,
            dense_bias: weights.dense_bias,
        }
    }

    pub(crate) fn recurrent_chunk(&self, chunk: Chunk) -> &[f32] {
        &self.recurrent.as_slice()[self.hidden * chunk.start..self.hidden * (chunk.start + chunk.width)]
    }
}

/// Bytes per segment of a [`Sweep`]: 12 KB (8 rows at hidden 96 with AVX-512) is long enough for the hardware
/// prefetcher to stream each segment forward, short enough that the segments still in L1 are the ones the next
/// step reads first. Measured on the 2-core Zen 5 (AVX-512 matrix-vector product alone, cycles per step): hidden
/// 64 1476 -> 742, hidden 96 3148 -> 2432 with 8-row segments; reversing whole rows gave only 1036 / 2926
/// (backward streams are not prefetched), and 4 to 16 rows were within 5% of each other. Sizing segments by rows
/// instead cost the AVX2 kernel 10%, whose 384-byte chunk rows made 3 KB segments.
const SEGMENT_BYTES: usize = 12 * 1024;

/// The order in which one step reads the recurrent matrix.
///
/// A matrix larger than L1 (hidden 64: 64 KB, hidden 96: 147 KB, L1: 48 KB) read front to back every step is
/// the worst case for a least-recently-used cache: every line is evicted just before it is needed again, so all
/// of it comes from L2. Visiting the row segments (and chunks) in the opposite order on every other step starts
/// each step with the ~40 KB the previous step touched last, still in L1. Rows within a segment always ascend.
/// The summation order of `h R` therefore alternates between two fixed orders; both are tested against f64.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sweep {
    backwards: bool,
}

impl Sweep {
    pub(crate) fn chunks(self, p: &PackedLstm) -> impl Iterator<Item = Chunk> + '_ {
        let n = p.chunks.len();
        (0..n).map(move |i| p.chunks[if self.backwards { n - 1 - i } else { i }])
    }

    /// Row ranges of a chunk `width` floats wide, in visiting order.
    pub(crate) fn segments(self, hidden: usize, width: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
        let rows = (SEGMENT_BYTES / (width * size_of::<f32>())).max(1);
        let n = hidden.div_ceil(rows);
        (0..n).map(move |i| {
            let s = if self.backwards { n - 1 - i } else { i };
            s * rows..((s + 1) * rows).min(hidden)
        })
    }
}

/// What a step carries from one sample to the next, plus the gate pre-activations as scratch.
#[derive(Clone)]
pub(crate) struct LstmState {
    pub h: AlignedBuf,
    pub c: AlignedBuf,
    pub z: AlignedBuf,
    backwards: bool,
}

impl LstmState {
    pub(crate) fn new(packed: &PackedLstm) -> Self {
        LstmState {
            h: AlignedBuf::zeros(packed.padded),
            c: AlignedBuf::zeros(packed.padded),
            z: AlignedBuf::zeros(packed.cols),
            backwards: false,
        }
    }

    /// Zero state; the sweep restarts too, so a reset model computes exactly what a new one does.
    pub(crate) fn reset(&mut self) {
        self.h.fill_zero();
        self.c.fill_zero();
        self.backwards = false;
    }

    /// This step's sweep; the next call returns the opposite one.
    pub(crate) fn next_sweep(&mut self) -> Sweep {
        let sweep = Sweep { backwards: self.backwards };
        self.backwards = !self.backwards;
        sweep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sweeps_visit_every_row_once_and_each_starts_where_the_other_ended() {
        let mut state_owner = LstmState::new(&PackedLstm::new(&LstmWeights::zeros(1, 4), 4, 4));
        for (hidden, width) in [(96, 384), (64, 256), (7, 32), (130, 96)] {
            let forward = state_owner.next_sweep();
            let backward = state_owner.next_sweep();
            let rows = |sweep: Sweep| sweep.segments(hidden, width).flatten().collect::<Vec<_>>();
            let (mut f, mut b) = (rows(forward), rows(backward));
            // The backward sweep begins with the segment the forward sweep finished with.
            let last_forward = forward.segments(hidden, width).last().unwrap();
            assert_eq!(backward.segments(hidden, width).next().unwrap(), last_forward);
            // Within a segment rows ascend, in both directions, so the prefetcher streams forward.
            assert!(backward.segments(hidden, width).all(|r| r.start < r.end));
            f.sort_unstable();
            b.sort_unstable();
            assert_eq!(f, (0..hidden).collect::<Vec<_>>());
            assert_eq!(b, f);
            state_owner.reset();
        }
    }

    #[test]
    fn every_keras_weight_lands_once_in_its_padded_gate_column() {
        let (inputs, hidden) = (2, 5);
        let mut w = LstmWeights::zeros(inputs, hidden);
        // Distinct values name their source position.
        for (n, v) in w.recurrent_kernel.iter_mut().enumerate() {
            *v = n as f32 + 1.0;
        }
        for (n, v) in w.kernel.iter_mut().enumerate() {
            *v = -(n as f32) - 1.0;
        }
        let p = PackedLstm::new(&w, 4, 4);
        assert_eq!((p.padded, p.cols), (8, 32));
        assert_eq!(p.chunks.len(), 2);
        let mut seen: Vec<f32> = p.recurrent.as_slice().iter().copied().filter(|&v| v != 0.0).collect();
        seen.sort_by(f32::total_cmp);
        let expected: Vec<f32> = (1..=w.recurrent_kernel.len()).map(|n| n as f32).collect();
        assert_eq!(seen, expected);
        // Keras column 2H + 3 is gate c, unit 3: padded column 2 * 8 + 3 = 19, in chunk 1 at offset 3.
        let (k, keras_col) = (4, 2 * hidden + 3);
        let chunk = p.chunks[1];
        assert_eq!(p.recurrent_chunk(chunk)[k * chunk.width + 3], w.recurrent_kernel[k * 4 * hidden + keras_col]);
        assert_eq!(p.input_kernel.as_slice()[32 + 19], w.kernel[4 * hidden + keras_col]);
    }
}
