//! The SD-1's clipping amplifier: a non-inverting op-amp stage with the asymmetric diode pair in its feedback.
//!
//! Circuit (values of the Boss SD-1 as drawn in the "Der Super Over" clone schematic that Holters' ACME.jl models,
//! which agrees with ElectroSmash's description): from the inverting input to the bias rail, `Rg = 4.7 kΩ` in
//! series with `Cg = 47 nF`; from the output to the inverting input, `Rf = 33 kΩ + R_drive` (Drive: 1 MΩ audio
//! taper) in parallel with the diodes. With an ideal op-amp `v− = v+ = v_in`, so (Yeh, Abel & Smith, "Simplified,
//! physically-informed models of distortion and overdrive guitar effects pedals", DAFx-07, for the Tube Screamer)
//!
//! ```text
//!   i_g  = (v_in − v_Cg) / Rg,        Cg dv_Cg/dt = i_g                  (linear, driven by v_in alone)
//!   Cf dv_d/dt = i_g − v_d / Rf − I_D(v_d),      v_out = v_in + v_d
//! ```
//!
//! The SD-1 has no physical feedback capacitor (unlike the Tube Screamer's 51 pF); the 4558 op-amp's finite
//! gain-bandwidth (≈ 3 MHz) limits the closed loop to GBW / (1 + Rf/Rg), which a feedback capacitor
//! `Cf = (1 + Rf/Rg) / (2π Rf GBW)` reproduces for small signals — 12 pF to 12.6 pF over the Drive range.
//!
//! Discretisation: trapezoidal rule for the `Cg` branch (linear, non-stiff), backward Euler for `v_d`. When the
//! diodes conduct, the feedback pole moves to `G_D / Cf`, hundreds of MHz, far above Nyquist; the trapezoidal
//! rule is A- but not L-stable and maps such a pole close to z = −1 (a slowly decaying ringing at the top rate),
//! backward Euler maps it close to z = 0. The implicit equation for `v_d` is solved every sample by Newton's
//! method on the Shockley law, safeguarded by a bracket (the residual is strictly increasing, so the root is
//! unique and bracketed by 0 and the linear solution); a step that leaves the bracket is replaced by bisection.

use super::diodes::AsymmetricDiodePair;

pub const R_GROUND: f64 = 4.7e3;
pub const C_GROUND: f64 = 47e-9;
pub const R_FEEDBACK_FIXED: f64 = 33e3;
pub const DRIVE_POT: f64 = 1e6;
/// Gain-bandwidth product of the 4558 (NJM4558/μPC4558 datasheets: 3 MHz typical).
pub const OPAMP_GBW_HZ: f64 = 3e6;

const MAX_NEWTON_STEPS: usize = 60;
/// A 24-bit LSB at the interface is 52 nV before the Level pot's ×0.07; the solve stops far below that.
const TOLERANCE_VOLTS: f64 = 1e-9;

#[derive(Debug, Clone)]
pub struct Sd1ClippingStage {
    diodes: AsymmetricDiodePair,
    r_feedback: f64,
    /// T / Cf for backward Euler.
    k_feedback: f64,
    /// T / (2 Cg) for the trapezoidal companion of the ground leg.
    k_ground: f64,
    v_cg: f64,
    i_g: f64,
    v_d: f64,
    v_d_before: f64,
    /// Newton iterations spent so far, and samples solved (for the speed report).
    pub newton_steps: u64,
    pub samples: u64,
}

impl Sd1ClippingStage {
    /// `drive_resistance`: the part of the Drive pot in the feedback path, ohms. `sample_rate`: the rate the stage
    /// runs at (oversampled).
    pub fn new(drive_resistance: f64, sample_rate: f64) -> Self {
        let r_feedback = R_FEEDBACK_FIXED + drive_resistance;
        let t = 1.0 / sample_rate;
        Self {
            diodes: AsymmetricDiodePair::silicon_1n4148(),
            r_feedback,
            k_feedback: t / Self::equivalent_feedback_capacitance(r_feedback),
            k_ground: t / (2.0 * C_GROUND),
            v_cg: 0.0,
            i_g: 0.0,
            v_d: 0.0,
            v_d_before: 0.0,
            newton_steps: 0,
            samples: 0,
        }
    }

    /// The capacitance across `Rf` that gives the closed loop the op-amp's GBW-limited bandwidth.
    pub fn equivalent_feedback_capacitance(r_feedback: f64) -> f64 {
        (1.0 + r_feedback / R_GROUND) / (std::f64::consts::TAU * r_feedback * OPAMP_GBW_HZ)
    }

    pub fn feedback_resistance(&self) -> f64 {
        self.r_feedback
    }

    /// One sample: op-amp output voltage for non-inverting input `v_in` (both relative to the bias rail).
    #[inline]
    pub fn process(&mut self, v_in: f64) -> f64 {
        // Ground leg: trapezoidal companion of Cg (resistance k_ground, history source).
        let history = self.v_cg + self.k_ground * self.i_g;
        let i_g = (v_in - history) / (R_GROUND + self.k_ground);
        self.v_cg = history + self.k_ground * i_g;
        self.i_g = i_g;

        // Feedback node, backward Euler: g(v) = v + k (v/Rf + I_D(v)) − (v_prev + k i_g) = 0.
        let k = self.k_feedback;
        let target = self.v_d + k * i_g;
        let linear = target / (1.0 + k / self.r_feedback);
        let (mut lo, mut hi) = if linear >= 0.0 { (0.0, linear) } else { (linear, 0.0) };
        // Initial guess: linear extrapolation of the last two solutions (the signal is smooth at the oversampled
        // rate), kept inside the bracket (max/min rather than clamp: no panic on NaN).
        let mut v = (2.0 * self.v_d - self.v_d_before).max(lo).min(hi);
        for _ in 0..MAX_NEWTON_STEPS {
            self.newton_steps += 1;
            let (i_d, di_d) = self.diodes.current_and_slope(v);
            let g = v + k * (v / self.r_feedback + i_d) - target;
            if g > 0.0 {
                hi = v;
            } else {
                lo = v;
            }
            let slope = 1.0 + k * (1.0 / self.r_feedback + di_d);
            let mut next = v - g / slope;
            if !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            let step = (next - v).abs();
            v = next;
            if step < TOLERANCE_VOLTS || hi - lo < TOLERANCE_VOLTS {
                break;
            }
        }
        self.samples += 1;
        self.v_d_before = self.v_d;
        self.v_d = v;
        v_in + v
    }
}
