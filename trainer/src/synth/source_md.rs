//! `SOURCE.md`, written next to the stand-in data: what it is, from what, with which settings and seed.

use std::fmt::Write;

use crate::dataset::layout::Split;

use super::{DryClip, SynthConfig, SynthReport};

/// Where the DI clips of `../shared/data/di` come from (both MIT-licensed).
const DI_PROVENANCE: &str = "18 clips from andremichelle/neural-amp-modeler-wasm (MIT licence) and Guitar_DI.wav \
from sdatkinson/NeuralAmpModelerPlugin (MIT licence), 48 kHz 24-bit mono";

pub fn render(config: &SynthConfig, report: &SynthReport, clips: &[DryClip]) -> String {
    let mut s = String::new();
    let grid = config.grid;
    let _ = writeln!(s, "# {}/{} — STAND-IN DATA\n", grid.effect(), config.experiment());
    let _ = writeln!(
        s,
        "These recordings are **not** the study's. They are stand-in data made by `trainer synth`: dry guitar \
         played through a physically modelled reference circuit, written in the study's layout so that the \
         trainer can run end to end. Replace them with real recordings of the effect to train a real model.\n"
    );
    let _ = writeln!(s, "- Circuit: {}", report.circuit);
    for g in &report.gains {
        let _ = writeln!(s, "- {}: {}", g.gain.name(), g.settings);
    }
    let wet_db = if grid.name() == "ultragain" { 15 } else { 20 };
    let _ = writeln!(
        s,
        "- Recording chain: Scarlett 2i2 4th gen model, dry at 20 dB of input gain (full scale 0.436 V peak), \
         wet at {wet_db} dB; 44.1 kHz, 24-bit PCM, mono; dry identical in every gain folder (recorded at once)."
    );
    let _ = writeln!(
        s,
        "- Seed: {} (hiss, hum and the procedural guitar are drawn from it)",
        config.seed
    );
    match &config.di {
        Some(folder) => {
            let _ = writeln!(
                s,
                "- Dry source: DI clips from `{}` — {DI_PROVENANCE}; resampled to 44.1 kHz with \
                the engine's FFT resampler (rubato).",
                folder.display()
            );
        }
        None => {
            let _ = writeln!(
                s,
                "- Dry source: the built-in ProceduralGuitar (Karplus–Strong strings: power chords, \
                palm-muted riffs, single-note lines, pauses over a noise floor)."
            );
        }
    }
    let _ = writeln!(
        s,
        "- Amount: {:.1} s of training audio and {:.1} s of test audio per gain; loudest dry peak {:.1} dBFS.\n",
        report.train_seconds, report.test_seconds, report.dry_peak_dbfs
    );
    let _ = writeln!(s, "| gain | wet peak (dBFS) | clipped samples |\n|---|---|---|");
    for g in &report.gains {
        let _ = writeln!(
            s,
            "| {} | {:.1} | {} |",
            g.gain.name(),
            g.wet_peak_dbfs,
            g.clipped_samples
        );
    }
    for (split, title) in [(Split::Train, "Train"), (Split::Test, "Test")] {
        let _ = writeln!(s, "\n## {title} clips\n");
        for c in clips.iter().filter(|c| c.split == split) {
            let _ = writeln!(s, "- `{}`: {}", c.name, c.origin);
        }
    }
    let mut di = config
        .di
        .as_ref()
        .map(|d| format!(" --di {}", d.display()))
        .unwrap_or_default();
    if let (Some(train), Some(test)) = (config.train_seconds, config.test_seconds) {
        di = format!(" --train-seconds {train} --test-seconds {test}");
    }
    let _ = writeln!(
        s,
        "\nRebuild: `trainer synth --grid {} --out <data>{di} --seed {}`",
        grid.name(),
        config.seed
    );
    s
}
