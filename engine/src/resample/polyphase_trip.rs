use super::ResampleError;
use super::kaiser::Kernel;
use super::plan::gcd;
use super::polyphase::{PolyphaseStage, StageTiming};
use super::sanitize::sanitize;

/// The longest slice of model-rate samples handed to the model at once in the low-latency mode. Any length works
/// (the model sees one continuous stream); this one bounds the scratch buffers and keeps calls cheap.
pub const LOW_LATENCY_MODEL_CHUNK: usize = 512;

/// The low-latency round trip: two streaming polyphase FIR stages (Kaiser-windowed sinc) with exact rational
/// phases, and the model run on every model sample as soon as its inputs have arrived.
///
/// Latency. Model sample `j` is the input signal `down_delay` ticks before its own instant, host output `n` the
/// model signal `up_delay` ticks before its own instant, so the output is the input delayed by exactly
/// `down_delay + up_delay` ticks, chosen to be `latency * P_m`: a whole number of host samples (see
/// [`StageTiming`] for ticks). There is no block to fill; the least `latency` for which every output's inputs
/// have arrived when the host asks for it is the two kernels' reach into the future, `2 * half_width - 2` ticks,
/// less the one host period that the sample being output itself provides: about one millisecond at any rate
/// above 44.1 kHz.
pub(crate) struct PolyphaseTrip {
    down: PolyphaseStage,
    up: PolyphaseStage,
    /// Model-rate samples between the two stages, where the model runs.
    model_chunk: Vec<f32>,
    /// Host samples handled per step, so that one step never makes more than `model_chunk.len()` model samples.
    host_segment: usize,
    latency: usize,
}

impl PolyphaseTrip {
    pub(crate) fn new(host_rate: u32, model_rate: u32) -> Result<Self, ResampleError> {
        Self::with_latency_offset(host_rate, model_rate, 0)
    }

    /// Built with `offset` samples more latency than the least that works (tests show that one less fails).
    fn with_latency_offset(host_rate: u32, model_rate: u32, offset: i64) -> Result<Self, ResampleError> {
        let gcd = gcd(host_rate, model_rate);
        let (host_period, model_period) = (host_rate / gcd, model_rate / gcd);
        let (p_h, p_m) = (i64::from(host_period), i64::from(model_period));
        let tick_rate = f64::from(host_rate) * model_period as f64;
        let kernel = Kernel::lowpass(0.5 * f64::from(host_rate.min(model_rate)));
        let half_width = (kernel.half_width_s() * tick_rate).ceil() as i64;

        // Output `n` needs model samples up to tick `n * p_m - up_delay + half_width - 1`; the newest of those
        // needs host samples up to `down_delay` ticks earlier plus `half_width - 1`. That must not pass host sample
        // `n` itself, whose tick is `n * p_m` (and the floor to whole host samples grants up to `p_m - 1` more):
        // `(latency + 1) * p_m > 2 * half_width - 2`.
        let latency = (2 * half_width - 2).div_euclid(p_m) + offset;
        // Delay the down stage by its kernel's reach, so that a model sample needs host samples up to its own
        // instant and no further and is made as soon as those have arrived; the up stage takes the rest.
        let down_delay = half_width - 1;
        let up_delay = latency * p_m - down_delay;

        let host_segment = ((LOW_LATENCY_MODEL_CHUNK as i64 - 2) * p_h / p_m).clamp(1, 1_024) as usize;
        let model_chunk = (host_segment as u64 * u64::from(model_period)).div_ceil(u64::from(host_period)) as usize + 1;
        let down_timing = StageTiming { tick_rate, in_ticks: p_m, out_ticks: p_h, delay: down_delay, half_width };
        let up_timing = StageTiming { tick_rate, in_ticks: p_h, out_ticks: p_m, delay: up_delay, half_width };
        Ok(PolyphaseTrip {
            down: PolyphaseStage::new(down_timing, &kernel, host_segment),
            up: PolyphaseStage::new(up_timing, &kernel, model_chunk),
            model_chunk: vec![0.0; model_chunk],
            host_segment,
            latency: latency as usize,
        })
    }

    pub(crate) fn latency(&self) -> usize {
        self.latency
    }

    pub(crate) fn max_model_chunk(&self) -> usize {
        self.model_chunk.len()
    }

    pub(crate) fn reset(&mut self) {
        self.down.reset();
        self.up.reset();
    }

    pub(crate) fn process_in_place(&mut self, block: &mut [f32], model: &mut dyn FnMut(&mut [f32])) {
        let missing = self.run(block, model);
        debug_assert_eq!(missing, 0, "low-latency round trip ran short of model samples");
    }

    /// Processes `block` in place; returns how many outputs could not be made (and were silenced), which the
    /// latency makes zero.
    fn run(&mut self, block: &mut [f32], model: &mut dyn FnMut(&mut [f32])) -> usize {
        let mut missing = 0;
        for segment in block.chunks_mut(self.host_segment) {
            sanitize(segment);
            self.down.push(segment);
            // One pass makes every model sample this segment allows; the loop only guards the sizing.
            loop {
                let made = self.down.take(&mut self.model_chunk);
                if made == 0 {
                    break;
                }
                let chunk = &mut self.model_chunk[..made];
                model(chunk);
                sanitize(chunk);
                self.up.push(chunk);
                if made < self.model_chunk.len() {
                    break;
                }
            }
            // The latency guarantees every output of this segment can be made now.
            let written = self.up.take(segment);
            missing += segment.len() - written;
            segment[written..].fill(0.0);
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs that could not be made over a few resampling periods, fed one sample at a time (every host sample
    /// is then the newest available when its output is asked for, the tightest case).
    fn shortfall(host_rate: u32, offset: i64) -> usize {
        let mut trip = PolyphaseTrip::with_latency_offset(host_rate, 44_100, offset).unwrap();
        let mut sample = [0.5f32];
        (0..3 * host_rate as usize / 100).map(|_| trip.run(&mut sample, &mut |_: &mut [f32]| {})).sum()
    }

    #[test]
    fn the_latency_is_the_least_that_never_runs_short() {
        for host_rate in [32_000, 48_000, 88_200, 96_000, 176_400, 192_000] {
            assert_eq!(shortfall(host_rate, 0), 0, "{host_rate} Hz");
            assert!(shortfall(host_rate, -1) > 0, "{host_rate} Hz: one sample less latency would also do");
        }
    }
}
