//! The `trainer` command line: `trainer --grid NAME [...]` trains a grid; subcommands do the rest.

use clap::{Parser, Subcommand};

pub mod inspect;

#[derive(Debug, Parser)]
#[command(name = "trainer", version, about = "Train BlackBox's neural models of guitar effects")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List each gain's songs, durations, stand-in labels and window counts in a data folder.
    Inspect(inspect::InspectArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Some(Command::Inspect(args)) => inspect::run(args),
        None => anyhow::bail!("nothing to do yet; see `trainer --help`"),
    }
}
