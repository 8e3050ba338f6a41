//! How even "Normalize output" makes the shipped models on real guitar: every model in `models/` is streamed
//! over each DI clip in a folder, normalised by its reference-passage loudness, and measured; the spread (the
//! loudest less the quietest model) is printed per clip.
//!
//! Beside it, the spread a level-aware normalisation would reach: each model is also measured on the passage
//! played at several input levels ([`LEVEL_OFFSETS_DB`] around its own), and the gain for a clip is read off
//! that curve at the clip's own input loudness. A model that compresses (high gain) and one that follows its
//! input (low gain) then meet at the player's level rather than only at the passage's.
//!
//! Last, a bound on any one gain per model: the gains fitted to these very clips (each model's mean offset
//! from the clip's mean level, least squares over all clips), and the spread they leave on each clip. What
//! remains is the part of the spread no fixed gain can remove: the models differ in how they treat different
//! playing, not only in level.
//!
//!     cargo run --release -p blackbox-engine --example loudness_spread -- ../shared/data/di

use std::path::{Path, PathBuf};

use blackbox_engine::loudness::reference::{PASSAGE_LUFS, passage};
use blackbox_engine::loudness::{integrated_lufs, lufs_at, model_loudness};
use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::model::{Gain, ModelFile};
use blackbox_engine::resample::resample_clip;

fn models(root: &Path, out: &mut Vec<ModelFile>) {
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            models(&path, out);
        } else if path.extension().is_some_and(|e| e == "bbx")
            && let Ok(model) = ModelFile::load(&path)
        {
            out.push(model);
        }
    }
}

/// Input levels, relative to the passage's, at which the level-aware curve is measured: the 19 DI clips lie
/// 9 dB below to 4 dB above it.
const LEVEL_OFFSETS_DB: [f32; 5] = [-12.0, -6.0, 0.0, 6.0, 12.0];

/// Streams `input` through `model` (knob as given) from a zeroed state.
fn stream(model: &ModelFile, knob: f32, input: &[f32]) -> Vec<f32> {
    let mut lstm = StreamingLstm::new(&model.weights);
    lstm.set_conditioning(&[knob]);
    let mut out = vec![0.0; input.len()];
    lstm.process_block(input, &mut out);
    out
}

/// (input LUFS, output LUFS) of `model` on the reference passage at each of [`LEVEL_OFFSETS_DB`].
fn level_curve(model: &ModelFile, knob: f32) -> Vec<(f32, Option<f32>)> {
    let rate = model.metadata.sample_rate;
    let reference = passage(rate);
    LEVEL_OFFSETS_DB
        .iter()
        .map(|&offset| {
            let scale = 10f32.powf(offset / 20.0);
            let input: Vec<f32> = reference.iter().map(|x| x * scale).collect();
            (PASSAGE_LUFS + offset, integrated_lufs(&stream(model, knob, &input), rate))
        })
        .collect()
}

fn read_clip(path: &Path, seconds: f64) -> Option<(Vec<f32>, u32)> {
    let mut reader = hound::WavReader::open(path).ok()?;
    let spec = reader.spec();
    let take = (seconds * f64::from(spec.sample_rate)) as usize;
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().take(take).collect::<Result<_, _>>().ok()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader.samples::<i32>().take(take).map(|s| s.map(|s| s as f32 * scale)).collect::<Result<_, _>>().ok()?
        }
    };
    Some((samples, spec.sample_rate))
}

