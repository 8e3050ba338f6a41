//! `trainer report --grid NAME`: a grid's reports rebuilt from its finished models, after shards trained on
//! several machines (or to redraw them without training).

use std::path::PathBuf;

use super::device::DeviceArgs;
use super::folders::{GridDirs, GridFolders};
use super::grid::QUICK_TEST_SECONDS;
use crate::grid::{ReportRun, rebuild_reports};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    #[command(flatten)]
    pub folders: GridFolders,
    /// Another machine's models folder (its --models): its finished models are copied into --models first.
    /// Repeat for each shard.
    #[arg(long)]
    pub gather: Vec<PathBuf>,
    /// The grid ran with --quick (the default folders and the test songs' cut follow from it).
    #[arg(long)]
    pub quick: bool,
    /// The grid ran with --rate R.
    #[arg(long)]
    pub rate: Option<u32>,
}

pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let device = args.device.device()?;
    let GridDirs { data, models, reports } = args.folders.resolve(&device, args.quick)?;
    let run = ReportRun {
        device,
        data,
        models,
        reports: reports.clone(),
        gather: args.gather,
        test_seconds: args.quick.then_some(QUICK_TEST_SECONDS),
        rate: args.rate,
    };
    let rebuilt = rebuild_reports(&run)?;
    if !run.gather.is_empty() {
        println!("gathered {} finished models into {}", rebuilt.gathered, run.device.dir(&run.models).display());
    }
    for (method, count) in &rebuilt.methods {
        println!("{} ({method:?}): {count} finished models reported", run.device.short_name());
    }
    println!("reports in {}", reports.display());
    Ok(())
}
