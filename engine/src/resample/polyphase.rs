use super::kaiser::Kernel;

/// Where a polyphase stage's samples sit in time, in integer "ticks" shared by both rates of a round trip.
///
/// With host and model rates reduced to coprime periods `P_h : P_m` (160 : 147 for 48 kHz : 44.1 kHz), one tick
/// is `1 / (host_rate * P_m)` seconds: host sample `k` sits at tick `k * P_m` and model sample `j` at tick
/// `j * P_h`. Every filter phase and every delay is then an integer, so the phases repeat exactly, nothing
/// drifts however long the stream, and the round trip's delay can be made a whole number of host samples.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StageTiming {
    /// Ticks per second.
    pub(crate) tick_rate: f64,
    /// Ticks between input samples.
    pub(crate) in_ticks: i64,
    /// Ticks between output samples.
    pub(crate) out_ticks: i64,
    /// Output sample `o` is the input signal at tick `o * out_ticks - delay`.
    pub(crate) delay: i64,
    /// The kernel spans `(-half_width, half_width)` ticks around that instant.
    pub(crate) half_width: i64,
}

/// Room for consumed inputs in the history before they are moved out (see [`PolyphaseStage::new`]).
const SLACK: usize = 2_048;

/// One direction of a rational-ratio resampler, streaming, mono f32: inputs are pushed, and every output whose
/// inputs have all arrived can be taken. Allocates only in [`PolyphaseStage::new`]; never panics after it.
pub(crate) struct PolyphaseStage {
    timing: StageTiming,
    /// `taps` coefficients per phase, phase-major, in input order (oldest first) so that a phase's row lines up
    /// with a contiguous slice of the history. Each row sums to 1: every phase passes DC unchanged, or a
    /// constant input would come out with a ripple at the rate the phases cycle.
    coefficients: Vec<f32>,
    taps: usize,
    /// Inputs still needed, behind those already consumed until room runs short; `history[..len]` valid.
    history: Vec<f32>,
    len: usize,
    /// Index in `history` of the newest input the next output needs.
    newest: usize,
    /// Which coefficient row the next output uses.
    phase: i64,
    /// The state `reset` returns to: how many zeros stand for the time before the stream, `newest` and `phase`.
    start: (usize, usize, i64),
}

impl PolyphaseStage {
    /// A stage that accepts up to `max_push` inputs at a time between takes.
    pub(crate) fn new(timing: StageTiming, kernel: &Kernel, max_push: usize) -> Self {
        let StageTiming { tick_rate, in_ticks, half_width, .. } = timing;
        // Enough taps to cover the support at any phase, plus one that the narrowest phases leave at zero.
        let taps = (2 * half_width).div_euclid(in_ticks) as usize + 1;
        let phases = in_ticks as usize;
        let mut coefficients = vec![0.0f32; phases * taps];
        let mut row = vec![0.0f64; taps];
        for (phase, out) in coefficients.chunks_exact_mut(taps).enumerate() {
            // Tap `t` of the row is `taps - 1 - t` inputs before the newest, which lies `phase` ticks short of
            // the kernel's right edge (`half_width - 1` ticks after the centre, the last tick it covers).
            for (t, value) in row.iter_mut().enumerate() {
                let offset = half_width - 1 - phase as i64 - (taps - 1 - t) as i64 * in_ticks;
                *value = kernel.at(offset as f64 / tick_rate);
            }
            let sum: f64 = row.iter().sum();
            for (c, v) in out.iter_mut().zip(&row) {
                *c = (v / sum) as f32;
            }
        }
        // First output: centred on tick -delay; its newest input is where the right edge falls.
        let right_edge = half_width - 1 - timing.delay;
        let (newest_index, phase) = (right_edge.div_euclid(in_ticks), right_edge.rem_euclid(in_ticks));
        // Zeros stand for the inputs before the stream starts, as many as the first output reaches back.
        let zeros = (taps as i64 - 1 - newest_index).max(0) as usize;
        let newest = (zeros as i64 + newest_index) as usize;
        // After a take, at most a kernel's worth of inputs (or the initial zeros) is still needed, and the round
        // trip pushes no more than `max_push` before taking all it can. The slack lets consumed inputs pile up
        // for a while, so that they are moved out of the way once per `SLACK` inputs rather than at every call
        // (hosts that send one sample at a time would otherwise pay a kernel-long copy per sample).
        let capacity = zeros.max(taps) + 2 * max_push + taps + SLACK;
        let mut stage = PolyphaseStage {
            timing,
            coefficients,
            taps,
            history: vec![0.0; capacity],
            len: 0,
            newest: 0,
            phase: 0,
            start: (zeros, newest, phase),
        };
        stage.reset();
        stage
    }

