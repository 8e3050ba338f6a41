//! Streaming resampling between the host's rate and the model's 44.1 kHz, and offline clip resampling.
//!
//! The models are trained at 44.1 kHz and an LSTM's response is tied to its sample rate, so a host at any other
//! rate is resampled down before the model and back up after it. [`RoundTrip`] does both around a model
//! closure with a fixed latency of a whole number of host samples, exactly reported (the plugin delays its dry
//! signal by it, so a wrong fraction would comb-filter every mix); [`resample_clip`] converts whole recordings
//! for training.
//!
//! [`RoundTripMode::LowLatency`], the default, runs two streaming polyphase FIR stages (Kaiser-windowed sinc,
//! 70 dB design, passband to 18 kHz, stopband from the model's 22.05 kHz Nyquist) on exact rational phases,
//! so that the two filter delays add up to a whole number of host samples by construction.
//! [`RoundTripMode::HighRejection`] runs rubato's synchronous FFT resampler on fixed blocks: more rejection, but
//! its blocks must be multiples of the rates' common period (160 host samples at 48 kHz), which puts its
//! latency at 6.6 ms at the very least and 13.3 ms with the even blocks its exact delay needs.
//! [`resample_clip`] uses the FFT resampler too (offline, latency does not matter).
//!
//! Measured by `tests/resample_round_trip.rs` (model left out; flatness is the worst gain from 20 Hz to 18 kHz,
//! rejection the level of the worst test tone above 22.05 kHz, delay error the measured delay less the reported
//! latency in samples, CPU the best of several runs on one core of a loaded shared machine, 128-sample blocks):
//!
//! | host rate | low latency           | flat     | rejection | delay error | CPU     | high rejection  |
//! |-----------|-----------------------|----------|-----------|-------------|---------|-----------------|
//! | 44.1 kHz  | 0 (passthrough)       | exact    | -         | 0           | 0       | 0 (passthrough) |
//! | 48 kHz    | 51 samples = 1.06 ms  | 0.006 dB | 80 dB     | < 1e-5      | 0.06 %  | 639 = 13.3 ms   |
//! | 88.2 kHz  | 94 samples = 1.07 ms  | 0.005 dB | 95 dB     | < 1e-5      | 0.10 %  | 255 = 2.9 ms    |
//! | 96 kHz    | 102 samples = 1.06 ms | 0.006 dB | 87 dB     | < 1e-5      | 0.12 %  | 1279 = 13.3 ms  |
//! | 176.4 kHz | 188 samples = 1.07 ms | 0.005 dB | 91 dB     | < 1e-5      | 0.33 %  | 511 = 2.9 ms    |
//! | 192 kHz   | 204 samples = 1.06 ms | 0.006 dB | 90 dB     | < 1e-5      | 0.42 %  | 2559 = 13.3 ms  |
//!
//! Output against the input delayed by the latency leaves -79 dB (an 8 kHz + 440 Hz mix). Other rates: 32 kHz
//! 1.47 ms, 22.05 kHz 2.13 ms, 8 kHz 5.9 ms (the stopband follows the host's lower Nyquist, so the filters
//! lengthen), 352.8 to 768 kHz 1.07 ms.
//!
//! Any other host rate from 1 kHz up plays too, on the same exact tick grid: a pair whose filter bank would not
//! fit a table of 2 MiB (47 999 Hz or 7 999 Hz against 44.1 kHz, which share no factor) interpolates each
//! output's row from the kernel sampled finely. Measured (`rates_without_a_short_plan_play_with_their_latency_exact`,
//! `cpu_cost_is_a_small_fraction_of_real_time`, Intel Xeon): the delay is the reported latency within 1e-5
//! samples and the output against the delayed input leaves -75 dB at 47 999, 48 001 and 96 007 Hz and -76 dB at
//! 1 000, 1 235 and 7 999 Hz; 47 999 Hz costs 0.15 % of a core in 128-sample blocks (48 kHz: 0.07 %); 1 235 Hz
//! has 47 samples (38 ms) of latency.
//!
//! The high-rejection mode is flat within 0.002 dB and rejects > 97 dB. rubato's asynchronous sinc resampler
//! was measured too and not used: the shortest flat one (`sinc_len` 64, Blackman) delays the 48 kHz round trip
//! by 64.73 host samples before any chunk buffering, and that fraction cannot be set, so the output against
//! the input delayed by a whole number of samples leaves a -14 dB residual (-79 dB here).
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
//! let host_latency = trip.latency_samples(); // 51 at 48 kHz: report it to the host
//!
//! // Audio thread, any block size:
//! let mut block = vec![0.1f32; 480];
//! trip.process_in_place(&mut block, |chunk| {
//!     let dry = &mut dry[..chunk.len()];
//!     dry.copy_from_slice(chunk);
//!     chunk.iter_mut().for_each(|x| *x = (4.0 * *x).tanh()); // the LSTM goes here
//!     let _ = gate.process(dry, chunk); // equal lengths by construction
//! });
//! # assert_eq!(host_latency, 51);
//! # Ok(())
//! # }
//! ```

mod block;
mod clip;
mod error;
mod fft_trip;
mod fifo;
mod kaiser;
mod plan;
mod polyphase;
mod polyphase_trip;
mod round_trip;
mod sanitize;

pub use clip::resample_clip;
pub use error::ResampleError;
pub use plan::{BlockPlan, MAX_MODEL_BLOCK, MIN_MODEL_BLOCK};
pub use polyphase_trip::LOW_LATENCY_MODEL_CHUNK;
pub use round_trip::{PASSTHROUGH_CHUNK, RoundTrip, RoundTripMode};

/// The rate every BlackBox model is trained and run at, as in the study.
pub const MODEL_SAMPLE_RATE: u32 = 44_100;

/// The largest sample magnitude passed to the filters (+120 dBFS): far beyond any audio, and small enough that no
/// FFT sum over a block overflows f32. Larger or non-finite samples are taken as silence by [`RoundTrip`] and
/// refused by [`resample_clip`].
pub const MAX_ABS_SAMPLE: f32 = 1e6;

/// Lowest host or file rate accepted.
pub const MIN_SAMPLE_RATE: u32 = 8_000;

/// Lowest host rate a [`RoundTrip`] plays at (a host may offer any rate; clap-validator tries 1 234.57 Hz).
/// The filters lengthen as the host's Nyquist falls: about 50 ms of latency at 1 kHz.
pub const MIN_HOST_RATE: u32 = 1_000;

/// Highest host or file rate accepted (twice the highest rate DAWs offer, 384 kHz).
pub const MAX_SAMPLE_RATE: u32 = 768_000;
