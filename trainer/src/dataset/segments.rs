//! Streaming training's data: takes cut into ~1 s segments, each preceded by the audio before it as a warm-up,
//! split into training and validation segments by a seeded shuffle.
//!
//! Segments are cut per take (never across two takes), at `warmup, warmup + segment, ...`, so every segment has
//! real audio before it to warm the state up on; the last part of a take shorter than a segment is left out.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::DatasetError;
use super::split::shuffled_indices;

/// About one second at 44.1 kHz, as in Wright et al. (2020).
pub const SEGMENT_SAMPLES: usize = 44_100;
/// Samples run before each segment to bring the state to where a stream would have it; they carry no loss.
pub const WARMUP_SAMPLES: usize = 1_000;

/// How to cut and split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentConfig {
    pub segment: usize,
    pub warmup: usize,
    /// Share of segments that train (the rest validate), at least one of each.
    pub train_fraction: f64,
    pub seed: u64,
}

/// One take with the values of its conditioning inputs, one per knob (empty for a model of one setting).
#[derive(Clone, Debug)]
pub struct SegmentSource {
    pub dry: Vec<f32>,
    pub wet: Vec<f32>,
    pub conditioning: Vec<f32>,
}

/// The inputs per step every take agrees on (audio plus its knobs), or `MixedConditioning`.
fn inputs_of<'a>(mut sources: impl Iterator<Item = &'a SegmentSource>) -> Result<usize, DatasetError> {
    let knobs = sources.next().map_or(0, |s| s.conditioning.len());
    if sources.any(|s| s.conditioning.len() != knobs) {
        return Err(DatasetError::MixedConditioning);
    }
    Ok(1 + knobs)
}

/// Where a segment lies: its take, and the first scored sample (its warm-up is the `warmup` samples before).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub source: usize,
    pub start: usize,
}

/// Inputs and targets of a batch of segments, row-major.
#[derive(Clone, Debug)]
pub struct SegmentBatch {
    pub batch: usize,
    /// Warm-up plus scored steps.
    pub steps: usize,
    pub warmup: usize,
    pub inputs: usize,
    /// `[batch, steps, inputs]`: dry audio, then the conditioning value if any.
    pub x: Vec<f32>,
    /// `[batch, steps - warmup]`: the wet target of the scored steps.
    pub y: Vec<f32>,
    /// `[batch]`: the wet sample just before each scored part, which the pre-emphasis filter reads first.
    pub wet_before: Vec<f32>,
}

impl SegmentBatch {
    pub fn scored(&self) -> usize {
        self.steps - self.warmup
    }

    /// `[batch, steps.len(), inputs]` inputs of steps `steps` (counted from the start of the warm-up).
    pub fn x_steps(&self, steps: std::ops::Range<usize>) -> Vec<f32> {
        let row = self.steps * self.inputs;
        (0..self.batch)
            .flat_map(|b| &self.x[b * row + steps.start * self.inputs..b * row + steps.end * self.inputs])
            .copied()
            .collect()
    }

    /// `[batch, steps.len()]` targets of scored steps `steps` (counted from the first scored step).
    pub fn y_steps(&self, steps: std::ops::Range<usize>) -> Vec<f32> {
        let row = self.scored();
        (0..self.batch).flat_map(|b| &self.y[b * row + steps.start..b * row + steps.end]).copied().collect()
    }
}

#[derive(Clone, Debug)]
pub struct SegmentedDataset {
    sources: Vec<SegmentSource>,
    config: SegmentConfig,
    inputs: usize,
    train: Vec<Segment>,
    validation: Vec<Segment>,
}

