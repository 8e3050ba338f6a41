//! The cabinet convolver against direct convolution in f64: any block size, zero latency, no allocation.

mod alloc_counter;

use blackbox_engine::cabinet::{Convolver, PARTITION};

/// A deterministic noise source, so the test needs no RNG crate.
fn noise(len: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// A cabinet-like response: decaying noise, so every tap matters.
fn response(len: usize) -> Vec<f32> {
    noise(len, 7).iter().enumerate().map(|(i, x)| x * (-(i as f32) / (len as f32 / 6.0)).exp()).collect()
}

fn direct(x: &[f32], h: &[f32]) -> Vec<f64> {
    (0..x.len())
        .map(|n| h.iter().enumerate().take(n + 1).map(|(k, &hk)| f64::from(hk) * f64::from(x[n - k])).sum())
        .collect()
}

/// Error power relative to signal power, in dB.
fn relative_error_db(got: &[f32], want: &[f64]) -> f64 {
    let error: f64 = got.iter().zip(want).map(|(&g, &w)| (f64::from(g) - w).powi(2)).sum();
    let signal: f64 = want.iter().map(|w| w * w).sum();
    10.0 * (error / signal).log10()
}

fn run_in_blocks(convolver: &mut Convolver, input: &[f32], sizes: &[usize]) -> Vec<f32> {
    let mut out = input.to_vec();
    let (mut start, mut i) = (0, 0);
    while start < out.len() {
        let n = sizes[i % sizes.len()].min(out.len() - start);
        convolver.process(&mut out[start..start + n]);
        start += n;
        i += 1;
    }
    out
}

#[test]
fn equals_direct_convolution_within_minus_100_db_for_block_sizes_1_to_8192() {
    let input = noise(20_000, 3);
    for taps in [1, 37, PARTITION, PARTITION + 1, 3 * PARTITION + 17, 4_800] {
        let h = response(taps);
        let want = direct(&input, &h);
        for sizes in [&[1][..], &[7], &[64], &[128], &[500], &[4096], &[8192], &[1, 8192, 3, 129, 640, 2]] {
            let mut convolver = Convolver::new(&h).unwrap();
            let got = run_in_blocks(&mut convolver, &input, sizes);
            let db = relative_error_db(&got, &want);
            assert!(db < -100.0, "{taps} taps, blocks {sizes:?}: error {db:.1} dB");
        }
    }
}

#[test]
fn a_two_second_response_at_48_khz_matches_direct_convolution() {
    let h = response(96_000);
    let input = noise(4_000, 11);
    // Direct convolution of a long IR is slow; check the first 4,000 outputs, which use the first 4,000 taps,
    // and then an impulse late in a long run, which reads the last partitions.
    let want = direct(&input, &h);
    let mut convolver = Convolver::new(&h).unwrap();
    let got = run_in_blocks(&mut convolver, &input, &[256]);
    assert!(relative_error_db(&got, &want) < -100.0);

    convolver.reset();
    let mut impulse = vec![0.0f32; 96_000 + 300];
    impulse[100] = 1.0;
    convolver.process(&mut impulse);
    let tail: Vec<f64> = h.iter().map(|&x| f64::from(x)).collect();
    let db = relative_error_db(&impulse[100..100 + 96_000], &tail);
    assert!(db < -100.0, "impulse response of a 2 s IR: error {db:.1} dB");
    assert!(impulse[..100].iter().all(|&x| x == 0.0), "output before the impulse");
}

#[test]
fn an_impulse_comes_out_at_once_with_zero_latency() {
    let h = response(1_000);
    let mut convolver = Convolver::new(&h).unwrap();
    let mut x = vec![0.0f32; 1_200];
    x[0] = 1.0;
    convolver.process(&mut x);
    assert!((x[0] - h[0]).abs() < 1e-6, "first output {} vs h[0] {}", x[0], h[0]);
    for (n, (&y, &t)) in x.iter().zip(&h).enumerate() {
        assert!((y - t).abs() < 1e-5, "sample {n}: {y} vs {t}");
    }
}

#[test]
fn processing_allocates_nothing() {
    let h = response(48_000);
    let mut convolver = Convolver::new(&h).unwrap();
    let mut block = noise(8_192, 5);
    let before = alloc_counter::allocations();
    for size in [1, 13, 128, 8192] {
        convolver.process(&mut block[..size]);
    }
    convolver.reset();
    convolver.process(&mut block);
    assert_eq!(alloc_counter::allocations() - before, 0);
}

#[test]
fn empty_and_non_finite_responses_are_refused() {
    assert!(Convolver::new(&[]).is_err());
    let error = Convolver::new(&[0.5, f32::NAN]).err().unwrap().to_string();
    assert!(error.contains("tap 1"), "{error}");
}
