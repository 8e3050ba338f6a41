//! Every model the audio thread can switch to, built before it is needed so that switching never allocates.
//!
//! Each model runs at its own rate: a slot holds, per channel, the model's [`Player`], the round trip between
//! the host rate and the model's rate, and a delay that pads the round trip up to the plugin's one reported
//! latency (the longest round trip among the loaded models), so that every model lines up with the dry signal
//! and with the others during a crossfade. The embedded models are built at activation; user models arrive
//! ready-built through [`crate::user_model`]. Two user slots let a newly loaded file crossfade in over the one
//! playing.

use blackbox_engine::formats::{FormatError, LoadedModel, Player};
use blackbox_engine::loudness::normalising_gain;
use blackbox_engine::model::{ModelError, ModelFile};
use blackbox_engine::resample::{ResampleError, RoundTrip};

use crate::admission::Refusal;
use crate::catalogue::EmbeddedModel;
use crate::delay::DelayLine;

/// Mono and stereo layouts; each channel streams through its own model state.
pub const MAX_CHANNELS: usize = 2;

/// The normalising gain glides to a new value over about this many model-rate samples (a knob turn or the
/// Normalize switch), instead of stepping.
const GAIN_GLIDE_SAMPLES: f32 = 441.0;

/// Why a model cannot be made ready to play.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Model(#[from] FormatError),
    #[error("{0}")]
    Bbx(#[from] ModelError),
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the model runs at {model_rate} Hz and cannot be resampled from this host's {host_rate} Hz: {source}")]
    Rate { model_rate: u32, host_rate: u32, source: ResampleError },
}

struct Lane {
    player: Player,
    trip: RoundTrip,
    pad: DelayLine,
    gain: f32,
}

/// One model, one streaming state per channel, and the gain that brings its output to the common loudness.
pub struct ChannelModels {
    lanes: Vec<Lane>,
    model_rate: u32,
    knob_count: usize,
    /// (first knob, LUFS) on the reference passage; see [`blackbox_engine::loudness`].
    loudness: Vec<(f32, Option<f32>)>,
    knobs: [f32; 2],
    target_gain: f32,
    /// False while the host runs at a rate this model's round trip cannot convert; it comes back when a later
    /// activation's rate can.
    playable: bool,
}

impl ChannelModels {
    /// Allocates; call off the audio thread. Starts with normalisation on, knobs at 0.
    pub fn new(model: &LoadedModel, loudness: &[(f32, Option<f32>)], host_rate: u32) -> Result<Self, BuildError> {
        let model_rate = model.info.sample_rate;
        let target_gain = normalising_gain(loudness, 0.0);
        let mut lanes = Vec::with_capacity(MAX_CHANNELS);
        for _ in 0..MAX_CHANNELS {
            let player = model.player()?;
            lanes.push(Lane { player, trip: round_trip(host_rate, model_rate)?, pad: DelayLine::new(0), gain: target_gain });
        }
        Ok(ChannelModels {
            lanes,
            model_rate,
            knob_count: model.info.knobs.len(),
            loudness: loudness.to_vec(),
            knobs: [0.0; 2],
            target_gain,
            playable: true,
        })
    }

    /// An embedded model from its bytes, first built for its own rate (activation then sets the host's).
    pub fn parse(bytes: &[u8], loudness: &[(f32, Option<f32>)]) -> Result<Self, BuildError> {
        let model = LoadedModel::from_model_file(ModelFile::from_bytes(bytes)?);
        let own_rate = model.info.sample_rate;
        ChannelModels::new(&model, loudness, own_rate)
    }

    /// Rebuilds the round trips for a new host rate (allocates: activation only). On failure the model stays,
    /// unplayable, until a rate it can convert.
    pub fn set_host_rate(&mut self, host_rate: u32) -> Result<(), BuildError> {
        self.playable = false;
        for lane in &mut self.lanes {
            if lane.trip.host_rate() != host_rate {
                lane.trip = round_trip(host_rate, self.model_rate)?;
            }
        }
        self.playable = true;
        Ok(())
    }

    pub fn host_rate(&self) -> u32 {
        self.lanes.first().map_or(0, |l| l.trip.host_rate())
    }

    /// Host samples the model's own round trip takes.
    pub fn latency(&self) -> usize {
        self.lanes.first().map_or(0, |l| l.trip.latency_samples())
    }

    pub fn reset(&mut self) {
        for lane in &mut self.lanes {
            lane.player.reset();
            lane.trip.reset();
            lane.pad.reset();
            lane.gain = self.target_gain;
        }
    }

    /// Resets and runs every channel's model on silence until it has settled, so that it starts from its own
    /// rest state rather than a transient (a few thousand model steps per channel).
    pub fn prewarm(&mut self) {
        self.reset();
        for lane in &mut self.lanes {
            lane.player.prewarm();
        }
    }

    /// Zero state on one channel: the start of a warm-up. The gain starts where it is going.
    pub fn reset_channel(&mut self, channel: usize) {
        if let Some(lane) = self.lanes.get_mut(channel) {
            lane.player.reset();
            lane.trip.reset();
            lane.pad.reset();
            lane.gain = self.target_gain;
        }
    }

    /// The knobs (fed to a model's extra inputs; a model without them ignores them) and whether the output is
    /// normalised; the normalising gain follows the first knob.
    pub fn set_controls(&mut self, knobs: [f32; 2], normalize: bool) {
        let knobs = knobs.map(|k| k.clamp(0.0, 1.0));
        if self.knob_count > 0 && knobs != self.knobs {
            self.lanes.iter_mut().for_each(|lane| lane.player.set_knobs(&knobs));
        }
        self.knobs = knobs;
        self.target_gain = if normalize { normalising_gain(&self.loudness, knobs[0]) } else { 1.0 };
    }

