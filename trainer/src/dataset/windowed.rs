//! The study's windows: the recordings of one gain cut into non-overlapping `ctx`-sample inputs, each labelled
//! with the wet sample at its last step, then split into training and validation.

use std::path::PathBuf;

use super::DatasetError;
use super::songs::GainRecordings;
use super::split::{STUDY_SPLIT_SEED, TrainSize, shuffled_indices};
use super::view::WindowView;

/// How to cut and split the windows. The default is the study's: ctx 88, 74,862 training windows, seed 25.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowConfig {
    pub ctx: usize,
    pub train: TrainSize,
    pub seed: u64,
}

impl WindowConfig {
    pub fn study(ctx: usize) -> Self {
        WindowConfig { ctx, train: TrainSize::default(), seed: STUDY_SPLIT_SEED }
    }
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig::study(88)
    }
}

/// Windows stored flat, training windows first, so that each view is two contiguous slices.
///
/// Conditioning fits beside this without changing it: a `knob: Vec<f32>` column (one value per window,
/// 0 / 0.5 / 1 for Low / Mid / High) filled by a constructor that windows each gain's recordings and appends them,
/// and a second input channel that batches repeat over the window's steps. `x` stays one feature per step, so
/// single-gain models see exactly this layout.
#[derive(Clone, Debug)]
pub struct WindowedDataset {
    ctx: usize,
    /// Row-major `[window][step]` dry input, `len() * ctx` values.
    x: Vec<f32>,
    /// The wet target of each window: the wet sample at the window's last step.
    y: Vec<f32>,
    /// Where each window starts in the concatenated recording, to trace a window back to the audio.
    starts: Vec<usize>,
    train_len: usize,
    source: PathBuf,
    songs: usize,
    samples: usize,
}

impl WindowedDataset {
    /// Cuts the recordings as the study did: every song of the gain concatenated in name order (so windows may
    /// straddle two songs, as the study's did), windows at `0, ctx, 2 ctx, ...` while a whole window fits,
    /// `x = dry[i..i+ctx]`, `y = wet[i+ctx-1]`; then a seeded shuffle puts `config.train` windows in training.
    pub fn from_recordings(recordings: &GainRecordings, config: &WindowConfig) -> Result<Self, DatasetError> {
        let ctx = config.ctx;
        if ctx == 0 {
            return Err(DatasetError::ZeroContext);
        }
        let dry: Vec<f32> = recordings.songs.iter().flat_map(|s| s.dry.iter().copied()).collect();
        let wet: Vec<f32> = recordings.songs.iter().flat_map(|s| s.wet.iter().copied()).collect();
        let available = dry.len() / ctx;
        let train_len = config
            .train
            .train_count(available)
            .map_err(|shortfall| shortfall.into_error(&recordings.dir, ctx, available))?;

        let order = shuffled_indices(available, config.seed);
        let mut x = Vec::with_capacity(available * ctx);
        let mut y = Vec::with_capacity(available);
        let mut starts = Vec::with_capacity(available);
        for window in order {
            let start = window * ctx;
            x.extend_from_slice(&dry[start..start + ctx]);
            y.push(wet[start + ctx - 1]);
            starts.push(start);
        }
        Ok(WindowedDataset {
            ctx,
            x,
            y,
            starts,
            train_len,
            source: recordings.dir.clone(),
            songs: recordings.songs.len(),
            samples: dry.len(),
        })
    }

    pub fn ctx(&self) -> usize {
        self.ctx
    }

    /// All windows, training and validation.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    pub fn train(&self) -> WindowView<'_> {
        self.view(0..self.train_len)
    }

    pub fn validation(&self) -> WindowView<'_> {
        self.view(self.train_len..self.len())
    }

    /// One line for logs and `trainer inspect`.
    pub fn summary(&self) -> String {
        let seconds = self.samples as f64 / f64::from(super::SAMPLE_RATE);
        format!(
            "{}: {} songs, {:.1} s; ctx {}: {} windows ({} train, {} validation, {} samples left over)",
            self.source.display(),
            self.songs,
            seconds,
            self.ctx,
            self.len(),
            self.train().len(),
            self.validation().len(),
            self.samples - self.len() * self.ctx,
        )
    }

    fn view(&self, rows: std::ops::Range<usize>) -> WindowView<'_> {
        WindowView::new(
            self.ctx,
            &self.x[rows.start * self.ctx..rows.end * self.ctx],
            &self.y[rows.clone()],
            &self.starts[rows],
        )
    }
}
