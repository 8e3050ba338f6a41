//! The conditioned model: one LSTM whose inputs are the audio and the device's knobs (for the study, its gain
//! knob with Low / Mid / High at 0 / 0.5 / 1; for any other device, what its `settings.toml` says), trained by
//! streaming on every setting's recordings at once, so that the plugin can offer a continuous knob instead of
//! snapshots. Its report sets it beside the per-setting models and measures how its distortion follows the
//! (first) knob.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use blackbox_engine::model::{Gain, ModelFile, Provenance, TrainingMethod};
use indicatif::ProgressBar;

use super::job::{GainData, JobSettings, Origin, TestTake, export_model, fit_config, fit_streaming};
use super::run::load_gains;
use super::store::GridStore;
use super::{GridCell, cells_for};
use crate::dataset::{Device, KnobTable, SegmentSource, WindowConfig};
use crate::evaluate::{TestTone, circuit_thd, model_thd, rms};
use crate::report::{
    ConditionedFiles, ConditionedReport, DataSource, EsrMode, GainReference, GridInfo, KnobPoint, ModelResult,
    write_conditioned_report,
};
use blackbox_standin::StudyEffect;

/// Knob positions of the THD sweep: 0 to 1 in steps of 0.05 (and each setting's own value besides).
pub const SWEEP_POINTS: usize = 21;

/// One `trainer --grid NAME --conditioned` run.
#[derive(Clone, Debug)]
pub struct ConditionedRun {
    pub device: Device,
    pub data: PathBuf,
    pub models: PathBuf,
    /// The grid's report folder; the report goes into its `conditioned/`.
    pub reports: PathBuf,
    pub ctx: usize,
    pub units: usize,
    pub learning_rate: f64,
    pub settings: JobSettings,
    pub test_seconds: Option<f64>,
    /// Every take resampled offline to this rate; `None` trains at the recordings' own rate.
    pub rate: Option<u32>,
}

impl ConditionedRun {
    /// Numbered after the grid's cells (36 for the study's three settings) so that its files never collide with
    /// theirs.
    pub fn cell(&self, settings: &[Gain]) -> GridCell {
        GridCell {
            number: cells_for(settings).len(),
            gain: Gain::Conditioned,
            ctx: self.ctx,
            units: self.units,
            learning_rate: self.learning_rate,
        }
    }
}

