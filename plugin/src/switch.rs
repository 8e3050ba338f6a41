//! Click-free model switching: the incoming model is warmed up on the live input, then crossfaded in.
//!
//! An LSTM started from zero state needs some tens of milliseconds of input before its output settles (the
//! cell state integrates slowly), so crossfading straight to a freshly reset model fades in a transient. The
//! incoming model therefore runs silently beside the playing one for [`WARMUP_SAMPLES`] on the same input, and
//! only then fades in. Running it alongside, rather than replaying a history buffer in one go, spreads the
//! warm-up cost evenly over the blocks instead of spending ~2,000 LSTM steps inside a single callback.

use crate::rack::Slot;

/// 46 ms at 44.1 kHz: long enough for the study's models to forget a zero initial state.
pub const WARMUP_SAMPLES: usize = 2048;
/// 5.8 ms at 44.1 kHz: short enough to feel instant, long enough to be inaudible as a click.
pub const FADE_SAMPLES: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Steady,
    Warming { left: usize },
    Fading { done: usize },
}

/// Which slots run during a block; `incoming_weight` (filled by [`ModelSwitch::next_block`]) says how much of
/// the incoming one is heard at each sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockPlan {
    pub active: Slot,
    pub incoming: Option<Slot>,
}

#[derive(Debug)]
pub struct ModelSwitch {
    active: Slot,
    incoming: Slot,
    phase: Phase,
    warmup: usize,
    fade: usize,
}

impl ModelSwitch {
    pub fn new(warmup: usize, fade: usize) -> Self {
        ModelSwitch { active: Slot::Dry, incoming: Slot::Dry, phase: Phase::Steady, warmup, fade: fade.max(1) }
    }

    /// Starts playing `slot` at once, without a transition (activation, reset, recovery from bad input).
    pub fn jump_to(&mut self, slot: Slot) {
        self.active = slot;
        self.phase = Phase::Steady;
    }

    pub fn active(&self) -> Slot {
        self.active
    }

    /// The slots in use, which must not be replaced under the switch.
    pub fn busy(&self) -> [Option<Slot>; 2] {
        [Some(self.active), (self.phase != Phase::Steady).then_some(self.incoming)]
    }

    pub fn in_transition(&self) -> bool {
        self.phase != Phase::Steady
    }

    /// Asks for `target` to play. Returns the slot the caller must reset before the next block because it starts
    /// warming up now. A fade in progress always completes first, so the output never jumps back.
    pub fn request(&mut self, target: Slot) -> Option<Slot> {
        match self.phase {
            Phase::Fading { .. } => None,
            Phase::Warming { .. } if target == self.incoming => None,
            _ if target == self.active => {
                // Changing one's mind during the silent warm-up costs nothing: it is just abandoned.
                self.phase = Phase::Steady;
                None
            }
            _ => {
                self.incoming = target;
                // The dry path has no state to warm.
                let left = if target == Slot::Dry { 0 } else { self.warmup };
                self.phase = Phase::Warming { left };
                (target != Slot::Dry).then_some(target)
            }
        }
    }

    /// Plans the next `incoming_weight.len()` samples and advances the transition past them.
    pub fn next_block(&mut self, incoming_weight: &mut [f32]) -> BlockPlan {
        let plan = BlockPlan { active: self.active, incoming: (self.phase != Phase::Steady).then_some(self.incoming) };
        for weight in incoming_weight.iter_mut() {
            *weight = match self.phase {
                Phase::Steady => 0.0,
                Phase::Warming { left: 0 } => {
                    self.phase = Phase::Fading { done: 0 };
                    self.fade_weight(0)
                }
                Phase::Warming { left } => {
                    self.phase = Phase::Warming { left: left - 1 };
                    0.0
                }
                Phase::Fading { done } if done + 1 >= self.fade => {
                    self.active = self.incoming;
                    self.phase = Phase::Steady;
                    1.0
                }
                Phase::Fading { done } => {
                    self.phase = Phase::Fading { done: done + 1 };
                    self.fade_weight(done + 1)
                }
            };
        }
        // Once the fade has ended inside this block, the incoming model is the one heard for the rest of it.
        if plan.incoming.is_some() && self.phase == Phase::Steady {
            let mut seen_one = false;
            for weight in incoming_weight.iter_mut() {
                seen_one |= *weight >= 1.0;
                if seen_one {
                    *weight = 1.0;
                }
            }
        }
        plan
    }

