//! `AllTrainVal.png`: training and validation loss per epoch of every model, as small multiples.
//!
//! Six columns, as the study laid them out: in its loop order the columns alternate the two learning rates,
//! which is how it spotted the lr 0.01 spikes. Each panel has its own log axis because losses of different
//! gains differ by a decade and one shared axis would flatten the curves that matter.

use std::path::Path;

use blackbox_engine::model::TrainingMethod;
use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{self, PALETTE, TICK_SIZE, decade_range, percent_tick, text, titled};
use crate::report::error::ReportError;
use crate::report::grid_stats::{format_lr, in_grid_order};
use crate::report::inputs::{GridInfo, ModelResult};

const COLUMNS: usize = 6;
const PANEL_WIDTH: u32 = 400;
const PANEL_HEIGHT: u32 = 270;
const HEADER_HEIGHT: u32 = 130;
const TITLE: &str = "Training and validation loss per epoch";

/// What the plotted loss is: the study's ESR, or (streaming training) pre-emphasised ESR plus a DC term when trained
/// streaming, which is not directly comparable with the test ESR.
fn title_for(results: &[ModelResult]) -> String {
    if results.iter().any(|r| r.metadata.method == TrainingMethod::Streaming) {
        format!("{TITLE} (streaming-trained: pre-emphasised ESR + DC term)")
    } else {
        format!("{TITLE} (ESR)")
    }
}

const TRAIN: RGBColor = PALETTE[0];
const VALIDATION: RGBColor = PALETTE[1];

/// The figure grows with the grid: six panels per row, as many rows as needed.
pub fn size_for(models: usize) -> (u32, u32) {
    let rows = models.div_ceil(COLUMNS).max(1) as u32;
    (PANEL_WIDTH * COLUMNS as u32, HEADER_HEIGHT + rows * PANEL_HEIGHT)
}

pub fn write(path: &Path, grid: &GridInfo, results: &[ModelResult]) -> Result<(), ReportError> {
    render_png(path, size_for(results.len()), |root| {
        if results.is_empty() {
            return style::placeholder(
                root,
                &title_for(results),
                &grid.caption(),
                "No model has finished an epoch yet.",
            );
        }
        draw(root, grid, results)
    })
}

/// One model's curves on a figure of their own (a capture's report), legible at a glance.
pub fn write_one(path: &Path, grid: &GridInfo, result: &ModelResult) -> Result<(), ReportError> {
    render_png(path, (1200, 700), |root| {
        let body = titled(root, &title_for(std::slice::from_ref(result)), &grid.caption())?;
        draw_legend(&body)?;
        draw_panel(&body.margin(50, 10, 10, 10), result)
    })
}

fn draw_legend(body: &Area<'_>) -> DrawResult {
    draw_legend_row(
        body,
        &[
            LegendEntry::new("training loss", Mark::Line(TRAIN)),
            LegendEntry::new("validation loss", Mark::Line(VALIDATION)),
            LegendEntry::new("best validation epoch (weights restored)", Mark::Dot(VALIDATION)),
        ],
        16,
    )
}

fn draw(root: &Area<'_>, grid: &GridInfo, results: &[ModelResult]) -> DrawResult {
    let body = titled(root, &title_for(results), &grid.caption())?;
    draw_legend(&body)?;
    let models = in_grid_order(results);
    let rows = models.len().div_ceil(COLUMNS);
    let panels = body.margin(HEADER_HEIGHT as i32 - 84, 0, 0, 0).split_evenly((rows, COLUMNS));
    for (panel, model) in panels.iter().zip(&models) {
        draw_panel(panel, model)?;
    }
    Ok(())
}

fn draw_panel(panel: &Area<'_>, model: &ModelResult) -> DrawResult {
    let title = format!(
        "#{} {} ctx {} units {} lr {}",
        model.number(),
        model.metadata.gain.name(),
        model.metadata.context,
        model.metadata.hidden_size,
        format_lr(model.metadata.learning_rate)
    );
    let history = &model.history;
    let epochs = history.loss.len().max(history.val_loss.len());
    if epochs == 0 {
        let (w, h) = panel.dim_in_pixel();
        panel.draw(&Text::new(title, (10, 10), text(TICK_SIZE + 1)))?;
        panel.draw(&Text::new("no epochs recorded", (w as i32 / 2 - 60, h as i32 / 2), text(TICK_SIZE)))?;
        return Ok(());
    }
    let y = decade_range(history.loss.iter().chain(&history.val_loss).map(|&v| f64::from(v)));
    let mut chart = ChartBuilder::on(panel)
        .caption(title, text(TICK_SIZE + 1))
        .margin(6)
        .margin_right(14)
        .x_label_area_size(24)
        .y_label_area_size(58)
        .build_cartesian_2d(1.0..(epochs.max(2)) as f64, style::esr_axis(y.clone()))?;
    chart
        .configure_mesh()
        // Minor grid lines would crowd a 400-pixel panel; the labelled ones are enough to read a curve.
        .light_line_style(WHITE)
        .bold_line_style(style::GRID_LINE)
        .x_labels(5)
        .y_labels(4)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&percent_tick)
        .label_style(text(TICK_SIZE - 2))
        .draw()?;
    // Non-finite or non-positive losses cannot sit on a log axis; the curve breaks there instead of lying.
    for (series, colour) in [(&history.loss, TRAIN), (&history.val_loss, VALIDATION)] {
        for run in finite_runs(series) {
            chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?;
        }
    }
    let best = history
        .val_loss
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && **v > 0.0)
        .min_by(|a, b| a.1.total_cmp(b.1));
    if let Some((epoch, &loss)) = best {
        chart.draw_series(std::iter::once(Circle::new(
            ((epoch + 1) as f64, f64::from(loss)),
            5,
            VALIDATION.filled(),
        )))?;
    }
    Ok(())
}

/// Epoch-numbered (1-based) stretches of a loss curve between non-plottable values.
fn finite_runs(series: &[f32]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (epoch, &loss) in series.iter().enumerate() {
        if loss.is_finite() && loss > 0.0 {
            if let Some(run) = runs.last_mut() {
                run.push(((epoch + 1) as f64, f64::from(loss)));
            }
        } else if runs.last().is_some_and(|run| !run.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|run| !run.is_empty());
    runs
}
