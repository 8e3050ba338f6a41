use std::io::Read;
use std::path::Path;

use hound::{SampleFormat, WavReader};
use realfft::RealFftPlanner;

use super::{CabinetError, designed};
use crate::resample::resample_clip;

/// The longest response accepted, in seconds (after trailing silence is trimmed).
pub const MAX_IR_SECONDS: f64 = 2.0;
/// Samples after the last one within this far of the peak are silence and trimmed.
const TRIM_BELOW_PEAK_DB: f32 = -90.0;
/// A WAV larger than this is not an impulse response (2 s of 8-channel 192 kHz float is 12 MB).
const MAX_FILE_BYTES: u64 = 64 << 20;

/// The band over which a response is normalised: pink noise from here to [`NORMALISE_HIGH_HZ`] passes at 0 dB.
/// A cabinet's energy lives here; normalising total energy instead would lift a cab with a steep top end by the
/// several dB its missing treble takes out of the sum, and every IR switch would jump in level.
pub const NORMALISE_LOW_HZ: f64 = 80.0;
pub const NORMALISE_HIGH_HZ: f64 = 6_000.0;

/// How the built-in designed cabinet is named wherever it is shown, so nobody takes it for a measurement.
pub const DESIGNED_LABEL: &str = "Designed cabinet (built in, not a measured IR)";

/// Where a response came from, for the GUI and reports.
#[derive(Clone, Debug, PartialEq)]
pub enum IrSource {
    /// BlackBox's built-in response, designed from filters rather than measured.
    Designed,
    /// A WAV file: its name, rate, channel count and sample format as read.
    File { name: String, sample_rate: u32, channels: u16, format: String },
}

/// A speaker-cabinet impulse response at its own rate, mono, trimmed and checked, not yet normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpulseResponse {
    samples: Vec<f32>,
    sample_rate: u32,
    source: IrSource,
}

impl ImpulseResponse {
    /// The built-in designed cabinet, made directly at `sample_rate` (see [`designed`]).
    pub fn designed(sample_rate: u32) -> Result<Self, CabinetError> {
        let samples = designed::cabinet_response(sample_rate)?;
        Ok(ImpulseResponse { samples, sample_rate, source: IrSource::Designed })
    }

