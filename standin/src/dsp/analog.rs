//! Linear parts of the circuits as rational functions of the Laplace variable `s`, built from component values
//! by impedance algebra, and turned into digital filters by the bilinear transform.
//!
//! Composing impedances as polynomials (rather than typing out each expanded coefficient) keeps every filter
//! traceable to its schematic: `Rational::resistor(10e3).parallel(&Rational::capacitor(10e-9))` is the SD-1 tone
//! op-amp's feedback network. The bilinear transform `s = 2 fs (1 − z⁻¹)/(1 + z⁻¹)` maps the stable analog
//! filter to a stable digital one and keeps its DC and passband gains exactly; the digital response at ω is the
//! analog one at `2 fs tan(ω/2fs)` (at 44.1 kHz, 4 kHz reads the analog 4.04 kHz: 0.3 dB on the SD-1 tone stage's
//! slope). Yeh & Smith (DAFx-06) use the same mapping for the tone stack.

use num_complex::Complex64;

use super::iir::IirFilter;

/// Polynomial in `s`, coefficients in ascending powers.
#[derive(Debug, Clone, PartialEq)]
pub struct Poly(pub Vec<f64>);

impl Poly {
    pub fn constant(c: f64) -> Self {
        Poly(vec![c])
    }

    /// `c · s`
    pub fn s_times(c: f64) -> Self {
        Poly(vec![0.0, c])
    }

    pub fn add(&self, other: &Poly) -> Poly {
        let n = self.0.len().max(other.0.len());
        Poly(
            (0..n)
                .map(|i| self.0.get(i).unwrap_or(&0.0) + other.0.get(i).unwrap_or(&0.0))
                .collect(),
        )
    }

    pub fn mul(&self, other: &Poly) -> Poly {
        let mut out = vec![0.0; self.0.len() + other.0.len() - 1];
        for (i, a) in self.0.iter().enumerate() {
            for (j, b) in other.0.iter().enumerate() {
                out[i + j] += a * b;
            }
        }
        Poly(out)
    }

    pub fn scale(&self, k: f64) -> Poly {
        Poly(self.0.iter().map(|c| c * k).collect())
    }

    pub fn eval(&self, s: Complex64) -> Complex64 {
        self.0
            .iter()
            .rev()
            .fold(Complex64::new(0.0, 0.0), |acc, &c| acc * s + c)
    }

    fn degree(&self) -> usize {
        self.0.iter().rposition(|&c| c != 0.0).unwrap_or(0)
    }
}

/// `num(s) / den(s)`: an impedance, an admittance or a transfer function.
#[derive(Debug, Clone, PartialEq)]
pub struct Rational {
    pub num: Poly,
    pub den: Poly,
}

impl Rational {
    pub fn new(num: Poly, den: Poly) -> Self {
        Self { num, den }
    }

    pub fn constant(c: f64) -> Self {
        Self::new(Poly::constant(c), Poly::constant(1.0))
    }

    /// Impedance of a resistor.
    pub fn resistor(ohms: f64) -> Self {
        Self::constant(ohms)
    }

    /// Impedance of a capacitor, `1/(sC)`.
    pub fn capacitor(farads: f64) -> Self {
        Self::new(Poly::constant(1.0), Poly::s_times(farads))
    }

    pub fn add(&self, o: &Rational) -> Rational {
        Rational::new(self.num.mul(&o.den).add(&o.num.mul(&self.den)), self.den.mul(&o.den))
    }

    pub fn mul(&self, o: &Rational) -> Rational {
        Rational::new(self.num.mul(&o.num), self.den.mul(&o.den))
    }

    pub fn recip(&self) -> Rational {
        Rational::new(self.den.clone(), self.num.clone())
    }

    pub fn div(&self, o: &Rational) -> Rational {
        self.mul(&o.recip())
    }

    /// Series connection of two impedances.
    pub fn series(&self, o: &Rational) -> Rational {
        self.add(o)
    }

    /// Parallel connection of two impedances, `Z1 Z2 / (Z1 + Z2)`.
    pub fn parallel(&self, o: &Rational) -> Rational {
        self.mul(o).div(&self.add(o))
    }

    /// First-order RC high-pass `sRC / (1 + sRC)`.
    pub fn rc_high_pass(r: f64, c: f64) -> Rational {
        Rational::new(Poly::s_times(r * c), Poly(vec![1.0, r * c]))
    }

    pub fn response(&self, hz: f64) -> Complex64 {
        let s = Complex64::new(0.0, std::f64::consts::TAU * hz);
        self.num.eval(s) / self.den.eval(s)
    }

    /// Digital filter by the bilinear transform at `sample_rate`.
    pub fn bilinear(&self, sample_rate: f64) -> IirFilter {
        let order = self.num.degree().max(self.den.degree());
        let k = 2.0 * sample_rate;
        let map = |p: &Poly| -> Vec<f64> {
            // Σ a_i s^i  ·(1+z⁻¹)^N  =  Σ a_i k^i (1−z⁻¹)^i (1+z⁻¹)^(N−i)
            let mut out = vec![0.0; order + 1];
            for (i, &a) in p.0.iter().enumerate().take(order + 1) {
                if a == 0.0 {
                    continue;
                }
                let mut term = Poly::constant(a * k.powi(i as i32));
                for _ in 0..i {
                    term = term.mul(&Poly(vec![1.0, -1.0]));
                }
                for _ in i..order {
                    term = term.mul(&Poly(vec![1.0, 1.0]));
                }
                for (o, t) in out.iter_mut().zip(term.0) {
                    *o += t;
                }
            }
            out
        };
        IirFilter::new(map(&self.num), map(&self.den))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc_high_pass_is_3db_down_at_its_corner() {
        let (r, c) = (100e3, 18e-9);
        let corner = 1.0 / (std::f64::consts::TAU * r * c);
        let h = Rational::rc_high_pass(r, c).response(corner).norm();
        assert!((h - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
    }

    #[test]
    fn parallel_resistors_combine_like_conductances() {
        let z = Rational::resistor(10e3).parallel(&Rational::resistor(40e3));
        assert!((z.response(1000.0).re - 8e3).abs() < 1e-9);
    }

    #[test]
    fn bilinear_keeps_dc_and_measured_gain_matches_the_analog_response() {
        let h = Rational::rc_high_pass(4.7e3, 47e-9).add(&Rational::constant(0.25));
        let fs = 44_100.0;
        let mut f = h.bilinear(fs);
        let hz = 1000.0;
        let x: Vec<f64> = (0..44_100)
            .map(|n| (std::f64::consts::TAU * hz * n as f64 / fs).sin())
            .collect();
        let y: Vec<f64> = x.iter().map(|&v| f.process(v)).collect();
        let tail = &y[22_050..];
        let peak = tail.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let expected = h.response(hz).norm();
        assert!((20.0 * (peak / expected).log10()).abs() < 0.05, "{peak} vs {expected}");
    }
}
