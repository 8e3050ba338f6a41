use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use blackbox_engine::model::{Gain, Provenance, TrainingMethod};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::excerpt::best_model_excerpt;
use super::job::{GainData, JobSettings, run_cell};
use super::provenance::provenance_of;
use super::queue::run_queue;
use super::store::GridStore;
use super::{GridCell, cells_for};
use crate::dataset::{Device, Song, Split, load_gain};
use crate::report::{DataSource, GridInfo, ModelResult, write_grid_report, write_method_comparison};

/// One invocation of `trainer --grid NAME` (or `--effect E --experiment X`).
#[derive(Clone, Debug)]
pub struct GridRun {
    pub device: Device,
    pub data: PathBuf,
    pub models: PathBuf,
    pub reports: PathBuf,
    /// The cells to train this time, in the study's order.
    pub cells: Vec<GridCell>,
    pub settings: JobSettings,
    /// Models trained at once, one thread each.
    pub jobs: usize,
    /// Test songs are cut to this many seconds (quick runs); `None` tests on whole songs.
    pub test_seconds: Option<f64>,
    /// Every take resampled offline to this rate before training; `None` trains at the recordings' own rate.
    pub rate: Option<u32>,
}

/// What a grid run did.
#[derive(Debug, Default)]
pub struct GridSummary {
    pub trained: Vec<String>,
    pub skipped: Vec<String>,
    pub failed: Vec<(String, String)>,
    pub reports: Option<PathBuf>,
}

/// Trains every selected cell not already finished, two (or `jobs`) at a time, and rewrites the reports after
/// each finished model. Finished models are skipped, unfinished ones resume from their checkpoints.
pub fn run_grid(run: &GridRun) -> anyhow::Result<GridSummary> {
    let device = &run.device;
    let store = GridStore::new(&run.models, device, run.settings.method);
    let every_cell = cells_for(&device.settings(&run.data)?);
    let mut summary = GridSummary::default();

    let mut pending = Vec::new();
    for cell in &run.cells {
        match store.finished(cell) {
            Some(_) => summary.skipped.push(store.stem(cell)),
            None => pending.push(*cell),
        }
    }
    let mut gains: Vec<Gain> = run.cells.iter().map(|c| c.gain).collect();
    gains.dedup();
    let data = load_gains(&run.data, device, &gains, run.test_seconds, run.rate)?;
    let mut notices = std::collections::BTreeSet::new();
    for cell in &pending {
        let available = data[&cell.gain].train.total_samples() / cell.ctx.max(1);
        if let Some(notice) = run.settings.train_size.shortfall_notice(available, cell.ctx) {
            notices.insert(format!("{} {notice}", cell.gain.name()));
        }
    }
    notices.iter().for_each(|n| eprintln!("{n}"));
    let grid_info = grid_info(device, &data.values().next().context("no gain selected")?.provenance);

    let multi = MultiProgress::new();
    let overall = multi.add(ProgressBar::new(run.cells.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} models, {elapsed} elapsed, ETA {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    overall.set_prefix(device.short_name());
    overall.set_position(summary.skipped.len() as u64);
    overall.enable_steady_tick(Duration::from_secs(1));

    let outcome = Mutex::new(&mut summary);
    let report_lock = Mutex::new(());
    run_queue(pending, run.jobs, |next| {
        let bar = multi.add(model_progress_bar());
        while let Some(cell) = next() {
            let name = store.stem(&cell);
            match run_cell(&cell, &data[&cell.gain], &run.settings, &store, &bar) {
                Ok(_) => {
                    outcome.lock().expect("summary").trained.push(name.clone());
                    overall.inc(1);
                    say(&multi, format!("finished {name}"));
                    let _guard = report_lock.lock().expect("reports");
                    let started = std::time::Instant::now();
                    match write_reports(run, &store, &every_cell, &grid_info, &data) {
                        Ok(()) => say(&multi, format!("reports rewritten in {:.1} s", started.elapsed().as_secs_f64())),
                        Err(e) => say(&multi, format!("warning: reports not updated: {e:#}")),
                    }
                }
                Err(e) => {
                    say(&multi, format!("error: {name}: {e:#}"));
                    outcome.lock().expect("summary").failed.push((name, format!("{e:#}")));
                }
            }
        }
        bar.finish_and_clear();
    });
    overall.finish();
    // Each finished model already rewrote the reports; only a run that trained nothing still owes them.
    if summary.trained.is_empty() {
        write_reports(run, &store, &every_cell, &grid_info, &data)?;
    }
    summary.reports = Some(run.reports.clone());
    Ok(summary)
}

/// The bar of one model in training: its name and epoch, and the batches of the epoch.
pub fn model_progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("  {msg:42} [{bar:24}] {pos}/{len} batches, ETA {eta}")
            .expect("static template")
            .progress_chars("=> "),
    );
    bar
}

