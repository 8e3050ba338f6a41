use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use indicatif::ProgressBar;

use super::fit::EpochRunner;
use super::loss::{EpochMetrics, esr_loss};
use super::{TrainError, values};
use crate::dataset::{Batch, WindowView};
use crate::model::StudyLstm;

/// The study's epoch: shuffled batches of windows, each window from zero state predicting its last wet sample.
pub struct WindowedRunner<'a> {
    pub train: WindowView<'a>,
    pub validation: WindowView<'a>,
    /// Caps validation at this many batches (the validation windows are already in shuffled order, so the first
    /// batches are a random sample); `None` validates on all of them, as the study did.
    pub validation_batches: Option<usize>,
    pub batch_size: usize,
    /// The plain (non-autodiff) device; training runs on its autodiff twin.
    pub device: Device,
}

impl WindowedRunner<'_> {
    fn tensors(&self, batch: &Batch, device: &Device) -> (Tensor<3>, Tensor<2>) {
        let (n, ctx) = (batch.len(), self.train.ctx());
        (
            Tensor::from_data(TensorData::new(batch.x.clone(), [n, ctx, 1]), device),
            Tensor::from_data(TensorData::new(batch.y.clone(), [n, 1]), device),
        )
    }
}

impl EpochRunner for WindowedRunner<'_> {
    fn batches_per_epoch(&self) -> usize {
        self.train.len().div_ceil(self.batch_size)
    }

    fn train_epoch(
        &self,
        mut model: StudyLstm,
        optimizer: &mut ModuleOptimizer,
        learning_rate: f64,
        epoch_seed: u64,
        progress: &ProgressBar,
    ) -> Result<(StudyLstm, EpochMetrics), TrainError> {
        let device = self.device.clone().autodiff();
        let mut metrics = EpochMetrics::default();
        for batch in self.train.batches(self.batch_size, epoch_seed) {
            let (x, y) = self.tensors(&batch, &device);
            let prediction = model.forward(x)?;
            let loss = esr_loss(prediction.clone(), y);
            let loss_value = loss.clone().into_scalar::<f32>();
            metrics.add_batch(loss_value, &batch.y, &values(prediction.clone())?);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(learning_rate, model, grads);
            progress.inc(1);
        }
        Ok((model, metrics))
    }

    fn validate(&self, model: &StudyLstm) -> Result<EpochMetrics, TrainError> {
        let mut metrics = EpochMetrics::default();
        let batches = self.validation.batches_in_order(self.batch_size);
        for batch in batches.take(self.validation_batches.unwrap_or(usize::MAX)) {
            let (x, y) = self.tensors(&batch, &self.device);
            let prediction = model.forward(x)?;
            let loss = esr_loss(prediction.clone(), y).into_scalar::<f32>();
            metrics.add_batch(loss, &batch.y, &values(prediction)?);
        }
        Ok(metrics)
    }
}
