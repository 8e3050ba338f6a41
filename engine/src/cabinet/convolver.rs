use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::CabinetError;

/// Samples per partition, and the length of the direct-form head. The head costs this many multiply-adds per
/// sample; the partitioned tail costs one FFT pair per partition of input plus one complex multiply-add per bin
/// and partition, so a longer partition makes long IRs cheaper and the head dearer.
pub const PARTITION: usize = 128;

/// Convolution with an impulse response at zero latency, sample by sample or in blocks of any size.
///
/// The first [`PARTITION`] taps run in direct form, so the output at time n already holds x[n] * h[0]. The rest
/// of the response is cut into partitions of the same length and run by uniformly partitioned overlap-save
/// convolution with a frequency-domain delay line: when a block of input is complete, its spectrum enters the
/// delay line and the tail's contribution to the *next* block of output is computed. Because the tail starts
/// at tap [`PARTITION`], that next block is exactly where its contribution belongs, so nothing is delayed.
///
/// Everything is allocated by [`Convolver::new`]; [`Convolver::process`] never allocates, locks or panics.
pub struct Convolver {
    /// The head's taps in reverse order, so that it is a dot product with the newest samples.
    head_reversed: Vec<f32>,
    /// The last `head_reversed.len()` inputs, stored twice so that they are always one contiguous slice.
    history: Vec<f32>,
    history_pos: usize,
    tail: Option<Tail>,
}

/// The partitioned part of the response, from tap [`PARTITION`] on.
struct Tail {
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    partitions: usize,
    /// Spectra of the partitions (scaled by the inverse FFT's 1 / 2B), split into real and imaginary planes so
    /// the multiply-accumulate over bins vectorises.
    filter_re: Vec<f32>,
    filter_im: Vec<f32>,
    /// Spectra of the last `partitions` input blocks, a ring indexed by `newest`.
    delay_re: Vec<f32>,
    delay_im: Vec<f32>,
    newest: usize,
    /// The previous and the current input block, 2B samples.
    window: Vec<f32>,
    filled: usize,
    /// The tail's output for the block now being played.
    pending: Vec<f32>,
    acc_re: Vec<f32>,
    acc_im: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    time: Vec<f32>,
    scratch_forward: Vec<Complex<f32>>,
    scratch_inverse: Vec<Complex<f32>>,
}

const BINS: usize = PARTITION + 1;

impl Convolver {
    /// Prepares the convolution with `taps`, which must be non-empty and finite.
    pub fn new(taps: &[f32]) -> Result<Self, CabinetError> {
        if taps.is_empty() {
            return Err(CabinetError::Empty);
        }
        if let Some(index) = taps.iter().position(|t| !t.is_finite()) {
            return Err(CabinetError::NonFinite { index });
        }
        let head_len = taps.len().min(PARTITION);
        let head_reversed: Vec<f32> = taps[..head_len].iter().rev().copied().collect();
        let tail = (taps.len() > PARTITION).then(|| Tail::new(&taps[PARTITION..]));
        Ok(Convolver { history: vec![0.0; 2 * head_len], history_pos: 0, head_reversed, tail })
    }

    /// Number of taps of the response.
    pub fn len(&self) -> usize {
        self.head_reversed.len() + self.tail.as_ref().map_or(0, |t| t.partitions * PARTITION)
    }

    pub fn is_empty(&self) -> bool {
        self.head_reversed.is_empty()
    }

    /// Forgets all input.
    pub fn reset(&mut self) {
        self.history.fill(0.0);
        self.history_pos = 0;
        if let Some(tail) = &mut self.tail {
            tail.reset();
        }
    }

    /// Convolves `samples` in place; any length, any mix of lengths between calls.
    pub fn process(&mut self, samples: &mut [f32]) {
        for sample in samples {
            *sample = self.next(*sample);
        }
    }

    /// One sample in, one sample out.
    #[inline]
    pub fn next(&mut self, x: f32) -> f32 {
        let n = self.head_reversed.len();
        self.history[self.history_pos] = x;
        self.history[self.history_pos + n] = x;
        self.history_pos += 1;
        if self.history_pos == n {
            self.history_pos = 0;
        }
        // After the write the newest n inputs, oldest first, start at the next write position.
        let mut y = dot(&self.head_reversed, &self.history[self.history_pos..self.history_pos + n]);
        if let Some(tail) = &mut self.tail {
            y += tail.push(x);
        }
        y
    }
}

