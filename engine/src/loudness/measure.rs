use ebur128::{EbuR128, Mode};

use super::reference;
use crate::formats::LoadedModel;
use crate::model::ModelFile;

/// The level "Normalize output" brings every model to on the reference passage.
pub const TARGET_LUFS: f32 = -18.0;
/// Normalisation never changes a model's level by more than this: a model that is nearly silent on the
/// reference passage would otherwise be raised until its noise floor roars.
pub const MAX_CORRECTION_DB: f32 = 30.0;
/// Knob positions at which a conditioned model is measured; the gain between them is interpolated.
pub const CONDITIONED_POINTS: usize = 5;

/// A model's loudness on the reference passage: one figure, or one per knob position for a conditioned model.
#[derive(Clone, Debug, PartialEq)]
pub struct Loudness {
    /// (knob, LUFS) in rising knob order; a fixed model has one point at knob 0. `None` where the output was
    /// below the measurement's absolute gate (silent).
    pub points: Vec<(f32, Option<f32>)>,
}

impl Loudness {
    /// A fixed figure, e.g. from a file that states its own loudness.
    pub fn fixed(lufs: Option<f32>) -> Self {
        Loudness { points: vec![(0.0, lufs)] }
    }

    /// Loudness at `knob`, interpolated in dB between the measured positions.
    pub fn at(&self, knob: f32) -> Option<f32> {
        lufs_at(&self.points, knob)
    }

    /// The linear gain that brings the model to [`TARGET_LUFS`] at `knob`; 1 when its loudness is unknown.
    pub fn normalising_gain(&self, knob: f32) -> f32 {
        normalising_gain(&self.points, knob)
    }

    /// One short line, e.g. "-23.4 LUFS" or "-30.1 .. -17.9 LUFS over the knob".
    pub fn describe(&self) -> String {
        let known: Vec<f32> = self.points.iter().filter_map(|p| p.1).collect();
        match known.as_slice() {
            [] => "silent on the reference passage".to_owned(),
            [one] => format!("{one:.1} LUFS"),
            many => {
                let (lo, hi) = many.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &l| (lo.min(l), hi.max(l)));
                format!("{lo:.1} .. {hi:.1} LUFS over the knob")
            }
        }
    }
}

/// Loudness at `knob` from (knob, LUFS) points in rising knob order, interpolated in dB; allocation-free, so the
/// audio thread can follow a moving knob with it.
pub fn lufs_at(points: &[(f32, Option<f32>)], knob: f32) -> Option<f32> {
    let (first, last) = (points.first()?, points.last()?);
    if points.len() == 1 || knob.is_nan() || knob <= first.0 {
        return first.1;
    }
    if knob >= last.0 {
        return last.1;
    }
    let i = points.windows(2).position(|w| knob <= w[1].0)?;
    let ((k0, l0), (k1, l1)) = (points[i], points[i + 1]);
    let t = (knob - k0) / (k1 - k0).max(f32::EPSILON);
    Some(l0? + t * (l1? - l0?))
}

/// The linear gain that brings a model with these loudness points to [`TARGET_LUFS`] at `knob`, within
/// +-[`MAX_CORRECTION_DB`]; 1 when its loudness is unknown.
pub fn normalising_gain(points: &[(f32, Option<f32>)], knob: f32) -> f32 {
    match lufs_at(points, knob) {
        Some(lufs) => 10f32.powf((TARGET_LUFS - lufs).clamp(-MAX_CORRECTION_DB, MAX_CORRECTION_DB) / 20.0),
        None => 1.0,
    }
}

/// Integrated loudness of a mono signal in LUFS; `None` when it is silent (below the -70 LUFS gate) or too short
/// to measure (under 400 ms).
pub fn integrated_lufs(samples: &[f32], sample_rate: u32) -> Option<f32> {
    let mut meter = EbuR128::new(1, sample_rate, Mode::I).ok()?;
    meter.add_frames_f32(samples).ok()?;
    let lufs = meter.loudness_global().ok()?;
    (lufs.is_finite() && lufs > -70.0).then_some(lufs as f32)
}

/// Runs `model` as the plugin plays it (pre-warmed, at its own rate) on the reference passage and measures its
/// output; a model with knobs is measured at [`CONDITIONED_POINTS`] positions of its first knob (any second
/// knob at its middle). Allocates and takes a fraction of a second; not for the audio thread.
pub fn loudness_of(model: &LoadedModel) -> Loudness {
    let rate = model.info.sample_rate;
    let passage = reference::passage(rate);
    let Ok(mut player) = model.player() else {
        return Loudness::fixed(None);
    };
    let mut output = vec![0.0; passage.len()];
    let mut measure = |knobs: &[f32]| {
        player.set_knobs(knobs);
        player.prewarm();
        player.process_block(&passage, &mut output);
        integrated_lufs(&output, rate)
    };
    if model.info.knobs.is_empty() {
        return Loudness::fixed(measure(&[]));
    }
    let points = (0..CONDITIONED_POINTS)
        .map(|i| {
            let knob = i as f32 / (CONDITIONED_POINTS - 1) as f32;
            (knob, measure(&[knob, 0.5]))
        })
        .collect();
    Loudness { points }
}

/// [`loudness_of`] for a BlackBox model.
pub fn model_loudness(model: &ModelFile) -> Loudness {
    loudness_of(&LoadedModel::from_model_file(model.clone()))
}
