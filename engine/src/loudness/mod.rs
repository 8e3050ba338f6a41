//! Even loudness across models: every model's loudness on one fixed guitar passage ([`reference`]) is measured
//! ([`measure`]) when it is exported or loaded, and the player's "Normalize output" applies the gain that brings
//! it to [`TARGET_LUFS`].
//!
//! Loudness is ITU-R BS.1770 integrated loudness (K-weighted, gated; the `ebur128` crate), not RMS: a fizzy
//! high-gain preamp and a clean boost at the same RMS do not sound equally loud, and K-weighting accounts for
//! most of that difference.

mod measure;
pub mod reference;

pub use measure::{
    CONDITIONED_POINTS, Loudness, MAX_CORRECTION_DB, TARGET_LUFS, integrated_lufs, loudness_of, lufs_at, model_loudness,
    normalising_gain,
};
