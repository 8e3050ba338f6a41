use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::block::WINDOW;
use super::plan::BlockPlan;
use super::{MAX_ABS_SAMPLE, ResampleError};

/// Offline, latency does not matter: blocks of at least this many output samples put the filter's transition
/// band close to Nyquist. The block lengths follow the same even-length rule as the round trip, without which
/// rubato trims half a sample too little delay (measured: a 15 kHz tone taken from 96 kHz to 44.1 kHz came out
/// 61 degrees late).
const CLIP_MIN_BLOCK: usize = 1_024;
const CLIP_MAX_BLOCK: usize = 1 << 16;

/// Resamples a whole clip offline (a 48 kHz DI recording to the model's 44.1 kHz, say), delay removed: sample
/// `n` of the result is the signal at time `n / to_rate`, and the result has `ceil(len * to / from)` samples.
/// Allocates; not for the audio thread.
pub fn resample_clip(samples: &[f32], from_rate: u32, to_rate: u32) -> Result<Vec<f32>, ResampleError> {
    let plan = BlockPlan::with_limits(from_rate, to_rate, CLIP_MIN_BLOCK, CLIP_MAX_BLOCK)?;
    // rubato panics on a non-finite spectrum (see `round_trip::sanitize`); offline, bad samples are an error.
    if let Some((index, &value)) =
        samples.iter().enumerate().find(|(_, x)| !(x.is_finite() && x.abs() <= MAX_ABS_SAMPLE))
    {
        return Err(ResampleError::UnusableSample { index, value });
    }
    if from_rate == to_rate || samples.is_empty() {
        return Ok(samples.to_vec());
    }
    let clip_error = |reason: String| ResampleError::Clip { len: samples.len(), from: from_rate, to: to_rate, reason };
    let mut resampler =
        Fft::<f32>::new_custom(from_rate as usize, to_rate as usize, plan.host_block, 1, 1, WINDOW, FixedSync::Both)
            .map_err(|e| ResampleError::Construction { from: from_rate, to: to_rate, reason: e.to_string() })?;
    let input = SequentialSlice::new(samples, 1, samples.len()).map_err(|e| clip_error(e.to_string()))?;
    let output = resampler.process_all(&input, samples.len(), None).map_err(|e| clip_error(e.to_string()))?;
    Ok(output.take_data())
}
