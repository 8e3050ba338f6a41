//! BlackBox's built-in cabinet: a designed response, not a measurement.
//!
//! No freely licensed measured IR was at hand, so the default is an impulse run through a cascade of filters
//! with the broad shape of a closed-back 1x12 / 4x12 guitar cabinet with a British-voiced speaker: a low-end
//! roll-off below 75 Hz with the box resonance near 110 Hz, a shallow scoop around 500 Hz, a presence rise at
//! 2.4 kHz with cone break-up near 4 kHz, and a steep fall above 5 kHz (fourth order, then a second low-pass at
//! 8 kHz) that takes away the fizz of a preamp played straight into monitors. It is built at the host's own rate,
//! so it is never resampled. Everything that shows it calls it "designed".

use biquad::{Biquad, Coefficients, DirectForm2Transposed, Type};

use super::CabinetError;

/// Length of the designed response; every section has decayed below -100 dB well before it ends.
const LENGTH_SECONDS: f64 = 0.06;

/// (type, centre or corner in Hz, Q) of each section, in the order the impulse runs through them.
const SECTIONS: [(Type<f32>, f32, f32); 8] = [
    (Type::HighPass, 75.0, 0.9),
    (Type::PeakingEQ(3.0), 110.0, 1.2),
    (Type::PeakingEQ(-3.0), 500.0, 1.0),
    (Type::PeakingEQ(4.0), 2_400.0, 1.5),
    (Type::PeakingEQ(2.0), 4_000.0, 3.0),
    // A fourth-order Butterworth low-pass as two sections (Q of its pole pairs).
    (Type::LowPass, 5_200.0, 0.541),
    (Type::LowPass, 5_200.0, 1.307),
    (Type::LowPass, 8_000.0, 0.707),
];

/// The designed response at `sample_rate`. Sections above 45 % of the rate are left out (they would act on
/// nothing a low rate can carry).
pub fn cabinet_response(sample_rate: u32) -> Result<Vec<f32>, CabinetError> {
    if !(8_000..=768_000).contains(&sample_rate) {
        return Err(CabinetError::Rate(sample_rate));
    }
    let nyquist = sample_rate as f32 / 2.0;
    let mut filters = Vec::with_capacity(SECTIONS.len());
    for (kind, hz, q) in SECTIONS {
        if hz >= 0.9 * nyquist {
            continue;
        }
        let coefficients = Coefficients::<f32>::from_normalized_params(kind, hz / nyquist, q)
            .map_err(|_| CabinetError::Rate(sample_rate))?;
        filters.push(DirectForm2Transposed::<f32>::new(coefficients));
    }
    let length = (LENGTH_SECONDS * f64::from(sample_rate)).round() as usize;
    let mut response = vec![0.0f32; length];
    response[0] = 1.0;
    for filter in &mut filters {
        for x in response.iter_mut() {
            *x = filter.run(*x);
        }
    }
    Ok(response)
}