/// Trains (or resumes, or finds finished) the conditioned model and writes its report.
pub fn run_conditioned(run: &ConditionedRun, progress: &ProgressBar) -> anyhow::Result<(ModelResult, ConditionedFiles)> {
    let store = GridStore::new(&run.models, &run.device, TrainingMethod::Streaming);
    let (settings, knobs) = run.device.settings_and_knobs(&run.data)?;
    let knobs = knobs.with_context(|| {
        format!(
            "{}: a conditioned model needs each setting's knob values; write them in {} (e.g. [Drive1] then \
             drive = 0.1)",
            run.device.label(),
            run.device.dir(&run.data).join(KnobTable::FILE_NAME).display()
        )
    })?;
    let cell = run.cell(&settings);
    let data = load_gains(&run.data, &run.device, &settings, run.test_seconds, run.rate)?;
    let provenance = combined_provenance(&data);
    let result = match store.finished(&cell) {
        Some(result) => result,
        None => train(run, &cell, &data, &knobs, &provenance, &store, progress)?,
    };
    let model = ModelFile::load(&store.model_path(&cell))?;

    let grid_info = GridInfo {
        name: run.device.short_name(),
        effect: run.device.effect.clone(),
        experiment: run.device.experiment.clone(),
        data: DataSource::from_provenance(&provenance),
    };
    let tone = TestTone::with_rms(rms(data.values().flat_map(|d| d.train.songs.iter().map(|s| s.dry.as_slice()))));
    progress.set_message(format!("{}: THD against the knob", result.metadata.name));
    // The first knob sweeps; any others stay at the middle of their recorded range.
    let held = knobs.middle();
    let mut positions: Vec<f32> = (0..SWEEP_POINTS).map(|i| i as f32 / (SWEEP_POINTS - 1) as f32).collect();
    positions.extend(settings.iter().filter_map(|gain| knobs.values(gain).first().copied()));
    positions.sort_by(f32::total_cmp);
    positions.dedup_by(|a, b| (*a - *b).abs() < 1e-4);
    let sweep = positions
        .into_iter()
        .map(|knob| {
            let inputs: Vec<f32> = std::iter::once(knob).chain(held.iter().skip(1).copied()).collect();
            KnobPoint { knob, thd: model_thd(&model.weights, &inputs, &tone) }
        })
        .collect();
    let references = references(run, &store, &settings, &knobs, &result, &provenance, &tone)?;
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
    knobs: &KnobTable,
    provenance: &Provenance,
    store: &GridStore,
    progress: &ProgressBar,
) -> anyhow::Result<ModelResult> {
    let mut sources = Vec::new();
    let mut tests = Vec::new();
    let mut samples = 0;
    for (&gain, d) in data {
        let values = knobs.values(&gain);
        samples += d.train.total_samples();
        sources.extend(d.train.songs.iter().map(|song| SegmentSource {
            dry: song.dry.clone(),
            wet: song.wet.clone(),
            conditioning: values.to_vec(),
        }));
        tests.extend(d.test.iter().map(|song| TestTake {
            name: format!("{}_{}", gain.name(), song.name),
            song,
            conditioning: values.to_vec(),
        }));
    }
    let settings = JobSettings { method: TrainingMethod::Streaming, ..run.settings.clone() };
    let config = fit_config(cell, 1 + knobs.knobs.len(), &settings, store);
    let windows = WindowConfig { ctx: cell.ctx, train: settings.train_size, seed: settings.seed };
    // The same share of every setting's audio as a per-setting model trains on, so it sees all of them.
    let per_gain = samples / data.len().max(1);
    let outcome = fit_streaming(sources, per_gain, &windows, &settings, &config, &store.checkpoint_path(cell), progress)
        .with_context(|| format!("training {}", config.name))?;
    let origin = Origin { provenance, knobs: &knobs.knobs };
    export_model(cell, outcome, &tests, &origin, &settings, store, progress)
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

/// At each recorded setting: the conditioned model's ESR on that setting's takes, the best per-setting model's
/// (either method) and the per-setting streaming model of the same architecture, and the THD of the stand-in
/// circuit (the study's devices only) and of the best per-setting model on the test tone.
fn references(
    run: &ConditionedRun,
    store: &GridStore,
    settings: &[Gain],
    knobs: &KnobTable,
    conditioned: &ModelResult,
    provenance: &Provenance,
    tone: &TestTone,
) -> anyhow::Result<Vec<GainReference>> {
    let grid_cells = cells_for(settings);
    let windowed = store.for_method(TrainingMethod::Windowed);
    let mut out = Vec::new();
    for &gain in settings {
        let knob = knobs.values(&gain).first().copied().unwrap_or(0.0);
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
        // Stand-in data names its circuit, whose knob is the table's first (the study's scale, Low 0 to High 1).
        let circuit = match provenance {
            Provenance::StandIn { circuit, .. } => StudyEffect::of_label(circuit),
            Provenance::Recordings { .. } | Provenance::Capture(_) => None,
        };
        out.push(GainReference {
            gain,
            knob,
            conditioned_esr: mean_streaming_esr(conditioned, Some(&format!("{}_", gain.name()))),
            best_fixed: best.map(|(_, _, result, esr)| (result.metadata.name, esr)),
            same_architecture_esr,
            circuit_thd: circuit.map(|effect| circuit_thd(effect, f64::from(knob), tone)),
            best_fixed_thd,
        });
    }
    Ok(out)
}
