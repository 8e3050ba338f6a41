//! How far a model's prediction is from the wet recording: the study's error-to-signal ratio plus MSE and MAE.
//!
//! Sums are accumulated in f64: a three-minute song is 8 million samples, and an f32 running sum of squares
//! stops growing once it is 2^24 times larger than each new term.

/// Error-to-signal ratio, MSE and MAE of one prediction. ESR as a fraction (0.03 = 3 %).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metrics {
    pub esr: f64,
    pub mse: f64,
    pub mae: f64,
}

impl Metrics {
    /// All three over the common length of `target` (the wet recording) and `prediction`.
    pub fn between(target: &[f32], prediction: &[f32]) -> Self {
        let sums = Sums::of(target, prediction);
        Metrics { esr: sums.esr(), mse: sums.mse(), mae: sums.mae() }
    }
}

/// `sum((t - p)^2) / sum(t^2)` over the common length: 0 is perfect, 1 is as bad as predicting silence.
///
/// A silent target has no signal to compare with: the ratio is 0 when the prediction is silent too and
/// infinite otherwise (unlike the study's Keras loss, whose epsilon of 1e-50 underflows in f32 and yields NaN).
pub fn esr(target: &[f32], prediction: &[f32]) -> f64 {
    Sums::of(target, prediction).esr()
}

/// Mean squared error over the common length (0 for empty input).
pub fn mse(target: &[f32], prediction: &[f32]) -> f64 {
    Sums::of(target, prediction).mse()
}

/// Mean absolute error over the common length (0 for empty input).
pub fn mae(target: &[f32], prediction: &[f32]) -> f64 {
    Sums::of(target, prediction).mae()
}

struct Sums {
    count: usize,
    squared_error: f64,
    absolute_error: f64,
    signal: f64,
}

impl Sums {
    fn of(target: &[f32], prediction: &[f32]) -> Self {
        let mut sums = Sums { count: 0, squared_error: 0.0, absolute_error: 0.0, signal: 0.0 };
        for (&t, &p) in target.iter().zip(prediction) {
            let (t, e) = (t as f64, t as f64 - p as f64);
            sums.count += 1;
            sums.squared_error += e * e;
            sums.absolute_error += e.abs();
            sums.signal += t * t;
        }
        sums
    }

    fn esr(&self) -> f64 {
        if self.squared_error == 0.0 {
            0.0
        } else if self.signal == 0.0 {
            f64::INFINITY
        } else {
            self.squared_error / self.signal
        }
    }

    fn mse(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.squared_error / self.count as f64 }
    }

    fn mae(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.absolute_error / self.count as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esr_is_error_energy_over_target_energy() {
        let target = [1.0, -2.0, 0.5, 0.0];
        let prediction = [0.5, -2.0, 1.0, 0.25];
        let expected = (0.25 + 0.0 + 0.25 + 0.0625) / (1.0 + 4.0 + 0.25);
        assert!((esr(&target, &prediction) - expected).abs() < 1e-15);
        assert!((mse(&target, &prediction) - 0.5625 / 4.0).abs() < 1e-15);
        assert!((mae(&target, &prediction) - 1.25 / 4.0).abs() < 1e-15);
    }

    #[test]
    fn perfect_prediction_scores_zero_and_silence_scores_one() {
        let target: Vec<f32> = (0..1000).map(|n| (n as f32 * 0.01).sin()).collect();
        assert_eq!(esr(&target, &target), 0.0);
        assert!((esr(&target, &vec![0.0; 1000]) - 1.0).abs() < 1e-12);
        // ESR does not depend on loudness; MSE does.
        let scaled = |s: f32| target.iter().map(|v| v * s).collect::<Vec<_>>();
        let (half, tenth) = (scaled(0.5), scaled(0.1));
        let (a, b) = (Metrics::between(&target, &half), Metrics::between(&scaled(0.2), &tenth));
        assert!((a.esr - b.esr).abs() < 1e-9 && a.esr > 0.2);
        assert!(a.mse > 20.0 * b.mse);
    }

    #[test]
    fn silent_target_is_zero_when_matched_and_infinite_otherwise() {
        assert_eq!(esr(&[0.0; 8], &[0.0; 8]), 0.0);
        assert_eq!(esr(&[0.0; 8], &[0.0, 0.0, 1e-3, 0.0, 0.0, 0.0, 0.0, 0.0]), f64::INFINITY);
        assert_eq!(esr(&[], &[]), 0.0);
        assert_eq!(Metrics::between(&[], &[]), Metrics { esr: 0.0, mse: 0.0, mae: 0.0 });
    }

    #[test]
    fn long_signals_accumulate_without_f32_drift() {
        // 4 million equal errors: an f32 running sum of 0.01-sized terms drifts by about 1e-2 relative by then.
        let n = 1 << 22;
        let target = vec![1.0f32; n];
        let prediction = vec![0.9f32; n];
        let expected = (1.0f64 - 0.9f32 as f64).powi(2);
        let relative = (esr(&target, &prediction) - expected).abs() / expected;
        assert!(relative < 1e-9, "relative error {relative:e}");
    }
}
