//! The streaming LSTM against an f64 LSTM written from the Keras equations: every kernel this CPU can run must
//! match it within 1e-5 (the engine's fast activations are accurate to 2.5e-7, see `activation::MAX_ABS_ERROR`,
//! which leaves this bound two orders of magnitude of headroom at hidden 96).

mod lstm_support;

use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::network::{Network, NetworkStream};
use blackbox_engine::simd::Kernel;
use blackbox_engine::model::LstmWeights;
use lstm_support::{guitar_like, keras_like_weights, max_abs_diff, reference_lstm};

const TOLERANCE: f64 = 1e-5;
const KERAS_ORDER: [usize; 4] = [0, 1, 2, 3];

fn available_kernels() -> Vec<Kernel> {
    let kernels: Vec<Kernel> = Kernel::ALL.into_iter().filter(|k| k.is_available()).collect();
    eprintln!("kernels on this machine: {:?}", kernels);
    kernels
}

fn run(weights: &LstmWeights, kernel: Kernel, audio: &[f32], conditioning: &[f32]) -> Vec<f32> {
    let mut lstm = StreamingLstm::with_kernel(weights, kernel).expect("kernel was listed as available");
    lstm.set_conditioning(conditioning);
    audio.iter().map(|&x| lstm.process_sample(x)).collect()
}

/// Input rows for the reference: audio, then each conditioning value held constant.
fn reference_inputs(audio: &[f32], conditioning: &[f32]) -> Vec<Vec<f32>> {
    std::iter::once(audio.to_vec()).chain(conditioning.iter().map(|&v| vec![v; audio.len()])).collect()
}

#[test]
fn every_kernel_matches_the_f64_reference_within_1e_5() {
    let cases: [(usize, usize, &[f32]); 8] = [
        (1, 1, &[]),
        (1, 3, &[]),
        (1, 8, &[]),
        (1, 17, &[]),
        (1, 64, &[]),
        (1, 96, &[]),
        (1, 130, &[]),
        (3, 40, &[0.7, -0.4]),
    ];
    let kernels = available_kernels();
    for (seed, &(inputs, hidden, conditioning)) in cases.iter().enumerate() {
        let weights = keras_like_weights(inputs, hidden, seed as u64 + 1);
        let audio = guitar_like(4_000, 100 + seed as u64);
        let expected = reference_lstm(&weights, &reference_inputs(&audio, conditioning), KERAS_ORDER);
        let spread = expected.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(spread > 0.05, "hidden {hidden}: reference output too small ({spread}) to test anything");
        for &kernel in &kernels {
            let err = max_abs_diff(&run(&weights, kernel, &audio, conditioning), &expected);
            eprintln!("inputs {inputs} hidden {hidden} {}: max |engine - f64| = {err:.2e}", kernel.name());
            assert!(err <= TOLERANCE, "{} kernel, hidden {hidden}: error {err:e} exceeds {TOLERANCE:e}", kernel.name());
        }
    }
}

#[test]
fn simd_kernels_agree_with_the_portable_kernel() {
    let weights = keras_like_weights(1, 96, 42);
    let audio = guitar_like(8_000, 7);
    let portable = run(&weights, Kernel::Portable, &audio, &[]);
    for kernel in available_kernels() {
        let out = run(&weights, kernel, &audio, &[]);
        let err = out.iter().zip(&portable).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        eprintln!("{} vs portable: max diff {err:.2e}", kernel.name());
        assert!(err <= 5e-6, "{} differs from portable by {err:e}", kernel.name());
    }
}

/// All 23 wrong gate orders: each must move the reference output well beyond the tolerance, so the previous
/// test could not pass with any of them.
#[test]
fn any_wrong_gate_order_would_fail_the_reference_test() {
    let weights = keras_like_weights(1, 24, 9);
    let audio = guitar_like(3_000, 3);
    let rows = reference_inputs(&audio, &[]);
    let engine = run(&weights, Kernel::best(), &audio, &[]);
    assert!(max_abs_diff(&engine, &reference_lstm(&weights, &rows, KERAS_ORDER)) <= TOLERANCE);
    let mut wrong_orders = 0;
    for code in 0..256usize {
        let order = [code & 3, (code >> 2) & 3, (code >> 4) & 3, (code >> 6) & 3];
        let is_permutation = (0..4).all(|g| order.contains(&g));
        if !is_permutation || order == KERAS_ORDER {
            continue;
        }
        wrong_orders += 1;
        let err = max_abs_diff(&engine, &reference_lstm(&weights, &rows, order));
        assert!(err > 100.0 * TOLERANCE, "gate order {order:?} is indistinguishable (diff {err:e})");
    }
    assert_eq!(wrong_orders, 23);
}

