//! A killed training run resumes from its last checkpoint and ends exactly where an uninterrupted one ends.

use std::cell::Cell;

use blackbox_trainer::dataset::{GainRecordings, Song, TrainSize, WindowConfig, WindowedDataset};
use blackbox_trainer::model::{StudyLstm, StudyLstmConfig};
use blackbox_trainer::training::{
    Checkpoint, EpochMetrics, EpochRunner, FitConfig, LrSchedule, TrainError, WindowedRunner, epoch_seed, fit, training_device,
};
use burn::optim::ModuleOptimizer;
use indicatif::ProgressBar;

fn recordings() -> GainRecordings {
    let n = 40_000;
    let dry: Vec<f32> = (0..n).map(|i| 0.4 * ((i as f32) * 0.031).sin() * ((i as f32) * 0.0007).cos()).collect();
    let wet = dry.iter().map(|x| (3.0 * x).tanh() * 0.5).collect();
    GainRecordings {
        dir: "memory".into(),
        songs: vec![Song { name: "sine".into(), dry, wet, comment: None, rate: 44_100 }],
        warnings: vec![],
    }
}

fn windows(train: usize) -> WindowedDataset {
    WindowedDataset::from_recordings(&recordings(), &WindowConfig { ctx: 16, train: TrainSize::Windows(train), seed: 25 })
        .unwrap()
}

fn runner(data: &WindowedDataset, validation_batches: usize) -> WindowedRunner<'_> {
    WindowedRunner {
        train: data.train(),
        validation: data.validation(),
        validation_batches: Some(validation_batches),
        batch_size: 64,
        device: training_device(),
    }
}

fn config(hidden: usize, max_epochs: usize, seed: u64) -> FitConfig {
    FitConfig {
        name: format!("model_Low_{hidden}_0.01_16_0"),
        model: StudyLstmConfig { input_size: 1, hidden_size: hidden },
        learning_rate: 0.01,
        schedule: LrSchedule::Constant,
        max_epochs,
        patience: 15,
        seed,
    }
}

/// Fails the epoch whose batch order is drawn from `fail_seed`, once: a process killed mid-epoch.
struct KilledAt<'a> {
    inner: WindowedRunner<'a>,
    fail_seed: Cell<Option<u64>>,
}

impl EpochRunner for KilledAt<'_> {
    fn batches_per_epoch(&self) -> usize {
        self.inner.batches_per_epoch()
    }

    fn train_epoch(
        &self,
        model: StudyLstm,
        optimizer: &mut ModuleOptimizer,
        learning_rate: f64,
        seed: u64,
        progress: &ProgressBar,
    ) -> Result<(StudyLstm, EpochMetrics), TrainError> {
        if self.fail_seed.get() == Some(seed) {
            self.fail_seed.set(None);
            return Err(TrainError::Optimizer("killed".into()));
        }
        self.inner.train_epoch(model, optimizer, learning_rate, seed, progress)
    }

    fn validate(&self, model: &StudyLstm) -> Result<EpochMetrics, TrainError> {
        self.inner.validate(model)
    }
}

#[test]
fn a_resumed_run_matches_an_uninterrupted_one_bit_for_bit() {
    let data = windows(1_500);
    let make_runner = || runner(&data, 8);
    let config = config(8, 4, 25);
    let dir = tempfile::tempdir().unwrap();
    let quiet = ProgressBar::hidden();

    let straight = fit(&make_runner(), &config, &dir.path().join("a.ckpt"), &quiet).unwrap();

    let killed = KilledAt { inner: make_runner(), fail_seed: Cell::new(Some(epoch_seed(25, 2))) };
    let path = dir.path().join("b.ckpt");
    assert!(fit(&killed, &config, &path, &quiet).is_err(), "the run dies in its third epoch");
    let saved = Checkpoint::load(&path).unwrap().expect("a checkpoint was written");
    assert_eq!(saved.epochs_done, 2, "the two finished epochs are kept");
    let resumed = fit(&killed, &config, &path, &quiet).unwrap();

    assert_eq!(resumed.epochs_run, 4);
    assert_eq!(resumed.history, straight.history);
    assert_eq!(resumed.weights, straight.weights, "weights, Adam moments and batch order all resumed exactly");
    assert!(straight.history.loss.last() < straight.history.loss.first(), "training reduces the loss");
}

#[test]
fn a_finished_checkpoint_is_not_trained_again() {
    let data = windows(500);
    let runner = runner(&data, 2);
    let config = config(4, 2, 7);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.ckpt");
    let first = fit(&runner, &config, &path, &ProgressBar::hidden()).unwrap();
    let never = KilledAt { inner: runner, fail_seed: Cell::new(Some(epoch_seed(7, 0))) };
    let again = fit(&never, &config, &path, &ProgressBar::hidden()).expect("no epoch runs again");
    assert_eq!(again.weights, first.weights);
}
