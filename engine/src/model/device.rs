//! The devices BlackBox knows by name: the study's two, whose recordings the grids train on. Any other device is
//! whatever its recordings' folders call it; these only add a full name and the study's epoch cap.

/// One of the study's devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyDevice {
    /// The command-line preset (`trainer --grid ds340`).
    pub preset: &'static str,
    /// The effect folder, and a model's `effect`.
    pub effect: &'static str,
    /// The experiment folder inside it, and a model's `experiment`.
    pub experiment: &'static str,
    /// For menus.
    pub short_name: &'static str,
    /// For the face of the plugin and the reports.
    pub full_name: &'static str,
    /// The study's epoch cap: 100 for the SD-1; 200 for the DSL20H, raised because slow SD-1 models had hit
    /// the cap before converging.
    pub max_epochs: usize,
}

pub const SD1: StudyDevice = StudyDevice {
    preset: "ds340",
    effect: "SD-1",
    experiment: "DS340",
    short_name: "SD-1",
    full_name: "Boss SD-1 Super OverDrive",
    max_epochs: 100,
};

pub const DSL20H: StudyDevice = StudyDevice {
    preset: "ultragain",
    effect: "DSL20HPreamp",
    experiment: "UltraGain",
    short_name: "DSL20H preamp",
    full_name: "Marshall DSL20H preamp · UltraGain channel",
    max_epochs: 200,
};

pub const STUDY_DEVICES: [StudyDevice; 2] = [SD1, DSL20H];

/// The epoch cap for a device that is not the study's.
pub const DEFAULT_MAX_EPOCHS: usize = 100;

/// A device's full name: the study's by their effect folder, any other as its effect's own name.
pub fn full_name(effect: &str) -> &str {
    STUDY_DEVICES.iter().find(|d| d.effect == effect).map_or(effect, |d| d.full_name)
}

/// A device's name for a menu: the study's by their short names, any other as its effect's own name.
pub fn short_name(effect: &str) -> &str {
    STUDY_DEVICES.iter().find(|d| d.effect == effect).map_or(effect, |d| d.short_name)
}

/// The study's devices first, in the study's order, then any others by name: how menus list devices.
pub fn device_order(effect: &str) -> (usize, &str) {
    (STUDY_DEVICES.iter().position(|d| d.effect == effect).unwrap_or(STUDY_DEVICES.len()), effect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn study_devices_have_full_names_and_others_keep_theirs() {
        assert_eq!(full_name("SD-1"), "Boss SD-1 Super OverDrive");
        assert_eq!(full_name("My DS-1"), "My DS-1");
        assert_eq!(short_name("DSL20HPreamp"), "DSL20H preamp");
        assert!(device_order("DSL20HPreamp") < device_order("AAA") && device_order("SD-1") < device_order("DSL20HPreamp"));
    }
}
