use blackbox_engine::model::Provenance;

use crate::dataset::Song;

/// The label `trainer synth` writes into every stand-in WAV's INFO comment.
pub const STAND_IN_PREFIX: &str = "stand-in data:";

/// What a gain's training recordings are, read from their WAV comments: stand-in data labels itself
/// ("stand-in data: <circuit>, <settings>, seed N"); anything unlabelled is taken as a real recording.
pub fn provenance_of(songs: &[Song], description: &str) -> Provenance {
    let label = songs.iter().filter_map(|s| s.comment.as_deref()).find(|c| c.trim_start().starts_with(STAND_IN_PREFIX));
    let sources = songs.iter().map(|s| s.name.clone()).collect();
    match label {
        Some(label) => {
            let body = label.trim_start()[STAND_IN_PREFIX.len()..].trim();
            let (body, seed) = match body.rsplit_once(", seed ") {
                Some((rest, seed)) => (rest, seed.trim().parse().unwrap_or(0)),
                None => (body, 0),
            };
            let (circuit, settings) = body.split_once(", ").unwrap_or((body, ""));
            Provenance::StandIn { circuit: circuit.to_owned(), settings: settings.to_owned(), sources, seed }
        }
        None => Provenance::Recordings { description: description.to_owned() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn song(comment: Option<&str>) -> Song {
        Song { name: "Tomb".into(), dry: vec![0.0], wet: vec![0.0], comment: comment.map(str::to_owned), rate: 44_100 }
    }

    #[test]
    fn a_labelled_song_is_stand_in_data_with_its_circuit_settings_and_seed() {
        let songs = [song(Some("stand-in data: Sd1Circuit, Drive 12:00, Tone noon, seed 25"))];
        let Provenance::StandIn { circuit, settings, sources, seed } = provenance_of(&songs, "x") else {
            panic!("labelled data must be stand-in");
        };
        assert_eq!((circuit.as_str(), settings.as_str(), seed), ("Sd1Circuit", "Drive 12:00, Tone noon", 25));
        assert_eq!(sources, vec!["Tomb".to_owned()]);
    }

    #[test]
    fn unlabelled_songs_are_real_recordings() {
        let provenance = provenance_of(&[song(None), song(Some("Focusrite take 3"))], "my SD-1");
        assert_eq!(provenance, Provenance::Recordings { description: "my SD-1".into() });
    }
}