#[test]
fn non_finite_input_yields_silence_and_a_fresh_state() {
    let weights = keras_like_weights(1, 32, 5);
    let audio = guitar_like(600, 11);
    for kernel in available_kernels() {
        for poison in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let mut lstm = StreamingLstm::with_kernel(&weights, kernel).unwrap();
            for &x in &audio[..300] {
                lstm.process_sample(x);
            }
            assert_eq!(lstm.process_sample(poison), 0.0, "{}: {poison} must give silence", kernel.name());
            let after: Vec<f32> = audio[300..].iter().map(|&x| lstm.process_sample(x)).collect();
            let fresh = run(&weights, kernel, &audio[300..], &[]);
            assert_eq!(after, fresh, "{}: after {poison} the state must be as new", kernel.name());
        }
    }
}

#[test]
fn non_finite_state_is_reset_instead_of_poisoning_later_samples() {
    let weights = keras_like_weights(2, 16, 6);
    let audio = guitar_like(400, 12);
    for kernel in available_kernels() {
        let mut lstm = StreamingLstm::with_kernel(&weights, kernel).unwrap();
        lstm.set_conditioning(&[0.5]);
        for &x in &audio[..200] {
            assert!(lstm.process_sample(x).is_finite());
        }
        // A NaN conditioning value reaches every gate, the state and the output.
        lstm.set_conditioning(&[f32::NAN]);
        for &x in &audio[200..210] {
            assert_eq!(lstm.process_sample(x), 0.0, "{}: poisoned step must give silence", kernel.name());
        }
        lstm.set_conditioning(&[0.5]);
        let after: Vec<f32> = audio[210..].iter().map(|&x| lstm.process_sample(x)).collect();
        let fresh = run(&weights, kernel, &audio[210..], &[0.5]);
        assert_eq!(after, fresh, "{}: state must recover exactly", kernel.name());
    }
}

#[test]
fn block_in_place_and_per_sample_processing_agree_and_reset_restarts() {
    let weights = keras_like_weights(1, 20, 8);
    let audio = guitar_like(1_000, 13);
    for kernel in available_kernels() {
        let per_sample = run(&weights, kernel, &audio, &[]);
        let mut lstm = StreamingLstm::with_kernel(&weights, kernel).unwrap();
        let mut block = vec![0.0; audio.len()];
        // Odd block sizes: the state must carry across block boundaries.
        let mut start = 0;
        for size in [1, 7, 64, 333, 595] {
            lstm.process_block(&audio[start..start + size], &mut block[start..start + size]);
            start += size;
        }
        assert_eq!(block, per_sample);
        lstm.reset();
        let mut in_place = audio.clone();
        lstm.process_in_place(&mut in_place);
        assert_eq!(in_place, per_sample);
        assert_eq!((lstm.hidden_size(), lstm.input_size()), (20, 1));
        assert_eq!(lstm.kernel_name(), kernel.name());
    }
}

#[test]
fn a_non_finite_sample_inside_a_block_silences_that_sample_and_restarts_the_state() {
    let weights = keras_like_weights(1, 24, 9);
    let audio = guitar_like(700, 14);
    for kernel in available_kernels() {
        let mut poisoned = audio.clone();
        poisoned[250] = f32::NAN;
        let mut lstm = StreamingLstm::with_kernel(&weights, kernel).unwrap();
        lstm.process_in_place(&mut poisoned);
        assert_eq!(poisoned[..250], run(&weights, kernel, &audio[..250], &[])[..], "{}", kernel.name());
        assert_eq!(poisoned[250], 0.0, "{}: the NaN sample must be silent", kernel.name());
        assert_eq!(poisoned[251..], run(&weights, kernel, &audio[251..], &[])[..], "{}: fresh after it", kernel.name());
    }
}

