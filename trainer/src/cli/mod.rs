//! The `trainer` command line: `trainer --grid NAME [...]` (or `--effect E --experiment X`) trains a grid;
//! subcommands do the rest.

use clap::{Parser, Subcommand};

pub mod bench;
pub mod capture_signal;
pub mod device;
pub mod export;
pub mod fit;
pub mod folders;
pub mod grid;
pub mod info;
pub mod inspect;
pub mod render;
pub mod report;
pub mod synth;
pub mod ts9;

#[derive(Debug, Parser)]
#[command(name = "trainer", version, about = "Train BlackBox's neural models of guitar effects")]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub grid: grid::GridArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List each setting's songs, durations, stand-in labels and window counts in a data folder.
    Inspect(inspect::InspectArgs),
    /// Time one seed epoch of the study's model on one thread (ctx 88 / hidden 96 and ctx 44 / hidden 64).
    Bench(bench::BenchArgs),
    /// Build stand-in recordings: DI or procedural guitar through a reference circuit, in the study's layout.
    Synth(synth::SynthArgs),
    /// Play a model file offline exactly as the plugin plays it (any input rate), with an optional cabinet IR
    /// and tone stack; the output is aligned with the input.
    Render(render::RenderArgs),
    /// What a model file of any format is: format, architecture, rate, knobs, loudness, what it was trained on.
    Info(info::InfoArgs),
    /// Write a BlackBox model as a Neural Amp Modeler .nam or an AIDA-X .json.
    Export(export::ExportArgs),
    /// Write the reamp signal to play through your device (sync impulses, sweeps, a level ladder, noise,
    /// guitar) for `trainer fit`.
    CaptureSignal(capture_signal::CaptureSignalArgs),
    /// Capture a device: from the reamp signal (or any dry take) and its recording to a model and a report.
    Fit(fit::FitArgs),
    /// Rebuild a grid's reports from its finished models, gathering the models folders of the machines that
    /// trained its shards (`--only`) first.
    Report(report::ReportArgs),
    /// The real-pedal check: train on the first 80 % of the Ibanez TS9 pair, test on the last 20 %, both methods.
    Ts9(ts9::Ts9Args),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Bench(args)) => bench::run(args),
        Some(Command::Synth(args)) => synth::run(args),
        Some(Command::Ts9(args)) => ts9::run(args),
        Some(Command::CaptureSignal(args)) => capture_signal::run(args),
        Some(Command::Fit(args)) => fit::run(args),
        Some(Command::Render(args)) => render::run(args),
        Some(Command::Info(args)) => info::run(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Report(args)) => report::run(args),
        None => grid::run(cli.grid),
    }
}
