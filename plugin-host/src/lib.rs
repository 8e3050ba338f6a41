//! A small CLAP host, built on `clack-host`, that loads the BlackBox bundle the way a DAW does: it scans the
//! bundle's entry, instantiates the plugin, sets parameters through events and state, renders audio in blocks
//! of any size, and opens the editor. The real-host tests in `tests/` and the CPU bench use it.

pub mod bundle;
pub mod clap_host;
pub mod fixture;
pub mod reference;
pub mod render;
pub mod signal;
pub mod vstpreset;
pub mod window;

pub use clap_host::{HostError, LoadedPlugin, ParamDescription};
