//! The plugin's parameters (what a host automates and saves) and the settings they add up to for a block.

use std::sync::Arc;

use blackbox_engine::gate::GateParams;
use blackbox_engine::tone::{MAX_BOOST_DB, ToneSettings};
use nice_plug::prelude::*;

use crate::cabinet::CabinetSlot;
use crate::catalogue::{self, BEST_MODEL, Effect, GainSetting};
use crate::post::PostControls;
use crate::user_model::UserModelSlot;

#[derive(Params)]
pub struct BlackBoxParams {
    /// The user's model file, saved as its path and reloaded with the session.
    #[persist = "user-model"]
    pub user_model: UserModelSlot,
    /// The cabinet IR file, saved as its path ("" = the designed cabinet) and reloaded with the session.
    #[persist = "cab-ir"]
    pub cabinet_ir: CabinetSlot,

    /// The devices among the embedded models, then the user's file (see [`Effect`]).
    #[id = "effect"]
    pub effect: IntParam,
    #[id = "gain"]
    pub gain: EnumParam<GainSetting>,
    /// 0 = the best-scoring model for the effect and gain; 1..=12 = the study's architectures; 13 = the effect's
    /// gain-conditioned model, played with the continuous gain knob.
    #[id = "model"]
    pub model: IntParam,
    /// The continuous gain input of a gain-conditioned model (Low 0, Mid 0.5, High 1); fixed-gain models ignore it.
    #[id = "knob"]
    pub gain_knob: FloatParam,
    /// A user model's second knob (a GuitarML or AIDA-X model conditioned on two controls, e.g. drive and
    /// tone); every other model ignores it.
    #[id = "knob2"]
    pub knob2: FloatParam,

    #[id = "in_db"]
    pub input_gain: FloatParam,
    #[id = "out_db"]
    pub output_gain: FloatParam,

    #[id = "gate"]
    pub gate_on: BoolParam,
    #[id = "g_thr"]
    pub gate_threshold: FloatParam,
    #[id = "g_att"]
    pub gate_attack: FloatParam,
    #[id = "g_hold"]
    pub gate_hold: FloatParam,
    #[id = "g_rel"]
    pub gate_release: FloatParam,

    /// Brings every model to the same loudness on the reference passage (see `blackbox_engine::loudness`).
    #[id = "norm"]
    pub normalize: BoolParam,

    #[id = "tone"]
    pub tone_on: BoolParam,
    #[id = "bass"]
    pub bass: FloatParam,
    #[id = "mid"]
    pub mid: FloatParam,
    #[id = "treble"]
    pub treble: FloatParam,

    /// The speaker-cabinet IR after the model and the tone stack.
    #[id = "cab"]
    pub cabinet_on: BoolParam,

    #[id = "mix"]
    pub mix: FloatParam,
    #[id = "bypass"]
    pub bypass: BoolParam,
}

impl BlackBoxParams {
    pub fn new(user_model: UserModelSlot, cabinet_ir: CabinetSlot) -> Self {
        let decibels = |name: &str| {
            FloatParam::new(
                name,
                1.0,
                FloatRange::Skewed {
                    min: util::db_to_gain(-24.0),
                    max: util::db_to_gain(24.0),
                    factor: FloatRange::gain_skew_factor(-24.0, 24.0),
                },
            )
            .with_smoother(SmoothingStyle::Logarithmic(30.0))
            .with_unit(" dB")
            .with_value_to_string(formatters::v2s_f32_gain_to_db(1))
            .with_string_to_value(formatters::s2v_f32_gain_to_db())
        };
        let milliseconds = |name: &str, default: f32, min: f32, max: f32| {
            FloatParam::new(name, default, FloatRange::Skewed { min, max, factor: FloatRange::skew_factor(-2.0) })
                .with_unit(" ms")
                .with_value_to_string(formatters::v2s_f32_rounded(1))
        };
        let band = |name: &str| {
            FloatParam::new(name, 0.0, FloatRange::Linear { min: -MAX_BOOST_DB, max: MAX_BOOST_DB })
                .with_unit(" dB")
                .with_value_to_string(formatters::v2s_f32_rounded(1))
        };
        let gate = GateParams::default();
        BlackBoxParams {
            user_model,
            cabinet_ir,
            effect: IntParam::new("Effect", 0, IntRange::Linear { min: 0, max: Effect::last_value() })
                .with_value_to_string(Arc::new(Effect::value_label))
                .with_string_to_value(Arc::new(Effect::value_from_label)),
            gain: EnumParam::new("Gain", GainSetting::Mid),
            model: IntParam::new("Model", BEST_MODEL, IntRange::Linear { min: 0, max: catalogue::LAST_MODEL_CHOICE })
                .with_value_to_string(Arc::new(catalogue::model_choice_label))
                .with_string_to_value(Arc::new(catalogue::model_choice_from_label)),
            gain_knob: FloatParam::new("Gain knob", 0.5, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_value_to_string(formatters::v2s_f32_rounded(2)),
            knob2: FloatParam::new("Knob 2", 0.5, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_value_to_string(formatters::v2s_f32_rounded(2)),
            input_gain: decibels("Input"),
            output_gain: decibels("Output"),
            gate_on: BoolParam::new("Gate", true),
            gate_threshold: FloatParam::new(
                "Gate threshold",
                gate.threshold_db,
                FloatRange::Linear { min: -96.0, max: 0.0 },
            )
            .with_unit(" dB")
            .with_value_to_string(formatters::v2s_f32_rounded(1)),
            gate_attack: milliseconds("Gate attack", gate.attack_ms, 0.1, 100.0),
            gate_hold: milliseconds("Gate hold", gate.hold_ms, 0.0, 1000.0),
            gate_release: milliseconds("Gate release", gate.release_ms, 1.0, 2000.0),
            normalize: BoolParam::new("Normalize output", true),
            tone_on: BoolParam::new("Tone", false),
            bass: band("Bass"),
            mid: band("Middle"),
            treble: band("Treble"),
            cabinet_on: BoolParam::new("Cabinet", false),
            mix: FloatParam::new("Mix", 1.0, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_smoother(SmoothingStyle::Linear(30.0))
                .with_unit(" %")
                .with_value_to_string(formatters::v2s_f32_percentage(0))
                .with_string_to_value(formatters::s2v_f32_percentage()),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
        }
    }

    /// What the Effect parameter selects.
    pub fn effect(&self) -> Effect {
        Effect::from_value(self.effect.value())
    }

    pub fn post_controls(&self) -> PostControls {
        PostControls {
            tone: self.tone_on.value().then(|| ToneSettings {
                bass_db: self.bass.value(),
                mid_db: self.mid.value(),
                treble_db: self.treble.value(),
            }),
            cabinet: self.cabinet_on.value(),
        }
    }

    pub fn gate_params(&self) -> Option<GateParams> {
        self.gate_on.value().then(|| GateParams {
            threshold_db: self.gate_threshold.value(),
            attack_ms: self.gate_attack.value(),
            hold_ms: self.gate_hold.value(),
            release_ms: self.gate_release.value(),
            ..GateParams::default()
        })
    }
}
