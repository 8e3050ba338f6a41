//! Physical checks of the DSL20H model: the linear parts against analytic and nodal solutions, the triode
//! stages' small-signal gain against the tube's own g_m and r_p, grid-current asymmetry, THD against Gain,
//! robustness, seeded noise.

use num_complex::Complex64;

use super::stage::TriodeStage;
use super::tone_stack::TmbToneStack;
use super::triode::Triode12ax7;
use super::*;
use crate::dsp::nodal::{Network, Node};
use crate::dsp::spectrum::{thd, tone_amplitude, worst_alias_db};
use crate::interface::AudioInterface;

const FS: f64 = 44_100.0;
const OS: f64 = 8.0 * FS;

fn sine(hz: f64, amplitude: f64, n: usize, rate: f64) -> Vec<f64> {
    (0..n)
        .map(|i| amplitude * (std::f64::consts::TAU * hz * i as f64 / rate).sin())
        .collect()
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Expected |gain| of a stage at `hz`: coupling high-pass × `μ Rp / (Rp + r_p + (μ + 1) Z_k)`, with μ and r_p of
/// Koren's law at the stage's operating point (the common-cathode formula with an unbypassed part Z_k).
fn stage_gain_analytic(stage: &TriodeStage, hz: f64) -> f64 {
    let p = stage.params();
    let vk = stage.cathode_voltage();
    let vpk = stage.quiescent_plate() - vk;
    let d = 1e-4;
    let u = stage.quiescent_vgk();
    let gm = (Triode12ax7::plate_current(u + d, vpk) - Triode12ax7::plate_current(u - d, vpk)) / (2.0 * d);
    let gp = (Triode12ax7::plate_current(u, vpk + d) - Triode12ax7::plate_current(u, vpk - d)) / (2.0 * d);
    let (mu, rp) = (gm / gp, 1.0 / gp);
    let s = Complex64::new(0.0, std::f64::consts::TAU * hz);
    let zk = p.cathode_resistor / (1.0 + s * p.cathode_resistor * p.cathode_capacitor);
    let x = s / (std::f64::consts::TAU * p.input.corner_hz);
    let coupling = p.input.ratio * x / (1.0 + x);
    (coupling * mu * p.plate_resistor / (p.plate_resistor + rp + (mu + 1.0) * zk)).norm()
}

#[test]
fn each_stage_small_signal_gain_matches_the_common_cathode_formula() {
    for (i, params) in stage_params(5.0).into_iter().enumerate() {
        for hz in [20.0, 100.0, 1000.0] {
            let mut stage = TriodeStage::new(params, OS, 0.0);
            let q = stage.quiescent_plate();
            let n = (OS * (0.3 + 8.0 / hz)) as usize;
            let x = sine(hz, 1e-3, n, OS);
            let y: Vec<f64> = x.iter().map(|&v| stage.process(v) - q).collect();
            let tail = &y[n / 2..];
            let measured = tone_amplitude(tail, hz, OS) / 1e-3;
            let expected = stage_gain_analytic(&stage, hz);
            assert!(
                (db(measured) - db(expected)).abs() < 0.1,
                "stage {i} at {hz} Hz: {measured} vs {expected}"
            );
        }
    }
}

#[test]
fn operating_points_are_those_of_real_12ax7_stages() {
    let stages: Vec<TriodeStage> = stage_params(5.0)
        .into_iter()
        .map(|p| TriodeStage::new(p, OS, 0.0))
        .collect();
    let bias: Vec<f64> = stages.iter().map(TriodeStage::cathode_voltage).collect();
    let plates: Vec<f64> = stages.iter().map(TriodeStage::quiescent_plate).collect();
    // Hot V1a/V1b at 1–2 V of bias (RCA's 12AX7 curves at 0.5–1 mA), the cold V2a further towards cut-off;
    // every plate conducts (its 100 kΩ load drops at least 15 V) and none is pulled below 40 % of B+.
    assert!(
        (0.8..2.0).contains(&bias[0]) && (0.5..2.0).contains(&bias[1]),
        "{bias:?}"
    );
    assert!(bias[2] > bias[0] && bias[2] < 4.0, "{bias:?}");
    let supplies = [290.0, 280.0, 270.0];
    assert!(
        plates.iter().zip(supplies).all(|(&v, b)| v > 0.4 * b && v < b - 15.0),
        "{plates:?}"
    );
    // A 100 kΩ 12AX7 stage fully bypassed gains about 60 (35 dB).
    let g = stages[0].small_signal_gain().abs();
    assert!((50.0..70.0).contains(&g), "{g}");
}

#[test]
fn tables_agree_with_the_exact_newton_solution() {
    let settings = Dsl20hSettings::study(GainLevel::High);
    let x: Vec<f64> = (0..8820)
        .map(|n| {
            let t = n as f64 / FS;
            0.3 * (-(t * 8.0)).exp()
                * ((std::f64::consts::TAU * 82.4 * t).sin() + 0.5 * (std::f64::consts::TAU * 123.5 * t).sin())
        })
        .collect();
    let fast = Dsl20hPreamp::without_noise(settings, FS).process(&x);
    let mut reference = Dsl20hPreamp::without_noise(settings, FS);
    reference.use_exact_solver(true);
    let exact = reference.process(&x);
    let peak = exact.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let err = fast.iter().zip(&exact).fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(err < 0.01 * peak, "max difference {err} against peak {peak}");
}

/// The TMB network solved node by node (Yeh & Smith's Fig. 1): C1 source–A, (1−t)R1 A–W, tR1 W–N2, R4
/// source–B, C2 B–N2, C3 B–M, lR2 N2–N3, (1−m)R3 N3–M, mR3 M–ground; output at the treble wiper W, unloaded.
fn tone_stack_nodal(ts: &TmbToneStack, hz: f64) -> Complex64 {
    let (a, w, n2, n3, m, b) = (
        Node::Free(0),
        Node::Free(1),
        Node::Free(2),
        Node::Free(3),
        Node::Free(4),
        Node::Free(5),
    );
    let mut net = Network::new(6);
    net.capacitor(Node::Source, a, ts.c1, hz);
    net.resistor(a, w, (1.0 - ts.t) * ts.r1);
    net.resistor(w, n2, ts.t * ts.r1);
    net.resistor(Node::Source, b, ts.r4);
    net.capacitor(b, n2, ts.c2, hz);
    net.capacitor(b, m, ts.c3, hz);
    net.resistor(n2, n3, ts.l * ts.r2);
    net.resistor(n3, m, (1.0 - ts.m) * ts.r3);
    net.resistor(m, Node::Ground, ts.m * ts.r3);
    net.solve()[1]
}

#[test]
fn tone_stack_formula_matches_nodal_analysis_at_many_settings() {
    for (t, m, l) in [(0.5, 0.5, 0.1), (0.2, 0.8, 0.5), (0.9, 0.1, 0.9), (0.5, 0.5, 0.5)] {
        let ts = TmbToneStack {
            t,
            m,
            l,
            ..TmbToneStack::marshall(5.0, 5.0, 5.0)
        };
        let h = ts.transfer();
        for hz in [40.0, 200.0, 700.0, 2000.0, 8000.0] {
            let (a, b) = (h.response(hz), tone_stack_nodal(&ts, hz));
            assert!(
                (a - b).norm() < 1e-9 * b.norm(),
                "t {t} m {m} l {l} at {hz} Hz: {a} vs {b}"
            );
        }
    }
}

#[test]
fn tone_stack_at_noon_has_the_marshall_mid_scoop_and_its_digital_form_measures_the_same() {
    let ts = TmbToneStack::marshall(5.0, 5.0, 5.0);
    let h = ts.transfer();
    let (bass, mid, treble) = (
        h.response(100.0).norm(),
        h.response(700.0).norm(),
        h.response(4000.0).norm(),
    );
    assert!(mid < bass && mid < treble, "no scoop: {bass} {mid} {treble}");
    for hz in [100.0, 700.0, 4000.0] {
        let mut f = h.bilinear(FS);
        let y: Vec<f64> = sine(hz, 1.0, 22_050, FS).iter().map(|&v| f.process(v)).collect();
        let measured = tone_amplitude(&y[4410..], hz, FS);
        assert!((db(measured) - db(h.response(hz).norm())).abs() < 0.2, "{hz} Hz");
    }
}

#[test]
fn grid_current_clips_large_inputs_asymmetrically_and_shifts_the_bias() {
    let params = stage_params(5.0)[2];
    let mut stage = TriodeStage::new(params, OS, 0.0);
    let q = stage.quiescent_plate();
    let n = (0.25 * OS) as usize;
    // 60 V peak at the source: 29 V at the grid, far beyond both grid conduction and cut-off.
    let y: Vec<f64> = sine(220.0, 60.0, n, OS).iter().map(|&v| stage.process(v) - q).collect();
    let tail = &y[n / 2..];
    let up = tail.iter().fold(f64::MIN, |m, &v| m.max(v));
    let down = tail.iter().fold(f64::MAX, |m, &v| m.min(v));
    assert!((up / -down - 1.0).abs() > 0.2, "symmetric swing +{up} / {down} V");
    let (h1, h2) = (tone_amplitude(tail, 220.0, OS), tone_amplitude(tail, 440.0, OS));
    assert!(h2 / h1 > 0.05, "2nd harmonic {} dB", db(h2 / h1));
}

#[test]
fn more_gain_means_more_distortion() {
    let x = sine(441.0, 2e-3, 44_100, FS);
    let thds: Vec<f64> = GainLevel::ALL
        .iter()
        .map(|&g| {
            let y = Dsl20hPreamp::without_noise(Dsl20hSettings::study(g), FS).process(&x);
            thd(&y[22_050..], 441.0, FS)
        })
        .collect();
    assert!(thds[0] < thds[1] && thds[1] < thds[2], "THD {thds:?}");
}

#[test]
fn inputs_up_to_ten_volts_give_finite_bounded_output() {
    let mut amp = Dsl20hPreamp::new(Dsl20hSettings::study(GainLevel::High), FS, 1);
    let mut x = sine(97.0, 10.0, 22_050, FS);
    x.extend((0..22_050).map(|n| if (n / 300) % 2 == 0 { 10.0 } else { -10.0 }));
    let y = amp.process(&x);
    assert!(y.iter().all(|v| v.is_finite()));
    let peak = y.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    // Plates cannot swing past B+ or below 0 V; after the tone stack and the send that is under 5 V.
    assert!(peak < 5.0, "peak {peak} V");
}

#[test]
fn hiss_and_hum_are_seeded_present_in_silence_and_far_below_the_playing() {
    let settings = Dsl20hSettings::study(GainLevel::High);
    let wet = AudioInterface::scarlett_2i2_gen4(15.0);
    let silence = vec![0.0; 88_200];
    let a = Dsl20hPreamp::new(settings, FS, 7).process(&silence);
    assert_eq!(a, Dsl20hPreamp::new(settings, FS, 7).process(&silence));
    assert_ne!(a, Dsl20hPreamp::new(settings, FS, 8).process(&silence));
    let rms = |v: &[f64]| (v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64).sqrt();
    let floor_db = db(wet.to_sample(rms(&a[22_050..])));
    assert!((-85.0..-50.0).contains(&floor_db), "noise floor {floor_db} dBFS");
    // The hiss enters before the Gain pot, so less gain means a quieter floor.
    let low = Dsl20hPreamp::new(Dsl20hSettings::study(GainLevel::Low), FS, 7).process(&silence);
    let low_db = db(wet.to_sample(rms(&low[22_050..])));
    assert!(
        low_db < floor_db - 10.0,
        "floor at Low {low_db} dBFS vs High {floor_db} dBFS"
    );
    let hum = tone_amplitude(&a[22_050..], 100.0, FS) + tone_amplitude(&a[22_050..], 50.0, FS);
    assert!(hum > 0.1 * rms(&a[22_050..]), "no mains family in the floor");
    let note = Dsl20hPreamp::new(settings, FS, 7).process(&sine(110.0, 0.1, 44_100, FS));
    let signal_db = db(wet.to_sample(rms(&note[22_050..])));
    assert!(
        signal_db - floor_db > 30.0,
        "signal {signal_db} dBFS over floor {floor_db} dBFS"
    );
    assert!(
        signal_db < -3.0,
        "a played note should not sit at full scale: {signal_db} dBFS"
    );
}

#[test]
fn oversampling_keeps_aliases_60_db_down_at_high_gain() {
    // Measured 65 dB with V1b and V2a at 8x (47 dB at 4x, which is why the preamp runs at 8x and the SD-1 at 4x).
    let x = sine(1234.5, 0.3, 88_200, FS);
    let y = Dsl20hPreamp::without_noise(Dsl20hSettings::study(GainLevel::High), FS).process(&x);
    let db = worst_alias_db(&y[22_050..], 1234.5, FS);
    assert!(db > 60.0, "strongest alias only {db} dB down");
}
