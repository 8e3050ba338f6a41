use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;
use std::path::Path;

use blackbox_engine::atomic_file::partial_path;
use hound::{SampleFormat, WavSpec, WavWriter};

use super::WavError;
use super::info_chunk::{append_chunk, info_list_chunk};

/// What writing changed about the signal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Samples outside [-1, 1] that were clamped to full scale (24-bit only; float files store them unchanged).
    pub clipped_samples: usize,
}

/// Writes mono 24-bit PCM, the depth of the study's recordings and predictions.
///
/// The file appears atomically (written beside the target, then renamed), so an interrupted run never leaves a
/// truncated WAV that a later run would train on.
pub fn write_mono_24(
    path: &Path,
    sample_rate: u32,
    samples: &[f32],
    comment: Option<&str>,
) -> Result<WriteReport, WavError> {
    check_finite(path, samples)?;
    let spec = WavSpec { channels: 1, sample_rate, bits_per_sample: 24, sample_format: SampleFormat::Int };
    const FULL_SCALE: f32 = 8_388_608.0;
    let mut clipped_samples = 0;
    write_atomically(path, spec, comment, |writer| {
        for &sample in samples {
            if !(-1.0..=1.0).contains(&sample) {
                clipped_samples += 1;
            }
            // +1.0 itself maps one step past the largest code; it is full scale, not a clip.
            let code = (sample * FULL_SCALE).round().clamp(-FULL_SCALE, FULL_SCALE - 1.0) as i32;
            writer.write_sample(code)?;
        }
        Ok(())
    })?;
    Ok(WriteReport { clipped_samples })
}

/// Writes mono 32-bit float, for intermediate signals whose headroom must survive (nothing is clamped).
pub fn write_mono_f32(
    path: &Path,
    sample_rate: u32,
    samples: &[f32],
    comment: Option<&str>,
) -> Result<WriteReport, WavError> {
    check_finite(path, samples)?;
    let spec = WavSpec { channels: 1, sample_rate, bits_per_sample: 32, sample_format: SampleFormat::Float };
    write_atomically(path, spec, comment, |writer| samples.iter().try_for_each(|&sample| writer.write_sample(sample)))?;
    Ok(WriteReport::default())
}

fn check_finite(path: &Path, samples: &[f32]) -> Result<(), WavError> {
    match samples.iter().position(|s| !s.is_finite()) {
        Some(index) => Err(WavError::NotFinite { path: path.to_path_buf(), index, value: samples[index] }),
        None => Ok(()),
    }
}

type Writer = WavWriter<BufWriter<File>>;

fn write_atomically(
    path: &Path,
    spec: WavSpec,
    comment: Option<&str>,
    write_samples: impl FnOnce(&mut Writer) -> Result<(), hound::Error>,
) -> Result<(), WavError> {
    let chunk = match comment {
        Some(text) => Some(
            info_list_chunk(text).ok_or(WavError::CommentTooLong { path: path.to_path_buf(), bytes: text.len() })?,
        ),
        None => None,
    };
    let partial = partial_path(path);
    let result = write_partial(&partial, spec, chunk.as_deref(), write_samples, path).and_then(|()| {
        fs::rename(&partial, path).map_err(|source| WavError::Write { path: path.to_path_buf(), source })
    });
    if result.is_err() {
        // Best effort: the error being returned matters more than a leftover partial file.
        let _ = fs::remove_file(&partial);
    }
    result
}

fn write_partial(
    partial: &Path,
    spec: WavSpec,
    chunk: Option<&[u8]>,
    write_samples: impl FnOnce(&mut Writer) -> Result<(), hound::Error>,
    target: &Path,
) -> Result<(), WavError> {
    let encode = |source: hound::Error| match source {
        hound::Error::IoError(source) => WavError::Write { path: target.to_path_buf(), source },
        other => WavError::Encode { path: target.to_path_buf(), source: other },
    };
    let mut writer = WavWriter::create(partial, spec).map_err(encode)?;
    write_samples(&mut writer).map_err(encode)?;
    writer.finalize().map_err(encode)?;
    let io = |source| WavError::Write { path: target.to_path_buf(), source };
    let mut file = OpenOptions::new().read(true).write(true).open(partial).map_err(io)?;
    if let Some(chunk) = chunk {
        append_chunk(&mut file, chunk).map_err(io)?;
    }
    file.sync_all().map_err(io)
}