/// The network player runs an LSTM body a piece at a time: with gains, the skip connection and an output that
/// overflows only after them, it must give exactly what one sample at a time gives, fresh state included.
#[test]
fn the_network_player_processes_blocks_exactly_as_single_samples() {
    let weights = keras_like_weights(1, 16, 10);
    let mut network = Network::from_lstm(&weights);
    (network.input_gain, network.output_gain, network.skip) = (4.0, 2.0, true);
    let mut audio = guitar_like(1_000, 15);
    // 2e38 into the LSTM is finite; through the skip and the output gain it is not.
    audio[100] = 5e37;
    audio[300] = f32::NAN;
    // Infinite after the input gain.
    audio[500] = -f32::MAX;
    for kernel in available_kernels() {
        let mut one_at_a_time = NetworkStream::with_kernel(&network, kernel).unwrap();
        let single: Vec<f32> = audio.iter().map(|&x| one_at_a_time.process_sample(x)).collect();
        assert!(single.iter().all(|y| y.is_finite()));
        assert_eq!((single[100], single[300], single[500]), (0.0, 0.0, 0.0), "{}", kernel.name());
        let mut blocks = NetworkStream::with_kernel(&network, kernel).unwrap();
        let mut out = audio.clone();
        let mut start = 0;
        for size in [3, 64, 129, 1, 803] {
            blocks.process_in_place(&mut out[start..start + size]);
            start += size;
        }
        assert_eq!(out, single, "{}", kernel.name());
        // After each silenced sample the state is a fresh one.
        for (from, to) in [(101, 300), (501, 1_000)] {
            let mut fresh = NetworkStream::with_kernel(&network, kernel).unwrap();
            let mut part = audio[from..to].to_vec();
            fresh.process_in_place(&mut part);
            assert_eq!(out[from..to], part[..], "{}: fresh from {from}", kernel.name());
        }
    }
}

#[test]
fn best_kernel_is_the_default() {
    let lstm = StreamingLstm::new(&keras_like_weights(1, 4, 1));
    assert_eq!(lstm.kernel(), Kernel::best());
    assert!(Kernel::Portable.is_available());
}

/// Real guitar audio (the TS9 pair's dry DI take: a quiet DI level, peaks near 0.07 in this excerpt, with the
/// attacks and decays of real playing) instead of synthetic notes; every kernel must match the f64 reference on it.
#[test]
fn every_kernel_matches_the_reference_on_a_real_recording() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/ts9/dry.wav");
    let Ok(reader) = hound::WavReader::open(path) else {
        eprintln!("skipping: {path} is not there (the real TS9 recording lives outside the repository)");
        return;
    };
    let spec = reader.spec();
    assert_eq!((spec.sample_format, spec.channels), (hound::SampleFormat::Float, 1), "{path}: expected mono float");
    // Half a second from 10 s in, where the playing has started.
    let audio: Vec<f32> =
        reader.into_samples::<f32>().skip(441_000).take(22_050).collect::<Result<_, _>>().expect("readable samples");
    assert_eq!(audio.len(), 22_050, "{path} is shorter than 10.5 s");
    let peak = audio.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(peak > 0.01, "{path}: the excerpt is silent (peak {peak})");
    let weights = keras_like_weights(1, 96, 77);
    let expected = reference_lstm(&weights, &reference_inputs(&audio, &[]), KERAS_ORDER);
    for kernel in available_kernels() {
        let err = max_abs_diff(&run(&weights, kernel, &audio, &[]), &expected);
        eprintln!("TS9 dry, hidden 96, {}: max |engine - f64| = {err:.2e} (peak input {peak:.2})", kernel.name());
        assert!(err <= TOLERANCE, "{} kernel on real audio: error {err:e}", kernel.name());
    }
}

#[test]
fn unvalidated_weights_with_wrong_sizes_are_an_error_not_a_panic() {
    let mut weights = keras_like_weights(1, 8, 1);
    weights.recurrent_kernel.pop();
    let message =
        StreamingLstm::try_new(&weights).err().expect("a short recurrent kernel must be rejected").to_string();
    assert!(message.contains("recurrent kernel"), "message should name the tensor: {message}");
    weights.recurrent_kernel.push(f32::NAN);
    assert!(StreamingLstm::try_new(&weights).is_err());
    assert!(StreamingLstm::try_new(&keras_like_weights(1, 8, 1)).is_ok());
}
