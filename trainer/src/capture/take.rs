//! One recorded take, checked and aligned with the dry signal it answers.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::checks::{DC_LIMIT, LevelFacts, SILENT_PEAK_DBFS};
use super::latency::{LinearEstimate, align_pair, impulse_onset, linear_estimate};
use super::signal::{Layout, MAX_EARLY_SECONDS, MAX_LATENCY_SECONDS};
use super::CaptureError;
use crate::audio::Audio;

/// The time order a plain pair is cut in: the first 70 % trains, the next 10 % validates, the last 20 % tests.
pub const PLAIN_SHARES: [f64; 3] = [0.7, 0.1, 0.2];
/// The shortest plain pair worth a model: its 10 % validation must hold one training segment (a second plus
/// the warm-up).
pub const MIN_PLAIN_SECONDS: f64 = 15.0;
/// The sync impulses at the start and at the end may differ by this much before the clocks count as drifting.
const MAX_SYNC_DRIFT: usize = 1;
/// A plain pair's quarters may differ by this much.
const MAX_PLAIN_DRIFT: usize = 2;

/// Which signal the dry side is.
#[derive(Clone, Debug, PartialEq)]
pub enum Road {
    /// BlackBox's reamp signal, recognised by its fingerprint.
    Reamp(Layout),
    /// Any dry recording: a DI take, another trainer's signal.
    Plain,
}

/// How the take lines up with the dry signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// `wet[t + latency]` answers `dry[t]`.
    pub latency: isize,
    pub inverted: bool,
    /// "sync impulses" or "linear estimate".
    pub method: String,
    /// The onset at the end minus at the start, in samples.
    pub drift: Option<isize>,
    /// How sure the measurement is, in words.
    pub confidence: String,
    /// The linear estimate's onset after alignment (0 when both roads agree) and its SNR.
    pub linear_onset: Option<isize>,
    pub linear_snr_db: Option<f64>,
}

/// The sections in the dry signal's sample positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Sections {
    pub train: Vec<Range<usize>>,
    pub validation: Range<usize>,
    pub test: Range<usize>,
}

/// A take ready to train on: `wet` aligned with `dry`, the polarity and DC put right.
#[derive(Clone, Debug)]
pub struct Take {
    pub path: PathBuf,
    /// The rate it trains at (the recording's, unless `fit --rate` resampled it).
    pub rate: u32,
    /// The recording's own rate, at which the alignment was measured.
    pub recorded_rate: u32,
    pub dry: Vec<f32>,
    pub wet: Vec<f32>,
    pub alignment: Alignment,
    pub levels: LevelFacts,
    pub warnings: Vec<String>,
    pub sections: Sections,
}

/// Checks and aligns `output` (the recording) against `input` (what was played into the device).
pub fn analyse(input: &Audio, input_path: &Path, output: &Audio, output_path: &Path, road: &Road) -> Result<Take, CaptureError> {
    if output.sample_rate != input.sample_rate {
        return Err(CaptureError::RateMismatch {
            input: input_path.to_path_buf(),
            output: output_path.to_path_buf(),
            expected: input.sample_rate,
            found: output.sample_rate,
        });
    }
    let rate = input.sample_rate;
    let (dry, wet) = (&input.samples, &output.samples);
    let silence = match road {
        Road::Reamp(layout) => Some(noise_section(layout)),
        Road::Plain => None,
    };
    let levels = LevelFacts::of(wet, silence.clone().and_then(|s| wet.get(s)), rate);
    if levels.peak_dbfs < SILENT_PEAK_DBFS {
        return Err(CaptureError::Silent { output: output_path.to_path_buf(), peak_dbfs: levels.peak_dbfs });
    }
    let mut warnings = levels.warnings();
    let (alignment, sections) = match road {
        Road::Reamp(layout) => reamp_alignment(layout, input_path, dry, wet, output_path, &mut warnings)?,
        Road::Plain => plain_alignment(input_path, dry, wet, output_path, rate, &mut warnings)?,
    };
    let sign = if alignment.inverted { -1.0 } else { 1.0 };
    let mut aligned: Vec<f32> = (0..dry.len())
        .map(|t| {
            let from = t as isize + alignment.latency;
            if from >= 0 { wet.get(from as usize).map_or(0.0, |&x| sign * x) } else { 0.0 }
        })
        .collect();
    if levels.dc.abs() > DC_LIMIT {
        let dc = sign * levels.dc as f32;
        aligned.iter_mut().for_each(|x| *x -= dc);
    }
    Ok(Take {
        path: output_path.to_path_buf(),
        rate,
        recorded_rate: rate,
        dry: dry.clone(),
        wet: aligned,
        alignment,
        levels,
        warnings,
        sections,
    })
}

