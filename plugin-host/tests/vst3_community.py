"""Plays community model files through BlackBox.vst3 in Spotify's pedalboard, one fresh plugin per file.

Usage: vst3_community.py BUNDLE INPUT_WAV OUT_DIR MODEL...

Each model is chosen the way a DAW restores a session (the plugin's JSON state inside its .vstpreset, see
vst3_pedalboard.py); the first channel of each render goes to OUT_DIR/<index>.f32 as little-endian float32, and
one line per model reports "model <index> latency <samples>".
"""

import os
import sys

import numpy as np
import pedalboard
from pedalboard.io import AudioFile

from vst3_pedalboard import select_user_model


def main():
    bundle, input_wav, out_dir = sys.argv[1:4]
    models = sys.argv[4:]
    with AudioFile(input_wav) as f:
        audio = f.read(f.frames).astype(np.float32)
        rate = f.samplerate
    for index, model in enumerate(models):
        plugin = pedalboard.load_plugin(bundle)
        select_user_model(plugin, model)
        output = plugin.process(audio, sample_rate=rate, buffer_size=512, reset=True)
        output[0].astype("<f4").tofile(os.path.join(out_dir, f"{index}.f32"))
        print(f"model {index} latency {plugin.reported_latency_samples}")


if __name__ == "__main__":
    main()
