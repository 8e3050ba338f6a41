//! `trainer info FILE`: what a model file of any format is, as the plugin's facts panel shows it.

use std::path::PathBuf;

use blackbox_engine::formats::{self, RateSource};
use blackbox_engine::loudness::loudness_of;

#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// A model file: .bbx, .nam, AIDA-X / RTNeural .json or .aidax, GuitarML Proteus .json.
    pub model: PathBuf,
}

pub fn run(args: InfoArgs) -> anyhow::Result<()> {
    let model = formats::load(&args.model)?;
    let info = &model.info;
    println!("{}", args.model.display());
    println!("  format        {}", info.format.name());
    println!("  name          {}", info.name);
    println!("  architecture  {} ({} parameters)", info.architecture, info.parameters);
    let rate = match &info.rate_source {
        RateSource::File => "stated in the file".to_owned(),
        RateSource::Assumed(why) => format!("assumed: {why}"),
    };
    println!("  sample rate   {} Hz ({rate})", info.sample_rate);
    println!("  knobs         {}", if info.knobs.is_empty() { "none".to_owned() } else { info.knobs.join(", ") });
    println!("  loudness      {} on BlackBox's reference passage", loudness_of(&model).describe());
    for (key, value) in &info.details {
        println!("  {:<13} {value}", key.to_lowercase());
    }
    Ok(())
}
