//! The noise gate on what a guitarist plays: a plucked note that dies into hiss, a note that hovers at the
//! threshold, and the hold and ramps that keep it from chopping or clicking. Figures are printed (`--nocapture`).

use blackbox_engine::gate::{GateError, GateParams, NoiseGate};

const RATE: f32 = 48_000.0;

/// Deterministic white noise at `rms` (uniform, so its peaks are only 1.73x its RMS).
fn hiss(len: usize, rms: f32, seed: u32) -> Vec<f32> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((state >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0) * rms * 3f32.sqrt()
        })
        .collect()
}

/// A plucked A2: 110 Hz with three harmonics, `peak` at the pick, dying by a factor e every `tau` seconds.
fn pluck(len: usize, peak: f32, tau: f32) -> Vec<f32> {
    (0..len)
        .map(|n| {
            let t = n as f32 / RATE;
            let phase = std::f32::consts::TAU * 110.0 * t;
            let tone = phase.sin() + 0.5 * (2.0 * phase).sin() + 0.25 * (3.0 * phase).sin();
            peak / 1.5 * tone * (-t / tau).exp()
        })
        .collect()
}

fn db(x: f32) -> f32 {
    20.0 * x.log10()
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
}

fn ms(n: f32) -> usize {
    (n * RATE / 1e3) as usize
}

const TEST_PARAMS: GateParams =
    GateParams { threshold_db: -50.0, hysteresis_db: 6.0, attack_ms: 2.0, hold_ms: 50.0, release_ms: 100.0 };

/// Runs `input` through a gate with `params` as both detector and audio; returns output, gains and open flags.
fn run(params: GateParams, input: &[f32]) -> (Vec<f32>, Vec<f32>, Vec<bool>) {
    let mut gate = NoiseGate::new(RATE).unwrap();
    gate.set_params(params).unwrap();
    let (mut gains, mut open) = (Vec::with_capacity(input.len()), Vec::with_capacity(input.len()));
    let mut output = input.to_vec();
    for (dry, block) in input.chunks(64).zip(output.chunks_mut(64)) {
        for (&d, o) in dry.iter().zip(block.iter_mut()) {
            let mut sample = [*o];
            gate.process(&[d], &mut sample).unwrap();
            *o = sample[0];
            gains.push(gate.gain());
            open.push(gate.is_open());
        }
    }
    (output, gains, open)
}

#[test]
fn stays_open_through_a_note_closes_on_the_hiss_and_reopens_within_the_attack() {
    // 3 s of a note dying from -6 dBFS (e^-1 every 250 ms: under the -56 dB closing level after 1.4 s), then a new
    // pick at 3 s; hiss at -72 dBFS RMS throughout, the level of a DI's noise floor.
    let second_pick = 3 * RATE as usize;
    let len = second_pick + RATE as usize / 2;
    let mut input = hiss(len, db_to_amp(-72.0), 7);
    for (x, p) in input.iter_mut().zip(pluck(second_pick, 0.5, 0.25)) {
        *x += p;
    }
    for (x, p) in input[second_pick..].iter_mut().zip(pluck(len - second_pick, 0.5, 0.25)) {
        *x += p;
    }
    let (output, gains, open) = run(TEST_PARAMS, &input);

    // The note is above the threshold until 1.27 s: the gate must not touch it (after the first attack).
    let note = ms(TEST_PARAMS.attack_ms) + 1..ms(1_200.0);
    assert!(note.clone().all(|n| open[n] && gains[n] == 1.0), "gate dipped during the note");

    // From 2 s only hiss is left: closed, and the hiss attenuated by a lot.
    let tail = ms(2_000.0)..second_pick;
    assert!(tail.clone().all(|n| !open[n]), "gate opened on hiss");
    let attenuation = db(rms(&output[tail.clone()]) / rms(&input[tail.clone()]));
    match attenuation.is_finite() {
        true => println!("gate: hiss at -72 dBFS attenuated by {:.1} dB", -attenuation),
        false => println!("gate: hiss at -72 dBFS silenced (gain 0 after the release)"),
    }
    assert!(attenuation < -60.0, "hiss only {attenuation:.1} dB down");

    // The new pick: fully open within the attack time of its first sample.
    let reopened = (second_pick..len).find(|&n| gains[n] == 1.0).unwrap();
    let delay_ms = (reopened - second_pick) as f32 * 1e3 / RATE;
    println!("gate: reopened fully {delay_ms:.2} ms after the pick (attack {} ms)", TEST_PARAMS.attack_ms);
    assert!(reopened - second_pick <= ms(TEST_PARAMS.attack_ms) + 2, "took {delay_ms:.2} ms");
    assert!(open[second_pick + 2], "gate did not open on the pick");
}

