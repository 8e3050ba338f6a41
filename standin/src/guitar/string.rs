//! One guitar string by extended Karplus–Strong synthesis.
//!
//! K. Karplus and A. Strong, "Digital synthesis of plucked-string and drum timbres", CMJ 1983, with the
//! extensions of D. Jaffe and J. O. Smith, "Extensions of the Karplus-Strong plucked-string algorithm", CMJ 1983:
//! a delay line holding one period, a one-zero loss filter `g((1 − a) + a z⁻¹)` whose `a` sets the brightness
//! and `g` the decay (`g = 10^(−3/(f0 T60))` gives a T60 in seconds), a first-order all-pass for the fractional
//! part of the period (tuning), and a pick-position comb on the excitation (a pick at fraction β of the string
//! cancels the harmonics that have a node there). Palm muting is a short T60 with a dark loss filter, the way
//! the heel of the hand damps the string at the bridge.

use blackbox_engine::rng::SeededRng;

#[derive(Debug, Clone)]
pub struct PluckedString {
    sample_rate: f64,
    delay: Vec<f64>,
    len: usize,
    pos: usize,
    allpass_c: f64,
    allpass_x1: f64,
    allpass_y1: f64,
    loss_a: f64,
    loss_g: f64,
    loss_x1: f64,
    frequency: f64,
}

/// How a note is plucked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pluck {
    pub frequency: f64,
    /// Peak displacement of the excitation, arbitrary units (≈ 0.05 soft to 0.3 hard).
    pub velocity: f64,
    /// Decay time, seconds.
    pub t60: f64,
    /// Loss-filter coefficient in [0, 0.5]: 0.5 is the classic (dark) average, smaller is brighter.
    pub darkness: f64,
    /// Pick position as a fraction of the string from the bridge.
    pub pick_position: f64,
}

impl PluckedString {
    pub fn new(sample_rate: f64) -> Self {
        // Longest period: a drop-tuned low string at 30 Hz.
        let max_len = (sample_rate / 30.0) as usize + 4;
        Self {
            sample_rate,
            delay: vec![0.0; max_len],
            len: max_len - 2,
            pos: 0,
            allpass_c: 0.0,
            allpass_x1: 0.0,
            allpass_y1: 0.0,
            loss_a: 0.5,
            loss_g: 0.0,
            loss_x1: 0.0,
            frequency: 100.0,
        }
    }

    pub fn pluck(&mut self, p: Pluck, rng: &mut SeededRng) {
        let period = self.sample_rate / p.frequency.max(31.0);
        // Loop delay = len + a (loss filter) + d (all-pass); keep d in [0.1, 1.1) where the all-pass is flat.
        let target = period - p.darkness;
        let len = (target - 0.1).floor().max(2.0) as usize;
        let d = target - len as f64;
        self.allpass_c = (1.0 - d) / (1.0 + d);
        self.frequency = p.frequency;
        self.set_damping(p.t60, p.darkness);

        // Excitation: low-passed noise (a harder pick is brighter), pick-position comb, no DC.
        let brightness = (0.35 + 1.5 * p.velocity).min(0.9);
        let mut lp = 0.0;
        let mut burst: Vec<f64> = (0..len)
            .map(|_| {
                lp += brightness * (rng.range(-1.0, 1.0) - lp);
                lp
            })
            .collect();
        let notch = ((p.pick_position * len as f64).round() as usize).clamp(1, len - 1);
        let combed: Vec<f64> = (0..len)
            .map(|i| burst[i] - if i >= notch { burst[i - notch] } else { 0.0 })
            .collect();
        burst = combed;
        let mean = burst.iter().sum::<f64>() / len as f64;
        let peak = burst.iter().fold(1e-12_f64, |m, v| m.max((v - mean).abs()));
        // A re-plucked string is stopped by the pick first; a little of the old vibration survives.
        let old: Vec<f64> = (0..len)
            .map(|i| 0.2 * self.delay[(self.pos + i) % self.len.max(1)])
            .collect();
        self.len = len;
        self.pos = 0;
        for i in 0..len {
            self.delay[i] = old[i] + p.velocity * (burst[i] - mean) / peak;
        }
        self.allpass_x1 = 0.0;
        self.allpass_y1 = 0.0;
        self.loss_x1 = 0.0;
    }

    /// Changes the decay while the string rings (palm mute, a released fret).
    pub fn set_damping(&mut self, t60: f64, darkness: f64) {
        self.loss_a = darkness.clamp(0.0, 0.5);
        self.loss_g = 10f64.powf(-3.0 / (self.frequency * t60.max(1e-3)));
    }

    #[inline]
    pub fn tick(&mut self) -> f64 {
        let out = self.delay[self.pos];
        let lossy = self.loss_g * ((1.0 - self.loss_a) * out + self.loss_a * self.loss_x1);
        self.loss_x1 = out;
        let y = self.allpass_c * lossy + self.allpass_x1 - self.allpass_c * self.allpass_y1;
        self.allpass_x1 = lossy;
        self.allpass_y1 = y;
        self.delay[self.pos] = y;
        self.pos += 1;
        if self.pos >= self.len {
            self.pos = 0;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::spectrum::tone_amplitude;

    #[test]
    fn a_plucked_a2_rings_at_110_hz_and_decays_by_its_t60() {
        let fs = 44_100.0;
        let mut s = PluckedString::new(fs);
        let mut rng = SeededRng::new(1);
        s.pluck(
            Pluck {
                frequency: 110.0,
                velocity: 0.2,
                t60: 2.0,
                darkness: 0.3,
                pick_position: 0.13,
            },
            &mut rng,
        );
        let x: Vec<f64> = (0..(2.0 * fs) as usize).map(|_| s.tick()).collect();
        // One second of the decay: 1 Hz resolution, so a semitone either side (103.8 / 116.5 Hz) is well resolved.
        let first_second = &x[..44_100];
        let at = |f: f64| tone_amplitude(first_second, f, fs);
        assert!(
            at(110.0) > 10.0 * at(103.8) && at(110.0) > 10.0 * at(116.5),
            "pitch off: {} {} {}",
            at(103.8),
            at(110.0),
            at(116.5)
        );
        // The spectral peak, searched every 0.05 Hz, sits on 110 Hz: the all-pass tunes the fractional period.
        let peak = (0..=80)
            .map(|i| 108.0 + 0.05 * f64::from(i))
            .max_by(|a, b| at(*a).total_cmp(&at(*b)))
            .unwrap_or(0.0);
        assert!((peak - 110.0).abs() < 0.2, "rings at {peak} Hz");
        let rms = |v: &[f64]| (v.iter().map(|a| a * a).sum::<f64>() / v.len() as f64).sqrt();
        let drop_db = 20.0 * (rms(&x[0..4410]) / rms(&x[44_100..48_510])).log10();
        // Over one second a 2 s T60 loses 30 dB at the fundamental; upper partials decay faster.
        assert!((25.0..60.0).contains(&drop_db), "decay {drop_db} dB in 1 s");
    }
}
