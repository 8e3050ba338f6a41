//! The one font every figure uses, compiled in.
//!
//! plotters' default text path (`ttf`) finds system fonts through font-kit and fontconfig, so a CI runner or a
//! user without fonts installed would get no text or a failed build. The `ab_glyph` path draws with a font
//! registered from bytes instead: DejaVu Sans 2.37 from Debian's fonts-dejavu-core (Bitstream Vera licence, in
//! trainer/assets/fonts/), 742 KiB in the trainer binary, no system dependency.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::report::error::ReportError;

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The family name every text style in the plots asks for; plotters' own default labels ask for it too.
pub const FAMILY: &str = "sans-serif";

/// Registers the font once per process; cheap to call before every figure.
pub fn ensure_registered() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(ReportError::Font) }
}