impl SegmentedDataset {
    /// Cuts every take and splits the segments. Takes must agree on their number of conditioning inputs.
    pub fn new(sources: Vec<SegmentSource>, config: &SegmentConfig) -> Result<Self, DatasetError> {
        let inputs = inputs_of(sources.iter())?;
        if config.segment == 0 {
            return Err(DatasetError::ZeroContext);
        }
        let mut all = Vec::new();
        for (index, source) in sources.iter().enumerate() {
            let len = source.dry.len().min(source.wet.len());
            let mut start = config.warmup;
            while start + config.segment <= len {
                all.push(Segment { source: index, start });
                start += config.segment;
            }
        }
        let available = all.len();
        if available < 2 {
            return Err(DatasetError::NotEnoughSegments {
                available,
                seconds: (config.segment + config.warmup) as f64 / f64::from(super::SAMPLE_RATE),
            });
        }
        let train_len = ((config.train_fraction * available as f64).round() as usize).clamp(1, available - 1);
        let order = shuffled_indices(available, config.seed);
        let mut train: Vec<Segment> = order[..train_len].iter().map(|&i| all[i]).collect();
        let mut validation: Vec<Segment> = order[train_len..].iter().map(|&i| all[i]).collect();
        // In recording order, so a batch reads neighbouring audio and a capped validation is still a fair sample.
        train.sort_by_key(|s| (s.source, s.start));
        validation.sort_by_key(|s| (s.source, s.start));
        Ok(SegmentedDataset { sources, config: *config, inputs, train, validation })
    }

    /// Fixed sections instead of a drawn split: every segment of `train` trains and every segment of
    /// `validation` validates (a capture's sections are fixed by the signal, so a model never validates on
    /// audio it trained on, nor on the test section).
    pub fn from_sections(
        train: Vec<SegmentSource>,
        validation: Vec<SegmentSource>,
        config: &SegmentConfig,
    ) -> Result<Self, DatasetError> {
        let inputs = inputs_of(train.iter().chain(&validation))?;
        if config.segment == 0 {
            return Err(DatasetError::ZeroContext);
        }
        let split_at = train.len();
        let mut sources = train;
        sources.extend(validation);
        let mut segments = (Vec::new(), Vec::new());
        for (index, source) in sources.iter().enumerate() {
            let len = source.dry.len().min(source.wet.len());
            let side = if index < split_at { &mut segments.0 } else { &mut segments.1 };
            let mut start = config.warmup;
            while start + config.segment <= len {
                side.push(Segment { source: index, start });
                start += config.segment;
            }
        }
        let (train, validation) = segments;
        if train.is_empty() || validation.is_empty() {
            return Err(DatasetError::NotEnoughSegments {
                available: train.len().min(validation.len()),
                seconds: (config.segment + config.warmup) as f64 / f64::from(super::SAMPLE_RATE),
            });
        }
        Ok(SegmentedDataset { sources, config: *config, inputs, train, validation })
    }

    pub fn inputs(&self) -> usize {
        self.inputs
    }

    pub fn config(&self) -> &SegmentConfig {
        &self.config
    }

    pub fn train(&self) -> &[Segment] {
        &self.train
    }

    pub fn validation(&self) -> &[Segment] {
        &self.validation
    }

    /// Keeps only the first `count` validation segments (spread over the takes by the shuffle).
    pub fn cap_validation(&mut self, count: usize) {
        let mut order = shuffled_indices(self.validation.len(), self.config.seed ^ 0x5EED);
        order.truncate(count.max(1));
        order.sort_unstable();
        self.validation = order.into_iter().map(|i| self.validation[i]).collect();
    }

