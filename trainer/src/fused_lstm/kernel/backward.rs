//! Backpropagation through time: per step one product `dZ_{t+1} R^T` with the gate derivatives done on its
//! register tile; the weight gradients wait for [`super::weight_grad`], one product over all steps.

use super::super::LstmShape;
use super::forward::Tape;
use super::layout::{GATES, Layout};
use blackbox_engine::simd::Simd;

/// Batch rows per register tile.
const ROWS: usize = 6;
/// Hidden-unit vectors per register tile: 6 x 4 = 24 accumulators, as in the forward tile.
const VECTORS: usize = 4;

/// What the backward recurrence hands on: the gradients of the initial state.
pub(crate) struct StateGrads {
    /// `[batch, hp]`: `dL/dh0`, present when asked for.
    pub h0: Option<Vec<f32>>,
    /// `[batch, hp]`: `dL/dc0`.
    pub c0: Vec<f32>,
}

struct BackPointers {
    /// `dL/dh_t` from outside the recurrence (`[batch][hp]`), or null.
    dh_external: *const f32,
    /// `dZ_{t+1}` (`[batch][4 hp]`), or null at the last step.
    dz_next: *const f32,
    recurrent_t: *const f32,
    /// Gates of step t, overwritten with `dZ_t`.
    gates: *mut f32,
    cell_tanh: *const f32,
    /// `c_{t-1}`.
    cells_prev: *const f32,
    /// `dL/dc_t` on entry, `dL/dc_{t-1}` on exit.
    dc: *mut f32,
    /// When not null, the tile stores `dh` here (`[batch][hp]`) instead of running the gate derivatives: the
    /// gradient of `h0` after step 0.
    dh_out: *mut f32,
}

/// Runs the recurrence backwards. `dh_external(t)` is the padded `[batch][hp]` gradient reaching `h_t` from
/// outside (the outputs), `dc` holds `dL/dc_T` (padded) on entry. Afterwards `tape.gates` holds `dZ_t` for
/// every step; `after_step(t, tape)` runs as soon as `dZ_t` is written.
#[inline(always)]
pub(crate) fn run<'e, S: Simd>(
    s: S,
    tape: &mut Tape,
    dh_external: impl Fn(usize) -> Option<&'e [f32]>,
    mut dc: Vec<f32>,
    want_h0: bool,
    mut after_step: impl FnMut(usize, &Tape),
) -> StateGrads {
    let layout = tape.layout;
    let LstmShape { batch, steps, .. } = layout.shape;
    assert!(tape.recording, "the backward pass needs a recorded forward pass");
    assert_eq!(S::LANES, layout.lanes, "the layout was built for another vector width");
    let state_len = batch * layout.hp;
    let dz_len = batch * layout.gate_cols();
    assert_eq!(dc.len(), state_len, "cell gradient length");
    assert_eq!(tape.gates.len(), steps * dz_len, "gate tape length");
    assert_eq!(tape.cells.len(), (steps + 1) * state_len, "cell tape length");
    assert_eq!(tape.cell_tanh.len(), steps * state_len, "cell tanh tape length");
    assert_eq!(tape.weights.recurrent_t.len(), layout.gate_cols() * layout.hp, "recurrent weights length");
    for t in (0..steps).rev() {
        let gates_base = tape.gates.as_mut_ptr();
        let external = dh_external(t);
        if let Some(dh) = external {
            assert_eq!(dh.len(), state_len, "external hidden gradient length");
        }
        // SAFETY: offsets are within the lengths checked above; dZ_{t+1} (read) and the gates of step t
        // (overwritten) are different slots.
        let p = unsafe {
            BackPointers {
                dh_external: external.map_or(std::ptr::null(), <[f32]>::as_ptr),
                dz_next: if t + 1 < steps { gates_base.add((t + 1) * dz_len).cast_const() } else { std::ptr::null() },
                recurrent_t: tape.weights.recurrent_t.as_ptr(),
                gates: gates_base.add(t * dz_len),
                cell_tanh: tape.cell_tanh.as_ptr().add(t * state_len),
                cells_prev: tape.cells.as_ptr().add(t * state_len),
                dc: dc.as_mut_ptr(),
                dh_out: std::ptr::null_mut(),
            }
        };
        sweep(s, &layout, &p);
        after_step(t, tape);
    }
    let h0 = want_h0.then(|| {
        let mut dh0 = vec![0.0f32; state_len];
        if steps > 0 {
            let p = BackPointers {
                dh_external: std::ptr::null(),
                dz_next: tape.gates.as_ptr(),
                recurrent_t: tape.weights.recurrent_t.as_ptr(),
                gates: std::ptr::null_mut(),
                cell_tanh: std::ptr::null(),
                cells_prev: std::ptr::null(),
                dc: std::ptr::null_mut(),
                dh_out: dh0.as_mut_ptr(),
            };
            sweep(s, &layout, &p);
        }
        dh0
    });
    StateGrads { h0, c0: dc }
}

