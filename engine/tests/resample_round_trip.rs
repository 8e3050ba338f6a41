//! The host -> 44.1 kHz -> host round trip the plugin wraps around its model: flat passband, no images, exact
//! latency, and the same output whatever the host's block sizes. Figures are printed (`--nocapture`).

use std::f64::consts::TAU;

use blackbox_engine::resample::{MODEL_SAMPLE_RATE, ResampleError, RoundTrip};

/// Runs `input` through a fresh round trip at `host_rate` with the model left out, in blocks of `block`.
fn round_trip_identity(host_rate: u32, input: &[f32], block: usize) -> (Vec<f32>, usize) {
    let mut trip = RoundTrip::new(host_rate).unwrap();
    let mut output = input.to_vec();
    for chunk in output.chunks_mut(block) {
        trip.process_in_place(chunk, |_| {});
    }
    (output, trip.latency_samples())
}

fn sine(rate: u32, freq: f64, len: usize, amplitude: f64) -> Vec<f32> {
    (0..len).map(|n| (amplitude * (TAU * freq * n as f64 / rate as f64).sin()) as f32).collect()
}

/// Amplitude of the `freq` component of `x` by least squares on a sine/cosine pair: exact for a pure tone
/// whatever the window, and blind to the other content.
fn tone_amplitude(x: &[f32], rate: u32, freq: f64, start: usize) -> f64 {
    let (mut ss, mut cc, mut sc, mut xs, mut xc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let phase = TAU * freq * (start + i) as f64 / rate as f64;
        let (s, c) = phase.sin_cos();
        ss += s * s;
        cc += c * c;
        sc += s * c;
        xs += v as f64 * s;
        xc += v as f64 * c;
    }
    let det = ss * cc - sc * sc;
    let a = (xs * cc - xc * sc) / det;
    let b = (xc * ss - xs * sc) / det;
    a.hypot(b)
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| v as f64 * v as f64).sum::<f64>() / x.len() as f64).sqrt()
}

fn db(ratio: f64) -> f64 {
    20.0 * ratio.log10()
}

const PASSBAND_HZ: [f64; 16] = [
    20.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_000.0, 4_000.0, 6_000.0, 8_000.0, 10_000.0, 12_000.0, 14_000.0,
    16_000.0, 17_000.0, 18_000.0,
];

#[test]
fn passband_is_flat_within_a_tenth_of_a_db_from_20_hz_to_18_khz() {
    for host_rate in [48_000, 96_000, 88_200, 192_000] {
        let window = host_rate as usize / 2;
        let settle = host_rate as usize / 10;
        let mut worst: f64 = 0.0;
        let mut worst_at = 0.0;
        for freq in PASSBAND_HZ {
            let input = sine(host_rate, freq, window + 2 * settle + 4096, 0.5);
            let (output, latency) = round_trip_identity(host_rate, &input, 512);
            let start = latency + settle;
            let gain_db = db(tone_amplitude(&output[start..start + window], host_rate, freq, start) / 0.5);
            if gain_db.abs() > worst.abs() {
                worst = gain_db;
                worst_at = freq;
            }
        }
        println!(
            "round trip {host_rate} -> {MODEL_SAMPLE_RATE} -> {host_rate}: passband 20 Hz..18 kHz flat within {:.5} dB (worst at {worst_at} Hz)",
            worst.abs()
        );
        assert!(worst.abs() < 0.1, "{host_rate}: {worst:.4} dB at {worst_at} Hz");
    }
}

#[test]
fn tones_above_the_model_nyquist_are_rejected_by_more_than_60_db() {
    // (host rate, tone): each tone lies above 22.05 kHz, so any output at all is an alias or an image.
    for (host_rate, freq) in [
        (96_000, 30_000.0),
        (96_000, 24_000.0),
        (192_000, 50_000.0),
        (192_000, 30_000.0),
        (88_200, 30_000.0),
        (48_000, 23_500.0),
    ] {
        let len = host_rate as usize;
        let input = sine(host_rate, freq, len, 0.5);
        let (output, latency) = round_trip_identity(host_rate, &input, 512);
        let start = latency + host_rate as usize / 10;
        let rejection_db = db(rms(&output[start..len]) / rms(&input[start..len]));
        println!("round trip at {host_rate} Hz: {freq} Hz tone comes out at {rejection_db:.1} dB");
        assert!(rejection_db < -60.0, "{host_rate} Hz, {freq} Hz: only {rejection_db:.1} dB");
    }
}

