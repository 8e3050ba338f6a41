use std::path::{Path, PathBuf};

use blackbox_engine::model::TrainingMethod;

use super::GridCell;
use crate::dataset::Device;
use crate::report::ModelResult;

/// Where one grid run keeps its files. Finished models live in `models/<effect>/<experiment>/`, each as a
/// `.bbx` (what the plugin loads), a `.history.json` and a `.result.json` (the report's input, so reports can be
/// rebuilt without retraining); unfinished ones as a checkpoint in `.checkpoints/` beside them.
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

    /// A model is finished once its result is written; the result is written last, after the model file.
    pub fn finished(&self, cell: &GridCell) -> Option<ModelResult> {
        let text = std::fs::read_to_string(self.result_path(cell)).ok()?;
        let result: ModelResult = serde_json::from_str(&text).ok()?;
        self.model_path(cell).exists().then_some(result)
    }

    /// Every finished result of this method in the folder, whatever `--only` selected this time.
    pub fn all_results(&self, cells: &[GridCell]) -> Vec<ModelResult> {
        cells.iter().filter_map(|cell| self.finished(cell)).collect()
    }
}

/// Writes JSON atomically (temporary file, then rename).
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    blackbox_engine::atomic_file::write_atomically(path, text.as_bytes())
}
