//! Real-time factor of the streaming LSTM: 10 s of 44.1 kHz guitar-like audio through hidden 64 and hidden 96 on
//! one thread, with Keras-like random weights. Prints `lstm hidden=<H> realtime_factor=<x>` first (best of three
//! runs, so a neighbour's compile job costs less of the figure), then details per kernel. On a shared machine the
//! wall-clock figure also counts time the thread waited for a core; the detail lines add `cpu_realtime_factor`,
//! audio seconds per second the thread actually ran (Linux `/proc/thread-self/schedstat`), and `on_cpu`, the
//! share of wall time it ran.
//!
//! `cargo run --release -p blackbox-engine --example bench`

use std::hint::black_box;
use std::time::Instant;

use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::simd::Kernel;
use blackbox_engine::model::LstmWeights;
use blackbox_engine::rng::SeededRng;
use blackbox_engine::windowed::predict_windows;

const RATE: usize = 44_100;
const SECONDS: usize = 10;
const RUNS: usize = 3;

fn main() {
    let audio = guitar_like(RATE * SECONDS);
    let mut details = Vec::new();
    for hidden in [64, 96] {
        let weights = keras_like_weights(hidden);
        let (best, _) = realtime_factor(&mut StreamingLstm::new(&weights), &audio);
        println!("lstm hidden={hidden} realtime_factor={:.1}", best.wall);
        details.push((hidden, weights));
    }
    println!("kernel={}", Kernel::best().name());
    for (hidden, weights) in &details {
        for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
            let Some(mut lstm) = StreamingLstm::with_kernel(weights, kernel) else { continue };
            let (best, runs) = realtime_factor(&mut lstm, &audio);
            let cpu = best.cpu.map_or("n/a".to_string(), |c| format!("{c:.1}"));
            let on_cpu = best.cpu.map_or("n/a".to_string(), |c| format!("{:.0}%", 100.0 * best.wall / c));
            println!(
                "lstm hidden={hidden} kernel={} realtime_factor={:.1} cpu_realtime_factor={cpu} on_cpu={on_cpu} \
                 ns_per_sample={:.0} runs={}",
                kernel.name(),
                best.wall,
                1e9 / (best.wall * RATE as f64),
                runs.iter().map(|r| format!("{:.1}", r.wall)).collect::<Vec<_>>().join("/")
            );
        }
    }
    for (hidden, weights) in &details {
        for threads in [1, 2] {
            let (rate, cpu_rate) = windowed_throughput(weights, 44, &audio, threads);
            let cpu_rate = cpu_rate.map_or("n/a".to_string(), |r| format!("{r:.0}"));
            println!(
                "windowed hidden={hidden} ctx=44 threads={threads} windows_per_s={rate:.0} \
                 windows_per_cpu_s={cpu_rate}"
            );
        }
    }
}

#[derive(Clone, Copy)]
struct Factor {
    /// Audio seconds per wall-clock second.
    wall: f64,
    /// Audio seconds per second on a core, where the OS reports it.
    cpu: Option<f64>,
}

/// The windowed evaluator's throughput on one second of audio (44,100 windows of `ctx` steps each): windows per
/// wall-clock second and per second of process CPU time (all threads; 10 ms resolution).
fn windowed_throughput(weights: &LstmWeights, ctx: usize, audio: &[f32], threads: usize) -> (f64, Option<f64>) {
    let dry = &audio[..RATE + ctx - 1];
    let cpu_start = process_cpu_seconds();
    let start = Instant::now();
    let predictions = predict_windows(weights, ctx, black_box(dry), &[], threads);
    let seconds = start.elapsed().as_secs_f64();
    black_box(&predictions);
    let windows = predictions.len() as f64;
    let cpu = cpu_start.zip(process_cpu_seconds()).map(|(a, b)| windows / (b - a));
    (windows / seconds, cpu)
}

/// User plus system time of the whole process (fields 14 and 15 of `/proc/self/stat`, in 1/100 s on Linux).
fn process_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name in field 2 may hold spaces; fields after its closing parenthesis are plain.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The run with the best wall-clock factor and all runs, over `RUNS` passes from a reset state after one
/// warm-up second.
fn realtime_factor(lstm: &mut StreamingLstm, audio: &[f32]) -> (Factor, Vec<Factor>) {
    let mut out = vec![0.0f32; audio.len()];
    lstm.process_block(&audio[..RATE], &mut out[..RATE]);
    let audio_seconds = audio.len() as f64 / RATE as f64;
    let runs: Vec<Factor> = (0..RUNS)
        .map(|_| {
            lstm.reset();
            let cpu_start = thread_cpu_seconds();
            let start = Instant::now();
            lstm.process_block(black_box(audio), &mut out);
            black_box(&out);
            let wall = audio_seconds / start.elapsed().as_secs_f64();
            let cpu = cpu_start.zip(thread_cpu_seconds()).map(|(a, b)| audio_seconds / (b - a));
            Factor { wall, cpu }
        })
        .collect();
    let best = runs.iter().copied().fold(runs[0], |a, b| if b.wall > a.wall { b } else { a });
    (best, runs)
}

/// Seconds this thread has run on a core (first field of schedstat, in nanoseconds); `None` off Linux.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(text.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}

/// Glorot-uniform kernels, recurrent entries of variance 1/H (as an orthogonal init), unit forget bias.
fn keras_like_weights(hidden: usize) -> LstmWeights {
    let mut rng = SeededRng::new(hidden as u64);
    let mut w = LstmWeights::zeros(1, hidden);
    let cols = 4 * hidden;
    let glorot = (6.0 / (1 + cols) as f64).sqrt();
    w.kernel.iter_mut().for_each(|v| *v = rng.symmetric(glorot));
    let recurrent = (3.0 / hidden as f64).sqrt();
    w.recurrent_kernel.iter_mut().for_each(|v| *v = rng.symmetric(recurrent));
    w.bias[hidden..2 * hidden].fill(1.0);
    let dense = (6.0 / (hidden + 1) as f64).sqrt();
    w.dense_kernel.iter_mut().for_each(|v| *v = rng.symmetric(dense));
    w
}

/// Plucked notes with five decaying harmonics, re-struck every quarter second, plus a little noise.
fn guitar_like(len: usize) -> Vec<f32> {
    let mut rng = SeededRng::new(7);
    let note = RATE / 4;
    let (mut freq, mut amp) = (110.0, 0.5);
    (0..len)
        .map(|n| {
            if n % note == 0 {
                freq = 82.4 * 2f64.powf(((rng.symmetric(1.0) + 1.0) * 12.0).floor() as f64 / 12.0);
                amp = 0.3 + 0.3 * (rng.symmetric(1.0) as f64 + 1.0);
            }
            let t = (n % note) as f64 / RATE as f64;
            let tone: f64 = (1..=5).map(|k| (2.0 * std::f64::consts::PI * freq * k as f64 * t).sin() / k as f64).sum();
            (amp * (-6.0 * t).exp() * tone * 0.6 + rng.symmetric(0.002) as f64) as f32
        })
        .collect()
}
