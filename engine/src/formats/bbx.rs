//! BlackBox's own models, seen through the common interface.

use super::{Format, FormatError, LoadedModel, ModelInfo, RateSource, Source};
use crate::model::{Gain, ModelFile, Provenance};
use crate::network::Network;

pub(super) fn parse(bytes: &[u8]) -> Result<LoadedModel, FormatError> {
    let file = ModelFile::from_bytes(bytes)?;
    Ok(LoadedModel { info: info(&file), source: Source::Bbx(Box::new(file)) })
}

pub(super) fn info(file: &ModelFile) -> ModelInfo {
    let m = &file.metadata;
    let network = Network::from_lstm(&file.weights);
    let mut details = vec![
        ("Device".to_owned(), format!("{} ({})", m.effect, m.experiment)),
        ("Setting".to_owned(), if m.gain == Gain::Single { "one, as recorded".to_owned() } else { m.gain.name().to_owned() }),
        ("Trained on".to_owned(), m.provenance.summary()),
        ("Recipe".to_owned(), format!("{:?}, context {}, lr {}, {} epochs", m.method, m.context, m.learning_rate, m.epochs_run)),
    ];
    if let Some(r) = &m.recipe {
        details.push((
            "Training run".to_owned(),
            format!(
                "seed {}, up to {} epochs, patience {}, batches of {}, {}",
                r.seed, r.max_epochs, r.patience, r.batch_size, r.training_share
            ),
        ));
    }
    if let Provenance::Capture(c) = &m.provenance {
        details.push(("Latency".to_owned(), format!("{} samples, by {}", c.latency_samples, c.latency_method)));
        details.push(("Recordings".to_owned(), c.takes.join("; ")));
        if !c.checks.is_empty() {
            details.push(("Capture checks".to_owned(), c.checks.join("; ")));
        }
    }
    if let Some(esr) = m.mean_streaming_esr() {
        details.push(("Test ESR (streamed)".to_owned(), format!("{:.2} %", 100.0 * esr)));
    }
    ModelInfo {
        format: Format::Bbx,
        name: m.name.clone(),
        architecture: network.describe(),
        parameters: network.parameter_count(),
        sample_rate: m.sample_rate,
        rate_source: RateSource::File,
        knobs: m.knob_names(),
        details,
    }
}
