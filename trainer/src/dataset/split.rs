//! The study's train/validation split: shuffle the windows with a fixed seed, keep a fixed count for training.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::DatasetError;

/// The study's training-window count; its test_size of 0.6/0.4/0.2 for ctx 44/66/88 keeps this many for every ctx.
pub const STUDY_TRAIN_WINDOWS: usize = 74_862;

/// The study's `random_state`.
pub const STUDY_SPLIT_SEED: u64 = 25;

/// How many windows go to training; the rest validate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrainSize {
    /// Exactly this many. Too few recordings is an error that says how many windows there are, rather than a
    /// quietly smaller training set that would make a model incomparable with the study's.
    Windows(usize),
    /// All but this fraction of the windows (rounded up, as scikit-learn does), for recordings of any length.
    AllButFraction(f64),
    /// The study's count where the recordings hold it (the same windows as `Windows`), else all but `fraction`:
    /// a short recording trains on what it has instead of being refused.
    WindowsOrFraction { windows: usize, fraction: f64 },
}

impl Default for TrainSize {
    fn default() -> Self {
        TrainSize::Windows(STUDY_TRAIN_WINDOWS)
    }
}

/// Why `train_count` could not be met, without the folder the caller knows about.
#[derive(Debug, PartialEq)]
pub(super) enum SplitShortfall {
    TooFew { requested: usize },
    Fraction(f64),
}

impl TrainSize {
    /// In words, for a model's recorded recipe: "74862 windows (all but 20 % if fewer)".
    pub fn describe(self) -> String {
        match self {
            TrainSize::Windows(n) => format!("{n} windows"),
            TrainSize::AllButFraction(f) => format!("all but {:.0} %", f * 100.0),
            TrainSize::WindowsOrFraction { windows, fraction } => {
                format!("{windows} windows (all but {:.0} % if fewer)", fraction * 100.0)
            }
        }
    }

    /// The share of `available` windows that trains; streaming training keeps the same share of its segments,
    /// so both methods learn from the same amount of audio.
    pub fn train_fraction(self, available: usize) -> Option<f64> {
        self.train_count(available).ok().map(|n| n as f64 / available as f64)
    }

    /// Training windows out of `available`; at least one window must be left for validation, since early
    /// stopping watches the validation loss.
    pub(super) fn train_count(self, available: usize) -> Result<usize, SplitShortfall> {
        match self {
            TrainSize::Windows(requested) if requested >= 1 && requested < available => Ok(requested),
            TrainSize::Windows(requested) => Err(SplitShortfall::TooFew { requested }),
            TrainSize::AllButFraction(fraction) if fraction > 0.0 && fraction < 1.0 => {
                let validation = (fraction * available as f64).ceil() as usize;
                match available.checked_sub(validation) {
                    Some(train) if train >= 1 && validation >= 1 => Ok(train),
                    _ => Err(SplitShortfall::TooFew { requested: available.saturating_sub(1).max(1) }),
                }
            }
            TrainSize::AllButFraction(fraction) => Err(SplitShortfall::Fraction(fraction)),
            TrainSize::WindowsOrFraction { windows, fraction } => TrainSize::Windows(windows)
                .train_count(available)
                .or_else(|_| TrainSize::AllButFraction(fraction).train_count(available)),
        }
    }

    /// The one line to tell a user whose recordings are shorter than the study's count.
    pub fn shortfall_notice(self, available: usize, ctx: usize) -> Option<String> {
        let TrainSize::WindowsOrFraction { windows, fraction } = self else { return None };
        if TrainSize::Windows(windows).train_count(available).is_ok() {
            return None;
        }
        let train = TrainSize::AllButFraction(fraction).train_count(available).ok()?;
        Some(format!(
            "notice: the recordings give {available} windows of {ctx} samples, fewer than the study's {windows}; \
             training on {train} ({:.0} %) and validating on the rest",
            100.0 * (1.0 - fraction)
        ))
    }
}

impl SplitShortfall {
    pub(super) fn into_error(self, dir: &std::path::Path, ctx: usize, available: usize) -> DatasetError {
        match self {
            SplitShortfall::TooFew { requested } => {
                DatasetError::NotEnoughWindows { dir: dir.to_path_buf(), ctx, available, requested }
            }
            SplitShortfall::Fraction(fraction) => DatasetError::ValidationFraction(fraction),
        }
    }
}

/// A permutation of `0..n` from `seed`: rand's Fisher-Yates shuffle driven by ChaCha8, whose output
/// rand_chacha guarantees across platforms and versions. It is not bit-compatible with scikit-learn's
/// `train_test_split(random_state=25)` (NumPy's MT19937); the study's split cannot be reproduced exactly, only its
/// sizes and its being a fixed, seeded shuffle.
pub fn shuffled_indices(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_counts_leave_at_least_one_validation_window() {
        assert_eq!(TrainSize::Windows(9).train_count(10), Ok(9));
        assert_eq!(TrainSize::Windows(10).train_count(10), Err(SplitShortfall::TooFew { requested: 10 }));
        assert!(TrainSize::Windows(0).train_count(10).is_err());
    }

    #[test]
    fn fractions_round_validation_up_like_scikit_learn() {
        // 0.2 of 93,578 is 18,715.6: validation 18,716, training 74,862 (the study's ctx-88 numbers).
        assert_eq!(TrainSize::AllButFraction(0.2).train_count(93_578), Ok(74_862));
        assert_eq!(TrainSize::AllButFraction(0.5).train_count(1), Err(SplitShortfall::TooFew { requested: 1 }));
        assert_eq!(TrainSize::AllButFraction(1.0).train_count(10), Err(SplitShortfall::Fraction(1.0)));
    }

    #[test]
    fn short_recordings_fall_back_to_a_fraction_and_say_so() {
        let size = TrainSize::WindowsOrFraction { windows: 74_862, fraction: 0.2 };
        assert_eq!(size.train_count(200_000), Ok(74_862), "long recordings keep the study's count");
        assert_eq!(size.shortfall_notice(200_000, 88), None);
        assert_eq!(size.train_count(10_566), Ok(8_452));
        let notice = size.shortfall_notice(10_566, 88).unwrap();
        assert!(notice.contains("10566 windows") && notice.contains("training on 8452"), "{notice}");
    }

    #[test]
    fn shuffles_are_permutations_fixed_by_the_seed() {
        let a = shuffled_indices(1000, STUDY_SPLIT_SEED);
        assert_eq!(a, shuffled_indices(1000, STUDY_SPLIT_SEED));
        assert_ne!(a, shuffled_indices(1000, 26));
        assert_ne!(a, (0..1000).collect::<Vec<_>>());
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<_>>());
    }
}
