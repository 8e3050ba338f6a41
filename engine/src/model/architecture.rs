//! A model's size and recipe in the study's three numbers, and how every menu and report spells them.

/// Context (window or truncation length), LSTM units and learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Architecture {
    pub context: u32,
    pub hidden_size: u32,
    pub learning_rate: f64,
}

/// The study's 12 architectures: ctx {44, 66, 88} x units {64, 96} x lr {1e-2, 1e-4}, in the study's loop order
/// (ctx, then units, then learning rate).
pub const STUDY_ARCHITECTURES: [Architecture; 12] = {
    let contexts = [44, 66, 88];
    let units = [64, 96];
    let rates = [1e-2, 1e-4];
    let mut out = [Architecture { context: 0, hidden_size: 0, learning_rate: 0.0 }; 12];
    let mut i = 0;
    while i < 12 {
        out[i] =
            Architecture { context: contexts[i / 4], hidden_size: units[(i / 2) % 2], learning_rate: rates[i % 2] };
        i += 1;
    }
    out
};

impl Architecture {
    /// "ctx 88 · 96 units · lr 1e-4": the learning rate positional from 1e-3 up, scientific below.
    pub fn label(&self) -> String {
        let lr = if self.learning_rate >= 1e-3 {
            format!("{}", self.learning_rate)
        } else {
            format!("{:e}", self.learning_rate)
        };
        format!("ctx {} · {} units · lr {lr}", self.context, self.hidden_size)
    }

    /// Same numbers, the learning rate compared to a relative 1e-6 (it went through text and back).
    pub fn same_as(&self, other: &Architecture) -> bool {
        self.context == other.context
            && self.hidden_size == other.hidden_size
            && (self.learning_rate / other.learning_rate - 1.0).abs() < 1e-6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_like_the_menus() {
        assert_eq!(STUDY_ARCHITECTURES[0].label(), "ctx 44 · 64 units · lr 0.01");
        assert_eq!(STUDY_ARCHITECTURES[11].label(), "ctx 88 · 96 units · lr 1e-4");
        assert!(STUDY_ARCHITECTURES[3].same_as(&Architecture { context: 44, hidden_size: 96, learning_rate: 1.0000001e-4 }));
    }
}
