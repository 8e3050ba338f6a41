//! The reamp signal, version 1: what `trainer capture-signal` writes and `trainer fit` recognises.
//!
//! Every section sits at a fixed time from the start, except the guitar, whose length is whatever the file's
//! length leaves; so the layout of any copy follows from its rate and length alone, and `fit` needs nothing but
//! the file. Times are seconds, turned into samples by rounding at the file's rate.
//!
//! | from (s) | what |
//! |---|---|
//! | 0 | silence (pre-roll) |
//! | 0.5, 1.0 | sync impulses (one sample at +0.5) |
//! | 1.5 | fingerprint: 0.25 s of seeded noise that names the signal and its version |
//! | 2.0 | 2.5 s of silence: the device's noise floor |
//! | 4.5 | two log sweeps, 20 Hz to 20 kHz, 4 s each at -18 and -6 dBFS peak, 1 s apart |
//! | 14.5 | level ladder: 110 Hz, seven 0.8 s steps from -42 to -6 dBFS peak, 0.2 s gaps |
//! | 21.5 | noise bursts: four 1 s bursts of uniform noise at peaks 0.05, 0.15, 0.4, 0.8, 0.5 s gaps |
//! | 27.5 | guitar: the first 70 % trains, the next 15 % validates, the last 15 % tests |
//! | end - 2.5 | 0.5 s of silence, then sync impulses at end - 2.0 and end - 1.5, then 1.5 s of silence |
//!
//! The sync impulses give the latency (the response's onset after the first) and the clocks' drift (the same at
//! the last); the gaps after them bound the latency `fit` can measure to [`MAX_LATENCY_SECONDS`].

use std::f64::consts::TAU;
use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const VERSION: u32 = 1;
/// The comment written into the signal's WAV file.
pub const COMMENT: &str = "BlackBox reamp signal v1: play it through the device and record the device's output \
                           from the start; then `trainer fit --input <this file> --output <the recording>`";

pub const IMPULSE_AMPLITUDE: f32 = 0.5;
const START_IMPULSES: [f64; 2] = [0.5, 1.0];
/// Seconds before the end of the file.
const END_IMPULSES: [f64; 2] = [2.0, 1.5];
const FINGERPRINT: (f64, f64) = (1.5, 0.25);
const FINGERPRINT_SEED: u64 = 0xB1AC_B0C5_0000_0001;
const FINGERPRINT_PEAK: f32 = 0.25;
const SILENCE: (f64, f64) = (2.0, 2.5);
const SWEEPS_START: f64 = 4.5;
const SWEEP_SECONDS: f64 = 4.0;
const SWEEP_PEAKS_DBFS: [f64; 2] = [-18.0, -6.0];
const SWEEP_GAP: f64 = 1.0;
const LADDER_START: f64 = 14.5;
const LADDER_HZ: f64 = 110.0;
const LADDER_STEPS_DBFS: [f64; 7] = [-42.0, -36.0, -30.0, -24.0, -18.0, -12.0, -6.0];
const LADDER_STEP: (f64, f64) = (0.8, 0.2);
const NOISE_START: f64 = 21.5;
const NOISE_PEAKS: [f32; 4] = [0.05, 0.15, 0.4, 0.8];
const NOISE_BURST: (f64, f64) = (1.0, 0.5);
const GUITAR_START: f64 = 27.5;
/// Silence before the end impulses, the impulses and the tail.
const END_SECONDS: f64 = 2.5;
/// The guitar's train / validation / test shares, in that order in time.
pub const GUITAR_SHARES: [f64; 3] = [0.70, 0.15, 0.15];
/// Below this the validation and test sections are too short to mean anything.
pub const MIN_GUITAR_SECONDS: f64 = 10.0;
/// The guitar's default length: about three minutes of signal in all, the length of NAM's own.
pub const DEFAULT_GUITAR_SECONDS: f64 = 150.0;
/// The latest response a sync impulse is looked for after it (the next impulse is 0.5 s later).
pub const MAX_LATENCY_SECONDS: f64 = 0.4;
/// How early a response may come: a DAW that over-compensates its own latency shifts the recording earlier.
pub const MAX_EARLY_SECONDS: f64 = 0.002;
/// The guitar's peak is brought to this if it is hotter, so the signal never clips a converter.
pub const GUITAR_MAX_PEAK: f32 = 0.9;

