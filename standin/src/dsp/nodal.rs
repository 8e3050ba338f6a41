//! Test support: a small complex nodal-analysis solver, so that the circuits' transfer functions (typed from
//! their derivations) are checked against the schematic itself, solved independently at one frequency.

use num_complex::Complex64;

/// Node index; `Ground` and `Source` (the driving voltage, 1 V) are known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node {
    Ground,
    Source,
    Free(usize),
}

pub struct Network {
    y: Vec<Vec<Complex64>>,
    rhs: Vec<Complex64>,
}

impl Network {
    pub fn new(free_nodes: usize) -> Self {
        Self {
            y: vec![vec![Complex64::new(0.0, 0.0); free_nodes]; free_nodes],
            rhs: vec![Complex64::new(0.0, 0.0); free_nodes],
        }
    }

    /// An admittance between two nodes.
    pub fn admittance(&mut self, a: Node, b: Node, y: Complex64) {
        let known = |n: Node| match n {
            Node::Ground => Some(Complex64::new(0.0, 0.0)),
            Node::Source => Some(Complex64::new(1.0, 0.0)),
            Node::Free(_) => None,
        };
        for (p, q) in [(a, b), (b, a)] {
            if let Node::Free(i) = p {
                self.y[i][i] += y;
                match q {
                    Node::Free(j) => self.y[i][j] -= y,
                    other => self.rhs[i] += y * known(other).unwrap_or_default(),
                }
            }
        }
    }

    pub fn resistor(&mut self, a: Node, b: Node, ohms: f64) {
        self.admittance(a, b, Complex64::new(1.0 / ohms, 0.0));
    }

    pub fn capacitor(&mut self, a: Node, b: Node, farads: f64, hz: f64) {
        self.admittance(a, b, Complex64::new(0.0, std::f64::consts::TAU * hz * farads));
    }

    /// Replaces node `row`'s current equation by `V_row = V_other` (an ideal op-amp's virtual short) — the
    /// equation of the node whose current the op-amp output supplies is the one dropped.
    pub fn replace_equation(&mut self, row: usize, coefficients: &[(usize, Complex64)], rhs: Complex64) {
        self.y[row].iter_mut().for_each(|v| *v = Complex64::new(0.0, 0.0));
        for &(j, c) in coefficients {
            self.y[row][j] += c;
        }
        self.rhs[row] = rhs;
    }

    /// Gaussian elimination with partial pivoting.
    pub fn solve(mut self) -> Vec<Complex64> {
        let n = self.rhs.len();
        for col in 0..n {
            let pivot = (col..n)
                .max_by(|&a, &b| self.y[a][col].norm().total_cmp(&self.y[b][col].norm()))
                .unwrap_or(col);
            self.y.swap(col, pivot);
            self.rhs.swap(col, pivot);
            for row in col + 1..n {
                let f = self.y[row][col] / self.y[col][col];
                for k in col..n {
                    let v = self.y[col][k];
                    self.y[row][k] -= f * v;
                }
                let r = self.rhs[col];
                self.rhs[row] -= f * r;
            }
        }
        let mut x = vec![Complex64::new(0.0, 0.0); n];
        for row in (0..n).rev() {
            let s: Complex64 = (row + 1..n).map(|k| self.y[row][k] * x[k]).sum();
            x[row] = (self.rhs[row] - s) / self.y[row][row];
        }
        x
    }
}
