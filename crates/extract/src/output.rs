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

use crate::{Claim, Event, Extraction, Metric};
use chronicle_core::doc::CharOffsets;
use chronicle_core::{Document, Span};
use chronicle_entities::{EntityType, Mention};
use chronicle_numbers::Quantity;
use chronicle_time::{Timex, TimexType};
use json::{key, str_key, Fields, Line};

/// A fact of the line: where it stands, and its own fields after the located ones.
///
/// Each fact type writes its fields by hand, in the order and with the omissions of its
/// derived `Serialize` (which the scorers and the ledger read back through serde), one literal
/// key and one value writer each: going through the derived `Serialize` cost about twice as
/// much per fact. The tests hold every type to its `Serialize`, field for field.
trait Fact {
    fn span(&self) -> Span;
    /// Writes `,"name":value` for each of the fact's own fields.
    fn fields(&self, f: &mut Fields);
}

impl Fact for Timex {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.plain(str_key!("type"), timex_type(self.kind));
        f.str(str_key!("value"), &self.value);
        if let Some(m) = self.modifier {
            f.str(str_key!("mod"), m);
        }
        f.str(str_key!("rule"), self.rule);
    }
}

impl Fact for Event {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.str(str_key!("type"), &self.kind);
        f.opt_str(key!("date"), self.date.as_deref());
        f.opt_str(key!("place"), self.place.as_deref());
        f.str(str_key!("rule"), &self.rule);
        if !self.hosts.is_empty() {
            f.strs(key!("hosts"), &self.hosts);
        }
        if !self.participants.is_empty() {
            f.strs(key!("participants"), &self.participants);
        }
    }
}

impl Fact for Metric {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.str(str_key!("metric"), &self.metric);
        f.number(key!("value"), self.value);
        f.opt_number(key!("value_max"), self.value_max);
        f.str(str_key!("qualifier"), self.qualifier.as_str());
        f.opt_str(key!("as_of"), self.as_of.as_deref());
        f.opt_str(key!("scope"), self.scope.as_deref());
        f.uint(key!("quantity"), self.quantity as u64);
        f.str(str_key!("rule"), &self.rule);
    }
}

impl Fact for Mention {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.str(str_key!("canonical"), &self.canonical);
        f.plain(str_key!("type"), entity_type(self.kind));
        f.str(str_key!("rule"), self.rule);
    }
}

impl Fact for Quantity {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.number(key!("value"), self.value);
        f.opt_number(key!("value_max"), self.value_max);
        f.str(str_key!("qualifier"), self.qualifier.as_str());
        f.str(str_key!("unit"), self.unit);
        f.str(str_key!("rule"), self.rule);
        f.str(str_key!("counted"), &self.counted);
        if let Some(m) = &self.modifier {
            f.str(str_key!("modifier"), m);
        }
    }
}

impl Fact for Claim {
    fn span(&self) -> Span {
        self.span
    }

    fn fields(&self, f: &mut Fields) {
        f.opt_str(key!("speaker"), self.speaker.as_deref());
        f.str(str_key!("cue"), &self.cue);
        f.uints(key!("metrics"), &self.metrics);
        f.str(str_key!("rule"), self.rule);
        if let Some(s) = &self.speaker_text {
            f.str(str_key!("speaker_text"), s);
        }
        if let Some(q) = &self.quote {
            f.str(str_key!("quote"), q);
        }
    }
}

/// A timex type as its `Serialize` names it (a test holds every type to it): a copy where
/// the serializer went through its unit-variant path.
fn timex_type(t: TimexType) -> &'static str {
    match t {
        TimexType::Date => "DATE",
        TimexType::Time => "TIME",
        TimexType::Duration => "DURATION",
        TimexType::Set => "SET",
    }
}

/// An entity type as its `Serialize` names it (a test holds every type to it).
fn entity_type(t: EntityType) -> &'static str {
    match t {
        EntityType::Country => "country",
        EntityType::Organization => "organization",
        EntityType::ArmedGroup => "armed_group",
        EntityType::Person => "person",
        EntityType::City => "city",
        EntityType::Region => "region",
    }
}

