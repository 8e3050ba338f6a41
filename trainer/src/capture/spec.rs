//! `--output FILE[:NAME=VALUE,...]`: one recording and the knob settings it was made at.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

use super::CaptureError;

/// One recorded take of the device.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputSpec {
    pub path: PathBuf,
    /// Knob names (lowercase) and values in 0..1, in the order given.
    pub knobs: Vec<(String, f32)>,
}

impl OutputSpec {
    /// "recorded.wav" or "drive_7.wav (drive 0.70)".
    pub fn label(&self) -> String {
        let file = self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        if self.knobs.is_empty() {
            return file;
        }
        let knobs: Vec<String> = self.knobs.iter().map(|(n, v)| format!("{n} {v:.2}")).collect();
        format!("{file} ({})", knobs.join(", "))
    }
}

impl FromStr for OutputSpec {
    type Err = CaptureError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CaptureError::BadOutputSpec(text.to_owned());
        // A knob list is whatever follows the last ':' when it holds a '='; a path may hold ':' itself.
        let (path, knobs) = match text.rsplit_once(':') {
            Some((path, knobs)) if knobs.contains('=') => (path, Some(knobs)),
            _ => (text, None),
        };
        if path.is_empty() {
            return Err(bad());
        }
        let mut parsed = Vec::new();
        for item in knobs.into_iter().flat_map(|k| k.split(',')) {
            let (name, value) = item.split_once('=').ok_or_else(bad)?;
            let name = name.trim().to_lowercase();
            let value: f32 = value.trim().parse().map_err(|_| bad())?;
            if name.is_empty() || !(0.0..=1.0).contains(&value) || parsed.iter().any(|(n, _)| *n == name) {
                return Err(bad());
            }
            parsed.push((name, value));
        }
        Ok(OutputSpec { path: PathBuf::from(path), knobs: parsed })
    }
}

/// One take needs no knob; several must all set the same knobs, each take to different values.
pub fn check_knobs(outputs: &[OutputSpec]) -> Result<(), CaptureError> {
    let names = |o: &OutputSpec| o.knobs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let first = outputs.first().map(names).unwrap_or_default();
    if let Some(other) = outputs.iter().map(names).find(|n| *n != first) {
        return Err(CaptureError::KnobMismatch(format!("[{}] and [{}]", first.join(", "), other.join(", "))));
    }
    if outputs.len() > 1 && first.is_empty() {
        return Err(CaptureError::KnobMismatch(
            "several outputs without knob values; give each its setting, e.g. --output low.wav:drive=0.2".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    for output in outputs {
        let key: Vec<u32> = output.knobs.iter().map(|(_, v)| v.to_bits()).collect();
        if !seen.insert(key) {
            return Err(CaptureError::DuplicateSetting(output.label()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_names_its_file_and_knobs() {
        let spec: OutputSpec = "takes/drive 7.wav:Drive=0.7".parse().unwrap();
        assert_eq!(spec.path, PathBuf::from("takes/drive 7.wav"));
        assert_eq!(spec.knobs, vec![("drive".to_owned(), 0.7)]);
        assert_eq!(spec.label(), "drive 7.wav (drive 0.70)");
        let plain: OutputSpec = "C:/rec.wav".parse().unwrap();
        assert!(plain.knobs.is_empty());
        for bad in ["a.wav:drive=1.5", "a.wav:drive=x", ":drive=0.5", "a.wav:drive=0.1,drive=0.2"] {
            assert!(bad.parse::<OutputSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn several_outputs_set_one_knob_each_differently() {
        let specs = |list: &[&str]| list.iter().map(|s| s.parse::<OutputSpec>().unwrap()).collect::<Vec<_>>();
        assert!(check_knobs(&specs(&["a.wav"])).is_ok());
        assert!(check_knobs(&specs(&["a.wav:gain=0", "b.wav:gain=1"])).is_ok());
        assert!(matches!(check_knobs(&specs(&["a.wav", "b.wav"])), Err(CaptureError::KnobMismatch(_))));
        assert!(matches!(check_knobs(&specs(&["a.wav:gain=0", "b.wav:tone=1"])), Err(CaptureError::KnobMismatch(_))));
        assert!(matches!(check_knobs(&specs(&["a.wav:gain=0", "b.wav:gain=0"])), Err(CaptureError::DuplicateSetting(_))));
        assert!(check_knobs(&specs(&["a.wav:gain=0,tone=1", "b.wav:gain=0,tone=0.5"])).is_ok());
    }
}
