//! Shared by the LSTM tests: Keras-like random weights, guitar-like input and an f64 reference LSTM written from
//! the Keras equations, independent of the engine's code.
#![allow(dead_code)]
// The reference indexes like the equations it transcribes (z[col] = b[col] + sum_k h[k] R[k][col]).
#![allow(clippy::needless_range_loop)]

use blackbox_engine::model::LstmWeights;
use blackbox_engine::rng::SeededRng;

/// Weights scaled like a trained Keras LSTM: Glorot-uniform input and dense kernels, recurrent entries of
/// variance ~1/H (what an orthogonal init gives), and a bias with the unit forget bias plus some spread so every
/// gate is exercised away from 0.5.
pub fn keras_like_weights(input_size: usize, hidden: usize, seed: u64) -> LstmWeights {
    let mut rng = SeededRng::new(seed);
    let cols = 4 * hidden;
    let mut w = LstmWeights::zeros(input_size, hidden);
    let kernel_limit = (6.0 / (input_size + cols) as f64).sqrt() * 4.0;
    w.kernel.iter_mut().for_each(|v| *v = rng.symmetric(kernel_limit));
    let recurrent_limit = (3.0 / hidden as f64).sqrt();
    w.recurrent_kernel.iter_mut().for_each(|v| *v = rng.symmetric(recurrent_limit));
    for (col, b) in w.bias.iter_mut().enumerate() {
        let forget = col / hidden == 1;
        *b = rng.symmetric(0.5) + if forget { 1.0 } else { 0.0 };
    }
    let dense_limit = (6.0 / (hidden + 1) as f64).sqrt();
    w.dense_kernel.iter_mut().for_each(|v| *v = rng.symmetric(dense_limit));
    w.dense_bias = rng.symmetric(0.1);
    w
}

/// Plucked notes: a few harmonics with exponential decay, re-struck every 0.25 s at varying pitch and strength,
/// with a little noise, peaking near ±0.9 like a hot DI signal at 44.1 kHz.
pub fn guitar_like(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = SeededRng::new(seed);
    let rate = 44_100.0;
    let note_len = 11_025;
    let mut out = Vec::with_capacity(len);
    let (mut freq, mut amp) = (110.0, 0.5);
    for n in 0..len {
        if n % note_len == 0 {
            freq = 82.4 * 2f64.powf((rng.next_u64() % 24) as f64 / 12.0);
            amp = 0.3 + 0.3 * (rng.symmetric(1.0) as f64 + 1.0);
        }
        let t = (n % note_len) as f64 / rate;
        let env = amp * (-t * 6.0).exp();
        let tone: f64 = (1..=5).map(|k| (2.0 * std::f64::consts::PI * freq * k as f64 * t).sin() / k as f64).sum();
        out.push((env * tone * 0.6 + rng.symmetric(0.002) as f64) as f32);
    }
    out
}

/// Gate slots in Keras order (i, f, c, o); `order[g]` says which stored gate block plays role `g`. The
/// identity `[0, 1, 2, 3]` is the correct LSTM; anything else is a plausible bug.
pub fn reference_lstm(w: &LstmWeights, inputs: &[Vec<f32>], order: [usize; 4]) -> Vec<f64> {
    let (n_in, hidden) = (w.input_size, w.hidden_size);
    let cols = 4 * hidden;
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    let (mut h, mut c) = (vec![0.0f64; hidden], vec![0.0f64; hidden]);
    let mut out = Vec::with_capacity(inputs[0].len());
    for t in 0..inputs[0].len() {
        let mut z = vec![0.0f64; cols];
        for (col, zc) in z.iter_mut().enumerate() {
            let mut s = w.bias[col] as f64;
            for i in 0..n_in {
                s += inputs[i][t] as f64 * w.kernel[i * cols + col] as f64;
            }
            for k in 0..hidden {
                s += h[k] * w.recurrent_kernel[k * cols + col] as f64;
            }
            *zc = s;
        }
        let gate = |g: usize, j: usize| z[order[g] * hidden + j];
        let mut y = w.dense_bias as f64;
        for j in 0..hidden {
            let (i, f, g, o) = (sigmoid(gate(0, j)), sigmoid(gate(1, j)), gate(2, j).tanh(), sigmoid(gate(3, j)));
            c[j] = f * c[j] + i * g;
            h[j] = o * c[j].tanh();
            y += h[j] * w.dense_kernel[j] as f64;
        }
        out.push(y);
    }
    out
}

pub fn max_abs_diff(a: &[f32], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(&x, &y)| (x as f64 - y).abs()).fold(0.0, f64::max)
}
