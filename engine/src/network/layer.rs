//! The layers a community model may contain, in Keras' weight layout.

use super::{MAX_WIDTH, Network};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Tanh,
    Sigmoid,
    Relu,
    Elu,
    Softmax,
}

impl Activation {
    /// Keras' and RTNeural's spelling; `None` for one this engine does not implement.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "" | "linear" => Activation::Linear,
            "tanh" => Activation::Tanh,
            "sigmoid" => Activation::Sigmoid,
            "relu" => Activation::Relu,
            "elu" => Activation::Elu,
            "softmax" => Activation::Softmax,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Relu => "relu",
            Activation::Elu => "elu",
            Activation::Softmax => "softmax",
        }
    }

    /// In place over one layer's outputs. Uses the engine's fast tanh and sigmoid, like the recurrent cells.
    pub(crate) fn apply(self, values: &mut [f32]) {
        use crate::activation::{exp, sigmoid, tanh};
        match self {
            Activation::Linear => {}
            Activation::Tanh => values.iter_mut().for_each(|v| *v = tanh(*v)),
            Activation::Sigmoid => values.iter_mut().for_each(|v| *v = sigmoid(*v)),
            Activation::Relu => values.iter_mut().for_each(|v| *v = v.max(0.0)),
            Activation::Elu => values.iter_mut().for_each(|v| *v = if *v > 0.0 { *v } else { exp(*v) - 1.0 }),
            Activation::Softmax => {
                let peak = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0;
                for v in values.iter_mut() {
                    *v = exp(*v - peak);
                    sum += *v;
                }
                values.iter_mut().for_each(|v| *v /= sum);
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// Gates i, f, c, o: `c' = f c + i tanh(z_c)`, `h' = o tanh(c')`.
    Lstm,
    /// Gates z, r, n (Keras order, `reset_after`): `n = tanh(x W_n + b_n + r (h U_n + b'_n))`,
    /// `h' = z h + (1 - z) n`. PyTorch's GRU is the same function with its gates stored r, z, n.
    Gru,
}

/// `y = activation(x W + b)`.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseLayer {
    pub inputs: usize,
    pub outputs: usize,
    /// `inputs x outputs`, row-major.
    pub kernel: Vec<f32>,
    pub bias: Vec<f32>,
    pub activation: Activation,
}

/// One LSTM or GRU layer, its state carried from sample to sample.
#[derive(Clone, Debug, PartialEq)]
pub struct RecurrentLayer {
    pub kind: CellKind,
    pub inputs: usize,
    pub units: usize,
    /// `inputs x gates*units`, row-major, gate blocks in Keras order.
    pub kernel: Vec<f32>,
    /// `units x gates*units`.
    pub recurrent_kernel: Vec<f32>,
    /// `gates*units`; for a GRU the input-side bias.
    pub bias: Vec<f32>,
    /// A GRU's recurrent-side bias (`gates*units`, inside the reset gate's product); empty for an LSTM.
    pub recurrent_bias: Vec<f32>,
}

impl RecurrentLayer {
    pub fn gates(&self) -> usize {
        Network::gate_count(self.kind)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    Dense(DenseLayer),
    Activation(Activation),
    Recurrent(RecurrentLayer),
}

impl Layer {
    pub(crate) fn outputs(&self, inputs: usize) -> usize {
        match self {
            Layer::Dense(d) => d.outputs,
            Layer::Activation(_) => inputs,
            Layer::Recurrent(r) => r.units,
        }
    }

    pub(crate) fn validate(&self, width: usize) -> Result<(), String> {
        let (declared, outputs, tensors): (usize, usize, Vec<(&str, &[f32], usize)>) = match self {
            Layer::Activation(_) => return Ok(()),
            Layer::Dense(d) => (
                d.inputs,
                d.outputs,
                vec![("kernel", &d.kernel, d.inputs * d.outputs), ("bias", &d.bias, d.outputs)],
            ),
            Layer::Recurrent(r) => {
                let cols = r.gates() * r.units;
                let recurrent_bias = if r.kind == CellKind::Gru { cols } else { 0 };
                (
                    r.inputs,
                    r.units,
                    vec![
                        ("kernel", &r.kernel, r.inputs * cols),
                        ("recurrent kernel", &r.recurrent_kernel, r.units * cols),
                        ("bias", &r.bias, cols),
                        ("recurrent bias", &r.recurrent_bias, recurrent_bias),
                    ],
                )
            }
        };
        if declared != width {
            return Err(format!("takes {declared} inputs but the layer before gives {width}"));
        }
        if outputs == 0 || outputs > MAX_WIDTH {
            return Err(format!("{outputs} units; 1..={MAX_WIDTH} are supported"));
        }
        for (name, values, expected) in tensors {
            if values.len() != expected {
                return Err(format!("{name} has {} values; its shape needs {expected}", values.len()));
            }
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!("{name} value {i} is not finite ({})", values[i]));
            }
        }
        Ok(())
    }

    pub(crate) fn describe(&self) -> Option<String> {
        match self {
            Layer::Dense(d) if d.activation == Activation::Linear => Some(format!("Dense {}", d.outputs)),
            Layer::Dense(d) => Some(format!("Dense {} ({})", d.outputs, d.activation.name())),
            Layer::Activation(Activation::Linear) => None,
            Layer::Activation(a) => Some(a.name().to_owned()),
            Layer::Recurrent(r) => Some(format!("{} {}", if r.kind == CellKind::Lstm { "LSTM" } else { "GRU" }, r.units)),
        }
    }

    pub(crate) fn parameter_count(&self) -> usize {
        match self {
            Layer::Dense(d) => d.kernel.len() + d.bias.len(),
            Layer::Activation(_) => 0,
            Layer::Recurrent(r) => r.kernel.len() + r.recurrent_kernel.len() + r.bias.len() + r.recurrent_bias.len(),
        }
    }
}
