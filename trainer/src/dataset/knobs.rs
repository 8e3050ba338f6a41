//! `settings.toml`: the knob values each recorded setting was made at, which a conditioned model takes as extra
//! inputs. It sits in the experiment folder, beside `Train/` and `Test/`, one table per setting folder:
//!
//! ```toml
//! [Low]
//! drive = 0.0
//! tone = 0.5
//!
//! ["Drive 3"]
//! drive = 0.3
//! tone = 0.5
//! ```
//!
//! Every setting names the same knobs, each in 0..1. Knobs are inputs in the order of their names.

use std::collections::BTreeMap;
use std::path::Path;

use blackbox_engine::model::{Gain, STUDY_KNOB};

use super::DatasetError;

/// The knobs of a device and each setting's values.
#[derive(Clone, Debug, PartialEq)]
pub struct KnobTable {
    pub knobs: Vec<String>,
    values: BTreeMap<Gain, Vec<f32>>,
}

impl KnobTable {
    pub const FILE_NAME: &'static str = "settings.toml";

    /// The study's gain knob (Low 0, Mid 0.5, High 1), when every setting is one of the study's.
    pub fn study(settings: &[Gain]) -> Option<KnobTable> {
        let values = settings.iter().map(|s| s.knob().map(|k| (*s, vec![k]))).collect::<Option<BTreeMap<_, _>>>()?;
        Some(KnobTable { knobs: vec![STUDY_KNOB.to_owned()], values })
    }

    /// Reads `path`, which must give every one of `settings` (and nothing else) the same knobs in 0..1.
    pub fn read(path: &Path, settings: &[Gain]) -> Result<KnobTable, DatasetError> {
        let bad = |reason: String| DatasetError::BadSettingsFile { path: path.to_owned(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let tables: BTreeMap<String, BTreeMap<String, f64>> = toml::from_str(&text).map_err(|e| {
            bad(format!("{e}; each setting is a table of knob = value, e.g. [Low] then drive = 0.0"))
        })?;
        let mut knobs: Option<Vec<String>> = None;
        let mut values = BTreeMap::new();
        for (name, table) in &tables {
            let setting = Gain::from_folder(name).map_err(bad)?;
            if !settings.contains(&setting) {
                return Err(bad(format!("it gives knobs for \"{name}\", which has no folder under Train/")));
            }
            let names: Vec<String> = table.keys().cloned().collect();
            if names.is_empty() {
                return Err(bad(format!("\"{name}\" sets no knob")));
            }
            match &knobs {
                Some(first) if *first != names => {
                    return Err(bad(format!(
                        "\"{name}\" sets {} but another setting sets {}; every setting sets the same knobs",
                        names.join(", "),
                        first.join(", ")
                    )));
                }
                _ => knobs = Some(names),
            }
            if let Some((knob, v)) = table.iter().find(|(_, v)| !(0.0..=1.0).contains(*v)) {
                return Err(bad(format!("\"{name}\" sets {knob} = {v}; knob values run from 0 to 1")));
            }
            values.insert(setting, table.values().map(|&v| v as f32).collect());
        }
        if let Some(missing) = settings.iter().find(|s| !values.contains_key(s)) {
            return Err(bad(format!("it has no table for the setting \"{}\"; add [{}] with its knobs", missing.name(), missing.name())));
        }
        let knobs = knobs.ok_or_else(|| bad("it names no setting".to_owned()))?;
        let mut seen: Vec<&Vec<f32>> = values.values().collect();
        seen.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return Err(bad("two settings have the same knob values; a conditioned model could not tell them apart".to_owned()));
        }
        Ok(KnobTable { knobs, values })
    }

    /// A setting's knob values, in knob order (empty for a setting the table does not know).
    pub fn values(&self, setting: &Gain) -> &[f32] {
        self.values.get(setting).map_or(&[], Vec::as_slice)
    }

    /// Where the conditioned model's reports hold the other knobs while one knob sweeps: the middle of the
    /// recorded range of each.
    pub fn middle(&self) -> Vec<f32> {
        (0..self.knobs.len())
            .map(|i| {
                let column = self.values.values().map(|v| v[i]);
                let (lo, hi) = column.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
                0.5 * (lo + hi)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Gain {
        Gain::from_folder(name).unwrap()
    }

    fn read(text: &str, settings: &[Gain]) -> Result<KnobTable, DatasetError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KnobTable::FILE_NAME);
        std::fs::write(&path, text).unwrap();
        KnobTable::read(&path, settings)
    }

    #[test]
    fn the_study_settings_have_the_gain_knob() {
        let table = KnobTable::study(&Gain::FIXED).unwrap();
        assert_eq!(table.knobs, vec!["gain"]);
        assert_eq!(table.values(&Gain::Mid), &[0.5]);
        assert_eq!(KnobTable::study(&[Gain::Low, named("Drive 3")]), None);
    }

    #[test]
    fn a_settings_file_gives_each_setting_its_knobs() {
        let settings = [named("One"), named("Drive 3")];
        let table = read("[One]\ndrive = 0.1\ntone = 0.5\n[\"Drive 3\"]\ndrive = 0.3\ntone = 0.7\n", &settings).unwrap();
        assert_eq!(table.knobs, vec!["drive", "tone"]);
        assert_eq!(table.values(&named("Drive 3")), &[0.3, 0.7]);
        assert_eq!(table.middle(), vec![0.2, 0.6]);
    }

    #[test]
    fn a_bad_settings_file_says_what_is_wrong() {
        let settings = [named("A"), named("B")];
        let message = |text: &str| read(text, &settings).unwrap_err().to_string();
        assert!(message("[A]\nd = 0.1\n").contains("no table for the setting \"B\""));
        assert!(message("[A]\nd = 0.1\n[B]\nt = 0.2\n").contains("same knobs"));
        assert!(message("[A]\nd = 0.1\n[B]\nd = 1.5\n").contains("run from 0 to 1"));
        assert!(message("[A]\nd = 0.1\n[B]\nd = 0.1\n").contains("same knob values"));
        assert!(message("[A]\nd = 0.1\n[B]\nd = 0.2\n[C]\nd = 0.3\n").contains("no folder"));
        assert!(message("[A\n").contains("settings.toml"));
    }
}
