//! The extraction line: the JSON Lines shape `chronicle extract` prints.
//!
//! One object per document, in the shape of `corpus/FORMAT.md` so that any gold set can be
//! scored against it:
//!
//! ```text
//! {"id", "published", "published_source",
//!  "timexes":    [{"text", "start", "end", "sentence", "type", "value", "mod"?, "rule"}],
//!  "events":     [{"text", "start", "end", "sentence", "type", "date", "place", "hosts",
//!                  "participants", "rule"}],
//!  "metrics":    [{"text", "start", "end", "sentence", "metric", "value", "value_max",
//!                  "qualifier", "as_of", "scope", "quantity", "rule"}],
//!  "entities":   [{"text", "start", "end", "sentence", "canonical", "type", "rule"}],
//!  "quantities": [{"text", "start", "end", "sentence", "value", "value_max", "qualifier",
//!                  "unit", "counted", "counted_span", "modifier", "rule"}],
//!  "claims":     [{"text", "start", "end", "sentence", "speaker", "speaker_text", "cue",
//!                  "quote", "metrics", "rule"}]}
//! ```
//!
//! `start`/`end` are character offsets into the document's text (end exclusive), `sentence`
//! is the index of the sentence that states the fact, `rule` names the rule that produced it.
//! `published_source` says where the creation date came from (`metadata`, `url`, `dateline`,
//! `inferred`, or `none`). The optional keys (`mod`, `hosts`, `participants`, `counted`,
//! `counted_span`, `modifier`, `speaker_text`, `quote`) are left out when empty. Keys beyond
//! FORMAT.md are provenance; scorers ignore them.

use crate::Extraction;
use chronicle_core::doc::CharOffsets;
use chronicle_core::{Document, Span};
use serde::Serialize;

/// A fact with its place in the text.
#[derive(Serialize)]
struct Located<'a, T: Serialize> {
    text: &'a str,
    start: usize,
    end: usize,
    sentence: usize,
    #[serde(flatten)]
    fact: &'a T,
}

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    published: Option<String>,
    published_source: chronicle_time::DctSource,
    timexes: Vec<Located<'a, chronicle_time::Timex>>,
    events: Vec<Located<'a, crate::Event>>,
    metrics: Vec<Located<'a, crate::Metric>>,
    entities: Vec<Located<'a, chronicle_entities::Mention>>,
    quantities: Vec<Located<'a, chronicle_numbers::Quantity>>,
    claims: Vec<Located<'a, crate::Claim>>,
}

struct Locator<'a> {
    text: &'a str,
    offsets: CharOffsets,
    sentences: &'a [Span],
}

impl<'a> Locator<'a> {
    fn locate<T: Serialize>(&self, span: Span, fact: &'a T) -> Located<'a, T> {
        let sentence = match self.sentences.binary_search_by(|s| s.start.cmp(&span.start)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        Located {
            text: span.of(self.text),
            start: self.offsets.get(span.start),
            end: self.offsets.get(span.end),
            sentence,
            fact,
        }
    }

    fn all<T: Serialize>(&self, facts: &'a [T], span: impl Fn(&T) -> Span) -> Vec<Located<'a, T>> {
        facts.iter().map(|f| self.locate(span(f), f)).collect()
    }
}

/// The extraction line of one document (no trailing newline).
pub fn to_json_line(doc: &Document, ex: &Extraction) -> String {
    let loc = Locator { text: &doc.text, offsets: CharOffsets::new(&doc.text), sentences: &ex.sentences };
    let record = Record {
        id: &doc.id,
        published: ex.dct.date.map(|d| d.to_string()),
        published_source: ex.dct.source,
        timexes: loc.all(&ex.timexes, |t| t.span),
        events: loc.all(&ex.events, |e| e.span),
        metrics: loc.all(&ex.metrics, |m| m.span),
        entities: loc.all(&ex.mentions, |m| m.span),
        quantities: loc.all(&ex.quantities, |q| q.span),
        claims: loc.all(&ex.claims, |c| c.span),
    };
    serde_json::to_string(&record).expect("extraction records always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Extractor;

    #[test]
    fn offsets_are_characters_and_select_the_text() {
        let doc = Document {
            id: "d1".into(),
            published: Some("2015-01-23".into()),
            text: "Da\u{2019}esh lost 19,000 fighters on January 22, 2015.".into(),
            ..Document::default()
        };
        let ex = Extractor::coalition().extract(&doc);
        let line: serde_json::Value = serde_json::from_str(&to_json_line(&doc, &ex)).unwrap();
        let chars: Vec<char> = doc.text.chars().collect();
        for key in ["timexes", "entities", "quantities"] {
            let items = line[key].as_array().unwrap();
            assert!(!items.is_empty(), "{key} is empty");
            for item in items {
                let (s, e) = (item["start"].as_u64().unwrap() as usize, item["end"].as_u64().unwrap() as usize);
                let selected: String = chars[s..e].iter().collect();
                assert_eq!(selected, item["text"].as_str().unwrap());
            }
        }
        assert_eq!(line["published"], "2015-01-23");
        assert_eq!(line["published_source"], "metadata");
    }
}
