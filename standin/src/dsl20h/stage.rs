//! One common-cathode 12AX7 gain stage with its input coupling network, solved sample by sample.
//!
//! ```text
//!   k·v_s ──Rs──┤Cc├──┬── grid            plate ──Rp── B+
//!                    Rleak                 cathode ──Rk ∥ Ck── ground
//! ```
//!
//! The input network (previous plate, coupling capacitor, divider or Gain pot, grid stopper) is reduced to its
//! Thevenin equivalent at the grid: a mid-band ratio `k`, the resistance the grid sees, and the coupling corner.
//! Capacitors are replaced by trapezoidal-rule companions (Yeh 2009, ch. 2), so each sample is a resistive
//! network with two nonlinear elements:
//!
//! * Grid: `(k v_s − h_c − v_g)/R_t = v_g/R_leak + I_g(v_g − v_k)` with `R_t = Rs + T/(2Cc)`. In `u = v_gk`
//!   this is `u + R_∥ I_g(u) = w`, `w = R_∥ (k v_s − h_c)/R_t − v_k`: `u = φ(w)`, a monotone function of one
//!   variable, tabulated per stage.
//! * Plate: `V_pk + R_p I_p(u, V_pk) = B+ − v_k`: `V_pk = h(u, B+ − v_k)`, tabulated in `u` at the quiescent
//!   cathode voltage with its first-order correction in `B+ − v_k` (the cathode moves a volt or two; the
//!   curvature in that direction is negligible — the tests compare with the exact solve).
//! * Cathode: `Ck dv_k/dt = I_p + I_g − v_k/Rk`, trapezoidal, with the cathode current of this sample taken at
//!   the previous `v_k`. The bypassed cathode's fastest time constant `Ck/(g_m + 1/Rk)` is ≥ 0.4 ms, more than
//!   a hundred samples at the oversampled rate, so the one-sample lag is harmless and stable.
//!
//! The exact path (`process_exact`) solves the same equations by safeguarded Newton; it builds the tables and
//! checks them.

use super::table::{HermitePairTable, TwoScaleTable};
use super::triode::Triode12ax7;

/// Grid leak used when reducing an interstage network to its Thevenin form.
const GRID_LEAK: f64 = 1e6;
const MAX_NEWTON_STEPS: usize = 100;

/// The network between the previous stage (or the input jack) and this stage's grid, as seen by the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InterstageNetwork {
    /// Mid-band voltage ratio from the source to the grid.
    pub ratio: f64,
    /// Source resistance seen by the grid, ohms.
    pub grid_source_resistance: f64,
    /// High-pass corner of the coupling capacitor with the network's resistances, Hz.
    pub corner_hz: f64,
}

/// Component values of one stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StageParams {
    pub supply_volts: f64,
    pub plate_resistor: f64,
    pub cathode_resistor: f64,
    pub cathode_capacitor: f64,
    pub input: InterstageNetwork,
}

#[derive(Debug, Clone)]
pub struct TriodeStage {
    params: StageParams,
    /// Thevenin form: k·v_s through Rs and Cc into Rleak.
    k: f64,
    rs: f64,
    rleak: f64,
    r_cap: f64,
    r_parallel: f64,
    // Reciprocals and ratios precomputed: the per-sample step has no division.
    inv_r_total: f64,
    parallel_over_total: f64,
    inv_rleak: f64,
    inv_plate_resistor: f64,
    /// Trapezoidal cathode update `v_k ← v_k·decay + gain·(i_k + i_k,prev)`.
    cathode_decay: f64,
    cathode_gain: f64,
    quiescent_supply: f64,
    grid_table: TwoScaleTable,
    /// Plate voltage and its sensitivity to the supply, against v_gk.
    plate_table: HermitePairTable,
    // State.
    v_cap: f64,
    i_cap: f64,
    v_k: f64,
    i_k: f64,
    /// Quiescent plate voltage (for initialising the next stage and removing DC downstream) and grid bias.
    quiescent_plate: f64,
    quiescent_vgk: f64,
}

