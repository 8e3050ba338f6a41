//! 2ⁿ× oversampling around a nonlinearity by a cascade of half-band FIR stages, with the latency removed.
//!
//! Each ×2 stage is a Kaiser-windowed half-band low-pass (cutoff at a quarter of its rate, 100 dB stopband).
//! Only the first stage needs to be steep: it keeps 0–19 kHz and stops everything from 25.1 kHz, so that what
//! the decimator folds back lands above 19 kHz (Nyquist 22.05 kHz); later stages only guard their own fold-over
//! and are short (27 and 19 taps against 95). Half of a half-band's taps are zero, so one polyphase branch of
//! each stage is a single tap. A single 8× FIR with the same edges needs about 660 taps; the cascade costs about
//! 240 multiplies per input sample for the way up and down together. The filters are linear-phase, so their delays add up to
//! a constant which is padded to a whole number of base-rate samples and dropped: output sample `n` lines up
//! with input sample `n`, as in the analog circuit (the study's wet and dry were recorded at once).

use super::fir::{kaiser_length, kaiser_low_pass};

/// Upper edge of the band kept intact, Hz (at the 44.1 kHz base rate).
const PASSBAND_HZ: f64 = 19_000.0;
const STOPBAND_DB: f64 = 100.0;

/// Half-band taps for the ×2 stage whose high rate is `rate`, for signals at `base_rate`.
fn half_band_for(rate: f64, base_rate: f64) -> Vec<f64> {
    // The transition is symmetric about rate/4; its lower edge must stay above the audio band at the first
    // stage and above what the previous stage's stopband already removes (base − passband) at the later ones.
    let lower = if (rate - 2.0 * base_rate).abs() < 1.0 {
        PASSBAND_HZ
    } else {
        base_rate - PASSBAND_HZ
    };
    let half_width = rate / 4.0 - lower;
    let mut n = kaiser_length(STOPBAND_DB, 2.0 * half_width / rate);
    // Half-band lengths are 4K − 1 so that the outermost taps are non-zero.
    while n % 4 != 3 {
        n += 1;
    }
    kaiser_low_pass(n, 0.25, STOPBAND_DB)
}

/// History of the last `len` samples, stored twice so that they can be read as one contiguous slice.
#[derive(Debug, Clone)]
struct History {
    buf: Vec<f64>,
    len: usize,
    pos: usize,
}

impl History {
    fn new(len: usize) -> Self {
        Self {
            buf: vec![0.0; 2 * len],
            len,
            pos: 0,
        }
    }

    #[inline]
    fn push(&mut self, x: f64) {
        self.buf[self.pos] = x;
        self.buf[self.pos + self.len] = x;
        self.pos = (self.pos + 1) % self.len;
    }

