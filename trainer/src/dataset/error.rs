use std::path::PathBuf;

use crate::audio::WavError;

use super::layout::LAYOUT_HINT;

/// Why recordings could not be turned into a dataset. Each message names the file or folder and what to do.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("folder {path} does not exist; expected the study's layout {hint} (`trainer synth` writes stand-in data in it)", hint = LAYOUT_HINT)]
    MissingFolder { path: PathBuf },
    #[error("{path} is not a folder; expected the study's layout {hint}", hint = LAYOUT_HINT)]
    NotAFolder { path: PathBuf },
    #[error("cannot list {path}: {source}")]
    List {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} holds no recordings; put each dry recording there as d_NAME.wav and its wet twin in ../Wet/w_NAME.wav"
    )]
    NoRecordings { path: PathBuf },
    #[error("{path} is not named {expected}; rename it (or move it out) so that it pairs with its twin")]
    BadName { path: PathBuf, expected: &'static str },
    #[error("{dry} has no wet twin: {wet} is missing; every dry recording needs the wet one recorded with it")]
    MissingWet { dry: PathBuf, wet: PathBuf },
    #[error("{wet} has no dry twin: {dry} is missing; every wet recording needs the dry one recorded with it")]
    MissingDry { wet: PathBuf, dry: PathBuf },
    #[error(
        "{path} is {found} Hz but the recordings beside it are {expected} Hz; a model trains at one rate, so record \
         or export every take at one rate (or resample this one, e.g. `sox in.wav -r {expected} out.wav`)"
    )]
    SampleRate { path: PathBuf, found: u32, expected: u32 },
    #[error(
        "{wet} has {wet_len} samples but {dry} has {dry_len}; a pair recorded at once differs by at most \
         {tolerance} samples, so these are not the same take (re-export both from the same region)"
    )]
    LengthMismatch { dry: PathBuf, wet: PathBuf, dry_len: usize, wet_len: usize, tolerance: usize },
    #[error(
        "{dir} gives {available} windows of {ctx} samples but {requested} training windows were asked for \
         (plus at least one for validation); record more, lower the count, or train on all but a validation fraction"
    )]
    NotEnoughWindows { dir: PathBuf, ctx: usize, available: usize, requested: usize },
    #[error(
        "the recordings give {available} segment(s) of {seconds:.2} s; streaming training needs at least two \
         (one to train, one to validate): record more"
    )]
    NotEnoughSegments { available: usize, seconds: f64 },
    #[error("some takes have a gain input and some have none; a model has one input layout")]
    MixedConditioning,
    #[error("the conditioned model has no folder of its own; it trains on every setting's folder together")]
    ConditionedHasNoFolder,
    #[error("the context size is 0; a window needs at least one sample")]
    ZeroContext,
    #[error("validation fraction {0} is outside (0, 1)")]
    ValidationFraction(f64),
    #[error("the {what} name \"{name}\" is not a folder name; give the folder's own name, without slashes")]
    BadDeviceName { what: &'static str, name: String },
    #[error("{path}: {reason}")]
    BadSetting { path: PathBuf, reason: String },
    #[error("{path} holds no setting folders; put each setting's recordings in <setting>/{{Dry,Wet}} there")]
    NoSettings { path: PathBuf },
    #[error("{path} cannot be used: {reason}")]
    BadSettingsFile { path: PathBuf, reason: String },
    #[error(transparent)]
    Wav(#[from] WavError),
}
