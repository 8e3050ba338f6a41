//! The fused LSTM op against stock `burn::nn::Lstm`: same outputs, same gradients (relative error <= 1e-4).

use blackbox_engine::model::LstmWeights;
use blackbox_trainer::fused_lstm::{FusedLstmError, HiddenStates, LstmState, LstmTensors, lstm_sequence};
use blackbox_engine::rng::SeededRng;
use blackbox_trainer::model::{StockLstmRegressor, StudyLstm, StudyLstmConfig};
use burn::nn::LstmState as StockState;
use burn::tensor::{Device, Tensor, TensorData};

const TOLERANCE: f64 = 1e-4;

fn device() -> Device {
    Device::flex().autodiff()
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 data")
}

/// `max |a - b| / max |b|`: relative to the tensor's scale, so that entries near zero do not dominate.
fn relative_error(got: &[f32], want: &[f32]) -> f64 {
    assert_eq!(got.len(), want.len(), "lengths differ");
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs() as f64)).max(1e-12);
    let diff = got.iter().zip(want).fold(0.0f64, |m, (a, b)| m.max((a - b).abs() as f64));
    diff / scale
}

fn assert_close(name: &str, got: &[f32], want: &[f32]) {
    let err = relative_error(got, want);
    assert!(err <= TOLERANCE, "{name}: relative error {err:e} > {TOLERANCE:e}");
}

fn random(rng: &mut SeededRng, len: usize, scale: f64) -> Vec<f32> {
    (0..len).map(|_| (rng.normal() * scale) as f32).collect()
}

/// Random weights large enough to drive the gates into their nonlinear ranges.
fn random_weights(inputs: usize, hidden: usize, seed: u64) -> LstmWeights {
    let mut rng = SeededRng::new(seed);
    let cols = 4 * hidden;
    LstmWeights {
        input_size: inputs,
        hidden_size: hidden,
        kernel: random(&mut rng, inputs * cols, 0.8),
        recurrent_kernel: random(&mut rng, hidden * cols, 1.0 / (hidden as f64).sqrt()),
        bias: random(&mut rng, cols, 0.5),
        dense_kernel: random(&mut rng, hidden, 0.3),
        dense_bias: 0.1,
    }
}

fn tensor3(values: Vec<f32>, dims: [usize; 3], device: &Device) -> Tensor<3> {
    Tensor::from_data(TensorData::new(values, dims), device)
}

fn tensor2(values: Vec<f32>, dims: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, dims), device)
}

fn fused_tensors(weights: &LstmWeights, device: &Device) -> LstmTensors {
    let (i, h) = (weights.input_size, weights.hidden_size);
    LstmTensors {
        kernel: tensor2(weights.kernel.clone(), [i, 4 * h], device).require_grad(),
        recurrent: tensor2(weights.recurrent_kernel.clone(), [h, 4 * h], device).require_grad(),
        bias: Tensor::from_data(TensorData::new(weights.bias.clone(), [4 * h]), device).require_grad(),
    }
}

