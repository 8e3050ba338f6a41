//! BlackBox as a CLAP and VST3 plugin (built out in the plugin issue).
