//! Where in frequency a model's error lies: the recorded test section's spectrum beside the error's.

use realfft::RealFftPlanner;

use crate::report::SpectrumPoint;

const SEGMENT: usize = 4_096;
/// Points per octave of the smoothed spectra.
const PER_OCTAVE: f64 = 6.0;

/// Welch power spectra of `recorded` and of `recorded - predicted` in dBFS, smoothed to sixth octaves from
/// 20 Hz to Nyquist.
pub fn error_spectrum(recorded: &[f32], predicted: &[f32], rate: u32) -> Vec<SpectrumPoint> {
    let error: Vec<f32> = recorded.iter().zip(predicted).map(|(r, p)| r - p).collect();
    let (Some(wet), Some(err)) = (psd(recorded), psd(&error)) else {
        return Vec::new();
    };
    let bin_hz = f64::from(rate) / SEGMENT as f64;
    let nyquist = f64::from(rate) / 2.0;
    let mut out = Vec::new();
    let mut centre = 20.0f64;
    while centre < nyquist {
        let (lo, hi) = (centre * 2f64.powf(-0.5 / PER_OCTAVE), centre * 2f64.powf(0.5 / PER_OCTAVE));
        let bins = (lo / bin_hz).ceil() as usize..((hi / bin_hz).floor() as usize + 1).min(wet.len());
        if !bins.is_empty() {
            let mean = |p: &[f64]| p[bins.clone()].iter().sum::<f64>() / bins.len() as f64;
            let db = |p: f64| 10.0 * p.max(1e-20).log10();
            out.push(SpectrumPoint { hz: centre, recorded_db: db(mean(&wet)), error_db: db(mean(&err)) });
        }
        centre *= 2f64.powf(1.0 / PER_OCTAVE);
    }
    out
}

fn psd(signal: &[f32]) -> Option<Vec<f64>> {
    if signal.len() < SEGMENT {
        return None;
    }
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(SEGMENT);
    let window = hann(SEGMENT);
    let norm = window.iter().map(|w| w * w).sum::<f64>();
    let mut power = vec![0.0f64; SEGMENT / 2 + 1];
    let (mut buffer, mut spectrum) = (vec![0.0f64; SEGMENT], fft.make_output_vec());
    let mut count = 0;
    for start in (0..=signal.len() - SEGMENT).step_by(SEGMENT / 2) {
        for (b, (s, w)) in buffer.iter_mut().zip(signal[start..start + SEGMENT].iter().zip(&window)) {
            *b = f64::from(*s) * w;
        }
        fft.process(&mut buffer, &mut spectrum).ok()?;
        power.iter_mut().zip(&spectrum).for_each(|(p, c)| *p += c.norm_sqr() / norm);
        count += 1;
    }
    power.iter_mut().for_each(|p| *p /= f64::from(count));
    Some(power)
}

/// The periodic Hann window of `n` samples, which both Welch estimates of a capture use.
pub(super) fn hann(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos()).collect()
}
