//! The grid reports as the grid runner will use them: a synthetic 36-model grid (the study's loop order and
//! plausible figures) written into a temporary folder, then every file read back and checked.

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use blackbox_engine::metrics::Metrics;
use blackbox_engine::model::{Gain, TrainingMethod};
use blackbox_trainer::training::History;
use blackbox_trainer::report::{
    ALIGNMENT_NOTE, DataSource, EsrMode, GridInfo, ModelResult, ReportError, SongResult,
    WaveformExcerpt, one_sample_shift_esr, write_grid_report, write_method_comparison,
};

const SONGS: [&str; 6] = ["battery", "electricEye", "holywar", "ohwell", "sanitarium", "shadowlove"];

/// A small deterministic generator so the figures vary like real ones without a dependency on `rand`.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 40) as f32) / (1u64 << 24) as f32
    }
}

/// The study's 36 cells in its loop order gain -> ctx -> units -> lr.
fn synthetic_grid(method: TrainingMethod, seed: u64) -> Vec<ModelResult> {
    let mut rng = Lcg(seed);
    let mut results = Vec::new();
    let mut number = 0u32;
    for (gain_index, gain) in Gain::FIXED.into_iter().enumerate() {
        for ctx in [44u32, 66, 88] {
            for units in [64u32, 96] {
                for lr in [0.01f64, 0.0001] {
                    let base = [0.022f32, 0.031, 0.036][gain_index] * (1.0 - (ctx - 44) as f32 / 400.0);
                    let epochs = if lr > 0.001 { 19 + (rng.next() * 70.0) as u32 } else { 100 };
                    let history = loss_curves(epochs, base, lr > 0.001, &mut rng);
                    let songs = SONGS
                        .iter()
                        .enumerate()
                        .map(|(song_index, song)| {
                            let windowed = base * (0.8 + 0.4 * rng.next()) * (1.0 + song_index as f32 * 0.05);
                            let shift = 0.006 + 0.002 * gain_index as f32 + 0.0005 * song_index as f32;
                            let streaming = windowed * (1.05 + 0.2 * rng.next());
                            SongResult {
                                song: song.to_string(),
                                windowed: Some(metrics(windowed)),
                                study_esr: Some(windowed + shift),
                                streaming: Some(metrics(streaming)),
                                one_sample_shift_esr: Some(shift),
                            }
                        })
                        .collect();
                    let mut result = ModelResult::fixture(number, gain, units, lr, ctx, method);
                    let m = &mut result.metadata;
                    m.epochs_run = epochs;
                    m.best_validation_esr = history.val_loss.iter().copied().reduce(f32::min);
                    m.train_seconds = Some(166.0 + 700.0 * rng.next());
                    (result.history, result.songs) = (history, songs);
                    results.push(result);
                    number += 1;
                }
            }
        }
    }
    results
}

/// A song's figures with the MSE and MAE in a fixed proportion to its ESR.
fn metrics(esr: f32) -> Metrics {
    let esr = f64::from(esr);
    Metrics { esr, mse: esr * 1e-3, mae: esr * 0.1 }
}

/// Decaying losses; the fast learning rate gets the spikes the study saw.
fn loss_curves(epochs: u32, floor: f32, spiky: bool, rng: &mut Lcg) -> History {
    let mut history = History::default();
    for epoch in 0..epochs {
        let decay = 0.5 * (-(epoch as f32) / 12.0).exp();
        let spike = if spiky && rng.next() < 0.08 { 0.3 * rng.next() } else { 0.0 };
        let loss = floor * 0.9 + decay + spike + 0.002 * rng.next();
        history.loss.push(loss);
        history.val_loss.push(loss * 1.08 + 0.003 * rng.next());
        history.mae.push(loss * 0.1);
        history.mse.push(loss * 1e-3);
        history.val_mae.push(loss * 0.11);
        history.val_mse.push(loss * 1.1e-3);
    }
    history
}

