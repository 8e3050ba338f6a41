//! A delay that lines signals up with the resampled wet signal: the dry signal (mix, bypass, gate detector),
//! and a model whose own round trip is shorter than the plugin's reported latency.

/// The longest delay any line can be set to without allocating: far beyond any round trip (a 22.05 kHz model in
/// a 192 kHz host needs about 410 samples).
pub const MAX_DELAY: usize = 4096;

pub struct DelayLine {
    buffer: Vec<f32>,
    delay: usize,
    position: usize,
}

impl DelayLine {
    /// Allocates room for [`MAX_DELAY`] samples and sets `delay`; call off the audio thread.
    pub fn new(delay: usize) -> Self {
        let mut line = DelayLine { buffer: vec![0.0; MAX_DELAY.max(delay)], delay: 0, position: 0 };
        line.set_delay(delay);
        line
    }

    pub fn delay(&self) -> usize {
        self.delay
    }

    /// Changes the delay (clearing what is held, which a change of latency makes stale anyway); allocation-free.
    /// Delays beyond the line's room are cut to it.
    pub fn set_delay(&mut self, delay: usize) {
        let delay = delay.min(self.buffer.len());
        if delay != self.delay {
            self.delay = delay;
            self.reset();
        }
    }

    pub fn process_in_place(&mut self, samples: &mut [f32]) {
        if self.delay == 0 {
            return;
        }
        for x in samples {
            *x = std::mem::replace(&mut self.buffer[self.position], *x);
            self.position += 1;
            if self.position == self.delay {
                self.position = 0;
            }
        }
    }

    /// Writes `input` delayed into `output` (equal lengths; the shorter one bounds the work).
    pub fn process(&mut self, input: &[f32], output: &mut [f32]) {
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_in_place(&mut output[..n]);
    }

    pub fn reset(&mut self) {
        self.buffer[..self.delay].fill(0.0);
        self.position = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_the_input_delayed_by_exactly_the_delay_whatever_the_block_size() {
        let input: Vec<f32> = (1..=100).map(|i| i as f32).collect();
        for block in [1, 3, 64] {
            let mut line = DelayLine::new(7);
            let mut output = vec![0.0; input.len()];
            for (x, y) in input.chunks(block).zip(output.chunks_mut(block)) {
                line.process(x, y);
            }
            assert!(output[..7].iter().all(|&y| y == 0.0));
            assert_eq!(&output[7..], &input[..93]);
        }
        let mut none = DelayLine::new(0);
        let mut out = [0.0; 3];
        none.process(&[1.0, 2.0, 3.0], &mut out);
        assert_eq!(out, [1.0, 2.0, 3.0]);
        let mut line = DelayLine::new(3);
        line.set_delay(2);
        let mut samples = [1.0, 2.0, 3.0, 4.0];
        line.process_in_place(&mut samples);
        assert_eq!(samples, [0.0, 0.0, 1.0, 2.0]);
    }
}
