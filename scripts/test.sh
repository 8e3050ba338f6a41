#!/usr/bin/env bash
# The test suite. The plugin's host tests load the debug bundle built with nice-plug's assert_process_allocs
# (a host aborts if process() allocates), so it is bundled first; then every crate's tests run, with the same
# feature on so that the plugin's dependencies are compiled once for both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo xtask bundle blackbox-plugin --features assert_process_allocs
cargo test --workspace --features blackbox-plugin/assert_process_allocs
