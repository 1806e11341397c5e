//! The document creation time (DCT): which day a report was written, and how we know.
//!
//! Relative dates mean nothing without it, and many reports carry no metadata date. Sources,
//! best first: metadata `published`; a complete date in the URL (`/2016/10/28/`, `20150413`,
//! `may-25-2016`); a dateline or date line in the opening of the text ("Mar 24, 2017",
//! "WASHINGTON, Feb. 6, 2019 —", "13.08.2016"); else, marked inferred, the latest complete
//! date the text states in the past tense; else none. The wall clock is never used.

use crate::norm::{Point, Tense};
use crate::tag::{Mention, Sem};
use crate::{Dct, DctSource};
use chronicle_core::{Document, Text};
use jiff::civil::Date;
use regex::Regex;

/// How far into the text a dateline may stand (bytes).
const DATELINE_WINDOW: usize = 1500;
/// A date outside a line of its own still counts as the dateline this close to the start.
const OPENING_WINDOW: usize = 400;

pub struct DctFinder {
    url_slashed: Regex,
    url_compact: Regex,
    url_words: Regex,
}

impl Default for DctFinder {
    fn default() -> Self {
        Self::new()
    }
}

impl DctFinder {
    pub fn new() -> DctFinder {
        DctFinder {
            url_slashed: Regex::new(r"(?:^|[/_-])((?:19|20)\d\d)[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?:$|[/_.?#-])")
                .expect("valid regex"),
            url_compact: Regex::new(r"(?:^|[^0-9])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:$|[^0-9])")
                .expect("valid regex"),
            url_words: Regex::new(
                r"(?i)(?:^|[^a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*[-_](\d{1,2})(?:st|nd|rd|th)?[-_,]+((?:19|20)\d\d)(?:$|[^0-9])",
            )
            .expect("valid regex"),
        }
    }

    /// The DCT of `doc` from the best source it has.
    pub fn find(&self, doc: &Document, text: &Text, mentions: &[Mention]) -> Dct {
        if let Some(d) = doc.published.as_deref().and_then(parse_iso_prefix) {
            return Dct { date: Some(d), source: DctSource::Metadata };
        }
        if let Some(d) = doc.url.as_deref().and_then(|u| self.from_url(u)) {
            return Dct { date: Some(d), source: DctSource::Url };
        }
        if let Some(d) = dateline(text, mentions) {
            return Dct { date: Some(d), source: DctSource::Dateline };
        }
        if let Some(d) = inferred(mentions) {
            return Dct { date: Some(d), source: DctSource::Inferred };
        }
        Dct { date: None, source: DctSource::None }
    }

