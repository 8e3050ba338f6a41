//! BlackBox: plays the study's LSTM models of a Boss SD-1 and a Marshall DSL20H preamp, or a model file of the
//! user's own, as a CLAP and VST3 plugin.
//!
//! The plugin's life cycle is here; its parameters are [`params`], the signal path [`chain`], model switching
//! [`switch`], the models themselves [`catalogue`] (embedded at build time), [`rack`] (ready to stream) and
//! [`user_model`] (loaded at run time and handed to the audio thread), what is shown of them [`facts`], the
//! cabinet [`cabinet`], and the GUI [`editor`].

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::prelude::*;
use nice_plug_egui::{EguiEditor, EguiEditorState};

pub mod admission;
pub mod cabinet;
pub mod catalogue;
pub mod chain;
pub mod delay;
pub mod editor;
pub mod effect;
pub mod facts;
pub mod meters;
pub mod params;
pub mod post;
pub mod rack;
pub mod standalone;
pub mod switch;
pub mod user_model;

use cabinet::{CabinetAudioEnd, CabinetSlot};
use catalogue::{EMBEDDED, Effect};
use chain::{CHUNK, Controls, SignalChain, sanitize};
use meters::Meters;
pub use params::BlackBoxParams;
use rack::{ModelRack, Slot};
use user_model::{AudioEnd, UserModelSlot};

pub struct BlackBox {
    params: Arc<BlackBoxParams>,
    meters: Arc<Meters>,
    editor_state: Arc<EguiEditorState>,
    rack: ModelRack,
    chain: Option<SignalChain>,
    user_audio: AudioEnd,
    cabinet_audio: CabinetAudioEnd,
    input_gain: Vec<f32>,
    output_gain: Vec<f32>,
    mix: Vec<f32>,
    sample_rate: f32,
    /// A longer latency a newly installed model needs, for the next `process` to tell the host.
    pending_latency: Option<usize>,
    /// Silence run through the chain after a reset, one buffer per channel.
    settle: [Vec<f32>; rack::MAX_CHANNELS],
}

impl Default for BlackBox {
    fn default() -> Self {
        let (user_model, user_audio) = UserModelSlot::new();
        let (cabinet_ir, cabinet_audio) = CabinetSlot::new();
        BlackBox {
            params: Arc::new(BlackBoxParams::new(user_model, cabinet_ir)),
            meters: Arc::new(Meters::default()),
            editor_state: editor::default_state(),
            rack: ModelRack::empty(),
            chain: None,
            user_audio,
            cabinet_audio,
            input_gain: vec![1.0; CHUNK],
            output_gain: vec![1.0; CHUNK],
            mix: vec![1.0; CHUNK],
            sample_rate: 44_100.0,
            pending_latency: None,
            settle: std::array::from_fn(|_| vec![0.0; CHUNK]),
        }
    }
}

impl BlackBox {
    /// What the current selection plays; `Dry` when nothing was trained for it or no user model is loaded.
    fn target(&self) -> Slot {
        match self.params.effect() {
            Effect::UserFile => self.rack.user_slot().unwrap_or(Slot::Dry),
            effect => catalogue::resolve(EMBEDDED, effect, self.params.gain.value(), self.params.model.value())
                .map(Slot::Embedded)
                .filter(|&slot| self.rack.has(slot))
                .unwrap_or(Slot::Dry),
        }
    }

    /// Takes a newly loaded user model (see [`AudioEnd::receive`]) and, if it needs a longer latency than the
    /// chain has, lengthens the chain's and has the next `process` tell the host.
    fn receive_user_model(&mut self) {
        let Some(chain) = &mut self.chain else { return };
        self.user_audio.receive(&mut self.rack, chain.busy_slots(), chain.host_rate());
        let needed = self.rack.latency();
        if needed > chain.latency_samples() {
            chain.set_latency(needed);
            self.pending_latency = Some(chain.latency_samples());
        }
    }