/// Runs both implementations on one random problem, with a loss that weighs every hidden state and the final
/// cell state by random coefficients, and compares outputs and every gradient.
fn compare_with_stock(batch: usize, steps: usize, inputs: usize, hidden: usize, with_state: bool, seed: u64) {
    let device = device();
    let weights = random_weights(inputs, hidden, seed);
    let mut rng = SeededRng::new(seed + 1);
    let x = random(&mut rng, batch * steps * inputs, 0.7);
    let h0 = random(&mut rng, batch * hidden, 0.5);
    let c0 = random(&mut rng, batch * hidden, 0.5);
    let w_out = random(&mut rng, batch * steps * hidden, 1.0);
    let w_cell = random(&mut rng, batch * hidden, 1.0);

    let fused_x = tensor3(x.clone(), [batch, steps, inputs], &device).require_grad();
    let fused_w = fused_tensors(&weights, &device);
    let fused_h0 = tensor2(h0.clone(), [batch, hidden], &device).require_grad();
    let fused_c0 = tensor2(c0.clone(), [batch, hidden], &device).require_grad();
    let initial = with_state.then(|| LstmState { hidden: fused_h0.clone(), cell: fused_c0.clone() });
    let out = lstm_sequence(fused_x.clone(), &fused_w, initial, HiddenStates::All).expect("valid shapes");
    let fused_hidden = out.hidden_states();
    let fused_cell = out.final_state().cell;
    let fused_loss = (fused_hidden.clone() * tensor3(w_out.clone(), [batch, steps, hidden], &device)).sum()
        + (fused_cell.clone() * tensor2(w_cell.clone(), [batch, hidden], &device)).sum();
    let fused_grads = fused_loss.backward();

    let stock = StockLstmRegressor::from_weights(&weights, &device).expect("valid weights");
    let stock_x = tensor3(x, [batch, steps, inputs], &device).require_grad();
    let stock_h0 = tensor2(h0, [batch, hidden], &device).require_grad();
    let stock_c0 = tensor2(c0, [batch, hidden], &device).require_grad();
    let state = with_state.then(|| StockState::new(stock_c0.clone(), stock_h0.clone()));
    let (stock_hidden, stock_state) = stock.lstm.forward(stock_x.clone(), state);
    let stock_loss = (stock_hidden.clone() * tensor3(w_out, [batch, steps, hidden], &device)).sum()
        + (stock_state.cell.clone() * tensor2(w_cell, [batch, hidden], &device)).sum();
    let stock_grads = stock_loss.backward();

    assert_close("hidden states", &values(fused_hidden), &values(stock_hidden));
    assert_close("final cell", &values(fused_cell), &values(stock_state.cell));
    let grad = |t: &Tensor<3>, g| values(t.grad(g).expect("input gradient"));
    assert_close("d input", &grad(&fused_x, &fused_grads), &grad(&stock_x, &stock_grads));
    let keras = stock.keras_grads(&stock_grads).expect("stock gradients");
    assert_close("d kernel", &values(fused_w.kernel.grad(&fused_grads).expect("kernel gradient")), &keras.kernel);
    assert_close(
        "d recurrent kernel",
        &values(fused_w.recurrent.grad(&fused_grads).expect("recurrent gradient")),
        &keras.recurrent,
    );
    assert_close("d bias", &values(fused_w.bias.grad(&fused_grads).expect("bias gradient")), &keras.bias);
    if with_state {
        let grad2 = |t: &Tensor<2>, g| values(t.grad(g).expect("state gradient"));
        assert_close("d h0", &grad2(&fused_h0, &fused_grads), &grad2(&stock_h0, &stock_grads));
        assert_close("d c0", &grad2(&fused_c0, &fused_grads), &grad2(&stock_c0, &stock_grads));
    }
}

#[test]
fn matches_stock_lstm_at_the_study_size() {
    compare_with_stock(8, 44, 1, 64, false, 11);
}

#[test]
fn matches_stock_lstm_with_ragged_sizes_and_initial_state() {
    // 7 rows and 20 units exercise the partial register tiles and the padding of the hidden size.
    compare_with_stock(7, 9, 2, 20, true, 12);
}

#[test]
fn matches_stock_lstm_with_hidden_96_and_a_long_window() {
    compare_with_stock(13, 88, 1, 96, true, 13);
}

#[test]
fn study_model_matches_the_stock_regressor_and_its_gradients() {
    let device = device();
    let weights = random_weights(1, 32, 21);
    let (batch, ctx) = (10, 30);
    let x = random(&mut SeededRng::new(22), batch * ctx, 0.5);
    let fused = StudyLstm::from_weights(&weights, &device).expect("valid weights");
    let stock = StockLstmRegressor::from_weights(&weights, &device).expect("valid weights");
    let fused_y = fused.forward(tensor3(x.clone(), [batch, ctx, 1], &device)).expect("valid shapes");
    let stock_y = stock.forward(tensor3(x, [batch, ctx, 1], &device));
    let fused_grads = fused_y.clone().square().sum().backward();
    let stock_grads = stock_y.clone().square().sum().backward();
    assert_close("prediction", &values(fused_y), &values(stock_y));
    let dense = |g| values(fused.dense.grad(g).expect("dense gradient"));
    assert_close(
        "d dense",
        &dense(&fused_grads),
        &values(stock.dense.weight.grad(&stock_grads).expect("dense gradient")),
    );
    let keras = stock.keras_grads(&stock_grads).expect("stock gradients");
    assert_close(
        "d recurrent kernel",
        &values(fused.recurrent.grad(&fused_grads).expect("gradient")),
        &keras.recurrent,
    );
}

