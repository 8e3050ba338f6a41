//! The loader refuses bad recordings with messages that name the file and say what is wrong.

use std::path::{Path, PathBuf};

use blackbox_engine::model::Gain;
use blackbox_trainer::audio::write_mono_24;
use blackbox_trainer::dataset::{
    Device,
    DatasetError, Grid, LoadWarning, Split, TrainSize, WindowConfig, WindowedDataset, dry_path, gain_dir, list_pairs,
    load_gain, wet_path,
};
use hound::{SampleFormat, WavSpec, WavWriter};

fn write_wav(path: &Path, sample_rate: u32, channels: u16, frames: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let spec = WavSpec { channels, sample_rate, bits_per_sample: 16, sample_format: SampleFormat::Int };
    let mut writer = WavWriter::create(path, spec).unwrap();
    for i in 0..frames * usize::from(channels) {
        writer.write_sample(((i % 200) as i16 - 100) * 50).unwrap();
    }
    writer.finalize().unwrap();
}

struct Layout {
    _root: tempfile::TempDir,
    data: PathBuf,
}

impl Layout {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        Layout { _root: root, data }
    }

    fn gain(&self, split: Split, gain: Gain) -> PathBuf {
        gain_dir(&self.data, &Device::study(Grid::Ds340), split, gain)
    }

    fn pair(&self, gain: Gain, name: &str, dry_frames: usize, wet_frames: usize) {
        let dir = self.gain(Split::Train, gain);
        write_wav(&dry_path(&dir, name), 44_100, 1, dry_frames);
        write_wav(&wet_path(&dir, name), 44_100, 1, wet_frames);
    }

    fn load(&self) -> Result<blackbox_trainer::dataset::GainRecordings, DatasetError> {
        load_gain(&self.data, &Device::study(Grid::Ds340), Split::Train, Gain::Low)
    }
}

fn message(result: Result<impl std::fmt::Debug, DatasetError>) -> String {
    result.unwrap_err().to_string()
}

#[test]
fn a_missing_data_folder_names_it_and_the_layout() {
    let layout = Layout::new();
    let text = message(layout.load());
    assert!(text.contains(&layout.data.display().to_string()) && text.contains("does not exist"), "{text}");
    assert!(text.contains("{Train,Test}/<setting, e.g. Low>/{Dry/d_NAME.wav, Wet/w_NAME.wav}"), "{text}");
}

#[test]
fn a_missing_level_of_the_layout_is_the_one_named() {
    let layout = Layout::new();
    std::fs::create_dir_all(layout.data.join("SD-1")).unwrap();
    let text = message(layout.load());
    assert!(text.contains(&format!("{}", layout.data.join("SD-1").join("DS340").display())), "{text}");
    let deepest = layout.gain(Split::Train, Gain::Low).display().to_string();
    assert!(!text.contains(&deepest), "the first missing level is named, not the gain folder: {text}");

    // With Dry present, the missing Wet folder is named.
    layout.pair(Gain::Low, "riff", 10, 10);
    std::fs::remove_dir_all(layout.gain(Split::Train, Gain::Low).join("Wet")).unwrap();
    let text = message(layout.load());
    assert!(text.contains(&layout.gain(Split::Train, Gain::Low).join("Wet").display().to_string()), "{text}");
    assert!(text.contains("does not exist"), "{text}");
}

#[test]
fn a_dry_file_without_its_wet_twin_names_both() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "a", 100, 100);
    write_wav(&dry_path(&layout.gain(Split::Train, Gain::Low), "riff"), 44_100, 1, 100);
    let error = layout.load().unwrap_err();
    assert!(matches!(error, DatasetError::MissingWet { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("d_riff.wav") && text.contains("w_riff.wav") && text.contains("no wet twin"), "{text}");
}

#[test]
fn a_wet_file_without_its_dry_twin_names_both() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "a", 100, 100);
    write_wav(&wet_path(&layout.gain(Split::Train, Gain::Low), "solo"), 44_100, 1, 100);
    let text = message(list_pairs(&layout.gain(Split::Train, Gain::Low)));
    assert!(text.contains("w_solo.wav") && text.contains("d_solo.wav") && text.contains("no dry twin"), "{text}");
}

#[test]
fn a_wav_not_named_like_the_layout_is_an_error_not_a_skip() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "a", 100, 100);
    write_wav(&layout.gain(Split::Train, Gain::Low).join("Dry").join("battery.wav"), 44_100, 1, 100);
    let text = message(layout.load());
    assert!(text.contains("battery.wav") && text.contains("d_NAME.wav"), "{text}");
}

#[test]
fn a_gain_folder_without_recordings_says_so() {
    let layout = Layout::new();
    let dir = layout.gain(Split::Train, Gain::Low);
    std::fs::create_dir_all(dir.join("Dry")).unwrap();
    std::fs::create_dir_all(dir.join("Wet")).unwrap();
    let text = message(layout.load());
    assert!(text.contains(&dir.join("Dry").display().to_string()) && text.contains("no recordings"), "{text}");
}

