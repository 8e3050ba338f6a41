//! The SD-1's active tone stage and its Level control, linear, run at the base rate after decimation.
//!
//! Tone stage (component names and values of the "Der Super Over" SD-1 clone schematic): the clipper output feeds
//! `R8 = 10 kΩ` into the op-amp's + input, with `C5 = 18 nF` to ground there. The 20 kΩ Tone pot (W taper) runs
//! from the + input to the − input; its wiper goes to ground through `R11 = 470 Ω` and `C6 = 27 nF`. The feedback
//! is `R10 = 10 kΩ ∥ C7 = 10 nF`. With the wiper splitting the pot into `Ra` (+ side) and `Rb` (− side),
//! `G = 1/Ra + 1/Rb`, `Y3 = sC6/(1 + sR11C6)` and an ideal op-amp (v− = v+), nodal analysis gives
//!
//! ```text
//!   D(s)  = G + s C6 (1 + G R11)                        (so 1 − V_W/V_P = s C6 / D)
//!   V_P/V_in  = D / (D + s C5 R8 D + s C6 R8 / Ra)
//!   V_out/V_P = 1 + Zf s C6 / (Rb D),    Zf = R10 / (1 + s R10 C7)
//!   H(s) = [Rb (1 + s R10 C7) D + s R10 C6] / [Rb (1 + s R10 C7) (D + s C5 R8 D + s C6 R8 / Ra)]
//! ```
//!
//! (the common factor D is cancelled by hand so that the digital filter has no pole–zero pair to cancel).
//!
//! Level: `R12 = 4.7 kΩ` into the 10 kΩ audio-taper Level pot to the bias rail; the wiper drives the output
//! emitter follower through 22 kΩ into a 1 MΩ base resistor. The output coupling corners (3.4 Hz, 1.6 Hz) are
//! below the guitar's range and left out.

use crate::dsp::analog::{Poly, Rational};
use crate::dsp::iir::IirFilter;
use crate::dsp::pot::audio_taper;

pub const R8: f64 = 10e3;
pub const C5: f64 = 18e-9;
pub const TONE_POT: f64 = 20e3;
pub const R11: f64 = 470.0;
pub const C6: f64 = 27e-9;
pub const R10: f64 = 10e3;
pub const C7: f64 = 10e-9;
pub const R12: f64 = 4.7e3;
pub const LEVEL_POT: f64 = 10e3;
pub const LEVEL_LOAD: f64 = 22e3 + 1e6;

/// The tone stage's transfer function with the wiper at `wiper` (0 = + end, 1 = − end; noon = 0.5 on a W taper).
pub fn tone_transfer(wiper: f64) -> Rational {
    // A pot end never reaches 0 Ω exactly; 1 Ω keeps G finite at the extremes.
    let ra = (wiper * TONE_POT).max(1.0);
    let rb = ((1.0 - wiper) * TONE_POT).max(1.0);
    let g = 1.0 / ra + 1.0 / rb;
    let d = Poly(vec![g, C6 * (1.0 + g * R11)]);
    let feedback_pole = Poly(vec![1.0, R10 * C7]);
    let num = feedback_pole.mul(&d).scale(rb).add(&Poly::s_times(R10 * C6));
    let input_node = d.add(&Poly::s_times(C5 * R8).mul(&d)).add(&Poly::s_times(C6 * R8 / ra));
    let den = feedback_pole.mul(&input_node).scale(rb);
    Rational::new(num, den)
}

/// Voltage ratio of the Level network at knob `rotation` (audio taper), loaded by the output buffer.
pub fn level_ratio(rotation: f64) -> f64 {
    let lower = (audio_taper(rotation) * LEVEL_POT).max(1e-3);
    let upper = LEVEL_POT - lower;
    let lower_loaded = lower * LEVEL_LOAD / (lower + LEVEL_LOAD);
    let wiper = lower_loaded / (R12 + upper + lower_loaded);
    // The 22 kΩ series resistor into the 1 MΩ base resistor.
    wiper * 1e6 / LEVEL_LOAD
}

/// Tone stage and Level as one linear filter at `sample_rate`.
pub fn tone_and_level(tone_wiper: f64, level_rotation: f64, sample_rate: f64) -> IirFilter {
    tone_transfer(tone_wiper)
        .mul(&Rational::constant(level_ratio(level_rotation)))
        .bilinear(sample_rate)
}
