//! One rule for "unstable when streamed", for the plugin's model list and the trainer's reports alike.
//!
//! A model trained on isolated windows can score well on them and still drift or ring once its state is carried
//! from sample to sample, as the plugin plays it. The streamed ESR against the windowed one tells: a model is
//! flagged when its streamed error is at least [`STREAMED_RATIO`] times its windowed one *and* above it by more
//! than [`STREAMED_MARGIN`] (2 ESR points), or not finite at all. The margin keeps two excellent figures apart
//! by a ratio (0.05 % windowed, 0.15 % streamed) from reading as instability no one could hear.

/// How many times its windowed ESR a streamed ESR must reach to be flagged.
pub const STREAMED_RATIO: f32 = 2.0;

/// How far (as an ESR fraction: 0.02 is 2 points) a streamed ESR must lie above that ratio to be flagged.
pub const STREAMED_MARGIN: f32 = 0.02;

/// Whether a model whose test ESRs are `streamed` and `windowed` (fractions, not percent) plays unstably when
/// streamed. Either figure missing says nothing.
pub fn unstable_when_streamed(streamed: Option<f32>, windowed: Option<f32>) -> bool {
    match (streamed, windowed) {
        (Some(streamed), Some(_)) if !streamed.is_finite() => true,
        (Some(streamed), Some(windowed)) => streamed >= STREAMED_RATIO * windowed + STREAMED_MARGIN,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_worse_streamed_is_unstable_and_small_errors_apart_by_a_ratio_are_not() {
        // ds340 windowed cell 3: 0.18 % windowed, 18.2 % streamed.
        assert!(unstable_when_streamed(Some(0.182), Some(0.0018)));
        assert!(unstable_when_streamed(Some(f32::NAN), Some(0.01)));
        assert!(unstable_when_streamed(Some(f32::INFINITY), Some(0.01)));
        assert!(!unstable_when_streamed(Some(0.0015), Some(0.0005)), "3x, but both excellent");
        assert!(!unstable_when_streamed(Some(0.03), Some(0.02)), "worse, not twice as bad");
        assert!(!unstable_when_streamed(None, Some(0.01)));
        assert!(!unstable_when_streamed(Some(0.5), None));
    }
}
