//! Which recordings a gain folder holds: every `Dry/d_NAME.wav` with its `Wet/w_NAME.wav`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::DatasetError;
use super::layout::{dry_path, wet_path};

/// The two files of one take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairPaths {
    pub name: String,
    pub dry: PathBuf,
    pub wet: PathBuf,
}

/// The pairs of `gain_dir`, sorted by name (byte order), the order in which the study concatenated them.
///
/// An unpaired file on either side is an error, not a skip: a silently dropped take would shrink the training set
/// without anyone noticing.
pub fn list_pairs(gain_dir: &Path) -> Result<Vec<PairPaths>, DatasetError> {
    require_folder(gain_dir)?;
    let dry_names = names_in(&gain_dir.join("Dry"), "d_")?;
    let wet_names = names_in(&gain_dir.join("Wet"), "w_")?;
    if let Some(name) = dry_names.difference(&wet_names).next() {
        return Err(DatasetError::MissingWet { dry: dry_path(gain_dir, name), wet: wet_path(gain_dir, name) });
    }
    if let Some(name) = wet_names.difference(&dry_names).next() {
        return Err(DatasetError::MissingDry { wet: wet_path(gain_dir, name), dry: dry_path(gain_dir, name) });
    }
    if dry_names.is_empty() {
        return Err(DatasetError::NoRecordings { path: gain_dir.join("Dry") });
    }
    let pair = |name: String| PairPaths { dry: dry_path(gain_dir, &name), wet: wet_path(gain_dir, &name), name };
    Ok(dry_names.into_iter().map(pair).collect())
}

/// Checks that `path` is a folder, reporting the first missing folder on the way down so the message points at
/// the level of the layout that is wrong (a misspelt effect folder, a missing `Wet`, ...).
pub fn require_folder(path: &Path) -> Result<(), DatasetError> {
    if path.is_dir() {
        return Ok(());
    }
    if path.exists() {
        return Err(DatasetError::NotAFolder { path: path.to_path_buf() });
    }
    let missing = path.ancestors().filter(|a| !a.as_os_str().is_empty() && !a.exists()).last().unwrap_or(path);
    Err(DatasetError::MissingFolder { path: missing.to_path_buf() })
}

/// The NAMEs of `prefixNAME.wav` files in `folder`; other WAVs are errors, non-WAV files (notes, .DS_Store) are
/// left alone.
fn names_in(folder: &Path, prefix: &'static str) -> Result<BTreeSet<String>, DatasetError> {
    require_folder(folder)?;
    let list = |source| DatasetError::List { path: folder.to_path_buf(), source };
    let expected = if prefix == "d_" { "d_NAME.wav" } else { "w_NAME.wav" };
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(folder).map_err(list)? {
        let path = entry.map_err(list)?.path();
        let is_wav = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav"));
        if !is_wav || !path.is_file() {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|n| n.strip_suffix(".wav"))
            .filter(|n| !n.is_empty());
        match name {
            Some(name) => names.insert(name.to_owned()),
            None => return Err(DatasetError::BadName { path, expected }),
        };
    }
    Ok(names)
}
