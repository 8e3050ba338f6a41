//! The forward recurrence: one product `[h, 1, x] W` per step with the activations and the cell update done on
//! the product's register tile.

use super::super::LstmShape;
use super::layout::{GATES, Layout, PackedWeights};
use super::pool;
use blackbox_engine::simd::Simd;
use blackbox_engine::simd::math::{sigmoid, tanh};

/// Batch rows per register tile: 6 rows x 4 gate vectors = 24 accumulators of the 32 AVX-512 registers,
/// leaving room for the 4 weight vectors and a broadcast (measured: 4 rows ran ~10 % slower at H = 96).
pub(crate) const ROWS: usize = 6;

/// Everything the backward pass needs from the forward one, in the kernel's time-major layout (opaque).
///
/// Without recording, only the slots the next step reads are kept (two of each), so inference over long
/// batches needs no memory per step.
#[derive(Clone, Debug)]
pub struct Tape {
    pub(crate) layout: Layout,
    pub(crate) weights: PackedWeights,
    pub(crate) recording: bool,
    /// Augmented inputs `[h_{t-1}, 1, x_t, pad]` per step and batch row; slot `T` holds `h_T`.
    pub(crate) inputs: Vec<f32>,
    /// Activated gates `(i, f, g, o)` per step, padded column order. The backward pass overwrites them with
    /// the gate gradients `dZ`, which the weight gradient then reads.
    pub(crate) gates: Vec<f32>,
    /// Cell states; slot `t` holds `c_{t-1}` (slot 0 is `c0`).
    pub(crate) cells: Vec<f32>,
    /// `tanh(c_t)` per step.
    pub(crate) cell_tanh: Vec<f32>,
}

impl Tape {
    pub(crate) fn new(layout: Layout, weights: PackedWeights, recording: bool) -> Tape {
        let LstmShape { batch, steps, .. } = layout.shape;
        let (state_slots, step_slots) = if recording { (steps + 1, steps) } else { (2, 1) };
        Tape {
            layout,
            weights,
            recording,
            inputs: pool::take(state_slots * batch * layout.a_stride),
            gates: pool::take(step_slots * batch * layout.gate_cols()),
            cells: pool::take(state_slots * batch * layout.hp),
            cell_tanh: pool::take(step_slots * batch * layout.hp),
        }
    }

    /// The sizes of the call that recorded this tape.
    pub fn shape(&self) -> LstmShape {
        self.layout.shape
    }

    /// Slot of a per-state buffer (`inputs`, `cells`) holding state `t` (0 = initial).
    pub(crate) fn state_slot(&self, t: usize) -> usize {
        if self.recording { t } else { t % 2 }
    }

    /// Slot of a per-step buffer (`gates`, `cell_tanh`) for step `t`.
    pub(crate) fn step_slot(&self, t: usize) -> usize {
        if self.recording { t } else { 0 }
    }

    pub(crate) fn inputs_offset(&self, t: usize) -> usize {
        self.state_slot(t) * self.layout.shape.batch * self.layout.a_stride
    }

    pub(crate) fn cells_offset(&self, t: usize) -> usize {
        self.state_slot(t) * self.layout.shape.batch * self.layout.hp
    }

    pub(crate) fn gates_offset(&self, t: usize) -> usize {
        self.step_slot(t) * self.layout.shape.batch * self.layout.gate_cols()
    }

    pub(crate) fn cell_tanh_offset(&self, t: usize) -> usize {
        self.step_slot(t) * self.layout.shape.batch * self.layout.hp
    }
}

impl Drop for Tape {
    fn drop(&mut self) {
        for buffer in [&mut self.inputs, &mut self.gates, &mut self.cells, &mut self.cell_tanh] {
            pool::give(std::mem::take(buffer));
        }
    }
}

/// Runs the recurrence over every step. `x` is `[batch, steps, inputs]`; `h0`/`c0` are `[batch, hidden]`.
/// Calls `each_state(t, tape)` after step `t` so that the caller can copy out hidden states while slots are
/// still live.
#[inline(always)]
pub(crate) fn run<S: Simd>(
    s: S,
    tape: &mut Tape,
    x: &[f32],
    h0: Option<&[f32]>,
    c0: Option<&[f32]>,
    mut each_state: impl FnMut(usize, &Tape),
) {
    let layout = tape.layout;
    let LstmShape { batch, steps, inputs, hidden } = layout.shape;
    assert_eq!(S::LANES, layout.lanes, "the layout was built for another vector width");
    assert_eq!(x.len(), batch * steps * inputs, "input length");
    write_initial_state(tape, h0, c0);
    for t in 0..steps {
        let a_off = tape.inputs_offset(t);
        for b in 0..batch {
            let row = &mut tape.inputs[a_off + b * layout.a_stride..][..layout.a_stride];
            row[layout.bias_row()] = 1.0;
            let src = &x[(b * steps + t) * inputs..][..inputs];
            row[layout.input_row(0)..layout.input_row(0) + inputs].copy_from_slice(src);
        }
        step(s, tape, t);
        each_state(t, tape);
    }
    debug_assert!(hidden <= layout.hp);
}

