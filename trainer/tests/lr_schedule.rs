//! The training loop hands each epoch the rate its schedule gives, and a resumed run picks the schedule up where
//! the killed one left it.

use std::cell::{Cell, RefCell};

use blackbox_trainer::model::{StudyLstm, StudyLstmConfig};
use blackbox_trainer::training::{EpochMetrics, EpochRunner, FitConfig, LrSchedule, TrainError, fit};
use burn::optim::ModuleOptimizer;
use indicatif::ProgressBar;

/// Validation losses read from a script instead of a model; records the rate of every epoch it trains.
struct Scripted {
    validation: Vec<f32>,
    validated: Cell<usize>,
    rates: RefCell<Vec<f64>>,
    /// Fails this epoch (0-based), once: a process killed mid-epoch.
    kill_at: Cell<Option<usize>>,
}

impl Scripted {
    fn new(validation: Vec<f32>, kill_at: Option<usize>) -> Self {
        Scripted { validation, validated: Cell::new(0), rates: RefCell::new(Vec::new()), kill_at: Cell::new(kill_at) }
    }
}

impl EpochRunner for Scripted {
    fn batches_per_epoch(&self) -> usize {
        1
    }

    fn train_epoch(
        &self,
        model: StudyLstm,
        _optimizer: &mut ModuleOptimizer,
        learning_rate: f64,
        _epoch_seed: u64,
        _progress: &ProgressBar,
    ) -> Result<(StudyLstm, EpochMetrics), TrainError> {
        if self.kill_at.get() == Some(self.validated.get()) {
            self.kill_at.set(None);
            return Err(TrainError::Optimizer("killed".into()));
        }
        self.rates.borrow_mut().push(learning_rate);
        let mut metrics = EpochMetrics::default();
        metrics.add_batch(1.0, &[0.0], &[0.0]);
        Ok((model, metrics))
    }

    fn validate(&self, _model: &StudyLstm) -> Result<EpochMetrics, TrainError> {
        let epoch = self.validated.get();
        self.validated.set(epoch + 1);
        let mut metrics = EpochMetrics::default();
        metrics.add_batch(self.validation[epoch], &[0.0], &[0.0]);
        Ok(metrics)
    }
}

fn config(schedule: LrSchedule, max_epochs: usize) -> FitConfig {
    FitConfig {
        name: "scripted".into(),
        model: StudyLstmConfig { input_size: 1, hidden_size: 2 },
        learning_rate: 0.01,
        schedule,
        max_epochs,
        patience: 15,
        seed: 3,
    }
}

const PLATEAU: LrSchedule = LrSchedule::Plateau { factor: 0.5, patience: 2, floor: 1e-5 };

/// Improves twice, then stalls: a cut after every two stalled epochs.
fn script() -> Vec<f32> {
    vec![1.0, 0.5, 0.6, 0.7, 0.6, 0.6, 0.7, 0.4]
}

#[test]
fn each_epoch_trains_at_the_rate_its_schedule_gives() {
    let dir = tempfile::tempdir().unwrap();
    let runner = Scripted::new(script(), None);
    fit(&runner, &config(PLATEAU, 8), &dir.path().join("a.ckpt"), &ProgressBar::hidden()).unwrap();
    assert_eq!(*runner.rates.borrow(), [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]);

    let held = Scripted::new(script(), None);
    fit(&held, &config(LrSchedule::Constant, 8), &dir.path().join("b.ckpt"), &ProgressBar::hidden()).unwrap();
    assert_eq!(*held.rates.borrow(), [0.01; 8]);
}

#[test]
fn a_resumed_run_continues_at_the_rate_it_had_reached() {
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("resumed.ckpt");
    // Killed in epoch 6, after one cut; the second process validates from epoch 6 on.
    let first = Scripted::new(script(), Some(6));
    assert!(fit(&first, &config(PLATEAU, 8), &checkpoint, &ProgressBar::hidden()).is_err());
    let second = Scripted::new(script(), None);
    second.validated.set(6);
    fit(&second, &config(PLATEAU, 8), &checkpoint, &ProgressBar::hidden()).unwrap();
    let rates: Vec<f64> = first.rates.borrow().iter().chain(second.rates.borrow().iter()).copied().collect();
    assert_eq!(rates, [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025]);
}

#[test]
fn a_plateau_cut_gives_the_lowered_rate_the_whole_patience() {
    let dir = tempfile::tempdir().unwrap();
    // One improvement, then a stall that no rate ends.
    let mut validation = vec![1.0];
    validation.resize(50, 2.0);
    let runner = Scripted::new(validation, None);
    let config = FitConfig { patience: 3, ..config(PLATEAU, 50) };
    let outcome = fit(&runner, &config, &dir.path().join("stall.ckpt"), &ProgressBar::hidden()).unwrap();
    // Cuts before epochs 3, 5, ..., 21 (the tenth reaches the floor) each restart the count of 3; held at the
    // floor, epochs 21 to 23 stall and end the run. Without the restart it would end after epoch 3.
    assert_eq!(outcome.epochs_run, 24);
    let rates = runner.rates.borrow();
    assert_eq!(rates[2..4], [0.01, 0.005]);
    assert_eq!(*rates.last().unwrap(), 1e-5);
}
