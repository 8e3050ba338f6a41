//! A host window for the plugin's editor and a screenshot of it, over X11 (Xvfb in CI).

use std::path::Path;

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, CreateWindowAux, ImageFormat, WindowClass};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

pub struct HostWindow {
    connection: RustConnection,
    pub id: u32,
    pub width: u16,
    pub height: u16,
}

/// An RGB screenshot.
pub struct Screenshot {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl HostWindow {
    /// Opens a mapped top-level window on `$DISPLAY` to embed the editor into.
    pub fn open(width: u16, height: u16) -> Result<Self, String> {
        let (connection, screen) =
            x11rb::connect(None).map_err(|e| format!("cannot connect to X display $DISPLAY: {e}"))?;
        let root = &connection.setup().roots[screen];
        let (root_window, black) = (root.root, root.black_pixel);
        let id = connection.generate_id().map_err(|e| e.to_string())?;
        let aux = CreateWindowAux::new().background_pixel(black);
        connection
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                id,
                root_window,
                0,
                0,
                width,
                height,
                0,
                WindowClass::INPUT_OUTPUT,
                0,
                &aux,
            )
            .map_err(|e| e.to_string())?;
        connection.map_window(id).map_err(|e| e.to_string())?;
        // A round trip, not a flush: the editor reparents into this window over its own connection, and the server
        // refused that with BadWindow (seen in a clean-clone CI run) when it had not yet read our CreateWindow.
        connection.sync().map_err(|e| e.to_string())?;
        Ok(HostWindow { connection, id, width, height })
    }

    /// Reads back what is on screen inside the window, child windows (the editor) included.
    pub fn screenshot(&self) -> Result<Screenshot, String> {
        let reply = self
            .connection
            .get_image(ImageFormat::Z_PIXMAP, self.id, 0, 0, self.width, self.height, !0)
            .map_err(|e| e.to_string())?
            .reply()
            .map_err(|e| format!("GetImage failed: {e}"))?;
        let pixels = usize::from(self.width) * usize::from(self.height);
        if reply.data.len() < pixels * 4 {
            return Err(format!(
                "GetImage returned {} bytes for {pixels} pixels at depth {}",
                reply.data.len(),
                reply.depth
            ));
        }
        // 24/32-bit ZPixmap on little-endian X servers is B, G, R, pad.
        let rgb = reply.data.chunks_exact(4).take(pixels).flat_map(|p| [p[2], p[1], p[0]]).collect();
        Ok(Screenshot { width: u32::from(self.width), height: u32::from(self.height), rgb })
    }
}

impl Screenshot {
    /// Number of distinct colours: a blank or single-colour window has one or two, a drawn editor hundreds.
    pub fn distinct_colours(&self) -> usize {
        let mut colours: Vec<u32> =
            self.rgb.chunks_exact(3).map(|p| u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2])).collect();
        colours.sort_unstable();
        colours.dedup();
        colours.len()
    }

    /// Fraction of pixels that differ from the most common colour (the background).
    pub fn foreground_fraction(&self) -> f64 {
        let mut counts = std::collections::HashMap::new();
        for p in self.rgb.chunks_exact(3) {
            *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
        }
        let total = self.rgb.len() / 3;
        let background = counts.values().copied().max().unwrap_or(total);
        1.0 - background as f64 / total.max(1) as f64
    }

    pub fn save_png(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&self.rgb).map_err(|e| e.to_string())
    }
}
