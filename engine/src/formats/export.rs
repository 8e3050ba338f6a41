//! BlackBox models written in the community's formats, so they play in NAM's and AIDA-X's players.
//!
//! - `.nam` (NAM's LSTM): per layer `W = [weight_ih | weight_hh]` (`4H x (I + H)`, PyTorch rows), the summed
//!   bias, the initial `h0` and `c0` (zero: BlackBox models start from silence), then the head's weights and
//!   bias. NAM's LSTM takes the audio alone, so a gain-conditioned model is exported at one knob position,
//!   folded exactly into the bias (`z = x K_0 + k K_1 + b = x K_0 + (b + k K_1)`).
//! - AIDA-X (RTNeural's Keras JSON): the engine's own layout; the knob stays a knob (`in_shape` 2), and the
//!   file carries `input_batch` / `output_batch` test vectors so that a loader can check it.

use serde_json::{Value, json};

use super::FormatError;
use crate::loudness::{TARGET_LUFS, model_loudness, reference};
use crate::model::{GATES, LstmWeights, ModelFile};
use crate::network::{Network, NetworkStream};

/// The `.nam` format version written; NAM Core reads 0.5.0 to 0.7.x.
const NAM_VERSION: &str = "0.5.4";
/// Samples of test vectors written into an AIDA-X file (AIDA-X's trainer writes 2048 too).
const TEST_VECTOR_SAMPLES: usize = 2048;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Nam,
    AidaX,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Nam => "nam",
            ExportFormat::AidaX => "json",
        }
    }
}

/// The file's text. `knob` is the conditioning value baked into a `.nam` export of a gain-conditioned model
/// (required there, ignored otherwise).
pub fn export(model: &ModelFile, format: ExportFormat, knob: Option<f32>) -> Result<String, FormatError> {
    model.validate()?;
    let value = match format {
        ExportFormat::Nam => to_nam(model, knob)?,
        ExportFormat::AidaX => to_aidax(model)?,
    };
    serde_json::to_string(&value).map_err(|e| FormatError::malformed("export", e.to_string()))
}

fn metadata(model: &ModelFile) -> Value {
    let m = &model.metadata;
    let loudness = model_loudness(model);
    json!({
        "name": m.name,
        "gear_make": m.effect,
        "gear_model": m.experiment,
        "modeled_by": "BlackBox",
        "trainer": m.written_by,
        "blackbox": {
            "provenance": m.provenance.summary(),
            "setting": m.gain.name(),
            "method": format!("{:?}", m.method),
            "streaming_test_esr": m.mean_streaming_esr(),
            "loudness_lufs_on_blackbox_reference": loudness.at(0.0),
            "blackbox_target_lufs": TARGET_LUFS,
        },
    })
}

/// Folds conditioning inputs into the bias at `knob`, leaving a model of the audio alone.
fn audio_only(weights: &LstmWeights, knob: f32) -> LstmWeights {
    let cols = GATES * weights.hidden_size;
    let mut bias = weights.bias.clone();
    for input in 1..weights.input_size {
        for (b, k) in bias.iter_mut().zip(&weights.kernel[input * cols..(input + 1) * cols]) {
            *b += knob * k;
        }
    }
    LstmWeights { input_size: 1, kernel: weights.kernel[..cols].to_vec(), bias, ..weights.clone() }
}

fn to_nam(model: &ModelFile, knob: Option<f32>) -> Result<Value, FormatError> {
    let weights = if model.weights.input_size > 1 {
        let Some(knob) = knob else {
            return Err(FormatError::unsupported(
                "NAM export",
                "this model is gain-conditioned and NAM's LSTM takes the audio alone: choose the knob position \
                 to bake in (--knob gain=0.5), or export to AIDA-X, which keeps the knob",
            ));
        };
        audio_only(&model.weights, knob.clamp(0.0, 1.0))
    } else {
        model.weights.clone()
    };
    let (hidden, inputs) = (weights.hidden_size, weights.input_size);
    let cols = GATES * hidden;
    let mut flat = Vec::with_capacity(cols * (inputs + hidden + 1) + 3 * hidden + 1);
    // PyTorch's rows are Keras' columns: the gate orders agree (i, f, g, o).
    for col in 0..cols {
        flat.extend((0..inputs).map(|k| weights.kernel[k * cols + col]));
        flat.extend((0..hidden).map(|k| weights.recurrent_kernel[k * cols + col]));
    }
    flat.extend_from_slice(&weights.bias);
    flat.extend(std::iter::repeat_n(0.0, 2 * hidden));
    flat.extend_from_slice(&weights.dense_kernel);
    flat.push(weights.dense_bias);
    let mut meta = metadata(model);
    meta["gear_type"] = json!("pedal");
    if let Some(knob) = knob.filter(|_| model.weights.input_size > 1) {
        meta["blackbox"]["baked_knob"] = json!(knob);
    }
    Ok(json!({
        "version": NAM_VERSION,
        "architecture": "LSTM",
        "config": {"input_size": 1, "hidden_size": hidden, "num_layers": 1},
        "weights": flat,
        "sample_rate": model.metadata.sample_rate,
        "metadata": meta,
    }))
}

fn rows(values: &[f32], width: usize) -> Vec<&[f32]> {
    values.chunks(width).collect()
}

fn to_aidax(model: &ModelFile) -> Result<Value, FormatError> {
    let w = &model.weights;
    let cols = GATES * w.hidden_size;
    let dense: Vec<[f32; 1]> = w.dense_kernel.iter().map(|&v| [v]).collect();
    let input = test_input(model.metadata.sample_rate);
    let mut stream = NetworkStream::new(&Network::from_lstm(w))?;
    let output: Vec<f32> = input.iter().map(|&x| stream.process_sample(x)).collect();
    Ok(json!({
        "in_shape": [null, null, w.input_size],
        "in_skip": 0,
        "in_gain": 0.0,
        "out_gain": 0.0,
        "layers": [
            {
                "type": "lstm",
                "activation": "tanh",
                "shape": [null, null, w.hidden_size],
                "weights": [rows(&w.kernel, cols), rows(&w.recurrent_kernel, cols), w.bias],
            },
            {"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [dense, [w.dense_bias]]},
        ],
        "samplerate": model.metadata.sample_rate.to_string(),
        "author": "BlackBox",
        "metadata": metadata(model),
        "input_batch": input,
        "output_batch": output,
    }))
}

/// The opening of the loudness reference passage: plucked notes, so the vectors exercise the whole state.
fn test_input(rate: u32) -> Vec<f32> {
    let mut passage = reference::passage(rate);
    passage.truncate(TEST_VECTOR_SAMPLES);
    passage
}
