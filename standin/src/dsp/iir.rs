//! Direct-form-II-transposed IIR filter in f64: the realisation of the bilinear-transformed analog sections.
//! In f64 its coefficient quantisation is harmless for the third-order sections used here even with poles a few
//! hertz from DC (the SD-1's 7 Hz input coupling).

#[derive(Debug, Clone)]
pub struct IirFilter {
    b: Vec<f64>,
    a: Vec<f64>,
    state: Vec<f64>,
}

impl IirFilter {
    /// `b`, `a` in powers of z⁻¹; normalised so that `a[0] = 1`. Both are padded to the same length.
    pub fn new(mut b: Vec<f64>, mut a: Vec<f64>) -> Self {
        let n = b.len().max(a.len());
        b.resize(n, 0.0);
        a.resize(n, 0.0);
        let a0 = a[0];
        b.iter_mut().for_each(|v| *v /= a0);
        a.iter_mut().for_each(|v| *v /= a0);
        Self {
            b,
            a,
            state: vec![0.0; n.saturating_sub(1)],
        }
    }

    #[inline]
    pub fn process(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.state.first().copied().unwrap_or(0.0);
        let n = self.state.len();
        for i in 0..n {
            let next = if i + 1 < n { self.state[i + 1] } else { 0.0 };
            self.state[i] = next + self.b[i + 1] * x - self.a[i + 1] * y;
        }
        y
    }

    pub fn process_in_place(&mut self, xs: &mut [f64]) {
        xs.iter_mut().for_each(|x| *x = self.process(*x));
    }

    /// Gain at DC, `Σb / Σa`.
    pub fn dc_gain(&self) -> f64 {
        self.b.iter().sum::<f64>() / self.a.iter().sum::<f64>()
    }

    pub fn reset(&mut self) {
        self.state.iter_mut().for_each(|s| *s = 0.0);
    }
}
