//! A fixed delay, so the dry signal lines up with the resampled wet signal (mix, bypass, gate detector).

pub struct DelayLine {
    buffer: Vec<f32>,
    position: usize,
}

impl DelayLine {
    /// Allocates `delay` samples; call off the audio thread.
    pub fn new(delay: usize) -> Self {
        DelayLine { buffer: vec![0.0; delay], position: 0 }
    }

    /// Writes `input` delayed into `output` (equal lengths; the shorter one bounds the work).
    pub fn process(&mut self, input: &[f32], output: &mut [f32]) {
        if self.buffer.is_empty() {
            let n = input.len().min(output.len());
            output[..n].copy_from_slice(&input[..n]);
            return;
        }
        for (x, y) in input.iter().zip(output.iter_mut()) {
            *y = std::mem::replace(&mut self.buffer[self.position], *x);
            self.position += 1;
            if self.position == self.buffer.len() {
                self.position = 0;
            }
        }
    }

    pub fn reset(&mut self) {
        self.buffer.fill(0.0);
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
    }
}
