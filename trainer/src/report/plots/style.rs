//! The look shared by every figure: palette, text sizes, the log ESR axis.

use std::ops::Range;

use plotters::coord::combinators::{BindKeyPoints, WithKeyPoints};
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

/// A log ESR axis over a [`decade_range`] with labelled ticks at 1-2-5 steps (or fewer when the range spans
/// many decades). plotters' own log ticks label only powers of ten, which leaves a 1-5 % grid with a single
/// label; ESRs are read at 1-2-5 resolution.
pub type EsrAxis = WithKeyPoints<LogCoord<f64>>;

pub fn esr_axis(range: Range<f64>) -> EsrAxis {
    let (labelled, light) = log_ticks(&range);
    range.log_scale().with_key_points(labelled).with_light_points(light)
}

fn log_ticks(range: &Range<f64>) -> (Vec<f64>, Vec<f64>) {
    let first = range.start.log10().round() as i32;
    let decades = ((range.end / range.start).log10().round() as i32).max(1);
    let labelled_steps: &[f64] = match decades {
        1..=2 => &[1.0, 2.0, 5.0],
        3..=4 => &[1.0, 3.0],
        _ => &[1.0],
    };
    let (mut labelled, mut light) = (Vec::new(), Vec::new());
    for exponent in first..=first + decades {
        let decade = 10f64.powi(exponent);
        for step in 1..=9 {
            let value = decade * f64::from(step);
            if value > range.end * (1.0 + 1e-9) {
                break;
            }
            if labelled_steps.contains(&f64::from(step)) { labelled.push(value) } else { light.push(value) }
        }
    }
    (labelled, light)
}

/// Tick labels for a linear axis spanning `span`, with as many decimals as its ticks need and no "-0.0".
pub fn linear_tick(span: f64) -> impl Fn(&f64) -> String {
    let step = (span / 5.0).abs().max(1e-12);
    let decimals = (-step.log10()).ceil().clamp(0.0, 6.0) as usize;
    move |value: &f64| {
        let text = format!("{value:.decimals$}");
        if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
            text.trim_start_matches('-').to_string()
        } else {
            text
        }
    }
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
    fn esr_axes_label_one_two_five_within_a_couple_of_decades() {
        let (labelled, light) = log_ticks(&(0.01..0.1));
        let percents: Vec<String> = labelled.iter().map(percent_tick).collect();
        assert_eq!(percents, ["1%", "2%", "5%", "10%"]);
        assert_eq!(light.len(), 6, "3, 4, 6, 7, 8, 9 %");
        let (labelled, _) = log_ticks(&(0.001..100.0));
        assert_eq!(
            labelled.iter().map(percent_tick).collect::<Vec<_>>(),
            ["0.1%", "1%", "10%", "100%", "1000%", "10000%"]
        );
    }

    #[test]
    fn linear_ticks_use_the_decimals_their_step_needs() {
        assert_eq!(linear_tick(1.2)(&0.4), "0.4");
        assert_eq!(linear_tick(0.06)(&-0.02), "-0.02");
        assert_eq!(linear_tick(0.06)(&-0.000_000_1), "0.00");
        assert_eq!(linear_tick(900.0)(&300.0), "300");
    }

    #[test]
    fn percent_ticks_read_as_round_percentages() {
        assert_eq!(percent_tick(&0.02), "2%");
        assert_eq!(percent_tick(&0.005), "0.5%");
        assert_eq!(percent_tick(&1.5), "150%");
    }
}
