//! `trainer inspect`: what the loader sees in a data folder, before hours go into training on it.

use std::path::PathBuf;

use super::device::DeviceArgs;
use crate::dataset::{GainRecordings, STUDY_SPLIT_SEED, Split, TrainSize, WindowConfig, WindowedDataset, load_gain};

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// The data folder holding `<effect>/<experiment>/{Train,Test}/...`.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// Window length in samples (the study used 44, 66 and 88).
    #[arg(long, default_value_t = 88)]
    pub ctx: usize,
    /// Training windows per gain; the rest validate (the study kept 74,862 for every ctx).
    #[arg(long, default_value_t = crate::dataset::STUDY_TRAIN_WINDOWS, conflicts_with = "validation_fraction")]
    pub train_windows: usize,
    /// Instead of a fixed count, train on all windows but this fraction.
    #[arg(long)]
    pub validation_fraction: Option<f64>,
}

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let train = match args.validation_fraction {
        Some(fraction) => TrainSize::AllButFraction(fraction),
        None => TrainSize::Windows(args.train_windows),
    };
    let config = WindowConfig { ctx: args.ctx, train, seed: STUDY_SPLIT_SEED };
    let device = args.device.device()?;
    // A wrong --data would otherwise be reported once per folder.
    crate::dataset::require_folder(&args.data)?;
    println!("{} in {}", device.label(), args.data.display());
    let (settings, knobs) = device.settings_and_knobs(&args.data)?;
    match knobs {
        Some(table) => {
            let knobs = |s| table.values(s).iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(", ");
            let each: Vec<String> = settings.iter().map(|s| format!("{} ({})", s.name(), knobs(s))).collect();
            println!("knobs {}: {}", table.knobs.join(", "), each.join("; "));
        }
        None => println!("settings {} (no settings.toml: no conditioned model)", names(&settings)),
    }
    // Every folder is reported before giving up, so one run shows all that is wrong with a data set.
    let mut problems = 0;
    for &gain in &settings {
        for split in [Split::Train, Split::Test] {
            println!("\n{split}/{}", gain.name());
            match load_gain(&args.data, &device, split, gain) {
                Ok(recordings) => {
                    print_songs(&recordings);
                    if split == Split::Train {
                        match WindowedDataset::from_recordings(&recordings, &config) {
                            Ok(windows) => println!("  {}", windows.summary()),
                            Err(error) => {
                                problems += 1;
                                println!("  error: {error}");
                            }
                        }
                    }
                }
                Err(error) => {
                    problems += 1;
                    println!("  error: {error}");
                }
            }
        }
    }
    if problems > 0 {
        anyhow::bail!("{problems} problem(s) in {}; see the errors above", args.data.display());
    }
    Ok(())
}

fn names(settings: &[blackbox_engine::model::Gain]) -> String {
    settings.iter().map(|s| s.name().to_owned()).collect::<Vec<_>>().join(", ")
}

fn print_songs(recordings: &GainRecordings) {
    // Stand-in data labels every file the same way; print a shared label once so the song list stays readable.
    let first = recordings.songs.first().and_then(|s| s.comment.as_deref());
    let shared = recordings.songs.iter().all(|s| s.comment.as_deref() == first);
    for song in &recordings.songs {
        let label = match song.comment.as_deref() {
            Some(comment) if !shared => format!("  [{comment}]"),
            _ => String::new(),
        };
        println!("  {:<24} {:>7.1} s{label}", song.name, song.duration_seconds());
    }
    println!(
        "  {} songs, {:.1} s in {}",
        recordings.songs.len(),
        recordings.duration_seconds(),
        recordings.dir.display()
    );
    match (shared, first) {
        (true, Some(label)) => println!("  label: {label}"),
        (true, None) => println!("  label: none (real recordings)"),
        (false, _) => {}
    }
    for warning in &recordings.warnings {
        println!("  warning: {warning}");
    }
}
