//! The gain-conditioned model (issue 6, item 3): one LSTM with two inputs — the audio and the gain knob, Low /
//! Mid / High at 0 / 0.5 / 1 — trained by streaming on all three gains' recordings of an effect, so that the
//! plugin can offer a continuous Gain knob instead of three snapshots. Its report sets it beside the per-gain
//! models and measures how its distortion follows the knob.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use blackbox_engine::model::{Gain, ModelFile, Provenance, TrainingMethod};
use indicatif::ProgressBar;

use super::job::{GainData, JobSettings, TestTake, export_model, fit_config, fit_streaming};
use super::run::load_gains;
use super::store::GridStore;
use super::{GridCell, cells};
use crate::dataset::{Grid, SegmentSource, WindowConfig};
use crate::evaluate::{TestTone, circuit_thd, model_thd, rms};
use crate::report::{
    ConditionedFiles, ConditionedReport, DataSource, EsrMode, GainReference, GridInfo, KnobPoint, ModelResult,
    write_conditioned_report,
};
use crate::standin::GainLevel;

/// Where each of the study's settings sits on the knob.
pub const KNOB_OF_GAIN: [(Gain, f32); 3] = [(Gain::Low, 0.0), (Gain::Mid, 0.5), (Gain::High, 1.0)];
/// Knob positions of the THD sweep: 0 to 1 in steps of 0.05.
pub const SWEEP_POINTS: usize = 21;
/// The conditioned model is numbered after the 36 grid cells so that its files never collide with theirs.
pub const CONDITIONED_NUMBER: usize = 36;

/// One `trainer --grid NAME --conditioned` run.
#[derive(Clone, Debug)]
pub struct ConditionedRun {
    pub grid: Grid,
    pub data: PathBuf,
    pub models: PathBuf,
    /// The grid's report folder; the report goes into its `conditioned/`.
    pub reports: PathBuf,
    pub ctx: usize,
    pub units: usize,
    pub learning_rate: f64,
    pub settings: JobSettings,
    pub test_seconds: Option<f64>,
}

impl ConditionedRun {
    pub fn cell(&self) -> GridCell {
        GridCell {
            number: CONDITIONED_NUMBER,
            gain: Gain::Conditioned,
            ctx: self.ctx,
            units: self.units,
            learning_rate: self.learning_rate,
        }
    }
}

/// Trains (or resumes, or finds finished) the conditioned model and writes its report.
pub fn run_conditioned(run: &ConditionedRun, progress: &ProgressBar) -> anyhow::Result<(ModelResult, ConditionedFiles)> {
    let store = GridStore::new(&run.models, run.grid, TrainingMethod::Streaming);
    let cell = run.cell();
    let data = load_gains(&run.data, run.grid, &Gain::FIXED, run.test_seconds)?;
    let provenance = combined_provenance(&data);
    let result = match store.finished(&cell) {
        Some(result) => result,
        None => train(run, &cell, &data, &provenance, &store, progress)?,
    };
    let model = ModelFile::load(&store.model_path(&cell))?;

    let grid_info = GridInfo {
        name: run.grid.name().to_owned(),
        effect: run.grid.effect().to_owned(),
        experiment: run.grid.experiment().to_owned(),
        data: DataSource::from_provenance(&provenance),
    };
    let tone = TestTone::with_rms(rms(data.values().flat_map(|d| d.train.songs.iter().map(|s| s.dry.as_slice()))));
    progress.set_message(format!("{}: THD against the knob", result.name));
    let sweep = (0..SWEEP_POINTS)
        .map(|i| {
            let knob = i as f32 / (SWEEP_POINTS - 1) as f32;
            KnobPoint { knob, thd: model_thd(&model.weights, &[knob], &tone) }
        })
        .collect();
    let references = references(run, &store, &result, &provenance, &tone)?;
    let report = ConditionedReport {
        grid: grid_info,
        model: result.clone(),
        tone_hz: tone.frequency,
        tone_amplitude: tone.amplitude,
        sweep,
        references,
    };
    let files = write_conditioned_report(&run.reports.join("conditioned"), &report)?;
    Ok((result, files))
}

