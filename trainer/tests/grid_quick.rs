//! `trainer --grid ds340 --quick` end to end on procedural stand-in data: models, reports and predictions are
//! written, the exported file plays exactly like the trained network, and a second run skips finished models.

use std::path::Path;
use std::process::Command;

use blackbox_engine::model::{Gain, ModelFile, Provenance, TrainingMethod};
use blackbox_engine::lstm::StreamingLstm;
use blackbox_engine::windowed::predict_windows;
use blackbox_trainer::cli::synth::{SynthArgs, run as synth};
use blackbox_trainer::dataset::{Device, Grid, Song, Split, TrainSize, load_gain};
use blackbox_trainer::grid::{GridRun, JobSettings, cells, run_grid};
use blackbox_trainer::model::StudyLstm;
use blackbox_trainer::training::training_device;
use burn::tensor::{Tensor, TensorData};

fn quick_run(data: &Path, out: &Path, numbers: &[usize]) -> GridRun {
    GridRun {
        device: Device::study(Grid::Ds340),
        data: data.to_owned(),
        models: out.join("models"),
        reports: out.join("reports"),
        cells: numbers.iter().map(|&n| cells()[n]).collect(),
        settings: JobSettings {
            effect: "SD-1".to_owned(),
            experiment: "DS340".to_owned(),
            method: TrainingMethod::Windowed,
            train_size: TrainSize::Windows(3_000),
            validation_windows: Some(1_000),
            max_epochs: 2,
            patience: 15,
            seed: 25,
            eval_threads: 2,
            predictions: Some(out.join("reports/predictions")),
        },
        jobs: 2,
        test_seconds: Some(1.0),
        rate: None,
    }
}

/// 12 s of training and 8 s of test recordings per setting of the stand-in SD-1, in `<dir>/data`.
fn stand_in_sd1(dir: &Path, seed: u64) -> std::path::PathBuf {
    let data = dir.join("data");
    let args = SynthArgs { grid: Grid::Ds340, out: data.clone(), di: None, seed, train_seconds: Some(12.0), test_seconds: Some(8.0), settings: None };
    synth(args).unwrap();
    data
}

/// The binary's `--grid ds340 --quick` with `args`, on `data`, writing to `out`'s models and reports.
fn trainer_quick(args: &[&str], data: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_trainer"))
        .args(["--grid", "ds340", "--quick", "--no-predictions"])
        .args(args)
        .arg("--data")
        .arg(data)
        .arg("--models")
        .arg(out.join("models"))
        .arg("--reports")
        .arg(out.join("reports"))
        .status()
        .unwrap();
    assert!(status.success(), "trainer {args:?} failed");
}

#[test]
fn a_quick_grid_trains_exports_reports_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = stand_in_sd1(dir.path(), 3);

    let out = dir.path().join("out");
    let run = quick_run(&data, &out, &[0, 2]);
    let summary = run_grid(&run).unwrap();
    assert_eq!(summary.trained.len(), 2, "{summary:?}");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);

    let model_path = out.join("models/SD-1/DS340/model_Low_96_0.01_44_2.bbx");
    let model = ModelFile::load(&model_path).unwrap();
    let meta = &model.metadata;
    assert_eq!((meta.gain, meta.context, meta.hidden_size, meta.model_number), (Gain::Low, 44, 96, Some(2)));
    assert_eq!(meta.epochs_run, 2);
    assert!(matches!(meta.provenance, Provenance::StandIn { .. }), "stand-in data is labelled as such");
    let test_songs = load_gain(&data, &Device::study(Grid::Ds340), Split::Test, Gain::Low).unwrap().songs;
    assert_eq!(meta.test_scores.len(), test_songs.len());
    assert!(meta.test_scores.iter().all(|s| s.windowed_esr.is_some() && s.streaming_esr.is_some() && s.study_esr.is_some()));

    // The exported file, run by the engine's windowed evaluator, gives the trained network's outputs.
    let song = &test_songs[0];
    let ctx = 44;
    let dry = &song.dry[..ctx + 255];
    let engine = predict_windows(&model.weights, ctx, dry, &[], 1);
    let network = StudyLstm::from_weights(&model.weights, &training_device()).unwrap();
    let windows: Vec<f32> = (0..engine.len()).flat_map(|k| dry[k..k + ctx].iter().copied()).collect();
    let x = Tensor::<3>::from_data(TensorData::new(windows, [engine.len(), ctx, 1]), &training_device());
    let burn: Vec<f32> = network.forward(x).unwrap().into_data().try_into_vec::<f32>().unwrap();
    let worst = engine.iter().zip(&burn).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(worst <= 1e-5, "engine and burn differ by {worst}");

    let reports = out.join("reports");
    for file in ["results.csv", "results.md", "modelResults.png", "summary_modelResults.png", "AllTrainVal.png", "waveform.png"] {
        let len = std::fs::metadata(reports.join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 500, "{file} is missing or empty");
    }
    let csv = std::fs::read_to_string(reports.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and one row per model:\n{csv}");
    let md = std::fs::read_to_string(reports.join("results.md")).unwrap();
    assert!(md.contains("stand-in data"), "the report labels stand-in data");
    let prediction = reports.join(format!("predictions/model_Low_64_0.01_44_0/{}_streaming.wav", song.name));
    let audio = blackbox_trainer::audio::wav::read_mono(&prediction).unwrap();
    assert_eq!((audio.sample_rate, audio.samples.len()), (44_100, 44_100));

    // The same command again: both models are finished, nothing trains, the reports are rewritten.
    let again = run_grid(&run).unwrap();
    assert!(again.trained.is_empty() && again.skipped.len() == 2, "{again:?}");

    // The binary's --quick path on the same data: the CLI wires the same runner.
    trainer_quick(&["--only", "1", "--epochs", "1"], &data, &out);
    let csv = std::fs::read_to_string(reports.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "the report now lists all three finished models:\n{csv}");

    streaming_cell_is_trained_compared_and_exported_exactly(&run, song);
    conditioned_model_is_trained_and_swept(&data, &out);
}

