//! What the GUI shows about a model, embedded or loaded: read from the model itself (its format's metadata, or a
//! `.bbx` file's recorded figures), never from a second copy kept beside it.

use blackbox_engine::formats::{LoadedModel, RateSource};
use blackbox_engine::model::unstable_when_streamed;

/// What the GUI shows about a model, embedded or loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFacts {
    pub path: String,
    /// The device as its metadata names it, e.g. "SD-1", or the file's model name.
    pub device: String,
    pub name: String,
    /// e.g. "Neural Amp Modeler (.nam)".
    pub format: String,
    pub architecture: String,
    /// e.g. "48000 Hz" or "44100 Hz (assumed: …)".
    pub rate: String,
    /// The model's own knobs, which the plugin's Gain knob (and Knob 2) drive.
    pub knobs: Vec<String>,
    /// `Some(true)` for stand-in data, `Some(false)` for real recordings, `None` where the file does not say.
    pub stand_in: Option<bool>,
    pub provenance: String,
    /// Everything else the file says of itself (gear, who captured it, its own loudness figure).
    pub details: Vec<(String, String)>,
    pub streaming_esr: Option<f32>,
    pub windowed_esr: Option<f32>,
    pub unstable_when_streamed: bool,
    /// Its loudness on the reference passage, e.g. "-29.3 LUFS".
    pub loudness: String,
}

impl ModelFacts {
    pub fn of(path: &str, model: &LoadedModel, loudness: String) -> Self {
        let info = &model.info;
        let rate = match &info.rate_source {
            RateSource::File => format!("{} Hz", info.sample_rate),
            RateSource::Assumed(why) => format!("{} Hz (assumed: {why})", info.sample_rate),
        };
        let (mut streaming_esr, mut windowed_esr) = (None, None);
        let (device, stand_in, provenance) = match model.bbx() {
            Some(file) => {
                let m = &file.metadata;
                (streaming_esr, windowed_esr) = (m.mean_streaming_esr(), m.mean_windowed_esr());
                (m.effect.clone(), Some(m.provenance.is_stand_in()), m.provenance.summary())
            }
            None => {
                let gear = info.detail("Gear").or(info.detail("Captured by")).map(str::to_owned);
                (gear.unwrap_or_else(|| info.name.clone()), None, "training data not stated in the file".to_owned())
            }
        };
        let details =
            info.details.iter().filter(|(k, _)| !matches!(k.as_str(), "Trained on")).cloned().collect::<Vec<_>>();
        ModelFacts {
            path: path.to_owned(),
            device,
            name: info.name.clone(),
            format: info.format.name().to_owned(),
            architecture: info.architecture.clone(),
            rate,
            knobs: info.knobs.clone(),
            stand_in,
            provenance,
            details,
            streaming_esr,
            windowed_esr,
            unstable_when_streamed: unstable_when_streamed(streaming_esr, windowed_esr),
            loudness,
        }
    }
}
