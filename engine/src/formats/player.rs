//! The audio-thread side of every format: one type the plugin and `trainer render` run, whatever the file was.

use std::sync::Arc;

use super::FormatError;
use crate::cabinet::Convolver;
use crate::network::{Network, NetworkStream};

/// Samples of silence a recurrent model is run on before it is heard: a zero state is not the state a model
/// settles to on silence, and without this a fresh model clicks (measured at about 400 samples).
const RECURRENT_WARMUP: usize = 2048;
/// Pre-warm runs in pieces of this size, from a buffer on the stack.
const WARMUP_PIECE: usize = 256;

/// A model running at its own sample rate. Built off the audio thread; `process_in_place`, `reset`,
/// `prewarm` and `set_knobs` never allocate, lock or panic. Non-finite input is treated as silence and resets
/// the model; a non-finite output resets it and is replaced by silence.
pub enum Player {
    Network(Box<NetworkStream>),
    Nam(Box<NamPlayer>),
    Fir(Box<FirPlayer>),
}

pub struct FirPlayer {
    convolver: Convolver,
    bias: f32,
    taps: Arc<Vec<f32>>,
}

pub struct NamPlayer {
    model: nam_rs::Model,
    /// Kept so that a clone can build its own runtime.
    file: Arc<nam_rs::NamModel>,
}

impl Player {
    pub(super) fn network(network: &Network) -> Result<Self, FormatError> {
        Ok(Player::Network(Box::new(NetworkStream::new(network)?)))
    }

    pub(super) fn nam(file: &Arc<nam_rs::NamModel>) -> Result<Self, FormatError> {
        let model = super::nam::build(file)?;
        Ok(Player::Nam(Box::new(NamPlayer { model, file: Arc::clone(file) })))
    }

    pub(super) fn fir(taps: &Arc<Vec<f32>>, bias: f32) -> Result<Self, FormatError> {
        let convolver = Convolver::new(taps)
            .map_err(|e| FormatError::malformed("NAM", format!("its linear filter cannot be built: {e}")))?;
        Ok(Player::Fir(Box::new(FirPlayer { convolver, bias, taps: Arc::clone(taps) })))
    }

    /// A second player of the same model in its initial state. Allocates.
    pub fn try_clone(&self) -> Result<Self, FormatError> {
        match self {
            Player::Network(stream) => {
                let mut copy = stream.clone();
                copy.reset();
                Ok(Player::Network(copy))
            }
            Player::Nam(nam) => Player::nam(&nam.file),
            Player::Fir(fir) => Player::fir(&fir.taps, fir.bias),
        }
    }

    /// Knob values after the audio input, 0..1, held until changed; a model without knobs ignores them.
    pub fn set_knobs(&mut self, values: &[f32]) {
        if let Player::Network(stream) = self {
            stream.set_knobs(values);
        }
    }

    /// The model's initial state (a NAM LSTM's is the state stored in its file).
    pub fn reset(&mut self) {
        match self {
            Player::Network(stream) => stream.reset(),
            Player::Nam(nam) => nam.model.reset(),
            Player::Fir(fir) => fir.convolver.reset(),
        }
    }

    /// Samples of silence [`Player::prewarm`] runs.
    pub fn warmup_samples(&self) -> usize {
        match self {
            Player::Network(_) => RECURRENT_WARMUP,
            // A WaveNet's receptive field filled with silence is exactly its steady state on silence.
            Player::Nam(nam) => nam.model.receptive_field().max(RECURRENT_WARMUP),
            Player::Fir(fir) => fir.taps.len(),
        }
    }

    /// Resets, then runs the model on silence until it has settled, so that what is heard next starts from
    /// the model's own rest state instead of a transient.
    pub fn prewarm(&mut self) {
        self.reset();
        let mut piece = [0.0f32; WARMUP_PIECE];
        let mut left = self.warmup_samples();
        while left > 0 {
            let n = left.min(WARMUP_PIECE);
            piece[..n].fill(0.0);
            self.process_in_place(&mut piece[..n]);
            left -= n;
        }
    }

    pub fn process_in_place(&mut self, samples: &mut [f32]) {
        match self {
            Player::Network(stream) => stream.process_in_place(samples),
            Player::Nam(nam) => {
                let mut poisoned = false;
                for x in samples.iter_mut() {
                    if !x.is_finite() {
                        *x = 0.0;
                        poisoned = true;
                    }
                }
                if poisoned {
                    nam.model.reset();
                }
                nam.model.process_buffer(samples);
                if samples.iter().any(|y| !y.is_finite()) {
                    nam.model.reset();
                    samples.fill(0.0);
                }
            }
            Player::Fir(fir) => {
                if samples.iter().any(|x| !x.is_finite()) {
                    fir.convolver.reset();
                    samples.iter_mut().filter(|x| !x.is_finite()).for_each(|x| *x = 0.0);
                }
                fir.convolver.process(samples);
                samples.iter_mut().for_each(|y| *y += fir.bias);
            }
        }
    }

    /// `input` through the model into `output` (lengths must match; the shorter one decides otherwise).
    pub fn process_block(&mut self, input: &[f32], output: &mut [f32]) {
        let n = input.len().min(output.len());
        output[..n].copy_from_slice(&input[..n]);
        self.process_in_place(&mut output[..n]);
    }

    /// "avx512", "avx2+fma", "portable", or "nam-rs".
    pub fn kernel_name(&self) -> &'static str {
        match self {
            Player::Network(stream) => stream.kernel_name(),
            Player::Nam(_) => "nam-rs",
            Player::Fir(_) => "fir",
        }
    }
}
