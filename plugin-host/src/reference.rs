//! What the plugin should play, computed from the engine alone, for the tests to compare the plugin against.

use blackbox_engine::loudness::model_loudness;
use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::model::ModelFile;
use blackbox_engine::resample::RoundTrip;
use blackbox_engine::tone::DcBlocker;

/// The plugin's output at its default settings for `input` at `rate`: the model streamed from zero state (at
/// `knob` if it is gain-conditioned) inside the host-rate round trip, normalised to the common loudness, then
/// DC-blocked at the host rate. Returns the output and the round trip's latency.
pub fn plugin_default_output(model: &ModelFile, input: &[f32], rate: u32, knob: f32) -> (Vec<f32>, usize) {
    let mut lstm = StreamingLstm::new(&model.weights);
    lstm.set_conditioning(&[knob]);
    let gain = model_loudness(model).normalising_gain(knob);
    let mut round_trip = RoundTrip::new(rate).expect("a rate the round trip supports");
    let mut out = input.to_vec();
    round_trip.process_in_place(&mut out, |block| {
        lstm.process_in_place(block);
        block.iter_mut().for_each(|y| *y *= gain);
    });
    DcBlocker::new(rate as f32).process(&mut out);
    (out, round_trip.latency_samples())
}
