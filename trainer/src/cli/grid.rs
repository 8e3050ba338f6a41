//! `trainer --grid NAME [...]`: the study's 36-model grid on a data folder in its layout.

use blackbox_engine::model::TrainingMethod;

use super::device::DeviceArgs;
use super::folders::{GridDirs, GridFolders};
use crate::dataset::{STUDY_SPLIT_SEED, STUDY_TRAIN_WINDOWS, TrainSize};
use crate::grid::{
    ConditionedRun, GridCell, GridRun, JobSettings, cells_for, model_progress_bar, run_conditioned, run_grid,
};

/// Cells a `--quick` run trains: the three cheapest (ctx 44), both learning rates and both sizes.
const QUICK_CELLS: [usize; 3] = [0, 1, 2];
const QUICK_EPOCHS: usize = 2;
const QUICK_TRAIN_WINDOWS: usize = 4_000;
const QUICK_VALIDATION_WINDOWS: usize = 2_000;
pub(super) const QUICK_TEST_SECONDS: f64 = 1.5;
/// The study's early-stopping patience.
const PATIENCE: usize = 15;

#[derive(Debug, clap::Args)]
pub struct GridArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    #[command(flatten)]
    pub folders: GridFolders,
    /// How to train: `windowed` (the study's isolated windows from zero state) or `streaming` (1 s segments with
    /// the state carried, truncated BPTT every ctx steps, pre-emphasised ESR + DC loss). Streaming models are saved
    /// beside the windowed ones with a `_streaming` suffix, and their grid report goes to <reports>/streaming.
    #[arg(long, value_enum, default_value_t = Method::Windowed)]
    pub method: Method,
    /// Train the conditioned model instead of grid cells: one LSTM with the knobs as extra inputs (the study's
    /// gain knob, or the knobs of settings.toml), trained by streaming on every setting's recordings together;
    /// its report goes to <reports>/conditioned.
    #[arg(long)]
    pub conditioned: bool,
    /// The conditioned model's context (its truncation length).
    #[arg(long, default_value_t = 88, requires = "conditioned")]
    pub ctx: usize,
    /// The conditioned model's LSTM units.
    #[arg(long, default_value_t = 64, requires = "conditioned")]
    pub units: usize,
    /// The conditioned model's learning rate.
    #[arg(long, default_value_t = 0.01, requires = "conditioned")]
    pub lr: f64,
    /// Train only these model numbers (0-35 for three settings, in the study's order), e.g. --only 0,1,35.
    #[arg(long, value_delimiter = ',')]
    pub only: Option<Vec<usize>>,
    /// Maximum epochs per model. Default: the study's (100 for ds340, 200 for ultragain; 100 for other devices).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Training windows per setting (the study kept 74,862 for every ctx); the rest validate.
    #[arg(long)]
    pub train_windows: Option<usize>,
    /// Validate on at most this many windows per epoch (default: all that are not training windows).
    #[arg(long)]
    pub validation_windows: Option<usize>,
    /// Resample every take offline to this rate (e.g. 48000) and train the models at it; default: the
    /// recordings' own rate.
    #[arg(long)]
    pub rate: Option<u32>,
    /// Models trained at once, one thread each.
    #[arg(long, default_value_t = 2)]
    pub jobs: usize,
    /// A smoke test: three models, two epochs, a few thousand windows, 1.5 s of each test song.
    #[arg(long)]
    pub quick: bool,
    /// Skip writing predicted test WAVs (they take ~1.6 GB for a full grid).
    #[arg(long)]
    pub no_predictions: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    Windowed,
    Streaming,
}

impl From<Method> for TrainingMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::Windowed => TrainingMethod::Windowed,
            Method::Streaming => TrainingMethod::Streaming,
        }
    }
}

pub fn run(args: GridArgs) -> anyhow::Result<()> {
    let device = args.device.device()?;
    let quick = args.quick;
    let GridDirs { data, models, reports } = args.folders.resolve(&device, quick)?;
    let all = cells_for(&device.settings(&data)?);
    let selected: Vec<GridCell> = match (&args.only, quick) {
        (Some(only), _) => {
            if let Some(bad) = only.iter().find(|&&n| n >= all.len()) {
                anyhow::bail!("--only {bad}: model numbers run from 0 to {}", all.len() - 1);
            }
            all.iter().filter(|c| only.contains(&c.number)).copied().collect()
        }
        (None, true) => QUICK_CELLS.iter().filter_map(|&n| all.get(n).copied()).collect(),
        (None, false) => all.clone(),
    };
    let train_windows = args.train_windows.unwrap_or(if quick { QUICK_TRAIN_WINDOWS } else { STUDY_TRAIN_WINDOWS });
    let validation_windows = args.validation_windows.or(quick.then_some(QUICK_VALIDATION_WINDOWS));
    let settings = JobSettings {
        effect: device.effect.clone(),
        experiment: device.experiment.clone(),
        method: args.method.into(),
        // An explicit --train-windows is held to; the study's default gives way to 80 / 20 on short recordings.
        train_size: match args.train_windows {
            Some(windows) => TrainSize::Windows(windows),
            None => TrainSize::WindowsOrFraction { windows: train_windows, fraction: 0.2 },
        },
        validation_windows,
        max_epochs: args.epochs.unwrap_or(if quick { QUICK_EPOCHS } else { device.max_epochs() }),
        patience: PATIENCE,
        seed: STUDY_SPLIT_SEED,
        eval_threads: std::thread::available_parallelism().map_or(1, |n| n.get()).div_ceil(args.jobs.max(1)),
        predictions: (!args.no_predictions).then(|| reports.join("predictions")),
    };
    let test_seconds = quick.then_some(QUICK_TEST_SECONDS);
    if args.conditioned {
        let run = ConditionedRun {
            device,
            data,
            models,
            reports,
            ctx: args.ctx,
            units: args.units,
            learning_rate: args.lr,
            settings: JobSettings { eval_threads: std::thread::available_parallelism().map_or(1, |n| n.get()), ..settings },
            test_seconds,
            rate: args.rate,
        };
        let bar = model_progress_bar();
        let (result, files) = run_conditioned(&run, &bar)?;
        bar.finish_and_clear();
        println!("{}: {} epochs; report in {}", result.metadata.name, result.metadata.epochs_run, files.markdown.display());
        return Ok(());
    }
    let name = device.short_name();
    let run = GridRun { device, data, models, reports: reports.clone(), cells: selected, settings, jobs: args.jobs, test_seconds, rate: args.rate };
    let summary = run_grid(&run)?;
    println!(
        "{} ({:?}): {} trained, {} already finished, {} failed; reports in {}",
        name,
        args.method,
        summary.trained.len(),
        summary.skipped.len(),
        summary.failed.len(),
        reports.display()
    );
    if let Some((name, error)) = summary.failed.first() {
        anyhow::bail!("{} model(s) failed; first: {name}: {error}", summary.failed.len());
    }
    Ok(())
}
