use std::path::Path;
use std::time::Instant;

use blackbox_engine::model::{LstmWeights, SongScore};
use burn::module::Module;
use burn::optim::{AdamConfig, ModuleOptimizer};
use burn::tensor::{Bytes, Device};
use indicatif::ProgressBar;

use super::checkpoint::Checkpoint;
use super::early_stopping::{EarlyStopping, Verdict};
use super::loss::EpochMetrics;
use super::TrainError;
use crate::model::{StudyLstm, StudyLstmConfig};
use crate::report::SongResult;
use super::History;
use super::schedule::LrSchedule;

/// One model's training settings.
#[derive(Clone, Debug)]
pub struct FitConfig {
    /// The model's study name; it keys the checkpoint.
    pub name: String,
    pub model: StudyLstmConfig,
    /// The starting rate; `schedule` moves it from there.
    pub learning_rate: f64,
    pub schedule: LrSchedule,
    pub max_epochs: usize,
    pub patience: usize,
    /// Seeds the initial weights and every epoch's batch order.
    pub seed: u64,
}

/// What one training epoch and one validation pass mean: windows from zero state (the study) or carried-state
/// segments (streaming). The loop around them — early stopping, checkpoints, history — is shared.
pub trait EpochRunner {
    fn batches_per_epoch(&self) -> usize;
    /// One pass over the training data in the order drawn from `epoch_seed`, one optimizer step per batch.
    fn train_epoch(
        &self,
        model: StudyLstm,
        optimizer: &mut ModuleOptimizer,
        learning_rate: f64,
        epoch_seed: u64,
        progress: &ProgressBar,
    ) -> Result<(StudyLstm, EpochMetrics), TrainError>;
    /// Loss and metrics on the validation data, forward only (`model` is already off the autodiff graph).
    fn validate(&self, model: &StudyLstm) -> Result<EpochMetrics, TrainError>;
}

/// A trained model: the weights of the best validation epoch and how it got there.
#[derive(Clone, Debug)]
pub struct FitOutcome {
    pub weights: LstmWeights,
    pub history: History,
    pub epochs_run: usize,
    pub best_validation_esr: f32,
    pub train_seconds: f64,
}

/// What a finished run adds to its model's description, by one rule for every road that trains (a grid cell, a
/// capture): a validation ESR that never became finite is left out, as the model file takes finite figures only.
pub struct TrainedFigures {
    pub epochs_run: u32,
    pub best_validation_esr: Option<f32>,
    pub train_seconds: Option<f32>,
    pub test_scores: Vec<SongScore>,
    pub written_by: String,
}

