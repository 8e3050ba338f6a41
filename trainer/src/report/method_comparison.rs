//! Windowed versus streaming training, cell by cell.
//!
//! The study trained on isolated windows from zero state; the plugin runs the LSTM with its state carried
//! forever. What matters to a listener is the streaming-mode test ESR, so each of the grid's cells (gain x ctx x
//! units x lr) is compared on that figure, with the training time each method paid for it. A cell trained by
//! only one method so far is shown as missing on the other side rather than left out.

use std::fmt::Write as _;
use std::path::Path;

use blackbox_engine::model::{Gain, STREAMED_MARGIN, STREAMED_RATIO, TrainingMethod, unstable_when_streamed};

use super::error::ReportError;
use super::format::{cell_text, percent, seconds};
use super::grid_stats::{format_lr, song_names};
use super::inputs::{EsrMode, GridInfo, ModelResult};
use super::output::write_atomically;

/// One cell of the grid and the model each method trained for it.
#[derive(Clone, Debug)]
pub struct ComparisonCell<'a> {
    pub gain: Gain,
    pub ctx: u32,
    pub units: u32,
    pub lr: f64,
    pub windowed: Option<&'a ModelResult>,
    pub streaming: Option<&'a ModelResult>,
}

impl ComparisonCell<'_> {
    pub fn label(&self) -> String {
        format!("{} ctx {} units {} lr {}", self.gain.name(), self.ctx, self.units, format_lr(self.lr))
    }

    /// The cell's model number in the study's loop order (both methods number their grids the same way).
    pub fn number(&self) -> u32 {
        self.windowed.or(self.streaming).map_or(0, |m| m.number())
    }

    pub fn side(&self, method: TrainingMethod) -> Option<&ModelResult> {
        match method {
            TrainingMethod::Windowed => self.windowed,
            TrainingMethod::Streaming => self.streaming,
        }
    }
}

/// The cells of both sides, in the study's loop order (gain -> ctx -> units -> lr, larger lr first).
pub fn pair_cells<'a>(
    windowed: &'a [ModelResult],
    streaming: &'a [ModelResult],
) -> Result<Vec<ComparisonCell<'a>>, ReportError> {
    let mut cells: Vec<ComparisonCell<'a>> = Vec::new();
    for (side, method, results) in
        [("windowed", TrainingMethod::Windowed, windowed), ("streaming", TrainingMethod::Streaming, streaming)]
    {
        for result in results {
            if result.metadata.method != method {
                return Err(ReportError::MethodMismatch {
                    side,
                    model: result.number(),
                    name: result.metadata.name.clone(),
                    actual: result.metadata.method,
                });
            }
            let same_cell = |c: &ComparisonCell<'_>| {
                c.gain == result.metadata.gain
                    && c.ctx == result.metadata.context
                    && c.units == result.metadata.hidden_size
                    && c.lr.to_bits() == result.metadata.learning_rate.to_bits()
            };
            let index = match cells.iter().position(same_cell) {
                Some(index) => index,
                None => {
                    cells.push(ComparisonCell {
                        gain: result.metadata.gain,
                        ctx: result.metadata.context,
                        units: result.metadata.hidden_size,
                        lr: result.metadata.learning_rate,
                        windowed: None,
                        streaming: None,
                    });
                    cells.len() - 1
                }
            };
            let cell = &mut cells[index];
            if let Some(first) = cell.side(method) {
                return Err(ReportError::DuplicateCell {
                    side,
                    cell: cell.label(),
                    first: first.metadata.name.clone(),
                    second: result.metadata.name.clone(),
                });
            }
            match method {
                TrainingMethod::Windowed => cell.windowed = Some(result),
                TrainingMethod::Streaming => cell.streaming = Some(result),
            }
        }
    }
    // A model's number is its place in the grid's loop (setting, ctx, units, lr).
    cells.sort_by_key(|c| c.windowed.or(c.streaming).map(|r| r.number()));
    Ok(cells)
}

