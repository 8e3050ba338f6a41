//! Shaded blocks behind the models of each gain, so a 36-model axis reads as the study's three 12-model runs.

use std::ops::Range;

use blackbox_engine::model::Gain;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{LEGEND_SIZE, text};

const BAND_FILLS: [RGBColor; 2] = [RGBColor(244, 244, 250), RGBColor(255, 255, 255)];

/// `gains[i]` is the gain of the model drawn at x = i; consecutive equal gains form one band.
pub fn draw_gain_bands<Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, BitMapBackend<'_>, Cartesian2d<RangedCoordf64, Y>>,
    gains: &[Gain],
    y: Range<f64>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut start = 0usize;
    let mut band = 0usize;
    while start < gains.len() {
        let gain = gains[start];
        let end = gains[start..].iter().position(|g| *g != gain).map_or(gains.len(), |p| start + p);
        let (left, right) = (start as f64 - 0.5, end as f64 - 0.5);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(left, y.start), (right, y.end)],
            BAND_FILLS[band % 2].filled(),
        )))?;
        let label_at = ((left + right) / 2.0, y.end);
        chart.draw_series(std::iter::once(Text::new(
            format!("{} gain", gain.name()),
            label_at,
            text(LEGEND_SIZE).color(&RGBColor(70, 70, 90)).pos(Pos::new(HPos::Center, VPos::Top)),
        )))?;
        band += 1;
        start = end;
    }
    Ok(())
}
