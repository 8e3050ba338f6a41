//! The LSTM that plays: state carried from sample to sample, one step per sample.

use super::packed::{LstmState, PackedLstm};
use super::step::{layout, step};
use crate::model::{LstmWeights, MAX_INPUTS, ModelError};
use crate::simd::{Kernel, Simd, SimdOp};

/// A one-layer LSTM -> Dense(1) run one sample at a time, as the plugin's audio thread does.
///
/// Everything is allocated in [`StreamingLstm::new`]; the processing methods never allocate, lock or panic.
/// A non-finite input, state or output (a NaN from a host, a state driven to infinity) resets the state and
/// yields 0.0 for that sample, so one bad sample costs one sample of silence rather than every sample after it.
#[derive(Clone)]
pub struct StreamingLstm {
    kernel: Kernel,
    packed: PackedLstm,
    state: LstmState,
    /// The audio sample followed by the conditioning values (model inputs 2..).
    inputs: [f32; MAX_INPUTS],
    hidden_size: usize,
}

impl StreamingLstm {
    /// Packs `weights` for the fastest kernel this CPU supports. `weights` are assumed validated
    /// ([`LstmWeights::validate`], which every loaded model file has passed).
    pub fn new(weights: &LstmWeights) -> Self {
        Self::build(weights, Kernel::best())
    }

    /// Like [`StreamingLstm::new`] for weights that have not been through a model file's validation (built in
    /// memory, say): inconsistent sizes or non-finite values come back as [`ModelError::Invalid`] instead of a
    /// panic while packing.
    pub fn try_new(weights: &LstmWeights) -> Result<Self, ModelError> {
        weights.validate()?;
        Ok(Self::new(weights))
    }

    /// Like [`StreamingLstm::new`] with a given kernel; `None` when this CPU cannot run it.
    pub fn with_kernel(weights: &LstmWeights, kernel: Kernel) -> Option<Self> {
        kernel.is_available().then(|| Self::build(weights, kernel))
    }

    fn build(weights: &LstmWeights, kernel: Kernel) -> Self {
        let (lanes, chunk_vectors) = layout(kernel);
        let packed = PackedLstm::new(weights, lanes, chunk_vectors);
        let state = LstmState::new(&packed);
        StreamingLstm { kernel, packed, state, inputs: [0.0; MAX_INPUTS], hidden_size: weights.hidden_size }
    }

    pub fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    /// Audio plus conditioning values.
    pub fn input_size(&self) -> usize {
        self.packed.inputs
    }

    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// "avx512", "avx2+fma" or "portable".
    pub fn kernel_name(&self) -> &'static str {
        self.kernel.name()
    }

    /// Sets model inputs 2.. (e.g. a gain knob), held until changed. Extra values are ignored and missing ones
    /// keep their previous value (0.0 initially), so a mismatched slice cannot take the audio thread down.
    pub fn set_conditioning(&mut self, values: &[f32]) {
        let slots = &mut self.inputs[1..self.packed.inputs];
        let n = slots.len().min(values.len());
        slots[..n].copy_from_slice(&values[..n]);
    }

    /// Zeroes the hidden and cell state (the conditioning values are kept).
    pub fn reset(&mut self) {
        self.state.reset();
    }

    pub fn process_sample(&mut self, x: f32) -> f32 {
        let mut sample = [x];
        self.process_in_place(&mut sample);
        sample[0]
    }

    /// Processes `input` into `output`; the lengths must match (checked in debug builds; otherwise the shorter
    /// one decides).
    pub fn process_block(&mut self, input: &[f32], output: &mut [f32]) {
        debug_assert_eq!(input.len(), output.len(), "process_block needs equal lengths");
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_in_place(&mut output[..n]);
    }

    /// Runs the whole buffer inside one entry to the kernel's instruction set, so each step's products and cell
    /// update are compiled together and nothing is dispatched per sample.
    pub fn process_in_place(&mut self, buffer: &mut [f32]) {
        self.kernel.run(Block { p: &self.packed, state: &mut self.state, inputs: &mut self.inputs, samples: buffer });
    }
}

/// Steps over `samples` in place.
struct Block<'a> {
    p: &'a PackedLstm,
    state: &'a mut LstmState,
    inputs: &'a mut [f32; MAX_INPUTS],
    samples: &'a mut [f32],
}

impl SimdOp for Block<'_> {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let Block { p, state, inputs, samples } = self;
        let inputs_used = p.inputs.min(MAX_INPUTS);
        for x in samples.iter_mut() {
            if !x.is_finite() {
                state.reset();
                *x = 0.0;
                continue;
            }
            inputs[0] = *x;
            let (y, cell_sum) = step(s, p, state, &inputs[..inputs_used]);
            // The cell state can run off to infinity while tanh keeps the output finite; its sum catches that.
            *x = if y.is_finite() && cell_sum.is_finite() {
                y
            } else {
                state.reset();
                0.0
            };
        }
    }
}
