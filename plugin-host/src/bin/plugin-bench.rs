//! CPU cost of the plugin in a real host: renders 60 s at 48 kHz through a hidden-96 model in 128-sample blocks
//! and prints `plugin hidden=96 rate=48000 cpu_percent=<x>` (percent of one core; the target is below 5), then
//! the same for a standard NAM WaveNet capture (`plugin model=nam-wavenet-standard rate=48000 cpu_percent=<x>`),
//! from ../shared/models or `--nam FILE`.
//!
//! Measure the release bundle: `cargo xtask bundle blackbox-plugin --release`, then
//! `cargo run -p blackbox-plugin-host --release --bin plugin-bench [-- --bundle PATH --seconds S --block N]`.

use std::path::PathBuf;
use std::time::Instant;

use blackbox_plugin_host::LoadedPlugin;
use blackbox_plugin_host::bundle::clap_bundle;
use blackbox_plugin_host::fixture::write_stand_in_model;
use blackbox_plugin_host::signal::guitar_like;

const HIDDEN: usize = 96;
const RATE: u32 = 48_000;

fn main() {
    if let Err(e) = run() {
        eprintln!("plugin-bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut bundle = None;
    let mut seconds = 60.0;
    let mut block = 128usize;
    let mut nam = Some(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/models/nam/NeuralAmpModelerPlugin__REAPER_model_Obsidian.nam"
    )));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--bundle" => bundle = Some(PathBuf::from(value()?)),
            "--seconds" => seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--block" => block = value()?.parse().map_err(|e| format!("--block: {e}"))?,
            "--nam" => nam = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}; use --bundle PATH, --seconds S, --block N, --nam FILE")),
        }
    }
    let bundle = match bundle {
        Some(path) => path,
        None => clap_bundle()?,
    };
    let model = std::env::temp_dir().join(format!("blackbox-bench-{}.bbx", std::process::id()));
    write_stand_in_model(&model, HIDDEN, 96).map_err(|e| e.to_string())?;
    let lstm = measure(&bundle, &model, seconds, block);
    let _ = std::fs::remove_file(&model);
    let (cpu_percent, wall_percent) = lstm?;
    println!(
        "bundle {} · {seconds} s of audio in {block}-sample blocks, gate on, resampled 48k <-> 44.1k",
        bundle.display()
    );
    println!(
        "wall-clock time inside process(): {wall_percent:.2} % of real time (includes time the thread waited for a core)"
    );
    println!("plugin hidden={HIDDEN} rate={RATE} cpu_percent={cpu_percent:.2}");
    match nam.filter(|p| p.exists()) {
        Some(nam) => {
            let (cpu, wall) = measure(&bundle, &nam, seconds, block)?;
            println!("{} (a standard WaveNet, 48 kHz: no resampling): wall-clock {wall:.2} %", nam.display());
            println!("plugin model=nam-wavenet-standard rate={RATE} cpu_percent={cpu:.2}");
            println!("WaveNet / LSTM: {:.1}x the CPU", cpu / cpu_percent);
        }
        None => println!("no standard WaveNet .nam found: pass --nam FILE for the WaveNet line"),
    }
    Ok(())
}

/// (CPU %, wall-clock %) of one core inside process() while `model` plays as the user model.
fn measure(bundle: &std::path::Path, model: &std::path::Path, seconds: f64, block: usize) -> Result<(f64, f64), String> {
    let mut plugin = LoadedPlugin::load(bundle).map_err(|e| e.to_string())?;
    plugin.set_param("Effect", 2.0).map_err(|e| e.to_string())?;
    plugin
        .set_persisted_field("user-model", &serde_json::json!(model.display().to_string()))
        .map_err(|e| e.to_string())?;
    plugin.activate(f64::from(RATE), block as u32).map_err(|e| e.to_string())?;

    let input = guitar_like(f64::from(RATE), 4.0, 1);
    let total = (seconds * f64::from(RATE)) as usize;
    let (mut scratch, mut output) = (vec![0.0f32; block], vec![0.0f32; block]);
    let mut busy = std::time::Duration::ZERO;
    let mut busy_cpu = 0.0f64;
    let mut done = 0;
    while done < total {
        let n = block.min(total - done);
        for (i, s) in scratch[..n].iter_mut().enumerate() {
            *s = input[(done + i) % input.len()];
        }
        let (start, start_cpu) = (Instant::now(), thread_cpu_seconds());
        plugin.process(&mut scratch[..n], &mut output[..n]).map_err(|e| e.to_string())?;
        busy += start.elapsed();
        busy_cpu += thread_cpu_seconds() - start_cpu;
        done += n;
    }
    // CPU time of this thread inside process(): what the plugin costs one core, whatever else the machine runs.
    Ok((100.0 * busy_cpu / seconds, 100.0 * busy.as_secs_f64() / seconds))
}

fn thread_cpu_seconds() -> f64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer; CLOCK_THREAD_CPUTIME_ID always exists on
    // Linux and macOS.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}
