use burn::tensor::Tensor;

/// Guards ESR's denominator against an all-silent batch. The study's Keras epsilon (1e-50) underflows to zero in
/// f32; 1e-10 is far below any batch with audible signal (64 samples at -100 dBFS sum to ~6e-9).
pub const ESR_EPSILON: f32 = 1e-10;

/// The study's loss: the error-to-signal ratio of a batch, `sum((y - p)^2) / (sum(y^2) + eps)`.
pub fn esr_loss<const D: usize>(prediction: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    let error = (target.clone() - prediction).square().sum();
    error / (target.square().sum() + ESR_EPSILON)
}

/// Per-epoch figures, accumulated batch by batch the way Keras reports them: the loss is the mean of the
/// per-batch losses weighted by batch size, MSE and MAE are means over all samples.
#[derive(Clone, Copy, Debug, Default)]
pub struct EpochMetrics {
    loss_sum: f64,
    abs_sum: f64,
    sq_sum: f64,
    samples: usize,
}

impl EpochMetrics {
    pub fn add_batch(&mut self, batch_loss: f32, target: &[f32], prediction: &[f32]) {
        self.loss_sum += f64::from(batch_loss) * target.len() as f64;
        for (t, p) in target.iter().zip(prediction) {
            let e = f64::from(*t) - f64::from(*p);
            self.abs_sum += e.abs();
            self.sq_sum += e * e;
        }
        self.samples += target.len();
    }

    fn mean(&self, sum: f64) -> f32 {
        if self.samples == 0 { f32::NAN } else { (sum / self.samples as f64) as f32 }
    }

    pub fn loss(&self) -> f32 {
        self.mean(self.loss_sum)
    }

    pub fn mse(&self) -> f32 {
        self.mean(self.sq_sum)
    }

    pub fn mae(&self) -> f32 {
        self.mean(self.abs_sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    #[test]
    fn esr_is_error_energy_over_signal_energy() {
        let device = Device::flex();
        let target = Tensor::<1>::from_data(TensorData::new(vec![1.0f32, -2.0, 0.5], [3]), &device);
        let prediction = Tensor::<1>::from_data(TensorData::new(vec![0.5f32, -2.0, 0.0], [3]), &device);
        let esr = esr_loss(prediction, target).into_scalar::<f32>();
        assert!((esr - 0.5 / 5.25).abs() < 1e-6, "{esr}");
    }

    #[test]
    fn a_silent_batch_gives_a_finite_loss() {
        let device = Device::flex();
        let zeros = Tensor::<1>::from_data(TensorData::new(vec![0.0f32; 4], [4]), &device);
        let esr = esr_loss(zeros.clone() + 1e-3, zeros).into_scalar::<f32>();
        assert!(esr.is_finite() && esr > 0.0);
    }

    #[test]
    fn epoch_metrics_weight_batches_by_size() {
        let mut metrics = EpochMetrics::default();
        metrics.add_batch(1.0, &[0.0; 3], &[1.0; 3]);
        metrics.add_batch(0.0, &[0.0], &[-1.0]);
        assert!((metrics.loss() - 0.75).abs() < 1e-6);
        assert!((metrics.mae() - 1.0).abs() < 1e-6);
        assert!((metrics.mse() - 1.0).abs() < 1e-6);
    }
}
