//! The kernel's internal, padded layout of weights and activations.
//!
//! Keras stores gate column `g * H + j` (gates i, f, c, o). The kernel pads `H` to a multiple of the vector
//! width and interleaves the gates per block of `L` hidden units, column `(j / L) * 4L + g * L + j % L`, so
//! that one register tile of a step's product holds all four gates of the same `L` units: the activations and
//! the cell update then run on the accumulators, and the gates never make a round trip through memory.
//!
//! The input, hidden state and bias are one augmented row `[h_{t-1} (padded), 1, x_t]` against one augmented
//! weight matrix `[recurrent; bias; kernel]`, so a step is a single product and the weight gradient of all
//! three is a single product `A^T dZ` over all steps after the recurrence.

use super::super::LstmShape;
use blackbox_engine::simd::Kernel;

/// Gate count of an LSTM, in Keras' order.
pub(crate) const GATES: usize = 4;

/// Sizes of one call in the kernel's padded layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    pub shape: LstmShape,
    /// The instruction set the call runs on; the backward pass runs on the forward pass's.
    pub kernel: Kernel,
    /// Floats per vector of `kernel`.
    pub lanes: usize,
    /// Hidden size padded to a multiple of `lanes`; padded units keep zero weights, so they stay exactly zero.
    pub hp: usize,
    /// `hp / lanes`: blocks of hidden units, each one `4 * lanes`-column panel of the weights.
    pub blocks: usize,
    /// Rows of the augmented weight matrix: `hp` recurrent rows, one bias row, `inputs` kernel rows.
    pub ka: usize,
    /// Row stride of the augmented inputs `[h, 1, x]`.
    pub a_stride: usize,
}

impl Layout {
    pub(crate) fn new(shape: LstmShape, kernel: Kernel) -> Layout {
        let lanes = kernel.lanes();
        let hp = shape.hidden.div_ceil(lanes) * lanes;
        let ka = hp + 1 + shape.inputs;
        Layout { shape, kernel, lanes, hp, blocks: hp / lanes, ka, a_stride: ka.div_ceil(lanes) * lanes }
    }

    /// Columns of a step's gate pre-activations in the padded layout.
    pub(crate) fn gate_cols(&self) -> usize {
        GATES * self.hp
    }

    /// Row of the bias inside the augmented weights and inputs.
    pub(crate) fn bias_row(&self) -> usize {
        self.hp
    }

    /// Row of input feature `i` inside the augmented weights and inputs.
    pub(crate) fn input_row(&self, i: usize) -> usize {
        self.hp + 1 + i
    }

    /// Padded column of Keras' column `g * H + j`.
    pub(crate) fn column(&self, gate: usize, unit: usize) -> usize {
        (unit / self.lanes) * GATES * self.lanes + gate * self.lanes + unit % self.lanes
    }

    /// Index in the panel-major augmented weights (`[blocks][ka][4 * lanes]`) of row `k`, Keras column
    /// `g * H + j`.
    pub(crate) fn panel_index(&self, k: usize, gate: usize, unit: usize) -> usize {
        let lanes = self.lanes;
        ((unit / lanes * self.ka + k) * GATES + gate) * lanes + unit % lanes
    }
}

/// The weights in the kernel's layout, built once per call (a copy of ~40 k floats: noise next to the
/// ~1 GFLOP of a batch).
#[derive(Clone, Debug)]
pub(crate) struct PackedWeights {
    /// `[blocks][ka][4 * lanes]`: the forward product reads one block's panel (25 KB at H = 96), which stays in
    /// L1 while every batch row streams past it.
    pub panels: Vec<f32>,
    /// `recurrent^T` as `[4 hp][hp]`, rows in padded column order: the backward product `dZ R^T` per step.
    pub recurrent_t: Vec<f32>,
    /// Kernel rows `[inputs][4 hp]` in padded column order, for the input gradient.
    pub kernel_rows: Vec<f32>,
}

impl PackedWeights {
    /// Packs Keras-layout weights (`kernel [I, 4H]`, `recurrent [H, 4H]`, `bias [4H]`, row-major).
    pub(crate) fn pack(layout: &Layout, kernel: &[f32], recurrent: &[f32], bias: &[f32]) -> PackedWeights {
        let LstmShape { inputs, hidden, .. } = layout.shape;
        let cols = GATES * hidden;
        let mut panels = vec![0.0f32; layout.blocks * layout.ka * GATES * layout.lanes];
        let mut recurrent_t = vec![0.0f32; layout.gate_cols() * layout.hp];
        let mut kernel_rows = vec![0.0f32; inputs * layout.gate_cols()];
        for gate in 0..GATES {
            for unit in 0..hidden {
                let keras_col = gate * hidden + unit;
                let col = layout.column(gate, unit);
                for k in 0..hidden {
                    let w = recurrent[k * cols + keras_col];
                    panels[layout.panel_index(k, gate, unit)] = w;
                    recurrent_t[col * layout.hp + k] = w;
                }
                panels[layout.panel_index(layout.bias_row(), gate, unit)] = bias[keras_col];
                for i in 0..inputs {
                    let w = kernel[i * cols + keras_col];
                    panels[layout.panel_index(layout.input_row(i), gate, unit)] = w;
                    kernel_rows[i * layout.gate_cols() + col] = w;
                }
            }
        }
        PackedWeights { panels, recurrent_t, kernel_rows }
    }
}

/// Splits a panel-major weight gradient back into Keras' `kernel`, `recurrent` and `bias` gradients.
pub(crate) fn unpack_weight_grads(layout: &Layout, panels: &[f32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let LstmShape { inputs, hidden, .. } = layout.shape;
    let cols = GATES * hidden;
    let mut kernel = vec![0.0f32; inputs * cols];
    let mut recurrent = vec![0.0f32; hidden * cols];
    let mut bias = vec![0.0f32; cols];
    for gate in 0..GATES {
        for unit in 0..hidden {
            let keras_col = gate * hidden + unit;
            for k in 0..hidden {
                recurrent[k * cols + keras_col] = panels[layout.panel_index(k, gate, unit)];
            }
            bias[keras_col] = panels[layout.panel_index(layout.bias_row(), gate, unit)];
            for i in 0..inputs {
                kernel[i * cols + keras_col] = panels[layout.panel_index(layout.input_row(i), gate, unit)];
            }
        }
    }
    (kernel, recurrent, bias)
}