impl FitOutcome {
    /// This run's figures with the test results of its model, `songs`.
    pub fn figures(&self, songs: &[SongResult]) -> TrainedFigures {
        TrainedFigures {
            epochs_run: self.epochs_run as u32,
            best_validation_esr: Some(self.best_validation_esr).filter(|v| v.is_finite()),
            train_seconds: Some(self.train_seconds as f32),
            test_scores: songs.iter().map(SongResult::to_song_score).collect(),
            written_by: format!("blackbox-trainer {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The device the trainer trains on: flex, or ndarray with the `ndarray` feature (deprecated upstream, and
/// ~2x slower than flex here, but asked for on purpose).
#[cfg_attr(feature = "ndarray", allow(deprecated))]
pub fn training_device() -> Device {
    #[cfg(feature = "ndarray")]
    return Device::ndarray();
    #[cfg(not(feature = "ndarray"))]
    Device::flex()
}

fn adam() -> ModuleOptimizer {
    // Keras' Adam: betas 0.9 / 0.999 and epsilon 1e-7 (burn's default epsilon is 1e-5).
    AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-7).init()
}

/// The batch order of an epoch depends only on the seed and the epoch number, so a resumed run draws exactly
/// the batches an uninterrupted one would.
pub fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(epoch as u64)
}

/// Trains until early stopping or `max_epochs`, checkpointing after every epoch to `checkpoint_path` and
/// resuming from it when it exists. Returns the best epoch's weights.
pub fn fit(
    runner: &impl EpochRunner,
    config: &FitConfig,
    checkpoint_path: &Path,
    progress: &ProgressBar,
) -> Result<FitOutcome, TrainError> {
    let device = training_device().autodiff();
    let (mut model, mut optimizer, mut state) = match Checkpoint::load(checkpoint_path)? {
        Some(state) if state.name == config.name => {
            let model = StudyLstm::from_weights(&state.weights, &device)?;
            let record = burn::optim::OptimizerRecord::from_bytes(Bytes::from_bytes_vec(state.optimizer.clone()))
                .map_err(|e| TrainError::Optimizer(format!("{}: {e:?}", checkpoint_path.display())))?;
            (model, adam().load_record(record), state)
        }
        Some(other) => return Err(TrainError::ForeignCheckpoint { path: checkpoint_path.to_owned(), found: other.name }),
        None => {
            let model = config.model.init(config.seed, &device);
            let weights = model.to_weights()?;
            let state = Checkpoint {
                name: config.name.clone(),
                seed: config.seed,
                epochs_done: 0,
                history: History::default(),
                early_stopping: EarlyStopping::new(config.patience),
                train_seconds: 0.0,
                best_weights: weights.clone(),
                weights,
                optimizer: Vec::new(),
                finished: false,
            };
            (model, adam(), state)
        }
    };

    progress.set_length(runner.batches_per_epoch() as u64);
    while !state.finished && state.epochs_done < config.max_epochs {
        let epoch = state.epochs_done;
        progress.reset();
        progress.set_message(format!("epoch {}/{}", epoch + 1, config.max_epochs));
        let started = Instant::now();
        let learning_rate = config.schedule.rate(config.learning_rate, &state.history.val_loss);
        if config.schedule.cuts_before_next_epoch(config.learning_rate, &state.history.val_loss) {
            state.early_stopping.restart_wait();
        }
        let (trained, train) =
            runner.train_epoch(model, &mut optimizer, learning_rate, epoch_seed(config.seed, epoch), progress)?;
        model = trained;
        let validation_started = Instant::now();
        let validation = runner.validate(&model.valid())?;
        let validation_seconds = validation_started.elapsed().as_secs_f64();
        state.train_seconds += started.elapsed().as_secs_f64();

        let history = &mut state.history;
        history.loss.push(train.loss());
        history.mse.push(train.mse());
        history.mae.push(train.mae());
        history.val_loss.push(validation.loss());
        history.val_mse.push(validation.mse());
        history.val_mae.push(validation.mae());
        state.epochs_done += 1;

        match state.early_stopping.observe(epoch, validation.loss()) {
            Verdict::Diverged => state.finished = true,
            verdict => {
                state.weights = model.to_weights()?;
                if verdict == Verdict::Improved {
                    state.best_weights = state.weights.clone();
                }
                state.finished = verdict == Verdict::Stop;
            }
        }
        if progress.is_hidden() {
            // No bar to show the epoch on (a log file): one line per epoch instead.
            eprintln!(
                "{} epoch {}/{}: lr {learning_rate:.2e} loss {:.5} val_loss {:.5} ({:.1} s, validation {validation_seconds:.1} s)",
                config.name,
                epoch + 1,
                config.max_epochs,
                train.loss(),
                validation.loss(),
                started.elapsed().as_secs_f64()
            );
        }
        state.optimizer = optimizer
            .to_record()
            .into_bytes()
            .map_err(|e| TrainError::Optimizer(format!("{e:?}")))?
            .to_vec();
        state.save(checkpoint_path)?;
    }
    if !state.finished {
        state.finished = true;
        state.save(checkpoint_path)?;
    }
    let best_validation_esr = state.early_stopping.best().unwrap_or(f32::NAN);
    Ok(FitOutcome {
        weights: state.best_weights,
        epochs_run: state.epochs_done,
        history: state.history,
        best_validation_esr,
        train_seconds: state.train_seconds,
    })
}
