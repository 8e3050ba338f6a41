use blackbox_engine::model::Gain;

/// Context sizes in samples (1, 1.5 and 2 ms at 44.1 kHz).
pub const CONTEXTS: [usize; 3] = [44, 66, 88];
pub const UNITS: [usize; 2] = [64, 96];
pub const LEARNING_RATES: [f64; 2] = [1e-2, 1e-4];

/// One model of the grid: a gain setting and a hyperparameter combination.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridCell {
    /// Position in the study's loop order gain -> ctx -> units -> lr (Model_0 = Low/64/0.01/44).
    pub number: usize,
    pub gain: Gain,
    pub ctx: usize,
    pub units: usize,
    pub learning_rate: f64,
}

impl GridCell {
    /// The study's file stem, e.g. `model_Low_64_0.01_44_0` (learning rate spelt as Python's `str(float)`).
    pub fn name(&self) -> String {
        format!("model_{}_{}_{}_{}_{}", self.gain.name(), self.units, lr_label(self.learning_rate), self.ctx, self.number)
    }

    /// A label for menus: "ctx 88 · 96 units · lr 1e-4".
    pub fn architecture_label(&self) -> String {
        let lr = if self.learning_rate >= 1e-3 { lr_label(self.learning_rate) } else { format!("{:e}", self.learning_rate) };
        format!("ctx {} · {} units · lr {lr}", self.ctx, self.units)
    }
}

fn lr_label(lr: f64) -> String {
    // Python prints 0.01 and 0.0001 in positional notation; Rust's Display does too for these values.
    format!("{lr}")
}

/// All 36 cells in the study's order.
pub fn cells() -> Vec<GridCell> {
    let mut out = Vec::with_capacity(36);
    for gain in Gain::FIXED {
        for ctx in CONTEXTS {
            for units in UNITS {
                for learning_rate in LEARNING_RATES {
                    out.push(GridCell { number: out.len(), gain, ctx, units, learning_rate });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_follows_the_study_loop_order() {
        let cells = cells();
        assert_eq!(cells.len(), 36);
        assert_eq!(cells[0].name(), "model_Low_64_0.01_44_0");
        assert_eq!(cells[1].name(), "model_Low_64_0.0001_44_1");
        assert_eq!(cells[2].name(), "model_Low_96_0.01_44_2");
        assert_eq!(cells[4].name(), "model_Low_64_0.01_66_4");
        assert_eq!(cells[12].gain, Gain::Mid);
        assert_eq!(cells[35].name(), "model_High_96_0.0001_88_35");
        assert!(cells.iter().enumerate().all(|(i, c)| c.number == i));
    }

    #[test]
    fn architecture_label_reads_like_the_plugin_menu() {
        assert_eq!(cells()[35].architecture_label(), "ctx 88 · 96 units · lr 1e-4");
        assert_eq!(cells()[0].architecture_label(), "ctx 44 · 64 units · lr 0.01");
    }
}
