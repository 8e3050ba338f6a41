use super::block::BlockResampler;
use super::plan::{BlockPlan, check_rate};
use super::{MAX_ABS_SAMPLE, MODEL_SAMPLE_RATE, ResampleError, fifo::SampleFifo};

/// At equal rates the model is called on the host's own samples, cut into pieces no longer than this so that
/// a closure with fixed scratch buffers (a dry copy for the gate's detector, say) can size them up front.
pub const PASSTHROUGH_CHUNK: usize = 1024;

/// Host rate -> model rate -> host rate around a model that runs at the model rate, with a fixed latency.
///
/// Every call returns exactly as many samples as it was given, whatever the block size (1 to 8192 or more,
/// varying from call to call): host samples are gathered into blocks of [`BlockPlan::host_block`], each full block
/// is resampled down, handed to the model, resampled up and queued. Starting the output queue with
/// `host_block - 1` samples of silence is the least that guarantees a full block is always ready before the
/// host asks for its samples, so the latency is that, plus half a block for each of the two sinc filters:
/// `2 * host_block - 1` samples at the host rate. At equal rates there is no resampling and no latency.
///
/// Nothing allocates after [`RoundTrip::new`]; nothing panics.
pub struct RoundTrip {
    host_rate: u32,
    model_rate: u32,
    stages: Option<Stages>,
}

struct Stages {
    plan: BlockPlan,
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

impl RoundTrip {
    /// A round trip between `host_rate` and the model's [`MODEL_SAMPLE_RATE`].
    pub fn new(host_rate: u32) -> Result<Self, ResampleError> {
        Self::with_model_rate(host_rate, MODEL_SAMPLE_RATE)
    }

    /// A round trip for a model trained at another rate than 44.1 kHz.
    pub fn with_model_rate(host_rate: u32, model_rate: u32) -> Result<Self, ResampleError> {
        check_rate(host_rate)?;
        check_rate(model_rate)?;
        if host_rate == model_rate {
            return Ok(RoundTrip { host_rate, model_rate, stages: None });
        }
        let plan = BlockPlan::for_rates(host_rate, model_rate)?;
        let down = BlockResampler::new(host_rate, model_rate, plan.host_block, plan.model_block)?;
        let up = BlockResampler::new(model_rate, host_rate, plan.model_block, plan.host_block)?;
        // Each stage delays by half its block: `down` by model_block / 2 model samples, which is host_block / 2
        // host samples because the blocks last equally long; `up` by host_block / 2 host samples.
        let filter_delay = up.output_delay() + down.output_delay() * plan.host_block / plan.model_block;
        let mut stages = Stages {
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
        stages.reset();
        Ok(RoundTrip { host_rate, model_rate, stages: Some(stages) })
    }

    pub fn host_rate(&self) -> u32 {
        self.host_rate
    }

    pub fn model_rate(&self) -> u32 {
        self.model_rate
    }

    /// True when host and model rates are equal: the model sees the host's samples, with no latency.
    pub fn is_passthrough(&self) -> bool {
        self.stages.is_none()
    }

    /// Samples at the host rate between a host sample going in and its processed version coming out; what the
    /// plugin reports to the host, and what a dry signal mixed with the output must be delayed by.
    pub fn latency_samples(&self) -> usize {
        self.stages.as_ref().map_or(0, |s| s.latency)
    }

    /// The longest slice the model closure is ever given: one model block, or [`PASSTHROUGH_CHUNK`].
    pub fn max_model_chunk(&self) -> usize {
        self.stages.as_ref().map_or(PASSTHROUGH_CHUNK, |s| s.plan.model_block)
    }

    /// The block lengths used, or `None` at equal rates.
    pub fn plan(&self) -> Option<BlockPlan> {
        self.stages.as_ref().map(|s| s.plan)
    }

    /// Runs `block` (host rate) through the round trip in place. `model` is called zero or more times with
    /// model-rate samples to transform in place, in stream order; a model with state (an LSTM) sees one
    /// continuous signal however the host cuts its blocks.
    pub fn process_in_place(&mut self, block: &mut [f32], mut model: impl FnMut(&mut [f32])) {
        match &mut self.stages {
            None => block.chunks_mut(PASSTHROUGH_CHUNK).for_each(&mut model),
            Some(stages) => stages.process_in_place(block, &mut model),
        }
    }

    /// Like [`RoundTrip::process_in_place`], reading `input` and writing `output`, which must be equally long.
    pub fn process(
        &mut self,
        input: &[f32],
        output: &mut [f32],
        model: impl FnMut(&mut [f32]),
    ) -> Result<(), ResampleError> {
        if input.len() != output.len() {
            return Err(ResampleError::BlockLengthMismatch { input: input.len(), output: output.len() });
        }
        output.copy_from_slice(input);
        self.process_in_place(output, model);
        Ok(())
    }

    /// Forgets all audio (filter state, queued samples) as if freshly built; the latency stays the same. Not
    /// needed after a NaN or infinity: those samples are taken as silence on the way in and out of the model.
    pub fn reset(&mut self) {
        if let Some(stages) = &mut self.stages {
            stages.reset();
        }
    }
}

impl Stages {
    fn reset(&mut self) {
        self.down.reset();
        self.up.reset();
        self.gathered.fill(0.0);
        self.gathered_len = 0;
        self.output.clear();
        self.output.push_silence(self.plan.host_block - 1);
    }

    fn process_in_place(&mut self, block: &mut [f32], model: &mut dyn FnMut(&mut [f32])) {
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

/// Replaces what is not audio (NaN, infinity, beyond [`MAX_ABS_SAMPLE`]) by silence before an FFT stage.
///
/// A non-finite value makes realfft's inverse transform refuse the spectrum, and rubato unwraps that refusal:
/// one NaN from the host or the model would panic the audio thread. Bounded input keeps every FFT sum finite.
fn sanitize(block: &mut [f32]) {
    for x in block {
        *x = if x.is_finite() { x.clamp(-MAX_ABS_SAMPLE, MAX_ABS_SAMPLE) } else { 0.0 };
    }
}
