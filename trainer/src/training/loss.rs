use burn::tensor::Tensor;

/// Guards ESR's denominator against an all-silent batch. The study's Keras epsilon (1e-50) underflows to zero in
/// f32; 1e-10 is far below any batch with audible signal (64 samples at -100 dBFS sum to ~6e-9).
pub const ESR_EPSILON: f32 = 1e-10;

/// The study's loss: the error-to-signal ratio of a batch, `sum((y - p)^2) / (sum(y^2) + eps)`.
pub fn esr_loss<const D: usize>(prediction: Tensor<D>, target: Tensor<D>) -> Tensor<1> {
    let error = (target.clone() - prediction).square().sum();
    error / (target.square().sum() + ESR_EPSILON)
}

/// The pre-emphasis filter of streaming training's loss, H(z) = 1 - 0.85 z^-1 (Wright et al. 2020): it weights
/// the error towards the upper harmonics, where distortion is heard, instead of the loud low fundamentals.
pub const PRE_EMPHASIS: f32 = 0.85;

/// `x[n] - 0.85 x[n-1]` along the steps of `[batch, steps]`, with `before` `[batch, 1]` as each row's `x[-1]`.
pub fn pre_emphasis(signal: Tensor<2>, before: Tensor<2>) -> Tensor<2> {
    let [batch, steps] = signal.dims();
    let full = Tensor::cat(vec![before, signal], 1);
    full.clone().slice([0..batch, 1..steps + 1]) - full.slice([0..batch, 0..steps]) * PRE_EMPHASIS
}

/// The signal powers streaming training's loss divides by, measured over a whole batch of segments rather than
/// over one truncation chunk: a chunk of 88 samples can fall between two notes, and dividing by its near-silence
/// would turn a tiny error into a huge loss and gradient. Summed over a segment's chunks, the loss is then the
/// segment's own pre-emphasised ESR and DC term.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SignalPower {
    /// Mean square of the pre-emphasised target.
    pub pre_emphasised: f32,
    /// Mean square of the target.
    pub plain: f32,
}

impl SignalPower {
    /// Of `target` (rows of `steps` samples), each row preceded by its entry in `before`.
    pub fn of(target: &[f32], before: &[f32], steps: usize) -> Self {
        let (mut pre, mut plain) = (0.0f64, 0.0f64);
        for (row, &first_before) in target.chunks(steps.max(1)).zip(before) {
            let mut previous = f64::from(first_before);
            for &y in row {
                let y = f64::from(y);
                pre += (y - f64::from(PRE_EMPHASIS) * previous).powi(2);
                plain += y * y;
                previous = y;
            }
        }
        let n = target.len().max(1) as f64;
        SignalPower { pre_emphasised: (pre / n) as f32, plain: (plain / n) as f32 }
    }
}

/// Streaming training's loss on `[batch, steps]`: ESR of the pre-emphasised signals plus a DC term,
/// `mean(y - p)^2 / mean(y^2)`, which the high-pass pre-emphasis cannot see, both divided by `power` (see
/// [`SignalPower`]). `*_before` are each row's previous sample, `[batch, 1]`, so that chunks of a stream are
/// filtered as one signal.
pub fn streaming_loss(
    prediction: Tensor<2>,
    target: Tensor<2>,
    prediction_before: Tensor<2>,
    target_before: Tensor<2>,
    power: SignalPower,
) -> Tensor<1> {
    let error = target.clone() - prediction.clone();
    let dc = error.mean().square() / (power.plain + ESR_EPSILON);
    let pre_error = pre_emphasis(target, target_before) - pre_emphasis(prediction, prediction_before);
    let esr = pre_error.square().mean() / (power.pre_emphasised + ESR_EPSILON);
    esr + dc
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
    fn pre_emphasis_filters_across_the_chunk_boundary() {
        let device = Device::flex();
        let signal = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 2.0, 3.0, 0.0], [2, 2]), &device);
        let before = Tensor::<2>::from_data(TensorData::new(vec![10.0f32, -1.0], [2, 1]), &device);
        let out = pre_emphasis(signal, before).into_data().try_into_vec::<f32>().unwrap();
        let expected = [1.0 - 8.5, 2.0 - 0.85, 3.0 + 0.85, 0.0 - 2.55];
        assert!(out.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-5), "{out:?}");
    }

    #[test]
    fn streaming_loss_sees_a_dc_offset_that_pre_emphasis_alone_almost_hides() {
        let device = Device::flex();
        let target: Vec<f32> = (0..64).map(|i| (i as f32).sin()).collect();
        let shifted: Vec<f32> = target.iter().map(|v| v + 0.2).collect();
        let power = SignalPower::of(&target, &[0.0], 64);
        let t = Tensor::<2>::from_data(TensorData::new(target.clone(), [1, 64]), &device);
        let p = Tensor::<2>::from_data(TensorData::new(shifted, [1, 64]), &device);
        let before = |v: f32| Tensor::<2>::from_data(TensorData::new(vec![v], [1, 1]), &device);
        let loss = streaming_loss(p.clone(), t.clone(), before(0.2), before(0.0), power).into_scalar::<f32>();
        let esr_only =
            esr_loss(pre_emphasis(p, before(0.2)), pre_emphasis(t, before(0.0))).into_scalar::<f32>();
        assert!(esr_only < 0.01, "pre-emphasised ESR of an offset: {esr_only}");
        assert!(loss > 0.07, "the DC term must charge the offset (0.04 / 0.5): {loss}");
        let perfect = Tensor::<2>::from_data(TensorData::new(target, [1, 64]), &device);
        let zero = streaming_loss(perfect.clone(), perfect, before(0.0), before(0.0), power).into_scalar::<f32>();
        assert!(zero.abs() < 1e-9);
    }

    #[test]
    fn with_the_whole_signal_as_power_the_loss_is_the_pre_emphasised_esr() {
        let device = Device::flex();
        let target: Vec<f32> = (0..32).map(|i| (i as f32 * 0.7).cos() * 0.5).collect();
        let prediction: Vec<f32> = target.iter().enumerate().map(|(i, v)| v * 0.9 + (i % 3) as f32 * 0.01).collect();
        let power = SignalPower::of(&target, &[0.1, 0.1], 16);
        let t = Tensor::<2>::from_data(TensorData::new(target, [2, 16]), &device);
        let p = Tensor::<2>::from_data(TensorData::new(prediction, [2, 16]), &device);
        let before = |v: f32| Tensor::<2>::from_data(TensorData::new(vec![v, v], [2, 1]), &device);
        let loss = streaming_loss(p.clone(), t.clone(), before(0.1), before(0.1), power).into_scalar::<f32>();
        let dc = (t.clone() - p.clone()).mean().square().into_scalar::<f32>() / t.clone().square().mean().into_scalar::<f32>();
        let esr = esr_loss(pre_emphasis(p, before(0.1)), pre_emphasis(t, before(0.1))).into_scalar::<f32>();
        assert!((loss - (esr + dc)).abs() < 1e-5, "{loss} vs {esr} + {dc}");
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