fn stand_in_grid() -> GridInfo {
    GridInfo {
        name: "ds340".into(),
        effect: "SD-1".into(),
        experiment: "DS340".into(),
        data: DataSource::StandIn { description: "Sd1Circuit (Boss SD-1 reference model), procedural guitar".into() },
    }
}

fn excerpt() -> WaveformExcerpt {
    let sample_rate = 44_100;
    let dry: Vec<f32> =
        (0..1500).map(|i| 0.4 * (i as f32 * 0.031).sin() * (1.0 + 0.3 * (i as f32 * 0.002).sin())).collect();
    let wet: Vec<f32> = dry.iter().map(|x| (4.0 * x).tanh() * 0.6).collect();
    let predicted: Vec<f32> = wet.iter().enumerate().map(|(i, w)| w * 0.97 + 0.01 * (i as f32 * 0.7).sin()).collect();
    WaveformExcerpt {
        song: "shadowlove".into(),
        model_name: "model_High_96_0.0001_88_35".into(),
        start_sample: 441_000,
        sample_rate,
        dry,
        wet,
        predicted,
    }
}

struct DecodedPng {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

fn decode_png(path: &Path) -> DecodedPng {
    let decoder = png::Decoder::new(BufReader::new(File::open(path).expect("the PNG exists")));
    let mut reader = decoder.read_info().expect("a valid PNG header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buffer).expect("valid PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    let rgb = buffer[..info.buffer_size()].chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
    DecodedPng { width: info.width, height: info.height, rgb }
}

/// Not blank: plenty of ink and plenty of distinct colours (markers, anti-aliased text, several series).
fn assert_is_a_real_plot(path: &Path, width: u32, height: u32) {
    let image = decode_png(path);
    assert_eq!((image.width, image.height), (width, height), "{}", path.display());
    let ink = image.rgb.iter().filter(|p| **p != [255, 255, 255]).count();
    let ink_share = ink as f64 / image.rgb.len() as f64;
    assert!(ink_share > 0.02, "{}: only {:.3} % of pixels are not white", path.display(), ink_share * 100.0);
    let colours: HashSet<[u8; 3]> = image.rgb.iter().copied().collect();
    assert!(colours.len() > 100, "{}: only {} distinct colours", path.display(), colours.len());
}

#[test]
fn a_full_grid_report_writes_every_file_with_the_expected_content() {
    let dir = tempfile::tempdir().unwrap();
    let results = synthetic_grid(TrainingMethod::Windowed, 25);
    let excerpt = excerpt();
    let files = write_grid_report(dir.path(), &stand_in_grid(), &results, Some(&excerpt)).unwrap();

    assert_eq!(files.csv, dir.path().join("results.csv"));
    assert_is_a_real_plot(&files.model_results_png, 1800, 1500);
    assert_is_a_real_plot(&files.summary_png, 1600, 1250);
    // 36 models: six rows of six panels.
    assert_is_a_real_plot(&files.train_val_png, 2400, 130 + 6 * 270);
    assert_is_a_real_plot(files.waveform_png.as_ref().expect("an excerpt was given"), 1800, 1000);
    // Atomic writes leave no temporaries behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_csv_reads_back_one_row_per_model_with_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let mut results = synthetic_grid(TrainingMethod::Windowed, 7);
    // The runner may hand results in any order; the table is in the study's loop order.
    results.reverse();
    write_grid_report(dir.path(), &stand_in_grid(), &results, None).unwrap();
    results.reverse();

    let mut table = csv::Reader::from_path(dir.path().join("results.csv")).unwrap();
    let header: Vec<String> = table.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header.len(), 10 + SONGS.len() * 4 + 3, "{header:?}");
    assert_eq!(&header[..4], ["number", "name", "gain", "units"]);
    assert_eq!(header.last().unwrap(), "mean_streaming_esr");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));

    let rows: Vec<csv::StringRecord> = table.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 36);
    let songs: Vec<String> = SONGS.iter().map(|s| s.to_string()).collect();
    for (row, model) in rows.iter().zip(&results) {
        assert_eq!(row.len(), header.len());
        assert_eq!(row[column("number")].parse::<u32>().unwrap(), model.number());
        assert_eq!(&row[column("gain")], model.metadata.gain.name());
        assert_eq!(row[column("lr")].parse::<f64>().unwrap(), model.metadata.learning_rate);
        assert_eq!(row[column("ctx")].parse::<u32>().unwrap(), model.metadata.context);
        assert_eq!(&row[column("method")], "windowed");
        assert_eq!(row[column("epochs_run")].parse::<u32>().unwrap(), model.metadata.epochs_run);
        for song in &model.songs {
            let windowed: f32 = row[column(&format!("{}_windowed_esr", song.song))].parse().unwrap();
            let study: f32 = row[column(&format!("{}_study_esr", song.song))].parse().unwrap();
            let streaming: f32 = row[column(&format!("{}_streaming_esr", song.song))].parse().unwrap();
            assert_eq!(Some(windowed), song.esr(EsrMode::Windowed), "model {} {}", model.number(), song.song);
            assert_eq!(study, song.study_esr.unwrap());
            assert_eq!(Some(streaming), song.esr(EsrMode::Streaming));
        }
        for mode in EsrMode::ALL {
            let mean: f32 = row[column(&format!("mean_{}_esr", mode.key()))].parse().unwrap();
            let expected = model.songs.iter().map(|s| s.esr(mode).unwrap()).sum::<f32>() / SONGS.len() as f32;
            assert!((mean - expected).abs() < 1e-6, "model {} {mode:?}: {mean} vs {expected}", model.number());
            assert_eq!(Some(mean), model.mean_esr(&songs, mode));
        }
    }
}

