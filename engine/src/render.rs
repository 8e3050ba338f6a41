//! A model played offline exactly as the plugin plays it at its defaults: the host rate's round trip around the
//! model (streamed from zero state), the loudness-normalising gain, the DC blocker, then the optional tone stack
//! and cabinet. `trainer render` writes it to a file; the plugin's host tests compare the plugin against it.

use crate::cabinet::Convolver;
use crate::loudness::{Loudness, model_loudness};
use crate::lstm::StreamingLstm;
use crate::model::ModelFile;
use crate::resample::{ResampleError, RoundTrip};
use crate::tone::{DcBlocker, ToneSettings, ToneStack};

/// What follows the model, as the plugin's switches set it.
#[derive(Clone, Debug)]
pub struct RenderSettings {
    /// A gain-conditioned model's knob, 0..1; fixed-gain models ignore it.
    pub knob: f32,
    pub normalize: bool,
    pub tone: Option<ToneSettings>,
    /// Cabinet taps at the render's rate (see [`crate::cabinet::ImpulseResponse::taps_at`]).
    pub cabinet: Option<Vec<f32>>,
}

impl Default for RenderSettings {
    /// The plugin's defaults: normalised, no tone stack, no cabinet.
    fn default() -> Self {
        RenderSettings { knob: 0.0, normalize: true, tone: None, cabinet: None }
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

/// Renders `input` (at `rate`) through `model`. As many samples of silence as the latency are processed after
/// the input, so that [`Rendered::aligned`] returns as many samples as the input had. Allocates; offline only.
pub fn render(
    model: &ModelFile,
    input: &[f32],
    rate: u32,
    settings: &RenderSettings,
) -> Result<Rendered, ResampleError> {
    let mut round_trip = RoundTrip::new(rate)?;
    let latency = round_trip.latency_samples();
    let mut lstm = StreamingLstm::new(&model.weights);
    lstm.set_conditioning(&[settings.knob.clamp(0.0, 1.0)]);
    let loudness = model_loudness(model);
    let gain = if settings.normalize { loudness.normalising_gain(settings.knob) } else { 1.0 };
    let mut samples = Vec::with_capacity(input.len() + latency);
    samples.extend_from_slice(input);
    samples.resize(input.len() + latency, 0.0);
    round_trip.process_in_place(&mut samples, |block| {
        lstm.process_in_place(block);
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
    Ok(Rendered { samples, latency, loudness })
}
