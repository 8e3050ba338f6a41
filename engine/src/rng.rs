//! The project's one seeded random source, whose sequence is fixed by this file, not by a crate version.
//!
//! Initial weights must follow from a model's recorded seed, and stand-in data from the seed written in
//! `SOURCE.md`, for as long as the repository exists; a third-party generator may change its stream between
//! releases, this one cannot. It lives in the engine, below the trainer and the stand-in circuits, so that test
//! weights and benchmark inputs are drawn the same way too. SplitMix64 (Steele, Lea and Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014) passes BigCrush and needs no state beyond one word, which is all
//! that initial weights, noise floors and riff choices need.

/// SplitMix64 with Box–Muller normals.
#[derive(Debug, Clone)]
pub struct SeededRng {
    state: u64,
    spare_normal: Option<f64>,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            spare_normal: None,
        }
    }

    /// A generator for a named sub-purpose, so that adding a consumer does not shift another's stream.
    pub fn derive(seed: u64, stream: &str) -> Self {
        let mut h = 0xcbf2_9ce4_8422_2325_u64; // FNV-1a over the stream name
        for b in stream.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Self::new(seed ^ h.rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform index in 0..n (n > 0).
    pub fn index(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// Uniform in [-limit, limit), as an f32 weight.
    pub fn symmetric(&mut self, limit: f64) -> f32 {
        ((2.0 * self.uniform() - 1.0) * limit) as f32
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Standard normal (Box–Muller, both outputs used).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1], so ln is finite
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare_normal = Some(r * s);
        r * c
    }

    /// A standard normal from two fresh uniforms, the other of the Box–Muller pair dropped: the weight
    /// initialisers' stream, kept so that every recorded seed still gives the model it gave.
    pub fn normal_unpaired(&mut self) -> f64 {
        self.spare_normal = None;
        let z = self.normal();
        self.spare_normal = None;
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ_by_name() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = SeededRng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = SeededRng::new(7);
        assert!(a.iter().all(|&x| x == r.next_u64()));
        assert_ne!(
            SeededRng::derive(7, "hiss").next_u64(),
            SeededRng::derive(7, "hum").next_u64()
        );
    }

    #[test]
    fn an_unpaired_normal_is_the_first_of_a_fresh_pair() {
        let (mut a, mut b) = (SeededRng::new(11), SeededRng::new(11));
        for _ in 0..100 {
            let first = b.normal();
            let _spare = b.normal();
            assert_eq!(a.normal_unpaired().to_bits(), first.to_bits());
        }
    }

    #[test]
    fn normals_have_unit_variance_and_zero_mean() {
        let mut r = SeededRng::new(3);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
    }
}