    /// Oldest first.
    #[inline]
    fn window(&self) -> &[f64] {
        &self.buf[self.pos..self.pos + self.len]
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Four accumulators let the compiler keep independent adds in flight.
    let mut acc = [0.0; 4];
    let chunks = a.len() / 4;
    for i in 0..chunks {
        for j in 0..4 {
            acc[j] += a[4 * i + j] * b[4 * i + j];
        }
    }
    let mut s = acc[0] + acc[1] + acc[2] + acc[3];
    for i in 4 * chunks..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// One polyphase branch. A half-band filter's taps at even distance from the centre are zero, so one branch of
/// every ×2 stage is a single tap (a delay): it is stored as such and costs one multiply instead of a dot product.
#[derive(Debug, Clone)]
enum Branch {
    Dense(Vec<f64>),
    Tap(usize, f64),
}

impl Branch {
    /// `reversed`: coefficients in window order (oldest first).
    fn new(reversed: Vec<f64>) -> Self {
        let nonzero: Vec<usize> = (0..reversed.len()).filter(|&i| reversed[i].abs() > 1e-15).collect();
        match nonzero.as_slice() {
            [] => Branch::Tap(0, 0.0),
            [i] => Branch::Tap(*i, reversed[*i]),
            _ => Branch::Dense(reversed),
        }
    }

    #[inline]
    fn eval(&self, window: &[f64]) -> f64 {
        match self {
            Branch::Dense(c) => dot(c, window),
            Branch::Tap(i, c) => c * window[*i],
        }
    }
}

/// Taps `h[p], h[p+2], ...` scaled by `gain`, zero-padded to `len` and reversed to match an oldest-first window.
fn phase(h: &[f64], p: usize, len: usize, gain: f64) -> Branch {
    let mut v: Vec<f64> = h.iter().skip(p).step_by(2).map(|c| gain * c).collect();
    v.resize(len, 0.0);
    v.reverse();
    Branch::new(v)
}

/// ×2 interpolator: zero-stuffing and the half-band filter, as two polyphase branches over one history.
#[derive(Debug, Clone)]
struct Interpolator2 {
    /// Branch p yields output 2n + p from 2·h[p + 2j].
    phases: [Branch; 2],
    history: History,
}

impl Interpolator2 {
    fn new(h: &[f64]) -> Self {
        let len = h.len().div_ceil(2);
        Self {
            phases: [phase(h, 0, len, 2.0), phase(h, 1, len, 2.0)],
            history: History::new(len),
        }
    }

    #[inline]
    fn push(&mut self, x: f64) -> [f64; 2] {
        self.history.push(x);
        let w = self.history.window();
        [self.phases[0].eval(w), self.phases[1].eval(w)]
    }
}

/// ×2 decimator: the half-band filter evaluated at the second sample of each pair, as two branches — the odd
/// taps over the pairs' first samples, the even taps (the centre alone) over their second samples.
#[derive(Debug, Clone)]
struct Decimator2 {
    firsts: History,
    seconds: History,
    odd_taps: Branch,
    even_taps: Branch,
}

impl Decimator2 {
    fn new(h: &[f64]) -> Self {
        let len = h.len().div_ceil(2);
        Self {
            firsts: History::new(len),
            seconds: History::new(len),
            odd_taps: phase(h, 1, len, 1.0),
            even_taps: phase(h, 0, len, 1.0),
        }
    }

    #[inline]
    fn push(&mut self, pair: [f64; 2]) -> f64 {
        self.firsts.push(pair[0]);
        self.seconds.push(pair[1]);
        self.odd_taps.eval(self.firsts.window()) + self.even_taps.eval(self.seconds.window())
    }
}

/// Runs a per-sample nonlinearity at 2^stages times the base rate.
#[derive(Debug, Clone)]
pub struct Oversampler {
    up: Vec<Interpolator2>,
    down: Vec<Decimator2>,
    /// Extra top-rate delay that makes the total latency a whole number of base samples.
    pad: History,
    latency: usize,
    factor: usize,
}

impl Oversampler {
    pub fn new(stages: u32, base_rate: f64) -> Self {
        let stages = stages.clamp(1, 4);
        let factor = 1usize << stages;
        let filters: Vec<Vec<f64>> = (1..=stages)
            .map(|i| half_band_for(base_rate * f64::from(1u32 << i), base_rate))
            .collect();
        // Delay of stage i (rate 2^i·base) counted at the top rate: (N − 1)/2 for the interpolator, (N − 1)/2 − 1
        // for the decimator, which reads its output at the second (newer) sample of each pair.
        let top_delay: usize = filters
            .iter()
            .enumerate()
            .map(|(i, h)| (h.len() - 2) * (factor >> (i + 1)))
            .sum();
        let pad = (factor - top_delay % factor) % factor;
        Self {
            up: filters.iter().map(|h| Interpolator2::new(h)).collect(),
            down: filters.iter().map(|h| Decimator2::new(h)).collect(),
            pad: History::new(pad + 1),
            latency: (top_delay + pad) / factor,
            factor,
        }
    }

    pub fn factor(&self) -> usize {
        self.factor
    }

    /// Latency removed by [`Oversampler::process`], in base-rate samples.
    pub fn latency(&self) -> usize {
        self.latency
    }

    /// Runs `nonlinearity` on every oversampled sample; the result has the input's length and alignment.
    pub fn process(&mut self, input: &[f64], mut nonlinearity: impl FnMut(f64) -> f64) -> Vec<f64> {
        let mut out = Vec::with_capacity(input.len());
        let mut lanes = vec![0.0; self.factor];
        let mut scratch = vec![0.0; self.factor];
        let tail = std::iter::repeat_n(0.0, self.latency);
        for (n, x) in input.iter().copied().chain(tail).enumerate() {
            // Up: each stage doubles the lane count.
            lanes[0] = x;
            let mut count = 1;
            for stage in &mut self.up {
                for i in 0..count {
                    let [a, b] = stage.push(lanes[i]);
                    scratch[2 * i] = a;
                    scratch[2 * i + 1] = b;
                }
                count *= 2;
                lanes[..count].copy_from_slice(&scratch[..count]);
            }
            for v in lanes.iter_mut() {
                self.pad.push(nonlinearity(*v));
                *v = self.pad.window()[0];
            }
            // Down: stages in reverse, each halving the lane count.
            for stage in self.down.iter_mut().rev() {
                count /= 2;
                for i in 0..count {
                    lanes[i] = stage.push([lanes[2 * i], lanes[2 * i + 1]]);
                }
            }
            if n >= self.latency {
                out.push(lanes[0]);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    const FS: f64 = 44_100.0;

    fn sine(hz: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| (TAU * hz * i as f64 / FS).sin()).collect()
    }

    #[test]
    fn identity_through_8x_is_sample_aligned_and_flat_to_15k() {
        let mut os = Oversampler::new(3, FS);
        assert_eq!(os.factor(), 8);
        for hz in [100.0, 1000.0, 15_000.0] {
            let x = sine(hz, 8192);
            let y = os.process(&x, |v| v);
            let err = x[1000..7000]
                .iter()
                .zip(&y[1000..7000])
                .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
            assert!(err < 1e-3, "{hz} Hz: max error {err}");
        }
    }

    #[test]
    fn ultrasonic_content_made_inside_is_rejected_not_folded() {
        // A 30 kHz tone created at the 8x rate would alias to 14.1 kHz without the decimation filter.
        let mut os = Oversampler::new(3, FS);
        let mut t = 0usize;
        let x = vec![0.0; 16_384];
        let y = os.process(&x, |_| {
            t += 1;
            (TAU * 30_000.0 * t as f64 / (8.0 * FS)).sin()
        });
        let rms = (y[2000..].iter().map(|v| v * v).sum::<f64>() / (y.len() - 2000) as f64).sqrt();
        assert!(20.0 * rms.log10() < -90.0, "alias at {} dB", 20.0 * rms.log10());
    }
}
