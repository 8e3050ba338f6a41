//! BlackBox: plays the study's LSTM models of a Boss SD-1 and a Marshall DSL20H preamp, or a model file of the
//! user's own, as a CLAP and VST3 plugin.
//!
//! The parameters and the plugin's life cycle are here; the signal path is [`chain`], model switching
//! [`switch`], the models themselves [`catalogue`] (embedded at build time), [`rack`] (ready to stream) and
//! [`user_model`] (loaded at run time), and the GUI [`editor`].

use std::num::NonZeroU32;
use std::sync::Arc;

use blackbox_engine::gate::GateParams;
use nice_plug::prelude::*;
use nice_plug_egui::{EguiEditor, EguiEditorState};

pub mod catalogue;
pub mod chain;
pub mod delay;
pub mod editor;
pub mod meters;
pub mod rack;
pub mod switch;
pub mod user_model;

use catalogue::{BEST_MODEL, EMBEDDED, Effect, GainSetting};
use chain::{CHUNK, Controls, SignalChain, sanitize};
use meters::Meters;
use rack::{ChannelModels, ModelRack, Slot};
use user_model::{AudioEnd, Handover, UserModelSlot};

#[derive(Params)]
pub struct BlackBoxParams {
    /// The user's model file, saved as its path and reloaded with the session.
    #[persist = "user-model"]
    pub user_model: UserModelSlot,

    #[id = "effect"]
    pub effect: EnumParam<Effect>,
    #[id = "gain"]
    pub gain: EnumParam<GainSetting>,
    /// 0 = the best-scoring model for the effect and gain; 1..=12 = the study's architectures; 13 = the effect's
    /// gain-conditioned model, played with the continuous gain knob.
    #[id = "model"]
    pub model: IntParam,
    /// The continuous gain input of a gain-conditioned model (Low 0, Mid 0.5, High 1); fixed-gain models ignore it.
    #[id = "knob"]
    pub gain_knob: FloatParam,

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

    #[id = "mix"]
    pub mix: FloatParam,
    #[id = "bypass"]
    pub bypass: BoolParam,
}

impl BlackBoxParams {
    fn new(user_model: UserModelSlot) -> Self {
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
        let gate = GateParams::default();
        BlackBoxParams {
            user_model,
            effect: EnumParam::new("Effect", Effect::Sd1),
            gain: EnumParam::new("Gain", GainSetting::Mid),
            model: IntParam::new(
                "Model",
                BEST_MODEL,
                IntRange::Linear { min: 0, max: catalogue::LAST_MODEL_CHOICE },
            )
            .with_value_to_string(Arc::new(catalogue::model_choice_label)),
            gain_knob: FloatParam::new("Gain knob", 0.5, FloatRange::Linear { min: 0.0, max: 1.0 })
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
            mix: FloatParam::new("Mix", 1.0, FloatRange::Linear { min: 0.0, max: 1.0 })
                .with_smoother(SmoothingStyle::Linear(30.0))
                .with_unit(" %")
                .with_value_to_string(formatters::v2s_f32_percentage(0))
                .with_string_to_value(formatters::s2v_f32_percentage()),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
        }
    }

    fn gate_params(&self) -> Option<GateParams> {
        self.gate_on.value().then(|| GateParams {
            threshold_db: self.gate_threshold.value(),
            attack_ms: self.gate_attack.value(),
            hold_ms: self.gate_hold.value(),
            release_ms: self.gate_release.value(),
            ..GateParams::default()
        })
    }
}

pub struct BlackBox {
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    editor_state: Arc<EguiEditorState>,
    rack: ModelRack,
    chain: Option<SignalChain>,
    user_audio: AudioEnd,
    /// A replaced user model the retire ring had no room for; kept rather than freed on the audio thread.
    unretired: Option<Box<ChannelModels>>,
    input_gain: Vec<f32>,
    output_gain: Vec<f32>,
    mix: Vec<f32>,
    sample_rate: f32,
}

impl Default for BlackBox {
    fn default() -> Self {
        let (user_model, user_audio) = UserModelSlot::new();
        BlackBox {
            params: Arc::new(BlackBoxParams::new(user_model)),
            meters: Arc::new(Meters::default()),
            editor_state: editor::default_state(),
            rack: ModelRack::empty(),
            chain: None,
            user_audio,
            unretired: None,
            input_gain: vec![1.0; CHUNK],
            output_gain: vec![1.0; CHUNK],
            mix: vec![1.0; CHUNK],
            sample_rate: 44_100.0,
        }
    }
}

impl BlackBox {
    /// What the current selection plays; `Dry` when nothing was trained for it or no user model is loaded.
    fn target(&self) -> Slot {
        match self.params.effect.value() {
            Effect::UserFile => self.rack.user_slot().unwrap_or(Slot::Dry),
            effect => catalogue::resolve(EMBEDDED, effect, self.params.gain.value(), self.params.model.value())
                .map(Slot::Embedded)
                .filter(|&slot| self.rack.has(slot))
                .unwrap_or(Slot::Dry),
        }
    }

