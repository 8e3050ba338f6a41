//! The standalone app on a real JACK server (jackd2's dummy backend: JACK's own clock, no sound card): it
//! starts, plays what JACK's metronome sends it through the model, and quits cleanly on Ctrl-C. Needs jackd2's
//! programs (scripts/install-deps.sh installs them) and the bundle (`cargo xtask bundle blackbox-plugin`).

mod common;

use std::path::{Path, PathBuf};

use blackbox_plugin_host::bundle::bundle_dir;
use blackbox_plugin_host::signal::read_wav;
use common::output_dir;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// JACK keeps a registry of running servers in shared memory with room for eight. A server that is killed leaves its
/// entry behind, and jackd reclaims a dead entry only for a server of the same name: so the test's server has one
/// fixed name, and every process it starts is asked to end with SIGTERM before it is killed.
const SERVER: &str = "blackbox-test";
const REGISTRY: &str = "/dev/shm/jack-shm-registry";

/// A child process ended when the test ends, however it ends: SIGTERM first (jackd then leaves the registry), SIGKILL
/// if it lingers.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
            if wait_with_timeout(&mut self.0, Duration::from_secs(5)).is_none() {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }
}

fn standalone_app() -> PathBuf {
    let app = bundle_dir().join("blackbox");
    assert!(app.is_file(), "{} is missing: run `cargo xtask bundle blackbox-plugin` first", app.display());
    app
}

fn jack_command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.env("JACK_DEFAULT_SERVER", SERVER).env("JACK_NO_START_SERVER", "1");
    command
}

fn spawn(mut command: Command, log: &Path) -> Running {
    let log = std::fs::File::create(log).unwrap();
    let child = command.stdout(log.try_clone().unwrap()).stderr(log).spawn();
    Running(child.unwrap_or_else(|e| panic!("cannot start {command:?}: {e} (is jackd2 installed?)")))
}

fn port_listed(port: &str) -> bool {
    let listing = jack_command("jack_lsp").output();
    listing.is_ok_and(|out| String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == port))
}

