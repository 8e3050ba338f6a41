//! The gate runs on the audio thread: building it may not even need the heap, and processing must not touch it.

use blackbox_engine::gate::{GateParams, NoiseGate};

mod alloc_counter;

use alloc_counter::allocations;

#[test]
fn building_setting_and_processing_never_allocate() {
    let detector: Vec<f32> = (0..4096).map(|n| (n as f32 * 0.01).sin() * if n < 2048 { 0.5 } else { 1e-5 }).collect();
    let mut audio = detector.clone();
    let before = allocations();
    let mut gate = NoiseGate::new(96_000.0).unwrap();
    for threshold_db in [-60.0, -40.0] {
        gate.set_params(GateParams { threshold_db, ..GateParams::default() }).unwrap();
        gate.process(&detector, &mut audio).unwrap();
    }
    let _ = gate.set_params(GateParams { release_ms: -1.0, ..GateParams::default() });
    let _ = gate.process(&detector, &mut audio[..10]);
    gate.next_gain(0.3);
    gate.reset();
    assert_eq!(allocations() - before, 0);
    let before = allocations();
    let probe = std::hint::black_box(vec![1u8; 16]);
    assert_eq!(allocations() - before, 1, "allocation counter is not counting ({probe:?})");
}
