//! `ProceduralGuitar`: a seeded DI guitar for machines without recordings.
//!
//! Six [`string::PluckedString`]s play a [`score`] of power chords, palm-muted riffs, single-note lines and pauses.
//! The strings' sum goes through a magnetic pickup's resonance (a second-order low-pass at 3.2 kHz, Q 1.6 — a
//! humbucker loaded by its cable) and a 20 Hz DC block. Each song's peak is set between −6 and −1.5 dBFS (the
//! study's DI levels at 20 dB of interface gain), and a noise floor — interface hiss at −84 dBFS rms and pickup
//! hum of the 50 Hz family near −75 dBFS — runs under everything, pauses included. Output is 44.1 kHz.

pub mod score;
pub mod string;

use crate::dsp::analog::{Poly, Rational};
use blackbox_engine::rng::SeededRng;

use score::{Articulation, NoteEvent};
use string::{Pluck, PluckedString};

pub const SAMPLE_RATE: f64 = 44_100.0;
const PICKUP_HZ: f64 = 3_200.0;
const PICKUP_Q: f64 = 1.6;
const HISS_DBFS: f64 = -84.0;
const HUM_DBFS: f64 = -75.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProceduralGuitar {
    seed: u64,
}

impl ProceduralGuitar {
    pub fn new(seed: u64) -> Self {
        Self { seed }
    }

    pub fn sample_rate(&self) -> f64 {
        SAMPLE_RATE
    }

    /// Song number `index` (each index is a different song), `seconds` long, samples in [-1, 1].
    pub fn song(&self, index: usize, seconds: f64) -> Vec<f64> {
        let mut rng = SeededRng::derive(self.seed, &format!("procedural guitar song {index}"));
        let events = score::compose(&mut rng, seconds);
        let mut out = render(&events, seconds, &mut rng);
        let peak = out.iter().fold(1e-12_f64, |m, v| m.max(v.abs()));
        let target = 10f64.powf(rng.range(-6.0, -1.5) / 20.0);
        out.iter_mut().for_each(|v| *v *= target / peak);
        add_noise_floor(&mut out, &mut rng);
        out
    }
}

fn render(events: &[NoteEvent], seconds: f64, rng: &mut SeededRng) -> Vec<f64> {
    let n = (seconds * SAMPLE_RATE) as usize;
    let mut strings: Vec<PluckedString> = (0..6).map(|_| PluckedString::new(SAMPLE_RATE)).collect();
    let mut releases: [Option<usize>; 6] = [None; 6];
    let w0 = std::f64::consts::TAU * PICKUP_HZ;
    let mut pickup =
        Rational::new(Poly::constant(w0 * w0), Poly(vec![w0 * w0, w0 / PICKUP_Q, 1.0])).bilinear(SAMPLE_RATE);
    let mut dc_block = Rational::rc_high_pass(1.0, 1.0 / (std::f64::consts::TAU * 20.0)).bilinear(SAMPLE_RATE);
    let mut next_event = 0;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        while next_event < events.len() && (events[next_event].time * SAMPLE_RATE) as usize <= i {
            let e = events[next_event];
            let frequency = 440.0 * 2f64.powf((e.midi - 69.0) / 12.0);
            let (t60, darkness) = match e.articulation {
                Articulation::Open => (
                    rng.range(2.0, 4.5) * (110.0 / frequency).powf(0.3),
                    rng.range(0.15, 0.35),
                ),
                Articulation::PalmMuted => (rng.range(0.12, 0.3), 0.5),
            };
            let pick_position = rng.range(0.08, 0.2);
            strings[e.string].pluck(
                Pluck {
                    frequency,
                    velocity: e.velocity,
                    t60,
                    darkness,
                    pick_position,
                },
                rng,
            );
            releases[e.string] = Some((e.release * SAMPLE_RATE) as usize);
            next_event += 1;
        }
        let mut sum = 0.0;
        for (s, string) in strings.iter_mut().enumerate() {
            if releases[s] == Some(i) {
                // Lifting the fretting finger: the string dies within about a tenth of a second.
                string.set_damping(0.08, 0.5);
                releases[s] = None;
            }
            sum += string.tick();
        }
        out.push(dc_block.process(pickup.process(sum)));
    }
    out
}

fn add_noise_floor(out: &mut [f64], rng: &mut SeededRng) {
    let hiss = 10f64.powf(HISS_DBFS / 20.0);
    let hum = 10f64.powf(HUM_DBFS / 20.0) * std::f64::consts::SQRT_2;
    let phases: Vec<f64> = (0..4).map(|_| rng.range(0.0, std::f64::consts::TAU)).collect();
    for (i, v) in out.iter_mut().enumerate() {
        let t = i as f64 / SAMPLE_RATE;
        let buzz: f64 = (0..4)
            .map(|k| (std::f64::consts::TAU * 50.0 * (k + 1) as f64 * t + phases[k]).sin() / (k + 1) as f64)
            .sum();
        *v += hiss * rng.normal() + hum * 0.6 * buzz;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_song_has_di_peaks_a_noise_floor_in_its_pauses_and_repeats_for_its_seed() {
        let g = ProceduralGuitar::new(42);
        let a = g.song(0, 20.0);
        assert_eq!(a.len(), 20 * 44_100);
        let peak_db = 20.0 * a.iter().fold(0.0_f64, |m, v| m.max(v.abs())).log10();
        assert!((-6.5..=-1.0).contains(&peak_db), "peak {peak_db} dBFS");
        // The quietest 100 ms stretch is the noise floor: present, and far below the playing.
        let rms = |v: &[f64]| (v.iter().map(|a| a * a).sum::<f64>() / v.len() as f64).sqrt();
        let quietest = a.chunks(4410).map(rms).fold(f64::MAX, f64::min);
        let floor_db = 20.0 * quietest.log10();
        assert!((-90.0..-60.0).contains(&floor_db), "floor {floor_db} dBFS");
        assert_eq!(a, g.song(0, 20.0));
        assert_ne!(a, g.song(1, 20.0));
    }
}
