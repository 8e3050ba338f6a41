//! Every model the audio thread can switch to, built before it is needed so that switching never allocates.
//!
//! The embedded models are parsed once at activation into one [`ChannelModels`] each; user models arrive
//! ready-built through [`crate::user_model`]. Two user slots let a newly loaded file crossfade in over the one
//! playing.

use blackbox_engine::loudness::normalising_gain;
use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::model::{LstmWeights, ModelError, ModelFile};

use crate::catalogue::EmbeddedModel;

/// Mono and stereo layouts; each channel streams through its own LSTM state.
pub const MAX_CHANNELS: usize = 2;

/// The normalising gain glides to a new value over about this many model-rate samples (a knob turn or the
/// Normalize switch), instead of stepping.
const GAIN_GLIDE_SAMPLES: f32 = 441.0;

/// One model, one streaming state per channel, and the gain that brings its output to the common loudness.
pub struct ChannelModels {
    lstms: Vec<StreamingLstm>,
    conditioned: bool,
    /// (knob, LUFS) on the reference passage; see [`blackbox_engine::loudness`].
    loudness: Vec<(f32, Option<f32>)>,
    target_gain: f32,
    gains: [f32; MAX_CHANNELS],
}

impl ChannelModels {
    /// Allocates; call off the audio thread. Starts with normalisation on, at knob 0.
    pub fn new(weights: &LstmWeights, loudness: &[(f32, Option<f32>)]) -> Self {
        let target_gain = normalising_gain(loudness, 0.0);
        ChannelModels {
            lstms: (0..MAX_CHANNELS).map(|_| StreamingLstm::new(weights)).collect(),
            conditioned: weights.input_size > 1,
            loudness: loudness.to_vec(),
            target_gain,
            gains: [target_gain; MAX_CHANNELS],
        }
    }

    pub fn parse(bytes: &[u8], loudness: &[(f32, Option<f32>)]) -> Result<(ModelFile, Self), ModelError> {
        let file = ModelFile::from_bytes(bytes)?;
        let models = ChannelModels::new(&file.weights, loudness);
        Ok((file, models))
    }

    pub fn reset(&mut self) {
        self.lstms.iter_mut().for_each(StreamingLstm::reset);
        self.gains = [self.target_gain; MAX_CHANNELS];
    }

    /// Zero state on one channel: the start of a warm-up. The gain starts where it is going.
    pub fn reset_channel(&mut self, channel: usize) {
        if let Some(lstm) = self.lstms.get_mut(channel) {
            lstm.reset();
        }
        if let Some(gain) = self.gains.get_mut(channel) {
            *gain = self.target_gain;
        }
    }

    /// The gain knob (fed to a gain-conditioned model's extra input; fixed-gain models have none) and whether
    /// the output is normalised; the normalising gain follows the knob for a conditioned model.
    pub fn set_controls(&mut self, knob: f32, normalize: bool) {
        let knob = knob.clamp(0.0, 1.0);
        if self.conditioned {
            self.lstms.iter_mut().for_each(|lstm| lstm.set_conditioning(&[knob]));
        }
        self.target_gain = if normalize { normalising_gain(&self.loudness, knob) } else { 1.0 };
    }

    pub fn process(&mut self, channel: usize, input: &[f32], output: &mut [f32]) {
        if let Some(lstm) = self.lstms.get_mut(channel) {
            lstm.process_block(input, output);
            self.apply_gain(channel, output);
        }
    }

    pub fn process_in_place(&mut self, channel: usize, samples: &mut [f32]) {
        if let Some(lstm) = self.lstms.get_mut(channel) {
            lstm.process_in_place(samples);
            self.apply_gain(channel, samples);
        }
    }

    fn apply_gain(&mut self, channel: usize, samples: &mut [f32]) {
        let Some(gain) = self.gains.get_mut(channel) else {
            return;
        };
        let target = self.target_gain;
        if *gain == target {
            samples.iter_mut().for_each(|y| *y *= target);
            return;
        }
        // Geometric glide: equal steps in dB, exact arrival.
        let ratio = target / *gain;
        let step = ratio.powf(1.0 / GAIN_GLIDE_SAMPLES);
        for y in samples.iter_mut() {
            let next = *gain * step;
            *gain = if (step > 1.0 && next >= target) || (step < 1.0 && next <= target) { target } else { next };
            *y *= *gain;
        }
    }
}

/// What plays: the dry input, an embedded model, or one of the two user-model slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Dry,
    Embedded(usize),
    User(usize),
}

pub struct ModelRack {
    embedded: Vec<Option<ChannelModels>>,
    user: [Option<Box<ChannelModels>>; 2],
    newest_user: Option<usize>,
}

impl ModelRack {
    pub fn empty() -> Self {
        ModelRack { embedded: Vec::new(), user: [None, None], newest_user: None }
    }

    /// Parses every embedded model. A model that fails here (it validated at build time, so only a bug or a
    /// changed engine could cause it) stays unavailable and its error is returned for the log.
    pub fn load_embedded(&mut self, models: &[EmbeddedModel]) -> Vec<(usize, ModelError)> {
        let mut failures = Vec::new();
        self.embedded = models
            .iter()
            .enumerate()
            .map(|(i, model)| match ChannelModels::parse(model.bytes, model.loudness) {
                Ok((_, built)) => Some(built),
                Err(e) => {
                    failures.push((i, e));
                    None
                }
            })
            .collect();
        failures
    }

    pub fn embedded_loaded(&self) -> bool {
        !self.embedded.is_empty()
    }

    pub fn get_mut(&mut self, slot: Slot) -> Option<&mut ChannelModels> {
        match slot {
            Slot::Dry => None,
            Slot::Embedded(i) => self.embedded.get_mut(i).and_then(Option::as_mut),
            Slot::User(i) => self.user.get_mut(i).and_then(Option::as_deref_mut),
        }
    }

    /// True when `slot` can play (dry always can).
    pub fn has(&self, slot: Slot) -> bool {
        match slot {
            Slot::Dry => true,
            Slot::Embedded(i) => self.embedded.get(i).is_some_and(Option::is_some),
            Slot::User(i) => self.user.get(i).is_some_and(Option::is_some),
        }
    }

    /// The slot a "User model file" selection plays: the newest model handed over, if any.
    pub fn user_slot(&self) -> Option<Slot> {
        self.newest_user.map(Slot::User)
    }

    /// A user slot neither playing nor fading, where a new model can go.
    pub fn free_user_slot(&self, busy: [Option<Slot>; 2]) -> Option<usize> {
        (0..2).find(|&i| !busy.contains(&Some(Slot::User(i))))
    }

    /// Puts a handed-over model (or `None` to unload) into a slot and returns what was there, which the caller
    /// must send off the audio thread rather than drop.
    pub fn install_user(&mut self, slot: usize, model: Option<Box<ChannelModels>>) -> Option<Box<ChannelModels>> {
        let Some(place) = self.user.get_mut(slot) else {
            return model;
        };
        self.newest_user = model.is_some().then_some(slot);
        std::mem::replace(place, model)
    }

    pub fn reset_all(&mut self) {
        self.embedded.iter_mut().flatten().for_each(ChannelModels::reset);
        self.user.iter_mut().flatten().for_each(|m| m.reset());
    }
}
