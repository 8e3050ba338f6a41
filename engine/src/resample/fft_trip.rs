use super::ResampleError;
use super::block::BlockResampler;
use super::fifo::SampleFifo;
use super::plan::BlockPlan;
use super::sanitize::sanitize;

/// The high-rejection round trip: rubato's synchronous FFT resampler on fixed blocks.
///
/// Host samples are gathered into blocks of [`BlockPlan::host_block`], each full block is resampled down, handed
/// to the model, resampled up and queued. Starting the output queue with `host_block - 1` samples of silence is
/// the least that guarantees a full block is always ready before the host asks for its samples, so the latency
/// is that, plus half a block for each of the two sinc filters: `2 * host_block - 1` samples at the host rate.
pub(crate) struct FftTrip {
    pub(crate) plan: BlockPlan,
    down: BlockResampler,
    up: BlockResampler,
    /// Host samples waiting for their block to fill.
    gathered: Vec<f32>,
    gathered_len: usize,
    model_block: Vec<f32>,
    host_block: Vec<f32>,
    output: SampleFifo,
    latency: usize,
}

impl FftTrip {
    pub(crate) fn new(host_rate: u32, model_rate: u32) -> Result<Self, ResampleError> {
        let plan = BlockPlan::for_rates(host_rate, model_rate)?;
        let down = BlockResampler::new(host_rate, model_rate, plan.host_block, plan.model_block)?;
        let up = BlockResampler::new(model_rate, host_rate, plan.model_block, plan.host_block)?;
        // Each stage delays by half its block: `down` by model_block / 2 model samples, which is host_block / 2
        // host samples because the blocks last equally long; `up` by host_block / 2 host samples.
        let filter_delay = up.output_delay() + down.output_delay() * plan.host_block / plan.model_block;
        let mut trip = FftTrip {
            plan,
            down,
            up,
            gathered: vec![0.0; plan.host_block],
            gathered_len: 0,
            model_block: vec![0.0; plan.model_block],
            host_block: vec![0.0; plan.host_block],
            output: SampleFifo::with_capacity(2 * plan.host_block),
            latency: plan.host_block - 1 + filter_delay,
        };
        trip.reset();
        Ok(trip)
    }

    pub(crate) fn latency(&self) -> usize {
        self.latency
    }

    pub(crate) fn reset(&mut self) {
        self.down.reset();
        self.up.reset();
        self.gathered.fill(0.0);
        self.gathered_len = 0;
        self.output.clear();
        self.output.push_silence(self.plan.host_block - 1);
    }

    pub(crate) fn process_in_place(&mut self, block: &mut [f32], model: &mut dyn FnMut(&mut [f32])) {
        let block_len = self.plan.host_block;
        let mut start = 0;
        while start < block.len() {
            let take = (block_len - self.gathered_len).min(block.len() - start);
            let segment = &mut block[start..start + take];
            self.gathered[self.gathered_len..self.gathered_len + take].copy_from_slice(segment);
            self.gathered_len += take;
            if self.gathered_len == block_len {
                sanitize(&mut self.gathered);
                self.down.process(&self.gathered, &mut self.model_block);
                model(&mut self.model_block);
                sanitize(&mut self.model_block);
                self.up.process(&self.model_block, &mut self.host_block);
                self.output.push(&self.host_block);
                self.gathered_len = 0;
            }
            // The queue holds at least `take` here: it starts at `block_len - 1 - gathered` before a segment
            // and gains a whole block whenever the segment completes one.
            debug_assert!(self.output.len() >= take, "round trip queue underflow");
            self.output.pop_into(segment);
            start += take;
        }
    }
}
