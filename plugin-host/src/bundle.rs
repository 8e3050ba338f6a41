//! Where `cargo xtask bundle` put the bundles.

use std::path::PathBuf;

/// `BLACKBOX_BUNDLE_DIR` if set, else `<target dir>/bundled`, the target dir being found from this
/// executable's path (`<target>/<profile>/deps/<test>` or `<target>/<profile>/<bin>`), which also honours
/// `CARGO_TARGET_DIR`.
pub fn bundle_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BLACKBOX_BUNDLE_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let target = exe
        .ancestors()
        .find(|dir| dir.join("bundled").is_dir())
        .or_else(|| {
            exe.ancestors().find(|dir| dir.file_name().is_some_and(|n| n == "debug" || n == "release"))?.parent()
        })
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("bundled")
}

/// The CLAP bundle (on Linux a single shared object named `BlackBox.clap`).
pub fn clap_bundle() -> Result<PathBuf, String> {
    existing(bundle_dir().join("BlackBox.clap"))
}

/// The VST3 bundle folder.
pub fn vst3_bundle() -> Result<PathBuf, String> {
    existing(bundle_dir().join("BlackBox.vst3"))
}

fn existing(path: PathBuf) -> Result<PathBuf, String> {
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} does not exist; build the debug bundle first: \
             `cargo xtask bundle blackbox-plugin --features assert_process_allocs` \
             (or set BLACKBOX_BUNDLE_DIR to the folder holding BlackBox.clap and BlackBox.vst3)",
            path.display()
        ))
    }
}
