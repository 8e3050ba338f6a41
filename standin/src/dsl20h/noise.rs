//! Tube hiss and mains hum, injected at the first grid so that the amplifier shapes them as it shapes the guitar.
//!
//! Hiss: the first stage's equivalent input noise — Johnson noise of the 68 kΩ grid stopper
//! (`sqrt(4 k T R B)` = 4.7 µV rms over 20 kHz at 300 K) plus the 12AX7's own shot and flicker noise, about
//! 2 µV more — modelled as white Gaussian noise of 5 µV rms at 44.1 kHz (its band is the circuit's).
//! Hum: AC heaters couple 50 Hz into the cathode and the rectifier's ripple sits at 100 Hz; a real amplifier
//! shows the 50 Hz family up to a few hundred hertz. Amplitudes are a few microvolts at the grid, so that at High
//! gain the silence between phrases sits near −72 dBFS in the wet files (−99 dBFS at Low), audible but well below the playing, as
//! the study describes ("prone to random noise, especially when nothing is being played"). Phases and a ±20 %
//! spread of each harmonic's level are drawn from the seed; the mains frequency drifts slowly by ±0.05 Hz.

use blackbox_engine::rng::SeededRng;

pub const HISS_RMS_VOLTS: f64 = 5e-6;
/// (harmonic of 50 Hz, amplitude at the grid in volts).
pub const HUM_FAMILY: [(f64, f64); 6] = [
    (1.0, 4e-6),
    (2.0, 3e-6),
    (3.0, 1.5e-6),
    (4.0, 0.8e-6),
    (5.0, 0.6e-6),
    (6.0, 0.3e-6),
];
pub const MAINS_HZ: f64 = 50.0;

#[derive(Debug, Clone)]
pub struct TubeNoise {
    rng: SeededRng,
    hum: Vec<(f64, f64, f64)>,
    drift_phase: f64,
    mains_phase: f64,
    sample_rate: f64,
    scale: f64,
}

impl TubeNoise {
    pub fn new(seed: u64, sample_rate: f64) -> Self {
        let mut rng = SeededRng::derive(seed, "dsl20h tube noise");
        let hum = HUM_FAMILY
            .iter()
            .map(|&(h, a)| (h, a * rng.range(0.8, 1.2), rng.range(0.0, std::f64::consts::TAU)))
            .collect();
        let drift_phase = rng.range(0.0, std::f64::consts::TAU);
        Self {
            rng,
            hum,
            drift_phase,
            mains_phase: 0.0,
            sample_rate,
            scale: 1.0,
        }
    }

    /// Silent source (for measurements of the circuit alone).
    pub fn silent(sample_rate: f64) -> Self {
        let mut n = Self::new(0, sample_rate);
        n.scale = 0.0;
        n
    }

    pub fn sample_rate(&self) -> f64 {
        self.sample_rate
    }

    /// Next sample, volts at the first grid.
    #[inline]
    pub fn sample(&mut self) -> f64 {
        if self.scale == 0.0 {
            return 0.0;
        }
        let t = std::f64::consts::TAU / self.sample_rate;
        self.drift_phase += t * 0.03; // one drift cycle every half-minute
        self.mains_phase += t * (MAINS_HZ + 0.05 * self.drift_phase.sin());
        if self.mains_phase > std::f64::consts::TAU {
            self.mains_phase -= std::f64::consts::TAU;
        }
        let hum: f64 = self
            .hum
            .iter()
            .map(|&(h, a, p)| a * (h * self.mains_phase + p).sin())
            .sum();
        self.scale * (HISS_RMS_VOLTS * self.rng.normal() + hum)
    }
}
