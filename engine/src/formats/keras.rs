//! AIDA-X models and RTNeural's Keras exports: `{"in_shape": [null, null, N], "layers": [...]}`, each layer a
//! `type`, an `activation` and its Keras weight arrays (Keras' own layout, which is the engine's).
//!
//! AIDA-X adds `in_skip` (the audio input added to the output), `in_gain` / `out_gain` in dB, a `samplerate`
//! (a number or a string) and optionally `input_batch` / `output_batch`, test vectors the model must
//! reproduce, which loading checks.

use serde_json::{Map, Value};

use super::json::{Tensor, number, tensor, text};
use super::{Format, FormatError, LoadedModel, ModelInfo, RateSource, Source};
use crate::network::{Activation, CellKind, DenseLayer, Layer, Network, NetworkStream, RecurrentLayer};

const FORMAT: &str = "AIDA-X / RTNeural";

/// AIDA-X (the reference player of these files) runs a model at 48 kHz when it names no rate.
const ASSUMED_RATE: u32 = 48_000;

/// How far a file's own test output may be from ours: the f32 rounding of a few hundred steps.
const TEST_VECTOR_TOLERANCE: f32 = 1e-4;

fn bad(message: impl Into<String>) -> FormatError {
    FormatError::malformed(FORMAT, message)
}

pub(super) fn parse(object: &Map<String, Value>, name: &str) -> Result<LoadedModel, FormatError> {
    let inputs = input_count(object)?;
    let Some(Value::Array(raw_layers)) = object.get("layers") else {
        return Err(bad("\"layers\" is not a list"));
    };
    let mut layers = Vec::with_capacity(raw_layers.len());
    let mut width = inputs;
    for (index, raw) in raw_layers.iter().enumerate() {
        let at = |e: String| bad(format!("layer {}: {e}", index + 1));
        let Value::Object(layer) = raw else {
            return Err(at("not an object".into()));
        };
        for parsed in parse_layer(layer, width).map_err(|e| match e {
            LayerError::Bad(m) => at(m),
            LayerError::Unsupported(m) => FormatError::unsupported(FORMAT, format!("layer {}: {m}", index + 1)),
        })? {
            width = parsed.outputs(width);
            layers.push(parsed);
        }
    }
    let gain = |key: &str| -> Result<f32, FormatError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(1.0),
            Some(v) => number(v).map(|db| 10f32.powf(db / 20.0)).ok_or_else(|| bad(format!("\"{key}\" is {v}, not a number of dB"))),
        }
    };
    let skip = match object.get("in_skip") {
        None | Some(Value::Null) => false,
        Some(v) => match number(v) {
            Some(s) if s == 0.0 || s == 1.0 => s == 1.0,
            _ => return Err(bad(format!("\"in_skip\" is {v}; it is 0 or 1"))),
        },
    };
    let network = Network { inputs, layers, input_gain: gain("in_gain")?, output_gain: gain("out_gain")?, skip };
    network.validate().map_err(|e| bad(e.to_string()))?;
    check_test_vectors(object, &network)?;

    let rate = object.get("samplerate").or_else(|| object.get("metadata").and_then(|m| m.get("samplerate")));
    let (sample_rate, rate_source) = match rate {
        Some(v) if !v.is_null() => (super::json::sample_rate(v).map_err(bad)?, RateSource::File),
        _ => (ASSUMED_RATE, RateSource::Assumed("48 kHz, as AIDA-X plays a file that names no rate")),
    };
    let mut details = Vec::new();
    for (key, label) in [("author", "Captured by"), ("name", "Name"), ("description", "Description")] {
        if let Some(value) = text(object, key) {
            details.push((label.to_owned(), value));
        }
    }
    if let Some(esr) = object.get("esr").and_then(number) {
        details.push(("ESR (file)".to_owned(), format!("{:.2} %", 100.0 * esr)));
    }
    let info = ModelInfo {
        format: Format::AidaX,
        name: text(object, "name").unwrap_or_else(|| name.to_owned()),
        architecture: network.describe(),
        parameters: network.parameter_count(),
        sample_rate,
        rate_source,
        knobs: (1..inputs).map(|k| format!("Param {k}")).collect(),
        details,
    };
    Ok(LoadedModel { info, source: Source::Network(std::sync::Arc::new(network)) })
}

fn input_count(object: &Map<String, Value>) -> Result<usize, FormatError> {
    let Some(Value::Array(shape)) = object.get("in_shape") else {
        return Err(bad("\"in_shape\" is not a list"));
    };
    match shape.last().and_then(number) {
        Some(n) if (1.0..=3.0).contains(&n) && n.fract() == 0.0 => Ok(n as usize),
        Some(n) => Err(FormatError::unsupported(FORMAT, format!("{n} inputs; AIDA-X models take 1 to 3 (audio and up to two knobs)"))),
        None => Err(bad("\"in_shape\" does not end in an input count")),
    }
}

enum LayerError {
    Bad(String),
    Unsupported(String),
}

impl From<String> for LayerError {
    fn from(m: String) -> Self {
        LayerError::Bad(m)
    }
}