/// `--method streaming` on cell 0: the model is saved beside the windowed one, its own grid report goes to
/// reports/streaming, the comparison report pairs it with the windowed model, and the exported file streamed by
/// the engine plays what the burn network's carried-state forward plays.
fn streaming_cell_is_trained_compared_and_exported_exactly(windowed_run: &GridRun, song: &Song) {
    let mut run = windowed_run.clone();
    run.settings.method = TrainingMethod::Streaming;
    run.cells = vec![cells()[0]];
    let summary = run_grid(&run).unwrap();
    assert_eq!(summary.trained, vec!["model_Low_64_0.01_44_0_streaming".to_owned()], "{summary:?}");

    let model = ModelFile::load(&run.models.join("SD-1/DS340/model_Low_64_0.01_44_0_streaming.bbx")).unwrap();
    assert_eq!(model.metadata.method, TrainingMethod::Streaming);
    assert!(model.metadata.test_scores.iter().all(|s| s.streaming_esr.is_some_and(f32::is_finite)));
    let streaming_report = run.reports.join("streaming/results.md");
    assert!(std::fs::read_to_string(&streaming_report).unwrap().contains("model_Low_64_0.01_44_0_streaming"));
    let comparison = std::fs::read_to_string(run.reports.join("windowed_vs_streaming.md")).unwrap();
    assert!(comparison.contains("| 0 | Low | 44 | 64 | 0.01 |"), "{comparison}");
    assert!(std::fs::metadata(run.reports.join("windowed_vs_streaming.png")).unwrap().len() > 500);

    let dry = &song.dry[..3_000];
    let mut engine = vec![0.0f32; dry.len()];
    let mut lstm = StreamingLstm::new(&model.weights);
    lstm.process_block(dry, &mut engine);
    let network = StudyLstm::from_weights(&model.weights, &training_device()).unwrap();
    // Two carried-state calls, as training's truncated chunks make them.
    let call = |range: std::ops::Range<usize>, state| {
        let x = Tensor::<3>::from_data(TensorData::new(dry[range.clone()].to_vec(), [1, range.len(), 1]), &training_device());
        network.forward_sequence(x, state).unwrap()
    };
    let (first, state) = call(0..1_234, None);
    let (second, _) = call(1_234..dry.len(), Some(state));
    let burn: Vec<f32> = [first, second].into_iter().flat_map(|y| y.into_data().try_into_vec::<f32>().unwrap()).collect();
    let worst = engine.iter().zip(&burn).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(worst <= 1e-4, "engine stream and burn's carried-state forward differ by {worst}");
}

