//! The real community model files in ../shared/models (never copied into the repository): every one loads,
//! or, for the one that is not a supported model, fails with a message that says what it is; and every file
//! that comes with reference outputs reproduces them.

use std::path::{Path, PathBuf};

use blackbox_engine::formats::{self, Format, FormatError, RateSource};

fn shared(relative: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("SKIPPED: {} is not there (the community model files live outside the repository)", path.display());
        None
    }
}

fn json_floats(path: &Path) -> Vec<f32> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Vec<f64>>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())).into_iter().map(|v| v as f32).collect()
}

fn csv_floats(path: &Path) -> Vec<f32> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.trim().parse::<f64>().expect("a number") as f32).collect()
}

fn run(path: &Path, input: &[f32]) -> Vec<f32> {
    let model = formats::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut player = model.player().expect("a player");
    let mut out = input.to_vec();
    player.process_in_place(&mut out);
    out
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn files_in(folder: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("readable folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| extensions.iter().any(|e| x == *e)))
        .collect();
    files.sort();
    files
}

#[test]
fn every_community_file_loads_and_plays_finite_audio_at_its_rate() {
    let Some(root) = shared("") else { return };
    let mut loaded = 0;
    for folder in ["nam", "aidax", "guitarml", "rtneural"] {
        for path in files_in(&root.join(folder), &["nam", "json", "aidax"]) {
            let shown = path.file_name().unwrap().to_string_lossy().into_owned();
            if shown.contains("PedalNetRT") {
                continue;
            }
            let model = formats::load(&path).unwrap_or_else(|e| panic!("{shown}: {e}"));
            let info = &model.info;
            let mut player = model.player().expect("a player");
            player.set_knobs(&[0.5, 0.5]);
            player.prewarm();
            let mut audio: Vec<f32> = (0..4800).map(|n| 0.3 * (n as f32 * 0.05).sin()).collect();
            player.process_in_place(&mut audio);
            assert!(audio.iter().all(|y| y.is_finite()), "{shown}: non-finite output");
            eprintln!(
                "{shown}: {} | {} | {} Hz ({}) | knobs {:?} | {} parameters | {}",
                info.format.name(),
                info.architecture,
                info.sample_rate,
                match &info.rate_source {
                    RateSource::File => "stated".to_owned(),
                    RateSource::Assumed(why) => format!("assumed: {why}"),
                },
                info.knobs,
                info.parameters,
                player.kernel_name(),
            );
            assert!(info.parameters > 0 && !info.architecture.is_empty(), "{shown}: {info:?}");
            loaded += 1;
        }
    }
    assert!(loaded >= 30, "only {loaded} community files found");
}

#[test]
fn the_pedalnet_wavenet_is_refused_as_what_it_is() {
    let Some(path) = shared("guitarml/PedalNetRT__pedalnet.json") else { return };
    let error = formats::load(&path).err().expect("PedalNetRT files are not playable");
    let text = error.to_string();
    assert!(matches!(error, FormatError::Unsupported { .. }), "{text}");
    assert!(text.contains("PedalNetRT") && text.contains("pedalnet.json"), "{text}");
}

#[test]
fn formats_rates_and_knobs_are_read_from_the_files() {
    let Some(root) = shared("") else { return };
    let info = |p: &str| formats::load(&root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}")).info;
    let aida = info("aidax/aidadsp-lv2__Cali_Texas_Ch_1.json");
    assert_eq!((aida.format, aida.sample_rate, &aida.rate_source), (Format::AidaX, 48_000, &RateSource::File));
    assert_eq!(aida.architecture, "LSTM 12 -> Dense 1, skip");
    assert_eq!(aida.detail("Captured by"), Some("Aida DSP"));
    let drive = info("guitarml/ToneLibrary__Proteus_TS9_DriveKnob.json");
    assert_eq!((drive.format, drive.sample_rate, drive.knobs.len()), (Format::Proteus, 44_100, 1));
    let cond2 = info("guitarml/TS-M1N3__model_ts9_48k_cond2.json");
    assert_eq!((cond2.sample_rate, cond2.knobs.clone()), (48_000, vec!["Drive".to_owned(), "Tone".to_owned()]));
    let gru = info("guitarml/Automated-GuitarAmpModelling__muff-muff4__model_best.json");
    assert_eq!(gru.architecture, "GRU 64 -> Dense 1, skip");
    let obsidian = info("nam/NeuralAmpModelerPlugin__REAPER_model_Obsidian.nam");
    assert_eq!((obsidian.format, obsidian.sample_rate), (Format::Nam, 48_000));
    assert!(obsidian.architecture.starts_with("WaveNet"), "{}", obsidian.architecture);
    assert!(obsidian.detail("Loudness (file, dBFS RMS)").is_some(), "{:?}", obsidian.details);
}

/// nam-rs's parity fixtures: NAM's own Python package (or NAM Core) made these outputs.
#[test]
fn nam_files_reproduce_the_reference_outputs() {
    let Some(root) = shared("") else { return };
    let cases = [
        ("NeuralAmpModelerCore__wavenet.nam", "input", "expected_output", 23),
        ("NeuralAmpModelerCore__wavenet_a1_standard.nam", "input_standard", "expected_output_standard", 4093),
        ("nam-rs__reference_lstm.nam", "input_lstm", "expected_output_lstm", 0),
        ("nam-rs__reference_lstm_standard.nam", "input_lstm_standard", "expected_output_lstm_standard", 0),
        ("nam-rs__leaky_wavenet.nam", "input_leaky", "expected_output_leaky", 64),
        ("NeuralAmpModelerCore__slimmable_container.nam", "input_slim", "expected_slim_2", 4093),
        ("NeuralAmpModelerCore__wavenet_condition_dsp.nam", "input_condition_dsp_multi", "expected_condition_dsp_multi", 4093),
    ];
    for (model, input, expected, skip) in cases {
        let input = json_floats(&root.join(format!("refs/nam-rs__{input}.json")));
        let expected = json_floats(&root.join(format!("refs/nam-rs__{expected}.json")));
        let out = run(&root.join("nam").join(model), &input);
        let skip = skip.min(out.len() / 2);
        let err = max_abs_diff(&out[skip..], &expected[skip..]);
        eprintln!("{model}: max |ours - reference| = {err:.2e} over {} samples", out.len() - skip);
        assert!(err <= 1e-5, "{model}: {err:e}");
    }
}

#[test]
fn nams_identity_models_pass_audio_through() {
    let Some(root) = shared("nam") else { return };
    let input: Vec<f32> = (0..8192).map(|n| 0.5 * (n as f32 * 0.013).sin()).collect();
    for model in ["neural-amp-modeler__linear_1.nam", "neural-amp-modeler__wavenet_standard.nam"] {
        let path = root.join(model);
        let mut player = formats::load(&path).expect("loads").player().expect("player");
        player.prewarm();
        let mut out = input.clone();
        player.process_in_place(&mut out);
        let err = max_abs_diff(&out[4096..], &input[4096..]);
        eprintln!("{model}: max |out - in| = {err:.2e}");
        assert!(err < 1e-4, "{model}: {err:e}");
    }
}

/// RTNeural's test data: Keras' and PyTorch's own outputs for 10 sin(0.1 pi n).
#[test]
fn rtneural_models_reproduce_keras_and_pytorch_outputs() {
    let Some(root) = shared("rtneural") else { return };
    for (model, tolerance) in
        [("lstm", 1e-6), ("lstm_1d", 1e-6), ("gru", 5e-6), ("gru_1d", 5e-6), ("dense", 1e-6), ("lstm_torch", 1e-6), ("gru_torch", 5e-6)]
    {
        let x = csv_floats(&root.join(format!("RTNeural__{model}_x_python.csv")));
        let y = csv_floats(&root.join(format!("RTNeural__{model}_y_python.csv")));
        let out = run(&root.join(format!("RTNeural__{model}.json")), &x);
        let err = max_abs_diff(&out, &y);
        let peak = y.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        eprintln!("RTNeural {model}: max |ours - python| = {err:.2e} (output peak {peak:.2})");
        assert!(err <= tolerance * peak.max(1.0), "RTNeural {model}: {err:e} > {tolerance:e}");
    }
}
