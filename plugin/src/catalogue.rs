//! The models embedded at build time and how a selection (effect, gain, model) picks one of them.
//!
//! `build.rs` writes one [`EmbeddedModel`] per `.bbx` file under `models/` that the plugin admits, with only what
//! choosing a model needs (effect, gain, architecture, test ESR): the audio thread resolves a selection from those
//! without parsing. Everything else about a model is read from its own bytes, like a user's file: its facts once,
//! on the GUI thread ([`facts`]), its weights once, at activation (see [`crate::rack`]).

use std::sync::OnceLock;

use blackbox_engine::formats::LoadedModel;
use blackbox_engine::loudness::Loudness;
use blackbox_engine::model::{Architecture, Gain, ModelFile, STUDY_ARCHITECTURES, SettingName, unstable_when_streamed};
use nice_plug::prelude::Enum;

pub use crate::effect::Effect;

use crate::facts::ModelFacts;

include!(concat!(env!("OUT_DIR"), "/embedded_models.rs"));

/// A setting outside the study's three in the build-time table; the engine's reader has already refused names
/// that do not fit, so the panic (at compile time) cannot happen.
#[allow(dead_code, reason = "the generated table calls it only when models/ holds a device with named settings")]
const fn named_setting(name: &str) -> Gain {
    match SettingName::new(name) {
        Some(name) => Gain::Named(name),
        None => panic!("a setting name longer than SettingName::CAPACITY"),
    }
}

/// A model file compiled into the plugin: its bytes, and the keys a selection is resolved by.
#[derive(Debug)]
pub struct EmbeddedModel {
    /// Relative to `models/`.
    pub path: &'static str,
    pub bytes: &'static [u8],
    pub effect: &'static str,
    pub gain: Gain,
    pub context: u32,
    pub hidden_size: u32,
    pub learning_rate: f64,
    pub streaming_esr: Option<f32>,
    pub windowed_esr: Option<f32>,
    /// (knob, LUFS) on the engine's reference passage, measured at build time: one point for a fixed-gain
    /// model, several across the knob for a conditioned one.
    pub loudness: &'static [(f32, Option<f32>)],
}

/// A file in `models/` that failed validation at build time, with the reader's reason.
#[derive(Debug)]
pub struct SkippedModel {
    pub path: &'static str,
    pub reason: &'static str,
}

/// The study's drive settings.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GainSetting {
    #[id = "low"]
    Low,
    #[id = "mid"]
    Mid,
    #[id = "high"]
    High,
}

impl GainSetting {
    pub fn matches(self, gain: Gain) -> bool {
        matches!(
            (self, gain),
            (_, Gain::Conditioned)
                | (GainSetting::Low, Gain::Low)
                | (GainSetting::Mid, Gain::Mid)
                | (GainSetting::High, Gain::High)
        )
    }

    /// Where this setting sits on a conditioned model's gain input.
    pub fn knob(self) -> f32 {
        match self {
            GainSetting::Low => 0.0,
            GainSetting::Mid => 0.5,
            GainSetting::High => 1.0,
        }
    }
}

/// The study's 12 architectures (the engine's list). The Model parameter's values are fixed by this list so that
/// automation and saved sessions keep their meaning whatever is in `models/`; value 0 means "the best-scoring
/// model for this effect and gain".
pub const ARCHITECTURES: [Architecture; 12] = STUDY_ARCHITECTURES;

/// Model parameter value for "best available".
pub const BEST_MODEL: i32 = 0;

/// Model parameter value for the effect's gain-conditioned model, played with the continuous Gain knob instead
/// of the Low / Mid / High selector. It comes after the architectures so that older sessions keep their values.
pub const CONDITIONED_MODEL: i32 = ARCHITECTURES.len() as i32 + 1;

/// The largest Model parameter value.
pub const LAST_MODEL_CHOICE: i32 = CONDITIONED_MODEL;

/// The Model parameter's display text.
pub fn model_choice_label(value: i32) -> String {
    if value == CONDITIONED_MODEL {
        return "Gain-conditioned · continuous Gain knob".to_owned();
    }
    match usize::try_from(value - 1).ok().and_then(|i| ARCHITECTURES.get(i)) {
        Some(architecture) => architecture.label(),
        None => "Best streaming ESR".to_owned(),
    }
}