/// `--conditioned --quick`: one model with the gain knob as its second input, tested at the three gains, and a
/// report with the THD-against-knob sweep.
fn conditioned_model_is_trained_and_swept(data: &Path, out: &Path) {
    let reports = out.join("reports");
    trainer_quick(&["--conditioned", "--epochs", "1"], data, out);
    let model = ModelFile::load(&out.join("models/SD-1/DS340/model_Conditioned_64_0.01_88_36_streaming.bbx")).unwrap();
    let meta = &model.metadata;
    assert_eq!((meta.gain, model.weights.input_size, meta.method), (Gain::Conditioned, 2, TrainingMethod::Streaming));
    assert_eq!(meta.model_number, None);
    for gain in ["Low_", "Mid_", "High_"] {
        assert!(meta.test_scores.iter().any(|s| s.song.starts_with(gain)), "tested at {gain}: {:?}", meta.test_scores);
    }
    let md = std::fs::read_to_string(reports.join("conditioned/conditioned.md")).unwrap();
    assert!(md.contains("stand-in data") && md.contains("Monotone:") && md.contains("| High | 1.00 |"), "{md}");
    assert_eq!(meta.knob_names(), vec!["gain".to_owned()]);
    assert_eq!(meta.recipe.as_ref().map(|r| r.max_epochs), Some(1));
    let csv = std::fs::read_to_string(reports.join("conditioned/conditioned_thd.csv")).unwrap();
    assert_eq!(csv.lines().count(), 22, "a header and 21 knob positions:\n{csv}");
    assert!(std::fs::metadata(reports.join("conditioned/conditioned_thd.png")).unwrap().len() > 500);
}

/// Any device in the study's layout trains: its own effect and experiment names, setting folders that are not
/// Low / Mid / High, and a settings.toml whose knob the conditioned model takes as its input.
#[test]
fn a_device_of_any_name_with_its_own_settings_trains_a_grid_cell_and_a_conditioned_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = stand_in_sd1(dir.path(), 4);
    // The stand-in SD-1's Low and High become "Soft" and "Hard" of a device called DS-1 / Mine.
    let device = data.join("DS-1/Mine");
    std::fs::create_dir_all(data.join("DS-1")).unwrap();
    std::fs::rename(data.join("SD-1/DS340"), &device).unwrap();
    for split in ["Train", "Test"] {
        std::fs::rename(device.join(split).join("Low"), device.join(split).join("Soft")).unwrap();
        std::fs::rename(device.join(split).join("High"), device.join(split).join("Hard")).unwrap();
        std::fs::remove_dir_all(device.join(split).join("Mid")).unwrap();
    }
    let out = dir.path().join("out");
    let trainer = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trainer"))
            .args(["--effect", "DS-1", "--experiment", "Mine", "--quick", "--no-predictions", "--epochs", "1"])
            .args(args)
            .arg("--data")
            .arg(&data)
            .arg("--models")
            .arg(out.join("models"))
            .arg("--reports")
            .arg(out.join("reports"))
            .output()
            .unwrap()
    };

    // Without knob values there is no conditioned model, and the message says where to write them.
    let refused = trainer(&["--conditioned"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("settings.toml"), "{stderr}");

    // "Hard" sorts after "Soft" by its knob value, so the second setting's cells are 12 to 23.
    std::fs::write(device.join("settings.toml"), "[Soft]\ndrive = 0.2\n\n[Hard]\ndrive = 0.9\n").unwrap();
    let grid = trainer(&["--only", "12"]);
    assert!(grid.status.success(), "{}", String::from_utf8_lossy(&grid.stderr));
    let model = ModelFile::load(&out.join("models/DS-1/Mine/model_Hard_64_0.01_44_12.bbx")).unwrap();
    let meta = &model.metadata;
    assert_eq!((meta.effect.as_str(), meta.experiment.as_str(), meta.gain.name()), ("DS-1", "Mine", "Hard"));
    assert!(std::fs::read_to_string(out.join("reports/results.md")).unwrap().contains("model_Hard_64_0.01_44_12"));

    // --rate resamples the 44.1 kHz recordings offline and trains at 48 kHz; the model says so.
    let resampled = trainer(&["--only", "13", "--rate", "48000"]);
    assert!(resampled.status.success(), "{}", String::from_utf8_lossy(&resampled.stderr));
    let model = ModelFile::load(&out.join("models/DS-1/Mine/model_Hard_64_0.0001_44_13.bbx")).unwrap();
    assert_eq!(model.metadata.sample_rate, 48_000);

    let conditioned = trainer(&["--conditioned"]);
    assert!(conditioned.status.success(), "{}", String::from_utf8_lossy(&conditioned.stderr));
    let model = ModelFile::load(&out.join("models/DS-1/Mine/model_Conditioned_64_0.01_88_24_streaming.bbx")).unwrap();
    assert_eq!((model.metadata.gain, model.weights.input_size), (Gain::Conditioned, 2));
    assert_eq!(model.metadata.knob_names(), vec!["drive".to_owned()]);
    for setting in ["Soft_", "Hard_"] {
        assert!(model.metadata.test_scores.iter().any(|s| s.song.starts_with(setting)), "{:?}", model.metadata.test_scores);
    }
    let md = std::fs::read_to_string(out.join("reports/conditioned/conditioned.md")).unwrap();
    assert!(md.contains("| Hard | 0.90 |"), "{md}");
}

