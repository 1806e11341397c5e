//! Time: the creation date of each report and the TIMEX3 expressions in its text.
//!
//! Every fact in the ledger needs a date, and most dates in reports are partial or relative
//! ("January 22", "last week"); they mean something only against the report's creation date
//! (DCT). This crate finds the DCT ([`Dct`]) and tags and normalises temporal expressions
//! ([`Timex`]) against it. It does no I/O.

use chronicle_core::{Document, Span, Text};
use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;

/// TimeML's four timex types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

/// One temporal expression: its extent, type and TimeML value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timex {
    #[serde(skip)]
    pub span: Span,
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// TimeML value: `2015-01-22`, `2015-W04`, `P5Y`, `PRESENT_REF`, `XXXX-01-22` ...
    pub value: String,
    /// TimeML `mod` (EARLY, MID, LATE, APPROX, MORE_THAN ...), when the text hedges.
    #[serde(rename = "mod", skip_serializing_if = "Option::is_none")]
    pub modifier: Option<&'static str>,
    /// The rule that produced it (for `chronicle explain`).
    pub rule: &'static str,
}

/// Where a document's creation date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DctSource {
    Metadata,
    Url,
    Dateline,
    Inferred,
    None,
}

/// A document's creation date and its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dct {
    pub date: Option<Date>,
    pub source: DctSource,
}

/// The time layer of one document.
pub struct TimeAnalysis {
    pub dct: Dct,
    pub timexes: Vec<Timex>,
}

/// The temporal tagger; build once, share across threads.
pub struct Tagger {
    full_date: Regex,
    year: Regex,
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl Default for Tagger {
    fn default() -> Self {
        Self::new()
    }
}

impl Tagger {
    pub fn new() -> Tagger {
        Tagger {
            full_date: Regex::new(
                r"\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})\b",
            )
            .expect("valid regex"),
            year: Regex::new(r"\b(19[5-9]\d|20[0-4]\d)\b").expect("valid regex"),
        }
    }

    /// Finds the DCT of `doc` and tags the timexes of its text.
    pub fn analyse(&self, doc: &Document, text: &Text) -> TimeAnalysis {
        let dct = match doc.published.as_deref().and_then(|p| p.get(..10)?.parse::<Date>().ok()) {
            Some(d) => Dct { date: Some(d), source: DctSource::Metadata },
            None => Dct { date: None, source: DctSource::None },
        };
        let mut timexes = Vec::new();
        for c in self.full_date.captures_iter(text.text) {
            let m = c.get(0).expect("whole match");
            let month = MONTHS.iter().position(|n| n.eq_ignore_ascii_case(&c[1])).unwrap_or(0) + 1;
            let value = format!("{}-{:02}-{:02}", &c[3], month, c[2].parse::<u32>().unwrap_or(0));
            timexes.push(Timex {
                span: Span::new(m.start(), m.end()),
                kind: TimexType::Date,
                value,
                modifier: None,
                rule: "date.month_day_year",
            });
        }
        for m in self.year.find_iter(text.text) {
            let span = Span::new(m.start(), m.end());
            if timexes.iter().any(|t| t.span.overlaps(span)) {
                continue;
            }
            timexes.push(Timex {
                span,
                kind: TimexType::Date,
                value: m.as_str().to_string(),
                modifier: None,
                rule: "date.year",
            });
        }
        timexes.sort_by_key(|t| t.span);
        TimeAnalysis { dct, timexes }
    }
}
