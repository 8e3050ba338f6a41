//! Potentiometer tapers: the knob rotation a player sets, turned into the resistance the circuit sees.

/// Audio ("A", log) taper: the track is an exponential, `r(θ) = (b^θ − 1)/(b − 1)` with `b = 81`, which gives the
/// usual datasheet figure of 10 % of the resistance at half rotation, 2.5 % at 9:00 (θ = 0.25) and 32.5 % at 3:00
/// (θ = 0.75). A real carbon track is two or three linear segments approximating this curve.
pub fn audio_taper(rotation: f64) -> f64 {
    const B: f64 = 81.0;
    let theta = rotation.clamp(0.0, 1.0);
    (B.powf(theta) - 1.0) / (B - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_taper_has_the_datasheet_points() {
        assert!(audio_taper(0.0).abs() < 1e-12);
        assert!((audio_taper(0.5) - 0.10).abs() < 1e-12);
        assert!((audio_taper(1.0) - 1.0).abs() < 1e-12);
        assert!((audio_taper(0.25) - 0.025).abs() < 1e-12);
        assert!((audio_taper(0.75) - 0.325).abs() < 1e-12);
    }
}
