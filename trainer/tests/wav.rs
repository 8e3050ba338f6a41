//! `audio::wav`: every supported depth reads back to the right float values; the comment survives a round trip;
//! unsupported input is refused with a message that names the file.

use std::path::{Path, PathBuf};

use blackbox_trainer::audio::{WavError, read_mono, write_mono_24, write_mono_f32};
use hound::{SampleFormat, WavSpec, WavWriter};

fn write_int(path: &Path, bits: u16, channels: u16, codes: &[i32]) {
    let spec = WavSpec { channels, sample_rate: 44_100, bits_per_sample: bits, sample_format: SampleFormat::Int };
    let mut writer = WavWriter::create(path, spec).unwrap();
    for &code in codes {
        match bits {
            8 => writer.write_sample(code as i8).unwrap(),
            16 => writer.write_sample(code as i16).unwrap(),
            _ => writer.write_sample(code).unwrap(),
        }
    }
    writer.finalize().unwrap();
}

fn temp_file(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn integer_depths_scale_by_two_to_the_bits_minus_one() {
    let dir = tempfile::tempdir().unwrap();
    for bits in [8u16, 16, 24, 32] {
        let full = 1i64 << (bits - 1);
        let codes = [-full, -full / 2, 0, full / 4, full - 1].map(|c| c as i32);
        let path = temp_file(&dir, &format!("i{bits}.wav"));
        write_int(&path, bits, 1, &codes);
        let audio = read_mono(&path).unwrap();
        assert_eq!(audio.sample_rate, 44_100);
        assert_eq!(audio.comment, None);
        // The largest code is just below full scale; in f32 that is at most 1 - 2^-24 (32-bit rounds up to it).
        let largest = (((full - 1) as f64 / full as f64) as f32).min(1.0 - f32::EPSILON / 2.0);
        let expected = [-1.0, -0.5, 0.0, 0.25, largest];
        assert_eq!(audio.samples, expected, "{bits}-bit");
        assert!(audio.samples.iter().all(|s| (-1.0..1.0).contains(s)), "{bits}-bit stays in [-1, 1)");
    }
}

#[test]
fn float_files_are_read_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "f32.wav");
    let spec = WavSpec { channels: 1, sample_rate: 48_000, bits_per_sample: 32, sample_format: SampleFormat::Float };
    let mut writer = WavWriter::create(&path, spec).unwrap();
    let samples = [0.1f32, -0.73, 1.5, -2.0e-7];
    samples.iter().for_each(|&s| writer.write_sample(s).unwrap());
    writer.finalize().unwrap();
    let audio = read_mono(&path).unwrap();
    assert_eq!(audio.sample_rate, 48_000);
    assert_eq!(audio.samples, samples);
}

#[test]
fn stereo_is_refused_not_downmixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "d_stereo.wav");
    write_int(&path, 16, 2, &[1, 2, 3, 4]);
    let error = read_mono(&path).unwrap_err();
    assert!(matches!(error, WavError::NotMono { channels: 2, .. }));
    let message = error.to_string();
    assert!(message.contains("d_stereo.wav"), "{message}");
    assert!(message.contains("2 channels") && message.contains("mono"), "{message}");
}

#[test]
fn an_empty_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "w_empty.wav");
    write_int(&path, 24, 1, &[]);
    let message = read_mono(&path).unwrap_err().to_string();
    assert!(message.contains("w_empty.wav") && message.contains("no samples"), "{message}");
}

#[test]
fn a_missing_or_non_wav_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = temp_file(&dir, "d_missing.wav");
    let message = read_mono(&missing).unwrap_err().to_string();
    assert!(message.contains("d_missing.wav"), "{message}");

    let text = temp_file(&dir, "d_text.wav");
    std::fs::write(&text, b"this is not audio").unwrap();
    let error = read_mono(&text).unwrap_err();
    assert!(matches!(error, WavError::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("d_text.wav"));
}

/// A minimal canonical PCM WAV, built by hand because hound writes only the depths BlackBox reads.
fn handmade_pcm(bits: u16, block_align: u16, data: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"RIFF");
    bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(b"WAVEfmt ");
    bytes.extend_from_slice(&16u32.to_le_bytes());
    bytes.extend_from_slice(&1u16.to_le_bytes()); // WAVE_FORMAT_PCM
    bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
    bytes.extend_from_slice(&44_100u32.to_le_bytes());
    bytes.extend_from_slice(&(44_100 * u32::from(block_align)).to_le_bytes());
    bytes.extend_from_slice(&block_align.to_le_bytes());
    bytes.extend_from_slice(&bits.to_le_bytes());
    bytes.extend_from_slice(b"data");
    bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn an_unsupported_depth_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "d_odd_depth.wav");
    // 12-bit in a 16-bit container is legal WAV but not a depth recording software exports.
    std::fs::write(&path, handmade_pcm(12, 2, &[0x10, 0x00, 0xf0, 0xff])).unwrap();
    let error = read_mono(&path).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("d_odd_depth.wav"), "{message}");
    assert!(message.contains("12-bit") || matches!(error, WavError::Decode { .. }), "{message}");
}

