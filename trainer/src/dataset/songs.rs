//! Loading the takes of one gain folder as whole songs: checked, paired and trimmed to a common length.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::audio::read_mono;

use super::DatasetError;
use super::layout::SAMPLE_RATE;
use super::pairs::{PairPaths, list_pairs};

/// The largest length difference trimmed rather than refused. Interfaces that record dry and wet at once can end
/// the two files a buffer apart (64 samples, 1.5 ms); anything longer is a different take or an edit.
pub const MAX_TRIMMED_SAMPLES: usize = 64;

/// One take: the dry input and the wet output recorded with it, the same length.
#[derive(Clone, Debug, PartialEq)]
pub struct Song {
    pub name: String,
    pub dry: Vec<f32>,
    pub wet: Vec<f32>,
    /// The wet file's ICMT comment (else the dry file's): the stand-in label written by `trainer synth`.
    pub comment: Option<String>,
    /// Both files' sample rate, which the model trains at.
    pub rate: u32,
}

impl Song {
    pub fn len(&self) -> usize {
        self.dry.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dry.is_empty()
    }

    /// Both files resampled offline to `rate` (the engine's clip resampler), cut to the shorter of the two.
    pub fn resample(&mut self, rate: u32) -> Result<(), blackbox_engine::resample::ResampleError> {
        if self.rate == rate {
            return Ok(());
        }
        let dry = blackbox_engine::resample::resample_clip(&self.dry, self.rate, rate)?;
        let wet = blackbox_engine::resample::resample_clip(&self.wet, self.rate, rate)?;
        let len = dry.len().min(wet.len());
        (self.dry, self.wet, self.rate) = (dry, wet, rate);
        self.dry.truncate(len);
        self.wet.truncate(len);
        Ok(())
    }

    pub fn duration_seconds(&self) -> f64 {
        self.len() as f64 / f64::from(self.rate.max(1))
    }
}

/// Something accepted but changed on loading, for the caller to show (the loader itself prints nothing, so the
/// trainer, `inspect` and tests decide where it goes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadWarning {
    /// The longer file lost its last `removed` samples.
    Trimmed { longer: PathBuf, removed: usize },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadWarning::Trimmed { longer, removed } => {
                write!(f, "{} is {removed} samples longer than its twin; trimmed to the shorter", longer.display())
            }
        }
    }
}

/// The songs of one gain folder in name order, with what loading had to change.
#[derive(Clone, Debug)]
pub struct GainRecordings {
    pub dir: PathBuf,
    pub songs: Vec<Song>,
    pub warnings: Vec<LoadWarning>,
}

impl GainRecordings {
    pub fn total_samples(&self) -> usize {
        self.songs.iter().map(Song::len).sum()
    }

    pub fn duration_seconds(&self) -> f64 {
        self.total_samples() as f64 / f64::from(self.rate())
    }

    /// The songs' common rate ([`load_gain_dir`] refuses mixed rates); the study's for an empty folder.
    pub fn rate(&self) -> u32 {
        self.songs.first().map_or(SAMPLE_RATE, |s| s.rate)
    }
}

/// Loads every pair in `gain_dir` (see [`list_pairs`]), checking rate, channels, emptiness and lengths.
pub fn load_gain_dir(gain_dir: &Path) -> Result<GainRecordings, DatasetError> {
    let mut songs = Vec::new();
    let mut warnings = Vec::new();
    for pair in list_pairs(gain_dir)? {
        let (song, warning) = load_pair(&pair)?;
        if let Some(first) = songs.first().map(|s: &Song| s.rate).filter(|&r| r != song.rate) {
            return Err(DatasetError::SampleRate { path: pair.dry.clone(), found: song.rate, expected: first });
        }
        songs.push(song);
        warnings.extend(warning);
    }
    Ok(GainRecordings { dir: gain_dir.to_path_buf(), songs, warnings })
}

/// Loads one dry/wet pair as a [`Song`].
pub fn load_pair(pair: &PairPaths) -> Result<(Song, Option<LoadWarning>), DatasetError> {
    let dry = read_mono(&pair.dry)?;
    let wet = read_mono(&pair.wet)?;
    if wet.sample_rate != dry.sample_rate {
        return Err(DatasetError::SampleRate { path: pair.wet.clone(), found: wet.sample_rate, expected: dry.sample_rate });
    }
    let (dry_len, wet_len) = (dry.samples.len(), wet.samples.len());
    let removed = dry_len.abs_diff(wet_len);
    if removed > MAX_TRIMMED_SAMPLES {
        return Err(DatasetError::LengthMismatch {
            dry: pair.dry.clone(),
            wet: pair.wet.clone(),
            dry_len,
            wet_len,
            tolerance: MAX_TRIMMED_SAMPLES,
        });
    }
    let warning = (removed > 0).then(|| LoadWarning::Trimmed {
        longer: if dry_len > wet_len { pair.dry.clone() } else { pair.wet.clone() },
        removed,
    });
    let len = dry_len.min(wet_len);
    let (mut dry_samples, mut wet_samples) = (dry.samples, wet.samples);
    dry_samples.truncate(len);
    wet_samples.truncate(len);
    let song =
        Song {
            name: pair.name.clone(),
            dry: dry_samples,
            wet: wet_samples,
            comment: wet.comment.or(dry.comment),
            rate: dry.sample_rate,
        };
    Ok((song, warning))
}
