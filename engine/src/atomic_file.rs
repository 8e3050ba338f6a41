//! Replacing a file so that a reader, or a crash, never meets half of it: the bytes go to a hidden sibling
//! (same folder, so the rename stays on one file system), are flushed to the disk, and the sibling is renamed
//! over the target, which is atomic. Model files, checkpoints, reports and result files are all written so: a
//! grid killed mid-write resumes from the previous file, and a report open in a viewer is never torn.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` (its folder made if missing) through a flushed hidden sibling and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let partial = partial_path(path);
    let written = fs::File::create(&partial)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&partial, path));
    if written.is_err() {
        // Best effort: the error being returned matters more than a leftover partial file.
        let _ = fs::remove_file(&partial);
    }
    written
}

/// The hidden sibling a file is written to before it replaces `path`; the process ID keeps two writers apart.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewrite_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = std::env::temp_dir().join(format!("blackbox-atomic-{}", std::process::id()));
        let path = dir.join("deeper/results.md");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_partial() {
        let dir = std::env::temp_dir().join(format!("blackbox-atomic-fail-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("model.bbx");
        fs::create_dir_all(&target).unwrap(); // a folder in the way: the rename must fail
        assert!(write_atomically(&target, b"x").is_err());
        assert!(target.is_dir());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "the partial file was left behind");
        fs::remove_dir_all(&dir).unwrap();
    }
}