    /// Raised-cosine weight: the two models' outputs are strongly correlated, so equal-gain (not equal-power)
    /// fading keeps the level constant, and the smooth ends avoid a slope discontinuity.
    fn fade_weight(&self, done: usize) -> f32 {
        let x = done as f32 / self.fade as f32;
        0.5 - 0.5 * (std::f32::consts::PI * x).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(switch: &mut ModelSwitch, samples: usize, block: usize) -> Vec<(BlockPlan, Vec<f32>)> {
        let mut out = Vec::new();
        let mut left = samples;
        while left > 0 {
            let n = block.min(left);
            let mut w = vec![0.0; n];
            let plan = switch.next_block(&mut w);
            out.push((plan, w));
            left -= n;
        }
        out
    }

    #[test]
    fn a_switch_warms_silently_then_fades_monotonically_and_lands_on_the_target() {
        for block in [1, 7, 64, 4096] {
            let mut switch = ModelSwitch::new(100, 50);
            switch.jump_to(Slot::Embedded(0));
            assert_eq!(switch.request(Slot::Embedded(3)), Some(Slot::Embedded(3)));
            let blocks = run(&mut switch, 400, block);
            // How much of the target is heard at each sample: the incoming weight during a transition, and all
            // or nothing once the switch is steady.
            let target = Slot::Embedded(3);
            let weights: Vec<f32> = blocks
                .iter()
                .flat_map(|(plan, w)| {
                    let steady = if plan.active == target { 1.0 } else { 0.0 };
                    w.iter().map(move |&w| if plan.incoming.is_some() { w } else { steady })
                })
                .collect();
            assert!(weights[..100].iter().all(|&w| w == 0.0), "block {block}: heard during warm-up");
            assert!(weights.windows(2).all(|p| p[1] >= p[0]), "block {block}: fade not monotone");
            let steps = weights.windows(2).map(|p| p[1] - p[0]).fold(0.0f32, f32::max);
            assert!(steps < 0.05, "block {block}: fade step {steps} is a jump");
            assert!(weights[160..].iter().all(|&w| w == 1.0), "block {block}: fade did not finish");
            assert_eq!(switch.active(), Slot::Embedded(3));
            assert!(!switch.in_transition());
        }
    }

    #[test]
    fn a_fade_in_progress_finishes_before_the_next_switch_starts() {
        let mut switch = ModelSwitch::new(10, 20);
        switch.jump_to(Slot::Embedded(0));
        switch.request(Slot::Embedded(1));
        run(&mut switch, 15, 15); // now fading
        assert_eq!(switch.request(Slot::Embedded(2)), None);
        run(&mut switch, 30, 30);
        assert_eq!(switch.active(), Slot::Embedded(1));
        assert_eq!(switch.request(Slot::Embedded(2)), Some(Slot::Embedded(2)));
    }

    #[test]
    fn returning_to_the_playing_model_during_warm_up_cancels_the_switch() {
        let mut switch = ModelSwitch::new(100, 20);
        switch.jump_to(Slot::Embedded(0));
        switch.request(Slot::Embedded(1));
        run(&mut switch, 10, 10);
        assert_eq!(switch.request(Slot::Embedded(0)), None);
        assert!(!switch.in_transition());
        let blocks = run(&mut switch, 200, 64);
        assert!(blocks.iter().all(|(plan, w)| plan.incoming.is_none() && w.iter().all(|&x| x == 0.0)));
    }

    #[test]
    fn fading_to_dry_needs_no_warm_up() {
        let mut switch = ModelSwitch::new(100, 20);
        switch.jump_to(Slot::Embedded(0));
        assert_eq!(switch.request(Slot::Dry), None);
        let blocks = run(&mut switch, 30, 30);
        assert!(blocks[0].1[0] >= 0.0 && blocks[0].1[5] > 0.0);
        assert_eq!(switch.active(), Slot::Dry);
    }
}
