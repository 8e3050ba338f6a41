//! `trainer synth`: dry material through the reference circuits at the study's three settings (or at any number
//! of drive positions from its Low to its High), written in the study's layout with a `SOURCE.md` that says what
//! the files are, and a `settings.toml` with each position's knob value when there are more than the study's.
//!
//! The settings run in parallel threads (`std::thread::scope`), each with its own rig; the dry files are the
//! same in every setting's folder, as they were in the study where dry and wet were recorded at once.

pub mod error;
pub mod source_md;
pub mod sources;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::audio::write_mono_24;
use blackbox_engine::model::{Gain, STUDY_KNOB};

use crate::dataset::layout::{self, Grid, SAMPLE_RATE};
use crate::dataset::{Device, KnobTable};
use blackbox_standin::GainLevel;
use blackbox_engine::rng::SeededRng;
use blackbox_standin::rig::RecordingRig;

pub use error::SynthError;
pub use sources::{DryClip, TEST_CLIPS};

#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    pub grid: Grid,
    /// The data root; the grid lands in `<out>/<effect>/<experiment>`.
    pub out: PathBuf,
    /// A folder of DI clips; `None` uses the procedural guitar.
    pub di: Option<PathBuf>,
    pub seed: u64,
    /// Procedural only: total seconds of training and of test songs.
    pub train_seconds: Option<f64>,
    pub test_seconds: Option<f64>,
    /// `None`: the study's Low / Mid / High. `Some(n)`: n drive positions evenly from Low to High, in the
    /// experiment folder `<experiment>-<n>settings`, named by their pot ("Gain 3.0") with a `settings.toml`.
    pub settings: Option<usize>,
}

impl SynthConfig {
    /// The experiment folder this run writes.
    pub fn experiment(&self) -> String {
        match self.settings {
            None => self.grid.experiment().to_owned(),
            Some(n) => format!("{}-{n}settings", self.grid.experiment()),
        }
    }

    /// Each setting's folder and its position on the study's knob (Low 0, High 1).
    pub fn positions(&self) -> Vec<(Gain, f64)> {
        match self.settings {
            None => GainLevel::ALL.iter().map(|&g| (g.into(), g.knob())).collect(),
            Some(n) => (0..n)
                .map(|i| {
                    let knob = i as f64 / (n.max(2) - 1) as f64;
                    let name = RecordingRig::setting_name(self.grid.stand_in(), knob);
                    (Gain::from_folder(&name).expect("pot names are valid setting names"), knob)
                })
                .collect(),
        }
    }

    pub fn device(&self) -> Device {
        Device { effect: self.grid.effect().to_owned(), experiment: self.experiment() }
    }
}

