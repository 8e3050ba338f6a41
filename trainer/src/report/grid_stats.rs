//! The aggregates the tables and plots share, computed once so that a table and a figure can never disagree.

use super::inputs::{EsrMode, ModelResult};

/// Test songs across the grid, in the order the results first mention them (the evaluation's order).
pub fn song_names(results: &[ModelResult]) -> Vec<String> {
    let mut songs: Vec<String> = Vec::new();
    for song in results.iter().flat_map(|r| &r.songs) {
        if !songs.contains(&song.song) {
            songs.push(song.song.clone());
        }
    }
    songs
}

/// A hyperparameter of the study's grid: one panel of the summary figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hyperparameter {
    Gain,
    Ctx,
    Units,
    Lr,
}

impl Hyperparameter {
    pub const ALL: [Hyperparameter; 4] =
        [Hyperparameter::Gain, Hyperparameter::Ctx, Hyperparameter::Units, Hyperparameter::Lr];

    pub fn title(self) -> &'static str {
        match self {
            Hyperparameter::Gain => "gain",
            Hyperparameter::Ctx => "context (samples)",
            Hyperparameter::Units => "LSTM units",
            Hyperparameter::Lr => "learning rate",
        }
    }

    /// The model's value as a sortable key and a label. Learning rates sort descending, as the study's loop
    /// runs them (0.01 before 0.0001).
    fn level_of(self, result: &ModelResult) -> (i64, String) {
        match self {
            Hyperparameter::Gain => (setting_rank(result), result.metadata.gain.name().to_string()),
            Hyperparameter::Ctx => (i64::from(result.metadata.context), result.metadata.context.to_string()),
            Hyperparameter::Units => (i64::from(result.metadata.hidden_size), result.metadata.hidden_size.to_string()),
            // Keyed on the f64's bits so equal rates group exactly; negated so larger rates come first.
            Hyperparameter::Lr => (-(result.metadata.learning_rate.to_bits() as i64), format_lr(result.metadata.learning_rate)),
        }
    }
}

/// Position of a model's setting in its grid: the number counts settings, then the 12 architectures, so a
/// setting's models share `number / 12` (Low 0, Mid 1, High 2 for the study; the conditioned model comes after
/// every setting).
pub fn setting_rank(result: &ModelResult) -> i64 {
    i64::from(result.number() / blackbox_engine::model::STUDY_ARCHITECTURES.len() as u32)
}

/// `0.01`, `0.0001`: the study's spelling in its file names.
pub fn format_lr(lr: f64) -> String {
    format!("{lr}")
}

/// The models sharing one value of a hyperparameter and their mean-over-songs ESRs in one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelSummary {
    pub label: String,
    /// One entry per model of this level that has a complete, finite mean; models without one are left out.
    pub model_means: Vec<f32>,
}

impl LevelSummary {
    /// Mean over the level's models of their mean-over-songs ESR, as in the study's summary figure.
    pub fn mean(&self) -> Option<f32> {
        (!self.model_means.is_empty()).then(|| {
            (self.model_means.iter().map(|&v| f64::from(v)).sum::<f64>() / self.model_means.len() as f64) as f32
        })
    }
}

/// The levels of one hyperparameter in the grid's order, each with its models' mean ESRs in `mode`.
pub fn summarise_by(
    results: &[ModelResult],
    songs: &[String],
    parameter: Hyperparameter,
    mode: EsrMode,
) -> Vec<LevelSummary> {
    let mut levels: Vec<(i64, LevelSummary)> = Vec::new();
    for result in results {
        let (key, label) = parameter.level_of(result);
        let index = match levels.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                levels.push((key, LevelSummary { label, model_means: Vec::new() }));
                levels.len() - 1
            }
        };
        if let Some(mean) = result.mean_esr(songs, mode) {
            levels[index].1.model_means.push(mean);
        }
    }
    levels.sort_by_key(|(key, _)| *key);
    levels.into_iter().map(|(_, level)| level).collect()
}

/// Results in the study's loop order (by model number), without copying them.
pub fn in_grid_order(results: &[ModelResult]) -> Vec<&ModelResult> {
    let mut ordered: Vec<&ModelResult> = results.iter().collect();
    ordered.sort_by_key(|r| r.number());
    ordered
}

#[cfg(test)]
mod tests {
    use blackbox_engine::model::TrainingMethod;

    use super::*;
    use crate::report::inputs::SongResult;
    use blackbox_engine::metrics::Metrics;
    use blackbox_engine::model::Gain;

    fn model(number: u32, gain: Gain, lr: f64, esrs: &[f32]) -> ModelResult {
        let mut model = ModelResult::fixture(number, gain, 64, lr, 44, TrainingMethod::Windowed);
        model.songs = esrs
            .iter()
            .enumerate()
            .map(|(i, &esr)| SongResult {
                song: format!("song{i}"),
                windowed: Some(Metrics { esr: f64::from(esr), mse: 0.0, mae: 0.0 }),
                study_esr: None,
                streaming: None,
                one_sample_shift_esr: None,
            })
            .collect();
        model
    }

    #[test]
    fn levels_average_their_models_means_and_follow_the_study_loop_order() {
        let results = vec![
            model(25, Gain::High, 0.0001, &[0.04, 0.06]),
            model(1, Gain::Low, 0.01, &[0.01, 0.03]),
            model(3, Gain::Low, 0.0001, &[0.03, 0.05]),
        ];
        let songs = song_names(&results);
        let by_gain = summarise_by(&results, &songs, Hyperparameter::Gain, EsrMode::Windowed);
        assert_eq!(by_gain.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["Low", "High"]);
        assert!((by_gain[0].mean().unwrap() - 0.03).abs() < 1e-6);
        assert!((by_gain[1].mean().unwrap() - 0.05).abs() < 1e-6);
        let by_lr = summarise_by(&results, &songs, Hyperparameter::Lr, EsrMode::Windowed);
        assert_eq!(by_lr.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["0.01", "0.0001"]);
    }

    #[test]
    fn a_model_missing_a_song_has_no_mean_and_is_left_out_of_its_level() {
        let results = vec![model(0, Gain::Low, 0.01, &[0.01, 0.03]), model(1, Gain::Low, 0.01, &[0.5])];
        let songs = song_names(&results);
        assert_eq!(results[1].mean_esr(&songs, EsrMode::Windowed), None);
        let by_gain = summarise_by(&results, &songs, Hyperparameter::Gain, EsrMode::Windowed);
        assert_eq!(by_gain[0].model_means.len(), 1);
        assert_eq!(by_gain[0].mean(), results[0].mean_esr(&songs, EsrMode::Windowed));
    }

    #[test]
    fn a_diverged_song_makes_the_mean_missing_rather_than_averaged_away() {
        let results = vec![model(0, Gain::Low, 0.01, &[0.01, f32::NAN])];
        assert_eq!(results[0].mean_esr(&song_names(&results), EsrMode::Windowed), None);
    }
}
