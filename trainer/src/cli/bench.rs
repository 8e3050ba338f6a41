//! `trainer bench`: one seed epoch of the study's regressor on one thread, timed, for both extreme grid cells.
//!
//! The work is the study's: 74,862 training windows (stride-ctx windows of ~3.1 min of audio per gain), batch
//! 64, ESR loss, Adam (lr 1e-3, betas 0.9/0.999, epsilon 1e-7 as Keras), then validation of 20,000 windows.
//! The audio is synthetic but guitar-like (decaying plucked harmonics through a soft clipper), so timings do
//! not depend on a data folder. Burn's flex backend and the fused kernel each use one thread.

use std::time::Instant;

use anyhow::Context;
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};

use blackbox_engine::rng::SeededRng;
use crate::model::{StockLstmRegressor, StudyLstmConfig};
use crate::training::training_device;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Also time stock `burn::nn::Lstm` (slow: about 80 s per epoch at ctx 88 / hidden 96).
    #[arg(long)]
    pub stock: bool,
    /// Training windows per epoch (the study keeps 74,862 for every ctx).
    #[arg(long, default_value_t = 74_862)]
    pub train_windows: usize,
    /// Validation windows per epoch.
    #[arg(long, default_value_t = 20_000)]
    pub valid_windows: usize,
    /// Windows per batch.
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// Time the fused kernel alone (forward and backward of one batch, no burn), to separate its speed from
    /// burn's per-op overhead.
    #[arg(long)]
    pub kernel: bool,
}

/// The study's two corners of the grid: the most and the least work per window.
const CELLS: [(usize, usize); 2] = [(88, 96), (44, 64)];
/// ESR's denominator guard: the study's 1e-50 underflows to zero in f32; this one does not.
const ESR_EPSILON: f32 = 1e-10;
const LEARNING_RATE: f64 = 1e-3;

