//! Reading tensors and fields out of parsed JSON, with errors that say which field is wrong.

use serde_json::{Map, Value};

/// A dense tensor: its shape (outermost first) and its values in row-major order.
pub(super) struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Deeper than any model tensor (RTNeural's deepest are 3-D); bounds the recursion on hostile input.
const MAX_RANK: usize = 4;

/// A number, or an array of numbers nested to any rank up to [`MAX_RANK`], rectangular.
pub(super) fn tensor(value: &Value, what: &str) -> Result<Tensor, String> {
    let mut shape = Vec::new();
    let mut probe = value;
    while let Value::Array(items) = probe {
        if shape.len() == MAX_RANK {
            return Err(format!("{what} is nested deeper than {MAX_RANK} levels"));
        }
        shape.push(items.len());
        match items.first() {
            Some(first) => probe = first,
            None => break,
        }
    }
    let mut data = Vec::with_capacity(shape.iter().product());
    collect(value, &shape, &mut data).map_err(|m| format!("{what}: {m}"))?;
    Ok(Tensor { shape, data })
}

fn collect(value: &Value, shape: &[usize], out: &mut Vec<f32>) -> Result<(), String> {
    match (value, shape.split_first()) {
        (Value::Array(items), Some((&len, rest))) => {
            if items.len() != len {
                return Err(format!("rows of different lengths ({} and {len})", items.len()));
            }
            items.iter().try_for_each(|item| collect(item, rest, out))
        }
        (Value::Array(_), None) => Err("an array where a number belongs".into()),
        (_, Some(_)) => Err("a number or text where an array belongs".into()),
        (value, None) => {
            out.push(number(value).ok_or_else(|| format!("{value} is not a number"))?);
            Ok(())
        }
    }
}

/// A JSON number, or a number written as a string (some exporters write them so).
pub(super) fn number(value: &Value) -> Option<f32> {
    match value {
        Value::Number(n) => n.as_f64().map(|v| v as f32),
        Value::String(s) => s.trim().parse::<f32>().ok(),
        _ => None,
    }
}

pub(super) fn integer(object: &Map<String, Value>, key: &str) -> Result<Option<usize>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match number(v) {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e7 => Ok(Some(n as usize)),
            _ => Err(format!("\"{key}\" is {v}, not a whole number")),
        },
    }
}

/// A sample rate from a number or a string such as "48000" or "48000.0".
pub(super) fn sample_rate(value: &Value) -> Result<u32, String> {
    let rate = number(value).ok_or_else(|| format!("sample rate {value} is not a number"))?;
    if (8_000.0..=384_000.0).contains(&rate) {
        Ok(rate.round() as u32)
    } else {
        Err(format!("sample rate {rate} Hz is implausible"))
    }
}

pub(super) fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
