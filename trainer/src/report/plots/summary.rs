//! `summary_modelResults.png`: mean test ESR by each hyperparameter of the grid (gain, ctx, units, lr).
//!
//! Each panel shows, per level and per evaluation mode, every model's mean-over-songs ESR as a faint ring and
//! their mean as a large dot joined across levels: the spread matters as much as the mean when 12 models of a
//! level differ by more than the levels do.

use std::path::Path;

use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{
    self, AXIS_LABEL_SIZE, PANEL_TITLE_SIZE, TICK_SIZE, decade_range, mode_colour, percent_tick, slot_label, text,
    titled,
};
use crate::report::error::ReportError;
use crate::report::grid_stats::{Hyperparameter, LevelSummary, summarise_by};
use crate::report::inputs::{EsrMode, GridInfo, ModelResult};

pub const SIZE: (u32, u32) = (1600, 1250);
const TITLE: &str = "Mean test ESR by hyperparameter";

/// One panel's data: the hyperparameter and, per evaluation mode, its levels.
type Panel = (Hyperparameter, Vec<(EsrMode, Vec<LevelSummary>)>);

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
    let summaries: Vec<Panel> = Hyperparameter::ALL
        .iter()
        .map(|&p| (p, EsrMode::ALL.iter().map(|&m| (m, summarise_by(results, songs, p, m))).collect()))
        .collect();
    let every_mean = summaries
        .iter()
        .flat_map(|(_, modes)| modes.iter().flat_map(|(_, levels)| levels.iter().flat_map(|l| l.model_means.iter())));
    let y = decade_range(every_mean.map(|&v| f64::from(v)));

    let mut legend: Vec<LegendEntry> = EsrMode::ALL
        .iter()
        .map(|&m| LegendEntry::new(format!("{}: mean", m.label()), Mark::Dot(mode_colour(m))))
        .collect();
    legend.push(LegendEntry::new("one model's mean over songs", Mark::HollowDot(style::MISSING)));
    draw_legend_row(&body, &legend, 12)?;
    let panels = body.margin(30, 0, 0, 0).split_evenly((2, 2));

    for (panel, (parameter, modes)) in panels.iter().zip(&summaries) {
        let labels: Vec<String> =
            modes.first().map(|(_, levels)| levels.iter().map(|l| l.label.clone()).collect()).unwrap_or_default();
        let count = labels.len().max(1);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("by {}", parameter.title()), text(PANEL_TITLE_SIZE))
            .margin(15)
            .margin_right(30)
            .x_label_area_size(45)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..count as f64 - 0.5, style::esr_axis(y.clone()))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(style::GRID_LINE)
            .x_labels(count + 1)
            .x_label_formatter(&|x| slot_label(*x, &labels))
            .y_label_formatter(&percent_tick)
            .x_desc(parameter.title())
            .y_desc("mean test ESR (log)")
            .axis_desc_style(text(AXIS_LABEL_SIZE))
            .label_style(text(TICK_SIZE))
            .draw()?;

        for (mode_index, (mode, levels)) in modes.iter().enumerate() {
            let colour = mode_colour(*mode);
            let shift = (mode_index as f64 - 1.0) * 0.16;
            let rings = levels.iter().enumerate().flat_map(|(i, level)| {
                level
                    .model_means
                    .iter()
                    .map(move |&v| Circle::new((i as f64 + shift, f64::from(v)), 4, colour.mix(0.45).stroke_width(1)))
            });
            chart.draw_series(rings)?;
            let means: Vec<(f64, f64)> = levels
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.mean().map(|m| (i as f64 + shift, f64::from(m))))
                .collect();
            chart.draw_series(LineSeries::new(means.iter().copied(), colour.stroke_width(2)))?;
            chart.draw_series(means.iter().map(|&p| Circle::new(p, 8, colour.filled())))?;
        }
    }
    Ok(())
}
