//! `trainer export MODEL.bbx --to nam|aidax --out FILE`: a BlackBox model for NAM's or AIDA-X's players.

use std::path::PathBuf;

use anyhow::{Context, bail};
use blackbox_engine::formats::{self, ExportFormat, export};
use blackbox_engine::model::ModelFile;

use super::render::knob_values;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// Neural Amp Modeler (NAM's LSTM architecture).
    Nam,
    /// AIDA-X / RTNeural Keras JSON.
    Aidax,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// A BlackBox model (.bbx).
    pub model: PathBuf,
    #[arg(long, value_enum)]
    pub to: Target,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// For a gain-conditioned model exported to .nam (whose LSTM takes the audio alone): the knob position to
    /// bake in, e.g. --knob gain=0.5. AIDA-X keeps the knob as a knob.
    #[arg(long, value_parser = super::render::parse_knob_arg)]
    pub knob: Vec<(String, f32)>,
}

pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let shown = args.model.display().to_string();
    let file = ModelFile::load(&args.model)?;
    let format = match args.to {
        Target::Nam => ExportFormat::Nam,
        Target::Aidax => ExportFormat::AidaX,
    };
    let loaded = formats::LoadedModel::from_model_file(file.clone());
    let knob = match (args.knob.is_empty(), format) {
        (true, _) => None,
        (false, ExportFormat::AidaX) => bail!("an AIDA-X file keeps the model's knob as a knob: drop --knob"),
        (false, ExportFormat::Nam) => knob_values(&loaded, &shown, &args.knob)?.first().copied(),
    };
    let text = export(&file, format, knob)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&args.out, &text).with_context(|| format!("cannot write {}", args.out.display()))?;
    // Read back through the loader that will play it, so a file that would not load is never left claiming success.
    let check = formats::load(&args.out).with_context(|| format!("{} was written but does not load back", args.out.display()))?;
    println!("exported {shown} -> {} ({}, {} bytes)", args.out.display(), check.info.format.name(), text.len());
    println!("  {} at {} Hz{}", check.info.architecture, check.info.sample_rate, knob.map_or(String::new(), |k| format!(", knob baked in at {k}")));
    Ok(())
}
