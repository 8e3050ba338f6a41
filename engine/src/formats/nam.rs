//! Neural Amp Modeler `.nam` files, parsed and run by the `nam-rs` crate.
//!
//! `nam-rs` checks that a file's weights match its config, but it sizes its buffers from the config, so a
//! hostile file that declares a dilation of a billion would have it allocate gigabytes; [`check_bounds`]
//! refuses such configs first, far above anything a trainer writes. Building the runtime is tried once here
//! (inside `catch_unwind`, in case a file reaches a path the crate did not guard), so a file that loads is a
//! file that plays.

use std::sync::Arc;

use nam_rs::{Model, ModelConfig, NamModel};

use super::{Format, FormatError, LoadedModel, ModelInfo, RateSource, Source};

const FORMAT: &str = "NAM";

/// Bounds far beyond NAM's "standard" (16 channels, dilations up to 512) and "xstd" architectures.
const MAX_CHANNELS: usize = 256;
const MAX_DILATION: usize = 1 << 15;
const MAX_KERNEL: usize = 64;
const MAX_RECEPTIVE_FIELD: usize = 1 << 17;
const MAX_NESTING: usize = 4;
const MAX_SUBMODELS: usize = 8;
const MAX_LSTM_UNITS: usize = 1024;
const MAX_LSTM_LAYERS: usize = 16;

pub(super) fn parse(text: &str, name: &str) -> Result<LoadedModel, FormatError> {
    let model = NamModel::from_json_str(text).map_err(|e| FormatError::malformed(FORMAT, e.to_string()))?;
    check_bounds(&model, 0)?;
    if let Some(i) = model.weights.iter().position(|w| !w.is_finite()) {
        return Err(FormatError::malformed(FORMAT, format!("weight {i} is not finite")));
    }
    build(&model)?;
    let sample_rate = model.expected_sample_rate();
    if !(8_000.0..=384_000.0).contains(&sample_rate) {
        return Err(FormatError::malformed(FORMAT, format!("sample rate {sample_rate} Hz is implausible")));
    }
    let rate_source = match model.sample_rate {
        Some(_) => RateSource::File,
        None => RateSource::Assumed("48 kHz, NAM's rule for a file that names no rate"),
    };
    let meta = model.metadata_typed();
    let mut details = Vec::new();
    let mut add = |label: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            details.push((label.to_owned(), v));
        }
    };
    let gear = [meta.gear_make.clone(), meta.gear_model.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    add("Gear", Some(gear));
    add("Gear type", meta.gear_type.clone());
    add("Tone", meta.tone_type.clone());
    add("Captured by", meta.modeled_by.clone());
    add("Trained with", meta.trainer.clone());
    add("Loudness (file, dBFS RMS)", meta.loudness.map(|l| format!("{l:.1}")));
    add("Input level", meta.input_level_dbu.map(|l| format!("{l:.1} dBu at 0 dBFS")));
    add("Output level", meta.output_level_dbu.map(|l| format!("{l:.1} dBu at 0 dBFS")));
    add("Includes a cabinet", meta.includes_cab().map(|c| if c { "yes" } else { "no" }.to_owned()));
    let info = ModelInfo {
        format: Format::Nam,
        name: meta.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| name.to_owned()),
        architecture: describe(&model),
        parameters: weight_count(&model),
        sample_rate: sample_rate.round() as u32,
        rate_source,
        knobs: Vec::new(),
        details,
    };
    Ok(LoadedModel { info, source: Source::Nam(Arc::new(model)) })
}

/// The runtime, or the reason it cannot be built.
pub(super) fn build(model: &NamModel) -> Result<Model, FormatError> {
    match std::panic::catch_unwind(|| Model::from_nam(model)) {
        Ok(Ok(runtime)) => Ok(runtime),
        Ok(Err(e)) => Err(FormatError::unsupported(FORMAT, e.to_string())),
        Err(_) => Err(FormatError::malformed(FORMAT, "its config is inconsistent (the NAM runtime could not be built)")),
    }
}

fn check_bounds(model: &NamModel, depth: usize) -> Result<(), FormatError> {
    let refuse = |m: String| Err(FormatError::unsupported(FORMAT, m));
    if depth > MAX_NESTING {
        return refuse(format!("models nested more than {MAX_NESTING} deep"));
    }
    match &model.config {
        ModelConfig::Lstm(c) => {
            // nam-rs feeds its LSTM the audio sample alone.
            if c.input_size != 1 {
                return refuse(format!("an LSTM with {} inputs; NAM LSTMs take the audio alone", c.input_size));
            }
            if c.hidden_size == 0 || c.hidden_size > MAX_LSTM_UNITS || c.num_layers == 0 || c.num_layers > MAX_LSTM_LAYERS {
                return refuse(format!("an LSTM of {} layers x {} units", c.num_layers, c.hidden_size));
            }
        }
        ModelConfig::WaveNet(c) => {
            if let Some(inner) = &c.condition_dsp {
                check_bounds(inner, depth + 1)?;
            }
            let mut field = 0usize;
            for array in &c.layers {
                let widths = [array.channels, array.bottleneck, array.input_size, array.condition_size, array.head_size];
                if widths.iter().any(|&w| w > MAX_CHANNELS) {
                    return refuse(format!("a layer array {widths:?} wide; at most {MAX_CHANNELS} channels"));
                }
                if array.dilations.iter().any(|&d| d > MAX_DILATION) || array.kernel_sizes.iter().any(|&k| k > MAX_KERNEL) {
                    return refuse(format!("dilations or kernels beyond {MAX_DILATION} / {MAX_KERNEL}"));
                }
                let kernel = |i: usize| array.kernel_sizes.get(i).or(array.kernel_sizes.last()).copied().unwrap_or(1);
                for (i, d) in array.dilations.iter().enumerate() {
                    field = field.saturating_add(d.saturating_mul(kernel(i).saturating_sub(1)));
                }
                field = field.saturating_add(array.head_kernel_size);
            }
            if field > MAX_RECEPTIVE_FIELD {
                return refuse(format!("a receptive field of {field} samples; at most {MAX_RECEPTIVE_FIELD}"));
            }
        }
        ModelConfig::Slimmable(c) => {
            if c.submodels.len() > MAX_SUBMODELS {
                return refuse(format!("{} submodels; at most {MAX_SUBMODELS}", c.submodels.len()));
            }
            for sub in &c.submodels {
                check_bounds(&sub.model, depth + 1)?;
            }
        }
    }
    Ok(())
}

fn weight_count(model: &NamModel) -> usize {
    match &model.config {
        ModelConfig::Slimmable(c) => c.submodels.iter().map(|s| weight_count(&s.model)).sum(),
        ModelConfig::WaveNet(c) => model.weights.len() + c.condition_dsp.as_deref().map_or(0, weight_count),
        ModelConfig::Lstm(_) => model.weights.len(),
    }
}

fn describe(model: &NamModel) -> String {
    match &model.config {
        ModelConfig::Lstm(c) => format!("NAM LSTM {} x {}", c.num_layers, c.hidden_size),
        ModelConfig::WaveNet(c) => {
            let channels: Vec<String> = c.layers.iter().map(|a| a.channels.to_string()).collect();
            let mut text = format!("WaveNet, {} layer arrays of {} channels", c.layers.len(), channels.join(" + "));
            if c.condition_dsp.is_some() {
                text.push_str(", with a conditioning model");
            }
            text
        }
        ModelConfig::Slimmable(c) => format!("NAM A2 slimmable container of {} submodels (playing the full one)", c.submodels.len()),
    }
}
