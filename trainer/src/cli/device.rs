//! Which device a command trains on or looks at: one of the study's presets, or any folders in its layout.

use crate::dataset::{Device, Grid};

#[derive(Debug, Clone, clap::Args)]
pub struct DeviceArgs {
    /// One of the study's experiments: ds340 (Boss SD-1) or ultragain (Marshall DSL20H preamp). Names its
    /// folders and its epoch cap.
    #[arg(long, value_enum, conflicts_with_all = ["effect", "experiment"])]
    pub grid: Option<Grid>,
    /// Any other device: its effect folder under --data (e.g. "DS-1"), with --experiment.
    #[arg(long, requires = "experiment")]
    pub effect: Option<String>,
    /// The experiment folder inside the effect folder (e.g. "Mine"); its setting folders under Train/ and
    /// Test/ may have any names, with their knob values in an optional settings.toml beside Train/.
    #[arg(long, requires = "effect")]
    pub experiment: Option<String>,
}

impl DeviceArgs {
    pub fn device(&self) -> anyhow::Result<Device> {
        match (self.grid, &self.effect, &self.experiment) {
            (Some(grid), _, _) => Ok(Device::study(grid)),
            (None, Some(effect), Some(experiment)) => Ok(Device::new(effect, experiment)?),
            _ => anyhow::bail!(
                "say which device: --grid ds340 or --grid ultragain for the study's, or --effect NAME --experiment \
                 NAME for recordings of any other in --data"
            ),
        }
    }
}