/// Solves `u + r·I_g(u) = w` for `u` (safeguarded Newton; the left side is strictly increasing).
fn solve_grid(w: f64, r: f64) -> f64 {
    let (ig_w, _) = Triode12ax7::grid_current(w);
    let (mut lo, mut hi) = (w - r * ig_w, w);
    let mut u = (w - r * Triode12ax7::GRID_CURRENT_FLOOR).max(lo).min(hi); // max/min: no panic on NaN
    for _ in 0..MAX_NEWTON_STEPS {
        let (ig, dig) = Triode12ax7::grid_current(u);
        let g = u + r * ig - w;
        if g > 0.0 {
            hi = u
        } else {
            lo = u
        }
        let mut next = u - g / (1.0 + r * dig);
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - u).abs() < 1e-12 * (1.0 + u.abs()) || hi - lo < 1e-12;
        u = next;
        if done {
            break;
        }
    }
    u
}

/// Solves `V_pk + Rp·I_p(u, V_pk) = supply` for `V_pk` in `[0, supply]`.
fn solve_plate(u: f64, supply: f64, rp: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, supply.max(0.0));
    let mut v = 0.5 * (lo + hi);
    for _ in 0..MAX_NEWTON_STEPS {
        let g = v + rp * Triode12ax7::plate_current(u, v) - supply;
        if g > 0.0 {
            hi = v
        } else {
            lo = v
        }
        let dv = 1e-6 * (1.0 + v.abs());
        let slope =
            1.0 + rp * (Triode12ax7::plate_current(u, v + dv) - Triode12ax7::plate_current(u, v - dv)) / (2.0 * dv);
        let mut next = v - g / slope;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - v).abs() < 1e-10 || hi - lo < 1e-10;
        v = next;
        if done {
            break;
        }
    }
    v
}

impl TriodeStage {
    /// A stage at `sample_rate`, settled at its DC operating point for a source sitting at `source_dc` volts.
    pub fn new(params: StageParams, sample_rate: f64, source_dc: f64) -> Self {
        let net = params.input;
        let rth = net.grid_source_resistance;
        let rleak = if rth < 0.5 * GRID_LEAK { GRID_LEAK } else { 4.0 * rth };
        let rs = rth * rleak / (rleak - rth);
        let k = net.ratio * (rs + rleak) / rleak;
        let cc = 1.0 / (std::f64::consts::TAU * net.corner_hz * (rs + rleak));
        let t = 1.0 / sample_rate;
        let r_cap = t / (2.0 * cc);
        let r_total = rs + r_cap;
        let r_parallel = r_total * rleak / (r_total + rleak);

        // DC operating point: no capacitor current, v_k = Rk (I_p + I_g); F(v_k) is increasing, so bisect.
        let rp = params.plate_resistor;
        let cathode_current = |v_k: f64| {
            let u = solve_grid(-v_k, rleak);
            let vpk = solve_plate(u, params.supply_volts - v_k, rp);
            (
                u,
                vpk,
                (params.supply_volts - v_k - vpk) / rp + Triode12ax7::grid_current(u).0,
            )
        };
        let (mut lo, mut hi) = (0.0, 0.25 * params.supply_volts);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if mid - params.cathode_resistor * cathode_current(mid).2 > 0.0 {
                hi = mid
            } else {
                lo = mid
            }
        }
        let v_k = 0.5 * (lo + hi);
        let (u_dc, vpk_dc, i_k) = cathode_current(v_k);
        let quiescent_supply = params.supply_volts - v_k;

        let grid_table = TwoScaleTable::build(8.0, 1.0 / 256.0, 400.0, 1.0 / 8.0, |w| {
            let u = solve_grid(w, r_parallel);
            let (_, dig) = Triode12ax7::grid_current(u);
            (u, 1.0 / (1.0 + r_parallel * dig))
        });
        let du = 1e-4;
        let dvs = 0.5;
        let plate = |u: f64| solve_plate(u, quiescent_supply, rp);
        let plate_slope = |u: f64| {
            (solve_plate(u, quiescent_supply + dvs, rp) - solve_plate(u, quiescent_supply - dvs, rp)) / (2.0 * dvs)
        };
        let plate_table = HermitePairTable::build(-12.0, 6.0, 1.0 / 256.0, |u| {
            [
                plate(u),
                (plate(u + du) - plate(u - du)) / (2.0 * du),
                plate_slope(u),
                (plate_slope(u + du) - plate_slope(u - du)) / (2.0 * du),
            ]
        });
        let t_over_2ck = t / (2.0 * params.cathode_capacitor);
        let a = t_over_2ck / params.cathode_resistor;

