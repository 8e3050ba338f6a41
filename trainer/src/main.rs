use clap::Parser;

fn main() -> anyhow::Result<()> {
    blackbox_trainer::memory::keep_freed_memory();
    blackbox_trainer::cli::run(blackbox_trainer::cli::Cli::parse())
}
