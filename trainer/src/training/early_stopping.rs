use serde::{Deserialize, Serialize};

/// Keras' `EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)` as plain, checkpointable state.
///
/// An epoch improves when its validation loss is strictly below the best so far (Keras' `min_delta = 0`). After
/// `patience` epochs in a row without improvement training stops, and the weights of the best epoch are the ones
/// kept. A non-finite loss stops at once: an LSTM whose weights went NaN never recovers, and waiting `patience`
/// more epochs only burns time before the same restore.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    patience: usize,
    best: Option<f32>,
    best_epoch: usize,
    wait: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// New best: keep these weights.
    Improved,
    Continue,
    /// Stop training and restore the best weights.
    Stop,
    /// The loss is not a number: stop and restore the best weights.
    Diverged,
}

impl EarlyStopping {
    pub fn new(patience: usize) -> Self {
        EarlyStopping { patience, best: None, best_epoch: 0, wait: 0 }
    }

    /// Records the validation loss of `epoch` (0-based) and says what to do next.
    pub fn observe(&mut self, epoch: usize, validation_loss: f32) -> Verdict {
        if !validation_loss.is_finite() {
            return Verdict::Diverged;
        }
        if self.best.is_none_or(|best| validation_loss < best) {
            self.best = Some(validation_loss);
            self.best_epoch = epoch;
            self.wait = 0;
            return Verdict::Improved;
        }
        self.wait += 1;
        if self.wait >= self.patience { Verdict::Stop } else { Verdict::Continue }
    }

    /// Starts the count of epochs without improvement again (the best so far is kept).
    pub fn restart_wait(&mut self) {
        self.wait = 0;
    }

    pub fn best(&self) -> Option<f32> {
        self.best
    }

    /// 0-based epoch whose weights are kept.
    pub fn best_epoch(&self) -> usize {
        self.best_epoch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_patience_epochs_without_improvement() {
        let mut stopper = EarlyStopping::new(3);
        assert_eq!(stopper.observe(0, 1.0), Verdict::Improved);
        assert_eq!(stopper.observe(1, 0.5), Verdict::Improved);
        assert_eq!(stopper.observe(2, 0.5), Verdict::Continue, "equal is not an improvement (min_delta 0)");
        assert_eq!(stopper.observe(3, 0.7), Verdict::Continue);
        assert_eq!(stopper.observe(4, 0.6), Verdict::Stop);
        assert_eq!(stopper.best(), Some(0.5));
        assert_eq!(stopper.best_epoch(), 1);
    }

    #[test]
    fn an_improvement_resets_the_wait() {
        let mut stopper = EarlyStopping::new(2);
        stopper.observe(0, 1.0);
        assert_eq!(stopper.observe(1, 1.1), Verdict::Continue);
        assert_eq!(stopper.observe(2, 0.9), Verdict::Improved);
        assert_eq!(stopper.observe(3, 1.0), Verdict::Continue);
        assert_eq!(stopper.observe(4, 1.0), Verdict::Stop);
        assert_eq!(stopper.best_epoch(), 2);
    }

    #[test]
    fn a_nan_loss_diverges_and_keeps_the_best() {
        let mut stopper = EarlyStopping::new(15);
        stopper.observe(0, 0.2);
        assert_eq!(stopper.observe(1, f32::NAN), Verdict::Diverged);
        assert_eq!(stopper.best(), Some(0.2));
    }

    #[test]
    fn state_survives_a_checkpoint_round_trip() {
        let mut stopper = EarlyStopping::new(15);
        stopper.observe(0, 0.3);
        stopper.observe(1, 0.4);
        let restored: EarlyStopping = serde_json::from_str(&serde_json::to_string(&stopper).unwrap()).unwrap();
        assert_eq!(restored, stopper);
    }
}
