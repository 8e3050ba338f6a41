//! Offline clip resampling, used to bring recordings (the 48 kHz DI clips) to the model's 44.1 kHz.

use std::f64::consts::TAU;

use blackbox_engine::resample::{ResampleError, resample_clip};

fn sine(rate: u32, freq: f64, len: usize) -> Vec<f32> {
    (0..len).map(|n| (0.5 * (TAU * freq * n as f64 / rate as f64).sin()) as f32).collect()
}

#[test]
fn a_resampled_clip_is_the_same_signal_at_the_new_rate_with_no_delay() {
    for (from, to, freq) in [(48_000, 44_100, 1_000.0), (44_100, 96_000, 5_000.0), (96_000, 44_100, 15_000.0)] {
        let input = sine(from, freq, 30_000);
        let output = resample_clip(&input, from, to).unwrap();
        let expected_len = (input.len() as u64 * to as u64).div_ceil(from as u64) as usize;
        assert_eq!(output.len(), expected_len, "{from} -> {to}");
        let reference = sine(to, freq, output.len());
        // The ends see the clip's edges through the filter; the middle must match sample for sample.
        let middle = output.len() / 10..output.len() * 9 / 10;
        let worst = middle.map(|n| (output[n] - reference[n]).abs()).fold(0.0f32, f32::max);
        println!(
            "resample_clip {from} -> {to}: {freq} Hz sine, worst error {:.1} dB",
            20.0 * (worst as f64 / 0.5).log10()
        );
        assert!(worst < 1e-3, "{from} -> {to}: worst error {worst}");
    }
}

#[test]
fn equal_rates_copy_and_bad_rates_are_refused() {
    let input = sine(44_100, 440.0, 1_000);
    assert_eq!(resample_clip(&input, 44_100, 44_100).unwrap(), input);
    let err = resample_clip(&input, 44_100, 1_000_000).unwrap_err();
    assert_eq!(err, ResampleError::UnsupportedRate { rate: 1_000_000 });
    assert!(err.to_string().contains("1000000 Hz"), "{err}");
}

#[test]
fn samples_that_are_not_audio_are_refused_by_position() {
    let mut input = sine(48_000, 440.0, 1_000);
    input[321] = f32::NAN;
    let err = resample_clip(&input, 48_000, 44_100).unwrap_err();
    assert!(matches!(err, ResampleError::UnusableSample { index: 321, .. }), "{err}");
    input[321] = 3e30;
    assert!(resample_clip(&input, 48_000, 44_100).unwrap_err().to_string().contains("sample 321"));
}
