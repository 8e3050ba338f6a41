//! Which setting of a device a model reproduces: the study's Low / Mid / High, a setting of any other device
//! by its folder name, or every setting at once (a conditioned model, whose extra inputs are the knobs).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A setting's name as its recordings' folder spells it. Inline and `Copy` so that a setting can key maps and
/// sit in grid cells like the study's three, and built in a `const` so that the plugin's build-time table of
/// embedded models can hold one; 32 bytes is far more than a folder name like "Drive 3" needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SettingName {
    bytes: [u8; SettingName::CAPACITY],
    len: u8,
}

impl SettingName {
    pub const CAPACITY: usize = 32;

    /// `None` when `name` is longer than [`Self::CAPACITY`] bytes.
    pub const fn new(name: &str) -> Option<SettingName> {
        let source = name.as_bytes();
        if source.len() > Self::CAPACITY {
            return None;
        }
        let mut bytes = [0u8; Self::CAPACITY];
        let mut i = 0;
        while i < source.len() {
            bytes[i] = source[i];
            i += 1;
        }
        Some(SettingName { bytes, len: source.len() as u8 })
    }

    pub fn as_str(&self) -> &str {
        // Only `new` fills the bytes, from a whole `&str`, so they are always UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for SettingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for SettingName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SettingName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        SettingName::new(&name).ok_or_else(|| serde::de::Error::custom(format!("setting name \"{name}\" is too long")))
    }
}

/// Which setting a model reproduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Gain {
    Low,
    Mid,
    High,
    /// One model for every setting: its extra inputs are the knobs (the study's gain knob: Low 0, Mid 0.5,
    /// High 1).
    Conditioned,
    /// A device captured at one setting, outside the study's three (`trainer fit` with one recording).
    Single,
    /// A recorded setting of a device other than the study's, named by its folder (e.g. "Drive 3").
    Named(SettingName),
}

impl Gain {
    pub const FIXED: [Gain; 3] = [Gain::Low, Gain::Mid, Gain::High];

    /// The folder and file-name spelling.
    pub fn name(&self) -> &str {
        match self {
            Gain::Low => "Low",
            Gain::Mid => "Mid",
            Gain::High => "High",
            Gain::Conditioned => "Conditioned",
            Gain::Single => "Single",
            Gain::Named(name) => name.as_str(),
        }
    }

    /// Position of a study setting on the study's gain knob; `None` for every other setting, whose knob values
    /// (if any) come from the recordings' `settings.toml`.
    pub fn knob(&self) -> Option<f32> {
        match self {
            Gain::Low => Some(0.0),
            Gain::Mid => Some(0.5),
            Gain::High => Some(1.0),
            Gain::Conditioned | Gain::Single | Gain::Named(_) => None,
        }
    }

    /// The setting a recordings folder names: the study's three by their spelling, anything else by name.
    pub fn from_folder(name: &str) -> Result<Gain, String> {
        if let Some(study) = Gain::FIXED.into_iter().find(|g| g.name() == name) {
            return Ok(study);
        }
        if ["Conditioned", "Single"].contains(&name) {
            return Err(format!("\"{name}\" names a kind of model, not a setting; rename the folder"));
        }
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '_']) {
            return Err(format!(
                "\"{name}\" cannot name a setting (model file names join their parts with '_'); use letters, \
                 digits, spaces, '-' or '.'"
            ));
        }
        SettingName::new(name).map(Gain::Named).ok_or_else(|| {
            format!("\"{name}\" is longer than {} bytes; give the setting a shorter name", SettingName::CAPACITY)
        })
    }
}

/// The study's one knob: where a conditioned model of the study's recordings reads its gain.
pub const STUDY_KNOB: &str = "gain";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_settings() {
        assert_eq!(Gain::from_folder("Mid"), Ok(Gain::Mid));
        let named = Gain::from_folder("Drive 3").unwrap();
        assert_eq!(named.name(), "Drive 3");
        assert_eq!(named.knob(), None);
        assert!(Gain::from_folder("Conditioned").is_err());
        assert!(Gain::from_folder("a_b").is_err());
        assert!(Gain::from_folder(".hidden").is_err());
        assert!(Gain::from_folder(&"x".repeat(33)).is_err());
    }
}
