//! Drawing a figure into memory and saving it as a PNG.
//!
//! plotters draws into an RGB buffer; the png crate encodes it and the file is renamed into place, so a report
//! being rewritten mid-grid is never seen half drawn.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::font;
use crate::report::error::ReportError;
use crate::report::output::write_atomically;

pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// What a figure's drawing code returns: plotters' errors are generic over the backend, so they are boxed and
/// turned into a [`ReportError::Plot`] naming the file.
pub type DrawResult = Result<(), Box<dyn std::error::Error>>;

pub fn render_png(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> Result<(), ReportError> {
    font::ensure_registered()?;
    let plot_error = |reason: String| ReportError::Plot { path: path.to_path_buf(), reason };
    let (width, height) = size;
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot_error(e.to_string()))?;
        draw(&root).map_err(|e| plot_error(e.to_string()))?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    let png = encode_rgb(&pixels, width, height).map_err(|e| plot_error(format!("PNG encoding failed: {e}")))?;
    write_atomically(path, &png)
}

fn encode_rgb(pixels: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(bytes)
}
