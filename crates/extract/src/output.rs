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

mod json;

use crate::Extraction;
use chronicle_core::doc::CharOffsets;
use chronicle_core::{Document, Span};
use serde::Serialize;

/// Writes the line straight into one buffer: each fact's own fields are serialised by its
/// derived `Serialize` (through [`json`], serde_json's bytes at a fraction of its cost) and
/// spliced after the located fields (`text`, `start`, `end`, `sentence`).
/// `#[serde(flatten)]` did the same through a map serialiser that cost a third more
/// instructions than the whole line cost then.
struct Writer<'a> {
    out: String,
    text: &'a str,
    offsets: CharOffsets,
    sentences: &'a [Span],
}

impl Writer<'_> {
    fn value<T: Serialize + ?Sized>(&mut self, v: &T) {
        if json::write(&mut self.out, v).is_err() {
            // A shape the fast writer leaves to serde_json; every value here (strings,
            // numbers, enums and structs of them) has a JSON form.
            if let Ok(line) = serde_json::to_string(v) {
                self.out.push_str(&line);
            }
        }
    }

    fn number(&mut self, n: usize) {
        self.out.push_str(itoa::Buffer::new().format(n));
    }

    /// `,"key":[...]` with each fact located by `span`.
    fn facts<T: Serialize>(&mut self, key: &str, facts: &[T], span: impl Fn(&T) -> Span) {
        self.out.push_str(",\"");
        self.out.push_str(key);
        self.out.push_str("\":[");
        for (i, fact) in facts.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.fact(span(fact), fact);
        }
        self.out.push(']');
    }

    fn fact<T: Serialize>(&mut self, span: Span, fact: &T) {
        let sentence = match self.sentences.binary_search_by(|s| s.start.cmp(&span.start)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        self.out.push_str("{\"text\":");
        json::write_str(&mut self.out, span.of(self.text));
        self.out.push_str(",\"start\":");
        self.number(self.offsets.get(span.start));
        self.out.push_str(",\"end\":");
        self.number(self.offsets.get(span.end));
        self.out.push_str(",\"sentence\":");
        self.number(sentence);
        // The fact's own fields continue this object.
        if json::write_fields(&mut self.out, fact).is_err() {
            // Every fact is a struct of shapes the writer covers; should one not be, its
            // serde_json object continues this one instead.
            match serde_json::to_string(fact).as_deref() {
                Ok("{}") => self.out.push('}'),
                Ok(object) => {
                    self.out.push(',');
                    self.out.push_str(object.strip_prefix('{').unwrap_or(object));
                }
                Err(_) => self.out.push('}'),
            }
        }
    }
}

/// The extraction line of one document (no trailing newline).
pub fn to_json_line(doc: &Document, ex: &Extraction) -> String {
    let mut w = Writer {
        out: String::with_capacity(256 + doc.text.len() * 3),
        text: &doc.text,
        offsets: CharOffsets::new(&doc.text),
        sentences: &ex.sentences,
    };
    w.out.push_str("{\"id\":");
    w.value(&doc.id);
    w.out.push_str(",\"published\":");
    w.value(&ex.dct.date.map(|d| d.to_string()));
    w.out.push_str(",\"published_source\":");
    w.value(&ex.dct.source);
    w.facts("timexes", &ex.timexes, |t| t.span);
    w.facts("events", &ex.events, |e| e.span);
    w.facts("metrics", &ex.metrics, |m| m.span);
    w.facts("entities", &ex.mentions, |m| m.span);
    w.facts("quantities", &ex.quantities, |q| q.span);
    w.facts("claims", &ex.claims, |c| c.span);
    w.out.push('}');
    w.out
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

    /// The spliced objects hold exactly the located fields and the fact's own fields.
    #[test]
    fn facts_carry_their_own_fields_after_the_located_ones() {
        let doc = Document {
            id: "d2".into(),
            published: Some("2017-03-24".into()),
            text: "Kerry said the 68-member coalition carried out more than 19,000 strikes in Iraq \
                   by March 22, 2017."
                .into(),
            ..Document::default()
        };
        let ex = Extractor::coalition().extract(&doc);
        let line: serde_json::Value = serde_json::from_str(&to_json_line(&doc, &ex)).unwrap();
        let own = |v: serde_json::Value| v.as_object().unwrap().clone();
        let cases: Vec<(&str, Vec<serde_json::Map<String, serde_json::Value>>)> = vec![
            ("timexes", ex.timexes.iter().map(|f| own(serde_json::to_value(f).unwrap())).collect()),
            ("metrics", ex.metrics.iter().map(|f| own(serde_json::to_value(f).unwrap())).collect()),
            ("entities", ex.mentions.iter().map(|f| own(serde_json::to_value(f).unwrap())).collect()),
            ("quantities", ex.quantities.iter().map(|f| own(serde_json::to_value(f).unwrap())).collect()),
            ("claims", ex.claims.iter().map(|f| own(serde_json::to_value(f).unwrap())).collect()),
        ];
        for (key, facts) in cases {
            let items = line[key].as_array().unwrap();
            assert!(!items.is_empty(), "{key} is empty");
            assert_eq!(items.len(), facts.len(), "{key}");
            for (item, fact) in items.iter().zip(facts) {
                let mut item = own(item.clone());
                for located in ["text", "start", "end", "sentence"] {
                    assert!(item.remove(located).is_some(), "{key}: no {located}");
                }
                assert_eq!(item, fact, "{key}");
            }
        }
    }
}