#[test]
fn the_markdown_states_provenance_and_the_alignment_note_and_lists_every_model() {
    let dir = tempfile::tempdir().unwrap();
    let results = synthetic_grid(TrainingMethod::Windowed, 3);
    write_grid_report(dir.path(), &stand_in_grid(), &results, None).unwrap();
    let md = std::fs::read_to_string(dir.path().join("results.md")).unwrap();

    assert!(md.contains("**Data: stand-in data: Sd1Circuit (Boss SD-1 reference model), procedural guitar**"), "{md}");
    assert!(md.contains(ALIGNMENT_NOTE));
    assert!(md.contains("wet[t+1]") && md.contains("2(1 - r1)"));
    for model in &results {
        let row = format!("| {} | {} | {} |", model.number(), model.metadata.name, model.metadata.gain.name());
        assert_eq!(md.matches(&row).count(), 1, "row of model {}", model.number());
    }
    // One shift-floor row per song and gain, printed next to the study-compatible figure.
    assert_eq!(
        md.lines().filter(|l| SONGS.iter().any(|s| l.starts_with(&format!("| {s} | ")))).count(),
        SONGS.len() * 3
    );
    for figure in ["modelResults.png", "summary_modelResults.png", "AllTrainVal.png"] {
        assert!(md.contains(&format!("]({figure})")), "{figure} is embedded");
    }
}

#[test]
fn the_study_grids_print_the_study_s_published_figures_beside_ours() {
    let dir = tempfile::tempdir().unwrap();
    let results = synthetic_grid(TrainingMethod::Windowed, 5);
    write_grid_report(dir.path(), &stand_in_grid(), &results, None).unwrap();
    let md = std::fs::read_to_string(dir.path().join("results.md")).unwrap();
    let section = md.split("## The study's published figures beside ours").nth(1).expect("the section is there");
    assert!(section.contains("**Ours are stand-in data**"));
    // Cell 0 is Low / 44 / 64 / 0.01, published at 2.24 %; cell 35, High / 88 / 96 / 1e-4, at 3.50 %.
    let songs: Vec<String> = SONGS.iter().map(|s| s.to_string()).collect();
    let ours = |n: usize| format!("{:.2}", f64::from(results[n].mean_esr(&songs, EsrMode::Study).unwrap()) * 100.0);
    assert!(section.contains(&format!("| 0 | Low / 44 / 64 / 0.01 | 2.24 | {} |", ours(0))), "{section}");
    assert!(section.contains("| 35 | High / 88 / 96 / 0.0001 | 3.50 |"), "{section}");

    let other = GridInfo { effect: "DS-1".into(), experiment: "Mine".into(), ..stand_in_grid() };
    let other_dir = tempfile::tempdir().unwrap();
    write_grid_report(other_dir.path(), &other, &results, None).unwrap();
    let md = std::fs::read_to_string(other_dir.path().join("results.md")).unwrap();
    assert!(!md.contains("published figures"), "only the study's two grids have published figures");
}

