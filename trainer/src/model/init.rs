//! Keras' default initialisers, seeded: glorot-uniform kernels, an orthogonal recurrent kernel, zero biases
//! with the forget gate's at one (Keras `unit_forget_bias`, after Jozefowicz et al., ICML 2015).

use blackbox_engine::rng::SeededRng;

/// `rows x cols` row-major, uniform in `±sqrt(6 / (fan_in + fan_out))` with `fan_in = rows`, `fan_out = cols`
/// (Glorot & Bengio, AISTATS 2010; Keras' default for `Dense` and the LSTM input kernel).
pub fn glorot_uniform(rng: &mut SeededRng, rows: usize, cols: usize) -> Vec<f32> {
    let limit = (6.0 / (rows + cols) as f64).sqrt();
    (0..rows * cols).map(|_| ((2.0 * rng.uniform() - 1.0) * limit) as f32).collect()
}

/// `rows x cols` row-major with orthonormal rows (`rows <= cols`) or columns, as Keras' `Orthogonal`: the Q of
/// a QR decomposition of a Gaussian matrix, signs fixed so that R has a positive diagonal (Saxe et al., ICLR
/// 2014). Modified Gram-Schmidt in f64 yields that Q directly.
pub fn orthogonal(rng: &mut SeededRng, rows: usize, cols: usize) -> Vec<f32> {
    // Orthonormalise the shorter side: `vectors` vectors of length `len`.
    let (vectors, len) = (rows.min(cols), rows.max(cols));
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(vectors);
    while basis.len() < vectors {
        let mut v: Vec<f64> = (0..len).map(|_| rng.normal_unpaired()).collect();
        for q in &basis {
            let dot: f64 = v.iter().zip(q).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(q).for_each(|(a, b)| *a -= dot * b);
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        // A Gaussian vector is dependent on the others with probability zero; redraw if rounding says so.
        if norm > 1e-6 {
            v.iter_mut().for_each(|a| *a /= norm);
            basis.push(v);
        }
    }
    let mut out = vec![0.0f32; rows * cols];
    for (index, q) in basis.iter().enumerate() {
        for (position, &value) in q.iter().enumerate() {
            let (r, c) = if rows <= cols { (index, position) } else { (position, index) };
            out[r * cols + c] = value as f32;
        }
    }
    out
}

/// `4H` zeros except ones on the forget gate's `H..2H` (Keras' `unit_forget_bias=True`).
pub fn unit_forget_bias(hidden: usize) -> Vec<f32> {
    let mut bias = vec![0.0f32; 4 * hidden];
    bias[hidden..2 * hidden].fill(1.0);
    bias
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_recurrent_kernel_has_orthonormal_rows() {
        let (rows, cols) = (24, 96);
        let w = orthogonal(&mut SeededRng::new(7), rows, cols);
        for a in 0..rows {
            for b in 0..rows {
                let dot: f64 = (0..cols).map(|c| w[a * cols + c] as f64 * w[b * cols + c] as f64).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-5, "row {a} . row {b} = {dot}");
            }
        }
    }

    #[test]
    fn glorot_uniform_stays_within_its_limit_and_fills_it() {
        let (rows, cols) = (96, 1);
        let limit = (6.0f32 / 97.0).sqrt();
        let w = glorot_uniform(&mut SeededRng::new(1), rows, cols);
        assert!(w.iter().all(|v| v.abs() <= limit));
        let max = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(max > 0.8 * limit, "largest magnitude {max} of limit {limit}");
    }

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let a = glorot_uniform(&mut SeededRng::new(25), 4, 8);
        let b = glorot_uniform(&mut SeededRng::new(25), 4, 8);
        let c = glorot_uniform(&mut SeededRng::new(26), 4, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let mut rng = SeededRng::new(3);
        let draws: Vec<f64> = (0..20_000).map(|_| rng.normal()).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05, "mean {mean}, variance {var}");
    }
}
