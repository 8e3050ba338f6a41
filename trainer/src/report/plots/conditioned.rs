//! `conditioned_thd.png`: the conditioned model's THD against its gain knob, with the reference circuit's and
//! the per-gain models' THD at Low / Mid / High.

use std::path::Path;

use plotters::prelude::*;

use super::canvas::{Area, DrawResult, render_png};
use super::legend::{LegendEntry, Mark, draw_legend_row};
use super::style::{self, AXIS_LABEL_SIZE, PALETTE, TICK_SIZE, text, titled};
use crate::report::conditioned::ConditionedReport;
use crate::report::error::ReportError;

pub const SIZE: (u32, u32) = (1400, 900);
const TITLE: &str = "Gain-conditioned model: distortion against the knob";

pub fn write(path: &Path, report: &ConditionedReport) -> Result<(), ReportError> {
    render_png(path, SIZE, |root| draw(root, report))
}

fn draw(root: &Area<'_>, report: &ConditionedReport) -> DrawResult {
    let body = titled(root, TITLE, &report.grid.caption())?;
    let (model, circuit, fixed) = (PALETTE[2], PALETTE[7], PALETTE[0]);
    draw_legend_row(
        &body,
        &[
            LegendEntry::new(format!("{} (streamed)", report.model.metadata.name), Mark::Dot(model)),
            LegendEntry::new("reference circuit", Mark::HollowDot(circuit)),
            LegendEntry::new("best per-gain model", Mark::Cross(fixed)),
        ],
        12,
    )?;
    let values = report
        .sweep
        .iter()
        .map(|p| p.thd)
        .chain(report.references.iter().flat_map(|r| [r.circuit_thd, r.best_fixed_thd]).flatten())
        .filter(|v| v.is_finite());
    let top = values.fold(0.01f64, f64::max) * 100.0 * 1.15;
    let mut chart = ChartBuilder::on(&body.margin(40, 0, 0, 0))
        .margin(20)
        .margin_right(40)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .caption(
            format!("{:.0} Hz sine at amplitude {:.3}", report.tone_hz, report.tone_amplitude),
            text(AXIS_LABEL_SIZE),
        )
        .build_cartesian_2d(-0.02f64..1.02f64, 0.0..top)?;
    chart
        .configure_mesh()
        .light_line_style(style::GRID_LINE)
        .x_desc("gain knob (Low 0, Mid 0.5, High 1)")
        .y_desc("THD, harmonics 2-10 (%)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .draw()?;
    let curve: Vec<(f64, f64)> =
        report.sweep.iter().filter(|p| p.thd.is_finite()).map(|p| (f64::from(p.knob), p.thd * 100.0)).collect();
    chart.draw_series(LineSeries::new(curve.clone(), model.stroke_width(3)))?;
    chart.draw_series(curve.iter().map(|&p| Circle::new(p, 4, model.filled())))?;
    for r in &report.references {
        let x = f64::from(r.knob);
        if let Some(thd) = r.circuit_thd.filter(|v| v.is_finite()) {
            chart.draw_series(std::iter::once(Circle::new((x, thd * 100.0), 9, circuit.stroke_width(3))))?;
        }
        if let Some(thd) = r.best_fixed_thd.filter(|v| v.is_finite()) {
            chart.draw_series(std::iter::once(Cross::new((x, thd * 100.0), 9, fixed.stroke_width(3))))?;
        }
    }
    Ok(())
}