impl Tail {
    fn new(taps: &[f32]) -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(2 * PARTITION);
        let inverse = planner.plan_fft_inverse(2 * PARTITION);
        let partitions = taps.len().div_ceil(PARTITION);
        let mut filter_re = vec![0.0; partitions * BINS];
        let mut filter_im = vec![0.0; partitions * BINS];
        let mut time = vec![0.0; 2 * PARTITION];
        let mut spectrum = forward.make_output_vec();
        let mut scratch_forward = forward.make_scratch_vec();
        // realfft's inverse is unnormalised: fold its 1 / N into the filter once.
        let scale = 1.0 / (2 * PARTITION) as f32;
        for (p, chunk) in taps.chunks(PARTITION).enumerate() {
            time.fill(0.0);
            time[..chunk.len()].copy_from_slice(chunk);
            // Lengths come from the same plan, so the transform cannot fail.
            let _ = forward.process_with_scratch(&mut time, &mut spectrum, &mut scratch_forward);
            for (b, c) in spectrum.iter().enumerate() {
                filter_re[p * BINS + b] = c.re * scale;
                filter_im[p * BINS + b] = c.im * scale;
            }
        }
        let scratch_inverse = inverse.make_scratch_vec();
        Tail {
            forward,
            inverse,
            partitions,
            filter_re,
            filter_im,
            delay_re: vec![0.0; partitions * BINS],
            delay_im: vec![0.0; partitions * BINS],
            newest: 0,
            window: vec![0.0; 2 * PARTITION],
            filled: 0,
            pending: vec![0.0; PARTITION],
            acc_re: vec![0.0; BINS],
            acc_im: vec![0.0; BINS],
            spectrum,
            time,
            scratch_forward,
            scratch_inverse,
        }
    }

    fn reset(&mut self) {
        self.delay_re.fill(0.0);
        self.delay_im.fill(0.0);
        self.window.fill(0.0);
        self.pending.fill(0.0);
        self.filled = 0;
        self.newest = 0;
    }

    /// Takes one input sample and returns the tail's output for the same instant.
    #[inline]
    fn push(&mut self, x: f32) -> f32 {
        let y = self.pending[self.filled];
        self.window[PARTITION + self.filled] = x;
        self.filled += 1;
        if self.filled == PARTITION {
            self.filled = 0;
            self.block_complete();
        }
        y
    }

    /// The newest block is complete: its spectrum joins the delay line and the tail's output for the next block
    /// is computed (partition p of the tail meets the input block p blocks older than the newest).
    fn block_complete(&mut self) {
        self.time.copy_from_slice(&self.window);
        let _ = self.forward.process_with_scratch(&mut self.time, &mut self.spectrum, &mut self.scratch_forward);
        self.newest = if self.newest == 0 { self.partitions - 1 } else { self.newest - 1 };
        let slot = self.newest * BINS;
        for (b, c) in self.spectrum.iter().enumerate() {
            self.delay_re[slot + b] = c.re;
            self.delay_im[slot + b] = c.im;
        }
        self.acc_re.fill(0.0);
        self.acc_im.fill(0.0);
        // The ring runs newest..end then start..newest, which is partition order 0, 1, 2, ...
        let split = self.partitions - self.newest;
        let (older_re, newer_re) = self.delay_re.split_at(slot);
        let (older_im, newer_im) = self.delay_im.split_at(slot);
        let (first_re, rest_re) = self.filter_re.split_at(split * BINS);
        let (first_im, rest_im) = self.filter_im.split_at(split * BINS);
        multiply_accumulate(&mut self.acc_re, &mut self.acc_im, newer_re, newer_im, first_re, first_im);
        multiply_accumulate(&mut self.acc_re, &mut self.acc_im, older_re, older_im, rest_re, rest_im);
        for ((c, re), im) in self.spectrum.iter_mut().zip(&self.acc_re).zip(&self.acc_im) {
            *c = Complex::new(*re, *im);
        }
        // A real signal's DC and Nyquist bins are real; rounding must not make the inverse refuse them.
        self.spectrum[0].im = 0.0;
        self.spectrum[PARTITION].im = 0.0;
        let _ = self.inverse.process_with_scratch(&mut self.spectrum, &mut self.time, &mut self.scratch_inverse);
        self.pending.copy_from_slice(&self.time[PARTITION..]);
        self.window.copy_within(PARTITION.., 0);
    }
}

/// acc += x * h over whole partitions of [`BINS`] bins.
fn multiply_accumulate(acc_re: &mut [f32], acc_im: &mut [f32], x_re: &[f32], x_im: &[f32], h_re: &[f32], h_im: &[f32]) {
    let partitions = x_re.chunks_exact(BINS).zip(x_im.chunks_exact(BINS));
    let filters = h_re.chunks_exact(BINS).zip(h_im.chunks_exact(BINS));
    for ((xr, xi), (hr, hi)) in partitions.zip(filters) {
        for b in 0..BINS {
            acc_re[b] += xr[b] * hr[b] - xi[b] * hi[b];
            acc_im[b] += xr[b] * hi[b] + xi[b] * hr[b];
        }
    }
}

/// A dot product in eight independent lanes, which the compiler vectorises (a single running sum cannot be
/// reordered, so it would not be).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum::<f32>() + tail
}
