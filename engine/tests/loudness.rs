//! Loudness measurement: the meter against known signals, the reference passage, interpolation over a
//! conditioned model's knob, and real model files.

use std::path::Path;

use blackbox_engine::loudness::{Loudness, MAX_CORRECTION_DB, TARGET_LUFS, integrated_lufs, model_loudness, reference};
use blackbox_engine::formats::LoadedModel;
use blackbox_engine::model::{Gain, ModelFile};

#[test]
fn a_full_scale_1_khz_sine_reads_minus_3_lufs_and_silence_reads_nothing() {
    let rate = 48_000;
    let sine: Vec<f32> =
        (0..rate * 2).map(|i| (2.0 * std::f32::consts::PI * 997.0 * i as f32 / rate as f32).sin()).collect();
    let lufs = integrated_lufs(&sine, rate as u32).unwrap();
    assert!((lufs + 3.01).abs() < 0.1, "997 Hz at 0 dBFS reads {lufs:.2} LUFS");
    let quieter: Vec<f32> = sine.iter().map(|x| x * 0.1).collect();
    let lufs_20 = integrated_lufs(&quieter, rate as u32).unwrap();
    assert!((lufs - lufs_20 - 20.0).abs() < 0.05, "20 dB quieter reads {:.2} dB quieter", lufs - lufs_20);
    assert_eq!(integrated_lufs(&vec![0.0; rate * 2], rate as u32), None);
}

#[test]
fn the_reference_passage_is_fixed_four_seconds_at_a_di_level_at_any_rate() {
    for rate in [44_100, 48_000, 96_000] {
        let passage = reference::passage(rate);
        assert_eq!(passage.len(), (reference::SECONDS * f64::from(rate)) as usize);
        let peak = passage.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let lufs = integrated_lufs(&passage, rate).unwrap();
        println!("reference passage at {rate} Hz: {lufs:.2} LUFS, peak {:.1} dBFS", 20.0 * peak.log10());
        assert!((lufs - reference::PASSAGE_LUFS).abs() < 0.05, "{lufs} LUFS");
        assert!((-20.0..-3.0).contains(&(20.0 * peak.log10())), "peak {peak} is not a DI's");
        assert_eq!(passage, reference::passage(rate), "the passage must not change between calls");
    }
    // The same music at every rate: loudness agrees within a small fraction of a dB.
    let (a, b) =
        (integrated_lufs(&reference::passage(44_100), 44_100), integrated_lufs(&reference::passage(96_000), 96_000));
    assert!((a.unwrap() - b.unwrap()).abs() < 0.2);
}

#[test]
fn gains_interpolate_between_knob_positions_and_are_bounded() {
    let loudness = Loudness { points: vec![(0.0, Some(-30.0)), (0.5, Some(-20.0)), (1.0, Some(-10.0))] };
    assert_eq!(loudness.at(0.25), Some(-25.0));
    assert_eq!(loudness.at(-1.0), Some(-30.0));
    assert_eq!(loudness.at(2.0), Some(-10.0));
    let gain_db = |knob: f32| 20.0 * loudness.normalising_gain(knob).log10();
    assert!((gain_db(0.75) - (TARGET_LUFS + 15.0)).abs() < 1e-4);
    let silent = Loudness::fixed(None);
    assert_eq!(silent.normalising_gain(0.0), 1.0);
    let nearly_silent = Loudness::fixed(Some(-100.0));
    assert!((20.0 * nearly_silent.normalising_gain(0.0).log10() - MAX_CORRECTION_DB).abs() < 1e-3);
}

fn shipped_models() -> Vec<ModelFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let mut found = Vec::new();
    for effect in std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().is_dir()) {
        for experiment in std::fs::read_dir(effect.path()).unwrap().flatten() {
            for file in std::fs::read_dir(experiment.path()).unwrap().flatten() {
                if file.path().extension().is_some_and(|e| e == "bbx") {
                    found.push(ModelFile::load(&file.path()).unwrap());
                }
            }
        }
    }
    found
}

#[test]
fn a_models_loudness_is_that_of_its_streamed_output_and_a_conditioned_model_is_measured_across_its_knob() {
    let models = shipped_models();
    assert!(!models.is_empty(), "models/ holds no model to measure");
    for model in &models {
        let started = std::time::Instant::now();
        let loudness = model_loudness(model);
        let seconds = started.elapsed().as_secs_f32();
        println!(
            "{} ({}): {} (measured in {seconds:.2} s)",
            model.metadata.name,
            model.metadata.effect,
            loudness.describe()
        );
        if model.metadata.gain == Gain::Conditioned {
            assert_eq!(loudness.points.len(), 5);
            continue;
        }
        let rate = model.metadata.sample_rate;
        let passage = reference::passage(rate);
        // As the plugin plays it: pre-warmed on silence, then streamed.
        let mut player = LoadedModel::from_model_file(model.clone()).player().unwrap();
        player.prewarm();
        let mut output = vec![0.0; passage.len()];
        player.process_block(&passage, &mut output);
        assert_eq!(loudness.at(0.0), integrated_lufs(&output, rate));
        // Normalised, the output sits at the target.
        let gain = loudness.normalising_gain(0.0);
        let normalised: Vec<f32> = output.iter().map(|y| y * gain).collect();
        let lufs = integrated_lufs(&normalised, rate).unwrap();
        assert!((lufs - TARGET_LUFS).abs() < 0.01, "{}: {lufs:.2} LUFS after normalising", model.metadata.name);
    }
}
