//! A figure-wide legend drawn as one centred row under the title.
//!
//! The small-multiple figures have dozens of panels sharing one set of series; one legend for the figure
//! reads better than dozens of identical ones and leaves every panel's data unobscured.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::Area;
use super::style::{LEGEND_SIZE, text};

/// How one series looks in the plots, drawn the same way in the legend.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    Dot(RGBColor),
    HollowDot(RGBColor),
    Line(RGBColor),
    Cross(RGBColor),
}

impl Mark {
    /// The mark as a drawable element centred at `at`, for both the legend and the plots.
    pub fn element<DB: DrawingBackend>(self, at: (i32, i32), size: i32) -> DynElement<'static, DB, (i32, i32)> {
        match self {
            Mark::Dot(c) => Circle::new(at, size, c.filled()).into_dyn(),
            Mark::HollowDot(c) => Circle::new(at, size, c.stroke_width(2)).into_dyn(),
            Mark::Line(c) => {
                PathElement::new(vec![(at.0 - 2 * size, at.1), (at.0 + 2 * size, at.1)], c.stroke_width(3)).into_dyn()
            }
            Mark::Cross(c) => Cross::new(at, size, c.stroke_width(2)).into_dyn(),
        }
    }
}

pub struct LegendEntry {
    pub label: String,
    pub mark: Mark,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, mark: Mark) -> Self {
        LegendEntry { label: label.into(), mark }
    }
}

/// Draws the entries in one row centred at height `y` of `area`.
pub fn draw_legend_row(area: &Area<'_>, entries: &[LegendEntry], y: i32) -> Result<(), Box<dyn std::error::Error>> {
    const MARK_SPACE: i32 = 30;
    const GAP: i32 = 28;
    let style = text(LEGEND_SIZE);
    let widths: Vec<i32> = entries
        .iter()
        .map(|e| area.estimate_text_size(&e.label, &style).map(|(w, _)| w as i32 + MARK_SPACE))
        .collect::<Result<_, _>>()?;
    let total: i32 = widths.iter().sum::<i32>() + GAP * (entries.len() as i32 - 1).max(0);
    let (width, _) = area.dim_in_pixel();
    let mut x = (width as i32 - total) / 2;
    for (entry, w) in entries.iter().zip(widths) {
        area.draw(&entry.mark.element((x + 10, y), 6))?;
        area.draw(&Text::new(entry.label.clone(), (x + MARK_SPACE, y), style.pos(Pos::new(HPos::Left, VPos::Center))))?;
        x += w + GAP;
    }
    Ok(())
}
