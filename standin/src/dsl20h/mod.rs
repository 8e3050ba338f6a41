//! `Dsl20hPreamp`: a reference model of the Marshall DSL20H preamp on its UltraGain channel, taken from the FX
//! send as in the study.
//!
//! Topology of the Marshall high-gain preamps (JCM800 2203, whose structure the DSL family keeps): V1a, the Gain
//! pot, V1b, a 470 kΩ/470 kΩ divider into a cold-biased V2a, a cathode follower, the TMB tone stack, the Volume.
//! The DSL20H's exact component values are not published with the study; the values below are the JCM800's
//! where it has them and representative 12AX7 values otherwise (every one is named here):
//!
//! | stage | B+ | Rp | Rk ∥ Ck | into the grid |
//! |---|---|---|---|---|
//! | V1a | 290 V | 100 kΩ | 2.7 kΩ ∥ 0.68 µF | 68 kΩ stopper from the jack, DC-coupled (1 Hz) |
//! | V1b | 280 V | 100 kΩ | 1.5 kΩ ∥ 1 µF | 22 nF into the 1 MΩ audio-taper Gain pot, 10 kΩ stopper |
//! | V2a | 270 V | 100 kΩ | 10 kΩ ∥ 0.68 µF (cold) | 22 nF into 470 kΩ series, 470 kΩ to ground |
//!
//! V1a's and V1b's plates drive their networks through `Rp ∥ r_p` ≈ 38 kΩ. The cathode follower is taken as an
//! ideal buffer with its DC removed (its own clipping is left out). V1b and V2a, where the clipping happens, run
//! at 8× the base rate (half-band cascade, [`crate::dsp::oversampling`]; at 4× the strongest alias of a
//! 0.3 V tone at High was measured 47 dB below the fundamental, at 8× 65 dB). V1a runs at the base rate: a
//! guitar (under 0.5 V) never drives it past its −1.8 V bias, its harmonics stay far below 22 kHz, and the
//! preamp then costs a third less. The tone stack and Volume are linear and run after decimation. Hiss and hum
//! enter at the first grid ([`noise`]).
//!
//! Output scaling: the FX-send level network is not modelled; a fixed send ratio [`SEND_RATIO`] (−51 dB) brings
//! the saturated preamp (≈ 140 V peak after the tone stack) to about 0.4 V peak, which the study's 15 dB
//! interface setting (0.78 V full scale) records near −6 dBFS, so that the loudest DI clip does not clip
//! (measured with `trainer synth` on the 19 DI clips, dry peak −2.3 dBFS: wet peaks −10.8 / −8.1 / −7.2 dBFS at
//! Low / Mid / High; on the procedural default, dry peak −1.6 dBFS: −9.1 / −7.5 / −6.5 dBFS).

pub mod noise;
pub mod stage;
pub mod table;
#[cfg(test)]
mod tests;
pub mod tone_stack;
pub mod triode;

use crate::GainLevel;
use crate::dsp::iir::IirFilter;
use crate::dsp::oversampling::Oversampler;
use crate::dsp::pot::audio_taper;

use noise::TubeNoise;
use stage::{InterstageNetwork, StageParams, TriodeStage};
use tone_stack::TmbToneStack;

/// Plate output impedance of a 100 kΩ-loaded 12AX7 (`Rp ∥ r_p`, r_p ≈ 62.5 kΩ).
pub const PLATE_SOURCE_RESISTANCE: f64 = 38e3;
pub const GAIN_POT: f64 = 1e6;
pub const COUPLING_C: f64 = 22e-9;
/// FX send ratio after Volume (see the module documentation).
pub const SEND_RATIO: f64 = 0.0028;
pub const OVERSAMPLING_STAGES: u32 = 3;

/// Front-panel settings on the 0–10 scales.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dsl20hSettings {
    pub gain: f64,
    pub treble: f64,
    pub middle: f64,
    pub bass: f64,
    pub volume: f64,
}

impl Dsl20hSettings {
    /// The study's settings: Gain 2 / 5 / 8, EQ at 5, Volume 10.
    pub fn study(gain: GainLevel) -> Self {
        Self::at_knob(gain.knob())
    }

    /// Gain anywhere from the study's Low (2, `knob` 0) to its High (8, `knob` 1), EQ at 5, Volume 10.
    pub fn at_knob(knob: f64) -> Self {
        Self {
            gain: 2.0 + 6.0 * knob.clamp(0.0, 1.0),
            treble: 5.0,
            middle: 5.0,
            bass: 5.0,
            volume: 10.0,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "UltraGain channel, Gain {} (1 MΩ audio taper: {:.1} % of the track), Treble {}, Middle {}, Bass {}, \
             Volume {}, Reverb/Resonance/Presence 0, Tone Shift off",
            self.gain,
            100.0 * audio_taper(self.gain / 10.0),
            self.treble,
            self.middle,
            self.bass,
            self.volume
        )
    }
}

