#!/usr/bin/env bash
# The test suite: builds the plugin bundles the host tests load, then every crate's tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo test --workspace
