//! How figures are spelled in the Markdown reports and on plot axes.

/// An ESR fraction as a percentage with three significant figures where they matter: "2.35", "18.4", "882".
/// Missing figures are an en dash and diverged ones say so, so a table never shows a blank that could be
/// mistaken for a zero.
pub fn percent(esr: Option<f32>) -> String {
    match esr {
        None => "–".to_string(),
        Some(v) if v.is_nan() => "NaN".to_string(),
        Some(v) if v.is_infinite() => "inf".to_string(),
        Some(v) => percent_value(f64::from(v) * 100.0),
    }
}

/// A percentage already multiplied by 100.
pub fn percent_value(pct: f64) -> String {
    let magnitude = pct.abs();
    if magnitude >= 100.0 {
        format!("{pct:.0}")
    } else if magnitude >= 10.0 {
        format!("{pct:.1}")
    } else if magnitude >= 0.1 || magnitude == 0.0 {
        format!("{pct:.2}")
    } else {
        format!("{pct:.3}")
    }
}

/// Seconds as the study reported them, whole seconds.
pub fn seconds(value: Option<f32>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.0}"),
        Some(v) => v.to_string(),
        None => "–".to_string(),
    }
}

/// Text safe inside a Markdown table cell.
pub fn cell_text(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_three_significant_figures_and_never_blank() {
        assert_eq!(percent(Some(0.0235)), "2.35");
        assert_eq!(percent(Some(0.184)), "18.4");
        assert_eq!(percent(Some(8.82)), "882");
        assert_eq!(percent(Some(0.000_123)), "0.012");
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(f32::NAN)), "NaN");
    }
}
