//! Damaged and hostile files of every format: truncated, bit-flipped, random, huge, deeply nested, with
//! non-finite weights or absurd configs. Each gives a clear error, or (where the damage left a valid file) a
//! model whose player stays finite; nothing panics and nothing reaches a player unchecked.

use std::path::{Path, PathBuf};

use blackbox_engine::formats::{self, FormatError, MAX_FILE_BYTES};
use proptest::prelude::*;

/// One file of each format: from ../shared/models where present, and always the repository's own .bbx.
fn samples() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = vec![root.join("models/SD-1/DS340/model_Low_64_0.01_44_0_streaming.bbx")];
    let shared = root.join("../shared/models");
    for file in [
        "nam/NeuralAmpModelerCore__wavenet.nam",
        "nam/NeuralAmpModelerCore__lstm.nam",
        "nam/NeuralAmpModelerCore__slimmable_container.nam",
        "aidax/aidadsp-lv2__Cali_Texas_Ch_1.json",
        "guitarml/rnn-distortion-emulator__DS1__not_model_best.json",
        "rtneural/RTNeural__gru.json",
        "rtneural/RTNeural__lstm_torch.json",
    ] {
        let path: PathBuf = shared.join(file);
        if path.exists() {
            paths.push(path);
        } else {
            eprintln!("SKIPPED sample {}: not there (../shared lives outside the repository)", path.display());
        }
    }
    paths.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).expect("readable sample"))).collect()
}