/// A line above the progress bars, or on stderr when they are hidden (output not a terminal, e.g. a log file).
fn say(multi: &MultiProgress, line: String) {
    if multi.is_hidden() {
        eprintln!("{line}");
    } else {
        multi.println(line).ok();
    }
}

/// The method's own grid report (`reports/<grid>/` for the study's windowed method, `reports/<grid>/streaming/`
/// for streaming training), then the windowed-versus-streaming comparison from whatever both methods have
/// finished so far.
fn write_reports(
    run: &GridRun,
    store: &GridStore,
    every_cell: &[GridCell],
    grid_info: &GridInfo,
    data: &BTreeMap<Gain, GainData>,
) -> anyhow::Result<()> {
    let test_song = |cell: &GridCell| data.get(&cell.gain).and_then(|d| d.test.first().cloned());
    write_method_report(&run.reports, store, every_cell, grid_info, test_song)?;
    write_comparison(&run.reports, store, every_cell, grid_info)
}

/// One method's grid report from every finished model of `store`'s method, with the waveform excerpt of the
/// best one drawn from `test_song` (none when it gives no song).
pub fn write_method_report(
    reports: &Path,
    store: &GridStore,
    every_cell: &[GridCell],
    grid_info: &GridInfo,
    test_song: impl Fn(&GridCell) -> Option<Song>,
) -> anyhow::Result<usize> {
    let results: Vec<ModelResult> = store.all_results(every_cell);
    let excerpt = best_model_excerpt(store, every_cell, &results, test_song);
    write_grid_report(&method_report_dir(reports, store.method()), grid_info, &results, excerpt.as_ref())?;
    Ok(results.len())
}

/// The windowed-versus-streaming comparison, once both methods have a finished model.
pub fn write_comparison(
    reports: &Path,
    store: &GridStore,
    every_cell: &[GridCell],
    grid_info: &GridInfo,
) -> anyhow::Result<()> {
    let side = |method| store.for_method(method).all_results(every_cell);
    let (windowed, streaming) = (side(TrainingMethod::Windowed), side(TrainingMethod::Streaming));
    if !windowed.is_empty() && !streaming.is_empty() {
        write_method_comparison(reports, grid_info, &windowed, &streaming)?;
    }
    Ok(())
}

/// What every report of `device`'s grid says of it, with the data source its recordings declare.
pub fn grid_info(device: &Device, provenance: &Provenance) -> GridInfo {
    GridInfo {
        name: device.short_name(),
        effect: device.effect.clone(),
        experiment: device.experiment.clone(),
        data: DataSource::from_provenance(provenance),
    }
}

/// Where a method's grid report goes inside the grid's report folder.
pub fn method_report_dir(grid_reports: &Path, method: TrainingMethod) -> PathBuf {
    match method {
        TrainingMethod::Windowed => grid_reports.to_path_buf(),
        TrainingMethod::Streaming => grid_reports.join("streaming"),
    }
}

/// Each setting's training and test takes from `data` (test takes cut to `test_seconds` if given, every take
/// resampled to `rate` if given), with the provenance their WAV comments declare.
pub fn load_gains(
    data: &Path,
    device: &Device,
    gains: &[Gain],
    test_seconds: Option<f64>,
    rate: Option<u32>,
) -> anyhow::Result<BTreeMap<Gain, GainData>> {
    let mut out = BTreeMap::new();
    for &gain in gains {
        let mut train = load_gain(data, device, Split::Train, gain)?;
        let mut test = load_gain(data, device, Split::Test, gain)?;
        if let Some(rate) = rate {
            for song in train.songs.iter_mut().chain(test.songs.iter_mut()) {
                let from = song.rate;
                song.resample(rate)
                    .with_context(|| format!("resampling {} of {} from {from} to {rate} Hz", song.name, gain.name()))?;
            }
        }
        for warning in train.warnings.iter().chain(&test.warnings) {
            eprintln!("warning: {warning}");
        }
        let rates = train.songs.iter().chain(&test.songs).map(|s| (s.rate, &s.name));
        let first_rate = out.values().next().map_or(train.rate(), |d: &GainData| d.train.rate());
        if let Some((rate, name)) = rates.into_iter().find(|(rate, _)| *rate != first_rate) {
            anyhow::bail!(
                "{}: the take {name} of {} is {rate} Hz but the other recordings are {first_rate} Hz; a grid \
                 trains at one rate, so record or export every take at one rate (or give --rate to resample them all)",
                device.label(),
                gain.name()
            );
        }
        let description = format!("{} recordings in {}", device.label(), data.display());
        let provenance = provenance_of(&train.songs, &description);
        let test = test.songs.into_iter().map(|song| truncate(song, test_seconds)).collect();
        out.insert(gain, GainData { train, test, provenance });
    }
    Ok(out)
}

fn truncate(mut song: Song, seconds: Option<f64>) -> Song {
    if let Some(seconds) = seconds {
        let len = ((seconds * f64::from(song.rate)) as usize).min(song.dry.len());
        song.dry.truncate(len);
        song.wet.truncate(len);
    }
    song
}
