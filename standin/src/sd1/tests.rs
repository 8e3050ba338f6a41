//! Physical checks of the SD-1 model: linear parts against analytic and nodal solutions, harmonics, robustness.

use num_complex::Complex64;

use super::clipping::{self, Sd1ClippingStage};
use super::diodes::AsymmetricDiodePair;
use super::tone;
use super::*;
use crate::dsp::nodal::{Network, Node};
use crate::dsp::spectrum::{thd, tone_amplitude, worst_alias_db};

const FS: f64 = 44_100.0;

fn sine(hz: f64, amplitude: f64, seconds: f64) -> Vec<f64> {
    (0..(seconds * FS) as usize)
        .map(|n| amplitude * (std::f64::consts::TAU * hz * n as f64 / FS).sin())
        .collect()
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// `|1 + Zf/Zg|` with `Zf = Rf ∥ Cf ∥ r_D`, `Zg = Rg + 1/(sCg)`: the non-inverting amplifier's gain, where
/// `r_D` is the diode pair's zero-bias resistance `1 / (Is/(n Vt) + Is/(2 n Vt))` ≈ 12 MΩ (it lowers the gain at
/// 3:00 by 3 %).
fn clipper_gain_analytic(r_feedback: f64, hz: f64) -> f64 {
    let s = Complex64::new(0.0, std::f64::consts::TAU * hz);
    let cf = Sd1ClippingStage::equivalent_feedback_capacitance(r_feedback);
    let (_, diode_conductance) = AsymmetricDiodePair::silicon_1n4148().current_and_slope(0.0);
    let zf = 1.0 / (1.0 / r_feedback + diode_conductance + s * cf);
    let zg = clipping::R_GROUND + 1.0 / (s * clipping::C_GROUND);
    (1.0 + zf / zg).norm()
}

#[test]
fn clipping_stage_small_signal_gain_is_one_plus_zf_over_zg() {
    for gain in GainLevel::ALL {
        let mut pedal = Sd1Circuit::new(Sd1Settings::study(gain), FS);
        let rf = pedal.clipper().feedback_resistance();
        for hz in [300.0, 1000.0, 3000.0] {
            // 0.2 mV: at most 15 mV across the diodes, where they are still linear (their curvature adds < 0.1 %).
            let x = sine(hz, 0.2e-3, 0.5);
            let y = pedal.process_clipper_only(&x);
            let measured = tone_amplitude(&y[4410..], hz, FS) / 0.2e-3;
            let expected = clipper_gain_analytic(rf, hz);
            assert!(
                (db(measured) - db(expected)).abs() < 0.05,
                "{gain:?} {hz} Hz: {measured} vs {expected}"
            );
        }
        // At mid frequencies the gain approaches 1 + Rf/4.7k: 13.3, 29.3, 77.2 for 9:00, 12:00, 3:00 (less the
        // diodes' 3 % and Cg's 1 % at 5 kHz).
        let mid = clipper_gain_analytic(rf, 5000.0);
        assert!((mid / pedal.clipper_mid_gain() - 1.0).abs() < 0.06, "{gain:?}: {mid}");
    }
}

#[test]
fn input_coupling_is_3db_down_at_its_88_hz_corner() {
    let corner = 1.0 / (std::f64::consts::TAU * COUPLING_R * COUPLING_C);
    assert!((corner - 88.4).abs() < 0.1);
    let h = input_coupling_transfer();
    let mut filter = h.bilinear(FS);
    let x = sine(corner, 1.0, 2.0);
    let y: Vec<f64> = x.iter().map(|&v| filter.process(v)).collect();
    let measured = tone_amplitude(&y[44_100..], corner, FS);
    // −3.01 dB from the 88 Hz section, −0.03 dB more from the 7.2 Hz one.
    assert!((db(measured) - db(h.response(corner).norm())).abs() < 0.02);
    assert!((db(measured) + 3.04).abs() < 0.05, "{}", db(measured));
}

/// The tone stage solved as a network: source → R8 → P; C5 P–gnd; Ra P–W; Rb W–N; R11 W–X; C6 X–gnd;
/// R10 ∥ C7 N–Out; ideal op-amp: V_N = V_P, the output node's current equation dropped.
fn tone_stage_nodal(wiper: f64, hz: f64) -> Complex64 {
    let (p, w, n, out, x) = (
        Node::Free(0),
        Node::Free(1),
        Node::Free(2),
        Node::Free(3),
        Node::Free(4),
    );
    let mut net = Network::new(5);
    net.resistor(Node::Source, p, tone::R8);
    net.capacitor(p, Node::Ground, tone::C5, hz);
    net.resistor(p, w, wiper * tone::TONE_POT);
    net.resistor(w, n, (1.0 - wiper) * tone::TONE_POT);
    net.resistor(w, x, tone::R11);
    net.capacitor(x, Node::Ground, tone::C6, hz);
    net.resistor(n, out, tone::R10);
    net.capacitor(n, out, tone::C7, hz);
    let one = Complex64::new(1.0, 0.0);
    net.replace_equation(3, &[(2, one), (0, -one)], Complex64::new(0.0, 0.0));
    net.solve()[3]
}

#[test]
fn tone_stage_transfer_matches_nodal_analysis_of_the_schematic() {
    for wiper in [0.2, 0.5, 0.8] {
        let h = tone::tone_transfer(wiper);
        for hz in [50.0, 300.0, 1000.0, 3000.0, 10_000.0] {
            let (a, b) = (h.response(hz), tone_stage_nodal(wiper, hz));
            assert!(
                (a - b).norm() < 1e-9 * b.norm().max(1.0),
                "wiper {wiper}, {hz} Hz: {a} vs {b}"
            );
        }
    }
}

#[test]
fn tone_and_level_filter_measures_as_its_analytic_response() {
    // The bilinear transform maps digital ω to analog 2 fs tan(ω / 2 fs): the digital response equals the analog
    // one there exactly (4 kHz reads the analog 4.04 kHz, 0.3 dB lower on this slope).
    let warped = |hz: f64| FS / std::f64::consts::PI * (std::f64::consts::PI * hz / FS).tan();
    let h = tone::tone_transfer(0.5);
    let level = tone::level_ratio(0.5);
    assert!((0.05..0.09).contains(&level), "Level at noon {level}");
    for hz in [200.0, 1000.0, 4000.0] {
        let mut f = tone::tone_and_level(0.5, 0.5, FS);
        let y: Vec<f64> = sine(hz, 1.0, 0.5).iter().map(|&v| f.process(v)).collect();
        let measured = tone_amplitude(&y[4410..], hz, FS);
        let expected = h.response(warped(hz)).norm() * level;
        assert!(
            (db(measured) - db(expected)).abs() < 0.02,
            "{hz} Hz: {measured} vs {expected}"
        );
    }
}

#[test]
fn asymmetric_diodes_clip_the_two_half_waves_differently_and_make_even_harmonics() {
    let mut pedal = Sd1Circuit::new(Sd1Settings::study(GainLevel::Mid), FS);
    let x = sine(441.0, 0.2, 1.0);
    let y = pedal.process_clipper_only(&x);
    let diode_voltage: Vec<f64> = y.iter().zip(&x).skip(22_050).map(|(o, i)| o - i).collect();
    let top = diode_voltage.iter().fold(f64::MIN, |m, &v| m.max(v));
    let bottom = diode_voltage.iter().fold(f64::MAX, |m, &v| m.min(v));
    // The feedback current peaks near 0.2 V / 4.75 kΩ = 42 µA either way; at 42 µA one 1N4148 drops
    // n Vt ln(I/Is) = 0.44 V, two in series twice that.
    assert!((-0.5..-0.38).contains(&bottom), "single-diode side at {bottom} V");
    assert!(
        (top / -bottom - 2.0).abs() < 0.1,
        "+{top} / {bottom} V is not the 2:1 of two diodes against one"
    );
    let tail = &y[22_050..];
    let (h1, h2, h3) = (
        tone_amplitude(tail, 441.0, FS),
        tone_amplitude(tail, 882.0, FS),
        tone_amplitude(tail, 1323.0, FS),
    );
    assert!(h2 / h1 > 0.05, "2nd harmonic only {} dB", db(h2 / h1));
    assert!(h3 / h1 > 0.02, "3rd harmonic only {} dB", db(h3 / h1));
}

#[test]
fn more_drive_means_more_distortion() {
    let x = sine(441.0, 0.05, 1.0);
    let thds: Vec<f64> = GainLevel::ALL
        .iter()
        .map(|&g| {
            let y = Sd1Circuit::new(Sd1Settings::study(g), FS).process(&x);
            thd(&y[22_050..], 441.0, FS)
        })
        .collect();
    assert!(thds[0] < thds[1] && thds[1] < thds[2], "THD {thds:?}");
    assert!(thds[0] > 0.01, "Low should already overdrive a 50 mV note: {thds:?}");
}

#[test]
fn inputs_up_to_ten_volts_give_finite_bounded_output() {
    let mut pedal = Sd1Circuit::new(Sd1Settings::study(GainLevel::High), FS);
    let mut x = sine(97.0, 10.0, 0.5);
    x.extend((0..22_050).map(|n| if (n / 300) % 2 == 0 { 10.0 } else { -10.0 }));
    x.extend(std::iter::repeat_n(0.0, 4410));
    let y = pedal.process(&x);
    assert!(y.iter().all(|v| v.is_finite()));
    let peak = y.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    // The 4558 cannot swing past its rails; after tone and Level (×0.07) well under a volt remains.
    assert!(peak < 1.0, "peak {peak} V");
    let steps = pedal.clipper().newton_steps as f64 / pedal.clipper().samples as f64;
    assert!(steps < 8.0, "Newton needs {steps} iterations per sample on average");
}

#[test]
fn the_same_input_gives_the_same_output() {
    let x = sine(220.0, 0.3, 0.3);
    let a = Sd1Circuit::new(Sd1Settings::study(GainLevel::High), FS).process(&x);
    let b = Sd1Circuit::new(Sd1Settings::study(GainLevel::High), FS).process(&x);
    assert_eq!(a, b);
}

#[test]
fn oversampling_keeps_aliases_70_db_down_at_high_drive() {
    // Measured 75 dB with 4x oversampling: the GBW-limited feedback already rounds the clipped edges.
    let x = sine(1234.5, 0.3, 2.0);
    let y = Sd1Circuit::new(Sd1Settings::study(GainLevel::High), FS).process(&x);
    let db = worst_alias_db(&y[22_050..], 1234.5, FS);
    assert!(db > 70.0, "strongest alias only {db} dB down");
}
