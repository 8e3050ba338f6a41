#!/usr/bin/env python3
"""NAM's trainer on the same dry/wet pair, split and CPU budget as `trainer fit`, for the README's comparison.

Trains NAM's standard WaveNet (two layer arrays of 16 and 8 channels, kernel 3, dilations 1..512, Tanh; lr 0.004
decaying by 0.993 per epoch, batch 16, ny 8192: the preset its trainer used before the packed models) on one CPU
thread. The pair is split as `fit` splits a plain pair (first 70 % trains, next 10 % validates, last 20 % tests)
and aligned by the latency and polarity `fit` found, passed here. After every epoch it prints the CPU seconds
spent training (the test pass not counted) and the test ESR of the epoch with the best validation ESR so far,
streamed over the whole take from silence as a player would run it.

Needs NAM's trainer, which is not a BlackBox dependency:
    python3 -m venv /tmp/namenv && /tmp/namenv/bin/pip install neural-amp-modeler==0.13.0
    /tmp/namenv/bin/python scripts/compare_nam.py ../shared/data/ts9/dry.wav ../shared/data/ts9/wet.wav \
        --latency -2 --inverted --budget 900
"""

import argparse
import struct
import time

import numpy as np
import torch

SHARES = (0.7, 0.1, 0.2)
DILATIONS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]


def read_wav(path):
    """Mono float samples and rate of a PCM (16/24/32-bit) or IEEE-float WAV; the first channel of several."""
    data = open(path, "rb").read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SystemExit(f"{path}: not a WAV file")
    pos, fmt, samples = 12, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if tag == b"fmt ":
            code, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if code == 0xFFFE:
                code = struct.unpack("<H", body[24:26])[0]
            fmt = (code, channels, rate, bits)
        elif tag == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    code, channels, rate, bits = fmt
    if code == 3 and bits == 32:
        x = np.frombuffer(samples, dtype="<f4").astype(np.float64)
    elif code == 1 and bits in (16, 32):
        x = np.frombuffer(samples, dtype=f"<i{bits // 8}").astype(np.float64) / 2 ** (bits - 1)
    elif code == 1 and bits == 24:
        b = np.frombuffer(samples, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float64) / 2**23
    else:
        raise SystemExit(f"{path}: format {code} at {bits} bits is not read here")
    return x.reshape(-1, channels)[:, 0], rate


def align(dry, wet, latency, inverted):
    """The wet take moved by `latency` samples and put right, as `fit` does: aligned[t] = wet[t + latency]."""
    sign = -1.0 if inverted else 1.0
    out = np.zeros_like(dry)
    src = np.arange(len(dry)) + latency
    ok = (src >= 0) & (src < len(wet))
    out[ok] = sign * wet[src[ok]]
    return out


def standard_wavenet():
    def array(input_size, channels, head_size, head_bias):
        return {
            "input_size": input_size,
            "condition_size": 1,
            "channels": channels,
            "head": {"out_channels": head_size, "kernel_size": 1, "bias": head_bias},
            "kernel_size": 3,
            "dilations": DILATIONS,
            "activation": "Tanh",
            "gated": False,
        }

    return {
        "net": {
            "name": "WaveNet",
            "config": {"layers_configs": [array(1, 16, 8, False), array(16, 8, 1, True)], "head_scale": 0.02},
        },
        "loss": {"val_loss": "esr"},
        "optimizer": {"lr": 0.004},
        "lr_scheduler": {"class": "ExponentialLR", "kwargs": {"gamma": 0.993}},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dry")
    parser.add_argument("wet")
    parser.add_argument("--latency", type=int, default=0, help="as `trainer fit` printed it")
    parser.add_argument("--inverted", action="store_true", help="fit found the polarity inverted")
    parser.add_argument("--budget", type=float, default=900.0, help="CPU seconds of training")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    import pytorch_lightning as pl
    from nam.data import Dataset
    from nam.train.lightning_module import LightningModule

    dry, rate = read_wav(args.dry)
    wet, wet_rate = read_wav(args.wet)
    if rate != wet_rate:
        raise SystemExit(f"the takes are at {rate} and {wet_rate} Hz")
    wet = align(dry, wet, args.latency, args.inverted)
    n = len(dry)
    train_end, validation_end = round(n * SHARES[0]), round(n * (SHARES[0] + SHARES[1]))
    x, y = torch.tensor(dry, dtype=torch.float32), torch.tensor(wet, dtype=torch.float32)

    model = LightningModule.init_from_config(standard_wavenet())
    model.net.sample_rate = rate
    params = sum(p.numel() for p in model.net.parameters())
    nx = model.net.receptive_field
    common = dict(nx=nx, sample_rate=rate, require_input_pre_silence=None)
    train = Dataset(x, y, ny=8192, start_samples=0, stop_samples=train_end, **common)
    validation = Dataset(x, y, ny=None, start_samples=train_end, stop_samples=validation_end, **common)
    loaders = (
        torch.utils.data.DataLoader(train, batch_size=16, shuffle=True, drop_last=True, num_workers=0),
        torch.utils.data.DataLoader(validation, num_workers=0),
    )
    print(f"NAM standard WaveNet: {params} parameters, receptive field {nx}; {rate} Hz, {n / rate:.1f} s "
          f"(train {train_end / rate:.1f} s, validation {(validation_end - train_end) / rate:.1f} s, "
          f"test {(n - validation_end) / rate:.1f} s)", flush=True)

    class Budget(pl.Callback):
        """Scores the test section after each validation, outside the CPU count, and stops at the budget."""

        def __init__(self):
            self.excluded, self.best_val, self.best_test, self.start = 0.0, float("inf"), None, time.process_time()

        def on_validation_epoch_end(self, trainer, module):
            if trainer.sanity_checking:
                return
            paused = time.process_time()
            val = float(trainer.callback_metrics["val_loss"])
            if val < self.best_val:
                module.eval()
                with torch.no_grad():
                    p = module.net(x, pad_start=True).numpy()
                module.train()
                t = slice(validation_end, n)
                self.best_val = val
                self.best_test = float(np.mean((p[t] - wet[t]) ** 2) / np.mean(wet[t] ** 2))
            self.excluded += time.process_time() - paused
            spent = time.process_time() - self.start - self.excluded
            print(f"epoch {trainer.current_epoch + 1}: {spent:.0f} CPU-s, val ESR {100 * val:.3f} %, "
                  f"test ESR at best val {100 * self.best_test:.3f} %", flush=True)
            if spent >= args.budget:
                trainer.should_stop = True

    trainer = pl.Trainer(
        max_epochs=100_000,
        accelerator="cpu",
        devices=1,
        callbacks=[Budget()],
        enable_checkpointing=False,
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, *loaders)


if __name__ == "__main__":
    main()
