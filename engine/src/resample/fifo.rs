/// A fixed-capacity ring of samples at the host rate, between the block resampler and the host's blocks.
///
/// Allocates once; pushing more than fits or popping more than it holds is a bug in the round trip's
/// bookkeeping, caught by debug assertions and otherwise answered with silence rather than a panic.
pub(crate) struct SampleFifo {
    ring: Vec<f32>,
    read: usize,
    len: usize,
}

impl SampleFifo {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        SampleFifo { ring: vec![0.0; capacity.max(1)], read: 0, len: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn clear(&mut self) {
        self.read = 0;
        self.len = 0;
    }

    pub(crate) fn push_silence(&mut self, count: usize) {
        for _ in 0..count.min(self.ring.len() - self.len) {
            self.push_one(0.0);
        }
    }

    pub(crate) fn push(&mut self, samples: &[f32]) {
        debug_assert!(self.len + samples.len() <= self.ring.len(), "fifo overflow");
        let free = self.ring.len() - self.len;
        for &sample in &samples[..samples.len().min(free)] {
            self.push_one(sample);
        }
    }

    pub(crate) fn pop_into(&mut self, out: &mut [f32]) {
        debug_assert!(out.len() <= self.len, "fifo underflow");
        let capacity = self.ring.len();
        for slot in out.iter_mut() {
            if self.len == 0 {
                *slot = 0.0;
                continue;
            }
            *slot = self.ring[self.read];
            self.read = (self.read + 1) % capacity;
            self.len -= 1;
        }
    }

    fn push_one(&mut self, sample: f32) {
        let write = (self.read + self.len) % self.ring.len();
        self.ring[write] = sample;
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::SampleFifo;

    #[test]
    fn keeps_order_across_the_wrap() {
        let mut fifo = SampleFifo::with_capacity(4);
        let mut out = [0.0; 3];
        fifo.push(&[1.0, 2.0, 3.0]);
        fifo.pop_into(&mut out[..2]);
        fifo.push(&[4.0, 5.0, 6.0]);
        assert_eq!(fifo.len(), 4);
        fifo.pop_into(&mut out);
        assert_eq!(out, [3.0, 4.0, 5.0]);
        assert_eq!(fifo.len(), 1);
    }
}