    /// Runs silence through the whole chain at the current settings, so that the model's rest output has
    /// passed the round trip and the DC blocker before anything is heard (see `render::settle_samples`).
    fn settle(&mut self, target: Slot) {
        let Some(chain) = &mut self.chain else { return };
        let p = &self.params;
        self.input_gain.fill(p.input_gain.value());
        self.output_gain.fill(p.output_gain.value());
        self.mix.fill(p.mix.value());
        let (gate, bypass, post) = (p.gate_params(), p.bypass.value(), p.post_controls());
        let mut left = blackbox_engine::render::settle_samples(chain.host_rate());
        while left > 0 {
            let n = left.min(CHUNK);
            let controls = Controls {
                input_gain: &self.input_gain[..n],
                output_gain: &self.output_gain[..n],
                mix: &self.mix[..n],
                bypass,
                gate,
                target,
                post,
            };
            let [a, b] = &mut self.settle;
            a[..n].fill(0.0);
            b[..n].fill(0.0);
            chain.process_chunk(&mut [&mut a[..n], &mut b[..n]], &mut self.rack, &controls);
            left -= n;
        }
    }

    /// The knobs every playing model gets: the gain knob (or the Low / Mid / High position) and Knob 2.
    fn knobs(&self) -> [f32; 2] {
        let params = &self.params;
        let knob = catalogue::conditioning_knob(
            params.effect(),
            params.model.value(),
            params.gain.value(),
            params.gain_knob.value(),
        );
        [knob, params.knob2.value()]
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
        if standalone::headless() {
            return None;
        }
        editor::create(self.params.clone(), self.meters.clone(), self.editor_state.clone())
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let rate = buffer_config.sample_rate.round() as u32;
        if !self.rack.embedded_loaded() {
            for (index, error) in self.rack.load_embedded(EMBEDDED) {
                let path = EMBEDDED.get(index).map_or("?", |m| m.path);
                nice_error!("embedded model {path} cannot be used: {error}");
            }
        }
        for (slot, error) in self.rack.set_host_rate(rate) {
            nice_error!("{slot:?} cannot play at {rate} Hz: {error}");
        }
        self.params.user_model.prepare(rate);
        if let Err(error) = self.user_audio.receive_at_activation(&mut self.rack, rate) {
            nice_error!("the user model cannot play at {rate} Hz: {error}");
        }
        let cabinet = self.params.cabinet_ir.prepare(rate);
        let chain = match SignalChain::new(rate, cabinet, self.rack.latency()) {
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
        if let Some(chain) = &mut self.chain {
            let rate = chain.host_rate();
            self.cabinet_audio.receive(chain.post_mut(), rate);
        }
        let target = self.target();
        self.rack.reset_all();
        // What is heard first starts from the model's rest state on silence, not a transient.
        let (knobs, normalize) = (self.knobs(), self.params.normalize.value());
        if let Some(models) = self.rack.get_mut(target) {
            models.set_controls(knobs, normalize);
            models.prewarm();
        }
        let post = self.params.post_controls();
        if let Some(chain) = &mut self.chain {
            chain.reset(target, post);
        }
        self.settle(target);
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        self.receive_user_model();
        if let Some(chain) = &mut self.chain {
            let rate = chain.host_rate();
            self.cabinet_audio.receive(chain.post_mut(), rate);
        }
        if let Some(latency) = self.pending_latency.take() {
            let latency = u32::try_from(latency).unwrap_or(u32::MAX);
            context.set_latency_samples(latency);
            self.meters.record_setup(self.sample_rate.round() as u32, latency);
        }
        let knobs = self.knobs();
        let target = self.target();
        let post = self.params.post_controls();
        let Some(chain) = &mut self.chain else {
            return ProcessStatus::Normal;
        };
        let total = buffer.samples();
        let channels = buffer.as_slice();

        if !sanitize(channels) {
            // A NaN would poison the LSTM state for good: start over, and keep the host's speakers safe.
            channels.iter_mut().for_each(|c| c.fill(0.0));
            self.rack.reset_all();
            chain.reset(target, post);
            self.meters.record_non_finite_block();
            return ProcessStatus::Normal;
        }

        let normalize = self.params.normalize.value();
        for slot in chain.busy_slots().into_iter().flatten().chain([target]) {
            if let Some(models) = self.rack.get_mut(slot) {
                models.set_controls(knobs, normalize);
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
                post,
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
        self.meters.record_stopped();
        self.params.user_model.collect_retired();
        self.params.cabinet_ir.collect_retired();
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