/// Waits until the server lists `port`, which `process` (writing to `log`) should open. Returns what went wrong
/// instead: the process ended, or 20 s passed.
fn wait_for_port(port: &str, process: &mut Running, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if port_listed(port) {
            return Ok(());
        }
        if let Some(status) = process.0.try_wait().unwrap() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("it ended ({status}) before JACK listed {port}:\n{log}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(log).unwrap_or_default();
    Err(format!("JACK did not list {port} within 20 s:\n{log}"))
}

/// A client's ports are listed as soon as it registers them, but JACK refuses to connect them until the client has
/// activated ("Cannot connect ports owned by inactive clients" in jackd's log), so the connection is retried until
/// it is made.
fn connect(from: &str, to: &str, jackd_log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let mut command = jack_command("jack_connect");
        let connected = command.args([from, to]).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if connected.unwrap_or_else(|e| panic!("cannot run jack_connect: {e}")).success() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = std::fs::read_to_string(jackd_log).unwrap_or_default();
    panic!("JACK did not connect {from} to {to} within 20 s; jackd's log:\n{log}");
}

fn no_jack_server_runs() -> bool {
    Command::new("pgrep").args(["-x", "jackd"]).status().is_ok_and(|s| s.code() == Some(1))
}

/// jackd's dummy backend (JACK's own clock, no sound card). A registry full of entries left by killed servers (of
/// other names: an older build of this test named its server by process id) stops any new server; with no jackd
/// running every entry is stale, so the registry is removed, as a reboot would, and the server started again.
fn start_jackd(dir: &Path) -> Running {
    let log = dir.join("jackd.log");
    let start = || {
        // A client timeout of 10 s: on a loaded machine a slow client's request timed out at jackd's default, the
        // client and the server fell out of step and the app hung on its way out (with two extra busy loops on the
        // two cores: 3 of 12 runs at the default, 1 of 36 at 10 s).
        let mut jackd = jack_command("jackd");
        jackd.args(["--no-realtime", "-t", "10000", "-n", SERVER, "-d", "dummy", "-r", "48000", "-p", "256"]);
        let mut running = spawn(jackd, &log);
        let started = wait_for_port("system:playback_1", &mut running, &log);
        (running, started)
    };
    let (running, started) = start();
    let Err(why) = started else { return running };
    if !(why.contains("Too many servers already active") && no_jack_server_runs()) {
        panic!("jackd did not start: {why}");
    }
    drop(running);
    eprintln!("JACK's server registry holds only stale entries (no jackd runs): removing {REGISTRY}");
    std::fs::remove_file(REGISTRY).unwrap_or_else(|e| panic!("cannot remove {REGISTRY}: {e}"));
    let (running, started) = start();
    started.unwrap_or_else(|why| panic!("jackd did not start after the stale registry was removed: {why}"));
    running
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

#[test]
fn the_standalone_app_plays_through_jack_and_quits_cleanly_on_ctrl_c() {
    let app = standalone_app();
    let dir = output_dir("standalone");
    let _jackd = start_jackd(&dir);

    let mut blackbox = jack_command(app.to_str().unwrap());
    blackbox.args(["--backend", "jack", "--no-gui"]);
    let app_log = dir.join("blackbox.log");
    let mut blackbox = spawn(blackbox, &app_log);
    wait_for_port("blackbox:input_1", &mut blackbox, &app_log).unwrap_or_else(|why| panic!("the app: {why}"));

    // Ten 880 Hz clicks a second at half scale: the gate opens on them and the model shapes them.
    let mut metro = jack_command("jack_metro");
    metro.args(["-b", "600", "-f", "440", "-A", "0.5", "-D", "40", "-n", "metro"]);
    let metro_log = dir.join("metro.log");
    let mut metro = spawn(metro, &metro_log);
    wait_for_port("metro:600_bpm", &mut metro, &metro_log).unwrap_or_else(|why| panic!("jack_metro: {why}"));
    connect("metro:600_bpm", "blackbox:input_1", &dir.join("jackd.log"));

    let recording = dir.join("recorded.wav");
    let mut rec = jack_command("jack_rec");
    rec.arg("-f").arg(&recording).args(["-d", "3", "blackbox:output_1", "metro:600_bpm"]);
    let rec_status = rec.stdout(Stdio::null()).stderr(Stdio::null()).status().unwrap();
    assert!(rec_status.success(), "jack_rec failed");

    // Ctrl-C: nice-plug's handler ends the audio thread and deactivates the plugin; the app exits with 0.
    let pid = blackbox.0.id() as i32;
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = wait_with_timeout(&mut blackbox.0, Duration::from_secs(10));
    let log = std::fs::read_to_string(&app_log).unwrap_or_default();
    assert!(status.is_some_and(|s| s.success()), "after Ctrl-C the app ended with {status:?}:\n{log}");

    let (samples, spec) = read_wav(&recording).unwrap();
    assert_eq!((spec.channels, spec.sample_rate), (2, 48_000));
    let output: Vec<f32> = samples.iter().step_by(2).copied().collect();
    let input: Vec<f32> = samples.iter().skip(1).step_by(2).copied().collect();
    let difference: Vec<f32> = output.iter().zip(&input).map(|(y, x)| y - x).collect();
    let (input_rms, output_rms, difference_rms) = (rms(&input), rms(&output), rms(&difference));
    println!(
        "standalone on JACK: {} frames recorded, input RMS {input_rms:.4}, output RMS {output_rms:.4}, output minus \
         input RMS {difference_rms:.4}",
        output.len()
    );
    assert!(output.len() >= 2 * 48_000, "only {} frames recorded", output.len());
    assert!(input_rms > 0.01, "the metronome did not play ({input_rms})");
    assert!(output_rms > 0.001, "the app was silent ({output_rms}):\n{log}");
    assert!(difference_rms > 0.1 * input_rms, "the app passed its input through unchanged");
}
