//! `Sd1Circuit`: a reference model of the Boss SD-1 Super OverDrive, the study's first effect.
//!
//! Signal path (values from the SD-1 clone schematic modelled in Holters' ACME.jl, "Der Super Over"):
//! 1. Input buffer: 47 nF into 470 kΩ (7.2 Hz high-pass), an emitter follower, then 18 nF into the clipper's
//!    100 kΩ bias resistor (88 Hz high-pass). The follower's swing is limited by the 9 V supply.
//! 2. Clipping amplifier with the asymmetric diodes, solved implicitly at 4× the base rate ([`clipping`]).
//! 3. Tone stage and Level, linear, at the base rate ([`tone`]).
//!
//! Knobs: Drive at rotation 0.25 / 0.5 / 0.75 of its 1 MΩ audio-taper track for Low / Mid / High (9:00, 12:00,
//! 3:00 in the study); Tone at noon (W taper: wiper at the middle); Level at noon (audio taper).
//!
//! Output level: the Level pot at noon on its audio taper passes 6.6 %, so the wet files are quiet but never
//! clip (measured with `trainer synth` on the 19 DI clips, dry peak −2.3 dBFS: wet peaks −17.2 / −16.7 /
//! −16.5 dBFS at Low / Mid / High, both recorded at 20 dB of interface gain). The models' ESR loss does not
//! depend on the wet level.

pub mod clipping;
pub mod diodes;
#[cfg(test)]
mod tests;
pub mod tone;

use crate::dsp::analog::Rational;
use crate::dsp::iir::IirFilter;
use crate::dsp::oversampling::Oversampler;
use crate::dsp::pot::audio_taper;
use crate::{GainLevel, rail_limit};

use clipping::Sd1ClippingStage;

pub const INPUT_C: f64 = 47e-9;
pub const INPUT_R: f64 = 470e3;
pub const COUPLING_C: f64 = 18e-9;
pub const COUPLING_R: f64 = 100e3;
/// Largest swing about the 4.5 V bias before the 9 V rails bend it (emitter follower and 4558 output).
pub const RAIL_KNEE_VOLTS: f64 = 3.5;
/// log2 of the oversampling factor of the clipping stage: 4× keeps the strongest alias of a 0.3 V tone at High
/// 75 dB below the fundamental (measured), since the GBW-limited feedback rounds the clipped edges.
pub const OVERSAMPLING_STAGES: u32 = 2;

/// The input buffer's two coupling high-passes (7.2 Hz and 88.4 Hz).
pub fn input_coupling_transfer() -> Rational {
    Rational::rc_high_pass(INPUT_R, INPUT_C).mul(&Rational::rc_high_pass(COUPLING_R, COUPLING_C))
}

/// Knob settings of the pedal, as rotations in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sd1Settings {
    pub drive: f64,
    pub tone: f64,
    pub level: f64,
}

impl Sd1Settings {
    /// The study's settings: Drive at 9:00 / 12:00 / 3:00, Tone and Level at noon.
    pub fn study(gain: GainLevel) -> Self {
        Self::at_knob(gain.knob())
    }

    /// Drive anywhere from the study's Low (9:00, `knob` 0) to its High (3:00, `knob` 1), Tone and Level at noon.
    pub fn at_knob(knob: f64) -> Self {
        Self { drive: 0.25 + 0.5 * knob.clamp(0.0, 1.0), tone: 0.5, level: 0.5 }
    }

    pub fn describe(&self) -> String {
        format!(
            "Drive {:.2} of rotation ({:.0} kΩ of the 1 MΩ audio-taper pot), Tone {:.2}, Level {:.2}",
            self.drive,
            audio_taper(self.drive) * clipping::DRIVE_POT / 1e3,
            self.tone,
            self.level
        )
    }
}

/// The whole pedal, volts in, volts out (both about the 4.5 V bias), at `sample_rate`.
#[derive(Debug, Clone)]
pub struct Sd1Circuit {
    settings: Sd1Settings,
    input_coupling: IirFilter,
    clipper: Sd1ClippingStage,
    oversampler: Oversampler,
    tone_and_level: IirFilter,
}

impl Sd1Circuit {
    pub fn new(settings: Sd1Settings, sample_rate: f64) -> Self {
        let oversampler = Oversampler::new(OVERSAMPLING_STAGES, sample_rate);
        let drive_resistance = audio_taper(settings.drive) * clipping::DRIVE_POT;
        Self {
            settings,
            input_coupling: input_coupling_transfer().bilinear(sample_rate),
            clipper: Sd1ClippingStage::new(drive_resistance, sample_rate * oversampler.factor() as f64),
            oversampler,
            tone_and_level: tone::tone_and_level(settings.tone, settings.level, sample_rate),
        }
    }

    pub fn settings(&self) -> Sd1Settings {
        self.settings
    }

    /// Small-signal gain of the clipping stage at mid frequencies, `1 + Rf/Rg` (Rf = 33 kΩ + drive).
    pub fn clipper_mid_gain(&self) -> f64 {
        1.0 + self.clipper.feedback_resistance() / clipping::R_GROUND
    }

    pub fn clipper(&self) -> &Sd1ClippingStage {
        &self.clipper
    }

    /// Processes a block; state carries over to the next call.
    pub fn process(&mut self, volts: &[f64]) -> Vec<f64> {
        let buffered: Vec<f64> = volts
            .iter()
            .map(|&v| rail_limit(self.input_coupling.process(v), RAIL_KNEE_VOLTS))
            .collect();
        let clipper = &mut self.clipper;
        let mut clipped = self
            .oversampler
            .process(&buffered, |v| rail_limit(clipper.process(v), RAIL_KNEE_VOLTS));
        self.tone_and_level.process_in_place(&mut clipped);
        clipped
    }

    /// The clipping stage alone (input buffer and tone stage bypassed), oversampled: for tests of its physics.
    pub fn process_clipper_only(&mut self, volts: &[f64]) -> Vec<f64> {
        let clipper = &mut self.clipper;
        self.oversampler.process(volts, |v| clipper.process(v))
    }
}
