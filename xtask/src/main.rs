use std::path::PathBuf;

/// nice-plug-xtask names the standalone binary after the bundle ("BlackBox", beside BlackBox.clap); the app is
/// called `blackbox` on the command line.
const STANDALONE: (&str, &str) = ("BlackBox", "blackbox");

fn main() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::main()?;
    // nice-plug-xtask has moved to the workspace root.
    let bundled = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from).join("bundled");
    let (built, wanted) = (bundled.join(STANDALONE.0), bundled.join(STANDALONE.1));
    if built.is_file() {
        std::fs::rename(&built, &wanted)?;
        eprintln!("Created the standalone app at '{}'", wanted.display());
    }
    Ok(())
}
