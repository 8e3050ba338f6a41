//! The windowed evaluator against the study's definition: window `k` is an LSTM run from zero state over
//! `dry[k..k + ctx]`, its last output predicting `wet[k + ctx - 1]`.

mod lstm_support;

use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::simd::Kernel;
use blackbox_engine::windowed::{predict_windows, predict_windows_with_kernel};
use lstm_support::{guitar_like, keras_like_weights, reference_lstm};

#[test]
fn every_window_matches_an_f64_lstm_from_zero_state_within_1e_5() {
    let cases: [(usize, usize, usize, &[f32]); 3] = [(1, 20, 12, &[]), (1, 96, 44, &[]), (2, 33, 9, &[0.8])];
    for (inputs, hidden, ctx, conditioning) in cases {
        let weights = keras_like_weights(inputs, hidden, hidden as u64);
        let dry = guitar_like(ctx + 130, 21);
        for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
            let predictions = predict_windows_with_kernel(kernel, &weights, ctx, &dry, conditioning, 2).unwrap();
            assert_eq!(predictions.len(), dry.len() - ctx + 1);
            let mut worst = 0.0f64;
            for (k, &prediction) in predictions.iter().enumerate() {
                let window = &dry[k..k + ctx];
                let rows: Vec<Vec<f32>> =
                    std::iter::once(window.to_vec()).chain(conditioning.iter().map(|&v| vec![v; ctx])).collect();
                let expected = *reference_lstm(&weights, &rows, [0, 1, 2, 3]).last().unwrap();
                worst = worst.max((prediction as f64 - expected).abs());
            }
            eprintln!("hidden {hidden} ctx {ctx} {}: max |windowed - f64| = {worst:.2e}", kernel.name());
            assert!(worst <= 1e-5, "{}: windowed error {worst:e}", kernel.name());
        }
    }
}

#[test]
fn windowed_equals_a_reset_streaming_lstm_per_window() {
    let weights = keras_like_weights(1, 64, 3);
    let (ctx, dry) = (30, guitar_like(300, 4));
    let predictions = predict_windows(&weights, ctx, &dry, &[], 1);
    let mut lstm = StreamingLstm::new(&weights);
    for (k, &prediction) in predictions.iter().enumerate() {
        lstm.reset();
        let mut last = 0.0;
        for &x in &dry[k..k + ctx] {
            last = lstm.process_sample(x);
        }
        assert!((prediction - last).abs() <= 1e-6, "window {k}: {prediction} vs streaming {last}");
    }
}

#[test]
fn each_sample_influences_exactly_the_windows_that_contain_it() {
    let weights = keras_like_weights(1, 16, 5);
    let (ctx, mut dry) = (8, guitar_like(200, 6));
    let before = predict_windows(&weights, ctx, &dry, &[], 1);
    let changed = 100;
    dry[changed] += 0.5;
    let after = predict_windows(&weights, ctx, &dry, &[], 1);
    for (k, (a, b)) in before.iter().zip(&after).enumerate() {
        let contains = (k..k + ctx).contains(&changed);
        assert_eq!(a != b, contains, "window {k} (covers {k}..{}) vs sample {changed}", k + ctx);
    }
}

#[test]
fn result_does_not_depend_on_thread_count() {
    let weights = keras_like_weights(1, 24, 7);
    let dry = guitar_like(1_000, 8);
    let one = predict_windows(&weights, 20, &dry, &[], 1);
    for threads in [0, 2, 3, 7, 64] {
        assert_eq!(predict_windows(&weights, 20, &dry, &[], threads), one, "threads = {threads}");
    }
}

#[test]
fn output_length_follows_the_window_count() {
    let weights = keras_like_weights(1, 4, 9);
    let dry = guitar_like(50, 10);
    assert_eq!(predict_windows(&weights, 50, &dry, &[], 1).len(), 1);
    assert_eq!(predict_windows(&weights, 1, &dry, &[], 1).len(), 50);
    assert!(predict_windows(&weights, 51, &dry, &[], 1).is_empty());
    assert!(predict_windows(&weights, 0, &dry, &[], 1).is_empty());
    assert!(predict_windows(&weights, 4, &[], &[], 1).is_empty());
}