/// Writes the line straight into one buffer, reserved once from an estimate of its length.
struct Writer<'a> {
    out: Line,
    text: &'a str,
    /// The character offsets of the text's bytes; `None` for an ASCII text (most reports),
    /// whose offsets are its byte offsets, so that a fact's offsets cost no call.
    offsets: Option<CharOffsets>,
    sentences: &'a [Span],
    /// The sentence of the last fact written: facts come in text order, kind by kind, so the
    /// next one's sentence is most often this one or a few after it.
    sentence: usize,
}

impl Writer<'_> {
    /// The index of the sentence holding byte `pos`: the last one starting at or before it
    /// (the first when none does), walked to from the last fact's, or searched for when the
    /// fact stands before that one's.
    fn sentence_of(&mut self, pos: usize) -> usize {
        let s = self.sentences;
        let mut i = self.sentence;
        if s.get(i).is_some_and(|x| x.start > pos) {
            i = match s.binary_search_by(|x| x.start.cmp(&pos)) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            };
        } else {
            while s.get(i + 1).is_some_and(|x| x.start <= pos) {
                i += 1;
            }
        }
        self.sentence = i;
        i
    }

    /// `,"key":[...]`, each fact located by its span.
    /// `open` is the list's key and its opening bracket, as one literal.
    fn facts<T: Fact>(&mut self, open: &'static str, facts: &[T]) {
        self.out.push_str(open);
        if let Some((first, rest)) = facts.split_first() {
            self.fact(first, "{\"text\":\"");
            for fact in rest {
                self.fact(fact, ",{\"text\":\"");
            }
        }
        self.out.push(']');
    }

    /// `open` is the fact's opening up to its text, with the comma before it if any.
    #[inline(always)]
    fn fact<T: Fact>(&mut self, fact: &T, open: &'static str) {
        let span = fact.span();
        let sentence = self.sentence_of(span.start);
        self.out.push_str(open);
        json::write_str_body(&mut self.out, span.of(self.text));
        let (start, end) = match &self.offsets {
            None => (span.start, span.end),
            Some(o) => (o.get(span.start), o.get(span.end)),
        };
        self.out.located(start as u64, end as u64, sentence as u64);
        fact.fields(&mut Fields { out: &mut self.out });
        self.out.push('}');
    }
}

/// About how many bytes of the line a fact takes beyond its text (keys, offsets, names).
const FACT_BYTES: usize = 160;