/// One file layer becomes one or two engine layers (a dense layer's activation is its own engine layer only
/// when the dense layer does not carry it).
fn parse_layer(layer: &Map<String, Value>, width: usize) -> Result<Vec<Layer>, LayerError> {
    let kind = text(layer, "type").unwrap_or_default();
    let activation_name = text(layer, "activation").unwrap_or_default();
    let activation = Activation::from_name(&activation_name)
        .ok_or_else(|| LayerError::Unsupported(format!("activation \"{activation_name}\" is not supported")))?;
    let weights: Vec<Tensor> = match layer.get("weights") {
        Some(Value::Array(ws)) => ws.iter().enumerate().map(|(i, w)| tensor(w, &format!("weight {i}"))).collect::<Result<_, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("\"weights\" is not a list".to_owned().into()),
    };
    let units = layer.get("shape").and_then(|s| s.as_array()).and_then(|s| s.last()).and_then(number);
    match kind.as_str() {
        "dense" | "time-distributed-dense" => {
            let (kernel, bias) = match weights.as_slice() {
                [k] => (k, None),
                [k, b] => (k, Some(b)),
                _ => return Err(format!("a dense layer has {} weight arrays; it needs a kernel and a bias", weights.len()).into()),
            };
            let (rows, outputs) = matrix(kernel, "kernel")?;
            let bias = match bias {
                Some(b) => vector(b, outputs, "bias")?,
                None => vec![0.0; outputs],
            };
            check_inputs(rows, width)?;
            Ok(vec![Layer::Dense(DenseLayer { inputs: rows, outputs, kernel: kernel.data.clone(), bias, activation })])
        }
        "activation" => Ok(vec![Layer::Activation(activation)]),
        "lstm" | "gru" => {
            let cell = if kind == "lstm" { CellKind::Lstm } else { CellKind::Gru };
            let gates = if cell == CellKind::Lstm { 4 } else { 3 };
            let [kernel, recurrent, bias] = weights.as_slice() else {
                return Err(format!("a recurrent layer has {} weight arrays; it needs kernel, recurrent kernel and bias", weights.len()).into());
            };
            let (rows, cols) = matrix(kernel, "kernel")?;
            check_inputs(rows, width)?;
            if cols % gates != 0 {
                return Err(format!("kernel has {cols} columns, not a multiple of {gates} gates").into());
            }
            let hidden = cols / gates;
            if units.is_some_and(|u| u as usize != hidden) {
                return Err(format!("shape says {} units, the weights have {hidden}", units.unwrap_or_default()).into());
            }
            let (r_rows, r_cols) = matrix(recurrent, "recurrent kernel")?;
            if (r_rows, r_cols) != (hidden, cols) {
                return Err(format!("recurrent kernel is {r_rows} x {r_cols}; {hidden} units need {hidden} x {cols}").into());
            }
            let (bias, recurrent_bias) = match (cell, bias.shape.as_slice()) {
                (CellKind::Lstm, [n]) if *n == cols => (bias.data.clone(), Vec::new()),
                // Keras' GRU with reset_after keeps the input and the recurrent bias as two rows.
                (CellKind::Gru, [2, n]) if *n == cols => (bias.data[..cols].to_vec(), bias.data[cols..].to_vec()),
                (CellKind::Gru, [n]) if *n == cols => {
                    return Err(LayerError::Unsupported(
                        "a GRU with reset_after=False (one bias row); export it with Keras' default reset_after=True".into(),
                    ));
                }
                (_, shape) => return Err(format!("bias has shape {shape:?}; {hidden} units need {cols} values per row").into()),
            };
            Ok(vec![Layer::Recurrent(RecurrentLayer {
                kind: cell,
                inputs: rows,
                units: hidden,
                kernel: kernel.data.clone(),
                recurrent_kernel: recurrent.data.clone(),
                bias,
                recurrent_bias,
            })])
        }
        other => Err(LayerError::Unsupported(format!("layer type \"{other}\" is not supported (LSTM, GRU, dense and activation layers are)"))),
    }
}

fn check_inputs(rows: usize, width: usize) -> Result<(), String> {
    if rows == width { Ok(()) } else { Err(format!("takes {rows} inputs but the layer before gives {width}")) }
}

fn matrix(t: &Tensor, what: &str) -> Result<(usize, usize), String> {
    match t.shape.as_slice() {
        [rows, cols] => Ok((*rows, *cols)),
        shape => Err(format!("{what} has shape {shape:?}, not a matrix")),
    }
}

fn vector(t: &Tensor, len: usize, what: &str) -> Result<Vec<f32>, String> {
    match t.shape.as_slice() {
        [n] if *n == len => Ok(t.data.clone()),
        shape => Err(format!("{what} has shape {shape:?}; {len} values are needed")),
    }
}

/// `input_batch` / `output_batch`, where present: the model run from zero state on the one must give the other.
fn check_test_vectors(object: &Map<String, Value>, network: &Network) -> Result<(), FormatError> {
    let (Some(input), Some(output)) = (object.get("input_batch"), object.get("output_batch")) else {
        return Ok(());
    };
    let input = tensor(input, "input_batch").map_err(bad)?;
    let output = tensor(output, "output_batch").map_err(bad)?;
    let steps = output.data.len();
    // AIDA-X's trainer stores the audio channel alone (knobs at 0); a full frame per step is read too.
    let frame = if input.data.len() == steps { 1 } else { network.inputs };
    if steps == 0 || input.data.len() != steps * frame {
        return Err(bad(format!(
            "input_batch has {} values and output_batch {steps}; with {} inputs they do not match",
            input.data.len(),
            network.inputs
        )));
    }
    // As AIDA-X's own check runs it: gains at unity, the skip applied.
    let bare = Network { input_gain: 1.0, output_gain: 1.0, ..network.clone() };
    let mut stream = NetworkStream::new(&bare).map_err(|e| bad(e.to_string()))?;
    let mut worst = 0.0f32;
    for (values, &expected) in input.data.chunks_exact(frame).zip(&output.data) {
        stream.set_knobs(&values[1..]);
        worst = worst.max((stream.process_sample(values[0]) - expected).abs());
    }
    if worst.is_finite() && worst <= TEST_VECTOR_TOLERANCE {
        Ok(())
    } else {
        Err(FormatError::TestVectors { error: worst, tolerance: TEST_VECTOR_TOLERANCE })
    }
}
