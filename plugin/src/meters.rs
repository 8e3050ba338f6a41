//! What the audio thread tells the GUI: levels, the gate light, what is playing. Atomics only, written once
//! per block.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

use nice_plug::prelude::AtomicF32;

use crate::rack::Slot;

/// Peak meters fall 12 dB in this time after the signal stops, like the nice-plug examples' meters.
const PEAK_DECAY_MS: f32 = 150.0;

pub struct Meters {
    input_peak: AtomicF32,
    output_peak: AtomicF32,
    gate_open: AtomicBool,
    /// [`Slot`] encoded: -1 dry, 0.. embedded index, -2 / -3 user slots, [`NOT_PLAYING`] while not processing.
    playing: AtomicI32,
    switching: AtomicBool,
    latency: AtomicU32,
    sample_rate: AtomicU32,
    /// Blocks replaced by silence because the input contained NaN or infinity.
    non_finite_blocks: AtomicU32,
    /// Blocks whose input or output reached full scale; the editor lights its clip LEDs when these move.
    input_clips: AtomicU32,
    output_clips: AtomicU32,
}

/// `playing` before the first block after an activation, and after a deactivation.
const NOT_PLAYING: i32 = i32::MIN;

/// A peak at or above this is a clip (0 dBFS less a rounding margin).
pub const CLIP_LEVEL: f32 = 0.999;

impl Default for Meters {
    fn default() -> Self {
        Meters {
            input_peak: AtomicF32::new(0.0),
            output_peak: AtomicF32::new(0.0),
            gate_open: AtomicBool::new(false),
            playing: AtomicI32::new(NOT_PLAYING),
            switching: AtomicBool::new(false),
            latency: AtomicU32::new(0),
            sample_rate: AtomicU32::new(0),
            non_finite_blocks: AtomicU32::new(0),
            input_clips: AtomicU32::new(0),
            output_clips: AtomicU32::new(0),
        }
    }
}

/// A meter's decay per block of `samples` at `sample_rate`.
pub fn peak_decay(samples: usize, sample_rate: f32) -> f32 {
    let per_sample = 0.25f32.powf(1.0 / (PEAK_DECAY_MS * 1e-3 * sample_rate.max(1.0)));
    per_sample.powi(samples.min(i32::MAX as usize) as i32)
}

impl Meters {
    pub fn record_levels(&self, input_peak: f32, output_peak: f32, decay: f32) {
        let fall = |meter: &AtomicF32, peak: f32| {
            let held = meter.load(Ordering::Relaxed) * decay;
            meter.store(if peak.is_finite() { peak.max(held) } else { held }, Ordering::Relaxed);
        };
        fall(&self.input_peak, input_peak);
        fall(&self.output_peak, output_peak);
        if input_peak >= CLIP_LEVEL {
            self.input_clips.fetch_add(1, Ordering::Relaxed);
        }
        if output_peak >= CLIP_LEVEL {
            self.output_clips.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// (input, output) clipped-block counts since the plugin was created.
    pub fn clips(&self) -> (u32, u32) {
        (self.input_clips.load(Ordering::Relaxed), self.output_clips.load(Ordering::Relaxed))
    }

    pub fn record_state(&self, gate_open: bool, playing: Slot, switching: bool) {
        self.gate_open.store(gate_open, Ordering::Relaxed);
        self.switching.store(switching, Ordering::Relaxed);
        let encoded = match playing {
            Slot::Dry => -1,
            Slot::Embedded(i) => i32::try_from(i).unwrap_or(i32::MAX),
            Slot::User(i) => -2 - i32::try_from(i).unwrap_or(0),
        };
        self.playing.store(encoded, Ordering::Relaxed);
    }

    /// The plugin no longer processes, so nothing it reported as playing still plays.
    pub fn record_stopped(&self) {
        self.playing.store(NOT_PLAYING, Ordering::Relaxed);
    }

    pub fn record_setup(&self, sample_rate: u32, latency: u32) {
        self.sample_rate.store(sample_rate, Ordering::Relaxed);
        self.latency.store(latency, Ordering::Relaxed);
    }

    pub fn record_non_finite_block(&self) {
        self.non_finite_blocks.fetch_add(1, Ordering::Relaxed);
    }

    pub fn input_peak(&self) -> f32 {
        self.input_peak.load(Ordering::Relaxed)
    }

    pub fn output_peak(&self) -> f32 {
        self.output_peak.load(Ordering::Relaxed)
    }

    pub fn gate_open(&self) -> bool {
        self.gate_open.load(Ordering::Relaxed)
    }

    /// What the audio thread played in its last block; `None` while the plugin is not processing.
    pub fn playing(&self) -> Option<Slot> {
        match self.playing.load(Ordering::Relaxed) {
            NOT_PLAYING => None,
            -1 => Some(Slot::Dry),
            i if i >= 0 => Some(Slot::Embedded(i as usize)),
            i => Some(Slot::User((-2 - i) as usize)),
        }
    }

    pub fn switching(&self) -> bool {
        self.switching.load(Ordering::Relaxed)
    }

    pub fn latency(&self) -> u32 {
        self.latency.load(Ordering::Relaxed)
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate.load(Ordering::Relaxed)
    }

    pub fn non_finite_blocks(&self) -> u32 {
        self.non_finite_blocks.load(Ordering::Relaxed)
    }
}