    /// A complete date in a URL.
    pub fn from_url(&self, url: &str) -> Option<Date> {
        // skip the host: dates in host names are rare and archive prefixes come first
        let path = url.split_once("://").map_or(url, |(_, rest)| rest);
        let ymd = |y: &str, m: &str, d: &str| Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
        // Archive copies put their own capture stamp first: take the last slashed date.
        if let Some(c) = self.url_slashed.captures_iter(path).last() {
            if let Some(d) = ymd(&c[1], &c[2], &c[3]) {
                return Some(d);
            }
        }
        if let Some(c) = self.url_words.captures(path) {
            let month = MONTHS.iter().position(|m| c[1].to_ascii_lowercase().starts_with(m))? as i8 + 1;
            if let Ok(d) = Date::new(c[3].parse().ok()?, month, c[2].parse().ok()?) {
                return Some(d);
            }
        }
        if let Some(c) = self.url_compact.captures(path) {
            if let Some(d) = ymd(&c[1], &c[2], &c[3]) {
                return Some(d);
            }
        }
        None
    }
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

fn parse_iso_prefix(s: &str) -> Option<Date> {
    s.trim().get(..10)?.parse::<Date>().ok()
}

/// The day a mention names outright, if it does.
pub fn complete(m: &Mention) -> Option<Date> {
    match &m.sem {
        Sem::Point(Point::Day(d)) | Sem::DateTime(d, _) => Some(*d),
        _ => None,
    }
}

/// A date line in the opening: a complete date on a line of its own or starting a line
/// ("Mar 24, 2017", "Tue 23 Sep 2014 06:58 PM"), after a dateline place ("BAGHDAD, October 17,
/// 2016", "Washington, DC\nNovember 23, 2015"), or the first complete date of the opening lines.
fn dateline(text: &Text, mentions: &[Mention]) -> Option<Date> {
    let s = text.text;
    let mut first_near: Option<Date> = None;
    for m in mentions.iter().take_while(|m| m.start < DATELINE_WINDOW) {
        let Some(d) = complete(m) else { continue };
        let line_start = s[..m.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = s[m.end..].find('\n').map_or(s.len(), |i| m.end + i);
        let before = s[line_start..m.start].trim();
        let after = s[m.end..line_end].trim();
        let own_line = before.is_empty() || before.ends_with('|') || before.ends_with(':') || is_dateline_place(before);
        let ends_line = after.is_empty()
            || after.starts_with(['\u{2014}', '\u{2013}', '-', '/', '|', ')'])
            || after.len() > 40 && before.is_empty();
        if own_line && ends_line || (before.ends_with('|') && after.is_empty()) {
            return Some(d);
        }
        if is_dateline_place(before) {
            return Some(d);
        }
        if first_near.is_none() && m.start < OPENING_WINDOW {
            first_near = Some(d);
        }
    }
    first_near
}

/// "WASHINGTON,", "BAGHDAD, Iraq,", "Washington, DC", "NEWS |", "Updated:", "(": what may stand
/// before a dateline's date on its line.
fn is_dateline_place(before: &str) -> bool {
    let b = before.trim_end_matches([',', '(', ' ']);
    if b.is_empty() {
        return !before.is_empty();
    }
    if b.len() > 60 {
        return false;
    }
    let letters: Vec<char> = b.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let words = b.split_whitespace().count();
    // an upper-case place ("SOUTHWEST ASIA,") or a short capitalised one ("Baghdad,")
    (!letters.is_empty() && upper * 10 >= letters.len() * 7)
        || (words <= 4
            && b.split_whitespace().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
            && (before.trim_end().ends_with(',') || before.trim_end().ends_with('(')))
        || b.ends_with("Updated:")
        || b.ends_with("Posted:")
        || b.ends_with("Published:")
}

/// The latest complete date stated in a past-tense sentence.
fn inferred(mentions: &[Mention]) -> Option<Date> {
    mentions.iter().filter(|m| m.tense == Tense::Past).filter_map(complete).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_dates() {
        let f = DctFinder::new();
        let cases = [
            ("https://example.org/2016/10/28/some-story/", Some("2016-10-28")),
            ("https://news.example.com/20150413/1020849510.html", Some("2015-04-13")),
            ("http://www.example.org/backgrounder/isis-sanctuary-map-may-25-2016", Some("2016-05-25")),
            ("https://example.gov/r/pa/prs/ps/2014/12/234627.htm", None),
            ("https://example.org/stories/2016-02-08/canada-ends", Some("2016-02-08")),
            ("https://example.org/release-20151228-04", Some("2015-12-28")),
            ("https://example.org/article/885189/iraqi-forces/", None),
            ("https://example.org/2016/02/31/bad-day/", None),
        ];
        for (url, want) in cases {
            assert_eq!(f.from_url(url).map(|d| d.to_string()), want.map(String::from), "{url}");
        }
    }

    #[test]
    fn dateline_places() {
        for yes in ["WASHINGTON,", "SOUTHWEST ASIA,", "Baghdad,", "NEWS |", "Carrie Dedrick | Updated:", "Washington ("]
        {
            assert!(is_dateline_place(yes), "{yes}");
        }
        for no in ["On", "The ministers met on", "said that the talks of"] {
            assert!(!is_dateline_place(no), "{no}");
        }
    }
}
