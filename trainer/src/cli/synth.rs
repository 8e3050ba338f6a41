//! `trainer synth`: build a grid's stand-in recordings (reference circuits, study layout, `SOURCE.md`).

use std::path::PathBuf;

use crate::dataset::layout::Grid;
use crate::synth::{SynthConfig, build_grid};

#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// Which of the study's experiments to build: ds340 (Boss SD-1) or ultragain (Marshall DSL20H preamp).
    #[arg(long, value_enum)]
    pub grid: Grid,
    /// Data root; files land in <out>/<effect>/<experiment>/{Train,Test}/{Low,Mid,High}/{Dry,Wet}.
    #[arg(long)]
    pub out: PathBuf,
    /// Folder of DI clips (any rate, mono WAV), e.g. ../shared/data/di; without it, the procedural guitar plays.
    #[arg(long)]
    pub di: Option<PathBuf>,
    /// Seed of the amplifier noise and of the procedural guitar.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Procedural guitar only: seconds of training audio (default 200).
    #[arg(long)]
    pub train_seconds: Option<f64>,
    /// Procedural guitar only: seconds of test songs (default 90).
    #[arg(long)]
    pub test_seconds: Option<f64>,
    /// Record N drive positions evenly from the study's Low to its High (at least 2) instead of its three, into
    /// <experiment>-<N>settings with a settings.toml, for a conditioned model that learns the knob between them.
    #[arg(long, value_parser = clap::value_parser!(u16).range(2..=32))]
    pub settings: Option<u16>,
}

pub fn run(args: SynthArgs) -> anyhow::Result<()> {
    let config = SynthConfig {
        grid: args.grid,
        out: args.out,
        di: args.di,
        seed: args.seed,
        train_seconds: args.train_seconds,
        test_seconds: args.test_seconds,
        settings: args.settings.map(usize::from),
    };
    let report = build_grid(&config)?;
    println!("stand-in data: {} -> {}", report.circuit, report.root.display());
    println!(
        "  {:.1} s train + {:.1} s test per gain, dry peak {:.1} dBFS, {} files",
        report.train_seconds, report.test_seconds, report.dry_peak_dbfs, report.files_written
    );
    for g in &report.gains {
        let audio = report.train_seconds + report.test_seconds;
        println!(
            "  {:<4} wet peak {:6.1} dBFS, {} clipped samples, circuit {:.1} s in its thread = {:.0}x real time ({})",
            g.gain.name(),
            g.wet_peak_dbfs,
            g.clipped_samples,
            g.circuit_seconds,
            audio / g.circuit_seconds.max(1e-9),
            g.settings
        );
    }
    println!(
        "  synthesis: {} x {:.1} s of audio in {:.1} s wall clock = {:.0}x real time (settings in parallel, files included)",
        report.gains.len(),
        report.train_seconds + report.test_seconds,
        report.wall_seconds,
        report.realtime_factor()
    );
    println!("  wrote {}", report.root.join("SOURCE.md").display());
    Ok(())
}
