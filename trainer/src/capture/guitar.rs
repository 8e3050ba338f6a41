//! The guitar playing of the reamp signal: the user's DI clips when given, else the procedural guitar.

use std::path::{Path, PathBuf};

use anyhow::Context;
use blackbox_engine::resample::resample_clip;

use super::signal::GUITAR_MAX_PEAK;
use crate::audio::read_mono;
use blackbox_standin::guitar::{ProceduralGuitar, SAMPLE_RATE as GUITAR_RATE};

/// Silence between two DI clips, so that each starts from a quiet device.
const GAP_SECONDS: f64 = 0.25;

/// `seconds` of guitar at `rate`, peak at most [`GUITAR_MAX_PEAK`], and a line saying what it is.
pub fn guitar_section(di: Option<&Path>, rate: u32, seconds: f64, seed: u64) -> anyhow::Result<(Vec<f32>, String)> {
    let want = (seconds * f64::from(rate)).round() as usize;
    let (mut out, description) = match di {
        Some(folder) => {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
                .with_context(|| format!("reading the DI folder {}", folder.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")))
                .collect();
            paths.sort();
            anyhow::ensure!(!paths.is_empty(), "{} holds no .wav DI clips", folder.display());
            let mut out = Vec::with_capacity(want);
            let mut used = Vec::new();
            for path in paths.iter().cycle().take(paths.len() * 8) {
                if out.len() >= want {
                    break;
                }
                let clip = read_mono(path)?;
                let samples = resample_clip(&clip.samples, clip.sample_rate, rate)
                    .with_context(|| format!("resampling {} to {rate} Hz", path.display()))?;
                out.extend_from_slice(&samples);
                out.extend(std::iter::repeat_n(0.0, (GAP_SECONDS * f64::from(rate)) as usize));
                used.push(path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            }
            (out, format!("DI clips from {}: {}", folder.display(), used.join(", ")))
        }
        None => {
            let guitar = ProceduralGuitar::new(seed);
            let song: Vec<f32> = guitar.song(0, seconds + 1.0).into_iter().map(|v| v as f32).collect();
            let samples = resample_clip(&song, GUITAR_RATE as u32, rate).context("resampling the procedural guitar")?;
            (samples, format!("BlackBox's procedural guitar (seed {seed})"))
        }
    };
    out.resize(want, 0.0);
    let peak = out.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if peak > GUITAR_MAX_PEAK {
        out.iter_mut().for_each(|x| *x *= GUITAR_MAX_PEAK / peak);
    }
    Ok((out, description))
}
