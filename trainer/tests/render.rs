//! `trainer render`: a shipped model played offline as the plugin plays it, aligned with its input, with the
//! cabinet and tone applied; bad requests refused with messages that say what to do.

use std::path::{Path, PathBuf};
use std::process::Command;

use blackbox_engine::cabinet::ImpulseResponse;
use blackbox_engine::formats::LoadedModel;
use blackbox_engine::model::{Gain, ModelFile};
use blackbox_engine::render::{RenderSettings, render};
use blackbox_engine::tone::ToneSettings;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn shipped(gain: Gain) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/SD-1/DS340");
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bbx"))
        .find(|p| ModelFile::load(p).is_ok_and(|m| m.metadata.gain == gain))
        .unwrap_or_else(|| panic!("models/SD-1/DS340 holds no {gain:?} model"))
}

/// Plucked-string-like test input at `rate`, 24-bit.
fn write_input(path: &Path, rate: u32, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(rate)) as usize;
    let samples: Vec<f32> = (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let note = t % 0.5;
            (0.2 * (-6.0 * note).exp()
                * ((2.0 * std::f64::consts::PI * 110.0 * t).sin()
                    + 0.5 * (2.0 * std::f64::consts::PI * 330.0 * t).sin())) as f32
        })
        .collect();
    let spec =
        hound::WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 24, sample_format: hound::SampleFormat::Int };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for &s in &samples {
        writer.write_sample((s * 8_388_607.0).round() as i32).unwrap();
    }
    writer.finalize().unwrap();
    // What the file holds, as the trainer reads it back.
    samples.iter().map(|&s| (s * 8_388_607.0).round() / 8_388_608.0).collect()
}

fn read_output(path: &Path) -> Vec<f32> {
    hound::WavReader::open(path).unwrap().samples::<f32>().map(Result::unwrap).collect()
}

fn trainer(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trainer")).args(args).output().unwrap()
}

fn difference_db(a: &[f32], b: &[f32]) -> f64 {
    let e: f64 = a.iter().zip(b).map(|(x, y)| f64::from(x - y).powi(2)).sum();
    let s: f64 = b.iter().map(|y| f64::from(*y).powi(2)).sum();
    10.0 * (e / s).log10()
}

#[test]
fn a_48_khz_take_renders_through_the_model_tone_and_cabinet_aligned_with_its_input() {
    let model_path = shipped(Gain::Low);
    let model = ModelFile::load(&model_path).unwrap();
    let input_path = scratch("take_48k.wav");
    let input = write_input(&input_path, 48_000, 2.0);
    let output_path = scratch("take_48k_out.wav");
    let run = trainer(&[
        "render",
        "--model",
        model_path.to_str().unwrap(),
        "--input",
        input_path.to_str().unwrap(),
        "--output",
        output_path.to_str().unwrap(),
        "--ir",
        "designed",
        "--tone",
        "3,-2,1",
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    println!("{stdout}");
    assert!(stdout.contains("latency 51 samples removed"), "{stdout}");
    let output = read_output(&output_path);
    assert_eq!(output.len(), input.len(), "the output is not as long as the input");

    let settings = RenderSettings {
        tone: Some(ToneSettings { bass_db: 3.0, mid_db: -2.0, treble_db: 1.0 }),
        cabinet: Some(ImpulseResponse::designed(48_000).unwrap().taps_at(48_000).unwrap()),
        ..RenderSettings::default()
    };
    let expected = render(&LoadedModel::from_model_file(model.clone()), &input, 48_000, &settings).unwrap();
    let db = difference_db(&output, expected.aligned());
    assert!(db < -100.0, "trainer render differs from the engine's render by {db:.1} dB");

    // Aligned: without the cabinet (whose own response is not latency), a note that starts after silence starts
    // at the same sample in the output. (A cross-correlation would measure the pedal's phase, not its delay.)
    let onset_input = scratch("onset_48k.wav");
    let mut onset: Vec<f32> = vec![0.0; 24_000];
    onset.extend((0..24_000).map(|i| 0.3 * (-(i as f32) / 4_000.0).exp() * (i as f32 * 0.0144).sin()));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(&onset_input, spec).unwrap();
    onset.iter().for_each(|&s| writer.write_sample(s).unwrap());
    writer.finalize().unwrap();
    let plain = scratch("onset_48k_out.wav");
    let run = trainer(&[
        "render",
        "--model",
        model_path.to_str().unwrap(),
        "--input",
        onset_input.to_str().unwrap(),
        "--output",
        plain.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let output = read_output(&plain);
    let first_above = |x: &[f32]| {
        let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        x.iter().position(|v| v.abs() > 0.05 * peak).unwrap()
    };
    let (start_in, start_out) = (first_above(&onset), first_above(&output));
    println!("onset: input sample {start_in}, output sample {start_out}");
    assert!(start_in.abs_diff(start_out) <= 2, "the output starts {start_out} against the input's {start_in}");
}

#[test]
fn bad_requests_are_refused_with_a_message_that_says_what_to_do() {
    let model = shipped(Gain::Low);
    let input = scratch("short.wav");
    write_input(&input, 44_100, 0.2);
    let out = scratch("never.wav");
    let not_ir = scratch("not_an_ir.wav");
    std::fs::write(&not_ir, "my amp settings").unwrap();
    let (m, i, o) = (model.to_str().unwrap(), input.to_str().unwrap(), out.to_str().unwrap());
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["--knob", "gain=0.5"], "has no knobs"),
        (vec!["--ir", not_ir.to_str().unwrap()], "not a readable WAV"),
        (vec!["--tone", "3,2"], "three numbers"),
        (vec!["--knob", "gain=4"], "outside the knob's range"),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["render", "--model", m, "--input", i, "--output", o];
        args.extend(extra.iter());
        let run = trainer(&args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{extra:?} was accepted");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert!(!out.exists(), "a refused render wrote a file");
}
