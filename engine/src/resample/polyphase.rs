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

/// The most coefficients a stage stores as one row per phase (2 MiB). Rate pairs that share only a small factor
/// (47 999 Hz against 44.1 kHz has 44 100 phases) or a host far below the model's rate (1 235 Hz: 1 680 taps a
/// row) would need more; their stages interpolate each output's row from the kernel sampled finely instead,
/// on the same exact tick grid, so the timing and the latency are the same either way.
pub(crate) const MAX_TABLE_COEFFICIENTS: usize = 1 << 19;

/// Kernel samples per period of its cutoff frequency in the interpolated form. Linear interpolation between
/// them errs by about `(pi / 1024)^2 / 8` of the kernel's peak at the cutoff: -118 dB, far below the 70 dB design.
const FINE_STEPS_PER_CUTOFF_PERIOD: f64 = 1_024.0;

/// Each output's coefficients. Each row sums to 1: every phase passes DC unchanged, or a constant input would
/// come out with a ripple at the rate the phases cycle.
enum Rows {
    /// `taps` coefficients per phase, phase-major, in input order (oldest first) so that a phase's row lines up
    /// with a contiguous slice of the history.
    Table(Vec<f32>),
    /// Too many phases to store: the kernel sampled every `step` ticks from `-half_width`, interpolated at each
    /// tap's offset as the output is made.
    Fine { kernel: Vec<f32>, steps_per_tick: f64 },
}

