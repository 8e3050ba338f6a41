"""Loads BlackBox.vst3 in Spotify's pedalboard (a JUCE-based VST3 host), points it at a user model, renders.

Usage: vst3_pedalboard.py BUNDLE MODEL INPUT_WAV OUTPUT_F32

The output is the first channel as raw little-endian float32, so no WAV sample-format conversion can blur the
comparison.

Prints one line per parameter ("param <python name> = <value>") and the reported latency. The user model path
is not a parameter, so it is set the way a DAW restores a session: the plugin's component state (nice-plug's
JSON) is taken out of the current .vstpreset, edited, and loaded back.
"""

import json
import struct
import sys

import numpy as np
import pedalboard
from pedalboard.io import AudioFile


def parse_vstpreset(data: bytes):
    """Returns (class_id, [(chunk_id, bytes)]) of a Steinberg .vstpreset."""
    if data[:4] != b"VST3":
        raise SystemExit(f"preset data does not start with VST3 but {data[:4]!r}")
    class_id = data[8:40]
    (list_offset,) = struct.unpack_from("<q", data, 40)
    if data[list_offset:list_offset + 4] != b"List":
        raise SystemExit("preset data has no chunk list")
    (count,) = struct.unpack_from("<i", data, list_offset + 4)
    chunks = []
    for i in range(count):
        entry = list_offset + 8 + i * 20
        chunk_id = data[entry:entry + 4]
        offset, size = struct.unpack_from("<qq", data, entry + 4)
        chunks.append((chunk_id, data[offset:offset + size]))
    return class_id, chunks


def build_vstpreset(class_id: bytes, chunks) -> bytes:
    body = b""
    entries = []
    offset = 48
    for chunk_id, payload in chunks:
        entries.append((chunk_id, offset, len(payload)))
        body += payload
        offset += len(payload)
    header = b"VST3" + struct.pack("<i", 1) + class_id + struct.pack("<q", offset)
    listing = b"List" + struct.pack("<i", len(entries))
    for chunk_id, chunk_offset, size in entries:
        listing += chunk_id + struct.pack("<qq", chunk_offset, size)
    return header + body + listing


def select_user_model(plugin, model):
    """Points the plugin at `model` the way a DAW restores a session, with the gate off."""
    class_id, chunks = parse_vstpreset(plugin.preset_data)
    edited = []
    for chunk_id, payload in chunks:
        if chunk_id == b"Comp":
            state = json.loads(payload.decode("utf-8"))
            state["params"]["gate"] = {"bool": False}
            state["fields"]["user-model"] = json.dumps(model)
            payload = json.dumps(state).encode("utf-8")
        edited.append((chunk_id, payload))
    plugin.preset_data = build_vstpreset(class_id, edited)
    # pedalboard keeps its own copy of every parameter and writes it back before rendering, so a value changed only
    # through the preset can be overwritten by pedalboard's stale copy. Choose the effect through the parameter as
    # a host's automation would; the user model itself still arrives only through the plugin's state.
    plugin.effect = "User model file"
    plugin.gate = False


def main():
    bundle, model, input_wav, output_f32 = sys.argv[1:5]
    plugin = pedalboard.load_plugin(bundle)
    print(f"loaded {plugin.name}")
    select_user_model(plugin, model)

    for name, parameter in plugin.parameters.items():
        print(f"param {name} = {getattr(plugin, name)}")
    print(f"latency {plugin.reported_latency_samples}")

    with AudioFile(input_wav) as f:
        audio = f.read(f.frames)
        rate = f.samplerate
    output = plugin.process(audio.astype(np.float32), sample_rate=rate, buffer_size=512, reset=True)
    output[0].astype("<f4").tofile(output_f32)
    print(f"rendered {output.shape[1]} samples at {rate} Hz")


if __name__ == "__main__":
    main()