#[test]
fn a_click_comes_out_exactly_at_the_reported_latency() {
    for host_rate in [48_000, 96_000, 88_200, 176_400, 192_000, 32_000] {
        let trip = RoundTrip::new(host_rate).unwrap();
        let latency = trip.latency_samples();
        let plan = trip.plan().unwrap();
        println!(
            "round trip at {host_rate} Hz: blocks {} host / {} model samples, latency {latency} samples = {:.2} ms",
            plan.host_block,
            plan.model_block,
            latency as f64 * 1e3 / host_rate as f64
        );
        // Clicks at several positions within a block: the round trip is periodic in time, not time-invariant.
        for offset in [0, 1, 7, plan.host_block / 3, plan.host_block - 1] {
            let at = 3 * plan.host_block + offset;
            let mut input = vec![0.0; at + latency + plan.host_block * 4];
            input[at] = 1.0;
            let (output, _) = round_trip_identity(host_rate, &input, 100);
            let peak = (0..output.len()).max_by(|&a, &b| output[a].abs().total_cmp(&output[b].abs())).unwrap();
            assert_eq!(peak, at + latency, "{host_rate} Hz, click at {at}");
            // A linear-phase response is symmetric about its peak; half a sample of error would tilt it.
            let (before, after) = (output[peak - 1], output[peak + 1]);
            assert!(
                (before - after).abs() < 0.01 * output[peak],
                "{host_rate} Hz: {before} vs {after} around the peak"
            );
        }
    }
}

#[test]
fn passband_sines_come_out_as_the_input_delayed_by_the_latency() {
    // A latency off by one sample would leave an 8 kHz residual at about -3 dB; the filter alone leaves < -40 dB.
    for host_rate in [48_000, 96_000] {
        let input: Vec<f32> = sine(host_rate, 8_000.0, 20_000, 0.3)
            .iter()
            .zip(sine(host_rate, 440.0, 20_000, 0.3))
            .map(|(a, b)| a + b)
            .collect();
        let (output, latency) = round_trip_identity(host_rate, &input, 333);
        let range = latency + 2_000..input.len();
        let residual: Vec<f32> = range.clone().map(|n| output[n] - input[n - latency]).collect();
        let residual_db = db(rms(&residual) / rms(&input[2_000..]));
        println!("round trip at {host_rate} Hz: output minus delayed input = {residual_db:.1} dB");
        assert!(residual_db < -40.0, "{host_rate}: {residual_db:.1} dB");
    }
}

/// A stateful, nonlinear stand-in for the LSTM: any change in how the stream is cut would change its output.
fn stateful_model(state: &mut f32) -> impl FnMut(&mut [f32]) + '_ {
    move |chunk: &mut [f32]| {
        for x in chunk.iter_mut() {
            *state = 0.9 * *state + 0.1 * *x;
            *x = (3.0 * *x + *state).tanh();
        }
    }
}

#[test]
fn any_sequence_of_block_sizes_gives_the_same_output_as_one_big_block() {
    let host_rate = 48_000;
    let input: Vec<f32> =
        (0..60_000u32).map(|n| ((n.wrapping_mul(2_654_435_761) >> 8) as f32 / (1 << 24) as f32 - 0.5) * 0.8).collect();

    let mut whole = input.clone();
    let mut state = 0.0;
    let mut trip = RoundTrip::new(host_rate).unwrap();
    trip.process_in_place(&mut whole, stateful_model(&mut state));

    // A fixed pseudo-random walk over 1..=8192 plus the awkward sizes a host may send.
    let mut sizes = vec![1, 2, 3, 7, 64, 511, 4096, 8192, 1, 1, 319, 320, 321];
    let mut seed = 12_345u32;
    while sizes.iter().sum::<usize>() < input.len() {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        sizes.push(1 + (seed >> 19) as usize % 8192);
    }
    let mut pieces = input.clone();
    let mut state = 0.0;
    let mut trip = RoundTrip::new(host_rate).unwrap();
    let max_chunk = trip.max_model_chunk();
    let mut longest_chunk = 0;
    let mut start = 0;
    for size in sizes {
        let end = (start + size).min(pieces.len());
        let mut model = stateful_model(&mut state);
        trip.process_in_place(&mut pieces[start..end], |chunk| {
            longest_chunk = longest_chunk.max(chunk.len());
            model(chunk)
        });
        start = end;
        if start == pieces.len() {
            break;
        }
    }
    assert!(longest_chunk <= max_chunk, "model got {longest_chunk} samples, more than the promised {max_chunk}");
    assert!(whole.iter().any(|&x| x != 0.0));
    assert_eq!(whole, pieces, "output depends on how the host cut its blocks");
}

