//! The community formats' conversions checked against the equations of the frameworks that trained them,
//! written out here in f64 straight from each file's own layout (PyTorch's gate order and split biases,
//! Keras' kernels), so a slip in a loader's reordering cannot hide behind the same slip in a reference.
//! A test that feeds a loader deliberately swapped gates proves the check can fail.

use std::path::{Path, PathBuf};

use blackbox_engine::formats;
use blackbox_engine::simd::Kernel;
use blackbox_engine::network::{Activation, CellKind, DenseLayer, Layer, Network, NetworkStream, RecurrentLayer};
use serde_json::Value;

fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("SKIPPED: {} is not there (it lives outside the repository)", path.display());
        None
    }
}

/// A second of a real DI clip (any clip: only the arithmetic is compared), scaled to a hot pickup's level.
fn guitar() -> Vec<f32> {
    let path = shared("data/di/Power.wav").expect("the DI clips");
    let mut reader = hound::WavReader::open(&path).expect("a WAV");
    let scale = 1.0 / (1i64 << (reader.spec().bits_per_sample - 1)) as f32;
    let audio: Vec<f32> = reader.samples::<i32>().skip(48_000).take(24_000).map(|s| s.expect("sample") as f32 * scale).collect();
    let peak = audio.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    audio.iter().map(|v| 0.5 * v / peak).collect()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().expect("a number")],
        other => panic!("not a number: {other}"),
    }
}

/// PyTorch's SimpleRNN as GuitarML trains it: `lin(rnn(x)) + x[0]`, weights in PyTorch's own layout.
fn proteus_reference(json: &Value, audio: &[f32], knobs: &[f64]) -> Vec<f64> {
    let data = &json["model_data"];
    let state = &json["state_dict"];
    let (inputs, units) = (data["input_size"].as_u64().unwrap() as usize, data["hidden_size"].as_u64().unwrap() as usize);
    let lstm = data["unit_type"] == "LSTM";
    let (w_ih, w_hh) = (floats(&state["rec.weight_ih_l0"]), floats(&state["rec.weight_hh_l0"]));
    let (b_ih, b_hh) = (floats(&state["rec.bias_ih_l0"]), floats(&state["rec.bias_hh_l0"]));
    let (lin_w, lin_b) = (floats(&state["lin.weight"]), floats(&state["lin.bias"])[0]);
    let rows = if lstm { 4 } else { 3 } * units;
    let (mut h, mut c) = (vec![0.0f64; units], vec![0.0f64; units]);
    let mut out = Vec::with_capacity(audio.len());
    for &sample in audio {
        let mut x = vec![sample as f64];
        x.extend_from_slice(&knobs[..inputs - 1]);
        let gi: Vec<f64> = (0..rows).map(|r| b_ih[r] + (0..inputs).map(|k| w_ih[r * inputs + k] * x[k]).sum::<f64>()).collect();
        let gh: Vec<f64> = (0..rows).map(|r| b_hh[r] + (0..units).map(|k| w_hh[r * units + k] * h[k]).sum::<f64>()).collect();
        for j in 0..units {
            if lstm {
                let g = |b: usize| gi[b * units + j] + gh[b * units + j];
                c[j] = sigmoid(g(1)) * c[j] + sigmoid(g(0)) * g(2).tanh();
                h[j] = sigmoid(g(3)) * c[j].tanh();
            } else {
                let r = sigmoid(gi[j] + gh[j]);
                let z = sigmoid(gi[units + j] + gh[units + j]);
                let n = (gi[2 * units + j] + r * gh[2 * units + j]).tanh();
                h[j] = (1.0 - z) * n + z * h[j];
            }
        }
        let skip = if data["skip"].as_u64() == Some(1) { x[0] } else { 0.0 };
        out.push(lin_b + (0..units).map(|j| lin_w[j] * h[j]).sum::<f64>() + skip);
    }
    out
}

