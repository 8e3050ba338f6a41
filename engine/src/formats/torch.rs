//! PyTorch state dicts: GuitarML Proteus / Automated-GuitarAmpModelling files (`model_data` + `state_dict`)
//! and RTNeural's PyTorch exports (a bare state dict).
//!
//! PyTorch stores `weight_ih_l{k}` as `gates*units x inputs` (the transpose of Keras' kernel), splits the bias
//! into `bias_ih` and `bias_hh`, and orders a GRU's gates r, z, n where Keras has z, r, n. An LSTM's gates
//! (i, f, g, o) are Keras' order; its two biases simply add. A GRU keeps both, since the recurrent one sits
//! inside the reset gate's product.

use serde_json::{Map, Value};

use super::json::{Tensor, integer, tensor, text};
use super::{Format, FormatError, LoadedModel, ModelInfo, RateSource, Source};
use crate::network::{Activation, CellKind, DenseLayer, Layer, Network, RecurrentLayer};

const FORMAT: &str = "GuitarML / PyTorch";

fn bad(message: impl Into<String>) -> FormatError {
    FormatError::malformed(FORMAT, message)
}

/// `{"model_data": {...}, "state_dict": {"rec.…": …, "lin.…": …}}`.
pub(super) fn parse_proteus(object: &Map<String, Value>, name: &str) -> Result<LoadedModel, FormatError> {
    let Some(Value::Object(data)) = object.get("model_data") else {
        return Err(bad("\"model_data\" is not an object"));
    };
    let Some(Value::Object(state)) = object.get("state_dict") else {
        return Err(bad("\"state_dict\" is not an object"));
    };
    let model = text(data, "model").unwrap_or_default();
    if model != "SimpleRNN" {
        return Err(FormatError::unsupported(FORMAT, format!("model \"{model}\"; only SimpleRNN files are players' models")));
    }
    let inputs = integer(data, "input_size").map_err(bad)?.unwrap_or(1);
    if !(1..=3).contains(&inputs) {
        return Err(FormatError::unsupported(FORMAT, format!("input_size {inputs}; 1 to 3 (audio and up to two knobs) are supported")));
    }
    if let Some(outputs) = integer(data, "output_size").map_err(bad)?
        && outputs != 1
    {
        return Err(FormatError::unsupported(FORMAT, format!("output_size {outputs}; a model has one output")));
    }
    let unit = text(data, "unit_type").unwrap_or_default();
    let expected = match unit.as_str() {
        "LSTM" => CellKind::Lstm,
        "GRU" => CellKind::Gru,
        other => return Err(FormatError::unsupported(FORMAT, format!("unit_type \"{other}\"; LSTM and GRU are supported"))),
    };
    let skip = integer(data, "skip").map_err(bad)?.unwrap_or(0);
    if skip > 1 {
        return Err(FormatError::unsupported(FORMAT, format!("skip {skip}; only the audio channel (skip 1) can be added back")));
    }
    let layers = modules(state, inputs)?;
    if let Some(Layer::Recurrent(r)) = layers.first()
        && r.kind != expected
    {
        return Err(bad(format!("model_data says {unit} but the weights have the shape of the other cell")));
    }
    let network = Network { inputs, layers, input_gain: 1.0, output_gain: 1.0, skip: skip == 1 };
    network.validate().map_err(|e| bad(e.to_string()))?;
    // No file states its rate: GuitarML's players run them at 44.1 kHz, and their 48 kHz captures say so in the
    // file's name.
    let (sample_rate, rate_source) = if name.to_lowercase().contains("48k") {
        (48_000, RateSource::Assumed("48 kHz, from \"48k\" in the file's name (GuitarML files state no rate)"))
    } else {
        (44_100, RateSource::Assumed("44.1 kHz, as GuitarML's players run files that state no rate"))
    };
    let knobs = match inputs {
        2 => vec!["Drive".to_owned()],
        3 => vec!["Drive".to_owned(), "Tone".to_owned()],
        _ => Vec::new(),
    };
    let info = ModelInfo {
        format: Format::Proteus,
        name: name.to_owned(),
        architecture: network.describe(),
        parameters: network.parameter_count(),
        sample_rate,
        rate_source,
        knobs,
        details: Vec::new(),
    };
    Ok(LoadedModel { info, source: Source::Network(std::sync::Arc::new(network)) })
}