#[test]
fn the_comment_is_found_past_unrelated_odd_sized_chunks() {
    // Files from other tools carry other chunks; the reader must honour their sizes and the RIFF pad byte.
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "w_tagged.wav");
    let mut bytes = handmade_pcm(16, 2, &[0x00, 0x40, 0x00, 0xc0]);
    let mut junk = b"junk".to_vec();
    junk.extend_from_slice(&3u32.to_le_bytes());
    junk.extend_from_slice(&[1, 2, 3, 0]); // odd size, padded
    let mut info = b"LIST".to_vec();
    info.extend_from_slice(&(4u32 + 8 + 6).to_le_bytes());
    info.extend_from_slice(b"INFOICMT");
    info.extend_from_slice(&5u32.to_le_bytes());
    info.extend_from_slice(b"take\0\0");
    bytes.extend_from_slice(&junk);
    bytes.extend_from_slice(&info);
    let riff = (bytes.len() - 8) as u32;
    bytes[4..8].copy_from_slice(&riff.to_le_bytes());
    std::fs::write(&path, bytes).unwrap();
    let audio = read_mono(&path).unwrap();
    assert_eq!(audio.samples, [0.5, -0.5]);
    assert_eq!(audio.comment.as_deref(), Some("take"));
}

#[test]
fn write_24_round_trips_within_one_code_and_keeps_the_comment() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "w_label.wav");
    // An odd sample count leaves hound's 24-bit data chunk odd-sized: the comment must still be found.
    let samples: Vec<f32> = (0..1001).map(|i| (i as f32 * 0.01).sin() * 0.9).collect();
    let comment = "STAND-IN DATA: SD-1 reference circuit, drive 9:00, seed 7 — not a real recording";
    let report = write_mono_24(&path, 44_100, &samples, Some(comment)).unwrap();
    assert_eq!(report.clipped_samples, 0);
    let audio = read_mono(&path).unwrap();
    assert_eq!(audio.comment.as_deref(), Some(comment));
    assert_eq!(audio.samples.len(), samples.len());
    let step = 1.0 / 8_388_608.0;
    for (read, written) in audio.samples.iter().zip(&samples) {
        assert!((read - written).abs() <= step, "{read} vs {written}");
    }
    // hound (which ignores the chunk) still reads the file, and the RIFF size covers the whole file.
    let bytes = std::fs::read(&path).unwrap();
    let riff_size = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff_size + 8, bytes.len());
    assert_eq!(hound::WavReader::open(&path).unwrap().spec().bits_per_sample, 24);
}

#[test]
fn write_24_counts_and_clamps_samples_outside_full_scale() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "hot.wav");
    let report = write_mono_24(&path, 44_100, &[1.0, -1.0, 1.2, -3.0, 0.5], None).unwrap();
    assert_eq!(report.clipped_samples, 2, "exact full scale is not a clip");
    let audio = read_mono(&path).unwrap();
    assert_eq!(audio.comment, None);
    assert_eq!(audio.samples[..4], [8_388_607.0 / 8_388_608.0, -1.0, 8_388_607.0 / 8_388_608.0, -1.0]);
}

#[test]
fn writing_is_atomic_and_refuses_non_finite_samples() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "w_nan.wav");
    write_mono_24(&path, 44_100, &[0.25; 10], Some("first")).unwrap();
    let error = write_mono_24(&path, 44_100, &[0.0, f32::NAN], None).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("w_nan.wav") && message.contains("sample 1"), "{message}");
    // The earlier file is untouched and no partial file is left behind.
    assert_eq!(read_mono(&path).unwrap().comment.as_deref(), Some("first"));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["w_nan.wav"]);
}

#[test]
fn write_f32_keeps_headroom_and_the_comment() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "float.wav");
    let samples = [0.5f32, -1.75, 2.5];
    let report = write_mono_f32(&path, 44_100, &samples, Some("é")).unwrap();
    assert_eq!(report.clipped_samples, 0);
    let audio = read_mono(&path).unwrap();
    assert_eq!(audio.samples, samples);
    assert_eq!(audio.comment.as_deref(), Some("é"));
}

#[test]
fn reads_the_shared_ts9_pair() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/ts9/dry.wav"));
    if !path.exists() {
        eprintln!("skipping: {} is absent", path.display());
        return;
    }
    let audio = read_mono(path).unwrap();
    assert_eq!(audio.sample_rate, 44_100);
    assert!(audio.duration_seconds() > 1.0);
    assert!(audio.samples.iter().all(|s| s.is_finite()));
}
