//! What follows the model at the host rate: DC blocker -> tone stack (optional) -> cabinet IR (optional).
//!
//! The tone stack and the cabinet fade in and out when switched, and a new cabinet crossfades over the old one,
//! so no switch clicks. All ramps are shared by the channels, so a stereo image never shifts. Everything is
//! sized at construction; [`PostStage::process`] never allocates.

use blackbox_engine::tone::{DcBlocker, ToneSettings, ToneStack};

use crate::cabinet::Cabinet;
use crate::chain::CHUNK;
use crate::rack::MAX_CHANNELS;

/// Switching the tone stack or the cabinet on or off fades over this many host samples.
const SWITCH_FADE: usize = 256;
/// A new cabinet crossfades over the old one in this many host samples.
const CABINET_FADE: usize = 1_024;
/// The tone stack is retuned this often within a chunk, gliding between the chunk's start and end settings.
const TONE_STEP: usize = 64;

/// The post stage's settings for one chunk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PostControls {
    /// `None` when the tone stack is switched off.
    pub tone: Option<ToneSettings>,
    pub cabinet: bool,
}

/// A fade position from 0 to `length` samples, moving toward on or off.
#[derive(Clone, Copy, Debug)]
struct Fade {
    position: usize,
    length: usize,
}

impl Fade {
    fn weight_after(self, on: bool, i: usize) -> f32 {
        let p = if on { (self.position + i + 1).min(self.length) } else { self.position.saturating_sub(i + 1) };
        p as f32 / self.length as f32
    }

    fn advance(&mut self, on: bool, n: usize) {
        self.position = if on { (self.position + n).min(self.length) } else { self.position.saturating_sub(n) };
    }

    fn is_off(self) -> bool {
        self.position == 0
    }
}

pub struct PostStage {
    dc: Vec<DcBlocker>,
    tone: Vec<ToneStack>,
    tone_settings: ToneSettings,
    tone_fade: Fade,
    cabinet_fade: Fade,
    cabinet: Option<Box<Cabinet>>,
    outgoing: Option<Box<Cabinet>>,
    /// Samples into the crossfade from `outgoing` to `cabinet`.
    crossfade: usize,
    wet: Vec<f32>,
    old: Vec<f32>,
}

impl PostStage {
    pub fn new(sample_rate: f32, cabinet: Option<Box<Cabinet>>) -> Self {
        PostStage {
            dc: (0..MAX_CHANNELS).map(|_| DcBlocker::new(sample_rate)).collect(),
            tone: (0..MAX_CHANNELS).map(|_| ToneStack::new(sample_rate)).collect(),
            tone_settings: ToneSettings::default(),
            tone_fade: Fade { position: 0, length: SWITCH_FADE },
            cabinet_fade: Fade { position: 0, length: SWITCH_FADE },
            cabinet,
            outgoing: None,
            crossfade: CABINET_FADE,
            wet: vec![0.0; CHUNK],
            old: vec![0.0; CHUNK],
        }
    }

    /// Forgets all audio; switched stages start fully on or off as the controls say.
    pub fn reset(&mut self, controls: PostControls) {
        self.dc.iter_mut().for_each(DcBlocker::reset);
        self.tone.iter_mut().for_each(ToneStack::reset);
        if let Some(settings) = controls.tone {
            self.tone_settings = settings;
            self.tone.iter_mut().for_each(|t| t.set(settings));
        }
        self.tone_fade.position = if controls.tone.is_some() { SWITCH_FADE } else { 0 };
        self.cabinet_fade.position = if controls.cabinet { SWITCH_FADE } else { 0 };
        if let Some(cabinet) = &mut self.cabinet {
            cabinet.reset();
        }
        self.crossfade = CABINET_FADE;
    }

    /// True while a cabinet crossfade is running; a new cabinet must wait.
    pub fn cabinet_busy(&self) -> bool {
        self.outgoing.is_some()
    }

    /// Starts the crossfade to `cabinet` and returns the cabinet that finished fading out, if any, for the
    /// caller to send off the audio thread. Call only when [`PostStage::cabinet_busy`] is false.
    pub fn install_cabinet(&mut self, mut cabinet: Box<Cabinet>) -> Option<Box<Cabinet>> {
        cabinet.reset();
        let previous = self.cabinet.replace(cabinet);
        if self.cabinet_fade.is_off() {
            // Nothing is heard from the cabinet: no crossfade needed.
            return previous;
        }
        self.crossfade = 0;
        let finished = self.outgoing.take();
        self.outgoing = previous;
        finished
    }

