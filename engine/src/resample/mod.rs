//! Streaming resampling between the host's rate and the model's 44.1 kHz, and offline clip resampling.
//!
//! The models are trained at 44.1 kHz and an LSTM's response is tied to its sample rate, so a host at any other
//! rate is resampled down before the model and back up after it. [`RoundTrip`] does both around a model
//! closure with a fixed, exactly reported latency; [`resample_clip`] converts whole recordings for training.
//! Both are built on rubato's synchronous FFT resampler (exact rational ratios, linear-phase windowed sinc).
//!
//! How the plugin runs a model and the gate at 44.1 kHz inside a 48 kHz host; gating inside the closure keeps
//! the gate's detector (the dry input) sample-aligned with the model's output:
//!
//! ```
//! use blackbox_engine::gate::NoiseGate;
//! use blackbox_engine::resample::{MODEL_SAMPLE_RATE, RoundTrip};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Construction (allocates): once per channel, when the host tells the rate.
//! let mut trip = RoundTrip::new(48_000)?;
//! let mut gate = NoiseGate::new(MODEL_SAMPLE_RATE as f32)?;
//! let mut dry = vec![0.0; trip.max_model_chunk()];
//! let host_latency = trip.latency_samples(); // 639 at 48 kHz: report it to the host
//!
//! // Audio thread, any block size:
//! let mut block = vec![0.1f32; 480];
//! trip.process_in_place(&mut block, |chunk| {
//!     let dry = &mut dry[..chunk.len()];
//!     dry.copy_from_slice(chunk);
//!     chunk.iter_mut().for_each(|x| *x = (4.0 * *x).tanh()); // the LSTM goes here
//!     let _ = gate.process(dry, chunk); // equal lengths by construction
//! });
//! # assert_eq!(host_latency, 639);
//! # Ok(())
//! # }
//! ```

mod block;
mod clip;
mod error;
mod fifo;
mod fft_trip;
mod kaiser;
mod plan;
mod polyphase;
mod polyphase_trip;
mod round_trip;
mod sanitize;

pub use clip::resample_clip;
pub use error::ResampleError;
pub use plan::{BlockPlan, MAX_MODEL_BLOCK, MIN_MODEL_BLOCK};
pub use polyphase_trip::{LOW_LATENCY_MODEL_CHUNK, MAX_PHASES};
pub use round_trip::{PASSTHROUGH_CHUNK, RoundTrip, RoundTripMode};

/// The rate every BlackBox model is trained and run at, as in the study.
pub const MODEL_SAMPLE_RATE: u32 = 44_100;

/// The largest sample magnitude passed to the FFTs (+120 dBFS): far beyond any audio, and small enough that no
/// FFT sum over a block overflows f32. Larger or non-finite samples are taken as silence by [`RoundTrip`] and
/// refused by [`resample_clip`].
pub const MAX_ABS_SAMPLE: f32 = 1e6;

/// Lowest host or file rate accepted.
pub const MIN_SAMPLE_RATE: u32 = 8_000;

/// Highest host or file rate accepted (twice the highest rate DAWs offer, 384 kHz).
pub const MAX_SAMPLE_RATE: u32 = 768_000;
