use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::metrics::Metrics;
use blackbox_engine::model::LstmWeights;
use blackbox_engine::windowed::predict_windows;

/// One test song scored three ways. Every mode is scored over the same samples, t in `ctx-1..len`, so the
/// figures differ only by what each mode does.
#[derive(Clone, Debug)]
pub struct SongEvaluation {
    pub song: String,
    /// Stateless windows at stride 1; the window ending at t predicts wet[t] (correctly aligned).
    pub windowed: Metrics,
    /// The study's own test: the window ending at t compared with wet[t+1]. Kept only for comparison with the
    /// study's tables; a one-sample shift alone costs about 2(1 - lag-1 autocorrelation) of ESR.
    pub study_esr: f64,
    /// State carried from the first sample to the last: what the plugin plays.
    pub streaming: Metrics,
    /// Windowed predictions aligned with the input (zeros before the first full window).
    pub windowed_prediction: Vec<f32>,
    /// Streaming predictions aligned with the input.
    pub streaming_prediction: Vec<f32>,
}

/// Scores `weights` on one song. `conditioning` is empty for a fixed-gain model, `[knob]` for a conditioned one.
pub fn evaluate_song(
    weights: &LstmWeights,
    ctx: usize,
    song: &str,
    dry: &[f32],
    wet: &[f32],
    conditioning: &[f32],
    threads: usize,
) -> SongEvaluation {
    let len = dry.len().min(wet.len());
    let (dry, wet) = (&dry[..len], &wet[..len]);
    let first = ctx.saturating_sub(1).min(len);

    let windows = predict_windows(weights, ctx, dry, conditioning, threads);
    let mut windowed_prediction = vec![0.0f32; len];
    windowed_prediction[first..first + windows.len()].copy_from_slice(&windows);

    let mut lstm = StreamingLstm::new(weights);
    lstm.set_conditioning(conditioning);
    let mut streaming_prediction = vec![0.0f32; len];
    lstm.process_block(dry, &mut streaming_prediction);

    let study_esr = if windows.len() > 1 {
        Metrics::between(&wet[first + 1..], &windows[..windows.len() - 1]).esr
    } else {
        f64::NAN
    };
    SongEvaluation {
        song: song.to_owned(),
        windowed: Metrics::between(&wet[first..], &windowed_prediction[first..]),
        study_esr,
        streaming: Metrics::between(&wet[first..], &streaming_prediction[first..]),
        windowed_prediction,
        streaming_prediction,
    }
}
