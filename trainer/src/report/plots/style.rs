//! The look shared by every figure: palette, text sizes, the log ESR axis.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{Area, DrawResult};
use super::font::FAMILY;
use crate::report::format::percent_value;
use crate::report::inputs::EsrMode;

/// Tableau 10: distinguishable for the common colour-vision deficiencies and in greyscale print.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub fn series_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

pub fn mode_colour(mode: EsrMode) -> RGBColor {
    match mode {
        EsrMode::Windowed => PALETTE[0],
        EsrMode::Study => PALETTE[1],
        EsrMode::Streaming => PALETTE[2],
    }
}

pub const GRID_LINE: RGBColor = RGBColor(225, 225, 225);
pub const MISSING: RGBColor = RGBColor(150, 150, 150);

pub const TITLE_SIZE: u32 = 30;
pub const SUBTITLE_SIZE: u32 = 20;
pub const PANEL_TITLE_SIZE: u32 = 20;
pub const AXIS_LABEL_SIZE: u32 = 18;
pub const TICK_SIZE: u32 = 15;
pub const LEGEND_SIZE: u32 = 16;

pub fn text(size: u32) -> TextStyle<'static> {
    TextStyle::from((FAMILY, f64::from(size)).into_font())
}

/// A log-axis range covering every finite positive value, widened to whole decades so that plotters' log axis
/// (which places ticks at powers of ten and their multiples) always has labelled ticks inside it.
pub fn decade_range(values: impl IntoIterator<Item = f64>) -> Range<f64> {
    let (mut low, mut high) = (f64::INFINITY, 0.0f64);
    for v in values.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
        low = low.min(v);
        high = high.max(v);
    }
    if high <= 0.0 {
        // Nothing measured yet: the study's whole span, 1 % to 100 %.
        return 0.01..1.0;
    }
    let floor = 10f64.powf(low.log10().floor());
    let mut ceiling = 10f64.powf(high.log10().ceil());
    if ceiling <= floor {
        ceiling = floor * 10.0;
    }
    floor..ceiling
}

/// A tick label on an ESR axis whose values are fractions: "2%", "0.5%", "150%".
pub fn percent_tick(value: &f64) -> String {
    let pct = value * 100.0;
    // Ticks sit on round numbers; trim the zeros the fixed-precision formatter leaves.
    let text = percent_value(pct);
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    format!("{text}%")
}

/// The label of the slot under an integer x position (models, cells, levels sit at 0, 1, 2, ...); blank
/// between slots, where plotters may also ask for a tick.
pub fn slot_label(x: f64, labels: &[String]) -> String {
    let index = x.round();
    if (x - index).abs() > 1e-6 || index < 0.0 {
        return String::new();
    }
    labels.get(index as usize).cloned().unwrap_or_default()
}

/// The figure's title and the provenance caption; returns the area left for the plots.
pub fn titled<'a>(root: &Area<'a>, title: &str, caption: &str) -> Result<Area<'a>, Box<dyn std::error::Error>> {
    let (width, _) = root.dim_in_pixel();
    let centre = width as i32 / 2;
    root.draw(&Text::new(title.to_string(), (centre, 12), text(TITLE_SIZE).pos(Pos::new(HPos::Center, VPos::Top))))?;
    root.draw(&Text::new(
        caption.to_string(),
        (centre, 52),
        text(SUBTITLE_SIZE).color(&RGBColor(80, 80, 80)).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(root.margin(84, 0, 0, 0))
}

/// A figure drawn before any model finished: the title and a line saying so, never an empty axis.
pub fn placeholder(root: &Area<'_>, title: &str, caption: &str, message: &str) -> DrawResult {
    let body = titled(root, title, caption)?;
    let (width, height) = body.dim_in_pixel();
    body.draw(&Text::new(
        message.to_string(),
        (width as i32 / 2, height as i32 / 2),
        text(TITLE_SIZE).pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_range_spans_whole_decades_around_every_value() {
        let close = |range: Range<f64>, start: f64, end: f64| {
            assert!((range.start / start - 1.0).abs() < 1e-9 && (range.end / end - 1.0).abs() < 1e-9, "{range:?}");
        };
        close(decade_range([0.012, 0.048]), 0.01, 0.1);
        close(decade_range([0.004, 8.82, f64::NAN, 0.0, -1.0]), 0.001, 10.0);
        close(decade_range([0.1]), 0.1, 1.0);
        close(decade_range(std::iter::empty()), 0.01, 1.0);
    }

    #[test]
    fn percent_ticks_read_as_round_percentages() {
        assert_eq!(percent_tick(&0.02), "2%");
        assert_eq!(percent_tick(&0.005), "0.5%");
        assert_eq!(percent_tick(&1.5), "150%");
    }
}