fn train(
    run: &ConditionedRun,
    cell: &GridCell,
    data: &BTreeMap<Gain, GainData>,
    provenance: &Provenance,
    store: &GridStore,
    progress: &ProgressBar,
) -> anyhow::Result<ModelResult> {
    let gain_data = |gain: Gain| data.get(&gain).with_context(|| format!("no {} recordings", gain.name()));
    let mut sources = Vec::new();
    let mut tests = Vec::new();
    let mut samples = 0;
    for (gain, knob) in KNOB_OF_GAIN {
        let d = gain_data(gain)?;
        samples += d.train.total_samples();
        sources.extend(d.train.songs.iter().map(|song| SegmentSource {
            dry: song.dry.clone(),
            wet: song.wet.clone(),
            conditioning: Some(knob),
        }));
        tests.extend(d.test.iter().map(|song| TestTake {
            name: format!("{}_{}", gain.name(), song.name),
            song,
            conditioning: vec![knob],
        }));
    }
    let settings = JobSettings { method: TrainingMethod::Streaming, ..run.settings.clone() };
    let config = fit_config(cell, 2, &settings, store);
    let windows = WindowConfig { ctx: cell.ctx, train: settings.train_size, seed: settings.seed };
    // The same share of every gain's audio as a per-gain model trains on, so it sees three times the audio.
    let per_gain = samples / KNOB_OF_GAIN.len();
    let outcome = fit_streaming(sources, per_gain, &windows, &settings, &config, &store.checkpoint_path(cell), progress)
        .with_context(|| format!("training {}", config.name))?;
    export_model(cell, outcome, &tests, provenance, &settings, store, progress)
}

/// One gain's stand-in label with the three settings named, or the recordings' description.
fn combined_provenance(data: &BTreeMap<Gain, GainData>) -> Provenance {
    let mut provenances = data.values().map(|d| d.provenance.clone());
    let Some(first) = provenances.next() else {
        return Provenance::Recordings { description: "no recordings".into() };
    };
    match first {
        Provenance::StandIn { circuit, sources, seed, .. } => {
            let settings = data
                .iter()
                .filter_map(|(gain, d)| match &d.provenance {
                    Provenance::StandIn { settings, .. } => Some(format!("{}: {settings}", gain.name())),
                    Provenance::Recordings { .. } | Provenance::Capture(_) => None,
                })
                .collect::<Vec<_>>()
                .join("; ");
            Provenance::StandIn { circuit, settings, sources, seed }
        }
        recordings => recordings,
    }
}

/// Mean streaming-mode test ESR over the songs whose names start with `prefix` (all songs without one).
fn mean_streaming_esr(result: &ModelResult, prefix: Option<&str>) -> Option<f32> {
    let songs: Vec<String> = result
        .songs
        .iter()
        .map(|s| s.song.clone())
        .filter(|name| prefix.is_none_or(|p| name.starts_with(p)))
        .collect();
    result.mean_esr(&songs, EsrMode::Streaming)
}

/// At Low / Mid / High: the conditioned model's ESR on that gain's takes, the best per-gain model's (either
/// method) and the per-gain streaming model of the same architecture, and the THD of the circuit and of the
/// best per-gain model on the test tone.
fn references(
    run: &ConditionedRun,
    store: &GridStore,
    conditioned: &ModelResult,
    provenance: &Provenance,
    tone: &TestTone,
) -> anyhow::Result<Vec<GainReference>> {
    let grid_cells = cells();
    let windowed = store.for_method(TrainingMethod::Windowed);
    let mut out = Vec::new();
    for (gain, knob) in KNOB_OF_GAIN {
        let mut best: Option<(&GridStore, GridCell, ModelResult, f32)> = None;
        let mut same_architecture_esr = None;
        for (method, side) in [(TrainingMethod::Windowed, &windowed), (TrainingMethod::Streaming, store)] {
            for cell in grid_cells.iter().filter(|c| c.gain == gain) {
                let Some(result) = side.finished(cell) else { continue };
                let Some(esr) = mean_streaming_esr(&result, None) else { continue };
                if method == TrainingMethod::Streaming
                    && (cell.ctx, cell.units) == (run.ctx, run.units)
                    && cell.learning_rate.to_bits() == run.learning_rate.to_bits()
                {
                    same_architecture_esr = Some(esr);
                }
                if best.as_ref().is_none_or(|b| esr < b.3) {
                    best = Some((side, *cell, result, esr));
                }
            }
        }
        let best_fixed_thd = match &best {
            Some((side, cell, _, _)) => Some(model_thd(&ModelFile::load(&side.model_path(cell))?.weights, &[], tone)),
            None => None,
        };
        let level = match gain {
            Gain::Low => GainLevel::Low,
            Gain::Mid => GainLevel::Mid,
            _ => GainLevel::High,
        };
        out.push(GainReference {
            gain,
            knob,
            conditioned_esr: mean_streaming_esr(conditioned, Some(&format!("{}_", gain.name()))),
            best_fixed: best.map(|(_, _, result, esr)| (result.name, esr)),
            same_architecture_esr,
            circuit_thd: provenance.is_stand_in().then(|| circuit_thd(run.grid, level, tone)),
            best_fixed_thd,
        });
    }
    Ok(out)
}
