//! `results.md`: the grid's report for people — provenance first, then how to read the three ESRs, then the
//! tables and the figures.

use std::fmt::Write as _;
use std::path::Path;

use blackbox_engine::model::Gain;

use super::error::ReportError;
use super::format::{cell_text, percent, seconds};
use super::grid_stats::{format_lr, in_grid_order, setting_rank};
use super::inputs::{EsrMode, GridInfo, ModelResult};
use super::output::write_atomically;
use super::results_csv::method_name;
use super::study_figures::{STUDY_SONG, published_esr};

/// The paragraph every grid report carries about the study's one-sample-late test.
pub const ALIGNMENT_NOTE: &str = "The study's own test compared the window ending at t against wet[t+1], one \
sample late. A one-sample shift alone costs about 2(1 - r1) of ESR, where r1 is the lag-1 autocorrelation of the \
wet signal: a perfect model would score that much under the study's comparison. This report therefore prints the \
correctly aligned figure (window ending at t against wet[t]) and the study-compatible figure side by side, and \
the shift floor of each test song next to them.";

/// Names of the figures the Markdown embeds, relative to the report folder.
pub struct FigureNames<'a> {
    pub model_results: &'a str,
    pub summary: &'a str,
    pub train_val: &'a str,
    pub waveform: Option<&'a str>,
}

pub fn write_results_md(
    path: &Path,
    grid: &GridInfo,
    results: &[ModelResult],
    songs: &[String],
    figures: &FigureNames<'_>,
) -> Result<(), ReportError> {
    let text = render(grid, results, songs, figures);
    write_atomically(path, text.as_bytes())
}

fn render(grid: &GridInfo, results: &[ModelResult], songs: &[String], figures: &FigureNames<'_>) -> String {
    let mut md = String::new();
    // `write!` into a String cannot fail; the results are discarded on purpose throughout.
    let _ = writeln!(md, "# {} / {}: grid `{}`\n", grid.effect, grid.experiment, grid.name);
    let _ = writeln!(md, "**Data: {}**\n", grid.data.label());
    if grid.data.is_stand_in() {
        let _ = writeln!(
            md,
            "> These models were trained and tested on stand-in data: a modelled circuit, not recordings of the \
             real device. The figures say how well the LSTM learns that circuit; they are not comparable with the \
             study's published ESRs.\n"
        );
    }
    let _ = writeln!(md, "## Reading the ESR columns\n");
    let _ = writeln!(md, "{ALIGNMENT_NOTE}\n");
    let _ = writeln!(
        md,
        "- **windowed (aligned)**: stateless windows at stride 1 from zero state, the window ending at t against wet[t]."
    );
    let _ = writeln!(md, "- **study (1 sample late)**: the same windows against wet[t+1], the study's own test.");
    let _ = writeln!(
        md,
        "- **streaming (plugin)**: the LSTM state carried through the whole song, exactly what the plugin plays.\n"
    );
    let _ = writeln!(
        md,
        "ESRs are in percent of the wet signal's energy; `–` means not measured, `NaN`/`inf` means the model diverged.\n"
    );

    if results.is_empty() {
        let _ = writeln!(md, "No model of this grid has finished yet.");
        return md;
    }
    write_overview(&mut md, results, songs);
    write_shift_floors(&mut md, results, songs);
    write_model_table(&mut md, results, songs);
    write_study_figures(&mut md, grid, results, songs);
    write_figures(&mut md, figures);
    md
}

fn write_overview(md: &mut String, results: &[ModelResult], songs: &[String]) {
    let _ = writeln!(md, "## Overview\n");
    let _ = writeln!(md, "{} models, tested on {} songs: {}.\n", results.len(), songs.len(), songs.join(", "));
    let _ = writeln!(md, "| mode | best model | its mean ESR (%) | grid mean ESR (%) |");
    let _ = writeln!(md, "|---|---|---|---|");
    for mode in EsrMode::ALL {
        let means: Vec<(&ModelResult, f32)> =
            results.iter().filter_map(|r| r.mean_esr(songs, mode).map(|m| (r, m))).collect();
        let best = means.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let grid_mean = (!means.is_empty()).then(|| means.iter().map(|(_, m)| m).sum::<f32>() / means.len() as f32);
        let best_name =
            best.map(|(r, _)| format!("#{} {}", r.number(), cell_text(&r.metadata.name))).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            mode.label(),
            best_name,
            percent(best.map(|b| b.1)),
            percent(grid_mean)
        );
    }
    let _ = writeln!(md);
}