/// The Model parameter's value for its display text (or for the bare number), so a host can set it by name.
pub fn model_choice_from_label(text: &str) -> Option<i32> {
    let text = text.trim();
    (0..=LAST_MODEL_CHOICE)
        .find(|&choice| model_choice_label(choice).eq_ignore_ascii_case(text))
        .or_else(|| text.parse::<i32>().ok().filter(|v| (0..=LAST_MODEL_CHOICE).contains(v)))
}

/// What a gain-conditioned model's gain input gets: the continuous knob when the conditioned model was chosen as
/// such (or the user's own file plays), otherwise the position of the Low / Mid / High setting, so that a
/// conditioned model picked as the best for "High" plays as High.
pub fn conditioning_knob(effect: Effect, model_choice: i32, gain: GainSetting, knob: f32) -> f32 {
    if model_choice == CONDITIONED_MODEL || effect == Effect::UserFile { knob } else { gain.knob() }
}

impl EmbeddedModel {
    /// What the plugin plays is the streamed model, so its streaming ESR ranks it; a file without one falls back
    /// to its windowed ESR and a file without either ranks last.
    pub fn score(&self) -> f32 {
        self.streaming_esr.or(self.windowed_esr).unwrap_or(f32::INFINITY)
    }

    /// A window-trained model can diverge once its state is carried (one measured 7 % windowed, 882 %
    /// streamed): flag any model whose streamed error is far above its windowed error.
    pub fn unstable_when_streamed(&self) -> bool {
        unstable_when_streamed(self.streaming_esr, self.windowed_esr)
    }

    pub fn architecture(&self) -> Architecture {
        Architecture { context: self.context, hidden_size: self.hidden_size, learning_rate: self.learning_rate }
    }

    pub fn architecture_label(&self) -> String {
        self.architecture().label()
    }
}

/// What the editor shows about the embedded model at `index`, built the way a user file's facts are
/// ([`ModelFacts::of`]) from the model's own bytes. Parsed on the first call, on the GUI thread, and kept.
pub fn facts(index: usize) -> Option<&'static ModelFacts> {
    static FACTS: OnceLock<Vec<Option<ModelFacts>>> = OnceLock::new();
    let table = FACTS.get_or_init(|| {
        EMBEDDED
            .iter()
            .map(|m| {
                // build.rs admitted these bytes with the same reader; a failure here would be a changed reader.
                let file = ModelFile::from_bytes(m.bytes).ok()?;
                let loudness = Loudness { points: m.loudness.to_vec() }.describe();
                Some(ModelFacts::of(&format!("models/{}", m.path), &LoadedModel::from_model_file(file), loudness))
            })
            .collect()
    });
    table.get(index)?.as_ref()
}

