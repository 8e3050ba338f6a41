use std::path::Path;

use hound::{SampleFormat, WavReader};

use super::WavError;
use super::info_chunk::read_comment;

/// 1 - 2^-24, the largest f32 below 1.
const LARGEST_BELOW_ONE: f32 = 1.0 - f32::EPSILON / 2.0;

/// A mono recording in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    pub sample_rate: u32,
    /// Integer PCM scaled by 2^(bits-1) into [-1, 1), as soundfile/librosa do; float files are kept as stored,
    /// even beyond [-1, 1], because clamping them here would hide a hot recording from the user.
    pub samples: Vec<f32>,
    /// The RIFF `INFO`/`ICMT` comment, e.g. the label of stand-in data.
    pub comment: Option<String>,
}

impl Audio {
    pub fn duration_seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate)
    }
}

/// Reads a mono WAV file: 8/16/24/32-bit integer or 32-bit float.
///
/// More than one channel is an error rather than a silent downmix: a stereo file in a dry/wet pair usually means
/// the wrong export, and averaging the channels would train a model on a signal nobody recorded.
pub fn read_mono(path: &Path) -> Result<Audio, WavError> {
    let decode = |source| WavError::Decode { path: path.to_path_buf(), source };
    let mut reader = WavReader::open(path).map_err(|source| match source {
        hound::Error::IoError(source) => WavError::Open { path: path.to_path_buf(), source },
        other => decode(other),
    })?;
    let spec = reader.spec();
    if spec.channels != 1 {
        return Err(WavError::NotMono { path: path.to_path_buf(), channels: spec.channels });
    }
    let samples: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Float, 32) => reader.samples::<f32>().collect::<Result<_, _>>().map_err(decode)?,
        (SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => {
            // f64 keeps 32-bit integers exact until the final rounding to f32, which would round the top 64
            // codes of a 32-bit file up to +1.0; the cap keeps every integer file inside [-1, 1).
            let scale = 1.0 / f64::from(1u32 << (bits - 1));
            reader
                .samples::<i32>()
                .map(|s| s.map(|s| ((f64::from(s) * scale) as f32).min(LARGEST_BELOW_ONE)))
                .collect::<Result<_, _>>()
                .map_err(decode)?
        }
        (format, bits) => {
            let format = match format {
                SampleFormat::Float => "float",
                SampleFormat::Int => "integer",
            };
            return Err(WavError::UnsupportedFormat { path: path.to_path_buf(), bits, format });
        }
    };
    if samples.is_empty() {
        return Err(WavError::Empty { path: path.to_path_buf() });
    }
    // Refused here rather than where it would first matter: a NaN trains for a whole budget before any figure
    // shows it.
    if let Some(index) = samples.iter().position(|x| !x.is_finite()) {
        let seconds = index as f64 / f64::from(spec.sample_rate.max(1));
        return Err(WavError::NonFiniteSample { path: path.to_path_buf(), index, seconds, value: samples[index] });
    }
    let comment = read_comment(path).map_err(|source| WavError::Open { path: path.to_path_buf(), source })?;
    Ok(Audio { sample_rate: spec.sample_rate, samples, comment })
}
