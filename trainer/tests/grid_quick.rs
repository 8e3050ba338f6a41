//! `trainer --grid ds340 --quick` end to end on procedural stand-in data: models, reports and predictions are
//! written, the exported file plays exactly like the trained network, and a second run skips finished models.

use std::path::Path;
use std::process::Command;

use blackbox_engine::model::{Gain, ModelFile, Provenance, TrainingMethod};
use blackbox_engine::windowed::predict_windows;
use blackbox_trainer::cli::synth::{SynthArgs, run as synth};
use blackbox_trainer::dataset::{Grid, Split, TrainSize, load_gain};
use blackbox_trainer::grid::{GridRun, JobSettings, cells, run_grid};
use blackbox_trainer::model::StudyLstm;
use blackbox_trainer::training::training_device;
use burn::tensor::{Tensor, TensorData};

fn quick_run(data: &Path, out: &Path, numbers: &[usize]) -> GridRun {
    GridRun {
        data: data.to_owned(),
        models: out.join("models"),
        reports: out.join("reports"),
        cells: numbers.iter().map(|&n| cells()[n]).collect(),
        settings: JobSettings {
            grid: Grid::Ds340,
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
    }
}

#[test]
fn a_quick_grid_trains_exports_reports_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    synth(SynthArgs {
        grid: Grid::Ds340,
        out: data.clone(),
        di: None,
        seed: 3,
        train_seconds: Some(12.0),
        test_seconds: Some(8.0),
    })
    .unwrap();

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
    let test_songs = load_gain(&data, Grid::Ds340, Split::Test, Gain::Low).unwrap().songs;
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
    let status = Command::new(env!("CARGO_BIN_EXE_trainer"))
        .args(["--grid", "ds340", "--quick", "--only", "1", "--epochs", "1", "--no-predictions"])
        .arg("--data")
        .arg(&data)
        .arg("--models")
        .arg(out.join("models"))
        .arg("--reports")
        .arg(&reports)
        .status()
        .unwrap();
    assert!(status.success());
    let csv = std::fs::read_to_string(reports.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "the report now lists all three finished models:\n{csv}");
}
