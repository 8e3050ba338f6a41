//! The fused kernel on plain slices: every instruction set this CPU runs gives the same forward and backward
//! results as a straightforward f64 implementation of the LSTM equations and of backpropagation through time.

use blackbox_trainer::fused_lstm::kernel::{self, GradRequest, LstmParams, SequenceInput};
use blackbox_engine::simd::Kernel;
use blackbox_trainer::fused_lstm::{HiddenStates, LstmShape};
use blackbox_engine::rng::SeededRng;

fn random(rng: &mut SeededRng, len: usize, scale: f64) -> Vec<f32> {
    (0..len).map(|_| (rng.normal() * scale) as f32).collect()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

struct Problem {
    shape: LstmShape,
    x: Vec<f32>,
    kernel: Vec<f32>,
    recurrent: Vec<f32>,
    bias: Vec<f32>,
    h0: Vec<f32>,
    c0: Vec<f32>,
}

impl Problem {
    fn new(shape: LstmShape, seed: u64) -> Problem {
        let mut rng = SeededRng::new(seed);
        let LstmShape { batch, steps, inputs, hidden } = shape;
        Problem {
            shape,
            x: random(&mut rng, batch * steps * inputs, 0.8),
            kernel: random(&mut rng, inputs * 4 * hidden, 0.7),
            recurrent: random(&mut rng, hidden * 4 * hidden, 1.0 / (hidden as f64).sqrt()),
            bias: random(&mut rng, 4 * hidden, 0.4),
            h0: random(&mut rng, batch * hidden, 0.5),
            c0: random(&mut rng, batch * hidden, 0.5),
        }
    }
}

/// Gradients of `L = sum(w_h * h_t over all t) + sum(w_c * c_T)`, by the textbook equations in f64.
struct Reference {
    hidden: Vec<f64>,
    cell: Vec<f64>,
    d_x: Vec<f64>,
    d_kernel: Vec<f64>,
    d_recurrent: Vec<f64>,
    d_bias: Vec<f64>,
    d_h0: Vec<f64>,
    d_c0: Vec<f64>,
}

// Index loops read like the equations they transcribe.
#[allow(clippy::needless_range_loop)]
fn reference(p: &Problem, w_h: &[f32], w_c: &[f32]) -> Reference {
    let LstmShape { batch, steps, inputs, hidden: h } = p.shape;
    let cols = 4 * h;
    let mut out = Reference {
        hidden: vec![0.0; batch * steps * h],
        cell: vec![0.0; batch * h],
        d_x: vec![0.0; batch * steps * inputs],
        d_kernel: vec![0.0; inputs * cols],
        d_recurrent: vec![0.0; h * cols],
        d_bias: vec![0.0; cols],
        d_h0: vec![0.0; batch * h],
        d_c0: vec![0.0; batch * h],
    };
    for b in 0..batch {
        let mut hs = vec![p.h0[b * h..][..h].iter().map(|&v| v as f64).collect::<Vec<_>>()];
        let mut cs = vec![p.c0[b * h..][..h].iter().map(|&v| v as f64).collect::<Vec<_>>()];
        let mut gates = Vec::new();
        for t in 0..steps {
            let x = &p.x[(b * steps + t) * inputs..][..inputs];
            let z: Vec<f64> = (0..cols)
                .map(|c| {
                    let mut z = p.bias[c] as f64;
                    z += (0..inputs).map(|i| x[i] as f64 * p.kernel[i * cols + c] as f64).sum::<f64>();
                    z + (0..h).map(|k| hs[t][k] * p.recurrent[k * cols + c] as f64).sum::<f64>()
                })
                .collect();
            let g: Vec<f64> = (0..cols).map(|c| if c / h == 2 { z[c].tanh() } else { sigmoid(z[c]) }).collect();
            let c: Vec<f64> = (0..h).map(|j| g[h + j] * cs[t][j] + g[j] * g[2 * h + j]).collect();
            let hn: Vec<f64> = (0..h).map(|j| g[3 * h + j] * c[j].tanh()).collect();
            out.hidden[(b * steps + t) * h..][..h].copy_from_slice(&hn);
            gates.push(g);
            cs.push(c);
            hs.push(hn);
        }
        out.cell[b * h..][..h].copy_from_slice(&cs[steps]);
        let mut dh_next = vec![0.0f64; h];
        let mut dc: Vec<f64> = (0..h).map(|j| w_c[b * h + j] as f64).collect();
        for t in (0..steps).rev() {
            let g = &gates[t];
            let dh: Vec<f64> = (0..h).map(|j| dh_next[j] + w_h[(b * steps + t) * h + j] as f64).collect();
            let mut dz = vec![0.0f64; cols];
            for j in 0..h {
                let (i, f, gg, o) = (g[j], g[h + j], g[2 * h + j], g[3 * h + j]);
                let tc = cs[t + 1][j].tanh();
                let dcj = dc[j] + dh[j] * o * (1.0 - tc * tc);
                dz[j] = dcj * gg * i * (1.0 - i);
                dz[h + j] = dcj * cs[t][j] * f * (1.0 - f);
                dz[2 * h + j] = dcj * i * (1.0 - gg * gg);
                dz[3 * h + j] = dh[j] * tc * o * (1.0 - o);
                dc[j] = dcj * f;
            }
            let x = &p.x[(b * steps + t) * inputs..][..inputs];
            for c in 0..cols {
                out.d_bias[c] += dz[c];
                for i in 0..inputs {
                    out.d_kernel[i * cols + c] += x[i] as f64 * dz[c];
                }
                for k in 0..h {
                    out.d_recurrent[k * cols + c] += hs[t][k] * dz[c];
                }
            }
            for i in 0..inputs {
                out.d_x[(b * steps + t) * inputs + i] = (0..cols).map(|c| dz[c] * p.kernel[i * cols + c] as f64).sum();
            }
            dh_next = (0..h).map(|k| (0..cols).map(|c| dz[c] * p.recurrent[k * cols + c] as f64).sum()).collect();
        }
        out.d_h0[b * h..][..h].copy_from_slice(&dh_next);
        out.d_c0[b * h..][..h].copy_from_slice(&dc);
    }
    out
}

fn assert_close(what: &str, isa: Kernel, got: &[f32], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
    let err = got.iter().zip(want).fold(0.0f64, |m, (&a, &b)| m.max((a as f64 - b).abs())) / scale;
    assert!(err <= 1e-4, "{what} on {isa:?}: relative error {err:e}");
}

fn check_every_instruction_set(shape: LstmShape, seed: u64) {
    let p = Problem::new(shape, seed);
    let LstmShape { batch, steps, hidden, .. } = shape;
    let mut rng = SeededRng::new(seed + 100);
    let w_h = random(&mut rng, batch * steps * hidden, 1.0);
    let w_c = random(&mut rng, batch * hidden, 1.0);
    let want = reference(&p, &w_h, &w_c);
    // The packed output gradient: every hidden state, then the final cell state.
    let rows = steps + 1;
    let mut grad = vec![0.0f32; batch * rows * hidden];
    for b in 0..batch {
        grad[b * rows * hidden..][..steps * hidden].copy_from_slice(&w_h[b * steps * hidden..][..steps * hidden]);
        grad[(b * rows + steps) * hidden..][..hidden].copy_from_slice(&w_c[b * hidden..][..hidden]);
    }
    for isa in Kernel::available() {
        let params = LstmParams { kernel: &p.kernel, recurrent: &p.recurrent, bias: &p.bias };
        let input = SequenceInput { x: &p.x, h0: Some(&p.h0), c0: Some(&p.c0) };
        let (packed, tape) = kernel::forward_with_tape(isa, shape, params, input, HiddenStates::All);
        let unpack = |slot: std::ops::Range<usize>| -> Vec<f32> {
            (0..batch)
                .flat_map(|b| packed[(b * rows + slot.start) * hidden..(b * rows + slot.end) * hidden].to_vec())
                .collect()
        };
        assert_close("hidden states", isa, &unpack(0..steps), &want.hidden);
        assert_close("final cell", isa, &unpack(steps..rows), &want.cell);
        let inference = kernel::forward(isa, shape, params, input, HiddenStates::All);
        assert_eq!(inference, packed, "inference without a tape gives the same output on {isa:?}");
        let grads = kernel::backward(tape, &grad, HiddenStates::All, GradRequest { x: true, h0: true });
        assert_close("d x", isa, grads.x.as_deref().unwrap_or_default(), &want.d_x);
        assert_close("d kernel", isa, &grads.kernel, &want.d_kernel);
        assert_close("d recurrent", isa, &grads.recurrent, &want.d_recurrent);
        assert_close("d bias", isa, &grads.bias, &want.d_bias);
        assert_close("d h0", isa, grads.h0.as_deref().unwrap_or_default(), &want.d_h0);
        assert_close("d c0", isa, &grads.c0, &want.d_c0);
    }
}

#[test]
fn every_instruction_set_matches_the_lstm_equations_on_ragged_sizes() {
    // 7 rows, 3 inputs and 21 units leave partial register tiles and padded units on every width.
    check_every_instruction_set(LstmShape { batch: 7, steps: 6, inputs: 3, hidden: 21 }, 1);
}

#[test]
fn every_instruction_set_matches_the_lstm_equations_at_a_study_like_size() {
    check_every_instruction_set(LstmShape { batch: 13, steps: 20, inputs: 1, hidden: 64 }, 2);
}

#[test]
fn a_second_batch_on_recycled_buffers_gives_the_same_result() {
    let shape = LstmShape { batch: 5, steps: 8, inputs: 1, hidden: 12 };
    let p = Problem::new(shape, 3);
    let params = LstmParams { kernel: &p.kernel, recurrent: &p.recurrent, bias: &p.bias };
    let input = SequenceInput { x: &p.x, h0: None, c0: None };
    let grad = vec![0.5f32; shape.batch * 2 * shape.hidden];
    let run = || {
        let (out, tape) = kernel::forward_with_tape(Kernel::best(), shape, params, input, HiddenStates::Last);
        (out, kernel::backward(tape, &grad, HiddenStates::Last, GradRequest::default()))
    };
    let first = run();
    // A different problem in between leaves other values in the recycled buffers.
    let other = Problem::new(shape, 4);
    let other_input = SequenceInput { x: &other.x, h0: Some(&other.h0), c0: Some(&other.c0) };
    drop(kernel::forward_with_tape(Kernel::best(), shape, params, other_input, HiddenStates::All));
    assert_eq!(run(), first);
}
