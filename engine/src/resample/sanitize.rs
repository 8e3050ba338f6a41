use super::MAX_ABS_SAMPLE;

/// Replaces what is not audio (NaN, infinity, beyond [`MAX_ABS_SAMPLE`]) by silence, on the way into each stage.
///
/// In the FFT mode a non-finite value makes realfft's inverse transform refuse the spectrum, and rubato unwraps
/// that refusal: one NaN from the host or the model would panic the audio thread; bounded input keeps every FFT
/// sum finite. In the polyphase mode a NaN would not panic but would sit in the filter history for a kernel's
/// length and, worse, reach the LSTM and poison its state for good.
pub(crate) fn sanitize(block: &mut [f32]) {
    for x in block {
        *x = if x.is_finite() { x.clamp(-MAX_ABS_SAMPLE, MAX_ABS_SAMPLE) } else { 0.0 };
    }
}
