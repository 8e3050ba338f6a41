//! What a recording's samples say about how it was made: level, clipping, DC, noise floor.

use serde::{Deserialize, Serialize};

/// A sample at or beyond this magnitude is taken as the converter's (or the DAW's) ceiling.
const CLIP_LEVEL: f32 = 0.999;
/// A recording whose peak is below this is quiet enough that the interface's noise is a real part of it.
pub const LOW_PEAK_DBFS: f64 = -30.0;
/// Below this nothing was recorded: a cable, a muted input, the wrong track.
pub const SILENT_PEAK_DBFS: f64 = -60.0;
/// A mean beyond this is an interface's DC offset, removed before training (a guitar signal has none).
pub const DC_LIMIT: f64 = 1e-3;

/// The figures, for the report and the model's metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelFacts {
    pub peak_dbfs: f64,
    pub rms_dbfs: f64,
    /// Samples at the ceiling.
    pub clipped_samples: usize,
    pub dc: f64,
    /// RMS of the device's silence (the reamp signal's silent section, else the quietest 50 ms of the take).
    pub noise_floor_dbfs: f64,
}

impl LevelFacts {
    /// `silence` is where the device should be quiet, if known.
    pub fn of(samples: &[f32], silence: Option<&[f32]>, rate: u32) -> Self {
        let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let dc = samples.iter().map(|&x| f64::from(x)).sum::<f64>() / samples.len().max(1) as f64;
        let noise = match silence {
            Some(silence) => rms(silence),
            None => quietest_block(samples, (rate / 20) as usize),
        };
        LevelFacts {
            peak_dbfs: dbfs(f64::from(peak)),
            rms_dbfs: dbfs(rms(samples)),
            clipped_samples: samples.iter().filter(|x| x.abs() >= CLIP_LEVEL).count(),
            dc,
            noise_floor_dbfs: dbfs(noise),
        }
    }

    /// What a user should hear about, in words; empty when nothing is wrong.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.clipped_samples > 0 {
            out.push(format!(
                "the recording clips ({} samples at full scale): the model will learn the interface's clipping; \
                 record again with the input gain lower by {:.0} dB or more",
                self.clipped_samples,
                (self.peak_dbfs + 6.0).max(3.0)
            ));
        }
        if self.peak_dbfs < LOW_PEAK_DBFS {
            out.push(format!(
                "the recording is quiet (peak {:.1} dBFS): its noise floor ({:.1} dBFS) is part of what the model \
                 learns; raise the interface's input gain until the loudest part peaks near -6 dBFS",
                self.peak_dbfs, self.noise_floor_dbfs
            ));
        }
        if self.dc.abs() > DC_LIMIT {
            out.push(format!("the recording has a DC offset of {:.4}; it was removed before training", self.dc));
        }
        out
    }
}

pub fn dbfs(linear: f64) -> f64 {
    20.0 * linear.max(1e-10).log10()
}

pub fn rms(samples: &[f32]) -> f64 {
    (samples.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / samples.len().max(1) as f64).sqrt()
}

fn quietest_block(samples: &[f32], block: usize) -> f64 {
    samples.chunks_exact(block.max(1)).map(rms).fold(f64::INFINITY, f64::min).min(rms(samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_quietness_and_dc_are_each_named() {
        let mut hot: Vec<f32> = (0..48_000).map(|i| (i as f32 * 0.05).sin()).collect();
        hot.iter_mut().for_each(|x| *x = x.clamp(-0.9995, 0.9995));
        let facts = LevelFacts::of(&hot, None, 48_000);
        assert!(facts.clipped_samples > 100);
        assert!(facts.warnings().iter().any(|w| w.contains("clips")));

        let quiet: Vec<f32> = hot.iter().map(|x| 0.01 * x + 0.01).collect();
        let facts = LevelFacts::of(&quiet, Some(&quiet[..100]), 48_000);
        let warnings = facts.warnings();
        assert_eq!(facts.clipped_samples, 0);
        assert!(warnings.iter().any(|w| w.contains("quiet")), "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("DC")), "{warnings:?}");

        let clean: Vec<f32> = hot.iter().map(|x| 0.5 * x).collect();
        assert!(LevelFacts::of(&clean, None, 48_000).warnings().is_empty());
    }
}
