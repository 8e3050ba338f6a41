//! `waveform.png`: dry, wet and predicted excerpt of one test song, like the study's chunk plots, with the
//! prediction error underneath (the study read its noise-floor failure off exactly such a plot).

use std::path::Path;

use plotters::prelude::*;

use super::canvas::{DrawResult, render_png};
use super::style::{self, AXIS_LABEL_SIZE, LEGEND_SIZE, PALETTE, PANEL_TITLE_SIZE, TICK_SIZE, text, titled};
use crate::report::error::ReportError;
use crate::report::inputs::{GridInfo, WaveformExcerpt};

pub const SIZE: (u32, u32) = (1800, 1000);

const DRY: RGBColor = PALETTE[7];
const WET: RGBColor = PALETTE[0];
const PREDICTED: RGBColor = PALETTE[1];
const ERROR: RGBColor = PALETTE[3];

/// Checks the excerpt before drawing so a mismatch is reported as the caller's input, not as a plot failure.
pub fn validate(excerpt: &WaveformExcerpt) -> Result<(), ReportError> {
    let invalid = |reason: String| ReportError::InvalidExcerpt { song: excerpt.song.clone(), reason };
    if excerpt.sample_rate == 0 {
        return Err(invalid("sample rate is 0 Hz".into()));
    }
    if excerpt.wet.is_empty() {
        return Err(invalid("the excerpt has no samples".into()));
    }
    let lengths = [excerpt.dry.len(), excerpt.wet.len(), excerpt.predicted.len()];
    if lengths.iter().any(|&l| l != lengths[0]) {
        return Err(invalid(format!(
            "dry, wet and predicted must have the same length (got {}, {} and {}); trim them to the same samples",
            lengths[0], lengths[1], lengths[2]
        )));
    }
    Ok(())
}

pub fn write(path: &Path, grid: &GridInfo, excerpt: &WaveformExcerpt) -> Result<(), ReportError> {
    validate(excerpt)?;
    render_png(path, SIZE, |root| draw(root, grid, excerpt))
}

fn draw(root: &super::canvas::Area<'_>, grid: &GridInfo, excerpt: &WaveformExcerpt) -> DrawResult {
    let title = format!("{}: {} (excerpt)", excerpt.song, excerpt.model_name);
    let body = titled(root, &title, &grid.caption())?;
    let rate = f64::from(excerpt.sample_rate);
    // Seconds into the song, so an excerpt can be found again in the WAV.
    let start = excerpt.start_sample as f64 / rate;
    let time = |i: usize| start + i as f64 / rate;
    let end = time(excerpt.wet.len().saturating_sub(1).max(1));
    let time_tick = |t: &f64| format!("{t:.3}");
    let error: Vec<f32> = excerpt.wet.iter().zip(&excerpt.predicted).map(|(w, p)| w - p).collect();

    let finite_abs = |s: &[f32]| s.iter().filter(|v| v.is_finite()).fold(0.0f32, |m, v| m.max(v.abs()));
    let peak = [&excerpt.dry, &excerpt.wet, &excerpt.predicted].iter().map(|s| finite_abs(s)).fold(0.0f32, f32::max);
    let amplitude = f64::from(peak.max(1e-6)) * 1.1;
    let error_amplitude = f64::from(finite_abs(&error).max(1e-6)) * 1.1;

    let (signals, residual) = body.split_vertically((body.dim_in_pixel().1 as f64 * 0.68) as u32);
    let mut chart = ChartBuilder::on(&signals)
        .caption("dry, wet and predicted", text(PANEL_TITLE_SIZE))
        .margin(15)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(start..end, -amplitude..amplitude)?;
    chart
        .configure_mesh()
        .light_line_style(style::GRID_LINE)
        .x_label_formatter(&time_tick)
        .y_label_formatter(&style::linear_tick(2.0 * amplitude))
        .y_desc("amplitude (full scale = 1)")
        .x_desc("time in the song (s)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .draw()?;
    for (label, samples, colour, width) in [
        ("dry (input)", &excerpt.dry, DRY, 1),
        ("wet (target)", &excerpt.wet, WET, 3),
        ("predicted", &excerpt.predicted, PREDICTED, 2),
    ] {
        let points = samples.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (time(i), f64::from(v)));
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(width)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(style::GRID_LINE)
        .label_font(text(LEGEND_SIZE))
        .draw()?;

    let mut chart = ChartBuilder::on(&residual)
        .caption("error: wet - predicted", text(PANEL_TITLE_SIZE))
        .margin(15)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(start..end, -error_amplitude..error_amplitude)?;
    chart
        .configure_mesh()
        .light_line_style(style::GRID_LINE)
        .x_label_formatter(&time_tick)
        .y_label_formatter(&style::linear_tick(2.0 * error_amplitude))
        .y_desc("wet - predicted")
        .x_desc("time in the song (s)")
        .axis_desc_style(text(AXIS_LABEL_SIZE))
        .label_style(text(TICK_SIZE))
        .draw()?;
    let points = error.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| (time(i), f64::from(v)));
    chart.draw_series(LineSeries::new(points, ERROR.stroke_width(2)))?;
    Ok(())
}
