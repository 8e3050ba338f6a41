//! Stand-in recordings: physically modelled reference circuits of the study's two effects, a procedural guitar,
//! and the recording rig (interface gains and converters) that turns a dry clip into the study's wet one. The
//! trainer's `synth` writes their output in the study's folder layout; this crate knows no files.
//!
//! The study's own recordings (a Boss SD-1 and a Marshall DSL20H preamp, dry and wet recorded at once) are not
//! available; these circuits produce honest substitutes so that the trainer can be exercised end to end, and the
//! same trainer later runs unchanged on a user's real recordings.

pub mod dsl20h;
pub mod dsp;
pub mod guitar;
pub mod interface;
pub mod rig;
pub mod sd1;

pub use dsl20h::{Dsl20hPreamp, Dsl20hSettings};
pub use guitar::ProceduralGuitar;
pub use interface::AudioInterface;
pub use rig::{RecordingRig, StudyEffect};
pub use sd1::{Sd1Circuit, Sd1Settings};

/// The study's three settings per effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GainLevel {
    Low,
    Mid,
    High,
}

impl GainLevel {
    pub const ALL: [GainLevel; 3] = [GainLevel::Low, GainLevel::Mid, GainLevel::High];

    /// Folder name in the study's layout.
    pub fn name(self) -> &'static str {
        match self {
            GainLevel::Low => "Low",
            GainLevel::Mid => "Mid",
            GainLevel::High => "High",
        }
    }

    /// Where the setting sits on the stand-in circuits' knob: Low 0, Mid 0.5, High 1 (the study's gain knob).
    pub fn knob(self) -> f64 {
        match self {
            GainLevel::Low => 0.0,
            GainLevel::Mid => 0.5,
            GainLevel::High => 1.0,
        }
    }
}

/// Soft supply-rail limit: identity up to `knee` volts, then a tanh bend towards `knee + 0.5 V` — a transistor or
/// op-amp output cannot swing past its rails, whatever the input (the ±10 V robustness tests rely on it).
#[inline]
pub fn rail_limit(v: f64, knee: f64) -> f64 {
    const BEND: f64 = 0.5;
    let a = v.abs();
    if a <= knee {
        v
    } else {
        v.signum() * (knee + BEND * ((a - knee) / BEND).tanh())
    }
}