    /// Back to the start of a stream: silence before it, no input yet.
    pub(crate) fn reset(&mut self) {
        let (zeros, newest, phase) = self.start;
        self.history.fill(0.0);
        self.len = zeros;
        self.newest = newest;
        self.phase = phase;
    }

    /// Appends input samples. More than the stage was built for is a bookkeeping bug of the caller: the excess
    /// is dropped (and a debug build stops) rather than reallocating on the audio thread.
    pub(crate) fn push(&mut self, input: &[f32]) {
        if input.len() > self.history.len() - self.len {
            self.discard_consumed();
        }
        let free = self.history.len() - self.len;
        debug_assert!(input.len() <= free, "polyphase history overflow: {} into {free}", input.len());
        let take = input.len().min(free);
        self.history[self.len..self.len + take].copy_from_slice(&input[..take]);
        self.len += take;
    }

    /// Writes as many outputs as the inputs pushed so far allow, up to `output.len()`; returns how many.
    pub(crate) fn take(&mut self, output: &mut [f32]) -> usize {
        let mut written = 0;
        for slot in output.iter_mut() {
            if self.newest >= self.len {
                break;
            }
            let first = self.newest + 1 - self.taps;
            let row = self.phase as usize * self.taps;
            *slot = dot(&self.coefficients[row..row + self.taps], &self.history[first..=self.newest]);
            written += 1;
            // The next output's right edge is `out_ticks` later: carry whole inputs out of the phase.
            let advanced = self.phase + self.timing.out_ticks;
            self.newest += advanced.div_euclid(self.timing.in_ticks) as usize;
            self.phase = advanced.rem_euclid(self.timing.in_ticks);
        }
        written
    }

    /// Drops inputs no future output reaches back to, moving the rest to the start of the history.
    fn discard_consumed(&mut self) {
        let oldest_needed = (self.newest + 1).saturating_sub(self.taps).min(self.len);
        if oldest_needed > 0 {
            self.history.copy_within(oldest_needed..self.len, 0);
            self.len -= oldest_needed;
            self.newest -= oldest_needed;
        }
    }
}

/// Eight independent accumulators let the compiler vectorise the sum; this is the whole cost of a stage.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for ((sum, x), y) in acc.iter_mut().zip(x).zip(y) {
            *sum += x * y;
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 48 kHz -> 44.1 kHz with the kernel centred on each output, fed in ragged pieces.
    fn down_48k(delay: i64) -> (PolyphaseStage, StageTiming) {
        let kernel = Kernel::lowpass(22_050.0);
        let tick_rate = 48_000.0 * 147.0;
        let half_width = (kernel.half_width_s() * tick_rate).ceil() as i64;
        let timing = StageTiming { tick_rate, in_ticks: 147, out_ticks: 160, delay, half_width };
        (PolyphaseStage::new(timing, &kernel, 64), timing)
    }

    #[test]
    fn a_ramp_comes_out_as_the_ramp_at_the_output_instants() {
        // A slow ramp is all passband: output `o` must be the ramp's value at tick `o * 160 - delay`.
        let (mut stage, timing) = down_48k(5_000);
        let input: Vec<f32> = (0..3_000).map(|k| k as f32 * 1e-3).collect();
        let mut output = vec![0.0; 4_000];
        let mut made = 0;
        for piece in input.chunks(37) {
            stage.push(piece);
            made += stage.take(&mut output[made..]);
        }
        // Outputs whose kernel reaches before the stream started see the zeros there; skip them.
        let settled = (timing.delay + timing.half_width) / timing.out_ticks + 1;
        assert!(made > 2_000, "{made}");
        for (o, &y) in output[..made].iter().enumerate().skip(settled as usize) {
            let at_input = (o as i64 * timing.out_ticks - timing.delay) as f64 / timing.in_ticks as f64;
            assert!((y as f64 - at_input * 1e-3).abs() < 2e-5, "output {o}: {y} vs ramp at input {at_input}");
        }
    }

    #[test]
    fn every_phase_passes_dc_unchanged() {
        let (stage, _) = down_48k(0);
        for row in stage.coefficients.chunks_exact(stage.taps) {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5, "{sum}");
        }
    }
}