/// Per song and gain: the shift floor next to the study-compatible and aligned means of that gain's models.
fn write_shift_floors(md: &mut String, results: &[ModelResult], songs: &[String]) {
    let mut ranked: Vec<(i64, Gain)> = results.iter().map(|r| (setting_rank(r), r.metadata.gain)).collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    let mut gains: Vec<Gain> = ranked.into_iter().map(|(_, g)| g).collect();
    gains.dedup();
    let _ = writeln!(md, "## One-sample shift floor per test song\n");
    let _ = writeln!(
        md,
        "`shift floor` is the ESR of the wet signal against itself one sample later, sum (w[t+1]-w[t])^2 / sum w[t+1]^2 \
         = 2(1 - r1): what a perfect model scores under the study's test. Means are over the gain's models.\n"
    );
    let _ = writeln!(
        md,
        "| song | gain | shift floor (%) | r1 = 1 - floor/2 | mean study ESR (%) | mean aligned ESR (%) |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for song in songs {
        for &gain in &gains {
            let of_gain: Vec<&ModelResult> = results.iter().filter(|r| r.metadata.gain == gain).collect();
            let floor = of_gain.iter().filter_map(|r| r.song(song)?.one_sample_shift_esr).next();
            let mean_of = |mode: EsrMode| {
                let values: Vec<f32> =
                    of_gain.iter().filter_map(|r| r.song(song)?.esr(mode)).filter(|v| v.is_finite()).collect();
                (!values.is_empty()).then(|| values.iter().sum::<f32>() / values.len() as f32)
            };
            let r1 = floor.map(|f| format!("{:.4}", 1.0 - f64::from(f) / 2.0)).unwrap_or_else(|| "–".into());
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                cell_text(song),
                gain.name(),
                percent(floor),
                r1,
                percent(mean_of(EsrMode::Study)),
                percent(mean_of(EsrMode::Windowed)),
            );
        }
    }
    let _ = writeln!(md);
}

fn write_model_table(md: &mut String, results: &[ModelResult], songs: &[String]) {
    let _ = writeln!(md, "## Models\n");
    let _ = writeln!(
        md,
        "One row per model. Each song and the mean show three test ESRs in percent: windowed (aligned) / study \
         (1 sample late) / streaming (plugin). `results.csv` has the same figures unrounded.\n"
    );
    let mut header =
        String::from("| # | name | gain | units | lr | ctx | method | epochs run | best val ESR (%) | train s |");
    let mut rule = String::from("|---|---|---|---|---|---|---|---|---|---|");
    for song in songs {
        let _ = write!(header, " {} |", cell_text(song));
        rule.push_str("---|");
    }
    header.push_str(" mean |");
    rule.push_str("---|");
    let _ = writeln!(md, "{header}\n{rule}");
    for result in in_grid_order(results) {
        let _ = write!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            result.number(),
            cell_text(&result.metadata.name),
            result.metadata.gain.name(),
            result.metadata.hidden_size,
            format_lr(result.metadata.learning_rate),
            result.metadata.context,
            method_name(result.metadata.method),
            result.metadata.epochs_run,
            percent(result.metadata.best_validation_esr),
            seconds(result.metadata.train_seconds),
        );
        for song in songs {
            let figures = result.song(song);
            let triple = EsrMode::ALL.map(|mode| percent(figures.and_then(|s| s.esr(mode))));
            let _ = write!(md, " {} |", triple.join(" / "));
        }
        let means = EsrMode::ALL.map(|mode| percent(result.mean_esr(songs, mode)));
        let _ = writeln!(md, " {} |", means.join(" / "));
    }
    let _ = writeln!(md);
}

/// The study's published ESR of each cell beside ours, for the study's own two grids.
fn write_study_figures(md: &mut String, grid: &GridInfo, results: &[ModelResult], songs: &[String]) {
    let rows: Vec<(&ModelResult, f32)> = in_grid_order(results)
        .into_iter()
        .filter_map(|r| {
            let m = &r.metadata;
            published_esr(&grid.effect, &grid.experiment, m.gain, m.context, m.hidden_size, m.learning_rate)
                .map(|esr| (r, esr))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(md, "## The study's published figures beside ours\n");
    let _ = writeln!(
        md,
        "The study's test ESR of each cell, on its song {STUDY_SONG} recorded through the real device and scored one \
         sample late, beside ours: the same one-sample-late figure, the aligned one and the streamed one, each a mean \
         over our test songs."
    );
    let reminder = if grid.data.is_stand_in() {
        "**Ours are stand-in data**: a modelled circuit and other songs. The columns say how each project's models \
         did on their own data, not which models are better."
    } else {
        "Our songs are not the study's, so the columns say how each project's models did on their own songs, not \
         which models are better."
    };
    let _ = writeln!(md, "{reminder}\n");
    let _ = writeln!(
        md,
        "| # | gain / ctx / units / lr | study: real device, {STUDY_SONG}, 1 sample late (%) | ours: 1 sample late (%) | \
         ours: aligned (%) | ours: streamed (%) |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for (result, study) in rows {
        let m = &result.metadata;
        let ours = |mode| percent(result.mean_esr(songs, mode));
        let _ = writeln!(
            md,
            "| {} | {} / {} / {} / {} | {} | {} | {} | {} |",
            result.number(),
            m.gain.name(),
            m.context,
            m.hidden_size,
            format_lr(m.learning_rate),
            percent(Some(study)),
            ours(EsrMode::Study),
            ours(EsrMode::Windowed),
            ours(EsrMode::Streaming),
        );
    }
    let _ = writeln!(md);
}

fn write_figures(md: &mut String, figures: &FigureNames<'_>) {
    let _ = writeln!(md, "## Figures\n");
    let _ = writeln!(md, "Every model on every song, in each mode:\n\n![model results]({})\n", figures.model_results);
    let _ = writeln!(md, "Mean ESR by hyperparameter:\n\n![summary]({})\n", figures.summary);
    let _ = writeln!(
        md,
        "Training and validation loss of every model:\n\n![training and validation loss]({})\n",
        figures.train_val
    );
    if let Some(waveform) = figures.waveform {
        let _ = writeln!(md, "Dry, wet and predicted excerpt:\n\n![waveform]({waveform})\n");
    }
}