/// The Gain pot as seen from V1b's grid: wiper fraction `r` of a pot fed from a 38 kΩ plate.
fn gain_pot_network(rotation: f64) -> InterstageNetwork {
    let r = audio_taper(rotation).max(1e-4);
    let lower = r * GAIN_POT;
    let upper = (1.0 - r) * GAIN_POT + PLATE_SOURCE_RESISTANCE;
    InterstageNetwork {
        ratio: r * GAIN_POT / (GAIN_POT + PLATE_SOURCE_RESISTANCE),
        grid_source_resistance: 10e3 + upper * lower / (upper + lower),
        corner_hz: 1.0 / (std::f64::consts::TAU * COUPLING_C * (GAIN_POT + PLATE_SOURCE_RESISTANCE)),
    }
}

/// The stages' component values for a Gain setting (0–10).
pub fn stage_params(gain: f64) -> [StageParams; 3] {
    let divider_series = 470e3 + PLATE_SOURCE_RESISTANCE;
    [
        StageParams {
            supply_volts: 290.0,
            plate_resistor: 100e3,
            cathode_resistor: 2.7e3,
            cathode_capacitor: 0.68e-6,
            input: InterstageNetwork {
                ratio: 1.0,
                grid_source_resistance: 68e3,
                corner_hz: 1.0,
            },
        },
        StageParams {
            supply_volts: 280.0,
            plate_resistor: 100e3,
            cathode_resistor: 1.5e3,
            cathode_capacitor: 1e-6,
            input: gain_pot_network(gain / 10.0),
        },
        StageParams {
            supply_volts: 270.0,
            plate_resistor: 100e3,
            cathode_resistor: 10e3,
            cathode_capacitor: 0.68e-6,
            input: InterstageNetwork {
                ratio: 470e3 / (divider_series + 470e3),
                grid_source_resistance: divider_series * 470e3 / (divider_series + 470e3),
                corner_hz: 1.0 / (std::f64::consts::TAU * COUPLING_C * (divider_series + 470e3)),
            },
        },
    ]
}

#[derive(Debug, Clone)]
pub struct Dsl20hPreamp {
    settings: Dsl20hSettings,
    /// V1a at the base rate, then V1b and V2a at the oversampled rate.
    stages: Vec<TriodeStage>,
    oversampler: Oversampler,
    tone_stack: IirFilter,
    output_ratio: f64,
    noise: TubeNoise,
    exact: bool,
}

impl Dsl20hPreamp {
    /// With hiss and hum drawn from `seed`.
    pub fn new(settings: Dsl20hSettings, sample_rate: f64, seed: u64) -> Self {
        let mut p = Self::without_noise(settings, sample_rate);
        p.noise = TubeNoise::new(seed, sample_rate);
        p
    }

    /// The circuit alone, no hiss or hum (for measuring its transfer).
    pub fn without_noise(settings: Dsl20hSettings, sample_rate: f64) -> Self {
        let oversampler = Oversampler::new(OVERSAMPLING_STAGES, sample_rate);
        let rate = sample_rate * oversampler.factor() as f64;
        let mut stages: Vec<TriodeStage> = Vec::with_capacity(3);
        for (i, params) in stage_params(settings.gain).into_iter().enumerate() {
            let source_dc = stages.last().map_or(0.0, |s| s.quiescent_plate());
            stages.push(TriodeStage::new(
                params,
                if i == 0 { sample_rate } else { rate },
                source_dc,
            ));
        }
        Self {
            settings,
            stages,
            oversampler,
            tone_stack: TmbToneStack::marshall(settings.treble, settings.middle, settings.bass)
                .transfer()
                .bilinear(sample_rate),
            output_ratio: audio_taper(settings.volume / 10.0) * SEND_RATIO,
            noise: TubeNoise::silent(sample_rate),
            exact: false,
        }
    }

    /// The same circuit at rest with hiss and hum drawn from another seed (cheap: the tables are shared).
    pub fn reseeded(&self, seed: u64) -> Self {
        let mut p = self.clone();
        p.noise = TubeNoise::new(seed, p.noise.sample_rate());
        p
    }

    /// Solve every stage by Newton instead of the tables (slow; for checking the tables).
    pub fn use_exact_solver(&mut self, exact: bool) {
        self.exact = exact;
    }

    pub fn settings(&self) -> Dsl20hSettings {
        self.settings
    }

    pub fn stages(&self) -> &[TriodeStage] {
        &self.stages
    }

    /// Volts at the input jack to volts at the FX send; state carries over between calls.
    pub fn process(&mut self, volts: &[f64]) -> Vec<f64> {
        let exact = self.exact;
        let Some((first, oversampled)) = self.stages.split_first_mut() else {
            return volts.to_vec();
        };
        // V1a at the base rate; its plate's DC is taken out before the oversampling filters (which start from
        // rest) and put back after, so no step runs through them at the start of a clip.
        let first_dc = first.quiescent_plate();
        let v1a: Vec<f64> = volts
            .iter()
            .map(|&v| {
                let x = v + self.noise.sample();
                (if exact {
                    first.process_exact(x)
                } else {
                    first.process(x)
                }) - first_dc
            })
            .collect();
        let plate_dc = oversampled.last().map_or(first_dc, |s| s.quiescent_plate());
        let mut out = self.oversampler.process(&v1a, |v| {
            let mut x = v + first_dc;
            for s in oversampled.iter_mut() {
                x = if exact { s.process_exact(x) } else { s.process(x) };
            }
            x - plate_dc
        });
        for v in out.iter_mut() {
            *v = self.tone_stack.process(*v) * self.output_ratio;
        }
        out
    }
}
