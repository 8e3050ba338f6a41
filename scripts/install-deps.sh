#!/usr/bin/env bash
# System and Python packages the tests need beyond the Rust toolchain: Xvfb and Mesa for the editor screenshot
# (the editor loads libGL, libX11-xcb and libXcursor at run time), ALSA's headers for the standalone app (cpal
# links libasound; jack-sys needs JACK's pkg-config file), jackd2 for the standalone's JACK test (the server, its metronome and recorder), Debian's
# Ardour 7 for the DAW test (its Lua session tool and VST3 scanner), Spotify's pedalboard for the VST3 host test.
# Idempotent: installs only what is missing.
set -euo pipefail
apt_packages=(xvfb xauth libgl1 libglx-mesa0 libgl1-mesa-dri libx11-6 libx11-xcb1 libxcb1 libxcursor1 pkg-config libasound2-dev libjack-jackd2-dev jackd2 ardour)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-deps: root is needed to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c 'import pedalboard' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check pedalboard
