//! `trainer fit`: one command from a recording of a device to a model the plugin plays.

use std::path::PathBuf;

use crate::capture::{CAPTURE_SCHEDULE, CaptureRun, OutputSpec, Recipe, Road, Take, prepare, run_capture, slug, verdict};
use crate::grid::model_progress_bar;
use crate::training::LrSchedule;

#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// What was played into the device: BlackBox's reamp signal (`trainer capture-signal`) or any dry take.
    #[arg(long)]
    pub input: PathBuf,
    /// The device's recorded output, FILE or FILE:KNOB=VALUE for one of several settings (values in 0..1);
    /// repeat it for each setting to train one model with that knob.
    #[arg(long, required = true)]
    pub output: Vec<OutputSpec>,
    /// The device's name, shown in the plugin and the report.
    #[arg(long)]
    pub name: String,
    /// Where the model and its report go (default models/captures/<name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// LSTM units.
    #[arg(long, default_value_t = Recipe::default().hidden)]
    pub units: usize,
    /// Truncation length of backpropagation through time, in samples.
    #[arg(long, default_value_t = Recipe::default().ctx)]
    pub ctx: usize,
    /// The starting learning rate; `--schedule` says how it moves from there.
    #[arg(long, default_value_t = Recipe::default().learning_rate)]
    pub lr: f64,
    /// How the learning rate moves: plateau (halve after 5 epochs without a better validation loss),
    /// exponential (x 0.95 every epoch) or constant (the study's way).
    #[arg(long, value_enum, default_value_t = ScheduleArg::Plateau)]
    pub schedule: ScheduleArg,
    /// Maximum epochs (early stopping on the validation section, patience 15).
    #[arg(long, default_value_t = Recipe::default().max_epochs)]
    pub epochs: usize,
    #[arg(long, default_value_t = Recipe::default().seed)]
    pub seed: u64,
    /// Train at this rate (e.g. 44100 for a lighter model of a 96 kHz recording): the recordings are aligned at
    /// their own rate, then resampled offline. Default: the recording's rate.
    #[arg(long)]
    pub rate: Option<u32>,
    /// Also write the model's prediction of each recording as a WAV.
    #[arg(long)]
    pub predictions: bool,
    /// Check and align the recordings, print what was found, and stop before training.
    #[arg(long)]
    pub check_only: bool,
}

pub fn run(args: FitArgs) -> anyhow::Result<()> {
    if args.check_only {
        let (road, takes) = prepare(&args.input, &args.output)?;
        print_road(&road);
        for (spec, take) in args.output.iter().zip(&takes) {
            print_take(spec, take, None);
        }
        return Ok(());
    }
    let recipe = recipe(&args);
    let out_dir = args.out.unwrap_or_else(|| PathBuf::from("models").join("captures").join(slug(&args.name)));
    let run = CaptureRun {
        input: args.input,
        outputs: args.output,
        name: args.name,
        out_dir,
        recipe,
        rate: args.rate,
        predictions: args.predictions,
    };
    let bar = model_progress_bar();
    let outcome = run_capture(&run, &bar)?;
    bar.finish_and_clear();
    print_road(&outcome.road);
    for ((spec, take), esr) in run.outputs.iter().zip(&outcome.takes).zip(&outcome.test_esr) {
        print_take(spec, take, Some(*esr));
    }
    println!("trained {} epochs in {:.0} s", outcome.epochs_run, outcome.train_seconds);
    println!("model:  {}", outcome.model.display());
    println!("report: {}", outcome.report.display());
    println!(
        "play it: in the plugin, Load model file... and pick the model; offline: trainer render --model {} \
         --input di.wav --output out.wav",
        outcome.model.display()
    );
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScheduleArg {
    Plateau,
    Exponential,
    Constant,
}

/// The training recipe the flags ask for, every flag carried.
fn recipe(args: &FitArgs) -> Recipe {
    Recipe {
        hidden: args.units,
        ctx: args.ctx,
        learning_rate: args.lr,
        schedule: match args.schedule {
            ScheduleArg::Plateau => CAPTURE_SCHEDULE,
            ScheduleArg::Exponential => LrSchedule::Exponential { factor: 0.95, floor: 1e-5 },
            ScheduleArg::Constant => LrSchedule::Constant,
        },
        max_epochs: args.epochs,
        seed: args.seed,
        ..Recipe::default()
    }
}

fn print_road(road: &Road) {
    match road {
        Road::Reamp(_) => println!("recognised BlackBox's reamp signal: latency from its sync impulses"),
        Road::Plain => println!("plain dry/wet pair: latency from the onset of the device's linear response"),
    }
}

fn print_take(spec: &OutputSpec, take: &Take, test_esr: Option<f64>) {
    let esr = test_esr.map_or(String::new(), |e| format!(", test ESR {:.2} % ({})", 100.0 * e, verdict(e)));
    println!(
        "{}: latency {} samples ({:.2} ms), polarity {}{esr}",
        spec.label(),
        take.alignment.latency,
        take.alignment.latency as f64 * 1000.0 / f64::from(take.recorded_rate),
        if take.alignment.inverted { "inverted (put right)" } else { "as recorded" },
    );
    println!("  {}: {}", take.alignment.method, take.alignment.confidence);
    println!(
        "  level: peak {:.1} dBFS, RMS {:.1} dBFS, noise floor {:.1} dBFS, {} clipped samples",
        take.levels.peak_dbfs, take.levels.rms_dbfs, take.levels.noise_floor_dbfs, take.levels.clipped_samples
    );
    for warning in &take.warnings {
        println!("  warning: {warning}");
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        fit: FitArgs,
    }

    fn parse(extra: &[&str]) -> FitArgs {
        let base = ["fit", "--input", "dry.wav", "--output", "wet.wav", "--name", "Pedal"];
        Cli::parse_from(base.iter().chain(extra)).fit
    }

    #[test]
    fn every_training_flag_reaches_the_recipe() {
        let defaults = recipe(&parse(&[]));
        assert_eq!(defaults.seed, Recipe::default().seed);
        assert_eq!(defaults.schedule, CAPTURE_SCHEDULE);
        let asked = recipe(&parse(&[
            "--units", "48", "--ctx", "64", "--lr", "0.005", "--epochs", "7", "--seed", "9", "--schedule", "constant",
        ]));
        assert_eq!((asked.hidden, asked.ctx, asked.learning_rate, asked.max_epochs), (48, 64, 0.005, 7));
        assert_eq!(asked.seed, 9);
        assert_eq!(asked.schedule, LrSchedule::Constant);
    }
}