/// All tiles of one step: full `ROWS x VECTORS` tiles, then the ragged edges.
#[inline(always)]
fn sweep<S: Simd>(s: S, layout: &Layout, p: &BackPointers) {
    let batch = layout.shape.batch;
    let mut block = 0;
    while block < layout.blocks {
        let vectors = (layout.blocks - block).min(VECTORS);
        let mut row = 0;
        while row + ROWS <= batch {
            tile_rows::<S, ROWS>(s, layout, p, block, row, vectors);
            row += ROWS;
        }
        match batch - row {
            0 => {}
            1 => tile_rows::<S, 1>(s, layout, p, block, row, vectors),
            2 => tile_rows::<S, 2>(s, layout, p, block, row, vectors),
            3 => tile_rows::<S, 3>(s, layout, p, block, row, vectors),
            4 => tile_rows::<S, 4>(s, layout, p, block, row, vectors),
            _ => tile_rows::<S, 5>(s, layout, p, block, row, vectors),
        }
        block += vectors;
    }
}

#[inline(always)]
fn tile_rows<S: Simd, const R: usize>(
    s: S,
    layout: &Layout,
    p: &BackPointers,
    block: usize,
    row: usize,
    vectors: usize,
) {
    match vectors {
        1 => tile::<S, R, 1>(s, layout, p, block, row),
        2 => tile::<S, R, 2>(s, layout, p, block, row),
        3 => tile::<S, R, 3>(s, layout, p, block, row),
        _ => tile::<S, R, VECTORS>(s, layout, p, block, row),
    }
}

/// Rows `row..row + R`, hidden blocks `block..block + V`: `dh = dh_ext + dZ_{t+1} R^T`, then the gate
/// derivatives of the LSTM cell (see `engine::model::LstmWeights` for the forward equations).
#[inline(always)]
fn tile<S: Simd, const R: usize, const V: usize>(s: S, layout: &Layout, p: &BackPointers, block: usize, row: usize) {
    let lanes = S::LANES;
    let (hp, cols) = (layout.hp, layout.gate_cols());
    let mut acc = [[s.splat(0.0); V]; R];
    // SAFETY: `run` checked every buffer for `batch` rows of the padded layout; `row + R <= batch` and
    // `block + V <= blocks`, so every vector below lies inside its row.
    unsafe {
        if !p.dh_external.is_null() {
            for (r, acc_row) in acc.iter_mut().enumerate() {
                for (v, a) in acc_row.iter_mut().enumerate() {
                    *a = s.load(p.dh_external.add((row + r) * hp + (block + v) * lanes));
                }
            }
        }
        if !p.dz_next.is_null() {
            let dz_rows: [*const f32; R] = std::array::from_fn(|r| p.dz_next.add((row + r) * cols));
            let mut w = p.recurrent_t.add(block * lanes);
            for n in 0..cols {
                let wv: [S::V; V] = std::array::from_fn(|v| s.load(w.add(v * lanes)));
                for r in 0..R {
                    let d = s.splat(*dz_rows[r].add(n));
                    for v in 0..V {
                        acc[r][v] = s.mul_add(d, wv[v], acc[r][v]);
                    }
                }
                w = w.add(hp);
            }
        }
        if !p.dh_out.is_null() {
            for (r, acc_row) in acc.iter().enumerate() {
                for (v, dh) in acc_row.iter().enumerate() {
                    s.store(p.dh_out.add((row + r) * hp + (block + v) * lanes), *dh);
                }
            }
            return;
        }
        let one = s.splat(1.0);
        for (r, acc_row) in acc.iter().enumerate() {
            let b = row + r;
            for (v, &dh) in acc_row.iter().enumerate() {
                let unit = b * hp + (block + v) * lanes;
                let gates = p.gates.add(b * cols + (block + v) * GATES * lanes);
                let i = s.load(gates);
                let f = s.load(gates.add(lanes));
                let g = s.load(gates.add(2 * lanes));
                let o = s.load(gates.add(3 * lanes));
                let tc = s.load(p.cell_tanh.add(unit));
                let c_prev = s.load(p.cells_prev.add(unit));
                let dc_in = s.load(p.dc.add(unit));
                let d_o = s.mul(dh, tc);
                let dc = s.mul_add(s.mul(dh, o), s.sub(one, s.mul(tc, tc)), dc_in);
                let dz_i = s.mul(s.mul(dc, g), s.mul(i, s.sub(one, i)));
                let dz_f = s.mul(s.mul(dc, c_prev), s.mul(f, s.sub(one, f)));
                let dz_g = s.mul(s.mul(dc, i), s.sub(one, s.mul(g, g)));
                let dz_o = s.mul(d_o, s.mul(o, s.sub(one, o)));
                s.store(gates, dz_i);
                s.store(gates.add(lanes), dz_f);
                s.store(gates.add(2 * lanes), dz_g);
                s.store(gates.add(3 * lanes), dz_o);
                s.store(p.dc.add(unit), s.mul(dc, f));
            }
        }
    }
}