/// A model's streaming-mode test ESR, mean over `songs`. Unlike [`ModelResult::mean_esr`], a song on which the
/// streamed model diverged makes the whole figure non-finite rather than missing: divergence when streamed is
/// exactly what this comparison exists to show.
pub fn streamed_mean(model: &ModelResult, songs: &[String]) -> Option<f32> {
    let diverged = model.songs.iter().filter_map(|s| s.esr(EsrMode::Streaming)).find(|v| !v.is_finite());
    diverged.or_else(|| model.mean_esr(songs, EsrMode::Streaming))
}

/// Songs of both sides, so both methods' means cover the same songs.
pub fn comparison_songs(windowed: &[ModelResult], streaming: &[ModelResult]) -> Vec<String> {
    let mut songs = song_names(windowed);
    for song in song_names(streaming) {
        if !songs.contains(&song) {
            songs.push(song);
        }
    }
    songs
}

pub fn write_comparison_md(
    path: &Path,
    grid: &GridInfo,
    cells: &[ComparisonCell<'_>],
    songs: &[String],
    png_name: &str,
) -> Result<(), ReportError> {
    write_atomically(path, render(grid, cells, songs, png_name).as_bytes())
}

fn render(grid: &GridInfo, cells: &[ComparisonCell<'_>], songs: &[String], png_name: &str) -> String {
    let mut md = String::new();
    let _ =
        writeln!(md, "# {} / {}: windowed vs streaming training, grid `{}`\n", grid.effect, grid.experiment, grid.name);
    let _ = writeln!(md, "**Data: {}**\n", grid.data.label());
    let _ = writeln!(
        md,
        "For each cell of the grid: the **streaming-mode test ESR** (state carried through the whole song, what the \
         plugin plays), mean over {} test songs ({}), and the training time, for a model trained the study's way \
         (windowed: isolated windows from zero state) and one trained statefully (streaming: TBPTT with the cell's \
         ctx as truncation length). The windowed-mode ESR of each model is shown for reference. `missing` means \
         that method has not trained that cell (yet); `–` means the figure was not measured; NaN/inf means the \
         model diverged.\n",
        songs.len(),
        songs.join(", ")
    );
    write_summary(&mut md, cells, songs);
    let _ = writeln!(
        md,
        "| cell | gain | ctx | units | lr | windowed-trained: streaming ESR (%) | windowed ESR (%) | stream / window | train s | \
         streaming-trained: streaming ESR (%) | windowed ESR (%) | train s | lower streaming ESR |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for cell in cells {
        let _ = write!(
            md,
            "| {} | {} | {} | {} | {} |",
            cell.number(),
            cell.gain.name(),
            cell.ctx,
            cell.units,
            format_lr(cell.lr)
        );
        match cell.windowed {
            Some(model) => {
                let streamed = streamed_mean(model, songs);
                let windowed = model.mean_esr(songs, EsrMode::Windowed);
                let _ = write!(
                    md,
                    " {} | {} | {} | {} |",
                    percent(streamed),
                    percent(windowed),
                    stream_ratio(streamed, windowed),
                    seconds(model.metadata.train_seconds)
                );
            }
            None => md.push_str(" missing | missing | missing | missing |"),
        }
        match cell.streaming {
            Some(model) => {
                let _ = write!(
                    md,
                    " {} | {} | {} |",
                    percent(streamed_mean(model, songs)),
                    percent(model.mean_esr(songs, EsrMode::Windowed)),
                    seconds(model.metadata.train_seconds)
                );
            }
            None => md.push_str(" missing | missing | missing |"),
        }
        let _ = writeln!(md, " {} |", cell_text(&winner(cell, songs)));
    }
    let _ = writeln!(md, "\n![streaming-mode test ESR and training time per cell]({png_name})");
    md
}

/// "4.2x" with a warning sign when the model plays far worse streamed than its windowed test says.
fn stream_ratio(streamed: Option<f32>, windowed: Option<f32>) -> String {
    match (streamed, windowed) {
        (Some(s), Some(_)) if !s.is_finite() => "diverged ⚠ unstable when streamed".to_string(),
        (Some(s), Some(w)) if w > 0.0 => {
            let flag = if unstable_when_streamed(streamed, windowed) { " ⚠ unstable when streamed" } else { "" };
            format!("{:.2}x{flag}", s / w)
        }
        _ => "–".to_string(),
    }
}

fn winner(cell: &ComparisonCell<'_>, songs: &[String]) -> String {
    // Diverged ranks last; two diverged models tie.
    let figure = |m: Option<&ModelResult>| {
        m.and_then(|m| streamed_mean(m, songs)).map(|v| if v.is_finite() { v } else { f32::INFINITY })
    };
    match (figure(cell.windowed), figure(cell.streaming)) {
        (Some(w), Some(s)) if w < s => "windowed".into(),
        (Some(w), Some(s)) if s < w => "streaming".into(),
        (Some(_), Some(_)) => "tie".into(),
        _ => "–".into(),
    }
}

fn write_summary(md: &mut String, cells: &[ComparisonCell<'_>], songs: &[String]) {
    let streamed = |m: Option<&ModelResult>| {
        m.and_then(|m| streamed_mean(m, songs)).map(|v| if v.is_finite() { v } else { f32::INFINITY })
    };
    let both: Vec<(f32, f32)> =
        cells.iter().filter_map(|c| Some((streamed(c.windowed)?, streamed(c.streaming)?))).collect();
    let streaming_wins = both.iter().filter(|(w, s)| s < w).count();
    let windowed_wins = both.iter().filter(|(w, s)| w < s).count();
    let present = |method| cells.iter().filter(|c| c.side(method).is_some()).count();
    let total_time =
        |method| -> f32 { cells.iter().filter_map(|c| c.side(method)?.metadata.train_seconds).filter(|t| t.is_finite()).sum() };
    let unstable = cells
        .iter()
        .filter_map(|c| c.windowed)
        .filter(|m| {
            unstable_when_streamed(streamed_mean(m, songs), m.mean_esr(songs, EsrMode::Windowed))
        })
        .count();
    let _ = writeln!(md, "## Summary\n");
    let _ = writeln!(
        md,
        "- cells: {}; trained windowed: {}; trained streaming: {}",
        cells.len(),
        present(TrainingMethod::Windowed),
        present(TrainingMethod::Streaming)
    );
    let _ = writeln!(
        md,
        "- cells with a streaming-mode ESR from both methods: {}; lower with streaming training: {streaming_wins}; \
         lower with windowed training: {windowed_wins}",
        both.len()
    );
    let _ = writeln!(
        md,
        "- windowed-trained models unstable when streamed (streamed ESR at least {STREAMED_RATIO}x the windowed one \
         and {} points above that, or diverged): {unstable}",
        STREAMED_MARGIN * 100.0
    );
    let _ = writeln!(
        md,
        "- total training time: windowed {} s, streaming {} s\n",
        seconds(Some(total_time(TrainingMethod::Windowed))),
        seconds(Some(total_time(TrainingMethod::Streaming)))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::inputs::SongResult;
    use blackbox_engine::metrics::Metrics;

    fn model(number: u32, method: TrainingMethod, gain: Gain, lr: f64) -> ModelResult {
        let mut model = ModelResult::fixture(number, gain, 64, lr, 44, method);
        (model.metadata.epochs_run, model.metadata.train_seconds) = (5, Some(10.0));
        model
    }

    #[test]
    fn cells_pair_by_hyperparameters_in_loop_order_and_keep_one_sided_cells() {
        let windowed = [
            model(1, TrainingMethod::Windowed, Gain::Low, 0.0001),
            model(12, TrainingMethod::Windowed, Gain::Mid, 0.01),
        ];
        let streaming = [
            model(0, TrainingMethod::Streaming, Gain::Low, 0.01),
            model(1, TrainingMethod::Streaming, Gain::Low, 0.0001),
        ];
        let cells = pair_cells(&windowed, &streaming).unwrap();
        let summary: Vec<(Gain, f64, bool, bool)> =
            cells.iter().map(|c| (c.gain, c.lr, c.windowed.is_some(), c.streaming.is_some())).collect();
        assert_eq!(
            summary,
            [(Gain::Low, 0.01, false, true), (Gain::Low, 0.0001, true, true), (Gain::Mid, 0.01, true, false)]
        );
    }

    fn scored(mut model: ModelResult, windowed: f32, streamed: f32) -> ModelResult {
        let metrics = |esr: f32| Some(Metrics { esr: f64::from(esr), mse: 0.0, mae: 0.0 });
        model.songs = vec![SongResult {
            song: "battery".into(),
            windowed: metrics(windowed),
            study_esr: None,
            streaming: metrics(streamed),
            one_sample_shift_esr: None,
        }];
        model
    }

    #[test]
    fn a_model_that_diverges_when_streamed_loses_its_cell_and_is_flagged() {
        let windowed = [scored(model(0, TrainingMethod::Windowed, Gain::Low, 0.01), 0.02, f32::NAN)];
        let streaming = [scored(model(0, TrainingMethod::Streaming, Gain::Low, 0.01), 0.03, 0.031)];
        let cells = pair_cells(&windowed, &streaming).unwrap();
        let songs = comparison_songs(&windowed, &streaming);
        assert!(streamed_mean(&windowed[0], &songs).is_some_and(f32::is_nan));
        assert_eq!(winner(&cells[0], &songs), "streaming");
        let grid = GridInfo {
            name: "ds340".into(),
            effect: "SD-1".into(),
            experiment: "DS340".into(),
            data: crate::report::DataSource::StandIn { description: "Sd1Circuit".into() },
        };
        let md = render(&grid, &cells, &songs, "x.png");
        assert!(md.contains("| NaN | 2.00 | diverged ⚠ unstable when streamed |"), "{md}");
        assert!(md.contains("or diverged): 1"), "{md}");
    }

    #[test]
    fn a_model_that_streams_far_worse_than_windowed_is_flagged_with_its_ratio() {
        let windowed = [scored(model(0, TrainingMethod::Windowed, Gain::Low, 0.0001), 0.072, 8.82)];
        let songs = comparison_songs(&windowed, &[]);
        let cells = pair_cells(&windowed, &[]).unwrap();
        assert_eq!(stream_ratio(streamed_mean(&windowed[0], &songs), Some(0.072)), "122.50x ⚠ unstable when streamed");
        assert_eq!(stream_ratio(Some(0.03), Some(0.02)), "1.50x");
        assert_eq!(stream_ratio(Some(0.0015), Some(0.0005)), "3.00x", "three times, but both excellent");
        assert_eq!(winner(&cells[0], &songs), "–", "no streaming-trained model to compare with");
    }

    #[test]
    fn a_model_on_the_wrong_side_is_refused_by_name() {
        let windowed = [model(3, TrainingMethod::Streaming, Gain::Low, 0.01)];
        let error = pair_cells(&windowed, &[]).unwrap_err();
        assert!(matches!(error, ReportError::MethodMismatch { model: 3, .. }), "{error}");
        assert!(error.to_string().contains("model_Low_64_0.01_44_3"), "{error}");
    }

    #[test]
    fn two_models_for_one_cell_on_one_side_are_refused() {
        let streaming = [
            model(0, TrainingMethod::Streaming, Gain::Low, 0.01),
            model(9, TrainingMethod::Streaming, Gain::Low, 0.01),
        ];
        assert!(matches!(pair_cells(&[], &streaming), Err(ReportError::DuplicateCell { .. })));
    }
}
