//! A real-world check on one recorded dry/wet pair (the Ibanez TS9 in `../shared/data/ts9`): train on the
//! first part of the take, test on the rest, by both methods, and write the same reports as a grid.
//!
//! The pair's drive setting is not part of the recording, so its models are filed under the study's "Mid" slot
//! (the cells Mid / ctx 88 / 96 units, numbers 22 and 23) and say "real recordings" with the pair's description.

use std::path::PathBuf;

use anyhow::Context;
use blackbox_engine::model::{Gain, Provenance, TrainingMethod};
use indicatif::ProgressBar;

use super::job::{GainData, JobSettings, run_cell};
use super::run::method_report_dir;
use super::store::GridStore;
use super::{GridCell, cells};
use crate::dataset::{GainRecordings, PairPaths, Song, load_pair};
use crate::report::{DataSource, GridInfo, ModelResult, write_grid_report, write_method_comparison};

/// One pair check.
#[derive(Clone, Debug)]
pub struct PairCheck {
    /// Holds `dry.wav` and `wet.wav`.
    pub pair_dir: PathBuf,
    /// e.g. "TS9".
    pub effect: String,
    /// What the recording is, for the models' metadata and the reports.
    pub description: String,
    /// The share of the take, from its start, that trains; the rest tests.
    pub train_share: f64,
    pub cells: Vec<GridCell>,
    pub methods: Vec<TrainingMethod>,
    pub models: PathBuf,
    pub reports: PathBuf,
    pub settings: JobSettings,
}

/// The cells of the check: ctx 88, 96 units, both of the study's learning rates.
pub fn pair_cells() -> Vec<GridCell> {
    cells().into_iter().filter(|c| c.gain == Gain::Mid && c.ctx == 88 && c.units == 96).collect()
}

/// The take cut in two at `share` of its length: (training, test).
pub fn split_take(song: Song, share: f64) -> anyhow::Result<(Song, Song)> {
    anyhow::ensure!(share > 0.0 && share < 1.0, "the training share {share} is outside (0, 1)");
    let cut = (song.len() as f64 * share).round() as usize;
    let part = |range: std::ops::Range<usize>, suffix: &str| Song {
        name: format!("{}_{suffix}", song.name),
        dry: song.dry[range.clone()].to_vec(),
        wet: song.wet[range].to_vec(),
        comment: song.comment.clone(),
        rate: song.rate,
    };
    Ok((part(0..cut, "first"), part(cut..song.len(), "last")))
}

/// Trains what is not finished yet and rewrites the reports; returns every finished result, by method.
pub fn run_pair_check(check: &PairCheck, progress: &ProgressBar) -> anyhow::Result<Vec<ModelResult>> {
    let pair = PairPaths {
        name: check.effect.clone(),
        dry: check.pair_dir.join("dry.wav"),
        wet: check.pair_dir.join("wet.wav"),
    };
    let (song, warning) = load_pair(&pair).with_context(|| format!("reading the pair in {}", check.pair_dir.display()))?;
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    let (train, test) = split_take(song, check.train_share)?;
    let provenance = Provenance::Recordings { description: check.description.clone() };
    let data = GainData {
        train: GainRecordings { dir: check.pair_dir.clone(), songs: vec![train], warnings: Vec::new() },
        test: vec![test],
        provenance: provenance.clone(),
    };

    let mut results = Vec::new();
    for &method in &check.methods {
        let store = GridStore::at(check.models.clone(), method);
        let settings = JobSettings { method, ..check.settings.clone() };
        for cell in &check.cells {
            let result = match store.finished(cell) {
                Some(result) => result,
                None => run_cell(cell, &data, &settings, &store, progress)?,
            };
            eprintln!("{}: streaming test ESR {:?}", result.metadata.name, result.songs.first().and_then(|s| s.streaming.map(|m| m.esr)));
            results.push(result);
        }
    }

    let grid = GridInfo {
        name: check.effect.to_lowercase(),
        effect: check.effect.clone(),
        experiment: "real pair".to_owned(),
        data: DataSource::from_provenance(&provenance),
    };
    let side = |method| results.iter().filter(|r| r.metadata.method == method).cloned().collect::<Vec<_>>();
    let (windowed, streaming) = (side(TrainingMethod::Windowed), side(TrainingMethod::Streaming));
    for (method, results) in [(TrainingMethod::Windowed, &windowed), (TrainingMethod::Streaming, &streaming)] {
        if !results.is_empty() {
            write_grid_report(&method_report_dir(&check.reports, method), &grid, results, None)?;
        }
    }
    if !windowed.is_empty() && !streaming.is_empty() {
        write_method_comparison(&check.reports, &grid, &windowed, &streaming)?;
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_take_is_cut_in_time_order_and_nothing_is_lost() {
        let song = Song { name: "ts9".into(), dry: (0..10).map(|i| i as f32).collect(), wet: vec![0.5; 10], comment: None, rate: 44_100 };
        let (train, test) = split_take(song, 0.8).unwrap();
        assert_eq!(train.dry, (0..8).map(|i| i as f32).collect::<Vec<_>>());
        assert_eq!(test.dry, vec![8.0, 9.0]);
        assert_eq!((train.name.as_str(), test.name.as_str()), ("ts9_first", "ts9_last"));
        assert_eq!(pair_cells().iter().map(|c| c.number).collect::<Vec<_>>(), vec![22, 23]);
    }
}
