//! The recording rig of the study: the interface's dry input, the effect, the interface's wet input.
//!
//! Dry and wet were recorded at once, the dry at 20 dB of interface gain, the wet at 20 dB (SD-1) or 15 dB
//! (DSL20H) — so a dry sample becomes volts through the 20 dB full scale, the circuit runs in volts, and its
//! output becomes a wet sample through the wet full scale ([`AudioInterface`]).

use blackbox_engine::model::Gain;

use super::GainLevel;
use super::dsl20h::{Dsl20hPreamp, Dsl20hSettings};
use super::interface::AudioInterface;
use super::sd1::{Sd1Circuit, Sd1Settings};

pub const DRY_GAIN_DB: f64 = 20.0;

impl From<GainLevel> for Gain {
    fn from(g: GainLevel) -> Gain {
        match g {
            GainLevel::Low => Gain::Low,
            GainLevel::Mid => Gain::Mid,
            GainLevel::High => Gain::High,
        }
    }
}

/// The study's two effects, by the reference circuit that stands in for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StudyEffect {
    /// The Boss SD-1 overdrive pedal.
    Sd1,
    /// The Marshall DSL20H preamp, UltraGain channel, at its FX send.
    Dsl20h,
}

impl StudyEffect {
    pub const ALL: [StudyEffect; 2] = [StudyEffect::Sd1, StudyEffect::Dsl20h];

    /// The circuit's type name, which starts every stand-in label written for it.
    fn type_name(self) -> &'static str {
        match self {
            StudyEffect::Sd1 => "Sd1Circuit",
            StudyEffect::Dsl20h => "Dsl20hPreamp",
        }
    }

    /// The effect whose reference circuit a stand-in label names, so that reports can play the circuit.
    pub fn of_label(label: &str) -> Option<StudyEffect> {
        Self::ALL.into_iter().find(|e| label.trim_start().starts_with(e.type_name()))
    }
}

#[derive(Debug, Clone)]
enum Circuit {
    Sd1(Sd1Circuit),
    Dsl20h(Dsl20hPreamp),
}

/// One gain setting of one effect, ready to record any number of clips.
#[derive(Debug, Clone)]
pub struct RecordingRig {
    circuit: Circuit,
    dry: AudioInterface,
    wet: AudioInterface,
    settings: String,
}

impl RecordingRig {
    /// The study's rig for `effect` at `gain`; `sample_rate` is the recordings' (44.1 kHz).
    pub fn study(effect: StudyEffect, gain: GainLevel, sample_rate: f64) -> Self {
        Self::at_knob(effect, gain.knob(), sample_rate)
    }

    /// The rig with the effect's drive anywhere between the study's Low (`knob` 0) and High (`knob` 1).
    pub fn at_knob(effect: StudyEffect, knob: f64, sample_rate: f64) -> Self {
        match effect {
            StudyEffect::Sd1 => {
                let s = Sd1Settings::at_knob(knob);
                Self {
                    circuit: Circuit::Sd1(Sd1Circuit::new(s, sample_rate)),
                    dry: AudioInterface::scarlett_2i2_gen4(DRY_GAIN_DB),
                    wet: AudioInterface::scarlett_2i2_gen4(20.0),
                    settings: s.describe(),
                }
            }
            StudyEffect::Dsl20h => {
                let s = Dsl20hSettings::at_knob(knob);
                Self {
                    // The tables are built once here; each recording clones them and draws its own noise.
                    circuit: Circuit::Dsl20h(Dsl20hPreamp::new(s, sample_rate, 0)),
                    dry: AudioInterface::scarlett_2i2_gen4(DRY_GAIN_DB),
                    wet: AudioInterface::scarlett_2i2_gen4(15.0),
                    settings: s.describe(),
                }
            }
        }
    }

    /// A setting's folder name at `knob`, by the pot it turns: "Drive 0.50" (SD-1, of rotation), "Gain 5.0"
    /// (DSL20H, on its 0-10 dial).
    pub fn setting_name(effect: StudyEffect, knob: f64) -> String {
        match effect {
            StudyEffect::Sd1 => format!("Drive {:.2}", Sd1Settings::at_knob(knob).drive),
            StudyEffect::Dsl20h => format!("Gain {:.1}", Dsl20hSettings::at_knob(knob).gain),
        }
    }

    /// Which circuit, for labels and `SOURCE.md`.
    pub fn circuit_name(&self) -> &'static str {
        match self.circuit {
            Circuit::Sd1(_) => "Sd1Circuit (Boss SD-1 reference model)",
            Circuit::Dsl20h(_) => "Dsl20hPreamp (Marshall DSL20H UltraGain preamp reference model, FX send)",
        }
    }

    pub fn settings(&self) -> &str {
        &self.settings
    }

    pub fn dry_interface(&self) -> AudioInterface {
        self.dry
    }

    pub fn wet_interface(&self) -> AudioInterface {
        self.wet
    }

    /// Records one clip from a fresh, settled circuit: dry samples in, wet samples out. `seed` draws the
    /// amplifier's hiss and hum (the SD-1 model is noiseless).
    pub fn record(&self, dry: &[f64], seed: u64) -> Vec<f64> {
        let volts: Vec<f64> = dry.iter().map(|&s| self.dry.to_volts(s)).collect();
        let out = match &self.circuit {
            Circuit::Sd1(c) => c.clone().process(&volts),
            Circuit::Dsl20h(c) => c.reseeded(seed).process(&volts),
        };
        out.into_iter().map(|v| self.wet.to_sample(v)).collect()
    }
}