/// RTNeural's PyTorch exports: modules in file order, recurrent (possibly stacked) then linear.
pub(super) fn parse_state_dict(object: &Map<String, Value>, name: &str) -> Result<LoadedModel, FormatError> {
    let first = first_input_width(object).unwrap_or(1);
    if !(1..=3).contains(&first) {
        return Err(FormatError::unsupported(FORMAT, format!("{first} inputs; 1 to 3 are supported")));
    }
    let layers = modules(object, first)?;
    let network = Network { inputs: first, layers, input_gain: 1.0, output_gain: 1.0, skip: false };
    network.validate().map_err(|e| bad(e.to_string()))?;
    let info = ModelInfo {
        format: Format::Proteus,
        name: name.to_owned(),
        architecture: network.describe(),
        parameters: network.parameter_count(),
        sample_rate: 48_000,
        rate_source: RateSource::Assumed("48 kHz (a bare PyTorch state dict states no rate)"),
        knobs: (1..first).map(|k| format!("Param {k}")).collect(),
        details: Vec::new(),
    };
    Ok(LoadedModel { info, source: Source::Network(std::sync::Arc::new(network)) })
}

fn first_input_width(object: &Map<String, Value>) -> Option<usize> {
    let (_, value) = object.iter().find(|(k, _)| k.ends_with(".weight_ih_l0"))?;
    tensor(value, "").ok()?.shape.get(1).copied()
}

/// The module prefix ("rec", "lstm2") and parameter name ("weight_ih_l0", "bias") of a state-dict key.
fn split_key(key: &str) -> (&str, &str) {
    key.rsplit_once('.').unwrap_or(("", key))
}

/// Groups the state dict's keys by module, in file order, and converts each module to engine layers.
fn modules(state: &Map<String, Value>, inputs: usize) -> Result<Vec<Layer>, FormatError> {
    let mut order: Vec<&str> = Vec::new();
    for key in state.keys() {
        let (module, _) = split_key(key);
        if !order.contains(&module) {
            order.push(module);
        }
    }
    if order.len() > crate::network::MAX_LAYERS {
        return Err(bad(format!("{} modules; a player's model has a handful", order.len())));
    }
    let mut layers = Vec::new();
    let mut width = inputs;
    for module in order {
        let get = |param: &str| -> Result<Option<Tensor>, FormatError> {
            let key = if module.is_empty() { param.to_owned() } else { format!("{module}.{param}") };
            state.get(&key).map(|v| tensor(v, &key).map_err(bad)).transpose()
        };
        if get("weight_ih_l0")?.is_some() {
            let mut level = 0;
            while let Some(weight_ih) = get(&format!("weight_ih_l{level}"))? {
                let need = |param: &str| -> Result<Tensor, FormatError> {
                    get(&format!("{param}_l{level}"))?.ok_or_else(|| bad(format!("{module}: {param}_l{level} is missing")))
                };
                let layer = recurrent(module, level, weight_ih, need("weight_hh")?, need("bias_ih")?, need("bias_hh")?, width)?;
                width = layer.units;
                layers.push(Layer::Recurrent(layer));
                level += 1;
                if level > crate::network::MAX_LAYERS {
                    return Err(bad(format!("{module}: too many stacked layers")));
                }
            }
        } else if let Some(weight) = get("weight")? {
            let bias = get("bias")?;
            let dense = linear(module, weight, bias, width)?;
            width = dense.outputs;
            layers.push(Layer::Dense(dense));
        } else {
            return Err(FormatError::unsupported(FORMAT, format!("module \"{module}\" is neither a recurrent layer nor a linear one")));
        }
    }
    Ok(layers)
}

