//! Recycled tape buffers.
//!
//! A batch's tape is ~15 MB at ctx 88 / hidden 96; allocating it fresh costs page faults and zeroing that
//! perf measured at ~7 % of the kernel's time. Every batch has the same sizes, so the buffers of one tape are
//! handed to the next. The kernel writes every element it later reads (padding included), so the stale
//! contents of a recycled buffer are never seen.

use std::cell::RefCell;

/// Buffers kept per thread: one tape's four plus slack for a tape alive across two calls.
const KEPT: usize = 12;

thread_local! {
    static POOL: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` floats with unspecified (finite) contents.
pub(crate) fn take(len: usize) -> Vec<f32> {
    let recycled = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        // Best fit, so that a small inference buffer does not take a training tape's.
        let best = (0..pool.len()).filter(|&i| pool[i].len() >= len).min_by_key(|&i| pool[i].len())?;
        Some(pool.swap_remove(best))
    });
    match recycled {
        Some(mut buffer) => {
            buffer.truncate(len);
            buffer
        }
        None => vec![0.0; len],
    }
}

/// Returns a buffer for a later [`take`].
pub(crate) fn give(buffer: Vec<f32>) {
    if buffer.is_empty() {
        return;
    }
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        if pool.len() < KEPT {
            pool.push(buffer);
        }
    });
}
