/// How long the detector's envelope takes to fall by a factor e after the input stops.
///
/// Long enough to ride over the gaps between the rectified peaks of the lowest guitar note (E2, 82 Hz, a peak
/// every 6.1 ms: the envelope dips by 2.2 dB, under the default 6 dB hysteresis), short enough that the gate
/// sees a note's end within a few tens of milliseconds.
pub const DETECTOR_RELEASE_MS: f32 = 25.0;

/// Below this the envelope is flushed to zero rather than decaying through denormals, which are slow on x86.
const FLUSH_LEVEL: f32 = 1e-12;

/// A peak envelope follower: instant attack, exponential release.
///
/// Peak rather than RMS because a pick attack must open the gate on its first cycle; an RMS window long enough
/// to be smooth on 82 Hz would also be long enough to clip the start of every note.
#[derive(Debug, Clone)]
pub struct PeakDetector {
    envelope: f32,
    release_coef: f32,
}

impl PeakDetector {
    pub fn new(sample_rate: f32) -> Self {
        let release_samples = DETECTOR_RELEASE_MS * 1e-3 * sample_rate;
        PeakDetector { envelope: 0.0, release_coef: (-1.0 / release_samples).exp() }
    }

    /// Feeds one sample and returns the envelope (linear amplitude). Non-finite input counts as silence, so a
    /// NaN from upstream cannot hold the gate open forever.
    #[inline]
    pub fn next(&mut self, x: f32) -> f32 {
        let level = if x.is_finite() { x.abs() } else { 0.0 };
        self.envelope = if level > self.envelope { level } else { self.envelope * self.release_coef };
        if self.envelope < FLUSH_LEVEL {
            self.envelope = 0.0;
        }
        self.envelope
    }

    pub fn envelope(&self) -> f32 {
        self.envelope
    }

    pub fn reset(&mut self) {
        self.envelope = 0.0;
    }
}
