//! The Effect parameter: the devices found among the embedded models (the study's first, then any others by
//! name), then the user's own model file. Its values follow the build's device list, so the menu offers exactly
//! what this build can play.

use blackbox_engine::model::{full_name, short_name};

use crate::catalogue::DEVICES;

/// What the Effect parameter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// An index into [`DEVICES`].
    Device(usize),
    UserFile,
}

impl Effect {
    /// The parameter's largest value: the user's file comes after every embedded device.
    pub fn last_value() -> i32 {
        DEVICES.len() as i32
    }

    /// The parameter's value as a selection; anything past the devices is the user's file.
    pub fn from_value(value: i32) -> Effect {
        match usize::try_from(value) {
            Ok(index) if index < DEVICES.len() => Effect::Device(index),
            _ => Effect::UserFile,
        }
    }

    pub fn value(self) -> i32 {
        match self {
            Effect::Device(index) => index as i32,
            Effect::UserFile => Effect::last_value(),
        }
    }

    /// The models' `effect` name this selection plays, `None` for the user's file.
    pub fn effect_name(self) -> Option<&'static str> {
        match self {
            Effect::Device(index) => DEVICES.get(index).copied(),
            Effect::UserFile => None,
        }
    }

    /// The menu's text: "SD-1", "DSL20H preamp", a captured device's own name, "User model file".
    pub fn label(self) -> &'static str {
        self.effect_name().map_or("User model file", short_name)
    }

    /// The device's full name, for the face of the editor.
    pub fn full_name(self) -> &'static str {
        self.effect_name().map_or("Your model file", full_name)
    }

    /// The parameter's display text for a value.
    pub fn value_label(value: i32) -> String {
        Effect::from_value(value).label().to_owned()
    }

    /// The value for a display text (or an effect folder name, or the bare number), so a host can set it by name.
    pub fn value_from_label(text: &str) -> Option<i32> {
        let text = text.trim();
        (0..=Effect::last_value())
            .find(|&v| {
                let effect = Effect::from_value(v);
                effect.label().eq_ignore_ascii_case(text) || effect.effect_name().is_some_and(|e| e.eq_ignore_ascii_case(text))
            })
            .or_else(|| text.parse::<i32>().ok().filter(|v| (0..=Effect::last_value()).contains(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_names_a_device_or_the_users_file_and_reads_back() {
        assert_eq!(Effect::from_value(Effect::last_value()), Effect::UserFile);
        for value in 0..=Effect::last_value() {
            let effect = Effect::from_value(value);
            assert_eq!(effect.value(), value);
            assert_eq!(Effect::value_from_label(&Effect::value_label(value)), Some(value), "{effect:?}");
        }
        assert_eq!(Effect::value_from_label("no such device"), None);
    }

    #[test]
    fn the_study_devices_come_first_when_embedded() {
        if let Some(sd1) = DEVICES.iter().position(|d| *d == "SD-1") {
            assert_eq!(sd1, 0);
            assert_eq!(Effect::Device(0).label(), "SD-1");
            assert_eq!(Effect::value_from_label("sd-1"), Some(0));
        }
        if DEVICES.contains(&"DSL20HPreamp") {
            assert_eq!(Effect::value_from_label("DSL20H preamp"), Effect::value_from_label("DSL20HPreamp"));
        }
    }
}
