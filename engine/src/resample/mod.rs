//! Streaming resampling between the host's rate and the model's 44.1 kHz, and offline clip resampling.
//!
//! The models are trained at 44.1 kHz and an LSTM's response is tied to its sample rate, so a host at any other
//! rate is resampled down before the model and back up after it. [`RoundTrip`] does both around a model
//! closure with a fixed, exactly reported latency; [`resample_clip`] converts whole recordings for training.
//! Both are built on rubato's synchronous FFT resampler (exact rational ratios, linear-phase windowed sinc).

mod block;
mod clip;
mod error;
mod fifo;
mod plan;
mod round_trip;

pub use clip::resample_clip;
pub use error::ResampleError;
pub use plan::{BlockPlan, MAX_MODEL_BLOCK, MIN_MODEL_BLOCK};
pub use round_trip::{PASSTHROUGH_CHUNK, RoundTrip};

/// The rate every BlackBox model is trained and run at, as in the study.
pub const MODEL_SAMPLE_RATE: u32 = 44_100;

/// Lowest host or file rate accepted.
pub const MIN_SAMPLE_RATE: u32 = 8_000;

/// Highest host or file rate accepted (twice the highest rate DAWs offer, 384 kHz).
pub const MAX_SAMPLE_RATE: u32 = 768_000;
