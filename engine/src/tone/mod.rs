//! What follows the model before the cabinet: a DC blocker (an asymmetric clipper's output carries DC, which
//! eats headroom and thumps when switched) and a three-band tone control.

mod dc_blocker;
mod tone_stack;

pub use dc_blocker::{DC_CORNER_HZ, DcBlocker};
pub use tone_stack::{BASS_HZ, MAX_BOOST_DB, MID_HZ, TREBLE_HZ, ToneSettings, ToneStack};
