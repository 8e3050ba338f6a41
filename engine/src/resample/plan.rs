use super::{MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, ResampleError};

/// The smallest FFT block, in model-rate samples, that a [`RoundTripMode::HighRejection`] round trip uses.
///
/// rubato's `Fft` resampler filters each block with a windowed sinc as long as the block, so the block length
/// sets the transition band, and a round trip's latency is about two host blocks. Measured on the 88.2 kHz round
/// trip (the one rate pair that lets the block be anything): 64 model samples keep 20 Hz..18 kHz within
/// 0.002 dB and images below -125 dB; 32 samples droop by 13 dB at 18 kHz. At 48, 96 and 192 kHz the rates
/// share a period of 147 model samples and the even-length rule below makes the block 294 (13.3 ms of latency).
///
/// [`RoundTripMode::HighRejection`]: super::RoundTripMode::HighRejection
pub const MIN_MODEL_BLOCK: usize = 64;

/// The longest model block accepted: 23 ms, so a round trip adds at most about 50 ms of latency. Every standard
/// rate from 8 kHz to 768 kHz fits (32 kHz and 8 kHz need the most, 882); a pair that shares only a small factor
/// (47 999 Hz against 44 100 Hz would need 12 600-sample blocks, over half a second of latency) is refused.
pub const MAX_MODEL_BLOCK: usize = 1_024;

/// How a host rate and the model rate are cut into blocks of equal duration for rubato's synchronous resampler
/// (the high-rejection round trip and offline clips).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockPlan {
    /// Samples per block at the host rate.
    pub host_block: usize,
    /// Samples per block at the model rate.
    pub model_block: usize,
}

impl BlockPlan {
    /// Picks the shortest blocks that are whole multiples of the rates' common period, at least
    /// [`MIN_MODEL_BLOCK`] long at the model rate, and even on both sides.
    ///
    /// Even lengths matter: rubato centres its sinc at `len / 2` while the window is symmetric about `len / 2`
    /// only for even lengths, so an odd block gives a slightly asymmetric filter whose delay is not a whole
    /// number of samples, and the latency reported to the host would be off by a fraction of a sample.
    pub fn for_rates(host_rate: u32, model_rate: u32) -> Result<Self, ResampleError> {
        Self::with_limits(host_rate, model_rate, MIN_MODEL_BLOCK, MAX_MODEL_BLOCK)
    }

    /// The same rule with other bounds on the model-side block (offline resampling affords longer blocks).
    pub(crate) fn with_limits(
        host_rate: u32,
        model_rate: u32,
        min_model_block: usize,
        max_model_block: usize,
    ) -> Result<Self, ResampleError> {
        check_rate(host_rate)?;
        check_rate(model_rate)?;
        let gcd = gcd(host_rate, model_rate);
        let host_period = (host_rate / gcd) as usize;
        let model_period = (model_rate / gcd) as usize;
        let mut periods = min_model_block.div_ceil(model_period).max(1);
        if periods % 2 == 1 && (host_period % 2 == 1 || model_period % 2 == 1) {
            periods += 1;
        }
        let plan = BlockPlan { host_block: periods * host_period, model_block: periods * model_period };
        if plan.model_block > max_model_block {
            return Err(ResampleError::RatePairTooCoarse {
                from: host_rate,
                to: model_rate,
                gcd,
                block: plan.model_block,
            });
        }
        Ok(plan)
    }
}

pub(crate) fn check_rate(rate: u32) -> Result<(), ResampleError> {
    if (MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&rate) {
        Ok(())
    } else {
        Err(ResampleError::UnsupportedRate { rate })
    }
}

pub(crate) fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_rate_gets_even_blocks_of_equal_duration() {
        for host in [
            8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 48_000, 88_200, 96_000, 176_400, 192_000, 352_800, 384_000,
            768_000,
        ] {
            let plan = BlockPlan::for_rates(host, 44_100).unwrap();
            assert_eq!(plan.host_block as u64 * 44_100, plan.model_block as u64 * host as u64, "{host}");
            assert_eq!(plan.host_block % 2, 0, "{host}: {plan:?}");
            assert_eq!(plan.model_block % 2, 0, "{host}: {plan:?}");
            assert!(plan.model_block >= MIN_MODEL_BLOCK, "{host}: {plan:?}");
        }
        assert_eq!(BlockPlan::for_rates(48_000, 44_100).unwrap(), BlockPlan { host_block: 320, model_block: 294 });
    }

    #[test]
    fn coarse_and_out_of_range_rates_are_refused_with_the_offending_value() {
        let coarse = BlockPlan::for_rates(47_999, 44_100).unwrap_err();
        assert!(matches!(coarse, ResampleError::RatePairTooCoarse { from: 47_999, .. }), "{coarse}");
        let low = BlockPlan::for_rates(100, 44_100).unwrap_err();
        assert!(low.to_string().contains("100 Hz"), "{low}");
    }
}
