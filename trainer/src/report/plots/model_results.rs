//! `modelResults.png`: every model's test ESR on every song, one panel per evaluation mode.
//!
//! The study's figure of the same name showed one mode; here the aligned, the study-compatible and the
//! streaming figures share one log axis, so the cost of the one-sample shift and of streaming are visible as
//! vertical gaps between panels.

use std::path::Path;

use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::gain_bands::draw_gain_bands;
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{
    self, AXIS_LABEL_SIZE, PANEL_TITLE_SIZE, TICK_SIZE, decade_range, percent_tick, series_colour, slot_label, text,
    titled,
};
use crate::report::error::ReportError;
use crate::report::grid_stats::in_grid_order;
use crate::report::inputs::{EsrMode, GridInfo, ModelResult};

pub const SIZE: (u32, u32) = (1800, 1500);
const TITLE: &str = "Test ESR of every model on every song";

/// Where a diverged (NaN or infinite) figure is drawn: a cross at the top of the axis, never silently dropped.
const DIVERGED: RGBColor = RGBColor(200, 0, 0);

pub fn write(path: &Path, grid: &GridInfo, results: &[ModelResult], songs: &[String]) -> Result<(), ReportError> {
    render_png(path, SIZE, |root| {
        if results.is_empty() || songs.is_empty() {
            return style::placeholder(root, TITLE, &grid.caption(), "No model has been tested yet.");
        }
        draw(root, grid, results, songs)
    })
}

fn draw(root: &Area<'_>, grid: &GridInfo, results: &[ModelResult], songs: &[String]) -> DrawResult {
    let body = titled(root, TITLE, &grid.caption())?;
    let models = in_grid_order(results);
    let esr = |model: &ModelResult, song: &str, mode: EsrMode| model.song(song).and_then(|s| s.esr(mode));
    let all = models.iter().flat_map(|m| songs.iter().flat_map(move |s| EsrMode::ALL.map(|mode| esr(m, s, mode))));
    let all: Vec<f32> = all.flatten().collect();
    let any_diverged = all.iter().any(|v| !v.is_finite());
    let y = decade_range(all.iter().map(|&v| f64::from(v)));

    let mut legend: Vec<LegendEntry> =
        songs.iter().enumerate().map(|(i, s)| LegendEntry::new(s.clone(), Mark::Dot(series_colour(i)))).collect();
    if any_diverged {
        legend.push(LegendEntry::new("diverged (NaN/inf)", Mark::Cross(DIVERGED)));
    }
    draw_legend_row(&body, &legend, 12)?;
    let panels = body.margin(30, 0, 0, 0).split_evenly((EsrMode::ALL.len(), 1));

    let gains: Vec<_> = models.iter().map(|m| m.metadata.gain).collect();
    let numbers: Vec<String> = models.iter().map(|m| m.number().to_string()).collect();
    let count = models.len();
    // Songs side by side within a model's slot, so six markers of one model never hide each other.
    let spread = 0.7 / songs.len().max(1) as f64;
    let offset = |song_index: usize| (song_index as f64 - (songs.len() as f64 - 1.0) / 2.0) * spread;

    for (panel, mode) in panels.iter().zip(EsrMode::ALL) {
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{} test ESR", mode.label()), text(PANEL_TITLE_SIZE))
            .margin(10)
            .margin_right(30)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..count as f64 - 0.5, style::esr_axis(y.clone()))?;
        // Bands first: the grid lines and the markers go on top of them.
        draw_gain_bands(&mut chart, &gains, y.clone())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(style::GRID_LINE)
            .x_labels(count.min(40))
            .x_label_formatter(&|x| slot_label(*x, &numbers))
            .y_label_formatter(&percent_tick)
            .y_desc("ESR (log)")
            .x_desc("model number")
            .axis_desc_style(text(AXIS_LABEL_SIZE))
            .label_style(text(TICK_SIZE))
            .draw()?;

        for (song_index, song) in songs.iter().enumerate() {
            let colour = series_colour(song_index);
            let points = models.iter().enumerate().filter_map(|(i, m)| {
                let v = esr(m, song, mode)?;
                v.is_finite().then(|| (i as f64 + offset(song_index), f64::from(v)))
            });
            chart.draw_series(points.map(|p| Circle::new(p, 5, colour.filled())))?;
            let diverged = models.iter().enumerate().filter_map(|(i, m)| {
                let v = esr(m, song, mode)?;
                (!v.is_finite()).then(|| (i as f64 + offset(song_index), y.end * 0.8))
            });
            chart.draw_series(diverged.map(|p| Cross::new(p, 6, DIVERGED.stroke_width(2))))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use blackbox_engine::model::{Gain, TrainingMethod};

    use super::*;
    use crate::report::inputs::{DataSource, SongResult};
    use blackbox_engine::metrics::Metrics;
    use crate::report::plots::style::series_colour;

    fn pixels_of(path: &Path, colour: RGBColor) -> usize {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        buffer[..info.buffer_size()].chunks_exact(3).filter(|p| p == &[colour.0, colour.1, colour.2]).count()
    }

    #[test]
    fn every_song_gets_its_own_colour_and_no_other_colour_is_used_for_markers() {
        let songs: Vec<String> = ["battery", "holywar", "ohwell"].map(String::from).to_vec();
        let results: Vec<ModelResult> = (0..4)
            .map(|number| {
                let mut model = ModelResult::fixture(number, Gain::Low, 64, 0.01, 44, TrainingMethod::Windowed);
                model.songs = songs
                    .iter()
                    .enumerate()
                    .map(|(i, song)| SongResult {
                        song: song.clone(),
                        windowed: Some(Metrics { esr: 0.01 * (i + 2) as f64, mse: 0.0, mae: 0.0 }),
                        study_esr: Some(0.012 * (i + 2) as f32),
                        streaming: Some(Metrics { esr: 0.011 * (i + 2) as f64, mse: 0.0, mae: 0.0 }),
                        one_sample_shift_esr: None,
                    })
                    .collect();
                model
            })
            .collect();
        let grid = GridInfo {
            name: "t".into(),
            effect: "SD-1".into(),
            experiment: "DS340".into(),
            data: DataSource::StandIn { description: "test".into() },
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modelResults.png");
        write(&path, &grid, &results, &songs).unwrap();
        for song in 0..songs.len() {
            // 4 models x 3 panels of filled 5-pixel circles, plus the legend dot.
            assert!(pixels_of(&path, series_colour(song)) > 12 * 40, "song {song} has no markers");
        }
        assert_eq!(pixels_of(&path, series_colour(5)), 0, "a sixth song's colour appears with three songs");
    }
}