/// Index into `models` of what the selection plays, or `None` when nothing was trained for it (the plugin then
/// passes the input through dry and the GUI says so). Allocation-free: it runs on the audio thread whenever the
/// selection changes.
pub fn resolve(models: &[EmbeddedModel], effect: Effect, gain: GainSetting, model_choice: i32) -> Option<usize> {
    let conditioned_only = model_choice == CONDITIONED_MODEL;
    let architecture = usize::try_from(model_choice - 1).ok().and_then(|i| ARCHITECTURES.get(i));
    let candidates = models.iter().enumerate().filter(|(_, m)| {
        effect.effect_name() == Some(m.effect)
            && if conditioned_only {
                m.gain == Gain::Conditioned
            } else {
                gain.matches(m.gain) && architecture.is_none_or(|a| a.same_as(&m.architecture()))
            }
    });
    // Stable models first, then the lowest error; a fixed-gain model beats a conditioned one on a tie.
    candidates
        .min_by(|(_, a), (_, b)| {
            let key = |m: &EmbeddedModel| (m.unstable_when_streamed(), m.gain == Gain::Conditioned);
            key(a).cmp(&key(b)).then(a.score().total_cmp(&b.score()))
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(effect: &'static str, gain: Gain, hidden: u32, lr: f64, streaming: f32, windowed: f32) -> EmbeddedModel {
        EmbeddedModel {
            path: "",
            bytes: &[],
            effect,
            gain,
            context: 88,
            hidden_size: hidden,
            learning_rate: lr,
            streaming_esr: Some(streaming),
            windowed_esr: Some(windowed),
            loudness: &[],
        }
    }

    /// The selection of an embedded device by its effect name (this repository's models/ holds both of the
    /// study's).
    fn device(effect: &str) -> Effect {
        Effect::Device(DEVICES.iter().position(|d| *d == effect).expect("the study's devices are embedded"))
    }

    fn sd1() -> Effect {
        device("SD-1")
    }

    fn dsl20h() -> Effect {
        device("DSL20HPreamp")
    }

    #[test]
    fn architectures_follow_the_study_loop_order() {
        assert_eq!(ARCHITECTURES[0].label(), "ctx 44 · 64 units · lr 0.01");
        assert_eq!(ARCHITECTURES[11].label(), "ctx 88 · 96 units · lr 1e-4");
        assert_eq!(model_choice_label(BEST_MODEL), "Best streaming ESR");
        assert_eq!(model_choice_label(CONDITIONED_MODEL), "Gain-conditioned · continuous Gain knob");
        assert_eq!(model_choice_label(12), "ctx 88 · 96 units · lr 1e-4");
    }

    #[test]
    fn best_prefers_a_stable_model_over_a_lower_but_diverging_one() {
        let models = [
            model("SD-1", Gain::Mid, 96, 1e-4, 8.82, 0.072), // diverges when streamed
            model("SD-1", Gain::Mid, 64, 1e-2, 0.03, 0.02),
            model("SD-1", Gain::Mid, 96, 1e-2, 0.025, 0.024),
        ];
        assert!(models[0].unstable_when_streamed());
        assert_eq!(resolve(&models, sd1(), GainSetting::Mid, BEST_MODEL), Some(2));
        // Asking for the diverging architecture by name still gets it: it is flagged, not hidden.
        assert_eq!(resolve(&models, sd1(), GainSetting::Mid, 12), Some(0));
    }

    #[test]
    fn a_selection_with_no_trained_model_resolves_to_nothing() {
        let models = [model("SD-1", Gain::Mid, 96, 1e-4, 0.05, 0.05)];
        assert_eq!(resolve(&models, dsl20h(), GainSetting::Mid, BEST_MODEL), None);
        assert_eq!(resolve(&models, sd1(), GainSetting::High, BEST_MODEL), None);
        assert_eq!(resolve(&models, sd1(), GainSetting::Mid, 1), None);
        assert_eq!(resolve(&[], sd1(), GainSetting::Low, BEST_MODEL), None);
    }

    #[test]
    fn a_conditioned_model_serves_every_gain_but_loses_ties_to_fixed_gain_models() {
        let models = [
            model("DSL20HPreamp", Gain::Conditioned, 96, 1e-2, 0.04, 0.04),
            model("DSL20HPreamp", Gain::Low, 96, 1e-2, 0.04, 0.04),
        ];
        assert_eq!(resolve(&models, dsl20h(), GainSetting::Low, BEST_MODEL), Some(1));
        assert_eq!(resolve(&models, dsl20h(), GainSetting::High, BEST_MODEL), Some(0));
        // Chosen as such, the conditioned model plays at every gain setting, and only it does.
        assert_eq!(resolve(&models, dsl20h(), GainSetting::Low, CONDITIONED_MODEL), Some(0));
        assert_eq!(resolve(&models, sd1(), GainSetting::Low, CONDITIONED_MODEL), None);
    }

    #[test]
    fn every_embedded_model_has_its_facts_read_from_its_own_bytes() {
        for (index, model) in EMBEDDED.iter().enumerate() {
            let facts = facts(index).unwrap_or_else(|| panic!("models/{} has no facts", model.path));
            assert_eq!(facts.path, format!("models/{}", model.path));
            assert_eq!(facts.device, model.effect);
            assert_eq!((facts.streaming_esr, facts.windowed_esr), (model.streaming_esr, model.windowed_esr));
            assert_eq!(facts.stand_in, Some(true), "models/ ships stand-in models only: {}", model.path);
        }
        assert!(facts(EMBEDDED.len()).is_none());
    }

    #[test]
    fn the_knob_drives_a_conditioned_model_only_when_chosen_as_such() {
        assert_eq!(conditioning_knob(sd1(), CONDITIONED_MODEL, GainSetting::Low, 0.3), 0.3);
        assert_eq!(conditioning_knob(sd1(), BEST_MODEL, GainSetting::High, 0.3), 1.0);
        assert_eq!(conditioning_knob(sd1(), 3, GainSetting::Mid, 0.3), 0.5);
        assert_eq!(conditioning_knob(Effect::UserFile, BEST_MODEL, GainSetting::Low, 0.3), 0.3);
    }
}
