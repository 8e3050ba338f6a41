//! The signal path, host rate in and out:
//!
//! input gain -> model (each at its own rate inside its round trip, padded to the one reported latency;
//!   switching and crossfading at the host rate, loudness-normalised) -> DC blocker -> tone stack -> cabinet IR
//!   ([`crate::post`])
//!   -> noise gate (detecting on the delayed dry input) -> dry/wet mix -> output level -> bypass crossfade
//!
//! Everything is sized in [`SignalChain::new`]; [`SignalChain::process_chunk`] never allocates, locks or panics.

use blackbox_engine::gate::{GateParams, NoiseGate};

use crate::cabinet::Cabinet;
use crate::delay::DelayLine;
use crate::post::{PostControls, PostStage};
use crate::rack::{MAX_CHANNELS, ModelRack, Slot};
use crate::switch::{FADE_SAMPLES, ModelSwitch, WARMUP_SAMPLES};

/// Host samples per internal block; the per-sample control arrays are this long.
pub const CHUNK: usize = 1024;
/// Bypass fades over this many host samples rather than cutting.
const BYPASS_FADE_SAMPLES: f32 = 256.0;

/// Per-sample controls for one chunk (smoothed by the caller) and the settings that hold for the whole chunk.
pub struct Controls<'a> {
    pub input_gain: &'a [f32],
    pub output_gain: &'a [f32],
    pub mix: &'a [f32],
    pub bypass: bool,
    /// `None` when the gate is switched off.
    pub gate: Option<GateParams>,
    pub target: Slot,
    pub post: PostControls,
}

/// What the meters show after a chunk.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ChunkReport {
    pub input_peak: f32,
    pub output_peak: f32,
    pub gate_open: bool,
}

struct ChannelState {
    switch: ModelSwitch,
    dry_delay: DelayLine,
    /// The chunk's input before any gain, and the same delayed by the reported latency.
    raw: Vec<f32>,
    dry: Vec<f32>,
    /// Scratch: the incoming model's weight per sample, its input and its output.
    weights: Vec<f32>,
    incoming_in: Vec<f32>,
    incoming_out: Vec<f32>,
}

pub struct SignalChain {
    channels: Vec<ChannelState>,
    gate: NoiseGate,
    gate_detector: Vec<f32>,
    post: PostStage,
    bypass_mix: f32,
    latency: usize,
    host_rate: u32,
}

impl SignalChain {
    /// Allocates everything the audio thread will need at `host_rate`; `cabinet` is the IR built for that rate,
    /// `latency` the models' longest round trip (see [`crate::rack`]).
    pub fn new(host_rate: u32, cabinet: Option<Box<Cabinet>>, latency: usize) -> Result<Self, ChainError> {
        let mut channels = Vec::with_capacity(MAX_CHANNELS);
        for _ in 0..MAX_CHANNELS {
            channels.push(ChannelState {
                switch: ModelSwitch::new(WARMUP_SAMPLES, FADE_SAMPLES),
                dry_delay: DelayLine::new(latency),
                raw: vec![0.0; CHUNK],
                dry: vec![0.0; CHUNK],
                weights: vec![0.0; CHUNK],
                incoming_in: vec![0.0; CHUNK],
                incoming_out: vec![0.0; CHUNK],
            });
        }
        let latency = latency.min(crate::delay::MAX_DELAY);
        let gate = NoiseGate::new(host_rate as f32).map_err(|e| ChainError::Gate(e.to_string()))?;
        let post = PostStage::new(host_rate as f32, cabinet);
        Ok(SignalChain { channels, gate, gate_detector: vec![0.0; CHUNK], post, bypass_mix: 0.0, latency, host_rate })
    }

    pub fn host_rate(&self) -> u32 {
        self.host_rate
    }

    /// The post-model stage, for handing cabinets over between chunks.
    pub fn post_mut(&mut self) -> &mut PostStage {
        &mut self.post
    }

