//! How the trainer asks glibc's allocator to keep the memory it frees.
//!
//! A training step allocates and frees the same large tensors (megabytes each at 96 units) batch after batch.
//! By default glibc serves such blocks by mmap or trims the top of its heap once they are freed, so the next batch
//! faults every page in again: a streaming grid job, hours into its run, spent 16 % of its CPU time in the
//! kernel. Measured on one ds340 cell (96 units, ctx 66, three epochs, AMD EPYC Zen 5): by default 11.9 / 13.6 /
//! 13.9 s per epoch with 5.7 s of system time in one run and 11.1 s with 0.6 s in another (glibc moves its
//! threshold with what was freed before); with the two settings below 10.2-11.4 s and 0.25 s. Either setting
//! alone was worse (18 s per epoch with only the threshold, 24 s with only the trim). The results are the same
//! to the bit (every column of results.csv but the training seconds); only where the bytes live changes.

/// Blocks up to this size come from the heap, which is reused, instead of a fresh mapping each time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 32 << 20;

/// Tells glibc to keep freed memory for reuse: heap blocks up to 32 MiB and no trimming of the heap's top short
/// of 2 GiB free. The process keeps its peak size (a few hundred MB for a grid cell) until it exits.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; it is called at start-up, before any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX);
    }
}
