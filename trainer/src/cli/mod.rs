//! The `trainer` command line: `trainer --grid NAME [...]` trains a grid; subcommands do the rest.

use clap::{Parser, Subcommand};

pub mod bench;
pub mod grid;
pub mod inspect;
pub mod synth;

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
    /// List each gain's songs, durations, stand-in labels and window counts in a data folder.
    Inspect(inspect::InspectArgs),
    /// Time one seed epoch of the study's model on one thread (ctx 88 / hidden 96 and ctx 44 / hidden 64).
    Bench(bench::BenchArgs),
    /// Build stand-in recordings: DI or procedural guitar through a reference circuit, in the study's layout.
    Synth(synth::SynthArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Bench(args)) => bench::run(args),
        Some(Command::Synth(args)) => synth::run(args),
        None => grid::run(cli.grid),
    }
}
