//! `trainer info`, `trainer render` and `trainer export` on every format: the community's real files from
//! ../shared/models (outside the repository) and BlackBox's own models exported and read back.

use std::path::{Path, PathBuf};
use std::process::Command;

fn trainer(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trainer")).args(args).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("formats_cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn community_files() -> Option<Vec<PathBuf>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/models");
    if !root.exists() {
        eprintln!("SKIPPED: {} is not there (the community files live outside the repository)", root.display());
        return None;
    }
    let mut files = Vec::new();
    for folder in ["nam", "aidax", "guitarml", "rtneural"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if (name.ends_with(".nam") || name.ends_with(".json")) && !name.contains("PedalNetRT") {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}

fn write_guitar(path: &Path, rate: u32, seconds: f32) -> usize {
    let spec = hound::WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 32, sample_format: hound::SampleFormat::Float };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    let n = (seconds * rate as f32) as usize;
    for i in 0..n {
        let t = i as f32 / rate as f32;
        writer.write_sample(0.3 * (-5.0 * (t % 0.4)).exp() * (std::f32::consts::TAU * 196.0 * t).sin()).unwrap();
    }
    writer.finalize().unwrap();
    n
}

#[test]
fn every_community_file_renders_at_its_own_rate() {
    let Some(files) = community_files() else { return };
    let input = scratch("guitar_44k.wav");
    let n = write_guitar(&input, 44_100, 0.3);
    for file in files {
        let out = scratch("community_out.wav");
        let (ok, text) = trainer(&["render", "--model", file.to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(ok, "{}: {text}", file.display());
        let samples: Vec<f32> = hound::WavReader::open(&out).unwrap().samples::<f32>().map(Result::unwrap).collect();
        assert_eq!(samples.len(), n, "{}", file.display());
        assert!(samples.iter().all(|s| s.is_finite()), "{}", file.display());
        let model_line = text.lines().find(|l| l.trim_start().starts_with("model ")).unwrap_or_default();
        eprintln!("{}:{model_line}", file.file_name().unwrap().to_string_lossy());
    }
}

#[test]
fn info_names_format_rate_and_knobs() {
    let Some(files) = community_files() else { return };
    let find = |part: &str| files.iter().find(|f| f.to_string_lossy().contains(part)).unwrap().to_str().unwrap().to_owned();
    for (file, expected) in [
        (find("TS-M1N3"), vec!["GuitarML Proteus", "48000 Hz", "Drive, Tone", "over the knob"]),
        (find("Obsidian"), vec!["Neural Amp Modeler", "WaveNet", "48000 Hz (stated in the file)", "loudness (file, dbfs rms)"]),
        (find("Cali_Texas"), vec!["AIDA-X", "LSTM 12", "captured by"]),
    ] {
        let (ok, text) = trainer(&["info", &file]);
        assert!(ok, "{text}");
        for e in expected {
            assert!(text.contains(e), "{file}: {e:?} missing from\n{text}");
        }
    }
    let (ok, text) = trainer(&["info", scratch("nonexistent.nam").to_str().unwrap()]);
    assert!(!ok && text.contains("No such file"), "{text}");
}

#[test]
fn exported_models_load_back_and_render_through_the_cli() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let fixed = models.join("SD-1/DS340/model_Low_64_0.01_44_0_streaming.bbx");
    let conditioned = models.join("SD-1/DS340-7settings/model_Conditioned_64_0.01_88_84_streaming.bbx");
    let input = scratch("guitar_48k.wav");
    write_guitar(&input, 48_000, 0.2);
    for (model, to, knob, out) in [
        (&fixed, "nam", None, "fixed.nam"),
        (&conditioned, "nam", Some("gain=0.5"), "conditioned.nam"),
        (&conditioned, "aidax", None, "conditioned.json"),
    ] {
        let out = scratch(out);
        let mut args = vec!["export", model.to_str().unwrap(), "--to", to, "--out", out.to_str().unwrap()];
        if let Some(k) = knob {
            args.extend(["--knob", k]);
        }
        let (ok, text) = trainer(&args);
        assert!(ok, "{text}");
        assert!(text.contains("exported"), "{text}");
        let (ok, info) = trainer(&["info", out.to_str().unwrap()]);
        assert!(ok && info.contains("44100 Hz"), "{info}");
        let wav = scratch("exported_out.wav");
        let (ok, text) = trainer(&["render", "--model", out.to_str().unwrap(), "--input", input.to_str().unwrap(), "--output", wav.to_str().unwrap()]);
        assert!(ok, "{text}");
    }
    let (ok, text) = trainer(&["export", conditioned.to_str().unwrap(), "--to", "nam", "--out", scratch("x.nam").to_str().unwrap()]);
    assert!(!ok && text.contains("--knob"), "{text}");
}