    /// One epoch's training batches in an order drawn from `epoch_seed`; the last batch may be smaller.
    pub fn train_batches(&self, batch_size: usize, epoch_seed: u64) -> Vec<Vec<Segment>> {
        let mut order = self.train.clone();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(epoch_seed));
        order.chunks(batch_size.max(1)).map(<[Segment]>::to_vec).collect()
    }

    pub fn validation_batches(&self, batch_size: usize) -> Vec<Vec<Segment>> {
        self.validation.chunks(batch_size.max(1)).map(<[Segment]>::to_vec).collect()
    }

    /// Gathers the audio of `segments`, warm-up included.
    pub fn batch(&self, segments: &[Segment]) -> SegmentBatch {
        let (warmup, scored, inputs) = (self.config.warmup, self.config.segment, self.inputs);
        let steps = warmup + scored;
        let mut x = Vec::with_capacity(segments.len() * steps * inputs);
        let mut y = Vec::with_capacity(segments.len() * scored);
        let mut wet_before = Vec::with_capacity(segments.len());
        for segment in segments {
            let source = &self.sources[segment.source];
            let from = segment.start - warmup;
            for &sample in &source.dry[from..segment.start + scored] {
                x.push(sample);
                x.extend_from_slice(&source.conditioning);
            }
            y.extend_from_slice(&source.wet[segment.start..segment.start + scored]);
            wet_before.push(source.wet[segment.start - 1]);
        }
        SegmentBatch { batch: segments.len(), steps, warmup, inputs, x, y, wet_before }
    }

    /// One line for logs.
    pub fn summary(&self) -> String {
        let seconds = |n: usize| n as f64 * self.config.segment as f64 / f64::from(super::SAMPLE_RATE);
        format!(
            "{} takes; {} segments of {} samples after a {}-sample warm-up ({:.0} s train, {:.0} s validation)",
            self.sources.len(),
            self.train.len() + self.validation.len(),
            self.config.segment,
            self.config.warmup,
            seconds(self.train.len()),
            seconds(self.validation.len()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(len: usize, knob: Option<f32>) -> SegmentSource {
        SegmentSource {
            dry: (0..len).map(|i| i as f32).collect(),
            wet: (0..len).map(|i| -(i as f32)).collect(),
            conditioning: knob.into_iter().collect(),
        }
    }

    fn config() -> SegmentConfig {
        SegmentConfig { segment: 100, warmup: 10, train_fraction: 0.5, seed: 25 }
    }

    #[test]
    fn segments_stay_inside_their_take_and_leave_room_for_the_warm_up() {
        let data = SegmentedDataset::new(vec![source(1_000, None), source(255, None)], &config()).unwrap();
        // 1000: starts 10..=810 step 100 (9); 255: starts 10, 110 (2).
        assert_eq!(data.train().len() + data.validation().len(), 11);
        assert_eq!(data.train().len(), 6);
        for s in data.train().iter().chain(data.validation()) {
            let len = if s.source == 0 { 1_000 } else { 255 };
            assert!(s.start >= 10 && s.start + 100 <= len, "{s:?}");
        }
    }

    #[test]
    fn a_batch_holds_the_warm_up_then_the_scored_audio_with_its_knob() {
        let data = SegmentedDataset::new(vec![source(500, Some(0.5)), source(500, Some(1.0))], &config()).unwrap();
        let segment = data.train()[0];
        let batch = data.batch(&[segment]);
        assert_eq!((batch.batch, batch.steps, batch.inputs), (1, 110, 2));
        let first = (segment.start - 10) as f32;
        assert_eq!(batch.x[0], first);
        assert_eq!(batch.x[1], if segment.source == 0 { 0.5 } else { 1.0 });
        assert_eq!(batch.x[2 * 109], first + 109.0);
        assert_eq!(batch.y[0], -(segment.start as f32));
        assert_eq!(batch.y.len(), 100);
        assert_eq!(batch.wet_before[0], -((segment.start - 1) as f32));
        assert_eq!(batch.x_steps(10..12), vec![first + 10.0, batch.x[1], first + 11.0, batch.x[1]]);
        assert_eq!(batch.y_steps(98..100), vec![-((segment.start + 98) as f32), -((segment.start + 99) as f32)]);
    }

    #[test]
    fn every_epoch_visits_every_training_segment_once_in_a_seeded_order() {
        let data = SegmentedDataset::new(vec![source(5_000, None)], &config()).unwrap();
        let a = data.train_batches(4, 1);
        let b = data.train_batches(4, 2);
        let mut seen: Vec<Segment> = a.concat();
        seen.sort_by_key(|s| s.start);
        assert_eq!(seen, data.train());
        assert_ne!(a, b);
        assert_eq!(a, data.train_batches(4, 1));
    }

    #[test]
    fn too_little_audio_and_mixed_conditioning_are_refused() {
        assert!(matches!(
            SegmentedDataset::new(vec![source(150, None)], &config()),
            Err(DatasetError::NotEnoughSegments { available: 1, .. })
        ));
        assert!(matches!(
            SegmentedDataset::new(vec![source(500, None), source(500, Some(0.0))], &config()),
            Err(DatasetError::MixedConditioning)
        ));
    }
}