/// CPU time this thread has run, from the scheduler (nanosecond resolution; Linux only). While others
/// compile on the same cores wall-clock figures swing by 2-4x; figures per CPU second do not.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.batch > 0 && args.train_windows > 0, "batch and training windows must be positive");
    if args.kernel {
        for (ctx, hidden) in CELLS {
            println!("{}", kernel_timing(ctx, hidden, args.batch));
        }
    }
    for (ctx, hidden) in CELLS {
        let data = Windows::synthesize(ctx, args.train_windows + args.valid_windows, 25);
        let timing = epoch(&data, hidden, &args, Regressor::Fused)?;
        println!("{}", timing.line("epoch", ctx, hidden));
        if let Some(note) = timing.cpu_note("epoch", ctx, hidden) {
            eprintln!("{note}");
        }
    }
    if args.stock {
        for (ctx, hidden) in CELLS {
            let data = Windows::synthesize(ctx, args.train_windows + args.valid_windows, 25);
            let timing = epoch(&data, hidden, &args, Regressor::Stock)?;
            println!("{}", timing.line("stock-epoch", ctx, hidden));
            if let Some(note) = timing.cpu_note("stock-epoch", ctx, hidden) {
                eprintln!("{note}");
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Regressor {
    Fused,
    Stock,
}

struct EpochTiming {
    train_windows: usize,
    train_seconds: f64,
    total_seconds: f64,
    /// Training time on the CPU, when the platform reports it.
    train_cpu_seconds: Option<f64>,
}

impl EpochTiming {
    fn line(&self, label: &str, ctx: usize, hidden: usize) -> String {
        format!(
            "{label} ctx={ctx} hidden={hidden} seconds={:.2} windows_per_s={:.0}",
            self.total_seconds,
            self.train_windows as f64 / self.train_seconds
        )
    }

    /// The same rate per CPU second (for stderr: stdout keeps the agreed format).
    fn cpu_note(&self, label: &str, ctx: usize, hidden: usize) -> Option<String> {
        let cpu = self.train_cpu_seconds?;
        Some(format!(
            "{label} ctx={ctx} hidden={hidden} train_cpu_seconds={cpu:.2} windows_per_cpu_s={:.0} (wall {:.2} s)",
            self.train_windows as f64 / cpu,
            self.train_seconds
        ))
    }
}

/// Stride-ctx windows of a synthetic dry/wet pair: `x = dry[i..i + ctx]`, `y = wet[i + ctx - 1]`.
struct Windows {
    ctx: usize,
    dry: Vec<f32>,
    wet: Vec<f32>,
}

impl Windows {
    fn synthesize(ctx: usize, windows: usize, seed: u64) -> Windows {
        let len = windows * ctx;
        let mut rng = SeededRng::new(seed);
        let mut dry = vec![0.0f32; len];
        let sample_rate = 44_100.0;
        let mut start = 0;
        // Plucked notes of 0.1-0.4 s: a few harmonics with exponential decay, plus a little noise.
        while start < len {
            let note_len = (sample_rate * (0.1 + 0.3 * rng.uniform())) as usize;
            let f0 = 82.0 * 2f64.powf(rng.uniform() * 3.0);
            let amp = 0.1 + 0.4 * rng.uniform();
            for (n, sample) in dry[start..(start + note_len).min(len)].iter_mut().enumerate() {
                let t = n as f64 / sample_rate;
                let tone: f64 = (1..=5).map(|k| (std::f64::consts::TAU * f0 * k as f64 * t).sin() / k as f64).sum();
                *sample = (amp * (-4.0 * t).exp() * tone + 0.002 * rng.normal()) as f32;
            }
            start += note_len;
        }
        let wet = dry.iter().map(|&x| (4.0 * x).tanh() * 0.6).collect();
        Windows { ctx, dry, wet }
    }

    fn count(&self) -> usize {
        self.dry.len() / self.ctx
    }

    /// `[batch, ctx, 1]` windows and `[batch, 1]` targets for the given window indices.
    fn batch(&self, indices: &[usize], device: &Device) -> (Tensor<3>, Tensor<2>) {
        let ctx = self.ctx;
        let mut x = Vec::with_capacity(indices.len() * ctx);
        let mut y = Vec::with_capacity(indices.len());
        for &i in indices {
            x.extend_from_slice(&self.dry[i * ctx..(i + 1) * ctx]);
            y.push(self.wet[(i + 1) * ctx - 1]);
        }
        let n = indices.len();
        (
            Tensor::from_data(TensorData::new(x, [n, ctx, 1]), device),
            Tensor::from_data(TensorData::new(y, [n, 1]), device),
        )
    }
}

/// Error-to-signal ratio of a batch, `sum((y - p)^2) / (sum(y^2) + eps)`.
fn esr(prediction: Tensor<2>, target: Tensor<2>) -> Tensor<1> {
    let error = (target.clone() - prediction).square().sum();
    error / (target.square().sum() + ESR_EPSILON)
}

fn shuffled(count: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    let mut rng = SeededRng::new(seed);
    for i in (1..count).rev() {
        let j = (rng.uniform() * (i + 1) as f64) as usize;
        order.swap(i, j.min(i));
    }
    order
}

fn epoch(data: &Windows, hidden: usize, args: &BenchArgs, regressor: Regressor) -> anyhow::Result<EpochTiming> {
    let device = training_device().autodiff();
    let train_windows = args.train_windows.min(data.count());
    let order = shuffled(train_windows, 25);
    let model = StudyLstmConfig { input_size: 1, hidden_size: hidden }.init(25, &device);
    let mut optimizer = AdamConfig::new().with_beta_1(0.9).with_beta_2(0.999).with_epsilon(1e-7).init();
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    let train_cpu = || Some(thread_cpu_seconds()? - cpu_start?);
    let model = match regressor {
        Regressor::Fused => {
            let mut model = model;
            for chunk in order.chunks(args.batch) {
                let (x, y) = data.batch(chunk, &device);
                let loss = esr(model.forward(x)?, y);
                let grads = GradientsParams::from_grads(loss.backward(), &model);
                model = optimizer.step(LEARNING_RATE, model, grads);
            }
            Some(model)
        }
        Regressor::Stock => {
            let weights = model.to_weights()?;
            let mut stock = StockLstmRegressor::from_weights(&weights, &device)?;
            for chunk in order.chunks(args.batch) {
                let (x, y) = data.batch(chunk, &device);
                let loss = esr(stock.forward(x), y);
                let grads = GradientsParams::from_grads(loss.backward(), &stock);
                stock = optimizer.step(LEARNING_RATE, stock, grads);
            }
            let valid = stock.valid();
            let (train_seconds, train_cpu_seconds) = (start.elapsed().as_secs_f64(), train_cpu());
            validate(data, train_windows, args, |x| Ok(valid.forward(x)))?;
            let total_seconds = start.elapsed().as_secs_f64();
            return Ok(EpochTiming { train_windows, train_seconds, total_seconds, train_cpu_seconds });
        }
    };
    let (train_seconds, train_cpu_seconds) = (start.elapsed().as_secs_f64(), train_cpu());
    let valid = model.context("the fused model")?.valid();
    validate(data, train_windows, args, |x| Ok(valid.forward(x)?))?;
    Ok(EpochTiming { train_windows, train_seconds, total_seconds: start.elapsed().as_secs_f64(), train_cpu_seconds })
}

/// Mean validation ESR over the windows after the training ones (forward only, no autodiff).
fn validate(
    data: &Windows,
    first: usize,
    args: &BenchArgs,
    forward: impl Fn(Tensor<3>) -> anyhow::Result<Tensor<2>>,
) -> anyhow::Result<f32> {
    let device = training_device();
    let end = (first + args.valid_windows).min(data.count());
    let indices: Vec<usize> = (first..end).collect();
    let mut total = 0.0f32;
    let mut batches = 0;
    for chunk in indices.chunks(args.batch) {
        let (x, y) = data.batch(chunk, &device);
        total += esr(forward(x)?, y).into_scalar::<f32>();
        batches += 1;
    }
    Ok(total / batches.max(1) as f32)
}

/// Forward and backward of the fused kernel on one batch, repeated for about two seconds.
fn kernel_timing(ctx: usize, hidden: usize, batch: usize) -> String {
    use crate::fused_lstm::kernel::{self, GradRequest, LstmParams, SequenceInput};
    use blackbox_engine::simd::Kernel;

    use crate::fused_lstm::{HiddenStates, LstmShape};
    let shape = LstmShape { batch, steps: ctx, inputs: 1, hidden };
    let model = StudyLstmConfig { input_size: 1, hidden_size: hidden }.init(25, &Device::flex());
    let data = Windows::synthesize(ctx, batch, 25);
    let (Ok(weights), x) = (model.to_weights(), data.dry.clone()) else {
        return "kernel timing skipped: weights unreadable".into();
    };
    let params = LstmParams { kernel: &weights.kernel, recurrent: &weights.recurrent_kernel, bias: &weights.bias };
    let input = SequenceInput { x: &x, h0: None, c0: None };
    let grad = vec![1e-3f32; batch * 2 * hidden];
    let isa = Kernel::best();
    // CPU seconds where available, so that the figure means one unshared core.
    let clock = {
        let wall = Instant::now();
        move || thread_cpu_seconds().unwrap_or_else(|| wall.elapsed().as_secs_f64())
    };
    let (mut forward_s, mut backward_s, mut runs) = (0.0, 0.0, 0u32);
    while forward_s + backward_s < 2.0 {
        let start = clock();
        let (_, tape) = kernel::forward_with_tape(isa, shape, params, input, HiddenStates::Last);
        let mid = clock();
        let grads = kernel::backward(tape, &grad, HiddenStates::Last, GradRequest::default());
        std::hint::black_box(grads);
        forward_s += mid - start;
        backward_s += clock() - mid;
        runs += 1;
    }
    // Three products of batch x (hidden + 2) x 4 hidden per step: forward, dh, dW.
    let flop = 3.0 * 2.0 * (batch * ctx * (hidden + 2) * 4 * hidden) as f64;
    let per_run = (forward_s + backward_s) / runs as f64;
    format!(
        "kernel ctx={ctx} hidden={hidden} isa={isa:?} forward_ms={:.3} backward_ms={:.3} gflop_per_s={:.1} windows_per_s={:.0}",
        1e3 * forward_s / runs as f64,
        1e3 * backward_s / runs as f64,
        flop / per_run / 1e9,
        batch as f64 / per_run
    )
}
