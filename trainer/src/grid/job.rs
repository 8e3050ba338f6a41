//! One model's job: train (by either method), evaluate on the test takes, export the `.bbx`, its history and
//! its result. The grid's cells, the gain-conditioned model and the TS9 check all run through here.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use blackbox_engine::model::{Gain, ModelFile, ModelMetadata, Provenance, TrainingMethod, TrainingRecipe};
use indicatif::ProgressBar;

use super::store::{GridStore, write_json_atomic};
use super::GridCell;
use crate::audio::wav::write_mono_24;
use crate::dataset::{
    BATCH_SIZE, GainRecordings, SAMPLE_RATE, SEGMENT_SAMPLES, SegmentConfig, SegmentSource, SegmentedDataset, Song,
    TrainSize, WARMUP_SAMPLES, WindowConfig, WindowedDataset,
};
use crate::evaluate::{SongEvaluation, evaluate_song};
use crate::model::StudyLstmConfig;
use crate::report::{self, ModelResult, SongResult, TestFigures};
use crate::training::{
    FitConfig, FitOutcome, LrSchedule, SEGMENTS_PER_BATCH, StreamingRunner, WindowedRunner, fit, training_device,
};

/// Settings shared by every model of one run.
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// The effect and experiment the models' metadata name ("SD-1" / "DS340").
    pub effect: String,
    pub experiment: String,
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
    pub train: GainRecordings,
    pub test: Vec<Song>,
    pub provenance: Provenance,
}

/// What a model learnt from and the knobs it takes (none for a model of one setting).
pub struct Origin<'a> {
    pub provenance: &'a Provenance,
    pub knobs: &'a [String],
}

/// A test take and the conditioning input it is played with (empty for a fixed-gain model).
pub struct TestTake<'a> {
    pub name: String,
    pub song: &'a Song,
    pub conditioning: Vec<f32>,
}

/// Trains, evaluates and exports one grid cell; resumes from its checkpoint if one exists.
pub fn run_cell(
    cell: &GridCell,
    data: &GainData,
    settings: &JobSettings,
    store: &GridStore,
    progress: &ProgressBar,
) -> anyhow::Result<ModelResult> {
    let config = fit_config(cell, 1, settings, store);
    let checkpoint = store.checkpoint_path(cell);
    let window_config = WindowConfig { ctx: cell.ctx, train: settings.train_size, seed: settings.seed };
    let outcome = match settings.method {
        TrainingMethod::Windowed => fit_windowed(&data.train, &window_config, settings, &config, &checkpoint, progress),
        TrainingMethod::Streaming => {
            let sources = data
                .train
                .songs
                .iter()
                .map(|song| SegmentSource { dry: song.dry.clone(), wet: song.wet.clone(), conditioning: Vec::new() })
                .collect();
            let total = data.train.total_samples();
            fit_streaming(sources, total, &window_config, settings, &config, &checkpoint, progress)
        }
    }
    .with_context(|| format!("training {}", config.name))?;
    let tests: Vec<TestTake> =
        data.test.iter().map(|song| TestTake { name: song.name.clone(), song, conditioning: Vec::new() }).collect();
    let origin = Origin { provenance: &data.provenance, knobs: &[] };
    export_model(cell, outcome, &tests, &origin, settings, store, progress)
}

/// The cell's training settings; each cell draws its own initial weights, reproducibly from the run's seed.
pub fn fit_config(cell: &GridCell, input_size: usize, settings: &JobSettings, store: &GridStore) -> FitConfig {
    FitConfig {
        name: store.stem(cell),
        model: StudyLstmConfig { input_size, hidden_size: cell.units },
        learning_rate: cell.learning_rate,
        // The study's rate, held.
        schedule: LrSchedule::Constant,
        max_epochs: settings.max_epochs,
        patience: settings.patience,
        seed: settings.seed * 1000 + cell.number as u64,
    }
}

