//! The study's evaluation: every output sample predicted by an LSTM that starts from zero state and reads only
//! the last `ctx` inputs, `x[t - ctx + 1..=t]`, for `wet[t]`.
//!
//! That is `ctx` LSTM steps per output sample (44 to 88 in the study), so this is for scoring models, not for real
//! time. Windows are run in batches ([`crate::lstm`]'s batched kernels turn each step into a matrix-matrix product
//! that reuses every weight from cache) and batches are spread over scoped threads.

use crate::lstm::{BATCH, BatchLstm};
use crate::simd::Kernel;
use crate::model::LstmWeights;

/// Predictions for every full window of `dry`: `dry.len() - ctx + 1` values, element `k` predicting
/// `wet[k + ctx - 1]`; empty when `dry` is shorter than `ctx` or `ctx` is 0.
///
/// `conditioning` holds model inputs 2.. (e.g. the gain knob), constant over the clip (missing values count as 0,
/// extra ones are ignored); `threads` is clamped to at least 1. The result does not depend on `threads`: every window is computed by the same arithmetic.
/// `weights` must pass [`LstmWeights::validate`] (a loaded model file has; packing weights of inconsistent sizes
/// panics); non-finite audio gives non-finite predictions for the windows that read it.
pub fn predict_windows(
    weights: &LstmWeights,
    ctx: usize,
    dry: &[f32],
    conditioning: &[f32],
    threads: usize,
) -> Vec<f32> {
    predict_windows_with_kernel(Kernel::best(), weights, ctx, dry, conditioning, threads).unwrap_or_default()
}

/// [`predict_windows`] with a given kernel; `None` when this CPU cannot run it.
pub fn predict_windows_with_kernel(
    kernel: Kernel,
    weights: &LstmWeights,
    ctx: usize,
    dry: &[f32],
    conditioning: &[f32],
    threads: usize,
) -> Option<Vec<f32>> {
    if !kernel.is_available() {
        return None;
    }
    if ctx == 0 || dry.len() < ctx {
        return Some(Vec::new());
    }
    let windows = dry.len() - ctx + 1;
    let mut predictions = vec![0.0f32; windows];
    let batches = windows.div_ceil(BATCH);
    let threads = threads.clamp(1, batches);
    let windows_per_thread = batches.div_ceil(threads) * BATCH;
    std::thread::scope(|scope| {
        for (part, out) in predictions.chunks_mut(windows_per_thread).enumerate() {
            let first_window = part * windows_per_thread;
            scope.spawn(move || {
                let mut lstm = BatchLstm::new(weights, kernel, conditioning);
                run_part(&mut lstm, ctx, dry, first_window, out);
            });
        }
    });
    Some(predictions)
}

/// Fills `out` with the predictions of windows `first_window..first_window + out.len()`.
fn run_part(lstm: &mut BatchLstm, ctx: usize, dry: &[f32], first_window: usize, out: &mut [f32]) {
    let span = BATCH + ctx - 1;
    // The last batch runs past the end of the audio; it reads zeros from here and its extra outputs are dropped.
    let mut padded_audio = vec![0.0f32; span];
    let mut batch_out = [0.0f32; BATCH];
    for (batch, out) in out.chunks_mut(BATCH).enumerate() {
        let start = first_window + batch * BATCH;
        let audio = if start + span <= dry.len() {
            &dry[start..start + span]
        } else {
            let available = &dry[start..];
            padded_audio[..available.len()].copy_from_slice(available);
            padded_audio[available.len()..].fill(0.0);
            &padded_audio[..]
        };
        lstm.run_windows(audio, ctx, &mut batch_out);
        out.copy_from_slice(&batch_out[..out.len()]);
    }
}