/// The part of the silent section the device's noise alone fills, whatever the latency.
fn noise_section(layout: &Layout) -> Range<usize> {
    let skip = ((MAX_LATENCY_SECONDS + 0.1) * f64::from(layout.rate)) as usize;
    layout.silence.start + skip..layout.silence.end
}

fn reamp_alignment(
    layout: &Layout,
    input_path: &Path,
    dry: &[f32],
    wet: &[f32],
    output_path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(Alignment, Sections), CaptureError> {
    let rate = f64::from(layout.rate);
    let truncated = || CaptureError::Truncated {
        output: output_path.to_path_buf(),
        recorded: wet.len() as f64 / rate,
        needed: layout.seconds(layout.len),
    };
    let (early, late) = ((MAX_EARLY_SECONDS * rate) as usize, (MAX_LATENCY_SECONDS * rate) as usize);
    if wet.len() < layout.end_impulses[1] + early {
        return Err(truncated());
    }
    let noise_peak = wet[noise_section(layout)].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let onset = |impulse: usize| {
        impulse_onset(wet, impulse, early, late, noise_peak).ok_or_else(|| CaptureError::NoSyncResponse {
            input: input_path.to_path_buf(),
            output: output_path.to_path_buf(),
            at: layout.seconds(impulse),
            window_ms: MAX_LATENCY_SECONDS * 1000.0,
        })
    };
    let (first, second) = (onset(layout.start_impulses[0])?, onset(layout.start_impulses[1])?);
    let latency = first;
    if (wet.len() as isize) < layout.end_impulses[1] as isize + latency + 1 {
        return Err(truncated());
    }
    // The end impulse first: fast-drifting clocks also part the two start impulses, and "drift" is the
    // message that helps then.
    let end = onset(layout.end_impulses[0])?;
    if end.abs_diff(latency) > MAX_SYNC_DRIFT {
        return Err(CaptureError::Drift {
            start: latency,
            end,
            seconds: layout.seconds(layout.end_impulses[0] - layout.start_impulses[0]),
        });
    }
    if first.abs_diff(second) > MAX_SYNC_DRIFT {
        return Err(CaptureError::SyncMismatch {
            input: input_path.to_path_buf(),
            output: output_path.to_path_buf(),
            first,
            second,
        });
    }
    // The impulses give the latency; the linear estimate over the known material gives the polarity and checks it.
    let span = layout.test_tones.start..layout.train.end;
    let shifted = |t: usize| (t as isize + latency) as usize;
    let linear = linear_estimate(&dry[span.clone()], &wet[shifted(span.start)..shifted(span.end)], 0, layout.rate);
    let inverted = linear.as_ref().is_some_and(|l| l.inverted);
    if let Some(l) = &linear
        && l.onset.abs() > 2
    {
        warnings.push(format!(
            "the sync impulses and the device's linear response disagree by {} samples; the impulses were trusted",
            l.onset
        ));
    }
    let alignment = Alignment {
        latency,
        inverted,
        method: "sync impulses".into(),
        drift: Some(end - latency),
        confidence: format!(
            "sample-exact: both start impulses answered {first} and {second} samples late, the end impulse {end}"
        ),
        linear_onset: linear.as_ref().map(|l| l.onset),
        linear_snr_db: linear.as_ref().map(|l| l.snr_db),
    };
    let sections = Sections {
        train: vec![layout.test_tones.clone(), layout.train.clone()],
        validation: layout.validation.clone(),
        test: layout.test.clone(),
    };
    Ok((alignment, sections))
}

fn plain_alignment(
    input_path: &Path,
    dry: &[f32],
    wet: &[f32],
    output_path: &Path,
    rate: u32,
    warnings: &mut Vec<String>,
) -> Result<(Alignment, Sections), CaptureError> {
    let seconds = dry.len().min(wet.len()) as f64 / f64::from(rate);
    if seconds < MIN_PLAIN_SECONDS {
        return Err(CaptureError::TooShort { path: output_path.to_path_buf(), seconds, needed: MIN_PLAIN_SECONDS });
    }
    let unrelated = || CaptureError::Unrelated { input: input_path.to_path_buf(), output: output_path.to_path_buf() };
    let pair = align_pair(dry, wet, rate).ok_or_else(unrelated)?;
    let latency = pair.latency();
    if let Some(drift) = pair.drift()
        && drift.unsigned_abs() > MAX_PLAIN_DRIFT
        && pair.whole.snr_db >= 30.0
    {
        let peak = pair.whole.peak;
        let (start, end) = (pair.quarters[0].unwrap_or(peak), pair.quarters[3].unwrap_or(peak));
        return Err(CaptureError::Drift { start, end, seconds: seconds * 0.75 });
    }
    let quarters: Vec<String> =
        pair.quarters.iter().map(|q| q.map_or_else(|| "none".to_owned(), |q| q.to_string())).collect();
    let confidence = if pair.sure() {
        format!(
            "sure: onset {latency}, response peak {} samples; the peak in each quarter of the take agrees within a \
             sample ({}), SNR {:.0} dB",
            pair.whole.peak,
            quarters.join(", "),
            pair.whole.snr_db
        )
    } else {
        warnings.push(format!(
            "the latency is uncertain: the response peaks at {} samples in the whole take but at {} in its quarters \
             (SNR {:.0} dB); for a sample-exact \
             capture, record BlackBox's reamp signal (`trainer capture-signal`)",
            pair.whole.peak,
            quarters.join(", "),
            pair.whole.snr_db
        ));
        format!(
            "uncertain: onset {latency}, peak {} samples; quarters peak at {}, SNR {:.0} dB",
            pair.whole.peak,
            quarters.join(", "),
            pair.whole.snr_db
        )
    };
    let start = latency.min(0).unsigned_abs().min(dry.len());
    let usable = start..((wet.len() as isize - latency).clamp(0, dry.len() as isize) as usize).max(start);
    if usable.len() < dry.len() * 9 / 10 {
        warnings.push(format!(
            "only {:.1} s of the {:.1} s dry take has a recorded answer; the rest is not used",
            usable.len() as f64 / f64::from(rate),
            dry.len() as f64 / f64::from(rate)
        ));
    }
    let cut = |share: f64| usable.start + (usable.len() as f64 * share).round() as usize;
    let (train_end, validation_end) = (cut(PLAIN_SHARES[0]), cut(PLAIN_SHARES[0] + PLAIN_SHARES[1]));
    let alignment = Alignment {
        latency,
        inverted: pair.whole.inverted,
        method: "linear estimate".into(),
        drift: pair.drift(),
        confidence,
        linear_onset: Some(0),
        linear_snr_db: Some(pair.whole.snr_db),
    };
    let sections = Sections {
        train: vec![usable.start..train_end],
        validation: train_end..validation_end,
        test: validation_end..usable.end,
    };
    Ok((alignment, sections))
}

/// For a report: the linear estimate of an aligned take (its onset should be 0).
pub fn check_estimate(take: &Take) -> Option<LinearEstimate> {
    let part = take.sections.train.last()?.clone();
    linear_estimate(&take.dry[part.clone()], &take.wet[part], 0, take.rate)
}
