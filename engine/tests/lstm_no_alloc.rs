//! The audio-thread promise: after construction, StreamingLstm never touches the allocator. A counting global
//! allocator sees every allocation of this test binary; it counts only on the thread that switched counting on,
//! because the test harness's own threads allocate at times of their choosing.

mod lstm_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::simd::Kernel;
use lstm_support::{guitar_like, keras_like_weights};

struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // A const-initialised Copy value: reading it never allocates, so the allocator may consult it.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn processing_never_allocates_after_construction() {
    let audio = guitar_like(2_000, 1);
    let mut output = vec![0.0f32; audio.len()];
    let mut buffer = audio.clone();
    // The counter must work: a Vec made while counting is seen.
    COUNTING.with(|c| c.set(true));
    let probe = std::hint::black_box(vec![1u8; 10]);
    COUNTING.with(|c| c.set(false));
    assert!(ALLOCATIONS.load(Ordering::SeqCst) >= 1 && probe.len() == 10, "the counting allocator is not in use");
    for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
        for (inputs, hidden) in [(1, 96), (2, 130)] {
            let weights = keras_like_weights(inputs, hidden, 2);
            let mut lstm = StreamingLstm::with_kernel(&weights, kernel).unwrap();
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            COUNTING.with(|c| c.set(true));
            lstm.set_conditioning(&[0.3][..inputs - 1]);
            lstm.process_block(&audio, &mut output);
            lstm.process_in_place(&mut buffer);
            lstm.process_sample(f32::NAN);
            lstm.reset();
            lstm.process_sample(0.1);
            COUNTING.with(|c| c.set(false));
            let allocated = ALLOCATIONS.load(Ordering::SeqCst) - before;
            assert_eq!(allocated, 0, "{} kernel allocated {allocated} times while processing", kernel.name());
        }
    }
}
