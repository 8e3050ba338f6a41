//! Streaming (stateful) training: sequence-to-sequence on ~1 s segments, the state warmed up on the audio before
//! each segment and then carried through it, with truncated backpropagation through time every `truncation`
//! steps (the grid's ctx, so a cell keeps its meaning). The loss is [`streaming_loss`]: pre-emphasised ESR plus
//! a DC term. This is how the plugin runs a model, so what validation sees is what a player will hear.

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use indicatif::ProgressBar;

use super::fit::EpochRunner;
use super::loss::{EpochMetrics, SignalPower, streaming_loss};
use super::{TrainError, values};
use crate::dataset::{SegmentBatch, SegmentedDataset};
use crate::fused_lstm::LstmState;
use crate::model::StudyLstm;

/// Segments per batch. Fewer than the study's 64 windows: each segment is ~500 optimizer steps at ctx 88, and
/// a stand-in gain gives only ~200 training segments, so 16 keeps a dozen batches (and their shuffle) per epoch.
pub const SEGMENTS_PER_BATCH: usize = 16;

/// Hidden-state floats per forward call in validation, where no gradient is kept: a call returns every hidden
/// state of its steps, and output that stays in L2 is cheaper to write and to read back through the Dense layer.
/// Measured on ds340 cells 4 and 11 (Zen 5, 16 segments per batch): 4,410 steps per call validated in 2.2-2.5 s
/// at 64 units and 3.5-3.6 s at 96; 128-512 steps in 2.0-2.1 s and 3.0 s, with the same bits.
const VALIDATION_CHUNK_FLOATS: usize = 1 << 18;

pub struct StreamingRunner<'a> {
    pub data: &'a SegmentedDataset,
    pub batch_size: usize,
    /// Steps between optimizer updates; gradients do not flow further back than this.
    pub truncation: usize,
    /// The plain (non-autodiff) device; training runs on its autodiff twin.
    pub device: Device,
}

fn tensor2(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// The last column of `[batch, steps]` as `[batch, 1]`.
fn last_step(t: &Tensor<2>) -> Tensor<2> {
    let [batch, steps] = t.dims();
    t.clone().slice([0..batch, steps - 1..steps])
}

impl StreamingRunner<'_> {
    /// Runs steps `range` of `batch` without gradients from `state`; returns `[batch, len]` predictions and the
    /// state after them.
    fn run_plain(
        &self,
        model: &StudyLstm,
        batch: &SegmentBatch,
        range: std::ops::Range<usize>,
        state: Option<LstmState>,
    ) -> Result<(Tensor<2>, LstmState), TrainError> {
        let len = range.len();
        let x = Tensor::<3>::from_data(TensorData::new(batch.x_steps(range), [batch.batch, len, batch.inputs]), &self.device);
        let (y, state) = model.forward_sequence(x, state)?;
        Ok((y.reshape([batch.batch, len]), state))
    }

    /// The warm-up: the state and last prediction a stream would have reached when the scored part begins.
    fn warm_up(&self, model: &StudyLstm, batch: &SegmentBatch) -> Result<(Tensor<2>, LstmState), TrainError> {
        let (y, state) = self.run_plain(model, batch, 0..batch.warmup, None)?;
        Ok((last_step(&y), state))
    }
}

/// Moves a tensor computed without gradients onto `device` as a constant.
fn onto(t: Tensor<2>, device: &Device) -> Result<Tensor<2>, TrainError> {
    let [rows, cols] = t.dims();
    Ok(tensor2(values(t)?, rows, cols, device))
}

impl EpochRunner for StreamingRunner<'_> {
    fn batches_per_epoch(&self) -> usize {
        self.data.train().len().div_ceil(self.batch_size)
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
        for segments in self.data.train_batches(self.batch_size, epoch_seed) {
            let batch = self.data.batch(&segments);
            let rows = batch.batch;
            let (warm_prediction, warm_state) = self.warm_up(&model.valid(), &batch)?;
            let mut state =
                LstmState { hidden: onto(warm_state.hidden, &device)?, cell: onto(warm_state.cell, &device)? };
            let mut prediction_before = onto(warm_prediction, &device)?;
            let mut target_before = tensor2(batch.wet_before.clone(), rows, 1, &device);
            let power = SignalPower::of(&batch.y, &batch.wet_before, batch.scored());

            let mut start = 0;
            while start < batch.scored() {
                let len = self.truncation.min(batch.scored() - start);
                let steps = batch.warmup + start..batch.warmup + start + len;
                let x = Tensor::<3>::from_data(TensorData::new(batch.x_steps(steps), [rows, len, batch.inputs]), &device);
                let target_values = batch.y_steps(start..start + len);
                let target = tensor2(target_values.clone(), rows, len, &device);

                let (prediction, next) = model.forward_sequence(x, Some(state))?;
                let prediction = prediction.reshape([rows, len]);
                let loss = streaming_loss(prediction.clone(), target.clone(), prediction_before, target_before, power);
                let loss_value = loss.clone().into_scalar::<f32>();
                metrics.add_batch(loss_value, &target_values, &values(prediction.clone().detach())?);
                let grads = GradientsParams::from_grads(loss.backward(), &model);
                model = optimizer.step(learning_rate, model, grads);

                // Truncation: the state goes on, its history is cut.
                state = LstmState { hidden: next.hidden.detach(), cell: next.cell.detach() };
                prediction_before = last_step(&prediction).detach();
                target_before = last_step(&target);
                start += len;
            }
            progress.inc(1);
        }
        Ok((model, metrics))
    }

    /// Each validation segment streamed whole after its warm-up; the loss is taken over the whole segment.
    fn validate(&self, model: &StudyLstm) -> Result<EpochMetrics, TrainError> {
        let mut metrics = EpochMetrics::default();
        for segments in self.data.validation_batches(self.batch_size) {
            let batch = self.data.batch(&segments);
            let (prediction_before, mut state) = self.warm_up(model, &batch)?;
            let chunk = (VALIDATION_CHUNK_FLOATS / (batch.batch * model.hidden_size())).max(64);
            let mut pieces = Vec::new();
            let mut step = batch.warmup;
            while step < batch.steps {
                let end = (step + chunk).min(batch.steps);
                let (y, next) = self.run_plain(model, &batch, step..end, Some(state))?;
                pieces.push(y);
                state = next;
                step = end;
            }
            let prediction = Tensor::cat(pieces, 1);
            let target = tensor2(batch.y.clone(), batch.batch, batch.scored(), &self.device);
            let target_before = tensor2(batch.wet_before.clone(), batch.batch, 1, &self.device);
            let power = SignalPower::of(&batch.y, &batch.wet_before, batch.scored());
            let loss = streaming_loss(prediction.clone(), target, prediction_before, target_before, power)
                .into_scalar::<f32>();
            metrics.add_batch(loss, &batch.y, &values(prediction)?);
        }
        Ok(metrics)
    }
}
