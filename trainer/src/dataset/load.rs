//! Entry points by layout coordinates: what the trainer and `trainer inspect` call.

use std::path::Path;

use blackbox_engine::model::Gain;

use super::Device;
use super::layout::{Split, gain_dir};
use super::songs::{GainRecordings, load_gain_dir};
use super::windowed::{WindowConfig, WindowedDataset};
use super::{DatasetError, pairs::require_folder};

/// The songs of one gain folder of `data`, checked and paired (test songs are evaluated whole).
pub fn load_gain(data: &Path, device: &Device, split: Split, gain: Gain) -> Result<GainRecordings, DatasetError> {
    if gain == Gain::Conditioned {
        return Err(DatasetError::ConditionedHasNoFolder);
    }
    // Checked from the top first, so a wrong --data reads as such rather than as a missing gain folder.
    require_folder(data)?;
    load_gain_dir(&gain_dir(data, device, split, gain))
}

/// The training windows of one gain, split into training and validation, with what loading had to change.
pub fn load_training_windows(
    data: &Path,
    device: &Device,
    gain: Gain,
    config: &WindowConfig,
) -> Result<(WindowedDataset, GainRecordings), DatasetError> {
    let recordings = load_gain(data, device, Split::Train, gain)?;
    let windows = WindowedDataset::from_recordings(&recordings, config)?;
    Ok((windows, recordings))
}
