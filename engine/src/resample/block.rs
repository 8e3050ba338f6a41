use rubato::audioadapter_buffers::direct::SequentialSlice;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use super::ResampleError;

/// The anti-aliasing window of every streaming block resampler.
///
/// Measured on the 88.2 kHz round trip with 64-sample model blocks: Blackman keeps 18 kHz within 0.002 dB with
/// images below -125 dB; rubato's default BlackmanHarris2 has a transition band so wide that 18 kHz comes out
/// 22 dB down at that block length. At 294-sample blocks both are flat; Blackman still rejects > 120 dB.
pub(crate) const WINDOW: WindowFunction = WindowFunction::Blackman;

/// One direction of resampling, one fixed block in, one fixed block out, mono f32.
///
/// A thin wrapper over rubato's synchronous FFT resampler: it never allocates after construction and never
/// fails once built, because the block lengths it is given are the ones it was built for.
pub(crate) struct BlockResampler {
    inner: Fft<f32>,
    input_block: usize,
    output_block: usize,
}

impl BlockResampler {
    pub(crate) fn new(
        from_rate: u32,
        to_rate: u32,
        input_block: usize,
        output_block: usize,
    ) -> Result<Self, ResampleError> {
        let inner =
            Fft::<f32>::new_custom(from_rate as usize, to_rate as usize, input_block, 1, 1, WINDOW, FixedSync::Both)
                .map_err(|e| ResampleError::Construction { from: from_rate, to: to_rate, reason: e.to_string() })?;
        if inner.input_frames_next() != input_block || inner.output_frames_next() != output_block {
            return Err(ResampleError::Construction {
                from: from_rate,
                to: to_rate,
                reason: format!(
                    "rubato chose blocks of {} -> {} samples instead of {input_block} -> {output_block}",
                    inner.input_frames_next(),
                    inner.output_frames_next()
                ),
            });
        }
        Ok(BlockResampler { inner, input_block, output_block })
    }

    /// Delay of this stage, in samples at its output rate.
    pub(crate) fn output_delay(&self) -> usize {
        self.inner.output_delay()
    }

    /// Resamples exactly one block. `input` and `output` must be `input_block` and `output_block` long; the
    /// callers in this module guarantee it, and a mismatch writes silence rather than panicking.
    pub(crate) fn process(&mut self, input: &[f32], output: &mut [f32]) {
        let in_len = self.input_block;
        let out_len = self.output_block;
        let processed = match (SequentialSlice::new(input, 1, in_len), SequentialSlice::new_mut(output, 1, out_len)) {
            (Ok(adapter_in), Ok(mut adapter_out)) => {
                self.inner.process_into_buffer(&adapter_in, &mut adapter_out, None).is_ok()
            }
            _ => false,
        };
        debug_assert!(processed, "block resampler given {} -> {} samples", input.len(), output.len());
        if !processed {
            output.fill(0.0);
        }
    }

    pub(crate) fn reset(&mut self) {
        self.inner.reset();
    }
}
