//! A noise gate that listens to the dry input and turns down the model's output.
//!
//! An amp model adds gain, so the pickup's hiss between notes comes out loud. Detecting on the dry input (before
//! the model) sees the player's dynamics undistorted, where a note's level and the noise floor are far apart;
//! the gain is applied after the model, where the hiss is.

mod detector;
mod params;

pub use detector::{DETECTOR_RELEASE_MS, PeakDetector};
pub use params::{
    ATTACK_MS_RANGE, GateError, GateParams, HOLD_MS_RANGE, HYSTERESIS_DB_RANGE, RELEASE_MS_RANGE, THRESHOLD_DB_RANGE,
};

/// Gains below this (-100 dB) snap to zero: the step is inaudible and the release stops producing denormals.
const SILENT_GAIN: f32 = 1e-5;

/// Where the gate is in its open-hold-release cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The input is above the closing level; the gain ramps up to unity.
    Open,
    /// The input fell below the closing level this many samples ago; the gain stays put until the hold runs out.
    Holding { remaining: u32 },
    /// Released: the gain decays towards silence until the input crosses the opening level again.
    Closed,
}

/// A noise gate with hysteresis, hold and click-free gain ramps. Plain data: never allocates, locks or panics.
#[derive(Debug, Clone)]
pub struct NoiseGate {
    sample_rate: f32,
    params: GateParams,
    detector: PeakDetector,
    phase: Phase,
    gain: f32,
    open_level: f32,
    close_level: f32,
    attack_step: f32,
    hold_samples: u32,
    release_coef: f32,
}

impl NoiseGate {
    /// A gate at `sample_rate` with [`GateParams::default`], open at unity gain so that switching it on mid-note
    /// never ducks the note; with no signal it closes after the hold and release.
    pub fn new(sample_rate: f32) -> Result<Self, GateError> {
        if !(sample_rate.is_finite() && sample_rate > 0.0) {
            return Err(GateError::SampleRate(sample_rate));
        }
        let mut gate = NoiseGate {
            sample_rate,
            params: GateParams::default(),
            detector: PeakDetector::new(sample_rate),
            phase: Phase::Open,
            gain: 1.0,
            open_level: 0.0,
            close_level: 0.0,
            attack_step: 1.0,
            hold_samples: 0,
            release_coef: 0.0,
        };
        gate.apply(GateParams::default());
        Ok(gate)
    }

    /// Changes the settings without touching the envelope, phase or gain, so it may be called every block while
    /// a knob moves. Out-of-range settings are refused and the old ones kept.
    pub fn set_params(&mut self, params: GateParams) -> Result<(), GateError> {
        params.validate()?;
        if params != self.params {
            self.apply(params);
        }
        Ok(())
    }

    pub fn params(&self) -> GateParams {
        self.params
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Multiplies `audio` in place by the gate's gain, driven by `detector` (the dry input, sample-aligned).
    pub fn process(&mut self, detector: &[f32], audio: &mut [f32]) -> Result<(), GateError> {
        if detector.len() != audio.len() {
            return Err(GateError::BlockLengthMismatch { detector: detector.len(), audio: audio.len() });
        }
        for (&dry, sample) in detector.iter().zip(audio.iter_mut()) {
            *sample *= self.next_gain(dry);
        }
        Ok(())
    }

    /// Advances one sample on `detector` and returns the gain for that sample; for callers that apply one gain
    /// to several channels.
    #[inline]
    pub fn next_gain(&mut self, detector: f32) -> f32 {
        let envelope = self.detector.next(detector);
        self.phase = match self.phase {
            Phase::Open | Phase::Holding { .. } if envelope >= self.close_level => Phase::Open,
            Phase::Open if self.hold_samples > 0 => Phase::Holding { remaining: self.hold_samples },
            Phase::Holding { remaining } if remaining > 1 => Phase::Holding { remaining: remaining - 1 },
            Phase::Open | Phase::Holding { .. } => Phase::Closed,
            Phase::Closed if envelope >= self.open_level => Phase::Open,
            Phase::Closed => Phase::Closed,
        };
        self.gain = match self.phase {
            Phase::Open => (self.gain + self.attack_step).min(1.0),
            Phase::Holding { .. } => self.gain,
            Phase::Closed if self.gain * self.release_coef < SILENT_GAIN => 0.0,
            Phase::Closed => self.gain * self.release_coef,
        };
        self.gain
    }

    /// The gain applied to the last sample (0 = silent, 1 = unity).
    pub fn gain(&self) -> f32 {
        self.gain
    }

    /// True while the input is above the closing level or the hold has not run out: what a "gate open" light
    /// shows.
    pub fn is_open(&self) -> bool {
        !matches!(self.phase, Phase::Closed)
    }

    /// Back to the state [`NoiseGate::new`] leaves it in, keeping the settings.
    pub fn reset(&mut self) {
        self.detector.reset();
        self.phase = Phase::Open;
        self.gain = 1.0;
    }

    fn apply(&mut self, params: GateParams) {
        let samples_per_ms = self.sample_rate * 1e-3;
        self.params = params;
        self.open_level = db_to_amplitude(params.threshold_db);
        self.close_level = db_to_amplitude(params.threshold_db - params.hysteresis_db);
        // A linear ramp reaches unity in exactly the attack time, whatever gain it starts from.
        self.attack_step = 1.0 / (params.attack_ms * samples_per_ms).max(1.0);
        self.hold_samples = (params.hold_ms * samples_per_ms).round() as u32;
        // Exponential, as ears hear level in dB: -60 dB after `release_ms`.
        self.release_coef = (1e-3_f32.ln() / (params.release_ms * samples_per_ms).max(1.0)).exp();
    }
}

fn db_to_amplitude(db: f32) -> f32 {
    10.0_f32.powf(db / 20.0)
}
