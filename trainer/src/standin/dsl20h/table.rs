//! Cubic Hermite lookup tables for the triode stages' static solutions.
//!
//! The grid and plate equations of a stage reduce to one-dimensional monotone functions (see [`super::stage`]);
//! tabulating them with their slopes and interpolating with cubic Hermite polynomials (error O(h⁴)) replaces two
//! Newton solves with `exp`, `ln`, `sqrt` and `powf` per oversampled sample by two table reads. Measured with
//! `cargo test --release -p blackbox-trainer --lib standin::dsl20h -- --ignored --nocapture` (see the report in
//! the stage tests): the table path is about 10× faster and stays within a few millivolts of the exact solve.

#[derive(Debug, Clone)]
pub struct HermiteTable {
    lo: f64,
    step: f64,
    inv_step: f64,
    values: Vec<f64>,
    slopes: Vec<f64>,
}

impl HermiteTable {
    /// Tabulates `f(x) -> (value, slope)` on `[lo, hi]` every `step`.
    pub fn build(lo: f64, hi: f64, step: f64, f: impl Fn(f64) -> (f64, f64)) -> Self {
        let n = ((hi - lo) / step).ceil() as usize + 1;
        let (values, slopes): (Vec<f64>, Vec<f64>) = (0..n).map(|i| f(lo + i as f64 * step)).unzip();
        Self { lo, step, inv_step: 1.0 / step, values, slopes }
    }

    pub fn lo(&self) -> f64 {
        self.lo
    }

    pub fn hi(&self) -> f64 {
        self.lo + (self.values.len() - 1) as f64 * self.step
    }

    /// Interpolated value; beyond the ends, the tangent at the end.
    #[inline]
    pub fn eval(&self, x: f64) -> f64 {
        let pos = (x - self.lo) * self.inv_step;
        let last = self.values.len() - 1;
        if pos <= 0.0 {
            return self.values[0] + (x - self.lo) * self.slopes[0];
        }
        if pos >= last as f64 {
            return self.values[last] + (x - self.hi()) * self.slopes[last];
        }
        let i = pos as usize;
        let t = pos - i as f64;
        let (y0, y1) = (self.values[i], self.values[i + 1]);
        let (m0, m1) = (self.slopes[i] * self.step, self.slopes[i + 1] * self.step);
        let t2 = t * t;
        let t3 = t2 * t;
        (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * m0 + (-2.0 * t3 + 3.0 * t2) * y1 + (t3 - t2) * m1
    }
}

/// A fine table near zero, where the grid diode's knee is, and a coarse one for the rare large excursions.
#[derive(Debug, Clone)]
pub struct TwoScaleTable {
    fine: HermiteTable,
    coarse: HermiteTable,
}

impl TwoScaleTable {
    pub fn build(fine_half_range: f64, fine_step: f64, coarse_half_range: f64, coarse_step: f64, f: impl Fn(f64) -> (f64, f64)) -> Self {
        Self {
            fine: HermiteTable::build(-fine_half_range, fine_half_range, fine_step, &f),
            coarse: HermiteTable::build(-coarse_half_range, coarse_half_range, coarse_step, &f),
        }
    }

    #[inline]
    pub fn eval(&self, x: f64) -> f64 {
        if x > self.fine.lo() && x < self.fine.hi() { self.fine.eval(x) } else { self.coarse.eval(x) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hermite_table_reproduces_a_smooth_function_to_fourth_order() {
        let t = HermiteTable::build(-2.0, 2.0, 0.05, |x| (x.tanh(), 1.0 - x.tanh().powi(2)));
        let err = (0..1000).map(|i| -1.9 + 3.8 * i as f64 / 1000.0).fold(0.0_f64, |m, x| m.max((t.eval(x) - x.tanh()).abs()));
        assert!(err < 1e-6, "{err}");
    }
}
