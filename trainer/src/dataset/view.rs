//! A borrowed run of windows (training or validation) and its shuffled batches.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// The study's batch size.
pub const BATCH_SIZE: usize = 64;

/// Contiguous windows of one [`WindowedDataset`](super::WindowedDataset).
#[derive(Clone, Copy, Debug)]
pub struct WindowView<'a> {
    ctx: usize,
    x: &'a [f32],
    y: &'a [f32],
    starts: &'a [usize],
}

impl<'a> WindowView<'a> {
    pub(super) fn new(ctx: usize, x: &'a [f32], y: &'a [f32], starts: &'a [usize]) -> Self {
        debug_assert_eq!(x.len(), y.len() * ctx);
        WindowView { ctx, x, y, starts }
    }

    pub fn ctx(&self) -> usize {
        self.ctx
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Row-major `[window][step]` inputs.
    pub fn x(&self) -> &'a [f32] {
        self.x
    }

    pub fn y(&self) -> &'a [f32] {
        self.y
    }

    /// Input and target of window `i`.
    pub fn window(&self, i: usize) -> (&'a [f32], f32) {
        (&self.x[i * self.ctx..(i + 1) * self.ctx], self.y[i])
    }

    /// Where window `i` starts in the gain's concatenated recording.
    pub fn start(&self, i: usize) -> usize {
        self.starts[i]
    }

    /// One epoch of batches in an order drawn from `epoch_seed` (ChaCha8, Fisher-Yates). Like Keras's
    /// `fit(shuffle=True)`, every window appears once and the last batch may be smaller.
    pub fn batches(&self, batch_size: usize, epoch_seed: u64) -> Batches<'a> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(epoch_seed));
        Batches { view: *self, order, batch_size: batch_size.max(1), next: 0 }
    }

    /// Batches in stored order, for evaluating validation loss the same way every epoch.
    pub fn batches_in_order(&self, batch_size: usize) -> Batches<'a> {
        Batches { view: *self, order: (0..self.len()).collect(), batch_size: batch_size.max(1), next: 0 }
    }
}

/// Gathered windows, ready to become a `[len, ctx, 1]` input tensor and a `[len, 1]` target.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// Iterator over one epoch's batches.
#[derive(Clone, Debug)]
pub struct Batches<'a> {
    view: WindowView<'a>,
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
}

impl Iterator for Batches<'_> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        let rows = self.order.get(self.next..(self.next + self.batch_size).min(self.order.len()))?;
        if rows.is_empty() {
            return None;
        }
        self.next += rows.len();
        let ctx = self.view.ctx;
        let mut batch = Batch { x: Vec::with_capacity(rows.len() * ctx), y: Vec::with_capacity(rows.len()) };
        for &row in rows {
            let (x, y) = self.view.window(row);
            batch.x.extend_from_slice(x);
            batch.y.push(y);
        }
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let batches = (self.order.len() - self.next).div_ceil(self.batch_size);
        (batches, Some(batches))
    }
}

impl ExactSizeIterator for Batches<'_> {}
