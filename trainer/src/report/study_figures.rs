//! The study's published test ESRs, so that a grid report can print them beside ours.
//!
//! Read from the study's parameter files (see `../shared/study/README.md` beside the checkout): the test ESR on
//! its song "shadowlove", recorded through the real SD-1 and DSL20H, scored one sample late. Ours come from
//! other songs and, until real recordings exist, from stand-in circuits, so the two columns say how each
//! project did on its own data, not which model is better.

use blackbox_engine::model::Gain;

/// The study's song the figures below were measured on.
pub const STUDY_SONG: &str = "shadowlove";

/// Rows in the study's order within a gain: ctx 44, 66, 88; units 64, 96; lr 1e-2, 1e-4. Columns Low, Mid, High.
const SD1_DS340: [[f32; 3]; 12] = [
    [0.0224, 0.0329, 0.0363],
    [0.0330, 0.0388, 0.0357],
    [0.0249, 0.0299, 0.0350],
    [0.0279, 0.0342, 0.0364],
    [0.0255, 0.0273, 0.0373],
    [0.0264, 0.0332, 0.0453],
    [0.0285, 0.0302, 0.0385],
    [0.0259, 0.0389, 0.0406],
    [0.0223, 0.0331, 0.0305],
    [0.0259, 0.0355, 0.0351],
    [0.0326, 0.0300, 0.0288],
    [0.0215, 0.0301, 0.0350],
];

const DSL20H_ULTRAGAIN: [[f32; 3]; 12] = [
    [0.2251, 0.2945, 0.2990],
    [0.2439, 0.2878, 0.3096],
    [0.2330, 0.2835, 0.2962],
    [0.2437, 0.2873, 0.2894],
    [0.1971, 0.2545, 0.2776],
    [0.2008, 0.2576, 0.2684],
    [0.2135, 0.2715, 0.2683],
    [0.2090, 0.2592, 0.2696],
    [0.2110, 0.2290, 0.2368],
    [0.1991, 0.2394, 0.2497],
    [0.1889, 0.2639, 0.2597],
    [0.1831, 0.2308, 0.2309],
];

/// The study's test ESR (a fraction) for one cell of its two grids; `None` for any other grid or setting.
pub fn published_esr(effect: &str, experiment: &str, gain: Gain, ctx: u32, units: u32, learning_rate: f64) -> Option<f32> {
    let table = match (effect, experiment) {
        ("SD-1", "DS340") => &SD1_DS340,
        ("DSL20HPreamp", "UltraGain") => &DSL20H_ULTRAGAIN,
        _ => return None,
    };
    let column = match gain {
        Gain::Low => 0,
        Gain::Mid => 1,
        Gain::High => 2,
        _ => return None,
    };
    let ctx_index = [44, 66, 88].iter().position(|&c| c == ctx)?;
    let units_index = [64, 96].iter().position(|&u| u == units)?;
    let lr_index = [1e-2, 1e-4].iter().position(|&lr: &f64| (lr - learning_rate).abs() < lr * 1e-6)?;
    Some(table[ctx_index * 4 + units_index * 2 + lr_index][column])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_found_in_the_study_order() {
        assert_eq!(published_esr("SD-1", "DS340", Gain::Low, 44, 64, 0.01), Some(0.0224));
        assert_eq!(published_esr("SD-1", "DS340", Gain::Mid, 44, 64, 0.0001), Some(0.0388));
        assert_eq!(published_esr("SD-1", "DS340", Gain::High, 88, 96, 0.0001), Some(0.0350));
        assert_eq!(published_esr("DSL20HPreamp", "UltraGain", Gain::High, 66, 96, 0.01), Some(0.2683));
        assert_eq!(published_esr("DSL20HPreamp", "UltraGain", Gain::Low, 88, 96, 0.0001), Some(0.1831));
    }

    #[test]
    fn other_grids_and_settings_have_none() {
        assert_eq!(published_esr("TS9", "real pair", Gain::Low, 88, 96, 0.01), None);
        assert_eq!(published_esr("SD-1", "DS340", Gain::Conditioned, 88, 64, 0.01), None);
        assert_eq!(published_esr("SD-1", "DS340", Gain::Low, 88, 32, 0.01), None);
        assert_eq!(published_esr("SD-1", "DS340", Gain::Low, 88, 64, 0.001), None);
    }
}