#[test]
fn equal_rates_pass_straight_through_the_model_with_no_latency() {
    let rate = MODEL_SAMPLE_RATE;
    let input = sine(rate, 1_000.0, 10_000, 0.5);
    let mut trip = RoundTrip::new(rate).unwrap();
    assert!(trip.is_passthrough());
    assert_eq!(trip.latency_samples(), 0);
    let mut output = vec![0.0; input.len()];
    let mut longest = 0;
    trip.process(&input, &mut output, |chunk| {
        longest = longest.max(chunk.len());
        chunk.iter_mut().for_each(|x| *x *= 2.0);
    })
    .unwrap();
    assert!(longest <= trip.max_model_chunk());
    assert!(output.iter().zip(&input).all(|(o, i)| *o == 2.0 * i));
}

#[test]
fn the_model_sees_the_input_at_44_1_khz() {
    // A 1 kHz tone at 96 kHz must reach the model as 1 kHz at 44.1 kHz.
    let input = sine(96_000, 1_000.0, 96_000, 0.5);
    let mut trip = RoundTrip::new(96_000).unwrap();
    let mut seen = Vec::with_capacity(50_000);
    let mut output = vec![0.0; input.len()];
    trip.process(&input, &mut output, |chunk| seen.extend_from_slice(chunk)).unwrap();
    let expected_len = input.len() / trip.plan().unwrap().host_block * trip.plan().unwrap().model_block;
    assert_eq!(seen.len(), expected_len);
    let amplitude = tone_amplitude(&seen[10_000..40_000], MODEL_SAMPLE_RATE, 1_000.0, 10_000);
    assert!((amplitude - 0.5).abs() < 1e-3, "model saw 1 kHz at amplitude {amplitude}");
}

#[test]
fn reset_forgets_the_past() {
    let input = sine(48_000, 3_000.0, 5_000, 0.5);
    let mut fresh = input.clone();
    RoundTrip::new(48_000).unwrap().process_in_place(&mut fresh, |_| {});
    let mut trip = RoundTrip::new(48_000).unwrap();
    let mut noise: Vec<f32> = sine(48_000, 700.0, 1_234, 0.9);
    trip.process_in_place(&mut noise, |_| {});
    trip.reset();
    let mut again = input.clone();
    trip.process_in_place(&mut again, |_| {});
    assert_eq!(fresh, again);
}

#[test]
fn bad_rates_and_mismatched_blocks_are_typed_errors() {
    assert!(matches!(RoundTrip::new(0), Err(ResampleError::UnsupportedRate { rate: 0 })));
    let coarse = RoundTrip::new(48_001).err().unwrap();
    assert!(coarse.to_string().contains("48001"), "{coarse}");
    let mut trip = RoundTrip::new(48_000).unwrap();
    let err = trip.process(&[0.0; 10], &mut [0.0; 9], |_| {}).unwrap_err();
    assert_eq!(err, ResampleError::BlockLengthMismatch { input: 10, output: 9 });
}

#[test]
fn nan_infinity_and_absurd_levels_are_taken_as_silence_without_panicking() {
    let host_rate = 48_000;
    let mut input = sine(host_rate, 1_000.0, 20_000, 0.5);
    input[5_000] = f32::NAN;
    input[5_001] = f32::INFINITY;
    input[5_002] = f32::MAX;
    let mut trip = RoundTrip::new(host_rate).unwrap();
    let (latency, block) = (trip.latency_samples(), trip.plan().unwrap().host_block);
    let mut model_saw_non_finite = false;
    let mut model_calls = 0;
    let mut output = input.clone();
    for chunk in output.chunks_mut(256) {
        trip.process_in_place(chunk, |m| {
            model_saw_non_finite |= m.iter().any(|x| !x.is_finite());
            model_calls += 1;
            if model_calls == 10 {
                m[0] = f32::NAN; // a model gone bad must not break the way back either
            }
        });
    }
    assert!(!model_saw_non_finite, "the model was handed NaN or infinity");
    assert!(output.iter().all(|x| x.is_finite()), "non-finite output");
    // Once the bad samples have passed through the filters, the tone is back at full level.
    let recovered = 5_002 + latency + block;
    let amplitude = tone_amplitude(&output[recovered..], host_rate, 1_000.0, recovered);
    assert!((amplitude - 0.5).abs() < 1e-3, "tone at {amplitude} after the NaN");
}

#[test]
fn a_round_trip_can_move_to_the_audio_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<RoundTrip>();
}
