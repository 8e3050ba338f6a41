use std::path::PathBuf;

use anyhow::Context;
use blackbox_engine::model::{ModelFile, ModelMetadata, Provenance, TrainingMethod};
use indicatif::ProgressBar;

use super::store::{GridStore, write_json_atomic};
use super::GridCell;
use crate::audio::wav::write_mono_24;
use crate::dataset::{BATCH_SIZE, Grid, SAMPLE_RATE, Song, TrainSize, WindowConfig, WindowedDataset};
use crate::evaluate::{SongEvaluation, evaluate_song};
use crate::model::StudyLstmConfig;
use crate::report::{self, ModelResult, SongResult};
use crate::training::{FitConfig, WindowedRunner, fit, training_device};

/// Settings shared by every model of one grid run.
#[derive(Clone, Debug)]
pub struct JobSettings {
    pub grid: Grid,
    pub method: TrainingMethod,
    pub train_size: TrainSize,
    /// Validation windows per epoch; `None` keeps every window not used for training, as the study did.
    pub validation_windows: Option<usize>,
    pub max_epochs: usize,
    pub patience: usize,
    /// The study's random state: seeds the split, the initial weights and the batch order.
    pub seed: u64,
    /// Threads for the windowed evaluation of one model.
    pub eval_threads: usize,
    /// Where predicted test WAVs go (`<dir>/<model>/<song>_<mode>.wav`); `None` writes none.
    pub predictions: Option<PathBuf>,
}

/// The recordings one gain's models learn from and are tested on.
pub struct GainData {
    pub train: crate::dataset::GainRecordings,
    pub test: Vec<Song>,
    pub provenance: Provenance,
}

/// Trains, evaluates and exports one grid cell; resumes from its checkpoint if one exists.
pub fn run_cell(
    cell: &GridCell,
    data: &GainData,
    settings: &JobSettings,
    store: &GridStore,
    progress: &ProgressBar,
) -> anyhow::Result<ModelResult> {
    let stem = store.stem(cell);
    let windows = WindowedDataset::from_recordings(
        &data.train,
        &WindowConfig { ctx: cell.ctx, train: settings.train_size, seed: settings.seed },
    )?;
    let validation = windows.validation();
    let runner = WindowedRunner {
        train: windows.train(),
        validation,
        validation_batches: settings.validation_windows.map(|n| n.div_ceil(BATCH_SIZE)),
        batch_size: BATCH_SIZE,
        device: training_device(),
    };
    let config = FitConfig {
        name: stem.clone(),
        model: StudyLstmConfig { input_size: 1, hidden_size: cell.units },
        learning_rate: cell.learning_rate,
        max_epochs: settings.max_epochs,
        patience: settings.patience,
        // Each cell draws its own initial weights, reproducibly from the study's random state.
        seed: settings.seed * 1000 + cell.number as u64,
    };
    let outcome = fit(&runner, &config, &store.checkpoint_path(cell), progress)
        .with_context(|| format!("training {stem}"))?;

    progress.set_message(format!("{stem}: evaluating on {} test songs", data.test.len()));
    let evaluations: Vec<SongEvaluation> = data
        .test
        .iter()
        .map(|song| evaluate_song(&outcome.weights, cell.ctx, &song.name, &song.dry, &song.wet, &[], settings.eval_threads))
        .collect();
    if let Some(dir) = &settings.predictions {
        write_predictions(&dir.join(&stem), &evaluations, &data.provenance)?;
    }
    let songs: Vec<SongResult> = evaluations
        .iter()
        .zip(&data.test)
        .map(|(e, song)| SongResult {
            song: e.song.clone(),
            windowed: Some(metrics(&e.windowed)),
            study_esr: Some(e.study_esr as f32).filter(|v| v.is_finite()),
            streaming: Some(metrics(&e.streaming)),
            one_sample_shift_esr: report::one_sample_shift_esr(&song.wet).map(|v| v as f32),
        })
        .collect();

    let result = ModelResult {
        number: cell.number as u32,
        name: stem.clone(),
        gain: cell.gain,
        units: cell.units as u32,
        lr: cell.learning_rate,
        ctx: cell.ctx as u32,
        method: settings.method,
        epochs_run: outcome.epochs_run as u32,
        best_val_esr: Some(outcome.best_validation_esr).filter(|v| v.is_finite()),
        train_seconds: Some(outcome.train_seconds as f32),
        history: outcome.history.clone(),
        songs,
    };
    let file = ModelFile {
        metadata: ModelMetadata {
            name: stem.clone(),
            effect: settings.grid.effect().to_owned(),
            experiment: settings.grid.experiment().to_owned(),
            model_number: Some(cell.number as u32),
            gain: cell.gain,
            context: cell.ctx as u32,
            hidden_size: cell.units as u32,
            learning_rate: cell.learning_rate,
            method: settings.method,
            sample_rate: SAMPLE_RATE,
            provenance: data.provenance.clone(),
            epochs_run: outcome.epochs_run as u32,
            best_validation_esr: result.best_val_esr,
            train_seconds: result.train_seconds,
            test_scores: result.songs.iter().map(SongResult::to_song_score).collect(),
            written_by: format!("blackbox-trainer {}", env!("CARGO_PKG_VERSION")),
        },
        weights: outcome.weights,
    };
    file.save(&store.model_path(cell))?;
    write_json_atomic(&store.history_path(cell), &result.history)?;
    // The result goes last: its presence is what marks the model finished.
    write_json_atomic(&store.result_path(cell), &result)?;
    std::fs::remove_file(store.checkpoint_path(cell)).ok();
    Ok(result)
}

fn metrics(m: &blackbox_engine::metrics::Metrics) -> report::Metrics {
    report::Metrics { esr: m.esr as f32, mse: m.mse as f32, mae: m.mae as f32 }
}

fn write_predictions(dir: &std::path::Path, evaluations: &[SongEvaluation], provenance: &Provenance) -> anyhow::Result<()> {
    let label = format!("BlackBox prediction; model trained on {}", provenance.summary());
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for e in evaluations {
        for (mode, samples) in [("windowed", &e.windowed_prediction), ("streaming", &e.streaming_prediction)] {
            let path = dir.join(format!("{}_{mode}.wav", e.song));
            write_mono_24(&path, SAMPLE_RATE, samples, Some(&label))?;
        }
    }
    Ok(())
}