/// The extraction line of one document (no trailing newline).
pub fn to_json_line(doc: &Document, ex: &Extraction) -> String {
    // Reserved once: the facts' texts and their fields, plus room for the caller's newline.
    let texts: usize = [
        ex.timexes.iter().map(|f| f.span.len()).sum::<usize>(),
        ex.events.iter().map(|f| f.span.len()).sum(),
        ex.metrics.iter().map(|f| f.span.len()).sum(),
        ex.mentions.iter().map(|f| 2 * f.span.len()).sum(),
        ex.quantities.iter().map(|f| f.span.len() + f.counted.len()).sum(),
        ex.claims.iter().map(|f| f.span.len() + f.quote.as_ref().map_or(0, String::len)).sum(),
    ]
    .iter()
    .sum();
    let mut w = Writer {
        out: Line::with_capacity(256 + doc.id.len() + texts + FACT_BYTES * ex.fact_count()),
        text: &doc.text,
        offsets: (!doc.text.is_ascii()).then(|| CharOffsets::new(&doc.text)),
        sentences: &ex.sentences,
        sentence: 0,
    };
    w.out.push_str("{\"id\":");
    json::write_value(&mut w.out, &doc.id);
    w.out.push_str(key!("published"));
    json::write_value(&mut w.out, &ex.dct.date.map(|d| d.to_string()));
    w.out.push_str(key!("published_source"));
    json::write_value(&mut w.out, &ex.dct.source);
    w.facts(concat!(key!("timexes"), "["), &ex.timexes);
    w.facts(concat!(key!("events"), "["), &ex.events);
    w.facts(concat!(key!("metrics"), "["), &ex.metrics);
    w.facts(concat!(key!("entities"), "["), &ex.mentions);
    w.facts(concat!(key!("quantities"), "["), &ex.quantities);
    w.facts(concat!(key!("claims"), "["), &ex.claims);
    w.out.push('}');
    w.out.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Extractor;
    use chronicle_core::Qualifier;
    use serde::Serialize;
    use std::sync::OnceLock;

    fn extractor() -> &'static Extractor {
        static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
        EXTRACTOR.get_or_init(Extractor::coalition)
    }

    /// The line as serde_json writes it: each fact's located fields, then its derived
    /// `Serialize` object continued (what the line was before the facts wrote their own fields).
    fn reference_line(doc: &Document, ex: &Extraction) -> String {
        fn facts<T: Serialize>(
            out: &mut String,
            key: &str,
            facts: &[T],
            span: impl Fn(&T) -> Span,
            ctx: (&str, &CharOffsets, &[Span]),
        ) {
            let (text, offsets, sentences) = ctx;
            out.push_str(&format!(",\"{key}\":["));
            for (i, fact) in facts.iter().enumerate() {
                let span = span(fact);
                let sentence = match sentences.binary_search_by(|s| s.start.cmp(&span.start)) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                let own = serde_json::to_string(fact).unwrap();
                out.push_str(&format!(
                    "{}{{\"text\":{},\"start\":{},\"end\":{},\"sentence\":{sentence},{}",
                    if i > 0 { "," } else { "" },
                    serde_json::to_string(span.of(text)).unwrap(),
                    offsets.get(span.start),
                    offsets.get(span.end),
                    &own[1..]
                ));
            }
            out.push(']');
        }
        let offsets = CharOffsets::new(&doc.text);
        let ctx = (doc.text.as_str(), &offsets, ex.sentences.as_slice());
        let mut out = format!(
            "{{\"id\":{},\"published\":{},\"published_source\":{}",
            serde_json::to_string(&doc.id).unwrap(),
            serde_json::to_string(&ex.dct.date.map(|d| d.to_string())).unwrap(),
            serde_json::to_string(&ex.dct.source).unwrap()
        );
        facts(&mut out, "timexes", &ex.timexes, |f| f.span, ctx);
        facts(&mut out, "events", &ex.events, |f| f.span, ctx);
        facts(&mut out, "metrics", &ex.metrics, |f| f.span, ctx);
        facts(&mut out, "entities", &ex.mentions, |f| f.span, ctx);
        facts(&mut out, "quantities", &ex.quantities, |f| f.span, ctx);
        facts(&mut out, "claims", &ex.claims, |f| f.span, ctx);
        out.push('}');
        out
    }

    /// The kinds' names are the ones their `Serialize` writes.
    #[test]
    fn kinds_are_named_as_serialized() {
        for t in [TimexType::Date, TimexType::Time, TimexType::Duration, TimexType::Set] {
            assert_eq!(serde_json::to_value(t).unwrap(), timex_type(t), "{t:?}");
        }
        for t in [
            EntityType::Country,
            EntityType::Organization,
            EntityType::ArmedGroup,
            EntityType::Person,
            EntityType::City,
            EntityType::Region,
        ] {
            assert_eq!(serde_json::to_value(t).unwrap(), entity_type(t), "{t:?}");
        }
    }

    /// Facts of every type, with every optional field present and absent, written by hand as
    /// their `Serialize` writes them.
    #[test]
    fn every_fact_type_writes_its_serialize_fields() {
        let text = "Kerry said \"ISIS\" lost 2.5 km2\\ of Mosul\u{2019}s east on May 1.\nNext line.";
        let doc = Document { id: "a\"b".into(), text: text.into(), ..Document::default() };
        let span = |a: usize, b: usize| Span::new(a, b);
        let mut ex = Extractor::coalition().extract(&doc);
        ex.timexes = vec![
            Timex {
                span: span(60, 65),
                kind: TimexType::Date,
                value: "XXXX-05-01".into(),
                modifier: None,
                rule: "t.a",
            },
            Timex {
                span: span(60, 65),
                kind: TimexType::Duration,
                value: "P1D".into(),
                modifier: Some("APPROX"),
                rule: "t\"b",
            },
        ];
        ex.events = vec![
            Event {
                span: span(23, 27),
                kind: "liberation".into(),
                date: Some("2015-05-01".into()),
                place: None,
                rule: "event.x".into(),
                hosts: vec![],
                participants: vec![],
            },
            Event {
                span: span(0, 5),
                kind: "meeting".into(),
                date: None,
                place: Some("Mosul\n".into()),
                rule: "event.y".into(),
                hosts: vec!["Kerry".into()],
                participants: vec!["Iraq".into(), "Jordan".into()],
            },
        ];
        ex.metrics = vec![
            Metric {
                span: span(28, 38),
                metric: "area".into(),
                value: 2.5,
                value_max: None,
                qualifier: Qualifier::MoreThan,
                as_of: Some("2015-05-01".into()),
                scope: None,
                quantity: 0,
                rule: "metric.a".into(),
            },
            Metric {
                span: span(28, 31),
                metric: "area".into(),
                value: 3.0,
                value_max: Some(1e21),
                qualifier: Qualifier::Exact,
                as_of: None,
                scope: Some("Iraq".into()),
                quantity: 12,
                rule: "metric.b".into(),
            },
        ];
        ex.mentions = vec![
            Mention { span: span(0, 5), canonical: "John Kerry".into(), kind: EntityType::Person, rule: "g" },
            Mention { span: span(43, 48), canonical: "Mosul".into(), kind: EntityType::ArmedGroup, rule: "g" },
        ];
        ex.quantities = vec![
            Quantity {
                span: span(28, 31),
                value: 2.5,
                value_max: Some(4.0),
                qualifier: Qualifier::Approx,
                unit: "km2",
                rule: "n.a",
                counted: String::new(),
                counted_span: None,
                modifier: None,
                tokens: (0, 0),
                sentence: 0,
            },
            Quantity {
                span: span(28, 31),
                value: -0.5,
                value_max: None,
                qualifier: Qualifier::LessThan,
                unit: "count",
                rule: "n.b",
                counted: "km2\\".into(),
                counted_span: None,
                modifier: Some("member".into()),
                tokens: (0, 0),
                sentence: 0,
            },
        ];
        ex.claims = vec![
            Claim {
                span: span(0, 64),
                speaker: None,
                cue: "said".into(),
                metrics: vec![],
                rule: "claims.verb",
                speaker_text: None,
                quote: None,
                quote_span: None,
            },
            Claim {
                span: span(66, 76),
                speaker: Some("John Kerry".into()),
                cue: "said".into(),
                metrics: vec![0, 1],
                rule: "claims.verb",
                speaker_text: Some("Kerry".into()),
                quote: Some("ISIS\"".into()),
                quote_span: None,
            },
        ];
        assert_eq!(to_json_line(&doc, &ex), reference_line(&doc, &ex));
    }

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

    /// The dev reports' lines are the ones serde_json writes (skipped when `../shared` is absent).
    #[test]
    fn dev_lines_are_serde_json_lines() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/dev/docs.jsonl");
        let Ok(docs) = std::fs::read_to_string(path) else {
            eprintln!("../shared absent: skipping");
            return;
        };
        for line in docs.lines().filter(|l| !l.trim().is_empty()) {
            let doc: Document = serde_json::from_str(line).unwrap();
            let ex = extractor().extract(&doc);
            assert_eq!(to_json_line(&doc, &ex), reference_line(&doc, &ex), "{}", doc.id);
        }
    }

    proptest::proptest! {
        /// Whatever the text, the line is the one serde_json writes.
        #[test]
        fn lines_are_serde_json_lines(words in proptest::collection::vec(
            proptest::sample::select(vec!["On", "March", "22", ",", "2017", "the", "68-member", "Global",
                "Coalition", "ISIS", "liberated", "Mosul", "more than", "19,000", "strikes", "Kerry",
                "said", ".", "\n", "last week", "$", "1.2", "billion", "percent", "Da\u{2019}esh", "\u{201c}",
                "\"", "\\", "\t", "met", "in", "Paris", "according to", "officials", "about", "2.5"]), 0..80)) {
            let ex = extractor();
            let doc = Document { id: "p\"1".into(), text: words.join(" "), published: Some("2015-01-23".into()), ..Document::default() };
            let out = ex.extract(&doc);
            proptest::prop_assert_eq!(to_json_line(&doc, &out), reference_line(&doc, &out));
        }
    }
}