    /// A cabinet whose crossfade has ended, for the caller to send off the audio thread.
    pub fn take_finished(&mut self) -> Option<Box<Cabinet>> {
        if self.crossfade >= CABINET_FADE { self.outgoing.take() } else { None }
    }

    /// Processes `n` samples of each channel in place.
    pub fn process(&mut self, io: &mut [&mut [f32]], n: usize, controls: PostControls) {
        let n = n.min(CHUNK);
        let tone_on = controls.tone.is_some();
        let tone_target = controls.tone.unwrap_or(self.tone_settings);
        let tone_active = tone_on || !self.tone_fade.is_off();
        let cabinet_active = self.cabinet.is_some() && (controls.cabinet || !self.cabinet_fade.is_off());
        if self.tone_fade.is_off() && tone_on {
            // Switching on from silence: start from clean filter state at the requested settings.
            self.tone.iter_mut().for_each(|t| {
                t.reset();
                t.set(tone_target);
            });
            self.tone_settings = tone_target;
        }
        if self.cabinet_fade.is_off()
            && controls.cabinet
            && let Some(cabinet) = &mut self.cabinet
        {
            cabinet.reset();
        }

        for (c, samples) in io.iter_mut().enumerate().take(MAX_CHANNELS) {
            let samples = &mut samples[..n];
            self.dc[c].process(samples);
            if tone_active {
                self.run_tone(c, samples, tone_on, tone_target);
            }
            if cabinet_active {
                self.run_cabinet(c, samples, controls.cabinet);
            }
        }

        if tone_active {
            self.tone_settings = tone_target;
        }
        self.tone_fade.advance(tone_on, n);
        self.cabinet_fade.advance(controls.cabinet, n);
        if self.outgoing.is_some() {
            self.crossfade = (self.crossfade + n).min(CABINET_FADE);
        }
    }

    fn run_tone(&mut self, channel: usize, samples: &mut [f32], on: bool, target: ToneSettings) {
        let n = samples.len();
        let wet = &mut self.wet[..n];
        wet.copy_from_slice(samples);
        let start = self.tone_settings;
        let tone = &mut self.tone[channel];
        for (step, block) in wet.chunks_mut(TONE_STEP).enumerate() {
            let t = ((step + 1) * TONE_STEP).min(n) as f32 / n as f32;
            let lerp = |a: f32, b: f32| a + t * (b - a);
            tone.set(ToneSettings {
                bass_db: lerp(start.bass_db, target.bass_db),
                mid_db: lerp(start.mid_db, target.mid_db),
                treble_db: lerp(start.treble_db, target.treble_db),
            });
            tone.process(block);
        }
        blend(samples, wet, self.tone_fade, on);
    }

    fn run_cabinet(&mut self, channel: usize, samples: &mut [f32], on: bool) {
        let n = samples.len();
        let Some(cabinet) = self.cabinet.as_mut() else {
            return;
        };
        let wet = &mut self.wet[..n];
        wet.copy_from_slice(samples);
        if let Some(convolver) = cabinet.convolvers.get_mut(channel) {
            convolver.process(wet);
        }
        if let Some(outgoing) = self.outgoing.as_mut() {
            let old = &mut self.old[..n];
            old.copy_from_slice(samples);
            if let Some(convolver) = outgoing.convolvers.get_mut(channel) {
                convolver.process(old);
            }
            for (i, (w, o)) in wet.iter_mut().zip(old.iter()).enumerate() {
                let t = ((self.crossfade + i + 1).min(CABINET_FADE)) as f32 / CABINET_FADE as f32;
                *w = *o + t * (*w - *o);
            }
        }
        blend(samples, wet, self.cabinet_fade, on);
    }
}

/// samples = samples + weight * (wet - samples), the weight following the fade.
fn blend(samples: &mut [f32], wet: &[f32], fade: Fade, on: bool) {
    if on && fade.position == fade.length {
        samples.copy_from_slice(wet);
        return;
    }
    for (i, (x, w)) in samples.iter_mut().zip(wet).enumerate() {
        let weight = fade.weight_after(on, i);
        *x += weight * (*w - *x);
    }
}

