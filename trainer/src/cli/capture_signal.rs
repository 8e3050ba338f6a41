//! `trainer capture-signal`: write the reamp signal to play through a device.

use std::path::PathBuf;

use crate::audio::write_mono_24;
use crate::capture::guitar::guitar_section;
use crate::capture::signal::{self, DEFAULT_GUITAR_SECONDS, MIN_GUITAR_SECONDS};

#[derive(Debug, clap::Args)]
pub struct CaptureSignalArgs {
    /// Where the signal goes (24-bit mono WAV).
    #[arg(long, default_value = "reamp.wav")]
    pub out: PathBuf,
    /// The rate your interface records at; the signal and the model are made at it.
    #[arg(long, default_value_t = 48_000)]
    pub rate: u32,
    /// Folder of DI clips to play (e.g. ../shared/data/di); without it, BlackBox's procedural guitar plays.
    #[arg(long)]
    pub di: Option<PathBuf>,
    /// Seconds of guitar playing (the signal is 30 s longer); its last 30 % validates and tests.
    #[arg(long, default_value_t = DEFAULT_GUITAR_SECONDS)]
    pub guitar_seconds: f64,
    /// Seed of the procedural guitar.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(args: CaptureSignalArgs) -> anyhow::Result<()> {
    anyhow::ensure!((8_000..=384_000).contains(&args.rate), "--rate {} Hz is outside 8-384 kHz", args.rate);
    anyhow::ensure!(
        args.guitar_seconds >= MIN_GUITAR_SECONDS,
        "--guitar-seconds {} is too short: at least {MIN_GUITAR_SECONDS} s, so that validation and test mean something",
        args.guitar_seconds
    );
    let (guitar, source) = guitar_section(args.di.as_deref(), args.rate, args.guitar_seconds, args.seed)?;
    let (layout, samples) = signal::build(args.rate, &guitar);
    let comment = format!("{}; guitar: {source}", signal::COMMENT);
    write_mono_24(&args.out, args.rate, &samples, Some(&comment))?;
    println!(
        "wrote {} ({:.1} s at {} Hz, 24-bit mono: BlackBox reamp signal v{})",
        args.out.display(),
        layout.seconds(layout.len),
        args.rate,
        signal::VERSION
    );
    println!("  guitar: {source}");
    println!(
        "  play it through the device from its first sample and record the device's output for the whole length \
         (see the README, \"Capture your own device\"); then:"
    );
    println!("  trainer fit --input {} --output recorded.wav --name \"My device\"", args.out.display());
    Ok(())
}
