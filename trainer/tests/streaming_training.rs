//! Streaming (stateful) training learns a circuit with memory: a one-pole low-pass into a tanh clipper. A
//! window-free, carried-state model has to use its state to get the low-pass right, so a falling validation loss
//! here shows that warm-up, carried state, truncated BPTT and the pre-emphasised loss work together.

use blackbox_trainer::dataset::{SegmentConfig, SegmentSource, SegmentedDataset};
use blackbox_trainer::model::StudyLstmConfig;
use blackbox_trainer::training::{
    EpochMetrics, EpochRunner, FitConfig, LrSchedule, SignalPower, StreamingRunner, fit, streaming_loss,
    training_device,
};
use burn::tensor::{Tensor, TensorData};
use indicatif::ProgressBar;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn take(seed: u64, len: usize) -> SegmentSource {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut dry = Vec::with_capacity(len);
    let (mut phase, mut level) = (0.0f32, 0.3f32);
    for n in 0..len {
        if n % 500 == 0 {
            level = rng.random_range(0.05..0.5);
        }
        phase += 0.03 + 0.02 * ((n / 700) % 3) as f32;
        dry.push(level * phase.sin() + 0.02 * rng.random_range(-1.0f32..1.0));
    }
    let mut low = 0.0f32;
    let wet = dry
        .iter()
        .map(|&x| {
            low = 0.8 * low + 0.2 * x;
            (4.0 * low).tanh() * 0.5
        })
        .collect();
    SegmentSource { dry, wet, conditioning: Vec::new() }
}

#[test]
fn streaming_training_learns_a_circuit_with_memory() {
    let sources = vec![take(1, 30_000), take(2, 30_000)];
    let config = SegmentConfig { segment: 2_000, warmup: 200, train_fraction: 0.7, seed: 25 };
    let data = SegmentedDataset::new(sources, &config).unwrap();
    let runner = StreamingRunner { data: &data, batch_size: 8, truncation: 32, device: training_device() };
    let model = StudyLstmConfig { input_size: 1, hidden_size: 8 };
    let untrained = runner.validate(&model.init(7, &training_device())).unwrap().loss();

    let dir = tempfile::tempdir().unwrap();
    let fit_config = FitConfig {
        name: "memory".into(),
        model,
        learning_rate: 1e-2,
        schedule: LrSchedule::Constant,
        max_epochs: 6,
        patience: 15,
        seed: 7,
    };
    let outcome = fit(&runner, &fit_config, &dir.path().join("memory.ckpt"), &ProgressBar::hidden()).unwrap();
    assert!(
        outcome.best_validation_esr < 0.1 * untrained,
        "validation loss {untrained} -> {} after {} epochs",
        outcome.best_validation_esr,
        outcome.epochs_run
    );
    assert_eq!(outcome.weights.input_size, 1);
}

#[test]
fn a_conditioned_dataset_feeds_the_knob_as_a_second_input() {
    let mut low = take(3, 10_000);
    low.conditioning = vec![0.0];
    let mut high = take(4, 10_000);
    high.conditioning = vec![1.0];
    let config = SegmentConfig { segment: 1_000, warmup: 100, train_fraction: 0.5, seed: 25 };
    let data = SegmentedDataset::new(vec![low, high], &config).unwrap();
    assert_eq!(data.inputs(), 2);
    let runner = StreamingRunner { data: &data, batch_size: 4, truncation: 16, device: training_device() };
    let model = StudyLstmConfig { input_size: 2, hidden_size: 4 }.init(1, &training_device());
    let metrics = runner.validate(&model).unwrap();
    assert!(metrics.loss().is_finite());
}

/// Validation streams long segments in several forward calls (to keep each call's hidden states in cache); the
/// loss must be exactly the one a single call over each whole segment gives.
#[test]
fn validation_in_pieces_scores_exactly_as_one_pass() {
    let sources = vec![take(5, 90_000), take(6, 90_000)];
    let config = SegmentConfig { segment: 20_000, warmup: 300, train_fraction: 0.5, seed: 25 };
    let data = SegmentedDataset::new(sources, &config).unwrap();
    let device = training_device();
    let runner = StreamingRunner { data: &data, batch_size: 3, truncation: 32, device: device.clone() };
    let model = StudyLstmConfig { input_size: 1, hidden_size: 16 }.init(3, &device);

    let mut one_pass = EpochMetrics::default();
    for segments in data.validation_batches(runner.batch_size) {
        let batch = data.batch(&segments);
        let (rows, steps, scored) = (batch.batch, batch.steps, batch.scored());
        let x = Tensor::<3>::from_data(TensorData::new(batch.x.clone(), [rows, steps, 1]), &device);
        let (y, _) = model.forward_sequence(x, None).unwrap();
        let y = y.reshape([rows, steps]);
        let prediction = y.clone().slice([0..rows, batch.warmup..steps]);
        let before = y.slice([0..rows, batch.warmup - 1..batch.warmup]);
        let target = Tensor::<2>::from_data(TensorData::new(batch.y.clone(), [rows, scored]), &device);
        let target_before = Tensor::<2>::from_data(TensorData::new(batch.wet_before.clone(), [rows, 1]), &device);
        let power = SignalPower::of(&batch.y, &batch.wet_before, scored);
        let loss = streaming_loss(prediction.clone(), target, before, target_before, power).into_scalar::<f32>();
        let values = prediction.into_data().try_into_vec::<f32>().unwrap();
        one_pass.add_batch(loss, &batch.y, &values);
    }
    let pieces = runner.validate(&model).unwrap();
    assert!(one_pass.loss().is_finite() && one_pass.loss() > 0.0);
    assert_eq!(pieces.loss().to_bits(), one_pass.loss().to_bits(), "{} vs {}", pieces.loss(), one_pass.loss());
    assert_eq!(pieces.mse().to_bits(), one_pass.mse().to_bits());
}