#[test]
fn real_recordings_are_labelled_as_such_and_never_as_stand_in() {
    let dir = tempfile::tempdir().unwrap();
    let grid =
        GridInfo { data: DataSource::Recordings { description: "Boss SD-1, Scarlett 2i2".into() }, ..stand_in_grid() };
    write_grid_report(dir.path(), &grid, &synthetic_grid(TrainingMethod::Windowed, 1)[..4], None).unwrap();
    let md = std::fs::read_to_string(dir.path().join("results.md")).unwrap();
    assert!(md.contains("**Data: real recordings: Boss SD-1, Scarlett 2i2**"));
    assert!(!md.contains("stand-in"));
}

#[test]
fn a_grid_with_no_finished_model_still_gets_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_grid_report(dir.path(), &stand_in_grid(), &[], None).unwrap();
    let md = std::fs::read_to_string(&files.markdown).unwrap();
    assert!(md.contains("No model of this grid has finished yet.") && md.contains("stand-in data"));
    assert_eq!(csv::Reader::from_path(&files.csv).unwrap().records().count(), 0);
    for png in [&files.model_results_png, &files.summary_png, &files.train_val_png] {
        let image = decode_png(png);
        // The placeholder has its title and message: text, not an empty canvas.
        assert!(image.rgb.iter().filter(|p| **p != [255, 255, 255]).count() > 2000, "{}", png.display());
    }
}

#[test]
fn diverged_and_missing_figures_do_not_break_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut results = synthetic_grid(TrainingMethod::Windowed, 11);
    results[1].songs[0].streaming = Some(Metrics { esr: f64::NAN, mse: f64::NAN, mae: f64::NAN });
    results[3].songs[2].streaming = Some(Metrics { esr: 8.82, mse: 0.1, mae: 0.2 });
    results[5].songs[1].windowed = None;
    results[7].history = History::default();
    write_grid_report(dir.path(), &stand_in_grid(), &results, None).unwrap();

    let mut table = csv::Reader::from_path(dir.path().join("results.csv")).unwrap();
    let header = table.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = table.records().map(|r| r.unwrap()).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[1][column("battery_streaming_esr")], "NaN");
    assert_eq!(&rows[1][column("mean_streaming_esr")], "", "a diverged song leaves no mean");
    assert_eq!(&rows[5][column("electricEye_windowed_esr")], "");
    assert!(rows[3][column("mean_streaming_esr")].parse::<f32>().unwrap() > 1.0);
}

#[test]
fn an_excerpt_whose_signals_differ_in_length_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = excerpt();
    bad.predicted.truncate(1000);
    let error =
        write_grid_report(dir.path(), &stand_in_grid(), &synthetic_grid(TrainingMethod::Windowed, 2), Some(&bad))
            .unwrap_err();
    assert!(matches!(error, ReportError::InvalidExcerpt { .. }));
    let message = error.to_string();
    assert!(message.contains("shadowlove") && message.contains("1500") && message.contains("1000"), "{message}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_unwritable_report_folder_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    // A folder cannot be made under a regular file, whatever the user's permissions (CI often runs as root).
    let blocker = dir.path().join("reports");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let wanted = blocker.join("ds340");
    let error =
        write_grid_report(&wanted, &stand_in_grid(), &synthetic_grid(TrainingMethod::Windowed, 2), None).unwrap_err();
    assert!(matches!(error, ReportError::CreateDir { .. }), "{error:?}");
    assert!(error.to_string().contains(&wanted.display().to_string()), "{error}");

    let error = write_method_comparison(&wanted, &stand_in_grid(), &[], &[]).unwrap_err();
    assert!(error.to_string().contains(&wanted.display().to_string()), "{error}");
}

