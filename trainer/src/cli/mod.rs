//! The `trainer` command line: `trainer --grid NAME [...]` trains a grid; subcommands do the rest.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "trainer", version, about = "Train BlackBox's neural models of guitar effects")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => anyhow::bail!("nothing to do yet; see `trainer --help`"),
    }
}
