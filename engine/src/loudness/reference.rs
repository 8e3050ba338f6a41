//! The fixed reference passage every model's loudness is measured on: four seconds of synthetic plucked guitar
//! (a low E, a power chord, a strummed open G, palm-muted eighths, a short lead line) at a typical DI level,
//! generated at any rate from a fixed score, so the engine needs no audio file and every rate hears the same
//! music. Each note is a sum of harmonics with the comb of a pick at 18 % of the string, decaying faster the
//! higher the harmonic, as a plucked string does.

/// Length of the passage in seconds.
pub const SECONDS: f64 = 4.0;
/// Integrated loudness of the passage: the median of the 19 DI clips in the project's shared data
/// (-23.2 to -36.0 LUFS). Models compress differently, so one normalising gain per model holds best at the level
/// it was measured at; a typical DI level makes that the level a player meets.
pub const PASSAGE_LUFS: f32 = -26.9;
const PICK_POSITION: f64 = 0.18;
/// A magnetic pickup's resonance: its coil and cable make a second-order low-pass that peaks a little here and
/// falls at 12 dB per octave above, which is why a DI has little energy above 5 kHz. The corner is set where
/// the normalised models spread least over the 19 DI clips (`examples/loudness_spread.rs`): 1.6 kHz gave a mean
/// spread of 2.5 dB against 2.8 dB at 2.8 kHz, a typical humbucker's unloaded resonance.
const PICKUP_HZ: f64 = 1_600.0;
const PICKUP_Q: f64 = 1.3;
const HIGHEST_HARMONIC_HZ: f64 = 7_000.0;

/// (start s, fundamental Hz, length s, level) of every note.
const SCORE: &[(f64, f64, f64, f64)] = &[
    // A low E, let ring.
    (0.00, 82.41, 0.9, 1.0),
    // A5 power chord.
    (0.55, 110.00, 0.6, 0.8),
    (0.55, 164.81, 0.6, 0.7),
    // An open G strummed down, 12 ms between strings.
    (1.20, 98.00, 1.0, 0.8),
    (1.212, 123.47, 1.0, 0.7),
    (1.224, 146.83, 1.0, 0.7),
    (1.236, 196.00, 1.0, 0.6),
    (1.248, 246.94, 1.0, 0.6),
    (1.260, 392.00, 1.0, 0.5),
    // Palm-muted eighths on the low E.
    (2.30, 82.41, 0.11, 0.9),
    (2.42, 82.41, 0.11, 0.9),
    (2.54, 82.41, 0.11, 0.9),
    (2.66, 82.41, 0.11, 0.9),
    (2.78, 110.00, 0.11, 0.9),
    (2.90, 123.47, 0.11, 0.9),
    // A lead line.
    (3.05, 440.00, 0.22, 0.7),
    (3.28, 523.25, 0.22, 0.7),
    (3.51, 587.33, 0.22, 0.7),
    (3.74, 659.26, 0.26, 0.7),
];

/// The passage at `sample_rate`, scaled to [`PASSAGE_LUFS`].
pub fn passage(sample_rate: u32) -> Vec<f32> {
    let rate = f64::from(sample_rate.max(1));
    let len = (SECONDS * rate).round() as usize;
    let mut out = vec![0.0f64; len];
    for &(start, f0, length, level) in SCORE {
        let first = (start * rate) as usize;
        let count = ((length * rate) as usize).min(len.saturating_sub(first));
        let mut k = 1usize;
        while (k as f64) * f0 < HIGHEST_HARMONIC_HZ.min(0.45 * rate) {
            let kf = k as f64;
            let ratio = kf * f0 / PICKUP_HZ;
            let pickup = 1.0 / ((1.0 - ratio * ratio).powi(2) + (ratio / PICKUP_Q).powi(2)).sqrt();
            let amplitude = pickup * level * (std::f64::consts::PI * kf * PICK_POSITION).sin().abs() / kf.powf(1.1);
            // Short notes are damped by the palm: they die within their length.
            let decay = (1.2 + 0.9 * kf) * if length < 0.2 { 6.0 } else { 1.0 };
            // A decaying phasor advanced by one complex multiply per sample (f64 keeps it exact enough over
            // a note's length), instead of a sin and an exp per sample.
            let w = 2.0 * std::f64::consts::PI * kf * f0 / rate;
            let shrink = (-decay / rate).exp();
            let (step_re, step_im) = (shrink * w.cos(), shrink * w.sin());
            let (mut re, mut im) = (amplitude, 0.0f64);
            for (i, y) in out[first..first + count].iter_mut().enumerate() {
                let t = i as f64 / rate;
                let attack = (t / 0.002).min(1.0);
                // A 5 ms release at the end of the note, so nothing clicks.
                let release = ((length - t) / 0.005).clamp(0.0, 1.0);
                *y += attack * release * im;
                (re, im) = (re * step_re - im * step_im, re * step_im + im * step_re);
            }
            k += 1;
        }
    }
    let passage: Vec<f32> = out.iter().map(|&y| y as f32).collect();
    let scale = match super::integrated_lufs(&passage, sample_rate) {
        Some(lufs) => 10f32.powf((PASSAGE_LUFS - lufs) / 20.0),
        None => 0.0,
    };
    passage.iter().map(|y| y * scale).collect()
}