#[cfg(test)]
mod tests {
    use blackbox_engine::cabinet::ImpulseResponse;

    use super::*;

    const RATE: f32 = 48_000.0;

    fn signal(n: usize) -> Vec<f32> {
        (0..n).map(|i| (i as f32 * 0.031).sin() * 0.5 + (i as f32 * 0.0021).sin() * 0.3).collect()
    }

    fn run(stage: &mut PostStage, input: &[f32], controls: impl Fn(usize) -> PostControls, block: usize) -> Vec<f32> {
        let mut out = input.to_vec();
        for (i, chunk) in out.chunks_mut(block).enumerate() {
            let n = chunk.len();
            stage.process(&mut [chunk], n, controls(i * block));
        }
        out
    }

    fn designed() -> Box<Cabinet> {
        Cabinet::build(&ImpulseResponse::designed(RATE as u32).unwrap(), RATE as u32).unwrap()
    }

    #[test]
    fn with_the_tone_on_from_reset_it_equals_the_dc_blocker_then_the_engines_tone_stack() {
        let tone = ToneSettings { bass_db: 4.0, mid_db: -3.0, treble_db: 2.0 };
        let controls = PostControls { tone: Some(tone), cabinet: false };
        let mut stage = PostStage::new(RATE, None);
        stage.reset(controls);
        let input = signal(5_000);
        let got = run(&mut stage, &input, |_| controls, 300);
        let mut want = input.clone();
        DcBlocker::new(RATE).process(&mut want);
        let mut stack = ToneStack::new(RATE);
        stack.set(tone);
        stack.process(&mut want);
        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-6, "worst difference {worst}");
    }

    #[test]
    fn switching_the_cabinet_or_the_tone_fades_instead_of_stepping() {
        let mut stage = PostStage::new(RATE, Some(designed()));
        let off = PostControls { tone: None, cabinet: false };
        stage.reset(off);
        let input = signal(20_000);
        let tone = Some(ToneSettings { bass_db: 12.0, mid_db: 0.0, treble_db: -12.0 });
        // Cabinet on at 4,000, tone on at 8,000, both off at 12,000.
        let got = run(
            &mut stage,
            &input,
            |at| match at {
                0..4_000 => off,
                4_000..8_000 => PostControls { tone: None, cabinet: true },
                8_000..12_000 => PostControls { tone, cabinet: true },
                _ => off,
            },
            100,
        );
        let largest_step = got.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        let signal_step = input.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        assert!(largest_step < 3.0 * signal_step, "a switch stepped by {largest_step} (signal steps {signal_step})");
        assert!((got[3_999] - input[3_999]).abs() > 0.0 || got[4_500] != input[4_500], "the cabinet did nothing");
    }

    #[test]
    fn a_new_cabinet_crossfades_over_the_old_and_the_old_comes_back_for_freeing() {
        let mut stage = PostStage::new(RATE, Some(designed()));
        let on = PostControls { tone: None, cabinet: true };
        stage.reset(on);
        let input = signal(6_000);
        let mut out = input.clone();
        stage.process(&mut [&mut out[..1_000]], 1_000, on);
        let mut impulse = vec![0.0f32; 64];
        impulse[0] = 0.5;
        let replacement = Cabinet::build(
            &ImpulseResponse::from_samples(impulse, RATE as u32, blackbox_engine::cabinet::IrSource::Designed).unwrap(),
            RATE as u32,
        )
        .unwrap();
        assert!(!stage.cabinet_busy());
        assert!(stage.install_cabinet(replacement).is_none());
        assert!(stage.cabinet_busy());
        for start in (1_000..6_000).step_by(500) {
            stage.process(&mut [&mut out[start..start + 500]], 500, on);
            if start >= 1_000 + CABINET_FADE {
                break;
            }
        }
        assert!(stage.take_finished().is_some(), "the old cabinet was not released after its fade");
        assert!(!stage.cabinet_busy());
        let largest_step = out[..3_000].windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        let signal_step = input.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        assert!(largest_step < 3.0 * signal_step, "the swap stepped by {largest_step}");
    }
}
