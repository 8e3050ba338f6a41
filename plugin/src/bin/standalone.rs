//! BlackBox without a DAW: nice-plug's standalone wrapper around the same plugin, on JACK (`--backend jack`) or
//! ALSA (`--backend alsa --input-device ... --output-device ... --sample-rate 48000 --period-size 256`), with
//! the editor in a window, or none with `--no-gui`. `blackbox --help` lists nice-plug's options.

use blackbox_plugin::standalone::{run_headless, take_no_gui_flag};
use nice_plug::prelude::nice_export_standalone_with_args;

fn main() {
    let (args, no_gui) = take_no_gui_flag(std::env::args());
    if no_gui {
        run_headless();
    }
    // The wrapper returns false when the backend or the plugin failed; say so to the shell too.
    if !nice_export_standalone_with_args::<blackbox_plugin::BlackBox, _>(args) {
        std::process::exit(1);
    }
}
