//! The round trip runs on the audio thread: after construction it must not allocate, whatever the block sizes.

use blackbox_engine::resample::{MODEL_SAMPLE_RATE, RoundTrip, RoundTripMode};

mod alloc_counter;

use alloc_counter::allocations;

#[test]
fn processing_and_reset_never_allocate_after_construction() {
    let mut buffer = vec![0.0f32; 8192];
    for (n, x) in buffer.iter_mut().enumerate() {
        *x = (n as f32 * 0.05).sin() * 0.5;
    }
    for (host_rate, mode) in [44_100, 48_000, 88_200, 96_000, 176_400, 192_000, 32_000, 768_000]
        .into_iter()
        .flat_map(|rate| [(rate, RoundTripMode::LowLatency), (rate, RoundTripMode::HighRejection)])
    {
        let mut trip = RoundTrip::with_mode(host_rate, MODEL_SAMPLE_RATE, mode).unwrap();
        let mut gain = 1.0f32;
        let before = allocations();
        for size in [1, 2, 3, 64, 511, 4096, 8192, 333, 1, 8191] {
            trip.process_in_place(&mut buffer[..size], |chunk| {
                gain = -gain;
                chunk.iter_mut().for_each(|x| *x *= gain);
            });
        }
        trip.reset();
        let mut output = [0.0f32; 700];
        trip.process(&buffer[..700], &mut output, |_| {}).unwrap();
        let counted = allocations() - before;
        assert_eq!(counted, 0, "{mode:?} {host_rate} Hz: {counted} allocations while processing");
    }
    // The counter does count: this allocation must show up.
    let before = allocations();
    let probe = std::hint::black_box(vec![1u8; 16]);
    assert_eq!(allocations() - before, 1, "allocation counter is not counting ({probe:?})");
}
