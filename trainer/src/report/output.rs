//! Writing report files so that a reader never sees half of one.
//!
//! The grid runner rewrites every report after each finished model while someone may have the PNG or the
//! Markdown open; each file is written beside its final name and renamed over it, which is atomic on one
//! file system.

use std::fs;
use std::path::Path;

use blackbox_engine::atomic_file;

use super::error::ReportError;

/// Creates the report folder (and its parents) or says which folder could not be made.
pub fn ensure_dir(dir: &Path) -> Result<(), ReportError> {
    fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir { path: dir.to_path_buf(), source })?;
    if !dir.is_dir() {
        return Err(ReportError::CreateDir {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "the path exists and is not a folder"),
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    atomic_file::write_atomically(path, bytes).map_err(|source| ReportError::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.md");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_under_a_file_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not_a_folder");
        fs::write(&file, b"x").unwrap();
        let wanted = file.join("reports");
        let error = ensure_dir(&wanted).unwrap_err();
        assert!(matches!(error, ReportError::CreateDir { .. }));
        assert!(error.to_string().contains(&wanted.display().to_string()), "{error}");
    }
}
