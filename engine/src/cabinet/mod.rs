//! Speaker-cabinet impulse responses: reading and normalising them ([`ImpulseResponse`]), the built-in designed
//! cabinet ([`designed`]) and zero-latency partitioned convolution ([`Convolver`]).
//!
//! A model of a preamp or a pedal played straight into monitors lacks the speaker that would follow it; the IR
//! puts it back. IRs are prepared (read, resampled to the host rate, normalised) off the audio thread; the
//! convolver then runs allocation-free at any block size.

mod convolver;
pub mod designed;
mod error;
mod impulse;

pub use convolver::{Convolver, PARTITION};
pub use error::CabinetError;
pub use impulse::{
    DESIGNED_LABEL, ImpulseResponse, IrSource, MAX_IR_SECONDS, NORMALISE_HIGH_HZ, NORMALISE_LOW_HZ, band_gain,
};