    /// Processes host-rate `samples` in place on `channel`, delayed in all by `latency` host samples (at least
    /// this model's own round trip).
    pub fn process_in_place(&mut self, channel: usize, samples: &mut [f32], latency: usize) {
        let target = self.target_gain;
        let Some(Lane { player, trip, pad, gain }) = self.lanes.get_mut(channel) else {
            return;
        };
        pad.set_delay(latency.saturating_sub(trip.latency_samples()));
        trip.process_in_place(samples, |block| {
            player.process_in_place(block);
            apply_gain(gain, target, block);
        });
        pad.process_in_place(samples);
    }

    pub fn process(&mut self, channel: usize, input: &[f32], output: &mut [f32], latency: usize) {
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_in_place(channel, &mut output[..n], latency);
    }
}

fn round_trip(host_rate: u32, model_rate: u32) -> Result<RoundTrip, BuildError> {
    RoundTrip::with_model_rate(host_rate, model_rate).map_err(|source| BuildError::Rate { model_rate, host_rate, source })
}

/// Geometric glide: equal steps in dB, exact arrival.
fn apply_gain(gain: &mut f32, target: f32, samples: &mut [f32]) {
    if *gain == target {
        samples.iter_mut().for_each(|y| *y *= target);
        return;
    }
    let ratio = target / *gain;
    let step = ratio.powf(1.0 / GAIN_GLIDE_SAMPLES);
    for y in samples.iter_mut() {
        let next = *gain * step;
        *gain = if (step > 1.0 && next >= target) || (step < 1.0 && next <= target) { target } else { next };
        *y *= *gain;
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
    /// The dry slot's delay per channel, so that passing through lines up with the models.
    dry: [DelayLine; MAX_CHANNELS],
}

impl ModelRack {
    pub fn empty() -> Self {
        ModelRack { embedded: Vec::new(), user: [None, None], newest_user: None, dry: std::array::from_fn(|_| DelayLine::new(0)) }
    }

    /// The dry slot's delay line on `channel`, set to `latency`.
    pub fn dry_delay(&mut self, channel: usize, latency: usize) -> &mut DelayLine {
        let line = &mut self.dry[channel.min(MAX_CHANNELS - 1)];
        line.set_delay(latency);
        line
    }

    /// Parses every embedded model, built at its own rate ([`ModelRack::set_host_rate`] then converts them). A
    /// model that fails here (it validated at build time, so only a bug or a changed engine could cause it)
    /// stays unavailable and its error is returned for the log.
    pub fn load_embedded(&mut self, models: &[EmbeddedModel]) -> Vec<(usize, BuildError)> {
        let mut failures = Vec::new();
        self.embedded = models
            .iter()
            .enumerate()
            .map(|(i, model)| match ChannelModels::parse(model.bytes, model.loudness) {
                Ok(built) => Some(built),
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

    /// Rebuilds every model's round trips for a new host rate (activation). A model that cannot run at this
    /// rate is kept but not played (the selection plays dry) until an activation at a rate it can; the failures
    /// are returned for the log.
    pub fn set_host_rate(&mut self, host_rate: u32) -> Vec<(Slot, BuildError)> {
        let mut failures = Vec::new();
        for (i, models) in self.embedded.iter_mut().enumerate() {
            if let Some(models) = models
                && let Err(e) = models.set_host_rate(host_rate)
            {
                failures.push((Slot::Embedded(i), e));
            }
        }
        for (i, models) in self.user.iter_mut().enumerate() {
            if let Some(models) = models
                && let Err(e) = models.set_host_rate(host_rate)
            {
                failures.push((Slot::User(i), e));
            }
        }
        failures
    }

    /// The longest round trip among the loaded models: the latency the plugin reports.
    pub fn latency(&self) -> usize {
        let embedded = self.embedded.iter().flatten().filter(|m| m.playable).map(ChannelModels::latency);
        let user = self.user.iter().flatten().filter(|m| m.playable).map(|m| m.latency());
        embedded.chain(user).max().unwrap_or(0)
    }

    pub fn get_mut(&mut self, slot: Slot) -> Option<&mut ChannelModels> {
        match slot {
            Slot::Dry => None,
            Slot::Embedded(i) => self.embedded.get_mut(i).and_then(Option::as_mut),
            Slot::User(i) => self.user.get_mut(i).and_then(Option::as_deref_mut),
        }
        .filter(|m| m.playable)
    }

    /// True when `slot` can play (dry always can).
    pub fn has(&self, slot: Slot) -> bool {
        match slot {
            Slot::Dry => true,
            Slot::Embedded(i) => self.embedded.get(i).is_some_and(|m| m.as_ref().is_some_and(|m| m.playable)),
            Slot::User(i) => self.user.get(i).is_some_and(|m| m.as_ref().is_some_and(|m| m.playable)),
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

    /// Takes a user model out (it can no longer play); the caller frees it off the audio thread.
    pub fn take_user(&mut self, slot: usize) -> Option<Box<ChannelModels>> {
        if self.newest_user == Some(slot) {
            self.newest_user = None;
        }
        self.user.get_mut(slot).and_then(Option::take)
    }

    pub fn reset_all(&mut self) {
        self.dry.iter_mut().for_each(DelayLine::reset);
        self.embedded.iter_mut().flatten().for_each(ChannelModels::reset);
        self.user.iter_mut().flatten().for_each(|m| m.reset());
    }
}
