//! Whether a model can play in the plugin: one rule for the files embedded at build time (`build.rs` includes
//! this file) and for a user's file loaded at run time, so that no model is offered that a user could not load,
//! and none is refused at load that a build would have shipped.
//!
//! It depends on the engine only, since a build script cannot use the crate it builds.

use std::fmt;

use blackbox_engine::formats::{FormatError, LoadedModel};
use blackbox_engine::resample::{ResampleError, RoundTrip};

/// The host rates a model must pair with: the two every interface offers. A model that pairs with neither (a rate
/// outside the resampler's range, or one whose ratio would need blocks of over 50 ms) would not play at all.
const COMMON_HOST_RATES: [u32; 2] = [44_100, 48_000];

/// Why a model is not admitted.
#[derive(Debug)]
pub enum Refusal {
    /// Its weights do not make a player.
    Player(FormatError),
    /// It cannot be resampled from the common host rates.
    Rate { model_rate: u32, source: ResampleError },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Player(e) => write!(f, "{e}"),
            Refusal::Rate { model_rate, source } => write!(f, "the model runs at {model_rate} Hz, which plays at no common host rate: {source}"),
        }
    }
}

impl std::error::Error for Refusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Refusal::Player(e) => Some(e),
            Refusal::Rate { source, .. } => Some(source),
        }
    }
}

/// Admits a model that builds a player and resamples from at least one common host rate. Allocates (it builds a
/// player and a round trip to try them); off the audio thread.
pub fn admit(model: &LoadedModel) -> Result<(), Refusal> {
    model.player().map_err(Refusal::Player)?;
    let model_rate = model.info.sample_rate;
    let mut last = None;
    for host_rate in COMMON_HOST_RATES {
        match RoundTrip::with_model_rate(host_rate, model_rate) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    Err(Refusal::Rate { model_rate, source: last.expect("COMMON_HOST_RATES is not empty") })
}

#[cfg(test)]
mod tests {
    use blackbox_engine::model::ModelFile;

    use super::*;
    use crate::catalogue::EMBEDDED;

    fn embedded_at(rate: u32) -> LoadedModel {
        let mut file = ModelFile::from_bytes(EMBEDDED[0].bytes).expect("an embedded model reads");
        file.metadata.sample_rate = rate;
        LoadedModel::from_model_file(file)
    }

    #[test]
    fn a_model_at_a_standard_rate_is_admitted_and_one_no_common_host_rate_can_play_is_refused() {
        for rate in [44_100, 48_000, 96_000] {
            assert!(admit(&embedded_at(rate)).is_ok(), "{rate} Hz");
        }
        for rate in [4_000, 1_000_000] {
            let refusal = admit(&embedded_at(rate)).unwrap_err();
            assert!(matches!(refusal, Refusal::Rate { model_rate, .. } if model_rate == rate), "{refusal}");
            assert!(refusal.to_string().contains(&format!("{rate} Hz")), "{refusal}");
        }
    }
}