    /// Host-rate samples between input and output: what the host is told (zero when every model runs at the
    /// host's rate).
    pub fn latency_samples(&self) -> usize {
        self.latency
    }

    /// A longer latency for a newly arrived model (allocation-free; the dry path restarts from silence).
    pub fn set_latency(&mut self, latency: usize) {
        self.latency = latency.min(crate::delay::MAX_DELAY);
        for channel in &mut self.channels {
            channel.dry_delay.set_delay(self.latency);
        }
    }

    /// Forgets all audio. The model states live in the rack and are reset by its owner.
    pub fn reset(&mut self, playing: Slot, post: PostControls) {
        for channel in &mut self.channels {
            channel.dry_delay.reset();
            channel.switch.jump_to(playing);
        }
        self.post.reset(post);
        self.gate.reset();
    }

    /// Slots that are playing or fading on any channel; the rack must not replace them.
    pub fn busy_slots(&self) -> [Option<Slot>; 2] {
        self.channels.first().map_or([None, None], |c| c.switch.busy())
    }

    pub fn playing(&self) -> Slot {
        self.channels.first().map_or(Slot::Dry, |c| c.switch.active())
    }

    pub fn in_transition(&self) -> bool {
        self.channels.first().is_some_and(|c| c.switch.in_transition())
    }

    /// Processes one chunk of at most [`CHUNK`] samples per channel, in place. Every channel sees the same
    /// controls and switches at the same sample.
    pub fn process_chunk(&mut self, io: &mut [&mut [f32]], rack: &mut ModelRack, controls: &Controls) -> ChunkReport {
        let n = io.first().map_or(0, |c| c.len()).min(CHUNK).min(controls.input_gain.len());
        let mut report = ChunkReport::default();
        for (index, (samples, channel)) in io.iter_mut().zip(self.channels.iter_mut()).enumerate() {
            let samples = &mut samples[..n];
            if let Some(slot) = channel.switch.request(controls.target)
                && let Some(models) = rack.get_mut(slot)
            {
                models.reset_channel(index);
            }
            channel.raw[..n].copy_from_slice(samples);
            for (x, g) in samples.iter_mut().zip(controls.input_gain) {
                report.input_peak = report.input_peak.max(x.abs());
                *x *= g;
            }
            let ChannelState { switch, weights, incoming_in, incoming_out, .. } = &mut *channel;
            let buffers = Scratch { weights, incoming_in, incoming_out };
            run_models(samples, index, switch, rack, buffers, self.latency);
            channel.dry_delay.process(&channel.raw[..n], &mut channel.dry[..n]);
        }
        self.post.process(io, n, controls.post);

        self.apply_gate(io, n, controls);
        report.gate_open = controls.gate.is_some() && self.gate.is_open();

        let bypass_target = if controls.bypass { 1.0 } else { 0.0 };
        let start_bypass = self.bypass_mix;
        for (samples, channel) in io.iter_mut().zip(self.channels.iter()) {
            let mut bypass = start_bypass;
            for (i, y) in samples[..n].iter_mut().enumerate() {
                let dry = channel.dry[i];
                let mix = controls.mix[i];
                let processed = controls.output_gain[i] * (mix * *y + (1.0 - mix) * dry);
                bypass += (bypass_target - bypass).clamp(-1.0 / BYPASS_FADE_SAMPLES, 1.0 / BYPASS_FADE_SAMPLES);
                *y = processed + bypass * (dry - processed);
                report.output_peak = report.output_peak.max(y.abs());
            }
            self.bypass_mix = bypass;
        }
        report
    }

