use blackbox_engine::model::{Architecture, Gain, STUDY_ARCHITECTURES};

/// One model of the grid: a setting and a hyperparameter combination.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridCell {
    /// Position in the study's loop order setting -> ctx -> units -> lr (Model_0 = Low/64/0.01/44).
    pub number: usize,
    pub gain: Gain,
    pub ctx: usize,
    pub units: usize,
    pub learning_rate: f64,
}

impl GridCell {
    /// The study's file stem, e.g. `model_Low_64_0.01_44_0` (learning rate spelt as Python's `str(float)`, which
    /// Rust's Display matches for the study's rates).
    pub fn name(&self) -> String {
        format!("model_{}_{}_{}_{}_{}", self.gain.name(), self.units, self.learning_rate, self.ctx, self.number)
    }

    pub fn architecture(&self) -> Architecture {
        Architecture { context: self.ctx as u32, hidden_size: self.units as u32, learning_rate: self.learning_rate }
    }
}

/// The study's 36 cells (Low, Mid, High x its 12 architectures) in its order.
pub fn cells() -> Vec<GridCell> {
    cells_for(&Gain::FIXED)
}

/// A grid over any device's settings: each setting with the study's 12 architectures, numbered in the study's
/// loop order.
pub fn cells_for(settings: &[Gain]) -> Vec<GridCell> {
    let mut out = Vec::with_capacity(settings.len() * STUDY_ARCHITECTURES.len());
    for &gain in settings {
        for a in STUDY_ARCHITECTURES {
            out.push(GridCell {
                number: out.len(),
                gain,
                ctx: a.context as usize,
                units: a.hidden_size as usize,
                learning_rate: a.learning_rate,
            });
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
    fn any_settings_make_a_grid_of_twelve_each() {
        let settings = [Gain::from_folder("One").unwrap(), Gain::from_folder("Two").unwrap()];
        let cells = cells_for(&settings);
        assert_eq!(cells.len(), 24);
        assert_eq!(cells[13].name(), "model_Two_64_0.0001_44_13");
        assert_eq!(cells[23].architecture().label(), "ctx 88 · 96 units · lr 1e-4");
    }
}
