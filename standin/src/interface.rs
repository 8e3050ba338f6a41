//! The recording interface: volts at the instrument input to float samples in [-1, 1], as the study's WAVs.
//!
//! The study recorded on a Focusrite Scarlett 2i2 (4th generation), dry at 20 dB of input gain, wet at 20 dB
//! (SD-1) and 15 dB (DSL20H). Focusrite specifies the instrument input's maximum level as +12 dBu at minimum
//! gain; `g` dB of gain lowers full scale by `g` dB. At 20 dB full scale is −8 dBu = 0.308 V rms = 0.436 V peak,
//! at 15 dB it is 0.776 V peak: the DSL20H's wet files sit 5 dB lower than the same voltage recorded at 20 dB.
//! (The +12 dBu figure is the datasheet's; a particular unit may differ by a decibel or so.)

/// Maximum instrument-input level at minimum gain, dBu.
pub const MAX_INPUT_DBU_AT_MIN_GAIN: f64 = 12.0;
/// 0 dBu in volts rms.
const DBU_REFERENCE_VRMS: f64 = 0.774_596_669;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AudioInterface {
    gain_db: f64,
    full_scale_volts: f64,
}

impl AudioInterface {
    /// Scarlett 2i2 4th gen instrument input at `gain_db` of input gain.
    pub fn scarlett_2i2_gen4(gain_db: f64) -> Self {
        let dbu = MAX_INPUT_DBU_AT_MIN_GAIN - gain_db;
        let full_scale_volts = DBU_REFERENCE_VRMS * 10f64.powf(dbu / 20.0) * std::f64::consts::SQRT_2;
        Self {
            gain_db,
            full_scale_volts,
        }
    }

    pub fn gain_db(&self) -> f64 {
        self.gain_db
    }

    /// Peak volts that record as ±1.0.
    pub fn full_scale_volts(&self) -> f64 {
        self.full_scale_volts
    }

    pub fn to_volts(&self, sample: f64) -> f64 {
        sample * self.full_scale_volts
    }

    pub fn to_sample(&self, volts: f64) -> f64 {
        volts / self.full_scale_volts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_db_less_gain_records_the_same_voltage_five_db_lower() {
        let dry = AudioInterface::scarlett_2i2_gen4(20.0);
        let wet = AudioInterface::scarlett_2i2_gen4(15.0);
        assert!(
            (dry.full_scale_volts() - 0.436).abs() < 0.001,
            "{}",
            dry.full_scale_volts()
        );
        let ratio_db = 20.0 * (dry.to_sample(0.1) / wet.to_sample(0.1)).log10();
        assert!((ratio_db - 5.0).abs() < 1e-9);
    }
}
