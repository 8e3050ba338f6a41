//! Where a grid's recordings, models and reports are: the same three flags, and the same defaults, for
//! training a grid and for rebuilding its reports.

use std::path::PathBuf;

use crate::dataset::Device;

#[derive(Debug, clap::Args)]
pub struct GridFolders {
    /// Recordings in the study's layout (<data>/<effect>/<experiment>/{Train,Test}/<setting>/{Dry,Wet}).
    /// Default: data/, where procedural stand-in recordings are synthesised first if a study grid's folder is
    /// absent.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Where finished models go (as <models>/<effect>/<experiment>/model_*.bbx). Default: models, or
    /// target/quick/models with --quick.
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Where reports go. Default: reports/<grid> (reports/<effect>-<experiment> for other devices), under
    /// target/quick/ with --quick.
    #[arg(long)]
    pub reports: Option<PathBuf>,
}

/// The three folders, defaults filled in.
pub struct GridDirs {
    pub data: PathBuf,
    pub models: PathBuf,
    pub reports: PathBuf,
}

impl GridFolders {
    pub fn resolve(self, device: &Device, quick: bool) -> anyhow::Result<GridDirs> {
        let data = match self.data {
            Some(data) => data,
            None => default_data(device)?,
        };
        let base = if quick { PathBuf::from("target/quick") } else { PathBuf::new() };
        let models = self.models.unwrap_or_else(|| base.join("models"));
        let reports = self.reports.unwrap_or_else(|| base.join("reports").join(device.short_name()));
        Ok(GridDirs { data, models, reports })
    }
}

/// `data/`, with the procedural stand-in recordings `trainer synth` makes written there first if a study grid's
/// folder does not exist yet: a fresh clone can train and report without any recordings.
fn default_data(device: &Device) -> anyhow::Result<PathBuf> {
    let data = PathBuf::from("data");
    let Some(grid) = device.preset() else {
        return Ok(data);
    };
    if !device.dir(&data).exists() {
        println!("no recordings in data/{}/{}: synthesising procedural stand-in data there first", grid.effect(), grid.experiment());
        super::synth::run(super::synth::SynthArgs {
            grid,
            out: data.clone(),
            di: None,
            seed: 1,
            train_seconds: None,
            test_seconds: None,
            settings: None,
        })?;
    }
    Ok(data)
}
