//! The study's windowing and split, checked on recordings whose every sample says where it came from.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use blackbox_engine::model::Gain;
use blackbox_trainer::dataset::{
    Device,
    BATCH_SIZE, GainRecordings, Grid, Split, TrainSize, WindowConfig, WindowedDataset, dry_path, gain_dir, load_gain,
    load_training_windows, wet_path,
};
use hound::{SampleFormat, WavSpec, WavWriter};

/// 2^16: sample index i is stored as i / 2^16, exact in f32 and inside [-1, 1) for the lengths used here.
const CODE: f32 = 65_536.0;

fn write_f32(path: &Path, samples: impl Iterator<Item = f32>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let spec = WavSpec { channels: 1, sample_rate: 44_100, bits_per_sample: 32, sample_format: SampleFormat::Float };
    let mut writer = WavWriter::create(path, spec).unwrap();
    samples.for_each(|s| writer.write_sample(s).unwrap());
    writer.finalize().unwrap();
}

/// Songs named so that name order differs from creation order; across them, in name order, dry sample k of the
/// concatenation is k / 2^16 and wet is -k / 2^16 - 0.5.
fn coded_layout(lengths: &[(&str, usize)]) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let dir = gain_dir(&data, &Device::study(Grid::Ultragain), Split::Train, Gain::High);
    let mut sorted = lengths.to_vec();
    sorted.sort();
    let mut offset = 0usize;
    for (name, len) in sorted {
        let range = offset..offset + len;
        write_f32(&dry_path(&dir, name), range.clone().map(|k| k as f32 / CODE));
        write_f32(&wet_path(&dir, name), range.map(|k| -(k as f32) / CODE - 0.5));
        offset += len;
    }
    (root, data)
}

fn load(data: &Path) -> GainRecordings {
    load_gain(data, &Device::study(Grid::Ultragain), Split::Train, Gain::High).unwrap()
}

fn index_of(sample: f32) -> usize {
    (sample * CODE) as usize
}

const SONGS: [(&str, usize); 3] = [("c_last", 1_234), ("a_first", 2_000), ("b_middle", 777)];
const TOTAL: usize = 1_234 + 2_000 + 777;

#[test]
fn windows_tile_the_concatenation_without_overlap_and_target_the_last_wet_sample() {
    let (_root, data) = coded_layout(&SONGS);
    let ctx = 66;
    let config = WindowConfig { ctx, train: TrainSize::Windows(40), seed: 25 };
    let windows = WindowedDataset::from_recordings(&load(&data), &config).unwrap();
    assert_eq!(windows.len(), TOTAL / ctx, "every whole window, the remainder dropped");
    assert_eq!((windows.train().len(), windows.validation().len()), (40, TOTAL / ctx - 40));

    let mut starts = BTreeSet::new();
    for view in [windows.train(), windows.validation()] {
        for i in 0..view.len() {
            let (x, y) = view.window(i);
            let start = view.start(i);
            assert_eq!(start % ctx, 0, "stride ctx");
            let indices: Vec<usize> = x.iter().map(|&s| index_of(s)).collect();
            assert_eq!(indices, (start..start + ctx).collect::<Vec<_>>(), "x = dry[i..i+ctx] in name order");
            assert_eq!(y, -((start + ctx - 1) as f32) / CODE - 0.5, "y = wet[i+ctx-1]");
            assert!(starts.insert(start), "window at {start} appears twice: train and validation overlap");
        }
    }
    let expected: BTreeSet<usize> = (0..TOTAL / ctx).map(|w| w * ctx).collect();
    assert_eq!(starts, expected, "train and validation together hold every window once");
}

#[test]
fn the_split_is_fixed_by_the_seed_and_shuffled() {
    let (_root, data) = coded_layout(&SONGS);
    let recordings = load(&data);
    let config = WindowConfig { ctx: 44, train: TrainSize::Windows(60), seed: 25 };
    let train_starts = |config: &WindowConfig| {
        let windows = WindowedDataset::from_recordings(&recordings, config).unwrap();
        (0..windows.train().len()).map(|i| windows.train().start(i)).collect::<Vec<_>>()
    };
    let first = train_starts(&config);
    assert_eq!(first, train_starts(&config), "same seed, same split");
    assert_ne!(first, train_starts(&WindowConfig { seed: 26, ..config }), "the seed matters");
    let in_order: Vec<usize> = (0..60).map(|w| w * 44).collect();
    assert_ne!(first, in_order, "training windows are drawn from the whole recording, not its start");
    assert!(first.iter().any(|&s| s >= 60 * 44), "some training windows come from past the first 60");
}