/// What one setting's thread did.
#[derive(Debug, Clone, PartialEq)]
pub struct GainSummary {
    pub gain: Gain,
    pub settings: String,
    pub wet_peak_dbfs: f64,
    pub clipped_samples: usize,
    /// Seconds spent in the circuit (not writing), for its speed.
    pub circuit_seconds: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SynthReport {
    pub root: PathBuf,
    pub circuit: String,
    pub train_seconds: f64,
    pub test_seconds: f64,
    pub dry_peak_dbfs: f64,
    pub gains: Vec<GainSummary>,
    pub wall_seconds: f64,
    pub files_written: usize,
}

impl SynthReport {
    /// Seconds of audio recorded (all settings) per second of wall-clock time.
    pub fn realtime_factor(&self) -> f64 {
        self.gains.len() as f64 * (self.train_seconds + self.test_seconds) / self.wall_seconds
    }
}

fn peak_dbfs(x: &[f64]) -> f64 {
    20.0 * x.iter().fold(1e-12_f64, |m, v| m.max(v.abs())).log10()
}

fn to_f32(x: &[f64]) -> Vec<f32> {
    x.iter().map(|&v| v as f32).collect()
}

fn write(path: &Path, samples: &[f64], label: &str) -> Result<usize, SynthError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SynthError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let report =
        write_mono_24(path, SAMPLE_RATE, &to_f32(samples), Some(label)).map_err(|source| SynthError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(report.clipped_samples)
}

/// Records every clip at one setting and writes its Dry and Wet files.
fn record_gain(config: &SynthConfig, gain: Gain, knob: f64, clips: &[DryClip]) -> Result<GainSummary, SynthError> {
    let rig = RecordingRig::at_knob(config.grid.stand_in(), knob, f64::from(SAMPLE_RATE));
    let (mut peak, mut clipped, mut circuit_seconds) = (f64::NEG_INFINITY, 0, 0.0);
    for clip in clips {
        let seed = SeededRng::derive(config.seed, &format!("{} {}", clip.name, gain.name())).next_u64();
        let started = Instant::now();
        let wet = rig.record(&clip.samples, seed);
        circuit_seconds += started.elapsed().as_secs_f64();
        peak = peak.max(peak_dbfs(&wet));
        let dir = layout::gain_dir(&config.out, &config.device(), clip.split, gain);
        let dry_label = format!(
            "stand-in data: dry input of {}, {}, seed {}, from {}",
            rig.circuit_name(),
            rig.settings(),
            config.seed,
            clip.origin
        );
        let wet_label = format!(
            "stand-in data: {}, {}, seed {}",
            rig.circuit_name(),
            rig.settings(),
            config.seed
        );
        clipped += write(&layout::dry_path(&dir, &clip.name), &clip.samples, &dry_label)?;
        clipped += write(&layout::wet_path(&dir, &clip.name), &wet, &wet_label)?;
    }
    Ok(GainSummary {
        gain,
        settings: rig.settings().to_string(),
        wet_peak_dbfs: peak,
        clipped_samples: clipped,
        circuit_seconds,
    })
}

fn report_settings(config: &SynthConfig) -> usize {
    config.settings.unwrap_or(GainLevel::ALL.len())
}

/// Builds one grid's stand-in data set.
pub fn build_grid(config: &SynthConfig) -> Result<SynthReport, SynthError> {
    let clips = match &config.di {
        Some(folder) => {
            if config.train_seconds.is_some() || config.test_seconds.is_some() {
                return Err(SynthError::LengthWithDi);
            }
            sources::di_clips(folder)?
        }
        None => {
            let train = config.train_seconds.unwrap_or(sources::PROCEDURAL_TRAIN_SECONDS);
            let test = config.test_seconds.unwrap_or(sources::PROCEDURAL_TEST_SECONDS);
            if !(train > 0.0 && test > 0.0) {
                return Err(SynthError::BadLength { train, test });
            }
            sources::procedural_clips(config.seed, train, test)
        }
    };
    let seconds = |split| {
        clips
            .iter()
            .filter(|c| c.split == split)
            .map(|c| c.samples.len())
            .sum::<usize>() as f64
            / f64::from(SAMPLE_RATE)
    };
    let (train_seconds, test_seconds) = (seconds(layout::Split::Train), seconds(layout::Split::Test));
    let dry_peak_dbfs = clips
        .iter()
        .map(|c| peak_dbfs(&c.samples))
        .fold(f64::NEG_INFINITY, f64::max);

    let started = Instant::now();
    let clips_ref = &clips;
    let results: Vec<Result<GainSummary, SynthError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = config
            .positions()
            .into_iter()
            .map(|(gain, knob)| scope.spawn(move || record_gain(config, gain, knob, clips_ref)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let wall_seconds = started.elapsed().as_secs_f64();
    let gains = results.into_iter().collect::<Result<Vec<_>, _>>()?;

    let root = config.device().dir(&config.out);
    let circuit = RecordingRig::study(config.grid.stand_in(), GainLevel::Low, f64::from(SAMPLE_RATE))
        .circuit_name()
        .to_string();
    let report = SynthReport {
        root: root.clone(),
        circuit,
        train_seconds,
        test_seconds,
        dry_peak_dbfs,
        gains,
        wall_seconds,
        files_written: clips.len() * 2 * report_settings(config),
    };
    if config.settings.is_some() {
        let path = root.join(KnobTable::FILE_NAME);
        let table: String = config
            .positions()
            .iter()
            .map(|(gain, knob)| format!("[\"{}\"]\n{STUDY_KNOB} = {knob}\n\n", gain.name()))
            .collect();
        std::fs::write(&path, table).map_err(|source| SynthError::WriteSource { path, source })?;
    }
    let source_path = root.join("SOURCE.md");
    std::fs::write(&source_path, source_md::render(config, &report, &clips)).map_err(|source| {
        SynthError::WriteSource {
            path: source_path,
            source,
        }
    })?;
    Ok(report)
}