    /// Reads a WAV file of any rate, bit depth (8/16/24/32-bit integer, 32-bit float) and channel count; a
    /// multi-channel file contributes its first channel (the usual convention for stereo-captured IRs).
    pub fn from_wav_file(path: &Path) -> Result<Self, CabinetError> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let io = |e: std::io::Error| CabinetError::Io { path: path.to_owned(), reason: e.to_string() };
        let file = std::fs::File::open(path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_FILE_BYTES {
            return Err(CabinetError::NotAnIr { name, reason: format!("the file is {size} bytes, far too large") });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        file.take(MAX_FILE_BYTES).read_to_end(&mut bytes).map_err(io)?;
        Self::from_wav_bytes(&bytes, &name)
    }

    /// As [`ImpulseResponse::from_wav_file`], from the bytes of a file called `name`.
    pub fn from_wav_bytes(bytes: &[u8], name: &str) -> Result<Self, CabinetError> {
        let bad = |reason: String| CabinetError::NotAnIr { name: name.to_owned(), reason };
        let mut reader = WavReader::new(std::io::Cursor::new(bytes)).map_err(|e| bad(wav_reason(&e)))?;
        let spec = reader.spec();
        if spec.channels == 0 {
            return Err(bad("the header says it has no channels".into()));
        }
        if !(8_000..=768_000).contains(&spec.sample_rate) {
            return Err(bad(format!("its sample rate {} Hz is not an audio rate", spec.sample_rate)));
        }
        let channels = usize::from(spec.channels);
        let format = match (spec.sample_format, spec.bits_per_sample) {
            (SampleFormat::Float, 32) => "32-bit float".to_owned(),
            (SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => format!("{bits}-bit integer"),
            (SampleFormat::Float, bits) => {
                return Err(bad(format!(
                    "{bits}-bit float samples are not supported; export 32-bit float or 24-bit integer"
                )));
            }
            (SampleFormat::Int, bits) => {
                return Err(bad(format!("{bits}-bit integer samples are not supported; export 16, 24 or 32-bit")));
            }
        };
        // Reading every channel's samples would let a long many-channel file cost far more than the mono IR it
        // yields, so stop once the longest acceptable response has been read.
        let limit = (MAX_IR_SECONDS * 4.0 * f64::from(spec.sample_rate)) as usize * channels;
        let first_channel: Vec<f32> = match spec.sample_format {
            SampleFormat::Float => collect_first(reader.samples::<f32>().take(limit), channels, |s| s),
            SampleFormat::Int => {
                let scale = 1.0 / f64::from(1u32 << (spec.bits_per_sample - 1));
                collect_first(reader.samples::<i32>().take(limit), channels, |s| (f64::from(s) * scale) as f32)
            }
        }
        .map_err(|e| bad(wav_reason(&e)))?;
        let source =
            IrSource::File { name: name.to_owned(), sample_rate: spec.sample_rate, channels: spec.channels, format };
        Self::from_samples(first_channel, spec.sample_rate, source).map_err(|e| match e {
            CabinetError::NotAnIr { reason, .. } => bad(reason),
            other => other,
        })
    }

    /// Checks and trims `samples` (finite, not silent, at most [`MAX_IR_SECONDS`] once trailing silence is cut).
    pub fn from_samples(mut samples: Vec<f32>, sample_rate: u32, source: IrSource) -> Result<Self, CabinetError> {
        let name = match &source {
            IrSource::Designed => "designed cabinet".to_owned(),
            IrSource::File { name, .. } => name.clone(),
        };
        let bad = |reason: String| CabinetError::NotAnIr { name: name.clone(), reason };
        if samples.is_empty() {
            return Err(bad("it holds no samples".into()));
        }
        if let Some(index) = samples.iter().position(|s| !s.is_finite()) {
            return Err(bad(format!("sample {index} is not a finite number")));
        }
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        if peak < 1e-7 {
            return Err(bad("it is silent".into()));
        }
        let floor = peak * 10f32.powf(TRIM_BELOW_PEAK_DB / 20.0);
        let end = samples.iter().rposition(|s| s.abs() > floor).map_or(0, |i| i + 1);
        samples.truncate(end);
        let seconds = samples.len() as f64 / f64::from(sample_rate);
        if seconds > MAX_IR_SECONDS {
            return Err(bad(format!(
                "it lasts {seconds:.2} s after trimming its silent end; cabinet IRs up to {MAX_IR_SECONDS} s are \
                 supported (trim it in an audio editor)"
            )));
        }
        Ok(ImpulseResponse { samples, sample_rate, source })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn source(&self) -> &IrSource {
        &self.source
    }

    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    pub fn duration_seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate)
    }

    /// One line for a GUI: what the response is and where it came from.
    pub fn describe(&self) -> String {
        let ms = self.duration_seconds() * 1000.0;
        match &self.source {
            IrSource::Designed => {
                format!("{DESIGNED_LABEL} · {ms:.0} ms")
            }
            IrSource::File { name, sample_rate, channels, format } => {
                let channels = if *channels > 1 { format!(" · first of {channels} channels") } else { String::new() };
                format!("{name} · {sample_rate} Hz {format}{channels} · {ms:.0} ms")
            }
        }
    }

    /// The taps to convolve with at `rate`: resampled if needed and normalised so that pink noise between
    /// [`NORMALISE_LOW_HZ`] and [`NORMALISE_HIGH_HZ`] passes at 0 dB. Allocates; not for the audio thread.
    pub fn taps_at(&self, rate: u32) -> Result<Vec<f32>, CabinetError> {
        let mut taps = if rate == self.sample_rate {
            self.samples.clone()
        } else {
            // Resampling scales amplitude by the rate ratio's inverse for an impulse; normalisation follows anyway.
            resample_clip(&self.samples, self.sample_rate, rate).map_err(|e| CabinetError::Resample {
                from: self.sample_rate,
                to: rate,
                reason: e.to_string(),
            })?
        };
        let gain = band_gain(&taps, rate);
        if !(gain.is_finite() && gain > 1e-12) {
            return Err(CabinetError::NotAnIr {
                name: self.describe(),
                reason: format!("it passes nothing between {NORMALISE_LOW_HZ} Hz and {NORMALISE_HIGH_HZ} Hz"),
            });
        }
        let scale = (1.0 / gain.sqrt()) as f32;
        taps.iter_mut().for_each(|t| *t *= scale);
        Ok(taps)
    }
}

/// Power gain of `taps` for pink noise limited to the normalisation band: the mean of |H(f)|^2 over the band
/// on a logarithmic frequency axis (pink noise has equal power per octave).
pub fn band_gain(taps: &[f32], rate: u32) -> f64 {
    // Zero-padding to at least 16k points resolves the band's bottom octave with plenty of bins.
    let n = (taps.len().max(16_384)).next_power_of_two() * 2;
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(n);
    let mut time: Vec<f64> = taps.iter().map(|&t| f64::from(t)).collect();
    time.resize(n, 0.0);
    let mut spectrum = fft.make_output_vec();
    if fft.process(&mut time, &mut spectrum).is_err() {
        return f64::NAN;
    }
    let bin_hz = f64::from(rate) / n as f64;
    let high = NORMALISE_HIGH_HZ.min(0.45 * f64::from(rate));
    let (mut sum, mut weight) = (0.0, 0.0);
    for (k, c) in spectrum.iter().enumerate().skip(1) {
        let f = k as f64 * bin_hz;
        if (NORMALISE_LOW_HZ..=high).contains(&f) {
            // Bins are linear in frequency: weighting each by 1/f makes the sum a mean over log frequency.
            sum += c.norm_sqr() / f;
            weight += 1.0 / f;
        }
    }
    sum / weight
}

fn collect_first<S>(
    samples: impl Iterator<Item = hound::Result<S>>,
    channels: usize,
    convert: impl Fn(S) -> f32,
) -> hound::Result<Vec<f32>> {
    let mut out = Vec::new();
    for (i, sample) in samples.enumerate() {
        let sample = sample?;
        if i % channels == 0 {
            out.push(convert(sample));
        }
    }
    Ok(out)
}

fn wav_reason(error: &hound::Error) -> String {
    match error {
        hound::Error::FormatError(what) => format!("it is not a readable WAV file ({what})"),
        hound::Error::Unsupported => "its WAV encoding is not supported (use PCM integer or 32-bit float)".into(),
        hound::Error::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends early: it is truncated".into()
        }
        other => format!("it cannot be read as WAV ({other})"),
    }
}
