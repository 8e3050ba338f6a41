//! `trainer render`: a model file played offline exactly as the plugin plays it, with its cabinet and tone if
//! asked, output aligned with the input.

use std::path::PathBuf;

use anyhow::{Context, bail};
use blackbox_engine::cabinet::ImpulseResponse;
use blackbox_engine::loudness::integrated_lufs;
use blackbox_engine::formats::{self, LoadedModel, RateSource};
use blackbox_engine::render::{RenderSettings, render};
use blackbox_engine::tone::{MAX_BOOST_DB, ToneSettings};

use crate::audio::{read_mono, write_mono_f32};

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The model file: BlackBox .bbx, Neural Amp Modeler .nam, AIDA-X / RTNeural .json or .aidax, GuitarML
    /// Proteus .json. It runs at its own rate; the input is resampled to it and back.
    #[arg(long)]
    pub model: PathBuf,
    /// A mono WAV at any rate the plugin accepts (44.1 to 192 kHz); the output has the same rate and length.
    #[arg(long)]
    pub input: PathBuf,
    /// Where the 32-bit float WAV goes (float, so a hot model's peaks above 0 dBFS survive).
    #[arg(long)]
    pub output: PathBuf,
    /// A knob of the model, by the name `trainer info` shows, 0..1; repeat for several, e.g. --knob gain=0.7
    /// (a conditioned BlackBox model: Low 0, Mid 0.5, High 1) or --knob drive=0.5 --knob tone=0.3.
    #[arg(long, value_parser = parse_knob_arg)]
    pub knob: Vec<(String, f32)>,
    /// A cabinet IR after the model: a WAV file of any rate, depth and channel count, or "designed" for the
    /// built-in designed cabinet.
    #[arg(long)]
    pub ir: Option<String>,
    /// The tone stack as bass,middle,treble in dB (each -12..12), e.g. --tone 3,-2,1.
    #[arg(long, value_parser = parse_tone)]
    pub tone: Option<ToneSettings>,
    /// Play the model at the level it was trained to, instead of the common loudness.
    #[arg(long)]
    pub no_normalize: bool,
}

pub fn parse_knob_arg(text: &str) -> Result<(String, f32), String> {
    let (name, value) = text.split_once('=').ok_or("expected NAME=VALUE, e.g. gain=0.7")?;
    let value: f32 = value.trim().parse().map_err(|_| format!("{value:?} is not a number"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("{value} is outside the knob's range 0..1"));
    }
    Ok((name.trim().to_lowercase(), value))
}

fn parse_tone(text: &str) -> Result<ToneSettings, String> {
    let bands: Vec<f32> = text
        .split(',')
        .map(|b| b.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{text:?}: expected three numbers in dB, e.g. 3,-2,1"))?;
    let [bass_db, mid_db, treble_db] = bands[..] else {
        return Err(format!("{text:?}: expected bass,middle,treble (three numbers)"));
    };
    if bands.iter().any(|b| b.abs() > MAX_BOOST_DB) {
        return Err(format!("{text:?}: each band is within -{MAX_BOOST_DB}..{MAX_BOOST_DB} dB"));
    }
    Ok(ToneSettings { bass_db, mid_db, treble_db })
}

/// The knob values in the model's order from `NAME=VALUE` pairs; unknown names are refused with the real ones.
pub fn knob_values(model: &LoadedModel, shown: &str, given: &[(String, f32)]) -> anyhow::Result<Vec<f32>> {
    let names = &model.info.knobs;
    let mut values = vec![0.0; names.len()];
    for (name, value) in given {
        match names.iter().position(|n| n.to_lowercase() == *name) {
            Some(i) => values[i] = *value,
            None if names.is_empty() => bail!("{shown} has no knobs (drop --knob)"),
            None => bail!("{shown} has the knobs {}; there is no knob {name:?}", names.join(", ").to_lowercase()),
        }
    }
    Ok(values)
}

pub fn run(args: RenderArgs) -> anyhow::Result<()> {
    let shown = args.model.display().to_string();
    let model = formats::load(&args.model)?;
    let audio = read_mono(&args.input)?;
    if audio.samples.is_empty() {
        bail!("{} holds no samples: nothing to render", args.input.display());
    }
    let rate = audio.sample_rate;
    let knobs = knob_values(&model, &shown, &args.knob)?;
    let (cabinet, cabinet_text) = match args.ir.as_deref() {
        None => (None, "none".to_owned()),
        Some(ir) => {
            let ir = if ir.eq_ignore_ascii_case("designed") {
                ImpulseResponse::designed(rate)?
            } else {
                ImpulseResponse::from_wav_file(std::path::Path::new(ir))?
            };
            (Some(ir.taps_at(rate)?), ir.describe())
        }
    };
    let settings = RenderSettings { knobs: knobs.clone(), normalize: !args.no_normalize, tone: args.tone, cabinet };
    let rendered = render(&model, &audio.samples, rate, &settings)
        .with_context(|| format!("{shown} cannot be played at {rate} Hz"))?;
    let output = rendered.aligned();
    let info = &model.info;
    let trained_on = info.detail("Trained on").map_or(String::new(), |t| format!("; {t}"));
    let comment = format!("BlackBox render of {} ({}){trained_on}", info.name, info.format.name());
    write_mono_f32(&args.output, rate, output, Some(&comment))?;
    let peak = output.iter().fold(0.0f32, |m, y| m.max(y.abs()));
    println!("rendered {} -> {}", args.input.display(), args.output.display());
    let rate_note = match &info.rate_source {
        RateSource::File => String::new(),
        RateSource::Assumed(why) => format!(", rate assumed: {why}"),
    };
    println!("  model {} ({}, {}, {} Hz{rate_note}{trained_on})", info.name, info.format.name(), info.architecture, info.sample_rate);
    if !info.knobs.is_empty() {
        let set: Vec<String> = info.knobs.iter().zip(&knobs).map(|(n, v)| format!("{} {v:.2}", n.to_lowercase())).collect();
        println!("  knobs: {}", set.join(", "));
    }
    println!(
        "  {rate} Hz, {:.2} s, latency {} samples removed (output aligned with the input)",
        output.len() as f64 / f64::from(rate),
        rendered.latency
    );
    println!(
        "  model loudness on the reference passage: {} ({})",
        rendered.loudness.describe(),
        if args.no_normalize { "not normalised" } else { "normalised to -18 LUFS" }
    );
    println!(
        "  cabinet: {cabinet_text}; tone: {}",
        args.tone
            .map_or("off".to_owned(), |t| format!("{:+.1} / {:+.1} / {:+.1} dB", t.bass_db, t.mid_db, t.treble_db))
    );
    let lufs = integrated_lufs(output, rate).map_or("silent".to_owned(), |l| format!("{l:.1} LUFS"));
    println!("  output {lufs}, peak {:.1} dBFS", 20.0 * peak.max(1e-10).log10());
    Ok(())
}
