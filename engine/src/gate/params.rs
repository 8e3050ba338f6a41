/// The gate's user-facing settings. Times are in milliseconds, levels in dBFS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateParams {
    /// Level at which the gate opens.
    pub threshold_db: f32,
    /// How far below the threshold the input must fall before the gate starts to close, so that a note
    /// hovering around the threshold does not open and close the gate every cycle.
    pub hysteresis_db: f32,
    /// Time to go from closed to fully open.
    pub attack_ms: f32,
    /// Time the gate stays open after the input falls below the closing level.
    pub hold_ms: f32,
    /// Time to fall by 60 dB once the hold is over.
    pub release_ms: f32,
}

impl Default for GateParams {
    /// A guitar gate that leaves playing alone and silences amp-sim hiss: a DI's noise floor sits around
    /// -70 dBFS and a soft palm-muted note peaks around -40 dBFS.
    fn default() -> Self {
        GateParams { threshold_db: -55.0, hysteresis_db: 6.0, attack_ms: 1.0, hold_ms: 50.0, release_ms: 120.0 }
    }
}

/// Accepted ranges; the plugin's parameter ranges should lie inside them.
pub const THRESHOLD_DB_RANGE: (f32, f32) = (-120.0, 0.0);
pub const HYSTERESIS_DB_RANGE: (f32, f32) = (0.0, 40.0);
/// The lower bound keeps the opening ramp at least a few samples long, so opening never clicks.
pub const ATTACK_MS_RANGE: (f32, f32) = (0.05, 500.0);
pub const HOLD_MS_RANGE: (f32, f32) = (0.0, 5_000.0);
pub const RELEASE_MS_RANGE: (f32, f32) = (1.0, 10_000.0);

/// A gate setting or construction argument out of range. No allocation: safe to return on the audio thread.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum GateError {
    #[error("gate {name} = {value} is outside {min}..={max}; choose a value in that range")]
    OutOfRange { name: &'static str, value: f32, min: f32, max: f32 },
    #[error("gate sample rate {0} Hz is not a positive finite rate; pass the host's rate, e.g. 48000")]
    SampleRate(f32),
    #[error("gate detector has {detector} samples but the audio block has {audio}; pass blocks of equal length")]
    BlockLengthMismatch { detector: usize, audio: usize },
}

impl GateParams {
    /// Checks every field against its range (NaN fails), naming the first one out of range.
    pub fn validate(&self) -> Result<(), GateError> {
        check("threshold_db", self.threshold_db, THRESHOLD_DB_RANGE)?;
        check("hysteresis_db", self.hysteresis_db, HYSTERESIS_DB_RANGE)?;
        check("attack_ms", self.attack_ms, ATTACK_MS_RANGE)?;
        check("hold_ms", self.hold_ms, HOLD_MS_RANGE)?;
        check("release_ms", self.release_ms, RELEASE_MS_RANGE)
    }
}

fn check(name: &'static str, value: f32, (min, max): (f32, f32)) -> Result<(), GateError> {
    if (min..=max).contains(&value) { Ok(()) } else { Err(GateError::OutOfRange { name, value, min, max }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert_eq!(GateParams::default().validate(), Ok(()));
        let nan = GateParams { release_ms: f32::NAN, ..GateParams::default() }.validate().unwrap_err();
        assert!(nan.to_string().contains("release_ms"), "{nan}");
        let loud = GateParams { threshold_db: 6.0, ..GateParams::default() }.validate().unwrap_err();
        assert!(matches!(loud, GateError::OutOfRange { name: "threshold_db", .. }), "{loud}");
    }
}
