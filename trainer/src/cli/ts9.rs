//! `trainer ts9`: the real-pedal check on the Ibanez TS9 pair — first 80 % trains, last 20 % tests,
//! ctx 88 / 96 units at both of the study's learning rates, windowed and streaming.

use std::path::PathBuf;

use blackbox_engine::model::TrainingMethod;

use crate::dataset::{STUDY_SPLIT_SEED, TrainSize};
use crate::grid::{JobSettings, PairCheck, model_progress_bar, pair_cells, run_pair_check};

/// The first 80 % of the take trains, the rest tests.
const TRAIN_SHARE: f64 = 0.8;
/// Of the training part's windows (or segments), this share validates for early stopping.
const VALIDATION_SHARE: f64 = 0.2;

#[derive(Debug, clap::Args)]
pub struct Ts9Args {
    /// The folder with dry.wav and wet.wav (44.1 kHz, sample-aligned).
    #[arg(long, default_value = "../shared/data/ts9")]
    pub data: PathBuf,
    /// Where the models go (kept out of models/, which the plugin embeds).
    #[arg(long, default_value = "reports/ts9/models")]
    pub models: PathBuf,
    #[arg(long, default_value = "reports/ts9")]
    pub reports: PathBuf,
    /// Maximum epochs per model (early stopping, patience 15, usually ends sooner).
    #[arg(long, default_value_t = 100)]
    pub epochs: usize,
    /// Train only the learning rate 1e-2 models (half the time).
    #[arg(long)]
    pub fast_lr_only: bool,
}

pub fn run(args: Ts9Args) -> anyhow::Result<()> {
    let mut cells = pair_cells();
    if args.fast_lr_only {
        cells.retain(|c| c.learning_rate > 1e-3);
    }
    let check = PairCheck {
        pair_dir: args.data.clone(),
        effect: "TS9".to_owned(),
        description: format!(
            "Ibanez TS9 overdrive, dry/wet pair from {}, 44.1 kHz, first {:.0} % trains, last {:.0} % tests \
             (output polarity inverted as recorded; drive setting not recorded)",
            args.data.display(),
            TRAIN_SHARE * 100.0,
            (1.0 - TRAIN_SHARE) * 100.0
        ),
        train_share: TRAIN_SHARE,
        cells,
        methods: vec![TrainingMethod::Windowed, TrainingMethod::Streaming],
        models: args.models,
        reports: args.reports.clone(),
        settings: JobSettings {
            effect: "TS9".to_owned(),
            experiment: "real pair".to_owned(),
            method: TrainingMethod::Windowed,
            train_size: TrainSize::AllButFraction(VALIDATION_SHARE),
            validation_windows: None,
            max_epochs: args.epochs,
            patience: 15,
            seed: STUDY_SPLIT_SEED,
            eval_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            predictions: Some(args.reports.join("predictions")),
        },
    };
    let bar = model_progress_bar();
    let results = run_pair_check(&check, &bar)?;
    bar.finish_and_clear();
    for r in &results {
        let song = r.songs.first();
        println!(
            "{} ({:?}): {} epochs, {:.0} s; test ESR windowed {:?}, streamed {:?}",
            r.metadata.name,
            r.metadata.method,
            r.metadata.epochs_run,
            r.metadata.train_seconds.unwrap_or(f32::NAN),
            song.and_then(|s| s.windowed.map(|m| m.esr)),
            song.and_then(|s| s.streaming.map(|m| m.esr)),
        );
    }
    println!("reports in {}", args.reports.display());
    Ok(())
}