#[test]
fn a_fraction_split_rounds_validation_up() {
    let (_root, data) = coded_layout(&SONGS);
    let config = WindowConfig { ctx: 88, train: TrainSize::AllButFraction(0.2), seed: 25 };
    let windows = WindowedDataset::from_recordings(&load(&data), &config).unwrap();
    let n = TOTAL / 88;
    let validation = (0.2 * n as f64).ceil() as usize;
    assert_eq!((windows.train().len(), windows.validation().len()), (n - validation, validation));
}

#[test]
fn an_epoch_visits_every_training_window_once_in_a_seeded_order() {
    let (_root, data) = coded_layout(&SONGS);
    let config = WindowConfig { ctx: 22, train: TrainSize::Windows(150), seed: 25 };
    let windows = WindowedDataset::from_recordings(&load(&data), &config).unwrap();
    let train = windows.train();
    let batches: Vec<_> = train.batches(BATCH_SIZE, 7).collect();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches.iter().map(|b| b.len()).collect::<Vec<_>>(), [64, 64, 22], "the last batch is partial");

    let mut seen = Vec::new();
    for batch in &batches {
        assert_eq!(batch.x.len(), batch.len() * 22);
        for (row, &y) in batch.x.chunks(22).zip(&batch.y) {
            let start = index_of(row[0]);
            assert_eq!(y, -((start + 21) as f32) / CODE - 0.5, "rows keep their own target");
            seen.push(start);
        }
    }
    let mut expected: Vec<usize> = (0..train.len()).map(|i| train.start(i)).collect();
    let mut visited = seen.clone();
    expected.sort_unstable();
    visited.sort_unstable();
    assert_eq!(visited, expected, "every training window once, no validation window");

    let again: Vec<usize> =
        train.batches(BATCH_SIZE, 7).flat_map(|b| b.x.chunks(22).map(|r| index_of(r[0])).collect::<Vec<_>>()).collect();
    assert_eq!(again, seen, "same epoch seed, same order");
    let next_epoch: Vec<usize> =
        train.batches(BATCH_SIZE, 8).flat_map(|b| b.x.chunks(22).map(|r| index_of(r[0])).collect::<Vec<_>>()).collect();
    assert_ne!(next_epoch, seen, "a new epoch seed reshuffles");
}

#[test]
fn summary_reports_the_counts() {
    let (_root, data) = coded_layout(&SONGS);
    let config = WindowConfig { ctx: 88, train: TrainSize::Windows(40), seed: 25 };
    let (windows, recordings) = load_training_windows(&data, &Device::study(Grid::Ultragain), Gain::High, &config).unwrap();
    assert!(recordings.warnings.is_empty());
    let summary = windows.summary();
    let n = TOTAL / 88;
    let expected = format!(
        "3 songs, 0.1 s; ctx 88: {n} windows (40 train, {} validation, {} samples left over)",
        n - 40,
        TOTAL - n * 88
    );
    assert!(summary.ends_with(&expected), "{summary}");
}

#[test]
fn the_shared_ts9_pair_windows_like_the_study() {
    let shared = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/ts9"));
    if !shared.join("dry.wav").exists() {
        eprintln!("skipping: {} is absent", shared.display());
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let dir = gain_dir(&data, &Device::study(Grid::Ds340), Split::Train, Gain::Mid);
    for (from, to) in [("dry.wav", dry_path(&dir, "ts9")), ("wet.wav", wet_path(&dir, "ts9"))] {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(shared.join(from), to).unwrap();
    }
    let config = WindowConfig { train: TrainSize::AllButFraction(0.2), ..WindowConfig::study(88) };
    let (windows, recordings) = load_training_windows(&data, &Device::study(Grid::Ds340), Gain::Mid, &config).unwrap();
    let song = &recordings.songs[0];
    assert_eq!(windows.len(), song.len() / 88);
    let view = windows.validation();
    for i in [0, view.len() / 2, view.len() - 1] {
        let (x, y) = view.window(i);
        let start = view.start(i);
        assert_eq!(x, &song.dry[start..start + 88]);
        assert_eq!(y, song.wet[start + 87]);
    }
}
