//! The dry material: the DI clips of `--di`, resampled to 44.1 kHz, or the procedural guitar's songs.

use std::path::{Path, PathBuf};

use crate::audio::read_mono;
use crate::dataset::layout::{SAMPLE_RATE, Split};
use blackbox_standin::guitar::ProceduralGuitar;

use super::error::SynthError;

/// The fixed test set: six clips of different speed and texture (jazz comping, a slow lead, a slide lead, a
/// thrash riff, a palm-muted metal riff, NAM's standard DI), as the study chose its six test songs "for their
/// diversity in speed and complexity". Every other clip of the folder trains.
pub const TEST_CLIPS: [&str; 6] = ["Jazz_Hop", "Hammer_Lead", "Slide_Lead", "Raid", "Fear", "Guitar_DI"];

/// Procedural default: 8 training songs of 25 s (200 s: more than the 187 s that 74,862 training windows of
/// 88 samples plus the study's 20 % validation need) and 6 test songs of 15 s.
pub const PROCEDURAL_TRAIN_SONGS: usize = 8;
pub const PROCEDURAL_TEST_SONGS: usize = 6;
pub const PROCEDURAL_TRAIN_SECONDS: f64 = 200.0;
pub const PROCEDURAL_TEST_SECONDS: f64 = 90.0;

/// One dry recording to be played through the rig.
#[derive(Debug, Clone)]
pub struct DryClip {
    pub name: String,
    pub split: Split,
    pub samples: Vec<f64>,
    /// Where it came from, for `SOURCE.md`.
    pub origin: String,
}

/// Reads every `.wav` of `folder` (sorted by name), resampling to 44.1 kHz with the engine's FFT resampler.
pub fn di_clips(folder: &Path) -> Result<Vec<DryClip>, SynthError> {
    let entries = std::fs::read_dir(folder).map_err(|source| SynthError::DiFolder {
        path: folder.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(SynthError::NoDiClips {
            path: folder.to_path_buf(),
        });
    }
    let mut clips = Vec::with_capacity(paths.len());
    for path in paths {
        let audio = read_mono(&path).map_err(|source| SynthError::Read {
            path: path.clone(),
            source,
        })?;
        let samples = blackbox_engine::resample::resample_clip(&audio.samples, audio.sample_rate, SAMPLE_RATE)
            .map_err(|e| SynthError::Resample {
                path: path.clone(),
                from: audio.sample_rate,
                reason: e.to_string(),
            })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let split = if TEST_CLIPS.contains(&name.as_str()) {
            Split::Test
        } else {
            Split::Train
        };
        clips.push(DryClip {
            origin: format!(
                "{} ({} Hz, {:.1} s)",
                path.display(),
                audio.sample_rate,
                audio.duration_seconds()
            ),
            name,
            split,
            samples: samples.into_iter().map(f64::from).collect(),
        });
    }
    for (split, label) in [(Split::Train, "Train"), (Split::Test, "Test")] {
        if !clips.iter().any(|c| c.split == split) {
            return Err(SynthError::EmptySplit {
                path: folder.to_path_buf(),
                split: label,
                test: &TEST_CLIPS,
            });
        }
    }
    Ok(clips)
}

/// The procedural guitar's songs: `train_seconds` over 8 songs, `test_seconds` over 6.
pub fn procedural_clips(seed: u64, train_seconds: f64, test_seconds: f64) -> Vec<DryClip> {
    let guitar = ProceduralGuitar::new(seed);
    let mut clips = Vec::new();
    let plan = [
        (Split::Train, "riff", PROCEDURAL_TRAIN_SONGS, train_seconds),
        (Split::Test, "song", PROCEDURAL_TEST_SONGS, test_seconds),
    ];
    let mut index = 0;
    for (split, stem, count, total) in plan {
        for i in 1..=count {
            let samples = guitar.song(index, total / count as f64);
            clips.push(DryClip {
                name: format!("{stem}_{i:02}"),
                split,
                samples,
                origin: format!("ProceduralGuitar seed {seed}, song {index}"),
            });
            index += 1;
        }
    }
    clips
}
