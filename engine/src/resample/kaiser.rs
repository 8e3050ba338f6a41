use std::f64::consts::{PI, TAU};

/// Stopband attenuation each polyphase stage is designed for. The round trip must reject images and aliases
/// by more than 60 dB; Kaiser's formulas are approximate, so the design aims 10 dB beyond that.
pub(crate) const STOPBAND_DB: f64 = 70.0;

/// Where the passband ends, as a fraction of the stopband edge: 18 kHz of the model's 22.05 kHz Nyquist.
/// The transition band (18 -> 22.05 kHz) sets the filter's length, and the length sets the latency.
pub(crate) const PASSBAND_FRACTION: f64 = 18_000.0 / 22_050.0;

/// A Kaiser-windowed sinc lowpass in continuous time, sampled at whatever instants a polyphase stage needs.
///
/// The stopband starts at the lower of the two Nyquist frequencies, so nothing the model cannot represent is
/// folded into it (the LSTM is nonlinear: aliases going in would come out as audible junk), and every image
/// the model's output leaves above its Nyquist is removed on the way back up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kernel {
    cutoff_hz: f64,
    half_width_s: f64,
    beta: f64,
    i0_beta: f64,
}

impl Kernel {
    /// The shortest kernel that passes up to `PASSBAND_FRACTION * stop_hz` and attenuates `stop_hz` and above
    /// by [`STOPBAND_DB`], by Kaiser's length and shape formulas.
    pub(crate) fn lowpass(stop_hz: f64) -> Self {
        let pass_hz = stop_hz * PASSBAND_FRACTION;
        let transition_hz = stop_hz - pass_hz;
        let beta = 0.1102 * (STOPBAND_DB - 8.7);
        // Kaiser: N - 1 = (A - 7.95) / (2.285 * 2 pi * df / fs) taps, that is (A - 7.95) / (2.285 * 2 pi * df)
        // seconds whatever the rate it is sampled at.
        let length_s = (STOPBAND_DB - 7.95) / (2.285 * TAU * transition_hz);
        Kernel { cutoff_hz: 0.5 * (pass_hz + stop_hz), half_width_s: 0.5 * length_s, beta, i0_beta: bessel_i0(beta) }
    }

    /// Where the passband ends and the stopband begins, halfway: the sinc's own cutoff.
    pub(crate) fn cutoff_hz(&self) -> f64 {
        self.cutoff_hz
    }

    /// Half the kernel's support: also each stage's share of the round trip's latency.
    pub(crate) fn half_width_s(&self) -> f64 {
        self.half_width_s
    }

    /// The kernel at `t` seconds from its centre, unscaled (each polyphase phase is normalised to unit DC gain).
    pub(crate) fn at(&self, t: f64) -> f64 {
        let x = t / self.half_width_s;
        if x.abs() >= 1.0 {
            return 0.0;
        }
        let window = bessel_i0(self.beta * (1.0 - x * x).sqrt()) / self.i0_beta;
        let arg = 2.0 * self.cutoff_hz * t;
        let sinc = if arg == 0.0 { 1.0 } else { (PI * arg).sin() / (PI * arg) };
        sinc * window
    }
}

/// Modified Bessel function of the first kind, order zero, by its power series (converges fast for the
/// arguments a Kaiser window uses, below 15).
fn bessel_i0(x: f64) -> f64 {
    let quarter_x2 = 0.25 * x * x;
    let (mut term, mut sum) = (1.0, 1.0);
    for k in 1..200 {
        term *= quarter_x2 / (k * k) as f64;
        sum += term;
        if term < sum * 1e-17 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bessel_i0_matches_known_values() {
        assert_eq!(bessel_i0(0.0), 1.0);
        assert!((bessel_i0(1.0) - 1.266_065_877_752_008_4).abs() < 1e-14);
        assert!((bessel_i0(5.0) - 27.239_871_823_604_45).abs() < 1e-11);
    }

    #[test]
    fn the_model_rate_kernel_is_about_a_millisecond_long_and_symmetric() {
        let kernel = Kernel::lowpass(22_050.0);
        assert!((0.5e-3..0.56e-3).contains(&kernel.half_width_s()), "{}", kernel.half_width_s());
        assert_eq!(kernel.at(0.0), 1.0);
        assert_eq!(kernel.at(1e-4), kernel.at(-1e-4));
        assert_eq!(kernel.at(kernel.half_width_s()), 0.0);
    }
}