fn db_to_amp(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Counts how often the gate changes between open and closed.
fn state_changes(open: &[bool]) -> usize {
    open.windows(2).filter(|w| w[0] != w[1]).count()
}

#[test]
fn hysteresis_stops_chatter_around_the_threshold() {
    // A 200 Hz tone whose level wanders +-3 dB around the -50 dB threshold, 7 times a second, for 4 s.
    let len = 4 * RATE as usize;
    let input: Vec<f32> = (0..len)
        .map(|n| {
            let t = n as f32 / RATE;
            let level_db = -50.0 + 3.0 * (std::f32::consts::TAU * 7.0 * t).sin();
            db_to_amp(level_db) * (std::f32::consts::TAU * 200.0 * t).sin()
        })
        .collect();
    let without = GateParams { hysteresis_db: 0.0, hold_ms: 0.0, ..TEST_PARAMS };
    let with = GateParams { hysteresis_db: 6.0, hold_ms: 0.0, ..TEST_PARAMS };
    let chatter = state_changes(&run(without, &input).2);
    let steady = state_changes(&run(with, &input).2);
    println!("gate: {chatter} open/close changes in 4 s without hysteresis, {steady} with 6 dB");
    assert!(chatter >= 40, "only {chatter} changes without hysteresis: the test signal does not hover");
    assert!(steady <= 1, "{steady} changes with 6 dB of hysteresis");
}

#[test]
fn hold_keeps_the_gate_open_for_exactly_the_hold_time() {
    // 200 ms of tone, then silence: the gate closes `hold` later than it would without hold.
    let len = ms(800.0);
    let input: Vec<f32> = (0..len).map(|n| if n < ms(200.0) { 0.3 * (n as f32 * 0.05).sin() } else { 0.0 }).collect();
    let closing = |hold_ms: f32| {
        let (_, gains, open) = run(GateParams { hold_ms, ..TEST_PARAMS }, &input);
        let closed_at = (ms(200.0)..len).find(|&n| !open[n]).unwrap();
        // Unity gain right up to the end of the hold.
        assert!(gains[ms(100.0)..closed_at].iter().all(|&g| g == 1.0), "gain moved during hold {hold_ms} ms");
        closed_at
    };
    let (without, with) = (closing(0.0), closing(120.0));
    println!("gate: closes {:.2} ms later with a 120 ms hold", (with - without) as f32 * 1e3 / RATE);
    assert!((with - without).abs_diff(ms(120.0)) <= 1, "hold lasted {} samples", with - without);
}

#[test]
fn gain_moves_in_bounded_steps_and_releases_by_60_db_in_the_release_time() {
    let mut input = pluck(ms(1_500.0), 0.8, 0.1);
    input.extend(pluck(ms(500.0), 0.8, 0.1));
    let (_, gains, open) = run(TEST_PARAMS, &input);
    let largest_step = gains.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    let attack_step = 1.0 / (TEST_PARAMS.attack_ms * RATE / 1e3);
    println!("gate: largest gain step {largest_step:.5} per sample (attack ramp {attack_step:.5})");
    assert!(largest_step <= attack_step * 1.0001, "gain jumped by {largest_step}");

    let closed_at = (1..gains.len()).find(|&n| open[n - 1] && !open[n]).unwrap();
    let start = gains[closed_at - 1];
    let minus_60 = (closed_at..gains.len()).find(|&n| gains[n] <= start * 1e-3).unwrap();
    let release = (minus_60 - closed_at + 1) as f32 * 1e3 / RATE;
    println!("gate: fell 60 dB in {release:.2} ms (release {} ms)", TEST_PARAMS.release_ms);
    assert!((release - TEST_PARAMS.release_ms).abs() <= 0.05, "release took {release} ms");
}

#[test]
fn non_finite_detector_input_does_not_hold_the_gate_open() {
    let mut gate = NoiseGate::new(RATE).unwrap();
    gate.set_params(GateParams { hold_ms: 0.0, ..TEST_PARAMS }).unwrap();
    let detector = vec![f32::INFINITY; ms(500.0)];
    let mut audio = vec![0.1; detector.len()];
    gate.process(&detector, &mut audio).unwrap();
    assert!(!gate.is_open() && gate.gain() == 0.0, "gain {} after 500 ms of inf", gate.gain());
}

#[test]
fn bad_settings_are_refused_by_name_and_leave_the_gate_as_it_was() {
    assert!(matches!(NoiseGate::new(0.0), Err(GateError::SampleRate(_))));
    assert!(matches!(NoiseGate::new(f32::NAN), Err(GateError::SampleRate(_))));
    let mut gate = NoiseGate::new(RATE).unwrap();
    gate.set_params(TEST_PARAMS).unwrap();
    let err = gate.set_params(GateParams { attack_ms: -1.0, ..TEST_PARAMS }).unwrap_err();
    assert!(err.to_string().contains("attack_ms = -1"), "{err}");
    assert_eq!(gate.params(), TEST_PARAMS);
    let err = gate.process(&[0.0; 4], &mut [0.0; 3]).unwrap_err();
    assert_eq!(err, GateError::BlockLengthMismatch { detector: 4, audio: 3 });
}

#[test]
fn reset_returns_to_the_fresh_state() {
    let input = pluck(ms(300.0), 0.5, 0.05);
    let mut fresh = NoiseGate::new(RATE).unwrap();
    fresh.set_params(TEST_PARAMS).unwrap();
    let mut used = fresh.clone();
    let mut scratch = hiss(ms(700.0), 0.01, 3);
    used.process(&scratch.clone(), &mut scratch).unwrap();
    used.reset();
    let (mut a, mut b) = (input.clone(), input.clone());
    fresh.process(&input, &mut a).unwrap();
    used.process(&input, &mut b).unwrap();
    assert_eq!(a, b);
}