    /// One gain for all channels, so a stereo image never shifts while the gate moves; it listens to the loudest
    /// channel of the dry input delayed to line up with the model's output.
    fn apply_gate(&mut self, io: &mut [&mut [f32]], n: usize, controls: &Controls) {
        let Some(params) = controls.gate else {
            // Reopens at unity next time it is switched on, instead of resuming a stale release.
            self.gate.reset();
            return;
        };
        // Out-of-range values cannot come from the parameter ranges; if they did, the old settings stay.
        let _ = self.gate.set_params(params);
        let detector = &mut self.gate_detector[..n];
        detector.fill(0.0);
        for channel in self.channels.iter().take(io.len()) {
            for ((d, x), g) in detector.iter_mut().zip(&channel.dry[..n]).zip(controls.input_gain) {
                *d = d.max((x * g).abs());
            }
        }
        for (i, &d) in detector.iter().enumerate() {
            let gain = self.gate.next_gain(d);
            for samples in io.iter_mut() {
                samples[i] *= gain;
            }
        }
    }
}

/// True when every sample is finite; flushes denormal inputs to zero on the way (an LSTM fed denormals runs its
/// multiplies on them at a fraction of the speed, and they carry no audible signal).
pub fn sanitize(channels: &mut [&mut [f32]]) -> bool {
    let mut finite = true;
    for x in channels.iter_mut().flat_map(|c| c.iter_mut()) {
        if !x.is_finite() {
            finite = false;
        } else if x.abs() < f32::MIN_POSITIVE {
            *x = 0.0;
        }
    }
    finite
}

struct Scratch<'a> {
    weights: &'a mut [f32],
    incoming_in: &'a mut [f32],
    incoming_out: &'a mut [f32],
}

/// Runs one host-rate block through the playing model and, during a switch, the incoming one, each delayed by
/// `latency` in all.
fn run_models(block: &mut [f32], channel: usize, switch: &mut ModelSwitch, rack: &mut ModelRack, scratch: Scratch, latency: usize) {
    let m = block.len().min(scratch.weights.len());
    let block = &mut block[..m];
    let weights = &mut scratch.weights[..m];
    let plan = switch.next_block(weights);
    if let Some(incoming) = plan.incoming {
        scratch.incoming_in[..m].copy_from_slice(block);
        run_slot(rack, incoming, channel, &scratch.incoming_in[..m], &mut scratch.incoming_out[..m], latency);
    }
    match rack.get_mut(plan.active) {
        Some(models) => models.process_in_place(channel, block, latency),
        None => dry_through(block, latency, channel, rack),
    }
    if plan.incoming.is_some() {
        for ((y, incoming), w) in block.iter_mut().zip(&scratch.incoming_out[..m]).zip(weights.iter()) {
            *y += w * (incoming - *y);
        }
    }
}

fn run_slot(rack: &mut ModelRack, slot: Slot, channel: usize, input: &[f32], output: &mut [f32], latency: usize) {
    match rack.get_mut(slot) {
        Some(models) => models.process(channel, input, output, latency),
        None => {
            output.copy_from_slice(input);
            dry_through(output, latency, channel, rack);
        }
    }
}

/// The dry slot (or one that vanished) passes its input through, delayed like every model.
fn dry_through(block: &mut [f32], latency: usize, channel: usize, rack: &mut ModelRack) {
    rack.dry_delay(channel, latency).process_in_place(block);
}

/// Why the signal chain cannot run at the host's settings.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("noise gate: {0}")]
    Gate(String),
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn sanitize_zeroes_denormals_keeps_normal_samples_and_reports_non_finite_input() {
        let denormal = f32::MIN_POSITIVE / 4.0;
        assert!(denormal > 0.0 && !denormal.is_normal());
        let (mut left, mut right) = ([0.5, denormal, -denormal, -0.25], [f32::MIN_POSITIVE, 1e-30, 0.0, 1.0]);
        assert!(sanitize(&mut [&mut left, &mut right]));
        assert_eq!(left, [0.5, 0.0, 0.0, -0.25]);
        assert_eq!(right, [f32::MIN_POSITIVE, 1e-30, 0.0, 1.0]);
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut block = [0.1, bad, 0.2];
            assert!(!sanitize(&mut [&mut block]), "{bad} not reported");
        }
    }
}