/// A grid sharded across two machines with `--only` (each training into its own models folder), gathered by
/// `trainer report`, reports what one machine training every cell reports: the same figures, plots and waveform,
/// only the training times differ.
#[test]
fn a_grid_sharded_in_two_and_gathered_reports_what_one_machine_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = stand_in_sd1(dir.path(), 5);
    let small = ["--epochs", "1", "--train-windows", "1500", "--validation-windows", "500"];
    let train = |out: &str, only: &str, method: &str| {
        let args = [&small[..], &["--only", only, "--method", method]].concat();
        trainer_quick(&args, &data, &dir.path().join(out));
    };
    train("one", "0,12", "windowed");
    train("one", "0", "streaming");
    train("a", "0", "windowed");
    train("a", "0", "streaming");
    train("b", "12", "windowed");

    let merged = dir.path().join("merged");
    let report = |gather: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_trainer"));
        command.args(["report", "--grid", "ds340", "--quick", "--data"]).arg(&data);
        command.arg("--models").arg(merged.join("models")).arg("--reports").arg(merged.join("reports"));
        for shard in gather {
            command.arg("--gather").arg(dir.path().join(shard).join("models"));
        }
        command.output().unwrap()
    };
    let gathered = report(&["a", "b"]);
    let stdout = String::from_utf8_lossy(&gathered.stdout);
    assert!(gathered.status.success(), "{}", String::from_utf8_lossy(&gathered.stderr));
    assert!(stdout.contains("gathered 3 finished models"), "{stdout}");

    let (one, merged_reports) = (dir.path().join("one/reports"), merged.join("reports"));
    for file in ["results.md", "streaming/results.md", "windowed_vs_streaming.md"] {
        let read = |root: &Path| without_whole_numbers(&std::fs::read_to_string(root.join(file)).unwrap());
        assert_eq!(read(&merged_reports), read(&one), "{file}");
    }
    for file in ["results.csv", "streaming/results.csv"] {
        let read = |root: &Path| without_column(&std::fs::read_to_string(root.join(file)).unwrap(), "train_seconds");
        assert_eq!(read(&merged_reports), read(&one), "{file}");
    }
    assert_eq!(std::fs::read_to_string(one.join("results.csv")).unwrap().lines().count(), 3);
    for file in ["modelResults.png", "summary_modelResults.png", "AllTrainVal.png", "waveform.png", "streaming/waveform.png"] {
        let read = |root: &Path| std::fs::read(root.join(file)).unwrap();
        assert!(read(&merged_reports) == read(&one), "{file} differs");
    }

    // Gathering again copies nothing; a shard holding a different training of a cell already gathered is refused.
    let again = report(&["a", "b"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("gathered 0 finished models"));
    let stray = dir.path().join("c");
    train("c", "12", "windowed");
    let c_model = stray.join("models/SD-1/DS340/model_Mid_64_0.01_44_12.bbx");
    let mut other = ModelFile::load(&c_model).unwrap();
    other.weights.dense_bias += 0.25;
    other.save(&c_model).unwrap();
    let refused = report(&["c"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("two shards trained it"), "{stderr}");
}

/// Markdown with every whole number (the training seconds among them) replaced by `#`; decimals stay.
fn without_whole_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let token: String = chars[start..i].iter().collect();
            let glued = start > 0 && chars[start - 1].is_alphanumeric();
            out.push_str(if token.contains('.') || glued { &token } else { "#" });
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A CSV without the named column.
fn without_column(csv: &str, column: &str) -> Vec<Vec<String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let skip = header.iter().position(|h| *h == column).unwrap();
    std::iter::once(header.join(","))
        .chain(lines.map(str::to_owned))
        .map(|line| line.split(',').enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c.to_owned()).collect())
        .collect()
}