#[test]
fn last_hidden_state_is_the_last_of_all_hidden_states() {
    let device = device();
    let weights = random_weights(1, 24, 31);
    let tensors = fused_tensors(&weights, &device);
    let x = tensor3(random(&mut SeededRng::new(32), 5 * 12, 1.0), [5, 12, 1], &device);
    let all = lstm_sequence(x.clone(), &tensors, None, HiddenStates::All).expect("valid shapes");
    let last = lstm_sequence(x, &tensors, None, HiddenStates::Last).expect("valid shapes");
    assert_eq!(values(all.last_hidden()), values(last.last_hidden()));
    assert_eq!(values(all.final_state().cell), values(last.final_state().cell));
}

#[test]
fn two_halves_with_carried_state_equal_one_whole_sequence() {
    // What streaming training relies on: the final state of one segment continues the next exactly.
    let device = device();
    let weights = random_weights(1, 16, 41);
    let tensors = fused_tensors(&weights, &device);
    let x = random(&mut SeededRng::new(42), 3 * 20, 1.0);
    let whole = lstm_sequence(tensor3(x.clone(), [3, 20, 1], &device), &tensors, None, HiddenStates::All).expect("ok");
    let (first, second): (Vec<f32>, Vec<f32>) = (0..3).fold((vec![], vec![]), |(mut a, mut b), row| {
        a.extend_from_slice(&x[row * 20..row * 20 + 10]);
        b.extend_from_slice(&x[row * 20 + 10..row * 20 + 20]);
        (a, b)
    });
    let head = lstm_sequence(tensor3(first, [3, 10, 1], &device), &tensors, None, HiddenStates::All).expect("ok");
    let tail =
        lstm_sequence(tensor3(second, [3, 10, 1], &device), &tensors, Some(head.final_state()), HiddenStates::All)
            .expect("ok");
    assert_close("continued state", &values(tail.last_hidden()), &values(whole.last_hidden()));
}

#[test]
fn mismatched_weights_are_an_error_not_a_panic() {
    let device = device();
    let weights = random_weights(1, 8, 51);
    let tensors = fused_tensors(&weights, &device);
    let x = tensor3(vec![0.0; 2 * 3 * 2], [2, 3, 2], &device);
    let err = lstm_sequence(x, &tensors, None, HiddenStates::Last).expect_err("two inputs against a one-input kernel");
    assert!(matches!(err, FusedLstmError::Mismatch { name: "kernel", .. }), "{err}");
    let empty = tensor3(vec![], [0, 3, 1], &device);
    assert!(matches!(lstm_sequence(empty, &tensors, None, HiddenStates::Last), Err(FusedLstmError::EmptyInput(_))));
}

#[test]
fn study_model_initialises_like_keras() {
    let model = StudyLstmConfig { input_size: 1, hidden_size: 64 }.init(25, &Device::flex());
    let weights = model.to_weights().expect("finite weights");
    let h = 64;
    assert!(weights.bias[h..2 * h].iter().all(|&b| b == 1.0), "forget-gate bias is one");
    assert!(weights.bias[..h].iter().chain(&weights.bias[2 * h..]).all(|&b| b == 0.0), "other biases are zero");
    assert_eq!(weights.dense_bias, 0.0);
    let kernel_limit = (6.0f32 / (1.0 + 4.0 * h as f32)).sqrt();
    assert!(weights.kernel.iter().all(|w| w.abs() <= kernel_limit));
    let dense_limit = (6.0f32 / (h as f32 + 1.0)).sqrt();
    assert!(weights.dense_kernel.iter().all(|w| w.abs() <= dense_limit));
    let r = &weights.recurrent_kernel;
    for a in 0..h {
        for b in 0..h {
            let dot: f32 = (0..4 * h).map(|c| r[a * 4 * h + c] * r[b * 4 * h + c]).sum();
            assert!((dot - if a == b { 1.0 } else { 0.0 }).abs() < 1e-4, "recurrent rows {a}, {b}: {dot}");
        }
    }
    let again = StudyLstmConfig { input_size: 1, hidden_size: 64 }.init(25, &Device::flex());
    assert_eq!(again.to_weights().expect("finite"), weights, "same seed, same model");
}

#[test]
fn engine_weights_round_trip_through_the_module() {
    let weights = random_weights(2, 12, 61);
    let model = StudyLstm::from_weights(&weights, &Device::flex()).expect("valid weights");
    assert_eq!(model.to_weights().expect("finite"), weights);
    let mut broken = weights.clone();
    broken.bias.pop();
    assert!(StudyLstm::from_weights(&broken, &Device::flex()).is_err());
}
