//! A zero-initialised f32 buffer on 64-byte boundaries.
//!
//! The kernels stream the recurrent matrix with full-width loads; a 64-byte load that straddles two cache lines
//! costs two L1 accesses, and the hidden-96 step is bound by exactly that bandwidth, so every buffer a kernel
//! reads starts on a cache line.

#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct CacheLine([f32; 16]);

#[derive(Clone)]
pub(crate) struct AlignedBuf {
    lines: Vec<CacheLine>,
    len: usize,
}

impl AlignedBuf {
    pub(crate) fn zeros(len: usize) -> Self {
        AlignedBuf { lines: vec![CacheLine([0.0; 16]); len.div_ceil(16)], len }
    }

    pub(crate) fn as_slice(&self) -> &[f32] {
        // SAFETY: CacheLine is repr(C) around [f32; 16], so the lines are `16 * lines.len() >= len` contiguous f32.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<f32>(), self.len) }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [f32] {
        // SAFETY: as in `as_slice`, and the borrow is unique.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast::<f32>(), self.len) }
    }

    pub(crate) fn fill_zero(&mut self) {
        self.as_mut_slice().fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::AlignedBuf;

    #[test]
    fn starts_on_a_cache_line_and_holds_exactly_len_zeros() {
        for len in [1, 15, 16, 17, 384] {
            let buf = AlignedBuf::zeros(len);
            assert_eq!(buf.as_slice().as_ptr() as usize % 64, 0);
            assert_eq!(buf.as_slice().len(), len);
            assert!(buf.as_slice().iter().all(|&v| v == 0.0));
        }
    }
}
