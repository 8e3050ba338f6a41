//! The editor opens inside a host window and draws itself: the screenshot is checked for content, and saved as
//! `<target>/test-output/editor/editor.png` for a person to look at.
//!
//! Needs an X server: CI runs it under Xvfb (`xvfb-run -a cargo test ...`). With no `$DISPLAY`, the test starts
//! `Xvfb` itself.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use blackbox_plugin_host::render::{Blocks, render};
use blackbox_plugin_host::signal::guitar_like;
use blackbox_plugin_host::window::HostWindow;
use clack_extensions::gui::{GuiApiType, GuiConfiguration, Window};
use common::*;

struct Xvfb(Option<Child>);

impl Drop for Xvfb {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn ensure_display() -> Xvfb {
    if std::env::var_os("DISPLAY").is_some() {
        return Xvfb(None);
    }
    // `-displayfd` lets Xvfb take a free display and print its number once it accepts connections: a fixed
    // number can meet a stale lock file or another server, and a fixed wait can be too short on a loaded machine.
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("no $DISPLAY and cannot start Xvfb ({e}); install it: apt-get install xvfb"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let number = line.trim();
    assert!(!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()), "Xvfb did not start: {line:?}");
    // SAFETY: this test binary holds a single test, and no other thread reads the environment while it is set.
    unsafe { std::env::set_var("DISPLAY", format!(":{number}")) };
    Xvfb(Some(child))
}

#[test]
fn the_editor_draws_its_controls_and_model_facts_in_a_host_window() {
    let _main_thread = one_host_at_a_time();
    let _xvfb = ensure_display();
    let dir = output_dir("editor");
    let (path, _) = model(&dir, "user.bbx", TEST_HIDDEN, 21);
    let mut plugin = playing_user_model(&path, 48_000.0, 512);
    plugin.set_param("Gate", 1.0).unwrap();
    // Some audio, so the meters and the gate light have something to show.
    render(&mut plugin, &guitar_like(48_000.0, 0.5, 1), &Blocks::Fixed(512), &[]).unwrap();

    let gui = plugin.gui_ext().unwrap();
    let window = {
        let handle = plugin.main_thread_handle();
        let config = GuiConfiguration { api_type: GuiApiType::X11, is_floating: false };
        assert!(gui.is_api_supported(&handle, config), "the editor does not support embedding in X11");
        gui.create(&handle, config).unwrap();
        let size = gui.get_size(&handle).expect("the editor reports its size");
        assert!(size.width >= 400 && size.height >= 300, "editor size {size:?}");
        // The host window takes the size the editor asks for, as a DAW's plugin window does.
        let window = HostWindow::open(size.width as u16, size.height as u16).unwrap_or_else(|e| panic!("{e}"));
        // SAFETY: the window outlives the GUI, which is destroyed below before the window is dropped.
        unsafe { gui.set_parent(&handle, Window::from_x11_handle(window.id.into())) }.unwrap();
        gui.show(&handle).unwrap();
        window
    };
    // Rendering is asynchronous (the editor has its own event loop thread); give it a few frames, keep audio
    // flowing so the meters move.
    let mut shot = None;
    for _ in 0..20 {
        render(&mut plugin, &guitar_like(48_000.0, 0.1, 2), &Blocks::Fixed(512), &[]).unwrap();
        sleep(Duration::from_millis(250));
        let s = window.screenshot().unwrap();
        if s.distinct_colours() > 50 {
            shot = Some(s);
            break;
        }
    }
    {
        let handle = plugin.main_thread_handle();
        gui.destroy(&handle);
    }
    let shot = shot.unwrap_or_else(|| window.screenshot().unwrap());
    let png = dir.join("editor.png");
    shot.save_png(&png).unwrap();
    let (colours, foreground) = (shot.distinct_colours(), shot.foreground_fraction());
    println!("editor screenshot {}: {colours} colours, {:.1} % foreground", png.display(), foreground * 100.0);
    assert!(colours > 50, "screenshot has {colours} colours: the editor did not draw (see {})", png.display());
    assert!(
        foreground > 0.02,
        "screenshot is {:.1} % foreground: nearly blank (see {})",
        foreground * 100.0,
        png.display()
    );
}