fn write_initial_state(tape: &mut Tape, h0: Option<&[f32]>, c0: Option<&[f32]>) {
    let layout = tape.layout;
    let LstmShape { batch, hidden, .. } = layout.shape;
    let (a_off, c_off) = (tape.inputs_offset(0), tape.cells_offset(0));
    for b in 0..batch {
        // The padding is written too: recycled buffers hold stale values, and padded units must start at zero.
        let h_row = &mut tape.inputs[a_off + b * layout.a_stride..][..layout.hp];
        h_row.fill(0.0);
        if let Some(h0) = h0 {
            h_row[..hidden].copy_from_slice(&h0[b * hidden..][..hidden]);
        }
        let c_row = &mut tape.cells[c_off + b * layout.hp..][..layout.hp];
        c_row.fill(0.0);
        if let Some(c0) = c0 {
            c_row[..hidden].copy_from_slice(&c0[b * hidden..][..hidden]);
        }
    }
}

/// Raw views of one step's buffers, checked once by [`step`] so that the register tiles can use unchecked
/// vector loads.
struct StepPointers {
    inputs: *const f32,
    next_inputs: *mut f32,
    cells: *const f32,
    next_cells: *mut f32,
    gates: *mut f32,
    cell_tanh: *mut f32,
}

#[inline(always)]
fn step<S: Simd>(s: S, tape: &mut Tape, t: usize) {
    let layout = tape.layout;
    let batch = layout.shape.batch;
    let (a_off, a_next) = (tape.inputs_offset(t), tape.inputs_offset(t + 1));
    let (c_off, c_next) = (tape.cells_offset(t), tape.cells_offset(t + 1));
    let (g_off, tc_off) = (tape.gates_offset(t), tape.cell_tanh_offset(t));
    let a_len = batch * layout.a_stride;
    let c_len = batch * layout.hp;
    assert!(a_off.max(a_next) + a_len <= tape.inputs.len() && a_off != a_next);
    assert!(c_off.max(c_next) + c_len <= tape.cells.len() && c_off != c_next);
    assert!(g_off + batch * layout.gate_cols() <= tape.gates.len());
    assert!(tc_off + c_len <= tape.cell_tanh.len());
    assert_eq!(tape.weights.panels.len(), layout.blocks * layout.ka * GATES * layout.lanes);
    let inputs_base = tape.inputs.as_mut_ptr();
    let cells_base = tape.cells.as_mut_ptr();
    // SAFETY: all offsets were checked against the buffer lengths above; the current and next slots differ, so
    // the reads of step t and the writes of state t + 1 never alias.
    let p = unsafe {
        StepPointers {
            inputs: inputs_base.add(a_off),
            next_inputs: inputs_base.add(a_next),
            cells: cells_base.add(c_off),
            next_cells: cells_base.add(c_next),
            gates: tape.gates.as_mut_ptr().add(g_off),
            cell_tanh: tape.cell_tanh.as_mut_ptr().add(tc_off),
        }
    };
    for block in 0..layout.blocks {
        let panel = &tape.weights.panels[block * layout.ka * GATES * layout.lanes..];
        let mut row = 0;
        while row + ROWS <= batch {
            tile::<S, ROWS>(s, &layout, panel, &p, block, row);
            row += ROWS;
        }
        match batch - row {
            0 => {}
            1 => tile::<S, 1>(s, &layout, panel, &p, block, row),
            2 => tile::<S, 2>(s, &layout, panel, &p, block, row),
            3 => tile::<S, 3>(s, &layout, panel, &p, block, row),
            4 => tile::<S, 4>(s, &layout, panel, &p, block, row),
            _ => tile::<S, 5>(s, &layout, panel, &p, block, row),
        }
    }
}

/// Rows `row..row + R` of block `block`: the product, then activations and the cell update in registers.
#[inline(always)]
fn tile<S: Simd, const R: usize>(s: S, layout: &Layout, panel: &[f32], p: &StepPointers, block: usize, row: usize) {
    let lanes = S::LANES;
    let width = GATES * lanes;
    debug_assert!(panel.len() >= layout.ka * width && row + R <= layout.shape.batch);
    let mut acc = [[s.splat(0.0); GATES]; R];
    // SAFETY: `step` checked every buffer for `batch` rows; `row + R <= batch` and the panel holds `ka` rows of
    // `4 * lanes` floats.
    unsafe {
        let a_rows: [*const f32; R] = std::array::from_fn(|r| p.inputs.add((row + r) * layout.a_stride));
        let mut w = panel.as_ptr();
        for k in 0..layout.ka {
            let wv: [S::V; GATES] = std::array::from_fn(|g| s.load(w.add(g * lanes)));
            for r in 0..R {
                let a = s.splat(*a_rows[r].add(k));
                for g in 0..GATES {
                    acc[r][g] = s.mul_add(a, wv[g], acc[r][g]);
                }
            }
            w = w.add(width);
        }
        for (r, z) in acc.iter().enumerate() {
            let b = row + r;
            let i = sigmoid(s, z[0]);
            let f = sigmoid(s, z[1]);
            let g = tanh(s, z[2]);
            let o = sigmoid(s, z[3]);
            let unit = b * layout.hp + block * lanes;
            let c_prev = s.load(p.cells.add(unit));
            let c = s.mul_add(f, c_prev, s.mul(i, g));
            let tc = tanh(s, c);
            let h = s.mul(o, tc);
            let gates = p.gates.add(b * layout.gate_cols() + block * width);
            s.store(gates, i);
            s.store(gates.add(lanes), f);
            s.store(gates.add(2 * lanes), g);
            s.store(gates.add(3 * lanes), o);
            s.store(p.next_cells.add(unit), c);
            s.store(p.cell_tanh.add(unit), tc);
            s.store(p.next_inputs.add(b * layout.a_stride + block * lanes), h);
        }
    }
}