/// One direction of a rational-ratio resampler, streaming, mono f32: inputs are pushed, and every output whose
/// inputs have all arrived can be taken. Allocates only in [`PolyphaseStage::new`]; never panics after it.
pub(crate) struct PolyphaseStage {
    timing: StageTiming,
    rows: Rows,
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
        Self::with_table_limit(timing, kernel, max_push, MAX_TABLE_COEFFICIENTS)
    }

    /// Rows stored as a table if it holds at most `table_limit` coefficients, interpolated otherwise.
    fn with_table_limit(timing: StageTiming, kernel: &Kernel, max_push: usize, table_limit: usize) -> Self {
        let StageTiming { tick_rate, in_ticks, half_width, .. } = timing;
        // Enough taps to cover the support at any phase, plus one that the narrowest phases leave at zero.
        let taps = (2 * half_width).div_euclid(in_ticks) as usize + 1;
        let phases = in_ticks as usize;
        let rows = if phases.saturating_mul(taps) <= table_limit {
            Rows::Table(table(timing, kernel, taps))
        } else {
            let steps_per_tick = FINE_STEPS_PER_CUTOFF_PERIOD * kernel.cutoff_hz() / tick_rate;
            let steps = (2.0 * half_width as f64 * steps_per_tick).ceil() as usize + 2;
            let kernel = (0..steps)
                .map(|i| kernel.at((i as f64 / steps_per_tick - half_width as f64) / tick_rate) as f32)
                .collect();
            Rows::Fine { kernel, steps_per_tick }
        };
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
            rows,
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
            let inputs = &self.history[self.newest + 1 - self.taps..=self.newest];
            *slot = match &self.rows {
                Rows::Table(coefficients) => {
                    let row = self.phase as usize * self.taps;
                    dot(&coefficients[row..row + self.taps], inputs)
                }
                Rows::Fine { kernel, steps_per_tick } => {
                    interpolated_dot(kernel, *steps_per_tick, self.timing, self.phase, inputs)
                }
            };
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

/// One row per phase. Tap `t` of a row is `taps - 1 - t` inputs before the newest, which lies `phase` ticks short
/// of the kernel's right edge (`half_width - 1` ticks after the centre, the last tick it covers).
fn table(timing: StageTiming, kernel: &Kernel, taps: usize) -> Vec<f32> {
    let StageTiming { tick_rate, in_ticks, half_width, .. } = timing;
    let mut coefficients = vec![0.0f32; in_ticks as usize * taps];
    let mut row = vec![0.0f64; taps];
    for (phase, out) in coefficients.chunks_exact_mut(taps).enumerate() {
        for (t, value) in row.iter_mut().enumerate() {
            let offset = half_width - 1 - phase as i64 - (taps - 1 - t) as i64 * in_ticks;
            *value = kernel.at(offset as f64 / tick_rate);
        }
        let sum: f64 = row.iter().sum();
        for (c, v) in out.iter_mut().zip(&row) {
            *c = (v / sum) as f32;
        }
    }
    coefficients
}

/// The output of `phase` from `inputs` (oldest first) with the row interpolated from the finely sampled kernel,
/// tap by tap at the offsets [`table`] would have used, and normalised to unit DC gain as the table's rows are.
fn interpolated_dot(kernel: &[f32], steps_per_tick: f64, timing: StageTiming, phase: i64, inputs: &[f32]) -> f32 {
    let taps = inputs.len() as i64;
    let (mut sum, mut weight) = (0.0f64, 0.0f64);
    for (t, &x) in inputs.iter().enumerate() {
        let offset = timing.half_width - 1 - phase - (taps - 1 - t as i64) * timing.in_ticks;
        // Taps outside the support (the narrowest phases leave one) weigh nothing, as in the table.
        if offset <= -timing.half_width {
            continue;
        }
        let position = (offset + timing.half_width) as f64 * steps_per_tick;
        let index = position as usize;
        let (Some(&a), Some(&b)) = (kernel.get(index), kernel.get(index + 1)) else {
            continue;
        };
        let c = f64::from(a) + (position - index as f64) * f64::from(b - a);
        sum += c * f64::from(x);
        weight += c;
    }
    if weight == 0.0 { 0.0 } else { (sum / weight) as f32 }
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
        let Rows::Table(coefficients) = &stage.rows else { panic!("48 kHz : 44.1 kHz fits a table") };
        for row in coefficients.chunks_exact(stage.taps) {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 1e-5, "{sum}");
        }
    }

    #[test]
    fn interpolated_rows_make_the_table_outputs() {
        interpolated_rows_match(down_48k(3_000), Kernel::lowpass(22_050.0));
        // 7 999 Hz -> 44.1 kHz: 44 100 phases.
        let kernel = Kernel::lowpass(7_999.0 / 2.0);
        let tick_rate = 7_999.0 * 44_100.0;
        let half_width = (kernel.half_width_s() * tick_rate).ceil() as i64;
        let timing = StageTiming { tick_rate, in_ticks: 44_100, out_ticks: 7_999, delay: half_width - 1, half_width };
        interpolated_rows_match((PolyphaseStage::with_table_limit(timing, &kernel, 64, usize::MAX), timing), kernel);
    }

    fn interpolated_rows_match((mut table, timing): (PolyphaseStage, StageTiming), kernel: Kernel) {
        let mut fine = PolyphaseStage::with_table_limit(timing, &kernel, 64, 0);
        assert!(matches!(fine.rows, Rows::Fine { .. }));
        let input: Vec<f32> = (0..2_000).map(|k| (k as f32 * 0.37).sin() * 0.8 + (k as f32 * 0.051).cos() * 0.1).collect();
        let (mut a, mut b) = (vec![0.0; 2_500], vec![0.0; 2_500]);
        let (mut made_a, mut made_b) = (0, 0);
        for piece in input.chunks(53) {
            table.push(piece);
            fine.push(piece);
            made_a += table.take(&mut a[made_a..]);
            made_b += fine.take(&mut b[made_b..]);
        }
        assert_eq!(made_a, made_b);
        let worst = a[..made_a].iter().zip(&b[..made_b]).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
        // Linear interpolation of the kernel errs by about -90 dB of full scale here.
        assert!(worst < 1e-4, "interpolated rows differ from the table by {worst}");
    }
}
