//! Recordings in the study's layout, turned into the windows the LSTM trains on.
//!
//! The files follow the data: `layout` (where recordings live) -> `pairs` (which takes a gain folder holds) ->
//! `songs` (checked audio) -> `windowed` + `split` (the study's windows and train/validation split) -> `view`
//! (shuffled batches per epoch). `load` ties them together by device, split and setting; `device` and `knobs` say which settings a device
//! has and where each sits on its knobs.
//!
//! Nothing here prints: recoverable oddities (a few samples trimmed off a pair) come back as [`LoadWarning`]s in
//! [`GainRecordings::warnings`], so callers decide where they go.

mod device;
mod error;
mod knobs;
pub mod layout;
mod load;
mod pairs;
mod segments;
mod songs;
mod split;
mod view;
mod windowed;

pub use device::Device;
pub use error::DatasetError;
pub use knobs::KnobTable;
pub use layout::{Grid, SAMPLE_RATE, Split, dry_path, gain_dir, wet_path};
pub use load::{load_gain, load_training_windows};
pub use pairs::{PairPaths, list_pairs, require_folder};
pub use songs::{GainRecordings, LoadWarning, MAX_TRIMMED_SAMPLES, Song, load_gain_dir, load_pair};
pub use segments::{SEGMENT_SAMPLES, Segment, SegmentBatch, SegmentConfig, SegmentSource, SegmentedDataset, WARMUP_SAMPLES};
pub use split::{STUDY_SPLIT_SEED, STUDY_TRAIN_WINDOWS, TrainSize, shuffled_indices};
pub use view::{BATCH_SIZE, Batch, Batches, WindowView};
pub use windowed::{WindowConfig, WindowedDataset};
