use blackbox_engine::model::ModelFile;
use blackbox_engine::windowed::predict_windows;

use super::store::GridStore;
use super::GridCell;
use crate::dataset::{SAMPLE_RATE, Song};
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
    let cell = cells.iter().find(|c| c.number as u32 == best.number)?;
    let model = ModelFile::load(&store.model_path(cell)).ok()?;
    let song = test_songs(cell)?;
    let ctx = cell.ctx;
    if song.dry.len() < EXCERPT_SAMPLES + ctx {
        return None;
    }
    let loudest = song.wet.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))?.0;
    let start = loudest.saturating_sub(EXCERPT_SAMPLES / 2).clamp(ctx, song.dry.len() - EXCERPT_SAMPLES);
    let end = start + EXCERPT_SAMPLES;
    // The windows ending at start..end need ctx - 1 samples of history before `start`.
    let predicted = predict_windows(&model.weights, ctx, &song.dry[start + 1 - ctx..end], &[], 1);
    Some(WaveformExcerpt {
        song: song.name.clone(),
        model_name: best.name.clone(),
        start_sample: start as u64,
        sample_rate: SAMPLE_RATE,
        dry: song.dry[start..end].to_vec(),
        wet: song.wet[start..end].to_vec(),
        predicted,
    })
}

fn first_esr(result: &ModelResult) -> Option<f32> {
    result.songs.first()?.esr(EsrMode::Windowed)
}