/// Where everything is in one copy of the signal.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub rate: u32,
    pub len: usize,
    pub start_impulses: [usize; 2],
    pub end_impulses: [usize; 2],
    pub fingerprint: Range<usize>,
    pub silence: Range<usize>,
    /// Sweeps, ladder and noise: known content that trains with the guitar's first part.
    pub test_tones: Range<usize>,
    pub guitar: Range<usize>,
    pub train: Range<usize>,
    pub validation: Range<usize>,
    pub test: Range<usize>,
}

fn at(seconds: f64, rate: u32) -> usize {
    (seconds * f64::from(rate)).round() as usize
}

impl Layout {
    /// The layout of a copy at `rate` with `guitar_samples` of guitar.
    pub fn with_guitar(rate: u32, guitar_samples: usize) -> Self {
        let guitar_start = at(GUITAR_START, rate);
        let len = guitar_start + guitar_samples + at(END_SECONDS, rate);
        Self::of_length(rate, len).expect("a layout built from its guitar length is long enough")
    }

    /// The layout a file of `len` samples at `rate` must have; `None` when it is too short to be one.
    pub fn of_length(rate: u32, len: usize) -> Option<Self> {
        let guitar_start = at(GUITAR_START, rate);
        let guitar_end = len.checked_sub(at(END_SECONDS, rate))?;
        if (guitar_end.saturating_sub(guitar_start) as f64) < MIN_GUITAR_SECONDS * f64::from(rate) {
            return None;
        }
        let guitar = guitar_start..guitar_end;
        let n = guitar.len() as f64;
        let train_end = guitar_start + (n * GUITAR_SHARES[0]).round() as usize;
        let validation_end = guitar_start + (n * (GUITAR_SHARES[0] + GUITAR_SHARES[1])).round() as usize;
        let from = |s: f64| at(s, rate);
        let back = |s: f64| len - at(s, rate);
        Some(Layout {
            rate,
            len,
            start_impulses: START_IMPULSES.map(from),
            end_impulses: END_IMPULSES.map(back),
            fingerprint: from(FINGERPRINT.0)..from(FINGERPRINT.0 + FINGERPRINT.1),
            silence: from(SILENCE.0)..from(SILENCE.0 + SILENCE.1),
            test_tones: from(SWEEPS_START)..guitar_start,
            train: guitar_start..train_end,
            validation: train_end..validation_end,
            test: validation_end..guitar_end,
            guitar,
        })
    }

    pub fn seconds(&self, samples: usize) -> f64 {
        samples as f64 / f64::from(self.rate)
    }
}