        Self {
            params,
            k,
            rs,
            rleak,
            r_cap,
            r_parallel,
            inv_r_total: 1.0 / r_total,
            parallel_over_total: r_parallel / r_total,
            inv_rleak: 1.0 / rleak,
            inv_plate_resistor: 1.0 / rp,
            cathode_decay: (1.0 - a) / (1.0 + a),
            cathode_gain: t_over_2ck / (1.0 + a),
            quiescent_supply,
            grid_table,
            plate_table,
            v_cap: k * source_dc - (u_dc + v_k),
            i_cap: 0.0,
            v_k,
            i_k,
            quiescent_plate: vpk_dc + v_k,
            quiescent_vgk: u_dc,
        }
    }

    pub fn params(&self) -> StageParams {
        self.params
    }

    /// Plate voltage at rest.
    pub fn quiescent_plate(&self) -> f64 {
        self.quiescent_plate
    }

    /// Grid-to-cathode voltage at rest: −(cathode bias) less the grid-leak drop of the grid's contact current.
    pub fn quiescent_vgk(&self) -> f64 {
        self.quiescent_vgk
    }

    /// Cathode voltage now (at rest: the bias).
    pub fn cathode_voltage(&self) -> f64 {
        self.v_k
    }

    /// Small-signal mid-band gain from the source voltage to the plate, from the tube's g_m and r_p at the
    /// operating point with the cathode fully bypassed: `−k · R_leak/(R_s + R_leak) · μ R_p / (R_p + r_p)`.
    pub fn small_signal_gain(&self) -> f64 {
        let vpk = self.quiescent_plate - self.v_k;
        let u = self.quiescent_vgk;
        let d = 1e-4;
        let gm = (Triode12ax7::plate_current(u + d, vpk) - Triode12ax7::plate_current(u - d, vpk)) / (2.0 * d);
        let gp = (Triode12ax7::plate_current(u, vpk + d) - Triode12ax7::plate_current(u, vpk - d)) / (2.0 * d);
        let rp = self.params.plate_resistor;
        -self.k * self.rleak / (self.rs + self.rleak) * gm * rp / (1.0 + gp * rp)
    }

    #[inline]
    fn advance(&mut self, v_source: f64, exact: bool) -> f64 {
        let history = self.v_cap + self.r_cap * self.i_cap;
        let drive = self.k * v_source - history;
        let w = self.parallel_over_total * drive - self.v_k;
        let u = if exact {
            solve_grid(w, self.r_parallel)
        } else {
            self.grid_table.eval(w)
        };
        let v_g = u + self.v_k;
        self.i_cap = (drive - v_g) * self.inv_r_total;
        self.v_cap = history + self.r_cap * self.i_cap;

        let supply = self.params.supply_volts - self.v_k;
        let vpk = if exact {
            solve_plate(u, supply, self.params.plate_resistor)
        } else if u < -12.0 {
            supply // cut off: no plate current
        } else {
            let (plate, sensitivity) = self.plate_table.eval(u);
            plate + sensitivity * (supply - self.quiescent_supply)
        };
        let i_p = ((supply - vpk) * self.inv_plate_resistor).max(0.0);
        // Grid current from the grid node's balance, which the solve satisfied: no second evaluation of I_g.
        let i_g = self.i_cap - v_g * self.inv_rleak;
        let i_k = i_p + i_g;
        let v_plate = vpk + self.v_k;
        self.v_k = self.v_k * self.cathode_decay + self.cathode_gain * (i_k + self.i_k);
        self.i_k = i_k;
        v_plate
    }

    /// One sample from the tables: plate voltage (absolute) for source voltage `v_source` (absolute).
    #[inline]
    pub fn process(&mut self, v_source: f64) -> f64 {
        self.advance(v_source, false)
    }

    /// One sample by Newton solves of the same equations (reference for the tables).
    pub fn process_exact(&mut self, v_source: f64) -> f64 {
        self.advance(v_source, true)
    }
}
