//! What the plugin should play, computed from the engine alone, for the tests to compare the plugin against.

use blackbox_engine::formats::LoadedModel;
use blackbox_engine::model::ModelFile;
use blackbox_engine::render::{RenderSettings, render};

/// The plugin's output at its default settings for `input` at `rate` (the engine's offline render of the same
/// chain: round trip, model at `knob`, normalising gain, DC blocker), `latency` samples late as the plugin
/// plays it, cut to the input's length. Returns the output and the latency.
pub fn plugin_default_output(model: &ModelFile, input: &[f32], rate: u32, knob: f32) -> (Vec<f32>, usize) {
    model_default_output(&LoadedModel::from_model_file(model.clone()), input, rate, &[knob])
}

/// [`plugin_default_output`] for a model of any format, with its knobs: the output lined up with the input
/// (the model's own round trip taken off), and that round trip's latency.
pub fn model_default_output(model: &LoadedModel, input: &[f32], rate: u32, knobs: &[f32]) -> (Vec<f32>, usize) {
    let settings = RenderSettings { knobs: knobs.to_vec(), ..RenderSettings::default() };
    let rendered = render(model, input, rate, &settings).expect("a rate the round trip supports");
    (rendered.samples[..input.len()].to_vec(), rendered.latency)
}