#[test]
fn a_wrong_sample_rate_names_the_file_and_both_rates() {
    let layout = Layout::new();
    let dir = layout.gain(Split::Train, Gain::Low);
    write_wav(&dry_path(&dir, "battery"), 44_100, 1, 100);
    write_wav(&wet_path(&dir, "battery"), 48_000, 1, 100);
    let error = layout.load().unwrap_err();
    assert!(matches!(error, DatasetError::SampleRate { found: 48_000, .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("w_battery.wav is 48000 Hz but the recordings beside it are 44100 Hz"), "{text}");
}

#[test]
fn a_stereo_file_is_refused_by_name() {
    let layout = Layout::new();
    let dir = layout.gain(Split::Train, Gain::Low);
    write_wav(&dry_path(&dir, "chords"), 44_100, 2, 100);
    write_wav(&wet_path(&dir, "chords"), 44_100, 1, 100);
    let text = message(layout.load());
    assert!(text.contains("d_chords.wav") && text.contains("2 channels") && text.contains("mono"), "{text}");
}

#[test]
fn an_empty_file_is_refused_by_name() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "silence", 100, 0);
    let text = message(layout.load());
    assert!(text.contains("w_silence.wav") && text.contains("no samples"), "{text}");
}

#[test]
fn lengths_differing_by_more_than_the_tolerance_are_refused() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "take", 1000, 1065);
    let error = layout.load().unwrap_err();
    assert!(matches!(error, DatasetError::LengthMismatch { dry_len: 1000, wet_len: 1065, .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.contains("w_take.wav has 1065 samples") && text.contains("d_take.wav has 1000"), "{text}");
}

#[test]
fn lengths_within_the_tolerance_are_trimmed_with_a_warning() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "take", 1064, 1000);
    let recordings = layout.load().unwrap();
    let song = &recordings.songs[0];
    assert_eq!((song.dry.len(), song.wet.len()), (1000, 1000));
    let dry = dry_path(&layout.gain(Split::Train, Gain::Low), "take");
    assert_eq!(recordings.warnings, [LoadWarning::Trimmed { longer: dry, removed: 64 }]);
    assert!(recordings.warnings[0].to_string().contains("d_take.wav is 64 samples longer"));
}

#[test]
fn songs_load_in_name_order_with_the_wet_files_label() {
    let layout = Layout::new();
    let dir = layout.gain(Split::Test, Gain::Mid);
    std::fs::create_dir_all(dir.join("Dry")).unwrap();
    std::fs::create_dir_all(dir.join("Wet")).unwrap();
    for (name, value) in [("zeta", 0.5f32), ("alpha", 0.25), ("Mid", -0.5)] {
        write_mono_24(&dry_path(&dir, name), 44_100, &[value; 30], Some("dry label")).unwrap();
        write_mono_24(&wet_path(&dir, name), 44_100, &[-value; 30], Some("STAND-IN")).unwrap();
    }
    let recordings = load_gain(&layout.data, &Device::study(Grid::Ds340), Split::Test, Gain::Mid).unwrap();
    let names: Vec<_> = recordings.songs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Mid", "alpha", "zeta"], "byte order, as a sorted listing");
    assert_eq!(recordings.songs[1].dry[0], 0.25);
    assert_eq!(recordings.songs[1].wet[0], -0.25);
    assert!(recordings.songs.iter().all(|s| s.comment.as_deref() == Some("STAND-IN")));
}

#[test]
fn too_few_windows_for_the_study_count_is_an_error_with_the_available_count() {
    let layout = Layout::new();
    layout.pair(Gain::Low, "short", 8_800, 8_800);
    let recordings = layout.load().unwrap();
    let text = message(WindowedDataset::from_recordings(&recordings, &WindowConfig::study(88)));
    assert!(text.contains("100 windows of 88 samples") && text.contains("74862 training windows"), "{text}");
    assert!(text.contains(&layout.gain(Split::Train, Gain::Low).display().to_string()), "{text}");

    // The escape hatch: all but a validation fraction.
    let config = WindowConfig { train: TrainSize::AllButFraction(0.2), ..WindowConfig::study(88) };
    let windows = WindowedDataset::from_recordings(&recordings, &config).unwrap();
    assert_eq!((windows.train().len(), windows.validation().len()), (80, 20));
}

#[test]
fn the_conditioned_gain_has_no_folder_of_its_own() {
    let layout = Layout::new();
    let text = message(load_gain(&layout.data, &Device::study(Grid::Ds340), Split::Train, Gain::Conditioned));
    assert!(text.contains("conditioned") && text.contains("every setting"), "{text}");
}

#[test]
fn the_shared_48khz_di_clips_load_at_their_own_rate() {
    let di = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/di/Fear.wav"));
    if !di.exists() {
        eprintln!("skipping: {} is absent", di.display());
        return;
    }
    let layout = Layout::new();
    let dir = layout.gain(Split::Train, Gain::Low);
    std::fs::create_dir_all(dir.join("Dry")).unwrap();
    std::fs::create_dir_all(dir.join("Wet")).unwrap();
    std::fs::copy(di, dry_path(&dir, "Fear")).unwrap();
    std::fs::copy(di, wet_path(&dir, "Fear")).unwrap();
    let recordings = layout.load().unwrap();
    assert_eq!(recordings.rate(), 48_000);
    assert!((recordings.duration_seconds() - recordings.total_samples() as f64 / 48_000.0).abs() < 1e-9);
}
