//! NAM's `Linear` architecture: `{"config": {"receptive_field": N, "bias": bool}, "weights": [w_0 … w_N-1, b?]}`,
//! a causal convolution (PyTorch's Conv1d, so `w_N-1` multiplies the newest sample) plus an optional bias.
//! `nam-rs` does not run it; it is an FIR filter, which the cabinet's zero-latency convolver plays.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::json::{integer, sample_rate, tensor};
use super::{Format, FormatError, LoadedModel, ModelInfo, RateSource, Source};

const FORMAT: &str = "NAM";
/// Two seconds at 48 kHz, the cabinet convolver's own limit.
const MAX_TAPS: usize = 96_000;

pub(super) fn parse(object: &Map<String, Value>, name: &str) -> Result<LoadedModel, FormatError> {
    let bad = |m: String| FormatError::malformed(FORMAT, m);
    let Some(Value::Object(config)) = object.get("config") else {
        return Err(bad("a Linear model without a \"config\" object".into()));
    };
    let taps = integer(config, "receptive_field").map_err(bad)?.unwrap_or(0);
    if taps == 0 || taps > MAX_TAPS {
        return Err(FormatError::unsupported(FORMAT, format!("a linear filter of {taps} taps; 1..={MAX_TAPS} are supported")));
    }
    let bias = matches!(config.get("bias"), Some(Value::Bool(true)));
    let weights = tensor(object.get("weights").unwrap_or(&Value::Null), "weights").map_err(bad)?;
    let expected = taps + usize::from(bias);
    if weights.shape.len() != 1 || weights.data.len() != expected {
        return Err(bad(format!("{} weights; a {taps}-tap filter{} needs {expected}", weights.data.len(), if bias { " with bias" } else { "" })));
    }
    if let Some(i) = weights.data.iter().position(|w| !w.is_finite()) {
        return Err(bad(format!("weight {i} is not finite")));
    }
    let mut filter: Vec<f32> = weights.data[..taps].to_vec();
    filter.reverse();
    let (rate, rate_source) = match object.get("sample_rate") {
        Some(v) if !v.is_null() => (sample_rate(v).map_err(bad)?, RateSource::File),
        _ => (48_000, RateSource::Assumed("48 kHz, NAM's rule for a file that names no rate")),
    };
    let info = ModelInfo {
        format: Format::Nam,
        name: name.to_owned(),
        architecture: format!("NAM Linear ({taps}-tap filter{})", if bias { " and bias" } else { "" }),
        parameters: expected,
        sample_rate: rate,
        rate_source,
        knobs: Vec::new(),
        details: Vec::new(),
    };
    let bias = if bias { weights.data[taps] } else { 0.0 };
    Ok(LoadedModel { info, source: Source::Fir { taps: Arc::new(filter), bias } })
}
