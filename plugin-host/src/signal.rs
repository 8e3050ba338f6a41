//! Test signals and the measures the tests assert on.

use crate::fixture::SplitMix;

/// A plucked-string-like test signal: decaying harmonic notes with a little noise, at `rate`, `seconds` long.
/// Guitar-like material exercises the model's whole input range, unlike a single sine.
pub fn guitar_like(rate: f64, seconds: f64, seed: u64) -> Vec<f32> {
    let n = (rate * seconds) as usize;
    let mut rng = SplitMix::new(seed);
    let notes = [82.41, 110.0, 146.83, 196.0, 246.94, 329.63];
    let note_len = (rate * 0.5) as usize;
    (0..n)
        .map(|i| {
            let note = notes[(i / note_len.max(1)) % notes.len()];
            let t = (i % note_len.max(1)) as f64 / rate;
            let envelope = (-t * 4.0).exp();
            let tone: f64 = (1..=4).map(|h| (2.0 * std::f64::consts::PI * note * h as f64 * t).sin() / h as f64).sum();
            (0.4 * envelope * tone) as f32 + 1e-3 * rng.uniform()
        })
        .collect()
}

pub fn sine(rate: f64, seconds: f64, frequency: f64, amplitude: f32) -> Vec<f32> {
    let n = (rate * seconds) as usize;
    (0..n).map(|i| amplitude * (2.0 * std::f64::consts::PI * frequency * i as f64 / rate).sin() as f32).collect()
}

pub fn rms(x: &[f32]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Level of `actual - expected` relative to `expected`, in dB (very negative = identical).
pub fn difference_db(actual: &[f32], expected: &[f32]) -> f64 {
    let n = actual.len().min(expected.len());
    let diff: Vec<f32> = actual[..n].iter().zip(&expected[..n]).map(|(a, e)| a - e).collect();
    20.0 * (rms(&diff).max(1e-30) / rms(&expected[..n]).max(1e-30)).log10()
}

/// Largest jump between consecutive samples.
pub fn largest_step(x: &[f32]) -> f32 {
    x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max)
}

/// Reads a WAV of any PCM or float format as samples in -1..1 (interleaved when it has several channels), with
/// its format.
pub fn read_wav(path: &std::path::Path) -> Result<(Vec<f32>, hound::WavSpec), hound::Error> {
    let mut reader = hound::WavReader::open(path)?;
    let spec = reader.spec();
    let samples = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32;
            reader.samples::<i32>().map(|s| s.map(|s| s as f32 * scale)).collect::<Result<_, _>>()?
        }
    };
    Ok((samples, spec))
}

/// Writes a mono 32-bit float WAV (for listening to what a test rendered).
pub fn write_wav(path: &std::path::Path, rate: u32, samples: &[f32]) -> Result<(), hound::Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    for &s in samples {
        writer.write_sample(s)?;
    }
    writer.finalize()
}
