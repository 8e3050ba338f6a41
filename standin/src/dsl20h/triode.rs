//! The 12AX7 triode: Koren's plate-current law with Dempwolf and Zölzer's grid-current law.
//!
//! Plate current (N. Koren, "Improved vacuum tube models for SPICE simulations", Glass Audio 1996; 12AX7
//! parameters from his published table: μ = 100, X = 1.4, K_G1 = 1060, K_P = 600, K_VB = 300):
//!
//! ```text
//!   E1 = (V_pk / K_P) · ln(1 + exp(K_P (1/μ + V_gk / sqrt(K_VB + V_pk²))))
//!   I_p = 2 E1^X / K_G1   for E1 > 0, else 0
//! ```
//!
//! Grid current, which Koren's law leaves out and which makes large inputs clip asymmetrically (the grid–cathode
//! path conducts like a diode once the grid goes positive and charges the coupling capacitor: "blocking"):
//! K. Dempwolf and U. Zölzer, "A physically-motivated triode model for circuit simulations", DAFx-11,
//!
//! ```text
//!   I_g = G_g · (ln(1 + exp(C_g V_gk)) / C_g)^ξ + I_g0,   G_g = 6.06e-4, C_g = 13.9, ξ = 1.354, I_g0 = 3.917e-8
//! ```
//!
//! The cathode carries both, `I_k = I_p + I_g`.

#[derive(Debug, Clone, Copy)]
pub struct Triode12ax7;

const MU: f64 = 100.0;
const EX: f64 = 1.4;
const KG1: f64 = 1060.0;
const KP: f64 = 600.0;
const KVB: f64 = 300.0;

const GG: f64 = 6.06e-4;
const CG: f64 = 13.9;
const XI: f64 = 1.354;
const IG0: f64 = 3.917e-8;

/// `ln(1 + e^x)` without overflow.
#[inline]
fn softplus(x: f64) -> f64 {
    if x > 30.0 { x } else { x.exp().ln_1p() }
}

impl Triode12ax7 {
    /// Plate current, amperes.
    pub fn plate_current(vgk: f64, vpk: f64) -> f64 {
        if vpk <= 0.0 {
            return 0.0;
        }
        let e1 = vpk / KP * softplus(KP * (1.0 / MU + vgk / (KVB + vpk * vpk).sqrt()));
        if e1 > 0.0 { 2.0 * e1.powf(EX) / KG1 } else { 0.0 }
    }

    /// Grid current, amperes, and its derivative with respect to `vgk`.
    pub fn grid_current(vgk: f64) -> (f64, f64) {
        let x = CG * vgk;
        let sp = softplus(x) / CG;
        let logistic = if x > 30.0 { 1.0 } else { 1.0 / (1.0 + (-x).exp()) };
        let current = GG * sp.powf(XI) + IG0;
        let slope = GG * XI * sp.powf(XI - 1.0) * logistic;
        (current, slope)
    }

    /// Grid current at the grid-leak floor, the value `I_g` tends to for a grid far below its cathode.
    pub const GRID_CURRENT_FLOOR: f64 = IG0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_point_and_amplification_factor_match_the_datasheet() {
        // RCA 12AX7 data: 250 V plate, −2 V grid → about 1.2 mA, μ ≈ 100, gm ≈ 1.6 mA/V.
        let ip = Triode12ax7::plate_current(-2.0, 250.0);
        assert!((0.8e-3..1.6e-3).contains(&ip), "Ip {ip}");
        let gm = (Triode12ax7::plate_current(-1.99, 250.0) - Triode12ax7::plate_current(-2.01, 250.0)) / 0.02;
        let gp = (Triode12ax7::plate_current(-2.0, 251.0) - Triode12ax7::plate_current(-2.0, 249.0)) / 2.0;
        assert!((1.2e-3..2.0e-3).contains(&gm), "gm {gm}");
        let mu = gm / gp;
        assert!((85.0..115.0).contains(&mu), "mu {mu}");
    }

    #[test]
    fn grid_conducts_only_when_positive() {
        let (below, _) = Triode12ax7::grid_current(-2.0);
        let (above, slope) = Triode12ax7::grid_current(1.0);
        assert!(below < 1e-7);
        assert!(above > 1e-4 && slope > 1e-4, "{above} {slope}");
    }
}
