//! Reading cabinet IRs: every WAV format a user may bring, normalisation to the stated level, the designed
//! default, and clear refusals of files that are not IRs.

use std::path::PathBuf;

use blackbox_engine::cabinet::{ImpulseResponse, IrSource, MAX_IR_SECONDS, band_gain, designed};
use hound::{SampleFormat, WavSpec, WavWriter};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cabinet_ir");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A short decaying response with a known shape, on every channel (the later channels scaled down, so a test
/// can tell which one was read).
fn write_ir(name: &str, rate: u32, channels: u16, bits: u16, format: SampleFormat, len: usize) -> PathBuf {
    let path = scratch(name);
    let spec = WavSpec { channels, sample_rate: rate, bits_per_sample: bits, sample_format: format };
    let mut writer = WavWriter::create(&path, spec).unwrap();
    for i in 0..len {
        let x = 0.8 * (-(i as f64) / 40.0).exp() * (i as f64 * 0.3).cos();
        for c in 0..channels {
            let x = x / f64::from(c + 1);
            match format {
                SampleFormat::Float => writer.write_sample(x as f32).unwrap(),
                SampleFormat::Int => {
                    writer.write_sample((x * f64::from((1u32 << (bits - 1)) - 1)).round() as i32).unwrap()
                }
            }
        }
    }
    writer.finalize().unwrap();
    path
}

#[test]
fn every_rate_bit_depth_and_channel_count_reads_and_normalises_to_0_db_in_the_band() {
    let cases = [
        (44_100, 1, 16, SampleFormat::Int),
        (48_000, 2, 24, SampleFormat::Int),
        (96_000, 1, 32, SampleFormat::Float),
        (88_200, 4, 32, SampleFormat::Int),
        (22_050, 1, 8, SampleFormat::Int),
    ];
    for (rate, channels, bits, format) in cases {
        let path = write_ir(&format!("ir_{rate}_{channels}_{bits}.wav"), rate, channels, bits, format, 2_000);
        let ir = ImpulseResponse::from_wav_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(ir.sample_rate(), rate);
        // The first channel is the one read: its first sample is 0.8, not 0.8 / channel.
        assert!((ir.samples()[0] - 0.8).abs() < 0.01, "{rate} Hz {bits}-bit: first sample {}", ir.samples()[0]);
        match ir.source() {
            IrSource::File { channels: c, sample_rate, .. } => assert_eq!((*c, *sample_rate), (channels, rate)),
            other => panic!("source {other:?}"),
        }
        for host in [44_100, 48_000, 96_000] {
            let taps = ir.taps_at(host).unwrap();
            let gain_db = 10.0 * band_gain(&taps, host).log10();
            assert!(gain_db.abs() < 0.01, "{rate} Hz IR at {host} Hz: band gain {gain_db:.3} dB");
            let seconds = taps.len() as f64 / f64::from(host);
            assert!((seconds - ir.duration_seconds()).abs() < 0.01, "length changed in resampling");
        }
    }
}

#[test]
fn the_designed_cabinet_is_labelled_and_shaped_like_a_guitar_speaker() {
    let ir = ImpulseResponse::designed(48_000).unwrap();
    assert_eq!(ir.source(), &IrSource::Designed);
    assert!(ir.describe().contains("Designed"), "{}", ir.describe());
    let taps = ir.taps_at(48_000).unwrap();
    let level_at = |hz: f64| {
        // Gain of a sine through the taps, from the DFT at one frequency.
        let w = 2.0 * std::f64::consts::PI * hz / 48_000.0;
        let (re, im) = taps.iter().enumerate().fold((0.0, 0.0), |(re, im), (n, &h)| {
            (re + f64::from(h) * (w * n as f64).cos(), im - f64::from(h) * (w * n as f64).sin())
        });
        20.0 * (re * re + im * im).sqrt().log10()
    };
    let (low, body, presence, fizz) = (level_at(40.0), level_at(200.0), level_at(2_400.0), level_at(10_000.0));
    assert!(body - low > 6.0, "no low-end roll-off: 40 Hz {low:.1} dB, 200 Hz {body:.1} dB");
    assert!(presence > body, "no presence rise: 2.4 kHz {presence:.1} dB, 200 Hz {body:.1} dB");
    assert!(presence - fizz > 25.0, "fizz not taken away: 2.4 kHz {presence:.1} dB, 10 kHz {fizz:.1} dB");
    // Built at every rate a host may run at, including ones where some sections sit above Nyquist.
    for rate in [8_000, 22_050, 44_100, 192_000, 768_000] {
        assert!(!designed::cabinet_response(rate).unwrap().is_empty());
    }
}

#[test]
fn files_that_are_not_irs_are_refused_with_a_message_naming_the_file_and_the_fix() {
    let text = scratch("notes.wav");
    std::fs::write(&text, "these are my amp settings").unwrap();
    let silent = write_ir("silent.wav", 48_000, 1, 16, SampleFormat::Int, 0);
    let mut good = std::fs::read(write_ir("good.wav", 48_000, 1, 24, SampleFormat::Int, 4_000)).unwrap();
    good.truncate(good.len() / 2 + 1);
    let truncated = scratch("truncated.wav");
    std::fs::write(&truncated, &good).unwrap();
    let too_long = {
        let path = scratch("reverb.wav");
        let spec = WavSpec { channels: 1, sample_rate: 8_000, bits_per_sample: 16, sample_format: SampleFormat::Int };
        let mut writer = WavWriter::create(&path, spec).unwrap();
        for i in 0..(8_000.0 * (MAX_IR_SECONDS + 1.0)) as usize {
            writer.write_sample(if i % 97 == 0 { 20_000i16 } else { 0 }).unwrap();
        }
        writer.finalize().unwrap();
        path
    };
    let cases = [
        (text.clone(), "not a readable WAV"),
        (silent, "holds no samples"),
        (truncated, "truncated"),
        (too_long, "trim it"),
        (scratch("missing.wav"), "cannot read the IR file"),
    ];
    for (path, expected) in cases {
        let error =
            ImpulseResponse::from_wav_file(&path).err().unwrap_or_else(|| panic!("{} accepted", path.display()));
        let message = error.to_string();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(message.contains(&name), "{message}");
        assert!(message.contains(expected), "{message}");
    }
    let nan = ImpulseResponse::from_samples(vec![0.5, f32::NAN], 48_000, IrSource::Designed).err().unwrap();
    assert!(nan.to_string().contains("not a finite number"), "{nan}");
    let zero = ImpulseResponse::from_samples(vec![0.0; 100], 48_000, IrSource::Designed).err().unwrap();
    assert!(zero.to_string().contains("silent"), "{zero}");
}

#[test]
fn trailing_silence_is_trimmed() {
    let mut samples = vec![0.0f32; 10_000];
    samples[0] = 1.0;
    samples[99] = 0.5;
    let ir = ImpulseResponse::from_samples(samples, 48_000, IrSource::Designed).unwrap();
    assert_eq!(ir.samples().len(), 100);
}
