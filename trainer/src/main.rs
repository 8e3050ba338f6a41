use clap::Parser;

fn main() -> anyhow::Result<()> {
    blackbox_trainer::cli::run(blackbox_trainer::cli::Cli::parse())
}
