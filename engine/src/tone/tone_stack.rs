use biquad::{Biquad, Coefficients, DirectForm2Transposed, Type};

/// Corner of the bass shelf, centre of the mid band and corner of the treble shelf, placed where a guitar amp's
/// tone controls act: the low strings' body, the midrange honk, and the pick attack and fizz.
pub const BASS_HZ: f32 = 120.0;
pub const MID_HZ: f32 = 800.0;
pub const TREBLE_HZ: f32 = 3_200.0;
/// Each band cuts or boosts by at most this much.
pub const MAX_BOOST_DB: f32 = 12.0;
const SHELF_Q: f32 = 0.707;
const MID_Q: f32 = 0.8;
/// Coefficients are recomputed when a band moves by more than this.
const RETUNE_DB: f32 = 0.01;

/// Band gains in dB, each within +-[`MAX_BOOST_DB`]; all zero is flat.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ToneSettings {
    pub bass_db: f32,
    pub mid_db: f32,
    pub treble_db: f32,
}

/// Bass shelf, mid peak and treble shelf in series; allocation-free, retunable on the audio thread.
#[derive(Clone, Debug)]
pub struct ToneStack {
    sample_rate: f32,
    settings: ToneSettings,
    bands: [DirectForm2Transposed<f32>; 3],
}

impl ToneStack {
    pub fn new(sample_rate: f32) -> Self {
        let settings = ToneSettings::default();
        let bands = band_coefficients(sample_rate, settings).map(DirectForm2Transposed::<f32>::new);
        ToneStack { sample_rate, settings, bands }
    }

    pub fn settings(&self) -> ToneSettings {
        self.settings
    }

    /// Retunes when a band has moved; out-of-range gains are clamped, non-finite ones ignored.
    pub fn set(&mut self, settings: ToneSettings) {
        let clamp = |db: f32, old: f32| {
            if db.is_finite() { db.clamp(-MAX_BOOST_DB, MAX_BOOST_DB) } else { old }
        };
        let next = ToneSettings {
            bass_db: clamp(settings.bass_db, self.settings.bass_db),
            mid_db: clamp(settings.mid_db, self.settings.mid_db),
            treble_db: clamp(settings.treble_db, self.settings.treble_db),
        };
        let moved = (next.bass_db - self.settings.bass_db).abs() > RETUNE_DB
            || (next.mid_db - self.settings.mid_db).abs() > RETUNE_DB
            || (next.treble_db - self.settings.treble_db).abs() > RETUNE_DB;
        if moved {
            self.settings = next;
            for (band, c) in self.bands.iter_mut().zip(band_coefficients(self.sample_rate, next)) {
                band.update_coefficients(c);
            }
        }
    }

    pub fn reset(&mut self) {
        self.bands.iter_mut().for_each(Biquad::reset_state);
    }

    pub fn process(&mut self, samples: &mut [f32]) {
        for x in samples {
            let mut y = *x;
            for band in &mut self.bands {
                y = band.run(y);
            }
            *x = y;
        }
    }
}

/// The three bands' coefficients; a band whose frequency a low rate cannot carry is left flat.
fn band_coefficients(sample_rate: f32, s: ToneSettings) -> [Coefficients<f32>; 3] {
    let nyquist = sample_rate / 2.0;
    let design =
        |kind: Type<f32>, hz: f32, q: f32| Coefficients::from_normalized_params(kind, hz / nyquist, q).unwrap_or(FLAT);
    [
        design(Type::LowShelf(s.bass_db), BASS_HZ, SHELF_Q),
        design(Type::PeakingEQ(s.mid_db), MID_HZ, MID_Q),
        design(Type::HighShelf(s.treble_db), TREBLE_HZ, SHELF_Q),
    ]
}

const FLAT: Coefficients<f32> = Coefficients { a1: 0.0, a2: 0.0, b0: 1.0, b1: 0.0, b2: 0.0 };
