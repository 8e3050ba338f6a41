//! The same regressor on stock `burn::nn::Lstm`: the reference the fused op is tested against, and the
//! `trainer bench --stock` baseline.
//!
//! Burn's LSTM keeps one `Linear` pair per gate, input weights `[inputs, H]` and hidden weights `[H, H]`
//! (row layout, `y = x W + b`), each with its own bias; Keras' gate `g` is columns `g H..(g + 1) H` of one
//! matrix and has one bias. Copying puts Keras' bias on the input side and zero on the hidden side.

use blackbox_engine::model::LstmWeights;
use burn::module::{Module, Param};
use burn::nn::{GateController, Linear, LinearConfig, Lstm, LstmConfig};
use burn::tensor::{Device, Gradients, Tensor, TensorData};

use super::ConvertError;

/// LSTM (stock burn) -> last hidden state -> Dense(1).
#[derive(Module, Debug)]
pub struct StockLstmRegressor {
    pub lstm: Lstm,
    pub dense: Linear,
}

/// Keras' LSTM gradients assembled from the stock module's per-gate parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct KerasGrads {
    pub kernel: Vec<f32>,
    pub recurrent: Vec<f32>,
    pub bias: Vec<f32>,
}

/// Columns `gate * hidden..(gate + 1) * hidden` of a row-major `rows x 4 hidden` matrix.
fn gate_columns(values: &[f32], rows: usize, hidden: usize, gate: usize) -> Vec<f32> {
    (0..rows).flat_map(|r| values[r * 4 * hidden + gate * hidden..][..hidden].iter().copied()).collect()
}

fn tensor2(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Param<Tensor<2>> {
    Param::from_tensor(Tensor::from_data(TensorData::new(values, [rows, cols]), device))
}

fn tensor1(values: Vec<f32>, device: &Device) -> Param<Tensor<1>> {
    let len = values.len();
    Param::from_tensor(Tensor::from_data(TensorData::new(values, [len]), device))
}

impl StockLstmRegressor {
    pub fn from_weights(weights: &LstmWeights, device: &Device) -> Result<StockLstmRegressor, ConvertError> {
        weights.validate()?;
        let (inputs, hidden) = (weights.input_size, weights.hidden_size);
        let mut lstm = LstmConfig::new(inputs, hidden, true).init(device);
        let gate = |g: usize| {
            let mut controller = GateController::new(inputs, hidden, true, burn::nn::Initializer::Zeros, device);
            controller.input_transform.weight =
                tensor2(gate_columns(&weights.kernel, inputs, hidden, g), inputs, hidden, device);
            controller.input_transform.bias = Some(tensor1(weights.bias[g * hidden..][..hidden].to_vec(), device));
            controller.hidden_transform.weight =
                tensor2(gate_columns(&weights.recurrent_kernel, hidden, hidden, g), hidden, hidden, device);
            controller.hidden_transform.bias = Some(tensor1(vec![0.0; hidden], device));
            controller
        };
        lstm.input_gate = gate(0);
        lstm.forget_gate = Some(gate(1));
        lstm.cell_gate = gate(2);
        lstm.output_gate = gate(3);
        let mut dense = LinearConfig::new(hidden, 1).init(device);
        dense.weight = tensor2(weights.dense_kernel.clone(), hidden, 1, device);
        dense.bias = Some(tensor1(vec![weights.dense_bias], device));
        Ok(StockLstmRegressor { lstm, dense })
    }

    /// Windows `[batch, ctx, inputs]` to predictions `[batch, 1]`.
    pub fn forward(&self, windows: Tensor<3>) -> Tensor<2> {
        let (_, state) = self.lstm.forward(windows, None);
        self.dense.forward(state.hidden)
    }

    /// The LSTM's gradients in Keras' layout, or `None` where a parameter has none.
    pub fn keras_grads(&self, grads: &Gradients) -> Option<KerasGrads> {
        let hidden = self.lstm.d_hidden;
        let inputs = self.lstm.input_gate.input_transform.weight.dims()[0];
        let gates = [
            Some(&self.lstm.input_gate),
            self.lstm.forget_gate.as_ref(),
            Some(&self.lstm.cell_gate),
            Some(&self.lstm.output_gate),
        ];
        let read = |t: Option<Tensor<2>>| t.and_then(|t| t.into_data().convert::<f32>().try_into_vec::<f32>().ok());
        let read1 = |t: Option<Tensor<1>>| t.and_then(|t| t.into_data().convert::<f32>().try_into_vec::<f32>().ok());
        let cols = 4 * hidden;
        let mut out =
            KerasGrads { kernel: vec![0.0; inputs * cols], recurrent: vec![0.0; hidden * cols], bias: vec![0.0; cols] };
        for (g, gate) in gates.into_iter().enumerate() {
            let gate = gate?;
            let w_in = read(gate.input_transform.weight.grad(grads))?;
            let w_hidden = read(gate.hidden_transform.weight.grad(grads))?;
            let b_in = read1(gate.input_transform.bias.as_ref()?.grad(grads))?;
            for r in 0..inputs {
                out.kernel[r * cols + g * hidden..][..hidden].copy_from_slice(&w_in[r * hidden..][..hidden]);
            }
            for r in 0..hidden {
                out.recurrent[r * cols + g * hidden..][..hidden].copy_from_slice(&w_hidden[r * hidden..][..hidden]);
            }
            out.bias[g * hidden..][..hidden].copy_from_slice(&b_in);
        }
        Some(out)
    }
}
