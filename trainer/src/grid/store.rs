use std::path::{Path, PathBuf};

use blackbox_engine::model::{ModelFile, TrainingMethod};

use super::GridCell;
use crate::dataset::Device;
use crate::report::{ModelResult, TestFigures};
use crate::training::History;

/// Where one grid run keeps its files. Finished models live in `models/<effect>/<experiment>/`, each as a
/// `.bbx` (what the plugin loads, and the one description of the model), a `.history.json` (its training
/// curve) and a `.result.json` (its test figures per song), so reports can be rebuilt without retraining;
/// unfinished ones as a checkpoint in `.checkpoints/` beside them.
#[derive(Clone, Debug)]
pub struct GridStore {
    models: PathBuf,
    method: TrainingMethod,
}

impl GridStore {
    pub fn new(models_root: &Path, device: &Device, method: TrainingMethod) -> Self {
        GridStore::at(device.dir(models_root), method)
    }

    /// A store in `dir` itself (models outside a device's folder, e.g. the TS9 check).
    pub fn at(dir: PathBuf, method: TrainingMethod) -> Self {
        GridStore { models: dir, method }
    }

    /// The same folder for the other method's models.
    pub fn for_method(&self, method: TrainingMethod) -> Self {
        GridStore { models: self.models.clone(), method }
    }

    pub fn method(&self) -> TrainingMethod {
        self.method
    }

    pub fn dir(&self) -> &Path {
        &self.models
    }

    /// Streaming-trained models carry a suffix so that both methods of one cell can sit side by side.
    pub fn stem(&self, cell: &GridCell) -> String {
        match self.method {
            TrainingMethod::Windowed => cell.name(),
            TrainingMethod::Streaming => format!("{}_streaming", cell.name()),
        }
    }

    pub fn model_path(&self, cell: &GridCell) -> PathBuf {
        self.models.join(format!("{}.bbx", self.stem(cell)))
    }

    pub fn history_path(&self, cell: &GridCell) -> PathBuf {
        self.models.join(format!("{}.history.json", self.stem(cell)))
    }

    pub fn result_path(&self, cell: &GridCell) -> PathBuf {
        self.models.join(format!("{}.result.json", self.stem(cell)))
    }

    pub fn checkpoint_path(&self, cell: &GridCell) -> PathBuf {
        self.models.join(".checkpoints").join(format!("{}.ckpt", self.stem(cell)))
    }

    /// A model is finished once its test figures are written; they are written last, after the model file
    /// and its history.
    pub fn finished(&self, cell: &GridCell) -> Option<ModelResult> {
        let figures: TestFigures = read_json(&self.result_path(cell))?;
        let history: History = read_json(&self.history_path(cell))?;
        let metadata = ModelFile::load(&self.model_path(cell)).ok()?.metadata;
        Some(ModelResult { metadata, history, songs: figures.songs })
    }

    /// Every finished result of this method in the folder, whatever `--only` selected this time.
    pub fn all_results(&self, cells: &[GridCell]) -> Vec<ModelResult> {
        cells.iter().filter_map(|cell| self.finished(cell)).collect()
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Writes JSON atomically (temporary file, then rename).
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    blackbox_engine::atomic_file::write_atomically(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use blackbox_engine::model::{Gain, LstmWeights};

    use super::*;
    use crate::grid::cells;

    #[test]
    fn a_finished_cell_is_its_model_file_history_and_test_figures_in_either_result_format() {
        let dir = tempfile::tempdir().unwrap();
        let store = GridStore::at(dir.path().to_owned(), TrainingMethod::Windowed);
        let cell = cells()[2];
        let mut model = ModelResult::fixture(2, Gain::Low, 96, 0.01, 44, TrainingMethod::Windowed);
        model.metadata.epochs_run = 34;
        ModelFile { metadata: model.metadata.clone(), weights: LstmWeights::zeros(1, 96) }
            .save(&store.model_path(&cell))
            .unwrap();
        assert_eq!(store.finished(&cell), None, "a model file alone is not a finished cell");

        let history = History { loss: vec![0.5, 0.25], val_loss: vec![0.4, 0.3], ..History::default() };
        write_json_atomic(&store.history_path(&cell), &history).unwrap();
        assert_eq!(store.finished(&cell), None, "the test figures, written last, mark it finished");

        // What trainers before the model file became the one description wrote: its fields copied, the history
        // repeated. Shards trained by such a trainer still gather.
        let legacy = serde_json::json!({
            "number": 2, "name": "model_Low_96_0.01_44_2", "gain": "Low", "units": 96, "lr": 0.01, "ctx": 44,
            "method": "Windowed", "epochs_run": 34, "best_val_esr": null, "train_seconds": 487.0,
            "history": history,
            "songs": [{ "song": "Fear", "windowed": { "esr": 0.25, "mse": 0.5, "mae": 0.125 }, "study_esr": 0.5,
                        "streaming": null, "one_sample_shift_esr": null }],
        });
        std::fs::write(store.result_path(&cell), legacy.to_string()).unwrap();
        let finished = store.finished(&cell).expect("a legacy result still reads");
        assert_eq!((&finished.metadata, &finished.history), (&model.metadata, &history));
        assert_eq!(finished.songs.len(), 1);
        assert_eq!(finished.songs[0].windowed.map(|m| (m.esr, m.mse, m.mae)), Some((0.25, 0.5, 0.125)));

        write_json_atomic(&store.result_path(&cell), &TestFigures { songs: finished.songs.clone() }).unwrap();
        assert_eq!(store.finished(&cell), Some(finished));
    }
}
