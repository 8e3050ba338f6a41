//! A model of any format played offline exactly as the plugin plays it at its defaults: the round trip between
//! the host rate and the model's own rate around the model (pre-warmed on silence, then streamed), the
//! loudness-normalising gain, the DC blocker, then the optional tone stack and cabinet. `trainer render` writes it to a file; the plugin's host tests compare the plugin against it.

use crate::cabinet::Convolver;
use crate::formats::{FormatError, LoadedModel};
use crate::loudness::{Loudness, loudness_of};
use crate::resample::{ResampleError, RoundTrip};
use crate::tone::{DcBlocker, ToneSettings, ToneStack};

/// What follows the model, as the plugin's switches set it.
#[derive(Clone, Debug)]
pub struct RenderSettings {
    /// The model's knobs in order, 0..1 (a gain-conditioned model's gain; a Proteus model's drive and tone);
    /// a model without knobs ignores them, and missing ones stay at 0.
    pub knobs: Vec<f32>,
    pub normalize: bool,
    pub tone: Option<ToneSettings>,
    /// Cabinet taps at the render's rate (see [`crate::cabinet::ImpulseResponse::taps_at`]).
    pub cabinet: Option<Vec<f32>>,
}

impl Default for RenderSettings {
    /// The plugin's defaults: normalised, no tone stack, no cabinet.
    fn default() -> Self {
        RenderSettings { knobs: Vec::new(), normalize: true, tone: None, cabinet: None }
    }
}

pub struct Rendered {
    /// As the plugin outputs it: `latency` samples late.
    pub samples: Vec<f32>,
    pub latency: usize,
    pub loudness: Loudness,
}

impl Rendered {
    /// The output lined up with the input, as long as the input: the latency taken off the front and the tail
    /// that it hid rendered from silence.
    pub fn aligned(&self) -> &[f32] {
        &self.samples[self.latency..]
    }
}

/// Host samples of silence the player runs through its whole chain after a reset, before anything is heard:
/// the model's rest output on silence is a small constant, and without this the round trip and the DC blocker
/// would turn it into a click at the start of every bounce (0.1 s is six time constants of the 10 Hz blocker).
pub fn settle_samples(rate: u32) -> usize {
    rate as usize / 10
}

/// Renders `input` (at `rate`) through `model`. As many samples of silence as the latency are processed after
/// the input, so that [`Rendered::aligned`] returns as many samples as the input had. Allocates; offline only.
pub fn render(model: &LoadedModel, input: &[f32], rate: u32, settings: &RenderSettings) -> Result<Rendered, RenderError> {
    let mut round_trip = RoundTrip::with_model_rate(rate, model.info.sample_rate)?;
    let latency = round_trip.latency_samples();
    let knobs: Vec<f32> = settings.knobs.iter().map(|k| k.clamp(0.0, 1.0)).collect();
    let mut player = model.player()?;
    player.set_knobs(&knobs);
    player.prewarm();
    let loudness = loudness_of(model);
    let first_knob = knobs.first().copied().unwrap_or(0.0);
    let gain = if settings.normalize { loudness.normalising_gain(first_knob) } else { 1.0 };
    // Settled on silence first, exactly as the plugin does after a reset; that stretch is cut off below.
    let settle = settle_samples(rate);
    let mut samples = vec![0.0; settle];
    samples.reserve(input.len() + latency);
    samples.extend_from_slice(input);
    samples.resize(settle + input.len() + latency, 0.0);
    round_trip.process_in_place(&mut samples, |block| {
        player.process_in_place(block);
        block.iter_mut().for_each(|y| *y *= gain);
    });
    DcBlocker::new(rate as f32).process(&mut samples);
    if let Some(tone) = settings.tone {
        let mut stack = ToneStack::new(rate as f32);
        stack.set(tone);
        stack.process(&mut samples);
    }
    if let Some(taps) = &settings.cabinet
        && let Ok(mut convolver) = Convolver::new(taps)
    {
        convolver.process(&mut samples);
    }
    samples.drain(..settle);
    Ok(Rendered { samples, latency, loudness })
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot resample between this rate and the model's: {0}")]
    Resample(#[from] ResampleError),
    #[error("{0}")]
    Model(#[from] FormatError),
}
