//! Goertzel's single-bin DFT: harmonic levels of a test tone without an FFT (Goertzel, "An algorithm for the
//! evaluation of finite trigonometric series", Amer. Math. Monthly 1958). Used by the circuit tests and by the
//! `synth` report.

/// Amplitude of the component at `hz` in `x` (sample rate `fs`), Hann-windowed so that leakage from a strong
/// fundamental does not mask a weak harmonic.
pub fn tone_amplitude(x: &[f64], hz: f64, fs: f64) -> f64 {
    let n = x.len();
    let w = std::f64::consts::TAU * hz / fs;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    let mut window_sum = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let win = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos();
        window_sum += win;
        let s0 = v * win + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let re = s1 - s2 * w.cos();
    let im = s2 * w.sin();
    2.0 * (re * re + im * im).sqrt() / window_sum
}

/// Total harmonic distortion, `sqrt(Σ_{k=2..=10} A_k²) / A_1`, harmonics above `fs/2` skipped.
pub fn thd(x: &[f64], fundamental: f64, fs: f64) -> f64 {
    let a1 = tone_amplitude(x, fundamental, fs);
    let harmonics: f64 = (2..=10)
        .map(|k| k as f64 * fundamental)
        .filter(|&f| f < fs / 2.0)
        .map(|f| tone_amplitude(x, f, fs).powi(2))
        .sum();
    harmonics.sqrt() / a1
}

/// Level of the strongest alias of a `fundamental` tone's harmonics (those above Nyquist, folded back into
/// 50 Hz–20 kHz and not on a harmonic), in dB below the fundamental: how well oversampling kept a
/// nonlinearity's images out of the band.
pub fn worst_alias_db(x: &[f64], fundamental: f64, fs: f64) -> f64 {
    let a1 = tone_amplitude(x, fundamental, fs);
    let mut worst = 1e-300_f64;
    for k in 2..400 {
        let f = k as f64 * fundamental;
        if f < fs / 2.0 {
            continue;
        }
        let mut folded = f % fs;
        if folded > fs / 2.0 {
            folded = fs - folded;
        }
        let off_harmonic = (folded / fundamental - (folded / fundamental).round()).abs() * fundamental;
        if (50.0..20_000.0).contains(&folded) && off_harmonic > 30.0 {
            worst = worst.max(tone_amplitude(x, folded, fs));
        }
    }
    20.0 * (a1 / worst).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goertzel_reads_the_amplitudes_of_a_two_tone_signal() {
        let fs = 44_100.0;
        let x: Vec<f64> = (0..44_100)
            .map(|n| {
                let t = n as f64 / fs;
                0.5 * (std::f64::consts::TAU * 441.0 * t).sin() + 0.01 * (std::f64::consts::TAU * 882.0 * t).cos()
            })
            .collect();
        assert!((tone_amplitude(&x, 441.0, fs) - 0.5).abs() < 1e-3);
        assert!((tone_amplitude(&x, 882.0, fs) - 0.01).abs() < 1e-4);
        assert!((thd(&x, 441.0, fs) - 0.02).abs() < 1e-3);
    }
}
