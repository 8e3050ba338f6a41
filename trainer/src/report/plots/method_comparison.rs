//! `windowed_vs_streaming.png`: per grid cell, the streaming-mode test ESR (what the plugin plays) and the
//! training time of each method. A cell one method has not trained is marked "missing" on the axis floor, so
//! gaps in the comparison are visible rather than silently closed up.

use std::path::Path;

use blackbox_engine::model::TrainingMethod;
use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::gain_bands::draw_gain_bands;
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{
    self, AXIS_LABEL_SIZE, PALETTE, PANEL_TITLE_SIZE, TICK_SIZE, decade_range, percent_tick, slot_label, text, titled,
};
use crate::report::error::ReportError;
use crate::report::inputs::GridInfo;
use crate::report::method_comparison::{ComparisonCell, streamed_mean};

pub const SIZE: (u32, u32) = (1800, 1200);
const TITLE: &str = "Windowed vs streaming training: what the plugin plays";
const DIVERGED: RGBColor = RGBColor(200, 0, 0);

fn method_colour(method: TrainingMethod) -> RGBColor {
    match method {
        TrainingMethod::Windowed => PALETTE[0],
        TrainingMethod::Streaming => PALETTE[2],
    }
}

fn method_label(method: TrainingMethod) -> &'static str {
    match method {
        TrainingMethod::Windowed => "trained windowed (the study's way)",
        TrainingMethod::Streaming => "trained streaming (state carried)",
    }
}

const METHODS: [TrainingMethod; 2] = [TrainingMethod::Windowed, TrainingMethod::Streaming];

pub fn write(path: &Path, grid: &GridInfo, cells: &[ComparisonCell<'_>], songs: &[String]) -> Result<(), ReportError> {
    render_png(path, SIZE, |root| {
        if cells.is_empty() {
            return style::placeholder(root, TITLE, &grid.caption(), "Neither method has trained a model yet.");
        }
        draw(root, grid, cells, songs)
    })
}

fn draw(root: &Area<'_>, grid: &GridInfo, cells: &[ComparisonCell<'_>], songs: &[String]) -> DrawResult {
    let body = titled(root, TITLE, &grid.caption())?;
    let esr = |cell: &ComparisonCell<'_>, method| cell.side(method).map(|m| streamed_mean(m, songs));
    let y = decade_range(cells.iter().flat_map(|c| METHODS.map(|m| esr(c, m).flatten())).flatten().map(f64::from));
    let time_max = cells
        .iter()
        .flat_map(|c| METHODS.map(|m| c.side(m).and_then(|r| r.metadata.train_seconds)))
        .flatten()
        .filter(|t| t.is_finite())
        .fold(1.0f32, f32::max);

    let mut legend: Vec<LegendEntry> =
        METHODS.iter().map(|&m| LegendEntry::new(method_label(m), Mark::Dot(method_colour(m)))).collect();
    legend.push(LegendEntry::new("missing (not trained or not tested)", Mark::HollowDot(style::MISSING)));
    legend.push(LegendEntry::new("diverged (NaN/inf)", Mark::Cross(DIVERGED)));
    draw_legend_row(&body, &legend, 12)?;
    let (top, bottom) = body.margin(30, 0, 0, 0).split_vertically((body.dim_in_pixel().1 as f64 * 0.55) as u32);

    let count = cells.len();
    let gains: Vec<_> = cells.iter().map(|c| c.gain).collect();
    let numbers: Vec<String> = cells.iter().map(|c| c.number().to_string()).collect();
    let x_label = |x: &f64| slot_label(*x, &numbers);
    let shift = |method| if method == TrainingMethod::Windowed { -0.15 } else { 0.15 };

    let mut chart = ChartBuilder::on(&top)
        .caption("streaming-mode test ESR, mean over songs", text(PANEL_TITLE_SIZE))
        .margin(10)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5..count as f64 - 0.5, style::esr_axis(y.clone()))?;
    draw_gain_bands(&mut chart, &gains, y.clone())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(style::GRID_LINE)
        .x_labels(count.min(40))
        .x_label_formatter(&x_label)
        .y_label_formatter(&percent_tick)
        .x_desc("grid cell (model number in the study's loop order)")
        .y_desc("streaming ESR (log)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .draw()?;
    let floor = y.start * 1.25;
    for method in METHODS {
        let colour = method_colour(method);
        for (i, cell) in cells.iter().enumerate() {
            let x = i as f64 + shift(method);
            match esr(cell, method) {
                Some(Some(v)) if v.is_finite() => {
                    chart.draw_series(std::iter::once(Circle::new((x, f64::from(v)), 6, colour.filled())))?
                }
                Some(Some(_)) => {
                    chart.draw_series(std::iter::once(Cross::new((x, y.end * 0.8), 7, DIVERGED.stroke_width(2))))?
                }
                // Trained but not yet tested in streaming mode, or not trained: both are gaps in the comparison.
                Some(None) | None => {
                    chart.draw_series(std::iter::once(Circle::new((x, floor), 6, style::MISSING.stroke_width(2))))?
                }
            };
        }
    }

    let mut chart = ChartBuilder::on(&bottom)
        .caption("training time", text(PANEL_TITLE_SIZE))
        .margin(10)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(-0.5..count as f64 - 0.5, 0.0..f64::from(time_max) * 1.1)?;
    draw_gain_bands(&mut chart, &gains, 0.0..f64::from(time_max) * 1.1)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(style::GRID_LINE)
        .x_labels(count.min(40))
        .x_label_formatter(&x_label)
        .y_label_formatter(&style::linear_tick(f64::from(time_max)))
        .x_desc("grid cell (model number in the study's loop order)")
        .y_desc("training time (s)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .draw()?;
    for method in METHODS {
        let colour = method_colour(method);
        for (i, cell) in cells.iter().enumerate() {
            let x = i as f64 + shift(method);
            match cell.side(method).and_then(|m| m.metadata.train_seconds).filter(|t| t.is_finite()) {
                Some(t) => chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.13, 0.0), (x + 0.13, f64::from(t))],
                    colour.filled(),
                )))?,
                None => chart.draw_series(std::iter::once(Circle::new(
                    (x, f64::from(time_max) * 0.03),
                    6,
                    style::MISSING.stroke_width(2),
                )))?,
            };
        }
    }
    Ok(())
}