    /// Takes a newly loaded user model, if one is waiting and a user slot is free, and sends the model it
    /// replaces back to the loader's side for freeing.
    fn receive_user_model(&mut self) {
        if let Some(old) = self.unretired.take() {
            self.retire(old);
        }
        let Some(chain) = &self.chain else { return };
        if self.unretired.is_some() {
            return;
        }
        let Some(free) = self.rack.free_user_slot(chain.busy_slots()) else { return };
        let Ok(handover) = self.user_audio.handover.pop() else { return };
        let replaced = match handover {
            Handover::Install(model) => self.rack.install_user(free, Some(model)),
            Handover::Unload => self.rack.install_user(free, None),
        };
        if let Some(old) = replaced {
            self.retire(old);
        }
    }

    fn retire(&mut self, model: Box<ChannelModels>) {
        if let Err(rtrb::PushError::Full(model)) = self.user_audio.retired.push(model) {
            self.unretired = Some(model);
        }
    }
}

impl Plugin for BlackBox {
    const NAME: &'static str = "BlackBox";
    const VENDOR: &'static str = "BlackBox developers";
    const URL: &'static str = "https://example.invalid/blackbox";
    const EMAIL: &'static str = "blackbox@example.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
    ];

    type Editor = EguiEditor<editor::BlackBoxEditor>;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(self.params.clone(), self.meters.clone(), self.editor_state.clone())
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        if !self.rack.embedded_loaded() {
            for (index, error) in self.rack.load_embedded(EMBEDDED) {
                let path = EMBEDDED.get(index).map_or("?", |m| m.path);
                nice_error!("embedded model {path} cannot be used: {error}");
            }
        }
        let rate = buffer_config.sample_rate.round() as u32;
        let chain = match SignalChain::new(rate) {
            Ok(chain) => chain,
            Err(error) => {
                nice_error!("BlackBox cannot run at {rate} Hz: {error}");
                return false;
            }
        };
        let latency = u32::try_from(chain.latency_samples()).unwrap_or(u32::MAX);
        context.set_latency_samples(latency);
        self.meters.record_setup(rate, latency);
        self.chain = Some(chain);
        self.sample_rate = buffer_config.sample_rate;
        self.params.user_model.collect_retired();
        true
    }

    fn reset(&mut self) {
        // Everything starts from zero state on the model the selection names, so a freshly started plugin plays
        // exactly what the engine's streaming LSTM plays for the same input.
        self.receive_user_model();
        let target = self.target();
        self.rack.reset_all();
        if let Some(chain) = &mut self.chain {
            chain.reset(target);
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        self.receive_user_model();
        let target = self.target();
        let Some(chain) = &mut self.chain else { return ProcessStatus::Normal };
        let total = buffer.samples();
        let channels = buffer.as_slice();

        if !sanitize(channels) {
            // A NaN would poison the LSTM state for good: start over, and keep the host's speakers safe.
            channels.iter_mut().for_each(|c| c.fill(0.0));
            self.rack.reset_all();
            chain.reset(target);
            self.meters.record_non_finite_block();
            return ProcessStatus::Normal;
        }

        let params = &self.params;
        let knob = catalogue::conditioning_knob(
            params.effect.value(),
            params.model.value(),
            params.gain.value(),
            params.gain_knob.value(),
        );
        for slot in chain.busy_slots().into_iter().flatten().chain([target]) {
            if let Some(models) = self.rack.get_mut(slot) {
                models.set_gain_knob(knob);
            }
        }
        let gate = self.params.gate_params();
        let bypass = self.params.bypass.value();
        let (mut input_peak, mut output_peak, mut gate_open) = (0.0f32, 0.0f32, false);

        let mut start = 0;
        while start < total {
            let n = CHUNK.min(total - start);
            self.params.input_gain.smoothed.next_block(&mut self.input_gain, n);
            self.params.output_gain.smoothed.next_block(&mut self.output_gain, n);
            self.params.mix.smoothed.next_block(&mut self.mix, n);
            let controls = Controls {
                input_gain: &self.input_gain[..n],
                output_gain: &self.output_gain[..n],
                mix: &self.mix[..n],
                bypass,
                gate,
                target,
            };
            let range = start..start + n;
            let report = match channels {
                [mono] => chain.process_chunk(&mut [&mut mono[range]], &mut self.rack, &controls),
                [left, right, ..] => {
                    chain.process_chunk(&mut [&mut left[range.clone()], &mut right[range]], &mut self.rack, &controls)
                }
                [] => Default::default(),
            };
            input_peak = input_peak.max(report.input_peak);
            output_peak = output_peak.max(report.output_peak);
            gate_open = report.gate_open;
            start += n;
        }

        self.meters.record_levels(input_peak, output_peak, meters::peak_decay(total, self.sample_rate));
        self.meters.record_state(gate_open, chain.playing(), chain.in_transition());
        ProcessStatus::Normal
    }

    fn deactivate(&mut self) {
        self.params.user_model.collect_retired();
    }
}

impl ClapPlugin for BlackBox {
    const CLAP_ID: &'static str = "org.blackbox.blackbox";
    const CLAP_DESCRIPTION: Option<&'static str> = Some("LSTM models of an SD-1 overdrive and a DSL20H preamp");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] =
        &[ClapFeature::AudioEffect, ClapFeature::Distortion, ClapFeature::Mono, ClapFeature::Stereo];
}

impl Vst3Plugin for BlackBox {
    const VST3_CLASS_ID: [u8; 16] = *b"BlackBoxLstmAmp!";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[Vst3SubCategory::Fx, Vst3SubCategory::Distortion];
}

nice_export_clap!(BlackBox);
nice_export_vst3!(BlackBox);
