//! Rebuilding a grid's reports from its finished files alone, so that a grid sharded across machines with
//! `--only` (each shard trains into its own models folder) ends in the report one machine would have written.
//! Every cell is independent: a finished cell is its `.bbx`, `.history.json` and `.result.json`, and the
//! reports read nothing else of it.

use std::path::{Path, PathBuf};

use anyhow::Context;
use blackbox_engine::atomic_file::write_atomically;
use blackbox_engine::model::{ModelFile, TrainingMethod};

use super::run::{grid_info, load_gains, write_comparison, write_method_report};
use super::store::GridStore;
use super::{GridCell, cells_for};
use crate::dataset::Device;

/// One `trainer report`: which grid, where its recordings and models are, and where the reports go.
#[derive(Clone, Debug)]
pub struct ReportRun {
    pub device: Device,
    /// The recordings the shards trained on (their settings number the cells; their test songs give the
    /// waveform excerpt).
    pub data: PathBuf,
    /// The models folder the report reads, and into which `gather` copies.
    pub models: PathBuf,
    pub reports: PathBuf,
    /// Other machines' models folders (each as its `--models`), whose finished cells are copied in first.
    pub gather: Vec<PathBuf>,
    /// As the run's `--quick`: test songs cut to this many seconds for the excerpt.
    pub test_seconds: Option<f64>,
    /// As the run's `--rate`.
    pub rate: Option<u32>,
}

/// What a rebuild found and wrote.
#[derive(Debug, Default, PartialEq)]
pub struct Rebuilt {
    /// Finished cells copied from the gathered folders.
    pub gathered: usize,
    /// Finished cells reported, per method (methods with none are left out).
    pub methods: Vec<(TrainingMethod, usize)>,
}

/// Gathers the shards' finished cells, then writes each method's grid report and the comparison.
pub fn rebuild_reports(run: &ReportRun) -> anyhow::Result<Rebuilt> {
    let device = &run.device;
    let settings = device.settings(&run.data)?;
    let every_cell = cells_for(&settings);
    let mut rebuilt = Rebuilt::default();
    for method in [TrainingMethod::Windowed, TrainingMethod::Streaming] {
        let into = GridStore::new(&run.models, device, method);
        for shard in &run.gather {
            rebuilt.gathered += gather(&GridStore::new(shard, device, method), &into, &every_cell)?;
        }
    }

    let store = GridStore::new(&run.models, device, TrainingMethod::Windowed);
    let finished = |method| store.for_method(method).all_results(&every_cell).len();
    if finished(TrainingMethod::Windowed) + finished(TrainingMethod::Streaming) == 0 {
        anyhow::bail!(
            "no finished model of {} in {}: give --models the folder the grid trained into, or --gather each \
             machine's models folder",
            device.label(),
            device.dir(&run.models).display()
        );
    }
    let data = load_gains(&run.data, device, &settings, run.test_seconds, run.rate)?;
    let provenance = &data.values().next().context("the grid has no setting")?.provenance;
    let info = grid_info(device, provenance);
    for method in [TrainingMethod::Windowed, TrainingMethod::Streaming] {
        if finished(method) == 0 {
            continue;
        }
        let test_song = |cell: &GridCell| data.get(&cell.gain).and_then(|d| d.test.first().cloned());
        let reported = write_method_report(&run.reports, &store.for_method(method), &every_cell, &info, test_song)?;
        rebuilt.methods.push((method, reported));
    }
    write_comparison(&run.reports, &store, &every_cell, &info)?;
    Ok(rebuilt)
}

/// Copies `from`'s finished cells that `into` lacks; returns how many. A cell finished in both must be the same
/// model, or the rebuild stops and names both files: two shards trained it, and only the user knows which to keep.
fn gather(from: &GridStore, into: &GridStore, cells: &[GridCell]) -> anyhow::Result<usize> {
    let mut copied = 0;
    for cell in cells {
        if from.finished(cell).is_none() {
            continue;
        }
        let (theirs, ours) = (from.model_path(cell), into.model_path(cell));
        if into.finished(cell).is_some() {
            if !same_model(&theirs, &ours)? {
                anyhow::bail!(
                    "{} and {} are different trainings of the same cell ({}): two shards trained it; delete the \
                     one you do not want and run the report again",
                    theirs.display(),
                    ours.display(),
                    from.stem(cell)
                );
            }
            continue;
        }
        // The result goes last: it is what marks a cell finished.
        for (source, target) in [
            (theirs, ours),
            (from.history_path(cell), into.history_path(cell)),
            (from.result_path(cell), into.result_path(cell)),
        ] {
            copy_atomically(&source, &target)?;
        }
        copied += 1;
    }
    Ok(copied)
}

/// Two model files hold the same model when their weights are equal (their timestamps may differ).
fn same_model(a: &Path, b: &Path) -> anyhow::Result<bool> {
    let load = |path: &Path| ModelFile::load(path).with_context(|| format!("reading {}", path.display()));
    Ok(load(a)?.weights == load(b)?.weights)
}

fn copy_atomically(source: &Path, target: &Path) -> anyhow::Result<()> {
    std::fs::read(source)
        .and_then(|bytes| write_atomically(target, &bytes))
        .with_context(|| format!("copying {} to {}", source.display(), target.display()))
}