/// The whole signal at `rate` around `guitar` (already at `rate`, peak at most [`GUITAR_MAX_PEAK`]).
pub fn build(rate: u32, guitar: &[f32]) -> (Layout, Vec<f32>) {
    let layout = Layout::with_guitar(rate, guitar.len());
    let mut out = vec![0.0f32; layout.len];
    for &i in layout.start_impulses.iter().chain(&layout.end_impulses) {
        out[i] = IMPULSE_AMPLITUDE;
    }
    out[layout.fingerprint.clone()].copy_from_slice(&fingerprint(rate));
    let r = f64::from(rate);
    for (k, peak) in SWEEP_PEAKS_DBFS.iter().enumerate() {
        let start = at(SWEEPS_START + k as f64 * (SWEEP_SECONDS + SWEEP_GAP), rate);
        let sweep = log_sweep(r, SWEEP_SECONDS, db(*peak));
        out[start..start + sweep.len()].copy_from_slice(&sweep);
    }
    for (k, peak) in LADDER_STEPS_DBFS.iter().enumerate() {
        let start = at(LADDER_START + k as f64 * (LADDER_STEP.0 + LADDER_STEP.1), rate);
        let n = at(LADDER_STEP.0, rate);
        for i in 0..n {
            let fade = fade(i, n, at(0.01, rate));
            out[start + i] = (db(*peak) * fade * (TAU * LADDER_HZ * i as f64 / r).sin()) as f32;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(FINGERPRINT_SEED ^ 0x0015E);
    for (k, &peak) in NOISE_PEAKS.iter().enumerate() {
        let start = at(NOISE_START + k as f64 * (NOISE_BURST.0 + NOISE_BURST.1), rate);
        for sample in &mut out[start..start + at(NOISE_BURST.0, rate)] {
            *sample = rng.random_range(-peak..=peak);
        }
    }
    out[layout.guitar.clone()].copy_from_slice(guitar);
    (layout, out)
}

/// The fingerprint section's samples at `rate`.
pub fn fingerprint(rate: u32) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(FINGERPRINT_SEED);
    let n = at(FINGERPRINT.0 + FINGERPRINT.1, rate) - at(FINGERPRINT.0, rate);
    (0..n).map(|_| rng.random_range(-FINGERPRINT_PEAK..=FINGERPRINT_PEAK)).collect()
}

/// Whether `input` is a copy of this signal: the right length for a layout, the fingerprint where it belongs
/// (correlation above 0.99, so a re-encoded copy still passes) and the sync impulses in place.
pub fn recognise(rate: u32, input: &[f32]) -> Option<Layout> {
    let layout = Layout::of_length(rate, input.len())?;
    let expected = fingerprint(rate);
    let found = &input[layout.fingerprint.clone()];
    let dot: f64 = found.iter().zip(&expected).map(|(a, b)| f64::from(*a) * f64::from(*b)).sum();
    let energy = |x: &[f32]| x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>();
    let correlation = dot / (energy(found) * energy(&expected)).sqrt().max(1e-30);
    let impulses_in_place = layout.start_impulses.iter().chain(&layout.end_impulses).all(|&i| {
        (input[i] - IMPULSE_AMPLITUDE).abs() < 0.01 && input[i - 1].abs() < 1e-3 && input[i + 1].abs() < 1e-3
    });
    (correlation > 0.99 && impulses_in_place).then_some(layout)
}

fn db(dbfs: f64) -> f64 {
    10f64.powf(dbfs / 20.0)
}

/// A 10 ms raised-cosine fade at both ends, so no step excites the device with a click.
fn fade(i: usize, n: usize, ramp: usize) -> f64 {
    let edge = i.min(n - 1 - i);
    if edge >= ramp { 1.0 } else { 0.5 - 0.5 * (std::f64::consts::PI * edge as f64 / ramp as f64).cos() }
}

/// An exponential sweep from 20 Hz to 20 kHz (or 0.45 of the rate, if lower), faded in and out.
fn log_sweep(rate: f64, seconds: f64, peak: f64) -> Vec<f32> {
    let (f0, f1) = (20.0, 20_000f64.min(0.45 * rate));
    let n = (seconds * rate).round() as usize;
    let k = (f1 / f0).ln();
    (0..n)
        .map(|i| {
            let t = i as f64 / rate;
            let phase = TAU * f0 * seconds / k * ((t / seconds * k).exp() - 1.0);
            (peak * fade(i, n, (0.01 * rate) as usize) * phase.sin()) as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_signal_is_recognised_and_its_layout_follows_from_its_length() {
        let guitar: Vec<f32> = (0..48_000 * 12).map(|i| 0.3 * (i as f32 * 0.01).sin()).collect();
        let (layout, signal) = build(48_000, &guitar);
        assert_eq!(Layout::of_length(48_000, signal.len()), Some(layout.clone()));
        assert_eq!(recognise(48_000, &signal), Some(layout.clone()));
        assert!(signal.iter().all(|x| x.abs() <= 0.9));
        assert_eq!(layout.train.start, layout.guitar.start);
        assert_eq!(layout.test.end, layout.guitar.end);
        assert!(layout.validation.len() > 48_000 && layout.test.len() > 48_000);

        let mut other = signal.clone();
        other[layout.fingerprint.clone()].iter_mut().for_each(|x| *x = -*x);
        assert_eq!(recognise(48_000, &other), None, "a different fingerprint is a different signal");
        assert_eq!(recognise(48_000, &signal[..signal.len() - 1]), None, "a cut copy has its impulses elsewhere");
        assert_eq!(recognise(48_000, &guitar), None);
    }

    #[test]
    fn the_sections_do_not_overlap_and_stay_inside_the_file() {
        for rate in [44_100, 48_000, 96_000] {
            let layout = Layout::with_guitar(rate, rate as usize * 20);
            let end_silence = layout.end_impulses[0] - (0.5 * f64::from(rate)) as usize;
            assert!(layout.start_impulses[1] < layout.fingerprint.start);
            assert!(layout.fingerprint.end <= layout.silence.start);
            assert!(layout.silence.end <= layout.test_tones.start);
            assert!(layout.test_tones.end == layout.guitar.start);
            assert!(layout.guitar.end <= end_silence);
            assert!(layout.end_impulses[1] + (MAX_LATENCY_SECONDS * f64::from(rate)) as usize <= layout.len);
        }
    }
}