/// AIDA-X's player: `out_gain * (u + dense(lstm(u)))` with `u = in_gain * x`, gains in dB, Keras layout.
fn aidax_reference(json: &Value, audio: &[f32]) -> Vec<f64> {
    let layers = json["layers"].as_array().unwrap();
    let (kernel, recurrent, bias) =
        (floats(&layers[0]["weights"][0]), floats(&layers[0]["weights"][1]), floats(&layers[0]["weights"][2]));
    let (dense, dense_bias) = (floats(&layers[1]["weights"][0]), floats(&layers[1]["weights"][1])[0]);
    let units = dense.len();
    let cols = 4 * units;
    let db = |key: &str| json.get(key).and_then(Value::as_f64).map_or(1.0, |g| 10f64.powf(g / 20.0));
    let skip = json.get("in_skip").and_then(Value::as_f64) == Some(1.0);
    let (mut h, mut c) = (vec![0.0f64; units], vec![0.0f64; units]);
    audio
        .iter()
        .map(|&x| {
            let u = db("in_gain") * x as f64;
            let z: Vec<f64> =
                (0..cols).map(|col| bias[col] + u * kernel[col] + (0..units).map(|k| h[k] * recurrent[k * cols + col]).sum::<f64>()).collect();
            for j in 0..units {
                c[j] = sigmoid(z[units + j]) * c[j] + sigmoid(z[j]) * z[2 * units + j].tanh();
                h[j] = sigmoid(z[3 * units + j]) * c[j].tanh();
            }
            let y = dense_bias + (0..units).map(|j| dense[j] * h[j]).sum::<f64>();
            db("out_gain") * (y + if skip { u } else { 0.0 })
        })
        .collect()
}

fn worst(ours: &[f32], reference: &[f64]) -> f64 {
    ours.iter().zip(reference).map(|(a, b)| (*a as f64 - b).abs()).fold(0.0, f64::max)
}

