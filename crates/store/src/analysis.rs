//! Reading a series: which date each point holds for, and where the record disagrees.
//!
//! Backends only fetch rows; the judgement of what conflicts is made here, once, so both
//! backends flag exactly the same points.

use crate::SeriesPoint;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Whether the built-in pack declares `metric` cumulative (a running total that never falls).
pub fn is_cumulative(metric: &str) -> bool {
    static CUMULATIVE: OnceLock<Vec<String>> = OnceLock::new();
    CUMULATIVE
        .get_or_init(|| {
            chronicle_extract::Pack::coalition()
                .metrics
                .iter()
                .filter(|m| m.cumulative)
                .map(|m| m.name.clone())
                .collect()
        })
        .iter()
        .any(|m| m == metric)
}

/// The calendar part of a TimeML value when it has one (`2015`, `2015-03`, `2015-03-22`);
/// `None` for durations, references and week or season values.
pub fn calendar_date(value: &str) -> Option<&str> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if !digits(0..4) {
        return None;
    }
    let mut end = 4;
    if b.get(4) == Some(&b'-') && digits(5..7) {
        end = 7;
        if b.get(7) == Some(&b'-') && digits(8..10) {
            end = 10;
        }
    }
    match b.get(end) {
        None | Some(b'T') => Some(&value[..end]),
        _ if end == 4 => None,
        _ => Some(&value[..end]),
    }
}

/// The date a point holds for: its `as_of` when that is a calendar date, else the date of
/// the document that states it.
pub fn point_date(as_of: Option<&str>, published: Option<&str>) -> Option<String> {
    as_of.and_then(calendar_date).or(published).map(str::to_string)
}

/// The calendar day a fact is filed under: the date the text gives it (a metric's `as_of`,
/// an event's date, a timex's value) when that is a calendar date, else its document's date.
pub fn fact_day(fact: &crate::Fact, published: Option<&str>) -> Option<String> {
    let own = match fact.kind {
        crate::FactKind::Timex => fact.value.as_deref(),
        _ => fact.date.as_deref(),
    };
    point_date(own, published)
}

/// An inclusive upper bound for dates starting with `prefix` (`2015` -> `2015-99-99`), so
/// that "up to March 2015" includes every day of March under plain string comparison.
pub fn upper_bound(prefix: &str) -> String {
    match prefix.len() {
        4 => format!("{prefix}-99-99"),
        7 => format!("{prefix}-99"),
        _ => prefix.to_string(),
    }
}

/// The words of a search query (letters and digits only, lower-cased), each with whether it
/// ends in `*` (a prefix). Everything else is dropped, so no query syntax reaches the index.
pub fn search_terms(text: &str) -> Vec<(String, bool)> {
    let mut terms = Vec::new();
    for raw in text.split_whitespace() {
        let prefix = raw.ends_with('*');
        for word in raw.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            terms.push((word.to_lowercase(), false));
        }
        if let Some(last) = terms.last_mut() {
            last.1 |= prefix;
        }
    }
    terms
}

/// Highlight markers the backends wrap around matches (control characters: never in a
/// sentence after [`strip_markers`]).
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// Removes the highlight markers from a marked-up sentence, returning the character ranges
/// they enclosed.
pub fn parse_highlights(marked: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut chars = 0usize;
    let mut open = None;
    for c in marked.chars() {
        match c {
            MARK_START => open = Some(chars),
            MARK_END => {
                if let Some(s) = open.take() {
                    if s < chars {
                        ranges.push((s, chars));
                    }
                }
            }
            _ => chars += 1,
        }
    }
    ranges
}

/// A sentence with any characters that look like highlight markers removed.
pub fn strip_markers(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([MARK_START, MARK_END]) {
        text.replace([MARK_START, MARK_END], " ").into()
    } else {
        text.into()
    }
}

/// Sorts points by date (undated last, then by document and position) and flags conflicts:
/// different values for the same scope and date, and for a cumulative metric a value below
/// one already reported for an earlier date in the same scope.
pub fn flag_conflicts(mut points: Vec<SeriesPoint>, cumulative: bool) -> Vec<SeriesPoint> {
    points.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.published, &a.doc, a.start).cmp(&(
            b.date.is_none(),
            &b.date,
            &b.published,
            &b.doc,
            b.start,
        ))
    });
    let scope_key = |p: &SeriesPoint| p.scope.as_deref().unwrap_or("").to_lowercase();
    let mut by_day: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        if let Some(d) = &p.date {
            by_day.entry((scope_key(p), d.clone())).or_default().push(i);
        }
    }
    let mut notes: Vec<Vec<String>> = vec![Vec::new(); points.len()];
    for ((_, date), idx) in &by_day {
        for &i in idx {
            for &j in idx {
                if i != j && !same_value(&points[i], &points[j]) {
                    notes[i].push(format!(
                        "{} for {date} in {} differs from {} here",
                        show_value(&points[j]),
                        points[j].doc,
                        show_value(&points[i])
                    ));
                }
            }
        }
    }
    if cumulative {
        // The highest value reported for an earlier date, per scope.
        let mut best: HashMap<String, (f64, usize)> = HashMap::new();
        let mut pending: HashMap<String, (f64, usize)> = HashMap::new();
        let mut current_date: Option<&str> = None;
        for (i, p) in points.iter().enumerate() {
            let Some(date) = p.date.as_deref() else { break };
            if current_date != Some(date) {
                for (k, v) in pending.drain() {
                    let e = best.entry(k).or_insert(v);
                    if v.0 > e.0 {
                        *e = v;
                    }
                }
                current_date = Some(date);
            }
            let key = scope_key(p);
            if let Some(&(max, j)) = best.get(&key) {
                if p.value < max {
                    let earlier = &points[j];
                    notes[i].push(format!(
                        "falls below {} reported for {} in {} (cumulative metric)",
                        show_value(earlier),
                        earlier.date.as_deref().unwrap_or("?"),
                        earlier.doc
                    ));
                }
            }
            let e = pending.entry(key).or_insert((p.value, i));
            if p.value > e.0 {
                *e = (p.value, i);
            }
        }
    }
    for (p, n) in points.iter_mut().zip(notes) {
        p.conflicts = n;
    }
    points
}

