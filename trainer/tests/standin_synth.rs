//! `trainer synth` writes the study's layout, and every file reads back as the loader expects.

use std::path::{Path, PathBuf};

use blackbox_engine::model::Gain;
use blackbox_trainer::audio::read_mono;
use blackbox_trainer::dataset::Device;
use blackbox_trainer::dataset::layout::{self, Grid, Split};
use blackbox_trainer::synth::{SynthConfig, build_grid};

const DI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/di");

/// Names in a gain's Dry folder, without the `d_` prefix and extension.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("Dry"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("d_")?.strip_suffix(".wav"))
                .map(String::from)
        })
        .collect();
    v.sort();
    v
}

/// Every pair in every split and gain: 44.1 kHz mono, equal lengths, labelled; dry identical across gains.
fn check_layout(out: &Path, grid: Grid, expect_train: usize, expect_test: usize) {
    for (split, expected) in [(Split::Train, expect_train), (Split::Test, expect_test)] {
        let mut dry_of_low: Vec<Vec<f32>> = Vec::new();
        for gain in [Gain::Low, Gain::Mid, Gain::High] {
            let dir = layout::gain_dir(out, &Device::study(grid), split, gain);
            let clip_names = names(&dir);
            assert_eq!(clip_names.len(), expected, "{}", dir.display());
            for (i, name) in clip_names.iter().enumerate() {
                let dry = read_mono(&layout::dry_path(&dir, name)).expect("dry reads back");
                let wet = read_mono(&layout::wet_path(&dir, name)).expect("wet twin exists and reads back");
                assert_eq!((dry.sample_rate, wet.sample_rate), (44_100, 44_100));
                assert_eq!(dry.samples.len(), wet.samples.len(), "{name}");
                assert!(dry.samples.len() > 44_100, "{name} is under a second");
                for a in [&dry, &wet] {
                    let label = a.comment.as_deref().unwrap_or("");
                    assert!(
                        label.starts_with("stand-in data: ") && label.contains("seed 3"),
                        "{name}: {label:?}"
                    );
                }
                let wet_peak = wet.samples.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
                assert!(
                    wet_peak > 0.01 && wet_peak < 1.0,
                    "{name} {gain:?}: wet peak {wet_peak}"
                );
                if gain == Gain::Low {
                    dry_of_low.push(dry.samples);
                } else {
                    assert_eq!(dry.samples, dry_of_low[i], "dry differs between gains: {name}");
                }
            }
        }
    }
    let source =
        std::fs::read_to_string(out.join(grid.effect()).join(grid.experiment()).join("SOURCE.md")).expect("SOURCE.md");
    assert!(
        source.contains("STAND-IN DATA") && source.contains("Seed: 3"),
        "{source}"
    );
}

#[test]
fn short_procedural_runs_write_both_layouts_that_read_back() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for grid in Grid::ALL {
        let config = SynthConfig {
            grid,
            out: tmp.path().to_path_buf(),
            di: None,
            seed: 3,
            train_seconds: Some(16.0),
            test_seconds: Some(9.0),
            settings: None,
        };
        let report = build_grid(&config).expect("synth runs");
        assert!((report.train_seconds - 16.0).abs() < 0.01 && (report.test_seconds - 9.0).abs() < 0.01);
        assert!(
            report.gains.iter().all(|g| g.clipped_samples == 0),
            "{:?}",
            report.gains
        );
        check_layout(tmp.path(), grid, 8, 6);
    }
}

#[test]
fn di_clips_are_resampled_to_44k1_and_split_into_train_and_test() {
    let di = Path::new(DI);
    if !di.join("Guitar_DI.wav").exists() {
        println!("skipping: the DI clips are not at {DI}");
        return;
    }
    // Two real clips, shortened to 3 s into a temporary folder (never into the repository).
    let tmp = tempfile::tempdir().expect("temp dir");
    let clips: PathBuf = tmp.path().join("di");
    std::fs::create_dir_all(&clips).expect("di folder");
    for name in ["Guitar_DI", "Celestial"] {
        let audio = read_mono(&di.join(format!("{name}.wav"))).expect("DI clip reads");
        assert_eq!(audio.sample_rate, 48_000);
        let short = &audio.samples[..3 * 48_000];
        blackbox_trainer::audio::write_mono_24(&clips.join(format!("{name}.wav")), 48_000, short, None).expect("copy");
    }
    let out = tmp.path().join("data");
    let config = SynthConfig {
        grid: Grid::Ds340,
        out: out.clone(),
        di: Some(clips),
        seed: 3,
        train_seconds: None,
        test_seconds: None,
        settings: None,
    };
    let report = build_grid(&config).expect("synth runs on DI clips");
    // 3 s at 48 kHz is 132,300 samples at 44.1 kHz.
    assert!(
        (report.train_seconds - 3.0).abs() < 0.01 && (report.test_seconds - 3.0).abs() < 0.01,
        "{report:?}"
    );
    check_layout(&out, Grid::Ds340, 1, 1);
    let test_dir = layout::gain_dir(&out, &Device::study(Grid::Ds340), Split::Test, Gain::Mid);
    assert_eq!(names(&test_dir), ["Guitar_DI"]);
}

/// `--settings 4`: four drive positions from the study's Low to its High, named by the pot, with the knob values
/// in a settings.toml that the trainer reads back in knob order, and the wet level rising with the drive.
#[test]
fn a_sweep_of_settings_is_written_with_its_knob_values() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let config = SynthConfig {
        grid: Grid::Ultragain,
        out: tmp.path().to_path_buf(),
        di: None,
        seed: 3,
        train_seconds: Some(4.0),
        test_seconds: Some(3.0),
        settings: Some(4),
    };
    let report = build_grid(&config).expect("synth runs");
    assert_eq!(report.gains.len(), 4);
    let device = Device::new("DSL20HPreamp", "UltraGain-4settings").unwrap();
    let settings = device.settings(tmp.path()).expect("settings read back");
    let names: Vec<&str> = settings.iter().map(|s| s.name()).collect();
    assert_eq!(names, ["Gain 2.0", "Gain 4.0", "Gain 6.0", "Gain 8.0"]);
    let table = device.knobs(tmp.path(), &settings).unwrap().expect("settings.toml is written");
    assert_eq!(table.knobs, vec!["gain".to_owned()]);
    let knobs: Vec<f32> = settings.iter().map(|s| table.values(s)[0]).collect();
    assert!(knobs.iter().zip([0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0]).all(|(a, b)| (a - b).abs() < 1e-6), "{knobs:?}");
    // The low and high ends are the study's Low and High: the same circuit settings.
    let low = report.gains.iter().find(|g| g.gain.name() == "Gain 2.0").unwrap();
    assert!(low.settings.contains("Gain 2 ") || low.settings.contains("Gain 2,"), "{}", low.settings);
}