/// The contract for any bytes: an error with something to say, or a model that plays finite audio.
fn check(bytes: &[u8]) -> Result<(), String> {
    match formats::from_bytes(bytes, "fuzzed") {
        Err(e) => {
            let text = e.to_string();
            if text.len() < 12 { Err(format!("error too terse to act on: {text:?}")) } else { Ok(()) }
        }
        Ok(model) => {
            let mut player = model.player().map_err(|e| format!("loaded but cannot play: {e}"))?;
            let mut audio: Vec<f32> = (0..512).map(|n| 0.5 * (n as f32 * 0.1).sin()).collect();
            player.process_in_place(&mut audio);
            if audio.iter().all(|y| y.is_finite()) { Ok(()) } else { Err("non-finite output".into()) }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn truncated_files_are_refused(which in 0usize..8, cut in 0.0f64..1.0) {
        let samples = samples();
        let (name, bytes) = &samples[which % samples.len()];
        // A cut in trailing whitespace leaves a whole file.
        let content = bytes.trim_ascii_end().len();
        let end = (((content as f64) * cut) as usize).min(content - 1);
        let result = formats::from_bytes(&bytes[..end], "cut");
        prop_assert!(result.is_err(), "{name} cut at {end} of {} bytes loaded", bytes.len());
    }

    #[test]
    fn bit_flips_never_panic(which in 0usize..8, flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..6)) {
        let samples = samples();
        let (name, bytes) = &samples[which % samples.len()];
        let mut bytes = bytes.clone();
        for (index, bit) in &flips {
            let i = index.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        prop_assert!(outcome.is_ok(), "{name} with flips {flips:?} panicked");
        prop_assert!(outcome.unwrap().is_ok(), "{name} with flips {flips:?}");
    }

    #[test]
    fn random_bytes_and_random_json_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), json_like: bool) {
        let mut bytes = bytes;
        if json_like {
            bytes.insert(0, b'{');
        }
        prop_assert!(check(&bytes).is_ok());
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = std::env::temp_dir().join(format!("blackbox-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.nam");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk is spent, and the loader must look at the size before reading.
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let error = formats::load(&path).err().expect("refused");
    assert!(matches!(error, FormatError::TooLarge { .. }), "{error}");
    assert!(error.to_string().contains("not one"), "{error}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    for depth in [200, 100_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for text in [nested.clone(), format!("{{\"in_shape\": [null, null, 1], \"layers\": {nested}}}")] {
            let error = formats::from_bytes(text.as_bytes(), "deep").err().expect("refused");
            eprintln!("nested {depth}: {error}");
        }
    }
    let weights = format!("{}0.5{}", "[".repeat(12), "]".repeat(12));
    let keras = format!(r#"{{"in_shape": [null, null, 1], "layers": [{{"type": "dense", "shape": [null, null, 1], "weights": [{weights}]}}]}}"#);
    let error = formats::from_bytes(keras.as_bytes(), "deep").err().expect("refused");
    assert!(error.to_string().contains("nested deeper"), "{error}");
}

#[test]
fn non_finite_weights_are_refused_in_every_json_format() {
    let cases = [
        // 1e39 is beyond f32: it would become infinity.
        r#"{"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [[[1e39]], [0.0]]}]}"#,
        r#"{"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [[["NaN"]], [0.0]]}]}"#,
        r#"{"model_data": {"model": "SimpleRNN", "input_size": 1, "skip": 1, "output_size": 1, "unit_type": "GRU", "hidden_size": 1},
            "state_dict": {"rec.weight_ih_l0": [[0.1], [0.2], ["inf"]], "rec.weight_hh_l0": [[0.1], [0.2], [0.3]],
                           "rec.bias_ih_l0": [0, 0, 0], "rec.bias_hh_l0": [0, 0, 0], "lin.weight": [[1.0]], "lin.bias": [0.0]}}"#,
        r#"{"version": "0.5.4", "architecture": "Linear", "config": {"receptive_field": 2, "bias": false}, "weights": [1.0, 1e39]}"#,
        r#"{"version": "0.5.4", "architecture": "LSTM", "config": {"input_size": 1, "hidden_size": 1, "num_layers": 1},
            "weights": [1e39, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}"#,
    ];
    for case in cases {
        let error = formats::from_bytes(case.as_bytes(), "nan").err().expect("refused");
        let text = error.to_string();
        assert!(text.contains("finite") || text.contains("parse"), "{text}");
        eprintln!("{text}");
    }
}

#[test]
fn absurd_nam_configs_are_refused_before_anything_is_allocated() {
    let wavenet = |dilation: u64, channels: u64| {
        format!(
            r#"{{"version": "0.5.4", "architecture": "WaveNet", "config": {{"layers": [{{"input_size": 1, "condition_size": 1,
            "channels": {channels}, "head_size": 1, "kernel_size": 3, "dilations": [{dilation}], "activation": "Tanh",
            "gated": false, "head_bias": false}}], "head": null, "head_scale": 1.0}}, "weights": [0.0]}}"#
        )
    };
    for (text, what) in [
        (wavenet(1_000_000_000, 1), "receptive field"),
        (wavenet(1, 1_000_000), "channels"),
        (
            r#"{"version": "0.5.4", "architecture": "LSTM", "config": {"input_size": 2, "hidden_size": 1, "num_layers": 1}, "weights": []}"#.to_owned(),
            "inputs",
        ),
    ] {
        let error = formats::from_bytes(text.as_bytes(), "absurd").err().expect("refused");
        assert!(error.to_string().contains(what) || error.to_string().contains("dilations"), "{what}: {error}");
    }
}

#[test]
fn json_that_is_not_a_model_says_so() {
    for text in [r#"{"preset": "Crunch", "gain": 0.5, "volume": 0.7}"#, r#"[1, 2, 3]"#, r#"{"layers": 3}"#] {
        let error = formats::from_bytes(text.as_bytes(), "preset").err().expect("refused");
        assert!(matches!(error, FormatError::NotAModel(_)), "{text}: {error}");
        assert!(error.to_string().contains("not a model"), "{error}");
    }
    let error = formats::from_bytes(b"Hello, this is a text file", "text").err().expect("refused");
    assert!(matches!(error, FormatError::Unknown(_)), "{error}");
}