fn same_value(a: &SeriesPoint, b: &SeriesPoint) -> bool {
    a.value == b.value && a.value_max == b.value_max
}

fn show_value(p: &SeriesPoint) -> String {
    let n = |v: f64| if v.fract() == 0.0 && v.abs() < 9e15 { format!("{}", v as i64) } else { format!("{v}") };
    match p.value_max {
        Some(max) => format!("{}-{}", n(p.value), n(max)),
        None => n(p.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(doc: &str, date: &str, value: f64, scope: Option<&str>) -> SeriesPoint {
        SeriesPoint {
            date: Some(date.into()),
            as_of: None,
            value,
            value_max: None,
            qualifier: "exact".into(),
            scope: scope.map(str::to_string),
            text: String::new(),
            doc: doc.into(),
            published: Some(date.into()),
            sentence: String::new(),
            start: 0,
            end: 0,
            rule: String::new(),
            conflicts: Vec::new(),
        }
    }

    #[test]
    fn conflicts_are_flagged_by_kind() {
        // (name, points, cumulative, docs expected to carry a conflict)
        let cases: Vec<(&str, Vec<SeriesPoint>, bool, Vec<&str>)> = vec![
            (
                "same day, different values",
                vec![point("a", "2015-01-01", 60.0, None), point("b", "2015-01-01", 62.0, None)],
                false,
                vec!["a", "b"],
            ),
            (
                "same day, same value",
                vec![point("a", "2015-01-01", 60.0, None), point("b", "2015-01-01", 60.0, None)],
                false,
                vec![],
            ),
            (
                "same day, other scope",
                vec![point("a", "2015-01-01", 60.0, Some("Iraq")), point("b", "2015-01-01", 62.0, Some("Syria"))],
                false,
                vec![],
            ),
            (
                "cumulative falls",
                vec![point("a", "2015-01-01", 100.0, None), point("b", "2015-02-01", 90.0, None)],
                true,
                vec!["b"],
            ),
            (
                "not cumulative may fall",
                vec![point("a", "2015-01-01", 100.0, None), point("b", "2015-02-01", 90.0, None)],
                false,
                vec![],
            ),
            (
                "cumulative grows",
                vec![point("a", "2015-01-01", 100.0, None), point("b", "2015-02-01", 120.0, None)],
                true,
                vec![],
            ),
        ];
        for (name, points, cumulative, expected) in cases {
            let out = flag_conflicts(points, cumulative);
            let flagged: Vec<&str> = out.iter().filter(|p| !p.conflicts.is_empty()).map(|p| p.doc.as_str()).collect();
            assert_eq!(flagged, expected, "{name}");
        }
    }

    #[test]
    fn calendar_dates_are_read_from_timeml_values() {
        let cases = [
            ("2015-03-22", Some("2015-03-22")),
            ("2015-03", Some("2015-03")),
            ("2015", Some("2015")),
            ("2015-03-22T10:00", Some("2015-03-22")),
            ("2015-W12", None),
            ("P5Y", None),
            ("PRESENT_REF", None),
            ("XXXX-01-22", None),
            ("2015-SU", None),
        ];
        for (value, expected) in cases {
            assert_eq!(calendar_date(value), expected, "{value}");
        }
    }

    #[test]
    fn highlights_are_character_ranges() {
        let marked = format!("Da\u{2019}esh {MARK_START}strikes{MARK_END} near {MARK_START}Mosul{MARK_END}");
        assert_eq!(parse_highlights(&marked), vec![(7, 14), (20, 25)]);
    }

    #[test]
    fn search_terms_drop_query_syntax() {
        let cases: &[(&str, Vec<(&str, bool)>)] = &[
            ("air strikes", vec![("air", false), ("strikes", false)]),
            ("strik*", vec![("strik", true)]),
            ("\"NEAR(a b)\" OR -x", vec![("near", false), ("a", false), ("b", false), ("or", false), ("x", false)]),
            ("Da'esh", vec![("da", false), ("esh", false)]),
            ("***", vec![]),
        ];
        for (q, expected) in cases {
            let got = search_terms(q);
            let got: Vec<(&str, bool)> = got.iter().map(|(w, p)| (w.as_str(), *p)).collect();
            assert_eq!(&got, expected, "{q}");
        }
    }

    #[test]
    fn the_pack_names_cumulative_metrics() {
        assert!(is_cumulative("airstrikes"));
        assert!(!is_cumulative("enemy_fighters"));
    }
}
