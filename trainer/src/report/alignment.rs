//! What the study's one-sample misalignment costs by itself.
//!
//! The study's test compared the window ending at t with wet[t + 1]. Even a perfect model (one that outputs
//! wet[t]) then scores ESR = sum (w[t+1] - w[t])^2 / sum w[t+1]^2 = 2 (1 - r1), where r1 is the lag-1
//! autocorrelation of the wet signal. Bright, high-gain signals decorrelate fastest from one sample to the
//! next, which is why the shift alone can cost tens of percent on a tube preamp and under one percent on an
//! overdrive pedal. The reports print this floor beside the study-compatible ESR so the two can be compared.

/// Lag-1 autocorrelation of a signal, uncentred (ESR does not remove the mean either), normalised by the
/// energies of the two overlapping stretches so that it lies in [-1, 1] exactly (Cauchy-Schwarz).
///
/// `None` for fewer than two samples, a silent signal or a non-finite sample: no correlation is defined.
pub fn lag1_autocorrelation(signal: &[f32]) -> Option<f64> {
    let sums = LagSums::of(signal)?;
    let denominator = (sums.early_energy * sums.late_energy).sqrt();
    (denominator > 0.0).then(|| (sums.cross / denominator).clamp(-1.0, 1.0))
}

/// The ESR a perfect model would score under the study's one-sample-late comparison on this wet signal:
/// sum (w[t+1] - w[t])^2 / sum w[t+1]^2, computed exactly (it equals 2 (1 - r1) up to the two edge samples).
/// As a fraction: 0.02 = 2 %. The maximum, 4, belongs to a signal that flips sign every sample.
///
/// `None` for fewer than two samples, a silent signal or a non-finite sample.
pub fn one_sample_shift_esr(wet: &[f32]) -> Option<f64> {
    let sums = LagSums::of(wet)?;
    if sums.late_energy <= 0.0 {
        return None;
    }
    // Expanded form of sum (w[t+1] - w[t])^2; accumulated in f64, so no cancellation worth fearing at the
    // lengths of a song (the terms are all O(1) and the result is compared at the 1e-4 level).
    let error = (sums.late_energy + sums.early_energy - 2.0 * sums.cross).max(0.0);
    Some(error / sums.late_energy)
}

/// The three sums both figures are made of, in f64 because a song has millions of samples.
struct LagSums {
    /// sum over t < n-1 of w[t]^2.
    early_energy: f64,
    /// sum over t >= 1 of w[t]^2.
    late_energy: f64,
    /// sum over t < n-1 of w[t] w[t+1].
    cross: f64,
}

impl LagSums {
    fn of(signal: &[f32]) -> Option<LagSums> {
        if signal.len() < 2 || signal.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut sums = LagSums { early_energy: 0.0, late_energy: 0.0, cross: 0.0 };
        for pair in signal.windows(2) {
            let (now, next) = (f64::from(pair[0]), f64::from(pair[1]));
            sums.early_energy += now * now;
            sums.late_energy += next * next;
            sums.cross += now * next;
        }
        (sums.early_energy > 0.0 || sums.late_energy > 0.0).then_some(sums)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(cycles_per_sample: f64, len: usize) -> Vec<f32> {
        (0..len).map(|i| (std::f64::consts::TAU * cycles_per_sample * i as f64).sin() as f32).collect()
    }

    #[test]
    fn a_sine_costs_two_times_one_minus_the_cosine_of_its_phase_step() {
        // 1 kHz and 5 kHz at 44.1 kHz over a whole number of periods: r1 = cos(2 pi f / fs) analytically.
        for (freq, len) in [(1000.0, 44_100), (5000.0, 44_100)] {
            let step = freq / 44_100.0;
            let expected = 2.0 * (1.0 - (std::f64::consts::TAU * step).cos());
            let got = one_sample_shift_esr(&sine(step, len)).expect("a sine has energy");
            assert!((got - expected).abs() < 1e-3 * expected, "{freq} Hz: {got} vs {expected}");
            let r1 = lag1_autocorrelation(&sine(step, len)).expect("a sine has energy");
            assert!((2.0 * (1.0 - r1) - expected).abs() < 1e-3 * expected, "{freq} Hz: r1 {r1}");
        }
    }

    #[test]
    fn brighter_signals_cost_more_than_darker_ones() {
        let low = one_sample_shift_esr(&sine(100.0 / 44_100.0, 44_100)).unwrap();
        let high = one_sample_shift_esr(&sine(8000.0 / 44_100.0, 44_100)).unwrap();
        assert!(low < 1e-3, "100 Hz barely changes in one sample: {low}");
        assert!(high > 100.0 * low, "8 kHz {high} vs 100 Hz {low}");
    }

    #[test]
    fn the_extremes_are_zero_for_dc_and_four_for_a_sign_flip_every_sample() {
        let dc = vec![0.5f32; 1000];
        assert!(one_sample_shift_esr(&dc).unwrap().abs() < 1e-12);
        assert!((lag1_autocorrelation(&dc).unwrap() - 1.0).abs() < 1e-12);
        let nyquist: Vec<f32> = (0..1000).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }).collect();
        assert!((one_sample_shift_esr(&nyquist).unwrap() - 4.0).abs() < 1e-12);
        assert!((lag1_autocorrelation(&nyquist).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_exact_shift_esr_matches_two_times_one_minus_r1_on_a_long_signal() {
        // A decaying, noisy, non-periodic signal: the identity must hold beyond the textbook sine.
        let mut state = 12_345u32;
        let signal: Vec<f32> = (0..20_000)
            .map(|i| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                (i as f32 * 0.05).sin() * (-(i as f32) / 30_000.0).exp() + 0.1 * noise
            })
            .collect();
        let exact = one_sample_shift_esr(&signal).unwrap();
        let r1 = lag1_autocorrelation(&signal).unwrap();
        assert!((exact - 2.0 * (1.0 - r1)).abs() < 1e-3, "{exact} vs {}", 2.0 * (1.0 - r1));
    }

    #[test]
    fn undefined_inputs_give_no_figure() {
        assert_eq!(one_sample_shift_esr(&[]), None);
        assert_eq!(one_sample_shift_esr(&[0.3]), None);
        assert_eq!(one_sample_shift_esr(&[0.0; 64]), None);
        assert_eq!(one_sample_shift_esr(&[0.1, f32::NAN, 0.2]), None);
        assert_eq!(lag1_autocorrelation(&[0.0; 64]), None);
    }
}
