//! `<model>_spectrum.png`: the recorded test section's spectrum and the model's error spectrum, on one log-frequency
//! axis, so a reader sees at once whether the error is fizz, bass or everywhere.

use std::path::Path;

use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{self, AXIS_LABEL_SIZE, PALETTE, TICK_SIZE, text, titled};
use crate::report::capture::SpectrumPoint;
use crate::report::error::ReportError;
use crate::report::inputs::GridInfo;

const SIZE: (u32, u32) = (1400, 800);
const TITLE: &str = "Recorded test section and the model's error, power per sixth octave";

pub fn write_spectrum(path: &Path, grid: &GridInfo, points: &[SpectrumPoint]) -> Result<(), ReportError> {
    render_png(path, SIZE, |root| {
        if points.len() < 2 {
            return style::placeholder(root, TITLE, &grid.caption(), "The test section is too short for a spectrum.");
        }
        draw(root, grid, points)
    })
}

fn draw(root: &Area<'_>, grid: &GridInfo, points: &[SpectrumPoint]) -> DrawResult {
    let body = titled(root, TITLE, &grid.caption())?;
    draw_legend_row(
        &body,
        &[LegendEntry::new("recorded", Mark::Line(PALETTE[0])), LegendEntry::new("error (recorded - predicted)", Mark::Line(PALETTE[3]))],
        16,
    )?;
    let values = points.iter().flat_map(|p| [p.recorded_db, p.error_db]).filter(|v| v.is_finite());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
    let y = ((low / 10.0).floor() * 10.0)..((high / 10.0).ceil() * 10.0 + 5.0);
    let x = points[0].hz..points[points.len() - 1].hz;
    let mut chart = ChartBuilder::on(&body.margin(50, 10, 10, 20))
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(x.log_scale(), y)?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID_LINE)
        .light_line_style(WHITE)
        .x_desc("frequency (Hz)")
        .y_desc("power (dB)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .x_label_formatter(&|hz| if *hz >= 1000.0 { format!("{:.0}k", hz / 1000.0) } else { format!("{hz:.0}") })
        .draw()?;
    for (colour, value) in [(PALETTE[0], 0usize), (PALETTE[3], 1)] {
        let series = points
            .iter()
            .map(|p| (p.hz, if value == 0 { p.recorded_db } else { p.error_db }))
            .filter(|(_, v)| v.is_finite());
        chart.draw_series(LineSeries::new(series, colour.stroke_width(3)))?;
    }
    Ok(())
}
