//! The study's folder layout, which `trainer synth` writes and users' own recordings follow:
//! `<data>/<effect>/<experiment>/{Train,Test}/<setting>/{Dry/d_NAME.wav, Wet/w_NAME.wav}`, where the study's
//! settings are Low, Mid and High and any other device's are whatever its folders are called.

use std::fmt;
use std::path::{Path, PathBuf};

use blackbox_engine::model::{DSL20H, Gain, SD1, StudyDevice};
use blackbox_standin::StudyEffect;

use super::Device;

/// The study recorded everything at 44.1 kHz; models are trained and shipped at this rate.
pub const SAMPLE_RATE: u32 = 44_100;

/// The layout as a user should read it in an error message.
pub const LAYOUT_HINT: &str =
    "<data>/<effect>/<experiment>/{Train,Test}/<setting, e.g. Low>/{Dry/d_NAME.wav, Wet/w_NAME.wav}";

/// One of the study's two experiments: an effect, its recordings and its training budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Grid {
    /// Boss SD-1 overdrive pedal (the study named the experiment after its DS340 class).
    Ds340,
    /// Marshall DSL20H preamp, UltraGain channel.
    Ultragain,
}

impl Grid {
    pub const ALL: [Grid; 2] = [Grid::Ds340, Grid::Ultragain];

    /// The engine's description of the study's device: folders, full name, epoch cap.
    pub fn study_device(self) -> StudyDevice {
        match self {
            Grid::Ds340 => SD1,
            Grid::Ultragain => DSL20H,
        }
    }

    /// The reference circuit whose stand-in recordings fill this grid's folders.
    pub fn stand_in(self) -> StudyEffect {
        match self {
            Grid::Ds340 => StudyEffect::Sd1,
            Grid::Ultragain => StudyEffect::Dsl20h,
        }
    }

    /// The effect folder.
    pub fn effect(self) -> &'static str {
        self.study_device().effect
    }

    /// The experiment folder inside the effect folder.
    pub fn experiment(self) -> &'static str {
        self.study_device().experiment
    }

    /// The study's epoch cap (see [`StudyDevice::max_epochs`]).
    pub fn max_epochs(self) -> usize {
        self.study_device().max_epochs
    }

    /// The command-line spelling.
    pub fn name(self) -> &'static str {
        self.study_device().preset
    }
}

impl fmt::Display for Grid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Training recordings (windowed, split into train and validation) or test songs (evaluated whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Split {
    Train,
    Test,
}

impl Split {
    /// The folder name.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "Train",
            Split::Test => "Test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The folder holding one gain's `Dry` and `Wet` folders.
///
/// `Gain::Conditioned` has no folder of its own (it trains on every setting); its path names a folder that does
/// not exist, which the loader reports as such.
pub fn gain_dir(data: &Path, device: &Device, split: Split, gain: Gain) -> PathBuf {
    device.dir(data).join(split.name()).join(gain.name())
}

/// `gain_dir/Dry/d_{name}.wav`
pub fn dry_path(gain_dir: &Path, name: &str) -> PathBuf {
    gain_dir.join("Dry").join(format!("d_{name}.wav"))
}

/// `gain_dir/Wet/w_{name}.wav`
pub fn wet_path(gain_dir: &Path, name: &str) -> PathBuf {
    gain_dir.join("Wet").join(format!("w_{name}.wav"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gain_dir_follows_the_study_layout() {
        let dir = gain_dir(Path::new("data"), &Device::study(Grid::Ds340), Split::Train, Gain::Low);
        assert_eq!(dir, Path::new("data/SD-1/DS340/Train/Low"));
        let dir = gain_dir(Path::new("data"), &Device::study(Grid::Ultragain), Split::Test, Gain::High);
        assert_eq!(dir, Path::new("data/DSL20HPreamp/UltraGain/Test/High"));
    }

    #[test]
    fn pair_paths_use_the_d_and_w_prefixes() {
        let dir = Path::new("g");
        assert_eq!(dry_path(dir, "battery"), Path::new("g/Dry/d_battery.wav"));
        assert_eq!(wet_path(dir, "battery"), Path::new("g/Wet/w_battery.wav"));
    }

    #[test]
    fn grid_spellings_match_the_command_line() {
        use clap::ValueEnum;
        for grid in Grid::ALL {
            let parsed = Grid::from_str(grid.name(), false).expect("every grid name parses");
            assert_eq!(parsed, grid);
        }
        assert_eq!(Grid::Ultragain.max_epochs(), 200);
    }
}