/// The study's method: windows from zero state, each predicting its last wet sample.
pub fn fit_windowed(
    recordings: &GainRecordings,
    windows: &WindowConfig,
    settings: &JobSettings,
    config: &FitConfig,
    checkpoint: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<FitOutcome> {
    let dataset = WindowedDataset::from_recordings(recordings, windows)?;
    let runner = WindowedRunner {
        train: dataset.train(),
        validation: dataset.validation(),
        validation_batches: settings.validation_windows.map(|n| n.div_ceil(BATCH_SIZE)),
        batch_size: BATCH_SIZE,
        device: training_device(),
    };
    Ok(fit(&runner, config, checkpoint, progress)?)
}

/// Streaming training on `sources`, truncated every ctx steps. It trains on the share of the audio that the
/// study's windows at this ctx would (`settings.train_size` out of `samples_per_gain / ctx` windows), so both
/// methods learn from the same amount of a gain's recordings, and validates on at most `--validation-windows`
/// worth of audio.
pub fn fit_streaming(
    sources: Vec<SegmentSource>,
    samples_per_gain: usize,
    windows: &WindowConfig,
    settings: &JobSettings,
    config: &FitConfig,
    checkpoint: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<FitOutcome> {
    let available = samples_per_gain / windows.ctx.max(1);
    let train_fraction = windows.train.train_fraction(available).with_context(|| {
        format!("{:?} leaves no validation out of the {available} windows of {} samples", windows.train, windows.ctx)
    })?;
    let segment_config =
        SegmentConfig { segment: SEGMENT_SAMPLES, warmup: WARMUP_SAMPLES, train_fraction, seed: windows.seed };
    let mut segments = SegmentedDataset::new(sources, &segment_config)?;
    if let Some(cap) = settings.validation_windows {
        segments.cap_validation((cap * windows.ctx).div_ceil(SEGMENT_SAMPLES));
    }
    let runner = StreamingRunner {
        data: &segments,
        batch_size: SEGMENTS_PER_BATCH,
        truncation: windows.ctx,
        device: training_device(),
    };
    Ok(fit(&runner, config, checkpoint, progress)?)
}

/// Scores the trained weights on every test take, writes the predictions (if asked), the `.bbx`, its history
/// and, last, its result (whose presence marks the model finished), and drops the checkpoint.
pub fn export_model(
    cell: &GridCell,
    outcome: FitOutcome,
    tests: &[TestTake],
    origin: &Origin,
    settings: &JobSettings,
    store: &GridStore,
    progress: &ProgressBar,
) -> anyhow::Result<ModelResult> {
    let provenance = origin.provenance;
    let stem = store.stem(cell);
    // The recordings' own rate; `load_gains` has checked that training and test takes share it.
    let sample_rate = tests.first().map_or(SAMPLE_RATE, |t| t.song.rate);
    progress.set_message(format!("{stem}: evaluating on {} test takes", tests.len()));
    let evaluation_started = Instant::now();
    let evaluations: Vec<SongEvaluation> = tests
        .iter()
        .map(|t| {
            let song = t.song;
            evaluate_song(&outcome.weights, cell.ctx, &t.name, &song.dry, &song.wet, &t.conditioning, settings.eval_threads)
        })
        .collect();
    let evaluation_seconds = evaluation_started.elapsed().as_secs_f64();
    let writing_started = Instant::now();
    if let Some(dir) = &settings.predictions {
        write_predictions(&dir.join(&stem), &evaluations, provenance, sample_rate)?;
    }
    let songs: Vec<SongResult> = evaluations
        .iter()
        .zip(tests)
        .map(|(e, t)| SongResult {
            song: e.song.clone(),
            windowed: Some(e.windowed),
            study_esr: Some(e.study_esr as f32).filter(|v| v.is_finite()),
            streaming: Some(e.streaming),
            one_sample_shift_esr: report::one_sample_shift_esr(&t.song.wet).map(|v| v as f32),
        })
        .collect();

    let trained = outcome.figures(&songs);
    let file = ModelFile {
        metadata: ModelMetadata {
            name: stem.clone(),
            effect: settings.effect.clone(),
            experiment: settings.experiment.clone(),
            model_number: (cell.gain != Gain::Conditioned).then_some(cell.number as u32),
            gain: cell.gain,
            context: cell.ctx as u32,
            hidden_size: cell.units as u32,
            learning_rate: cell.learning_rate,
            method: settings.method,
            sample_rate,
            provenance: provenance.clone(),
            epochs_run: trained.epochs_run,
            best_validation_esr: trained.best_validation_esr,
            train_seconds: trained.train_seconds,
            test_scores: trained.test_scores,
            written_by: trained.written_by,
            knobs: origin.knobs.to_vec(),
            recipe: Some(recipe(settings)),
        },
        weights: outcome.weights,
    };
    file.save(&store.model_path(cell))?;
    write_json_atomic(&store.history_path(cell), &outcome.history)?;
    let figures = TestFigures { songs };
    write_json_atomic(&store.result_path(cell), &figures)?;
    std::fs::remove_file(store.checkpoint_path(cell)).ok();
    // Where a cell's time goes after training, for whoever profiles a grid from its log.
    let line = format!(
        "{stem}: evaluated on {} test takes in {evaluation_seconds:.1} s, files written in {:.1} s",
        tests.len(),
        writing_started.elapsed().as_secs_f64()
    );
    if progress.is_hidden() { eprintln!("{line}") } else { progress.println(line) }
    Ok(ModelResult { metadata: file.metadata, history: outcome.history, songs: figures.songs })
}

fn recipe(settings: &JobSettings) -> TrainingRecipe {
    let (batch_size, unit) = match settings.method {
        TrainingMethod::Windowed => (BATCH_SIZE, "windows"),
        TrainingMethod::Streaming => (SEGMENTS_PER_BATCH, "1 s segments"),
    };
    let validation = match settings.validation_windows {
        Some(cap) => format!(", validating on at most {cap} windows' worth"),
        None => String::new(),
    };
    TrainingRecipe {
        seed: settings.seed,
        max_epochs: settings.max_epochs as u32,
        patience: settings.patience as u32,
        batch_size: batch_size as u32,
        training_share: format!("{} (in {unit}){validation}", settings.train_size.describe()),
    }
}

fn write_predictions(
    dir: &Path,
    evaluations: &[SongEvaluation],
    provenance: &Provenance,
    sample_rate: u32,
) -> anyhow::Result<()> {
    let label = format!("BlackBox prediction; model trained on {}", provenance.summary());
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for e in evaluations {
        for (mode, samples) in [("windowed", &e.windowed_prediction), ("streaming", &e.streaming_prediction)] {
            let path = dir.join(format!("{}_{mode}.wav", e.song));
            write_mono_24(&path, sample_rate, samples, Some(&label))?;
        }
    }
    Ok(())
}
