//! How even "Normalize output" makes the shipped models on real guitar: every model in `models/` is streamed
//! over each DI clip in a folder, normalised by its reference-passage loudness, and measured; the spread (the
//! loudest less the quietest model) is printed per clip.
//!
//!     cargo run --release -p blackbox-engine --example loudness_spread -- ../shared/data/di

use std::path::{Path, PathBuf};

use blackbox_engine::loudness::{integrated_lufs, model_loudness};
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
    let measured: Vec<_> = all.iter().map(|m| (m, model_loudness(m))).collect();
    let mut files: Vec<_> =
        std::fs::read_dir(&clips).expect("a folder of DI clips").flatten().map(|e| e.path()).collect();
    files.sort();
    let mut worst = 0.0f32;
    for file in files.iter().filter(|p| p.extension().is_some_and(|e| e == "wav")) {
        let Some((clip, rate)) = read_clip(file, 15.0) else {
            continue;
        };
        let mut levels = Vec::new();
        for (model, loudness) in &measured {
            let rate_model = model.metadata.sample_rate;
            let input = resample_clip(&clip, rate, rate_model).expect("resampling the clip");
            let knob = if model.metadata.gain == Gain::Conditioned { 0.5 } else { 0.0 };
            let mut lstm = StreamingLstm::new(&model.weights);
            lstm.set_conditioning(&[knob]);
            let mut out = vec![0.0; input.len()];
            lstm.process_block(&input, &mut out);
            let gain = loudness.normalising_gain(knob);
            out.iter_mut().for_each(|y| *y *= gain);
            if let Some(lufs) = integrated_lufs(&out, rate_model) {
                levels.push((lufs, format!("{}/{}", model.metadata.effect, model.metadata.name)));
            }
        }
        levels.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (Some(low), Some(high)) = (levels.first(), levels.last()) else {
            continue;
        };
        let spread = high.0 - low.0;
        worst = worst.max(spread);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let input_lufs = integrated_lufs(&clip, rate).unwrap_or(f32::NAN);
        println!(
            "clip {name:<20} in {input_lufs:6.1} LUFS  spread {spread:5.2} dB  quietest {} {:.1}  loudest {} {:.1}",
            low.1, low.0, high.1, high.0
        );
    }
    println!("models {} worst spread {worst:.2} dB", measured.len());
}
