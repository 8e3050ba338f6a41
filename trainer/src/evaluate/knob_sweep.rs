//! How a model's distortion follows its gain knob: the total harmonic distortion of a steady sine streamed
//! through the exported model (with the engine's streaming LSTM, as the plugin plays it), and of the same sine
//! through the stand-in reference circuit, for comparison.

use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::model::LstmWeights;

use crate::dataset::SAMPLE_RATE;
use blackbox_standin::dsp::spectrum::thd;
use blackbox_standin::{RecordingRig, StudyEffect};

/// The test tone: `frequency` Hz at `amplitude` (full scale 1), run for `settle` samples before the `analysed`
/// samples whose harmonics are measured (so the state and the circuit have settled).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TestTone {
    pub frequency: f64,
    pub amplitude: f32,
    pub settle: usize,
    pub analysed: usize,
}

impl TestTone {
    /// A 220 Hz (A3) sine half a second long to settle and one second analysed, as loud as `rms` (a sine with the
    /// same RMS as the training guitar, so the model is measured where it learned).
    pub fn with_rms(rms: f32) -> Self {
        TestTone { frequency: 220.0, amplitude: rms * std::f32::consts::SQRT_2, settle: 22_050, analysed: 44_100 }
    }

    pub fn samples(&self) -> Vec<f32> {
        let w = std::f64::consts::TAU * self.frequency / f64::from(SAMPLE_RATE);
        (0..self.settle + self.analysed).map(|n| self.amplitude * (w * n as f64).sin() as f32).collect()
    }

    fn thd_of(&self, output: &[f64]) -> f64 {
        thd(&output[self.settle..], self.frequency, f64::from(SAMPLE_RATE))
    }
}

/// THD of `tone` streamed through `weights` from zero state with `conditioning` (empty for a fixed-gain model).
pub fn model_thd(weights: &LstmWeights, conditioning: &[f32], tone: &TestTone) -> f64 {
    let input = tone.samples();
    let mut output = vec![0.0f32; input.len()];
    let mut lstm = StreamingLstm::new(weights);
    lstm.set_conditioning(conditioning);
    lstm.process_block(&input, &mut output);
    tone.thd_of(&output.iter().map(|&v| f64::from(v)).collect::<Vec<_>>())
}

/// THD of `tone` recorded through the stand-in reference circuit of `effect` at `knob` (0 the study's Low, 1 its
/// High).
pub fn circuit_thd(effect: StudyEffect, knob: f64, tone: &TestTone) -> f64 {
    let rig = RecordingRig::at_knob(effect, knob, f64::from(SAMPLE_RATE));
    let input: Vec<f64> = tone.samples().into_iter().map(f64::from).collect();
    tone.thd_of(&rig.record(&input, 1))
}

/// RMS of all the samples of `takes`.
pub fn rms<'a>(takes: impl IntoIterator<Item = &'a [f32]>) -> f32 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for take in takes {
        sum += take.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>();
        n += take.len();
    }
    if n == 0 { 0.0 } else { (sum / n as f64).sqrt() as f32 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blackbox_standin::GainLevel;

    fn tone() -> TestTone {
        TestTone { frequency: 220.0, amplitude: 0.1, settle: 4_410, analysed: 44_100 }
    }

    #[test]
    fn the_stand_in_sd1_distorts_more_as_its_drive_goes_up() {
        let t = tone();
        let [low, mid, high] = GainLevel::ALL.map(|g| circuit_thd(StudyEffect::Sd1, g.knob(), &t));
        assert!(low < mid && mid < high, "{low} {mid} {high}");
        assert!(low > 0.001, "an overdrive distorts a 0.1 sine: {low}");
    }

    #[test]
    fn a_model_that_passes_its_input_through_scaled_has_no_distortion() {
        // One unit with input and output gates open and no memory (forget gate shut): h = tanh(tanh(0.01 x)),
        // nearly linear for a small sine, so its THD must be tiny.
        let hidden = 1;
        let weights = LstmWeights {
            input_size: 1,
            hidden_size: hidden,
            kernel: vec![0.0, 0.0, 0.01, 0.0],
            recurrent_kernel: vec![0.0; 4],
            bias: vec![1e3, -1e3, 0.0, 1e3],
            dense_kernel: vec![100.0],
            dense_bias: 0.0,
        };
        let t = TestTone { amplitude: 0.05, ..tone() };
        assert!(model_thd(&weights, &[], &t) < 0.01);
        assert!((rms([[1.0f32, -1.0].as_slice()]) - 1.0).abs() < 1e-6);
    }
}
