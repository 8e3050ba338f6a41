use blackbox_engine::model::ModelFile;
use blackbox_engine::windowed::predict_windows;

use super::store::GridStore;
use super::GridCell;
use crate::dataset::Song;
use crate::report::{EsrMode, ModelResult, WaveformExcerpt};

/// Samples in the waveform plot: ~23 ms, a few cycles of a low note, like the study's chunk plots.
const EXCERPT_SAMPLES: usize = 1_024;

/// The best model so far (lowest mean windowed test ESR) on the loudest stretch of its gain's first test song.
pub fn best_model_excerpt(
    store: &GridStore,
    cells: &[GridCell],
    results: &[ModelResult],
    test_songs: impl Fn(&GridCell) -> Option<Song>,
) -> Option<WaveformExcerpt> {
    let songs: Vec<String> = results.iter().flat_map(|r| r.songs.iter().map(|s| s.song.clone())).collect();
    let best = results
        .iter()
        .filter_map(|r| Some((r, r.mean_esr(&songs, EsrMode::Windowed).or_else(|| first_esr(r))?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    let cell = cells.iter().find(|c| c.number as u32 == best.number())?;
    let model = ModelFile::load(&store.model_path(cell)).ok()?;
    let song = test_songs(cell)?;
    let ctx = cell.ctx;
    if song.dry.len() < EXCERPT_SAMPLES + ctx {
        return None;
    }
    let start = loudest_stretch(&song.wet[ctx..], EXCERPT_SAMPLES) + ctx;
    let end = start + EXCERPT_SAMPLES;
    // The windows ending at start..end need ctx - 1 samples of history before `start`.
    let predicted = predict_windows(&model.weights, ctx, &song.dry[start + 1 - ctx..end], &[], 1);
    Some(WaveformExcerpt {
        song: song.name.clone(),
        model_name: best.metadata.name.clone(),
        start_sample: start as u64,
        sample_rate: song.rate,
        dry: song.dry[start..end].to_vec(),
        wet: song.wet[start..end].to_vec(),
        predicted,
    })
}

/// Start of the `len`-sample stretch with the most energy: a played passage, not an onset next to silence.
fn loudest_stretch(signal: &[f32], len: usize) -> usize {
    let mut energy: f64 = signal[..len].iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    let (mut best, mut best_energy) = (0, energy);
    for start in 1..=signal.len() - len {
        energy += f64::from(signal[start + len - 1]).powi(2) - f64::from(signal[start - 1]).powi(2);
        if energy > best_energy {
            (best, best_energy) = (start, energy);
        }
    }
    best
}

fn first_esr(result: &ModelResult) -> Option<f32> {
    result.songs.first()?.esr(EsrMode::Windowed)
}
