//! The event rules measured on their own: the dev corpus with its gold timexes and entities.
//!
//! The events F1 of `score.py` moves with the time and entity stages, which other work
//! improves; this test feeds the event rules the annotators' timexes and entities instead, so
//! that it measures (and guards) the event rules alone. It skips when `../shared` is absent.
//! `EVENTS_ORACLE_VERBOSE=1` prints every miss.

use chronicle_core::{Span, Text};
use chronicle_entities::{EntityType, Mention};
use chronicle_extract::events::{Event, EventRules};
use chronicle_extract::{Context, Pack};
use chronicle_time::{Dct, DctSource, Timex, TimexType};
use serde_json::Value;
use std::sync::Arc;

mod events_common;
use events_common::{f1, lines, match_events, shared, Pred};

fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(b, _)| b)
}

fn timexes(text: &str, gold: &Value) -> Vec<Timex> {
    gold["timexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let start = byte_offset(text, t["start"].as_u64().unwrap() as usize);
            let end = byte_offset(text, t["end"].as_u64().unwrap() as usize);
            let kind = match t["type"].as_str().unwrap() {
                "TIME" => TimexType::Time,
                "DURATION" => TimexType::Duration,
                "SET" => TimexType::Set,
                _ => TimexType::Date,
            };
            Timex {
                span: Span::new(start, end),
                kind,
                value: t["value"].as_str().unwrap().to_string(),
                modifier: None,
                rule: "gold",
            }
        })
        .collect()
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric())
}

/// Gold entities carry no offsets: each is found at or after the previous one.
fn mentions(text: &str, gold: &Value) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for e in gold["entities"].as_array().unwrap() {
        let needle = e["text"].as_str().unwrap();
        let mut from = cursor;
        let found = loop {
            let Some(k) = text[from..].find(needle) else { break None };
            let s = from + k;
            let t = s + needle.len();
            let free = !out.iter().any(|m: &Mention| m.span.start == s && m.span.end == t);
            if free && !is_word(text[..s].chars().next_back()) && !is_word(text[t..].chars().next()) {
                break Some(s);
            }
            from = s + needle.len().max(1);
            while !text.is_char_boundary(from) {
                from += 1;
            }
        };
        let Some(s) = found else { continue };
        cursor = s;
        let kind: EntityType = serde_json::from_value(e["type"].clone()).unwrap();
        out.push(Mention {
            span: Span::new(s, s + needle.len()),
            canonical: Arc::from(e["canonical"].as_str().unwrap()),
            kind,
            rule: "gold",
        });
    }
    out.sort_by_key(|m| m.span.start);
    out
}

#[test]
fn event_rules_on_gold_timexes_and_entities() {
    let Some(dir) = shared() else {
        eprintln!("../shared absent: skipping");
        return;
    };
    let verbose = std::env::var_os("EVENTS_ORACLE_VERBOSE").is_some();
    let docs = lines(dir.join("docs.jsonl"));
    let golds = lines(dir.join("gold.jsonl"));
    let rules = EventRules::new(&Pack::coalition()).unwrap();
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    for (doc, gold) in docs.iter().zip(&golds) {
        assert_eq!(doc["id"], gold["id"]);
        let text = doc["text"].as_str().unwrap();
        let analysis = Text::new(text);
        let tx = timexes(text, gold);
        let ms = mentions(text, gold);
        let date = gold["published"].as_str().and_then(|d| d.parse().ok());
        let ctx = Context {
            text: &analysis,
            dct: Dct { date, source: DctSource::Metadata },
            timexes: &tx,
            quantities: &[],
            mentions: &ms,
        };
        let mut events: Vec<Event> = rules.apply(&ctx);
        events.dedup_by(|a, b| a.kind == b.kind && a.date == b.date && a.place == b.place);
        let pred: Vec<Pred> = events.iter().map(|e| (e.kind.clone(), e.date.clone(), e.place.clone())).collect();
        let gold_events = gold["events"].as_array().unwrap();
        let (hits, missed, extra) = match_events(&pred, gold_events);
        tp += hits;
        np += pred.len();
        ng += gold_events.len();
        if verbose {
            for m in missed {
                eprintln!("{} - {m}", doc["id"]);
            }
            for i in extra {
                let p = &events[i];
                eprintln!("{} + {} {:?} {:?} [{}] {:?}", doc["id"], p.kind, p.date, p.place, p.rule, p.span.of(text));
            }
        }
    }
    let (p, r, f1) = f1(tp, np, ng);
    eprintln!("events on gold timexes and entities: P {p:.3} R {r:.3} F1 {f1:.3} (tp {tp}, pred {np}, gold {ng})");
    assert!(f1 >= 0.9, "event rules alone fall below 0.9 F1: {f1:.3}");
}
