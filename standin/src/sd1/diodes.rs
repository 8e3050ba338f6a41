//! The SD-1's asymmetric clipping pair, from the Shockley diode equation `I = Is (exp(V / (n Vt)) − 1)`.
//!
//! One diode conducts for one polarity, two in series for the other (Boss's patented asymmetric overdrive;
//! ElectroSmash and the DIY "Der Super Over" schematic show the same arrangement). Two identical diodes in series
//! share the voltage, so that branch follows the same law with `2 n Vt`. Parameters are the common SPICE model of
//! the 1N4148 (Is = 2.52 nA, n = 1.752); the series resistance Rs = 0.568 Ω is negligible next to the kilohm
//! feedback network and is left out.

/// Thermal voltage kT/q at 25 °C, volts.
pub const THERMAL_VOLTAGE: f64 = 0.025_85;

/// Exponent ceiling: exp(700) is finite in f64, so the Newton iteration never sees ∞ even for absurd inputs.
const MAX_EXPONENT: f64 = 700.0;

#[derive(Debug, Clone, Copy)]
pub struct AsymmetricDiodePair {
    saturation_current: f64,
    /// n·Vt of one diode.
    slope_voltage: f64,
}

impl AsymmetricDiodePair {
    pub fn silicon_1n4148() -> Self {
        Self {
            saturation_current: 2.52e-9,
            slope_voltage: 1.752 * THERMAL_VOLTAGE,
        }
    }

    /// Current from the op-amp output towards the inverting input for `v = v_out − v_minus`, and its derivative.
    /// Positive `v` forward-biases the two-diode string, negative `v` the single diode.
    #[inline]
    pub fn current_and_slope(&self, v: f64) -> (f64, f64) {
        let is = self.saturation_current;
        // One exp per call: the two-diode branch's exp(v/2nVt) is 1/sqrt of the single diode's exp(−v/nVt).
        let e1 = (-v / self.slope_voltage).clamp(-MAX_EXPONENT, MAX_EXPONENT).exp();
        let e2 = 1.0 / e1.sqrt();
        let current = is * (e2 - e1);
        let slope = is * e2 / (2.0 * self.slope_voltage) + is * e1 / self.slope_voltage;
        (current, slope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_diode_side_needs_twice_the_voltage_for_the_same_current() {
        let d = AsymmetricDiodePair::silicon_1n4148();
        let (i_one, _) = d.current_and_slope(-0.55);
        let (i_two, _) = d.current_and_slope(1.10);
        // Same magnitude, opposite sign, within the −1 terms of the Shockley law.
        assert!((i_two + i_one).abs() < 1e-6 * i_two.abs(), "{i_one} vs {i_two}");
        // About 1 mA flows at roughly 0.6 V through one 1N4148.
        let (i, _) = d.current_and_slope(-0.62);
        assert!((0.5e-3..3e-3).contains(&-i), "{i}");
    }
}
