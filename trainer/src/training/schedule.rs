/// How the learning rate moves during training.
///
/// The study kept it constant, so its grids do. A capture has one device and a fixed CPU budget, and a constant
/// rate of 1e-2 leaves Adam hopping around the minimum: halving the rate whenever validation stalls (Keras'
/// `ReduceLROnPlateau` with no cooldown) settles it there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LrSchedule {
    Constant,
    /// After `patience` epochs in a row without a new best validation loss, multiply the rate by `factor` and
    /// start counting again; never below `floor`.
    Plateau { factor: f64, patience: usize, floor: f64 },
    /// Multiply the rate by `factor` after every epoch, whatever validation does; never below `floor`.
    Exponential { factor: f64, floor: f64 },
}

impl LrSchedule {
    /// The rate for the next epoch after the validation losses of the epochs so far.
    ///
    /// A pure function of the history, which the checkpoint already keeps, so a resumed run continues at the
    /// rate an uninterrupted one would have reached.
    pub fn rate(&self, base: f64, validation_losses: &[f32]) -> f64 {
        let (factor, patience, floor) = match *self {
            LrSchedule::Constant => return base,
            LrSchedule::Exponential { factor, floor } => {
                return (base * factor.powi(validation_losses.len() as i32)).max(floor);
            }
            LrSchedule::Plateau { factor, patience, floor } => (factor, patience, floor),
        };
        let mut rate = base;
        let mut best = f32::INFINITY;
        let mut wait = 0;
        for &loss in validation_losses {
            if loss < best {
                best = loss;
                wait = 0;
            } else {
                wait += 1;
                if wait >= patience {
                    rate = (rate * factor).max(floor);
                    wait = 0;
                }
            }
        }
        rate
    }
}

impl LrSchedule {
    /// Whether the plateau rule lowers the rate before the epoch that follows `validation_losses`. Early
    /// stopping then starts its count again: a validation loss as noisy as a one-minute capture's stalls for
    /// a few epochs at any rate, and a stop before the lowered rate has had its epochs ends the run at a lucky
    /// epoch of a noisy stretch instead of at a settled model.
    pub fn cuts_before_next_epoch(&self, base: f64, validation_losses: &[f32]) -> bool {
        match (self, validation_losses.split_last()) {
            (LrSchedule::Plateau { .. }, Some((_, earlier))) => self.rate(base, validation_losses) < self.rate(base, earlier),
            _ => false,
        }
    }
}

impl std::fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LrSchedule::Constant => write!(f, "held"),
            LrSchedule::Plateau { factor, patience, floor } => {
                write!(f, "x {factor} after {patience} epochs without a better validation loss, down to {floor:e}")
            }
            LrSchedule::Exponential { factor, floor } => write!(f, "x {factor} after every epoch, down to {floor:e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLATEAU: LrSchedule = LrSchedule::Plateau { factor: 0.5, patience: 2, floor: 1e-4 };

    #[test]
    fn a_constant_schedule_ignores_the_history() {
        assert_eq!(LrSchedule::Constant.rate(0.01, &[1.0, 2.0, 3.0, 4.0]), 0.01);
    }

    #[test]
    fn the_rate_halves_after_each_stall_of_patience_epochs() {
        assert_eq!(PLATEAU.rate(0.01, &[]), 0.01);
        assert_eq!(PLATEAU.rate(0.01, &[1.0, 0.9, 0.8]), 0.01, "improving: unchanged");
        assert_eq!(PLATEAU.rate(0.01, &[1.0, 1.1]), 0.01, "one stalled epoch is within patience");
        assert_eq!(PLATEAU.rate(0.01, &[1.0, 1.1, 1.0]), 0.005, "equal is not better");
        assert_eq!(PLATEAU.rate(0.01, &[1.0, 1.1, 1.2, 1.3, 1.4]), 0.0025, "the count restarts after a cut");
        assert_eq!(PLATEAU.rate(0.01, &[1.0, 1.1, 1.2, 0.5, 0.6]), 0.005, "a new best resets the wait");
    }

    #[test]
    fn an_exponential_schedule_counts_epochs_only() {
        let decay = LrSchedule::Exponential { factor: 0.5, floor: 1e-3 };
        assert_eq!(decay.rate(0.01, &[]), 0.01);
        assert_eq!(decay.rate(0.01, &[1.0, 0.5]), 0.0025);
        assert_eq!(decay.rate(0.01, &[1.0, 2.0]), 0.0025, "validation does not matter");
        assert_eq!(decay.rate(0.01, &[1.0; 10]), 1e-3);
    }

    #[test]
    fn a_plateau_cut_is_reported_before_the_epoch_it_slows() {
        let history = [1.0, 1.1, 1.2, 1.3, 1.4];
        let cuts: Vec<bool> = (0..=history.len()).map(|n| PLATEAU.cuts_before_next_epoch(0.01, &history[..n])).collect();
        assert_eq!(cuts, [false, false, false, true, false, true]);
        let decay = LrSchedule::Exponential { factor: 0.5, floor: 1e-3 };
        assert!(!decay.cuts_before_next_epoch(0.01, &history), "only the plateau rule restarts early stopping");
    }

    #[test]
    fn the_rate_stops_at_its_floor() {
        let stalled = vec![1.0; 100];
        assert_eq!(PLATEAU.rate(0.01, &stalled), 1e-4);
    }
}