fn main() {
    let clips = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "../shared/data/di".into()));
    let mut all = Vec::new();
    models(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"), &mut all);
    let knob_of = |m: &ModelFile| if m.metadata.gain == Gain::Conditioned { 0.5 } else { 0.0 };
    let measured: Vec<_> = all.iter().map(|m| (m, model_loudness(m), level_curve(m, knob_of(m)))).collect();
    let mut files: Vec<_> =
        std::fs::read_dir(&clips).expect("a folder of DI clips").flatten().map(|e| e.path()).collect();
    files.sort();
    let (mut worst, mut worst_aware) = (0.0f32, 0.0f32);
    let mut sums = (0.0f32, 0.0f32, 0usize);
    // Per clip, each model's normalised level (None where it was silent), for the fitted-gain bound.
    let mut table: Vec<Vec<Option<f32>>> = Vec::new();
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "wav")) {
        let Some((clip, rate)) = read_clip(file, 15.0) else {
            continue;
        };
        let input_lufs = integrated_lufs(&clip, rate);
        let (mut fixed, mut aware) = (Vec::new(), Vec::new());
        let mut row = vec![None; measured.len()];
        for (index, (model, loudness, curve)) in measured.iter().enumerate() {
            let rate_model = model.metadata.sample_rate;
            let input = resample_clip(&clip, rate, rate_model).expect("resampling the clip");
            let knob = knob_of(model);
            let Some(lufs) = integrated_lufs(&stream(model, knob, &input), rate_model) else {
                continue;
            };
            let name = format!("{}/{}", model.metadata.effect, model.metadata.name);
            let gain_db = 20.0 * loudness.normalising_gain(knob).log10();
            fixed.push((lufs + gain_db, name.clone()));
            row[index] = Some(lufs + gain_db);
            // Any level law common to all models gives the same spread; "output follows input" is the simplest.
            if let Some(at_level) = input_lufs.and_then(|level| lufs_at(curve, level)) {
                aware.push((lufs - at_level + input_lufs.unwrap_or_default(), name));
            }
        }
        let (Some(spread), Some(aware_spread)) = (spread_of(&mut fixed), spread_of(&mut aware)) else {
            continue;
        };
        table.push(row);
        worst = worst.max(spread);
        worst_aware = worst_aware.max(aware_spread);
        sums = (sums.0 + spread, sums.1 + aware_spread, sums.2 + 1);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        println!(
            "clip {name:<20} in {:6.1} LUFS  spread {spread:5.2} dB  quietest {} {:.1}  loudest {} {:.1}  \
             level-aware spread {aware_spread:5.2} dB",
            input_lufs.unwrap_or(f32::NAN),
            fixed[0].1,
            fixed[0].0,
            fixed[fixed.len() - 1].1,
            fixed[fixed.len() - 1].0,
        );
    }
    let clips = sums.2.max(1) as f32;
    println!(
        "models {} clips {} mean spread {:.2} dB (level-aware {:.2} dB), worst {worst:.2} dB \
         (level-aware {worst_aware:.2} dB)",
        measured.len(),
        sums.2,
        sums.0 / clips,
        sums.1 / clips,
    );
    let fitted = fitted_spreads(&table);
    if !fitted.is_empty() {
        let mean = fitted.iter().sum::<f32>() / fitted.len() as f32;
        let worst = fitted.iter().fold(0.0f32, |w, &s| w.max(s));
        println!(
            "gains fitted to these clips (models heard on every clip): mean spread {mean:.2} dB, worst {worst:.2} dB"
        );
    }
}

/// The per-clip spreads left by the one gain per model that best fits `table` (clips x models, normalised
/// levels): each model's mean offset from the clip's mean level is taken out. Models silent on any clip are left
/// out.
fn fitted_spreads(table: &[Vec<Option<f32>>]) -> Vec<f32> {
    let Some(first) = table.first() else {
        return Vec::new();
    };
    let heard: Vec<usize> = (0..first.len()).filter(|&m| table.iter().all(|row| row[m].is_some())).collect();
    if heard.is_empty() {
        return Vec::new();
    }
    let levels: Vec<Vec<f32>> =
        table.iter().map(|row| heard.iter().map(|&m| row[m].unwrap_or_default()).collect()).collect();
    let clip_means: Vec<f32> = levels.iter().map(|row| row.iter().sum::<f32>() / row.len() as f32).collect();
    let offsets: Vec<f32> = (0..heard.len())
        .map(|m| levels.iter().zip(&clip_means).map(|(row, mean)| row[m] - mean).sum::<f32>() / levels.len() as f32)
        .collect();
    levels
        .iter()
        .map(|row| {
            let corrected = row.iter().zip(&offsets).map(|(level, offset)| level - offset);
            let (low, high) = corrected.fold((f32::MAX, f32::MIN), |(lo, hi), l| (lo.min(l), hi.max(l)));
            high - low
        })
        .collect()
}

/// Sorts (LUFS, name) pairs quietest first and returns the loudest less the quietest.
fn spread_of(levels: &mut [(f32, String)]) -> Option<f32> {
    levels.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(levels.last()?.0 - levels.first()?.0)
}
