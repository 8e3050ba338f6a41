//! What the procedural guitarist plays: sections of power chords, palm-muted riffs, single-note lines and
//! pauses, in a random key and tempo, with human timing and dynamics. The study's training clips were metal and
//! rock riffs with leads and silences between them; these sections cover the same textures.

use blackbox_engine::rng::SeededRng;

/// Open-string MIDI notes of standard tuning, low E first.
pub const OPEN_STRINGS: [u8; 6] = [40, 45, 50, 55, 59, 64];

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Articulation {
    Open,
    PalmMuted,
}

/// One string struck at `time` seconds; `release` is when the fretting hand lets go (the string is damped).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoteEvent {
    pub time: f64,
    pub release: f64,
    pub string: usize,
    pub midi: f64,
    pub velocity: f64,
    pub articulation: Articulation,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    PowerChords,
    PalmMutedRiff,
    SingleNoteLine,
    Pause,
}

const MINOR_PENTATONIC: [u8; 5] = [0, 3, 5, 7, 10];
const NATURAL_MINOR: [u8; 7] = [0, 2, 3, 5, 7, 8, 10];

/// The string a note is fretted on: the highest string whose open note is at most the note, within 15 frets.
fn string_for(midi: u8) -> usize {
    (0..6)
        .rev()
        .find(|&s| OPEN_STRINGS[s] <= midi && midi - OPEN_STRINGS[s] <= 15)
        .unwrap_or(0)
}

/// A song of `seconds`: a list of note events in time order.
pub fn compose(rng: &mut SeededRng, seconds: f64) -> Vec<NoteEvent> {
    let bpm = rng.range(90.0, 170.0);
    let beat = 60.0 / bpm;
    let root = 40 + rng.index(8) as u8; // E2 .. B2
    let scale: &[u8] = if rng.chance(0.5) {
        &MINOR_PENTATONIC
    } else {
        &NATURAL_MINOR
    };
    let mut events = Vec::new();
    let mut t = rng.range(0.3, 1.0); // a little noise floor before the first note
    let mut previous = Section::Pause;
    while t < seconds - 0.5 {
        let section = loop {
            let s = match rng.uniform() {
                u if u < 0.3 => Section::PowerChords,
                u if u < 0.6 => Section::PalmMutedRiff,
                u if u < 0.9 => Section::SingleNoteLine,
                _ => Section::Pause,
            };
            if s != previous || s != Section::Pause {
                break s;
            }
        };
        previous = section;
        let bars = 1 + rng.index(3);
        let end = (t + bars as f64 * 4.0 * beat).min(seconds - 0.3);
        match section {
            Section::PowerChords => power_chords(rng, &mut events, t, end, beat, root, scale),
            Section::PalmMutedRiff => palm_muted_riff(rng, &mut events, t, end, beat, root, scale),
            Section::SingleNoteLine => single_note_line(rng, &mut events, t, end, beat, root, scale),
            Section::Pause => {}
        }
        t = if section == Section::Pause {
            t + rng.range(0.6, 2.5)
        } else {
            end
        };
    }
    events.sort_by(|a, b| a.time.total_cmp(&b.time));
    events
}

fn jitter(rng: &mut SeededRng) -> f64 {
    rng.range(-0.006, 0.006)
}

fn degree(scale: &[u8], root: u8, step: i32) -> u8 {
    let n = scale.len() as i32;
    let octave = step.div_euclid(n);
    (i32::from(root) + 12 * octave + i32::from(scale[step.rem_euclid(n) as usize])).clamp(36, 88) as u8
}

/// Root–fifth–octave chords, strummed down with 4–12 ms between strings, held to the next change.
fn power_chords(rng: &mut SeededRng, ev: &mut Vec<NoteEvent>, start: f64, end: f64, beat: f64, root: u8, scale: &[u8]) {
    let mut t = start;
    while t < end - 0.1 {
        let hold = beat * [1.0, 2.0, 2.0, 4.0][rng.index(4)];
        let chord_root = degree(scale, root, rng.index(scale.len()) as i32).min(52);
        let string = string_for(chord_root).min(3);
        let velocity = rng.range(0.18, 0.3);
        let release = (t + hold * rng.range(0.85, 1.0)).min(end);
        let strum = rng.range(0.004, 0.012);
        for (i, interval) in [0u8, 7, 12].iter().enumerate() {
            // Root, fifth and octave on three neighbouring strings, as a guitarist holds the shape.
            let s = string + i;
            let midi = chord_root + interval;
            ev.push(NoteEvent {
                time: t + i as f64 * strum + jitter(rng),
                release,
                string: s,
                midi: f64::from(midi),
                velocity: velocity * rng.range(0.85, 1.0),
                articulation: Articulation::Open,
            });
        }
        t += hold;
    }
}

/// Eighth or sixteenth chugs on the low root with the palm, open accents every so often.
fn palm_muted_riff(
    rng: &mut SeededRng,
    ev: &mut Vec<NoteEvent>,
    start: f64,
    end: f64,
    beat: f64,
    root: u8,
    scale: &[u8],
) {
    let step = if rng.chance(0.5) { beat / 2.0 } else { beat / 4.0 };
    let mut t = start;
    while t < end - 0.05 {
        if rng.chance(0.12) {
            t += step; // a rest in the riff
            continue;
        }
        let accent = rng.chance(0.15);
        let midi = if accent {
            degree(scale, root, rng.index(3) as i32)
        } else {
            root
        };
        let string = string_for(midi).min(1);
        ev.push(NoteEvent {
            time: t + jitter(rng),
            release: t + step * 0.95,
            string,
            midi: f64::from(midi),
            velocity: rng.range(0.15, 0.25) * if accent { 1.2 } else { 1.0 },
            articulation: if accent {
                Articulation::Open
            } else {
                Articulation::PalmMuted
            },
        });
        t += step;
    }
}

/// A melodic line: a random walk on the scale an octave or two above the root, eighths and sixteenths.
fn single_note_line(
    rng: &mut SeededRng,
    ev: &mut Vec<NoteEvent>,
    start: f64,
    end: f64,
    beat: f64,
    root: u8,
    scale: &[u8],
) {
    let mut step_index = scale.len() as i32 + rng.index(scale.len()) as i32;
    let mut t = start;
    while t < end - 0.05 {
        let dur = beat * [0.25, 0.5, 0.5, 1.0, 1.5][rng.index(5)];
        step_index =
            (step_index + [-2, -1, -1, 1, 1, 2][rng.index(6)]).clamp(scale.len() as i32, 3 * scale.len() as i32);
        let midi = degree(scale, root, step_index);
        ev.push(NoteEvent {
            time: t + jitter(rng),
            release: (t + dur * rng.range(0.7, 1.0)).min(end),
            string: string_for(midi),
            midi: f64::from(midi),
            velocity: rng.range(0.12, 0.28),
            articulation: Articulation::Open,
        });
        t += dur;
    }
}
