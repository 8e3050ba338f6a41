//! What the standalone app may ask of the plugin that a host never does: to run without its editor, for a
//! headless rig (a board in a pedal, a server, a test) where no display exists and the window cannot open.

use std::sync::atomic::{AtomicBool, Ordering};

static HEADLESS: AtomicBool = AtomicBool::new(false);

/// The flag the standalone app takes for it (removed before nice-plug reads the rest of its command line).
pub const NO_GUI_FLAG: &str = "--no-gui";

/// From now on the plugin offers no editor. Only the standalone app calls this, before the plugin is made.
pub fn run_headless() {
    HEADLESS.store(true, Ordering::Relaxed);
}

pub fn headless() -> bool {
    HEADLESS.load(Ordering::Relaxed)
}

/// The command line without [`NO_GUI_FLAG`], and whether it was there.
pub fn take_no_gui_flag(args: impl IntoIterator<Item = String>) -> (Vec<String>, bool) {
    let (flags, rest): (Vec<String>, Vec<String>) = args.into_iter().partition(|a| a == NO_GUI_FLAG);
    (rest, !flags.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_gui_flag_is_taken_out_wherever_it_stands() {
        let args = ["blackbox", "--backend", "jack", "--no-gui", "-p", "256"].map(String::from);
        let (rest, no_gui) = take_no_gui_flag(args);
        assert!(no_gui);
        assert_eq!(rest, ["blackbox", "--backend", "jack", "-p", "256"]);
        assert!(!take_no_gui_flag(["blackbox".to_owned()]).1);
    }
}
