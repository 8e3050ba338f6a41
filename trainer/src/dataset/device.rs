//! A device's recordings: `<data>/<effect>/<experiment>/`, with one folder per setting under `Train/` and
//! `Test/`. The study's two are presets ([`Grid`]); any other device is whatever its folders are called.

use std::path::{Path, PathBuf};

use blackbox_engine::model::{DEFAULT_MAX_EPOCHS, Gain};

use super::DatasetError;
use super::knobs::KnobTable;
use super::layout::{Grid, Split};
use super::pairs::require_folder;

/// Which effect and experiment folders (and model metadata names) a run trains on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub effect: String,
    pub experiment: String,
}

impl Device {
    /// A device by its folder names, which must each be one plain folder name.
    pub fn new(effect: &str, experiment: &str) -> Result<Device, DatasetError> {
        for (what, name) in [("effect", effect), ("experiment", experiment)] {
            if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
                return Err(DatasetError::BadDeviceName { what, name: name.to_owned() });
            }
        }
        Ok(Device { effect: effect.to_owned(), experiment: experiment.to_owned() })
    }

    pub fn study(grid: Grid) -> Device {
        Device { effect: grid.effect().to_owned(), experiment: grid.experiment().to_owned() }
    }

    /// The study's preset for these folders, if they are one of its two.
    pub fn preset(&self) -> Option<Grid> {
        Grid::ALL.into_iter().find(|g| g.effect() == self.effect && g.experiment() == self.experiment)
    }

    /// The study's epoch cap for its devices; the default cap for any other.
    pub fn max_epochs(&self) -> usize {
        self.preset().map_or(DEFAULT_MAX_EPOCHS, Grid::max_epochs)
    }

    /// "SD-1 / DS340".
    pub fn label(&self) -> String {
        format!("{} / {}", self.effect, self.experiment)
    }

    /// The grid's short name: the study's preset, else the two folder names joined (for report folders).
    pub fn short_name(&self) -> String {
        match self.preset() {
            Some(grid) => grid.name().to_owned(),
            None => format!("{}-{}", self.effect, self.experiment),
        }
    }

    pub fn dir(&self, data: &Path) -> PathBuf {
        data.join(&self.effect).join(&self.experiment)
    }

    /// The settings recorded under `Train/` (every one must be under `Test/` too, which loading checks), ordered
    /// by their knob values where `settings.toml` gives them, else the study's three first and the rest by name.
    pub fn settings(&self, data: &Path) -> Result<Vec<Gain>, DatasetError> {
        self.settings_and_knobs(data).map(|(settings, _)| settings)
    }

    /// [`Self::settings`] with the knob values that ordered them (see [`Self::knobs`]), read once.
    pub fn settings_and_knobs(&self, data: &Path) -> Result<(Vec<Gain>, Option<KnobTable>), DatasetError> {
        let train = self.dir(data).join(Split::Train.name());
        require_folder(&train)?;
        let list = |source| DatasetError::List { path: train.clone(), source };
        let mut settings = Vec::new();
        for entry in std::fs::read_dir(&train).map_err(list)? {
            let entry = entry.map_err(list)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.path().is_dir() || name.starts_with('.') {
                continue;
            }
            let setting =
                Gain::from_folder(&name).map_err(|reason| DatasetError::BadSetting { path: entry.path(), reason })?;
            settings.push(setting);
        }
        if settings.is_empty() {
            return Err(DatasetError::NoSettings { path: train });
        }
        let table = self.knobs(data, &settings)?;
        settings.sort_by(|a, b| match &table {
            Some(t) => t.values(a).partial_cmp(&t.values(b)).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(b)),
            None => a.cmp(b),
        });
        Ok((settings, table))
    }

    /// The knob values of each setting: `settings.toml` in the experiment folder if present, else the study's
    /// gain knob when the settings are the study's own; `None` when neither applies.
    pub fn knobs(&self, data: &Path, settings: &[Gain]) -> Result<Option<KnobTable>, DatasetError> {
        let file = self.dir(data).join(KnobTable::FILE_NAME);
        if file.exists() {
            return KnobTable::read(&file, settings).map(Some);
        }
        Ok(KnobTable::study(settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_study_devices_are_presets_and_others_are_their_folders() {
        let sd1 = Device::study(Grid::Ds340);
        assert_eq!(sd1.preset(), Some(Grid::Ds340));
        assert_eq!(sd1.max_epochs(), 100);
        assert_eq!(Device::study(Grid::Ultragain).max_epochs(), 200);
        let mine = Device::new("DS-1", "Mine").unwrap();
        assert_eq!(mine.preset(), None);
        assert_eq!(mine.short_name(), "DS-1-Mine");
        assert_eq!(mine.dir(Path::new("d")), Path::new("d/DS-1/Mine"));
        assert!(Device::new("a/b", "x").is_err());
        assert!(Device::new("..", "x").is_err());
    }
}
