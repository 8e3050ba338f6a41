//! The DC blocker and the three-band tone stack, measured with sines.

mod alloc_counter;

use blackbox_engine::tone::{BASS_HZ, DcBlocker, MAX_BOOST_DB, TREBLE_HZ, ToneSettings, ToneStack};

const RATE: f32 = 48_000.0;

/// Steady-state gain in dB of `process` for a sine at `hz` (the first half second is left to settle).
fn gain_db(hz: f32, mut process: impl FnMut(&mut [f32])) -> f32 {
    let n = RATE as usize;
    let mut x: Vec<f32> = (0..n).map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / RATE).sin()).collect();
    let rms_in = (x[n / 2..].iter().map(|v| v * v).sum::<f32>() / (n / 2) as f32).sqrt();
    process(&mut x);
    let rms_out = (x[n / 2..].iter().map(|v| v * v).sum::<f32>() / (n / 2) as f32).sqrt();
    20.0 * (rms_out / rms_in).log10()
}

fn tone(settings: ToneSettings) -> impl FnMut(&mut [f32]) {
    let mut stack = ToneStack::new(RATE);
    stack.set(settings);
    move |x| stack.process(x)
}

#[test]
fn the_dc_blocker_removes_dc_and_passes_the_low_e_string() {
    let mut blocker = DcBlocker::new(RATE);
    let mut dc = vec![0.3f32; RATE as usize];
    blocker.process(&mut dc);
    assert!(dc[dc.len() - 1].abs() < 1e-4, "DC left after 1 s: {}", dc[dc.len() - 1]);
    let mut blocker = DcBlocker::new(RATE);
    let low_e = gain_db(82.4, |x| blocker.process(x));
    assert!(low_e.abs() < 0.1, "82 Hz changed by {low_e:.2} dB");
}

#[test]
fn flat_settings_change_nothing_and_each_band_acts_where_it_says() {
    for hz in [40.0, 800.0, 10_000.0] {
        let flat = gain_db(hz, tone(ToneSettings::default()));
        assert!(flat.abs() < 0.01, "flat tone stack changes {hz} Hz by {flat:.3} dB");
    }
    let bass = ToneSettings { bass_db: 6.0, ..Default::default() };
    let (low, high) = (gain_db(BASS_HZ / 3.0, tone(bass)), gain_db(5_000.0, tone(bass)));
    assert!((low - 6.0).abs() < 0.6 && high.abs() < 0.3, "bass +6: {low:.2} dB low, {high:.2} dB at 5 kHz");
    let mid = ToneSettings { mid_db: -6.0, ..Default::default() };
    let (centre, far) = (gain_db(800.0, tone(mid)), gain_db(10_000.0, tone(mid)));
    assert!((centre + 6.0).abs() < 0.1 && far.abs() < 0.5, "mid -6: {centre:.2} dB at 800 Hz, {far:.2} at 10 kHz");
    let treble = ToneSettings { treble_db: 6.0, ..Default::default() };
    let (top, bottom) = (gain_db(TREBLE_HZ * 4.0, tone(treble)), gain_db(100.0, tone(treble)));
    assert!((top - 6.0).abs() < 0.6 && bottom.abs() < 0.3, "treble +6: {top:.2} dB top, {bottom:.2} dB at 100 Hz");
}

#[test]
fn settings_are_clamped_and_non_finite_ones_ignored() {
    let mut stack = ToneStack::new(RATE);
    stack.set(ToneSettings { bass_db: 99.0, mid_db: f32::NAN, treble_db: -99.0 });
    let s = stack.settings();
    assert_eq!((s.bass_db, s.mid_db, s.treble_db), (MAX_BOOST_DB, 0.0, -MAX_BOOST_DB));
}

#[test]
fn retuning_and_processing_allocate_nothing() {
    let mut stack = ToneStack::new(RATE);
    let mut blocker = DcBlocker::new(RATE);
    let mut block = vec![0.1f32; 512];
    let before = alloc_counter::allocations();
    for step in 0..100 {
        let db = step as f32 * 0.2 - 10.0;
        stack.set(ToneSettings { bass_db: db, mid_db: -db, treble_db: db / 2.0 });
        stack.process(&mut block);
        blocker.process(&mut block);
    }
    assert_eq!(alloc_counter::allocations() - before, 0);
}