fn play(path: &Path, audio: &[f32], knobs: &[f32]) -> Vec<f32> {
    let mut player = formats::load(path).unwrap_or_else(|e| panic!("{e}")).player().expect("a player");
    player.set_knobs(knobs);
    let mut out = audio.to_vec();
    player.process_in_place(&mut out);
    out
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

const TOLERANCE: f64 = 1e-4;

#[test]
fn guitarml_files_match_pytorchs_equations() {
    let Some(folder) = shared("models/guitarml") else { return };
    let audio = guitar();
    for (file, knobs) in [
        ("Automated-GuitarAmpModelling__ht1-ht11__model_best.json", vec![]),
        ("Automated-GuitarAmpModelling__muff-muff4__model_best.json", vec![]),
        ("rnn-distortion-emulator__DS1__not_model_best.json", vec![]),
        ("ToneLibrary__Proteus_TS9_DriveKnob.json", vec![0.7]),
        ("TS-M1N3__model_ts9_48k_cond2.json", vec![0.3, 0.8]),
    ] {
        let path = folder.join(file);
        let reference = proteus_reference(&read_json(&path), &audio, &knobs);
        let knobs32: Vec<f32> = knobs.iter().map(|&k| k as f32).collect();
        let err = worst(&play(&path, &audio, &knobs32), &reference);
        let peak = reference.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        eprintln!("{file}: max |ours - PyTorch f64| = {err:.2e} (output peak {peak:.2}, knobs {knobs:?})");
        assert!(err < TOLERANCE, "{file}: {err:e}");
    }
}

#[test]
fn aidax_files_match_the_players_equations() {
    let Some(folder) = shared("models/aidax") else { return };
    let audio = guitar();
    for file in ["aidadsp-lv2__Cali_Texas_Ch_1.json", "aidadsp-lv2__Electric_Sunrise_Riff.json"] {
        let path = folder.join(file);
        let reference = aidax_reference(&read_json(&path), &audio);
        let err = worst(&play(&path, &audio, &[]), &reference);
        eprintln!("{file}: max |ours - Keras f64| = {err:.2e}");
        assert!(err < TOLERANCE * 10.0, "{file}: {err:e}");
    }
}

/// Swap a GRU's r and z blocks (what a loader that forgot PyTorch's order would play), or fold its recurrent
/// bias into the input bias (what one that summed the split biases as for an LSTM would play): the reference
/// must see the difference, so the tests above could fail.
#[test]
fn a_loader_that_kept_pytorchs_gru_order_or_summed_its_biases_would_fail_the_check() {
    let Some(folder) = shared("models/guitarml") else { return };
    let path = folder.join("Automated-GuitarAmpModelling__muff-muff4__model_best.json");
    let original = read_json(&path);
    let audio = guitar();
    let reference = proteus_reference(&original, &audio, &[]);
    let units = original["model_data"]["hidden_size"].as_u64().unwrap() as usize;
    let dir = std::env::temp_dir().join(format!("blackbox-swap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut swapped = original.clone();
    for key in ["rec.weight_ih_l0", "rec.weight_hh_l0", "rec.bias_ih_l0", "rec.bias_hh_l0"] {
        let rows = swapped["state_dict"][key].as_array_mut().unwrap();
        for j in 0..units {
            rows.swap(j, units + j);
        }
    }
    let mut summed = original.clone();
    let total: Vec<f64> = floats(&original["state_dict"]["rec.bias_ih_l0"])
        .iter()
        .zip(floats(&original["state_dict"]["rec.bias_hh_l0"]))
        .map(|(a, b)| a + b)
        .collect();
    summed["state_dict"]["rec.bias_ih_l0"] = serde_json::json!(total);
    summed["state_dict"]["rec.bias_hh_l0"] = serde_json::json!(vec![0.0; total.len()]);

    for (what, json) in [("r/z swapped", swapped), ("biases summed", summed)] {
        let file = dir.join(format!("{}.json", what.replace([' ', '/'], "_")));
        std::fs::write(&file, serde_json::to_string(&json).unwrap()).unwrap();
        let err = worst(&play(&file, &audio, &[]), &reference);
        eprintln!("muff GRU, {what}: max |ours - PyTorch f64| = {err:.2e}");
        assert!(err > 100.0 * TOLERANCE, "{what} went unnoticed ({err:e})");
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn lcg(seed: u64) -> impl FnMut() -> f32 {
    let mut s = seed;
    move || {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.6
    }
}

fn random_gru(inputs: usize, units: usize, seed: u64) -> Network {
    let mut r = lcg(seed);
    let cols = 3 * units;
    let mut fill = |n: usize| (0..n).map(|_| r()).collect::<Vec<f32>>();
    Network {
        inputs,
        layers: vec![
            Layer::Recurrent(RecurrentLayer {
                kind: CellKind::Gru,
                inputs,
                units,
                kernel: fill(inputs * cols),
                recurrent_kernel: fill(units * cols),
                bias: fill(cols),
                recurrent_bias: fill(cols),
            }),
            Layer::Dense(DenseLayer { inputs: units, outputs: 1, kernel: fill(units), bias: fill(1), activation: Activation::Linear }),
        ],
        input_gain: 1.0,
        output_gain: 1.0,
        skip: false,
    }
}

/// The GRU of Keras' documentation (`reset_after`), in f64, from the engine's own Keras-layout weights.
fn gru_reference(network: &Network, audio: &[f32], knob: f32) -> Vec<f64> {
    let [Layer::Recurrent(g), Layer::Dense(d)] = network.layers.as_slice() else { unreachable!() };
    let (units, cols) = (g.units, 3 * g.units);
    let mut h = vec![0.0f64; units];
    audio
        .iter()
        .map(|&a| {
            let x = [a as f64, knob as f64];
            let gx: Vec<f64> =
                (0..cols).map(|c| g.bias[c] as f64 + (0..g.inputs).map(|k| x[k] * g.kernel[k * cols + c] as f64).sum::<f64>()).collect();
            let gh: Vec<f64> = (0..cols)
                .map(|c| g.recurrent_bias[c] as f64 + (0..units).map(|k| h[k] * g.recurrent_kernel[k * cols + c] as f64).sum::<f64>())
                .collect();
            for j in 0..units {
                let z = sigmoid(gx[j] + gh[j]);
                let r = sigmoid(gx[units + j] + gh[units + j]);
                let n = (gx[2 * units + j] + r * gh[2 * units + j]).tanh();
                h[j] = z * h[j] + (1.0 - z) * n;
            }
            d.bias[0] as f64 + (0..units).map(|j| d.kernel[j] as f64 * h[j]).sum::<f64>()
        })
        .collect()
}

#[test]
fn the_streaming_gru_matches_an_f64_reference_on_every_kernel() {
    let audio: Vec<f32> = (0..20_000).map(|n| 0.8 * (n as f32 * 0.021).sin() * (n as f32 * 0.0007).cos()).collect();
    for units in [1, 7, 16, 40, 64, 96] {
        let network = random_gru(2, units, units as u64);
        let reference = gru_reference(&network, &audio, 0.4);
        for kernel in Kernel::ALL.into_iter().filter(|k| k.is_available()) {
            let mut stream = NetworkStream::with_kernel(&network, kernel).expect("valid");
            stream.set_knobs(&[0.4]);
            let mut out = audio.clone();
            stream.process_in_place(&mut out);
            let err = worst(&out, &reference);
            eprintln!("GRU {units} units, {}: max |engine - f64| = {err:.2e}", kernel.name());
            assert!(err <= 1e-5, "GRU {units}, {}: {err:e}", kernel.name());
        }
    }
}