fn matrix(t: &Tensor, what: &str) -> Result<(usize, usize), FormatError> {
    match t.shape.as_slice() {
        [rows, cols] => Ok((*rows, *cols)),
        shape => Err(bad(format!("{what} has shape {shape:?}, not a matrix"))),
    }
}

/// `out x in` (PyTorch) transposed to `in x out` (Keras), with the gate blocks of each row reordered by
/// `block_of` (Keras block -> PyTorch block).
fn transposed(t: &Tensor, rows: usize, cols: usize, units: usize, block_of: impl Fn(usize) -> usize) -> Vec<f32> {
    let mut out = vec![0.0; rows * cols];
    for keras_col in 0..rows {
        let torch_row = block_of(keras_col / units.max(1)) * units + keras_col % units.max(1);
        for k in 0..cols {
            out[k * rows + keras_col] = t.data[torch_row * cols + k];
        }
    }
    out
}

fn reorder(values: &[f32], units: usize, block_of: impl Fn(usize) -> usize) -> Vec<f32> {
    (0..values.len()).map(|col| values[block_of(col / units) * units + col % units]).collect()
}

#[allow(clippy::too_many_arguments)]
fn recurrent(
    module: &str,
    level: usize,
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias_ih: Tensor,
    bias_hh: Tensor,
    width: usize,
) -> Result<RecurrentLayer, FormatError> {
    let at = |m: String| bad(format!("{module} layer {level}: {m}"));
    let (rows, inputs) = matrix(&weight_ih, "weight_ih")?;
    let (h_rows, units) = matrix(&weight_hh, "weight_hh")?;
    if units == 0 || h_rows != rows {
        return Err(at(format!("weight_hh is {h_rows} x {units}, weight_ih has {rows} rows")));
    }
    let kind = match rows / units {
        4 if rows % units == 0 => CellKind::Lstm,
        3 if rows % units == 0 => CellKind::Gru,
        _ => return Err(at(format!("{rows} gate rows for {units} units is neither an LSTM (4x) nor a GRU (3x)"))),
    };
    if inputs != width {
        return Err(at(format!("takes {inputs} inputs but the layer before gives {width}")));
    }
    for (what, bias) in [("bias_ih", &bias_ih), ("bias_hh", &bias_hh)] {
        if bias.shape != [rows] {
            return Err(at(format!("{what} has shape {:?}; {rows} values are needed", bias.shape)));
        }
    }
    // Keras block -> PyTorch block: the GRU's z and r trade places.
    let block_of = |block: usize| match (kind, block) {
        (CellKind::Gru, 0) => 1,
        (CellKind::Gru, 1) => 0,
        (_, b) => b,
    };
    let kernel = transposed(&weight_ih, rows, inputs, units, block_of);
    let recurrent_kernel = transposed(&weight_hh, rows, units, units, block_of);
    let (bias, recurrent_bias) = match kind {
        CellKind::Lstm => (bias_ih.data.iter().zip(&bias_hh.data).map(|(a, b)| a + b).collect(), Vec::new()),
        CellKind::Gru => (reorder(&bias_ih.data, units, block_of), reorder(&bias_hh.data, units, block_of)),
    };
    Ok(RecurrentLayer { kind, inputs, units, kernel, recurrent_kernel, bias, recurrent_bias })
}

fn linear(module: &str, weight: Tensor, bias: Option<Tensor>, width: usize) -> Result<DenseLayer, FormatError> {
    let (outputs, inputs) = matrix(&weight, &format!("{module}.weight"))?;
    if inputs != width {
        return Err(bad(format!("{module}: takes {inputs} inputs but the layer before gives {width}")));
    }
    let kernel = transposed(&weight, outputs, inputs, outputs.max(1), |b| b);
    let bias = match bias {
        Some(b) if b.shape == [outputs] => b.data,
        Some(b) => return Err(bad(format!("{module}.bias has shape {:?}; {outputs} values are needed", b.shape))),
        None => vec![0.0; outputs],
    };
    Ok(DenseLayer { inputs, outputs, kernel, bias, activation: Activation::Linear })
}