#[test]
fn the_method_comparison_shows_every_cell_and_marks_the_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let windowed = synthetic_grid(TrainingMethod::Windowed, 5);
    let mut streaming = synthetic_grid(TrainingMethod::Streaming, 6);
    // A streaming grid still training: the last six cells are not there yet.
    streaming.truncate(30);
    let files = write_method_comparison(dir.path(), &stand_in_grid(), &windowed, &streaming).unwrap();

    let md = std::fs::read_to_string(&files.markdown).unwrap();
    assert!(md.contains("**Data: stand-in data:"));
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.split('|').nth(1).is_some_and(|c| c.trim().parse::<u32>().is_ok()))
        .collect();
    assert_eq!(rows.len(), 36, "one row per cell");
    let missing: Vec<&&str> = rows.iter().filter(|r| r.contains("missing")).collect();
    assert_eq!(missing.len(), 6);
    assert!(missing.iter().all(|r| r.matches("missing").count() == 3), "only the streaming side is missing");
    assert!(md.contains("trained windowed: 36; trained streaming: 30"));
    assert_is_a_real_plot(&files.png, 1800, 1200);
}

#[test]
fn results_survive_a_json_round_trip_as_the_runner_stores_them() {
    let results = synthetic_grid(TrainingMethod::Streaming, 9);
    let json = serde_json::to_string(&results).unwrap();
    let back: Vec<ModelResult> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, results);
    // A Keras-style history file (only loss and val_loss) reads straight into `History`.
    let history: History = serde_json::from_str(r#"{"loss":[0.5,0.2],"val_loss":[0.6,0.3]}"#).unwrap();
    assert_eq!(history.val_loss, [0.6, 0.3]);
    assert!(history.mae.is_empty());
}

#[test]
fn the_shift_floor_is_larger_for_a_brighter_wet_signal() {
    let dull: Vec<f32> = (0..44_100).map(|i| (i as f32 * 0.01).sin()).collect();
    let bright: Vec<f32> = (0..44_100).map(|i| (i as f32 * 0.01).sin().signum() * 0.5).collect();
    let (dull, bright) = (one_sample_shift_esr(&dull).unwrap(), one_sample_shift_esr(&bright).unwrap());
    assert!(bright > 10.0 * dull, "square {bright} vs sine {dull}");
}

/// Not a check but a tool: `BLACKBOX_REPORT_PREVIEW=<dir> cargo test -p blackbox-trainer --test report preview`
/// writes the synthetic grid's reports into <dir> for a person to look at after changing a figure.
#[test]
fn preview_written_when_blackbox_report_preview_is_set() {
    let Some(dir) = std::env::var_os("BLACKBOX_REPORT_PREVIEW") else { return };
    let dir = Path::new(&dir);
    let mut windowed = synthetic_grid(TrainingMethod::Windowed, 25);
    // A model that diverges when streamed, as the TS9 lr 1e-4 model did (7.2 % windowed, 882 % streamed).
    windowed[7].songs[3].streaming = Some(Metrics { esr: 8.82, mse: 0.1, mae: 0.2 });
    windowed[9].songs[0].streaming = Some(Metrics { esr: f64::NAN, mse: f64::NAN, mae: f64::NAN });
    let mut streaming = synthetic_grid(TrainingMethod::Streaming, 26);
    streaming.truncate(30);
    write_grid_report(dir, &stand_in_grid(), &windowed, Some(&excerpt())).unwrap();
    write_method_comparison(dir, &stand_in_grid(), &windowed, &streaming).unwrap();
}
