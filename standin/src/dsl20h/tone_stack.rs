//! The Marshall treble–middle–bass tone stack, from Yeh & Smith's analytic transfer function.
//!
//! D. T. Yeh and J. O. Smith, "Discretization of the '59 Fender Bassman tone stack", DAFx-06, derive the
//! third-order transfer function of the passive TMB network (C1 into the treble pot; the slope resistor R4 into
//! C2 and C3; bass pot in series with the middle pot to ground) as
//! `H(s) = (b1 s + b2 s² + b3 s³) / (a0 + a1 s + a2 s² + a3 s³)` with coefficients polynomial in the pot
//! fractions t (treble), m (middle), l (bass); it is bilinear-transformed at the base rate as in the paper.
//! Marshall values (JCM800 2203 and the DSL family share the network): R1 = 220 kΩ treble, R2 = 1 MΩ bass,
//! R3 = 22 kΩ middle, R4 = 33 kΩ slope, C1 = 470 pF, C2 = C3 = 22 nF. Knob 5 of 10 is half rotation; the bass
//! pot is audio taper (l = 0.10 at 5), treble and middle linear. The stack is driven by the cathode follower (a
//! low source impedance, as the formula assumes) and its output is taken unloaded.

use crate::dsp::analog::{Poly, Rational};
use crate::dsp::pot::audio_taper;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TmbToneStack {
    pub r1: f64,
    pub r2: f64,
    pub r3: f64,
    pub r4: f64,
    pub c1: f64,
    pub c2: f64,
    pub c3: f64,
    /// Pot fractions.
    pub t: f64,
    pub m: f64,
    pub l: f64,
}

impl TmbToneStack {
    /// Marshall values with the knobs at `treble`, `middle`, `bass` on their 0–10 scales.
    pub fn marshall(treble: f64, middle: f64, bass: f64) -> Self {
        Self {
            r1: 220e3,
            r2: 1e6,
            r3: 22e3,
            r4: 33e3,
            c1: 470e-12,
            c2: 22e-9,
            c3: 22e-9,
            t: (treble / 10.0).clamp(0.0, 1.0),
            m: (middle / 10.0).clamp(0.0, 1.0),
            l: audio_taper(bass / 10.0),
        }
    }

    /// Yeh & Smith's coefficients (their eq. for b1..b3, a0..a3).
    pub fn transfer(&self) -> Rational {
        let Self {
            r1,
            r2,
            r3,
            r4,
            c1,
            c2,
            c3,
            t,
            m,
            l,
        } = *self;
        let b1 = t * c1 * r1 + m * c3 * r3 + l * (c1 * r2 + c2 * r2) + (c1 * r3 + c2 * r3);
        let b2 = t * (c1 * c2 * r1 * r4 + c1 * c3 * r1 * r4) - m * m * (c1 * c3 * r3 * r3 + c2 * c3 * r3 * r3)
            + m * (c1 * c3 * r1 * r3 + c1 * c3 * r3 * r3 + c2 * c3 * r3 * r3)
            + l * (c1 * c2 * r1 * r2 + c1 * c2 * r2 * r4 + c1 * c3 * r2 * r4)
            + l * m * (c1 * c3 * r2 * r3 + c2 * c3 * r2 * r3)
            + (c1 * c2 * r1 * r3 + c1 * c2 * r3 * r4 + c1 * c3 * r3 * r4);
        let c123 = c1 * c2 * c3;
        let b3 = l * m * (c123 * r1 * r2 * r3 + c123 * r2 * r3 * r4)
            - m * m * (c123 * r1 * r3 * r3 + c123 * r3 * r3 * r4)
            + m * (c123 * r1 * r3 * r3 + c123 * r3 * r3 * r4)
            + t * c123 * r1 * r3 * r4
            - t * m * c123 * r1 * r3 * r4
            + t * l * c123 * r1 * r2 * r4;
        let a0 = 1.0;
        let a1 = (c1 * r1 + c1 * r3 + c2 * r3 + c2 * r4 + c3 * r4) + m * c3 * r3 + l * (c1 * r2 + c2 * r2);
        let a2 = m * (c1 * c3 * r1 * r3 - c2 * c3 * r3 * r4 + c1 * c3 * r3 * r3 + c2 * c3 * r3 * r3)
            + l * m * (c1 * c3 * r2 * r3 + c2 * c3 * r2 * r3)
            - m * m * (c1 * c3 * r3 * r3 + c2 * c3 * r3 * r3)
            + l * (c1 * c2 * r2 * r4 + c1 * c2 * r1 * r2 + c1 * c3 * r2 * r4 + c2 * c3 * r2 * r4)
            + (c1 * c2 * r1 * r4
                + c1 * c3 * r1 * r4
                + c1 * c2 * r3 * r4
                + c1 * c2 * r1 * r3
                + c1 * c3 * r3 * r4
                + c2 * c3 * r3 * r4);
        let a3 = l * m * (c123 * r1 * r2 * r3 + c123 * r2 * r3 * r4)
            - m * m * (c123 * r1 * r3 * r3 + c123 * r3 * r3 * r4)
            + m * (c123 * r3 * r3 * r4 + c123 * r1 * r3 * r3 - c123 * r1 * r3 * r4)
            + l * c123 * r1 * r2 * r4
            + c123 * r1 * r3 * r4;
        Rational::new(Poly(vec![0.0, b1, b2, b3]), Poly(vec![a0, a1, a2, a3]))
    }
}
