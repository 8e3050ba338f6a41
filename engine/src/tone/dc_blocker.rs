/// Corner of the DC blocker: below the lowest note of a drop-tuned bass (31 Hz) by more than an octave, so it
/// takes nothing audible.
pub const DC_CORNER_HZ: f32 = 10.0;

/// A first-order high-pass, y[n] = x[n] - x[n-1] + r y[n-1]; allocation-free.
#[derive(Clone, Debug)]
pub struct DcBlocker {
    r: f32,
    x1: f32,
    y1: f32,
}

impl DcBlocker {
    pub fn new(sample_rate: f32) -> Self {
        let r = (-2.0 * std::f32::consts::PI * DC_CORNER_HZ / sample_rate.max(1.0)).exp();
        DcBlocker { r, x1: 0.0, y1: 0.0 }
    }

    pub fn reset(&mut self) {
        self.x1 = 0.0;
        self.y1 = 0.0;
    }

    pub fn process(&mut self, samples: &mut [f32]) {
        for x in samples {
            let y = *x - self.x1 + self.r * self.y1;
            self.x1 = *x;
            // A denormal tail after the input stops would slow everything downstream.
            self.y1 = if y.abs() < 1e-20 { 0.0 } else { y };
            *x = self.y1;
        }
    }
}
