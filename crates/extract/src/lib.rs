//! chronicle's extraction pipeline: one document in, its typed facts out.
//!
//! The stages (time, numbers, entities) each live in their own crate and know nothing of each
//! other; this crate runs them over a shared [`Text`] analysis and then applies the domain
//! pack ([`Pack`]), which turns generic facts into campaign facts: metrics, events, claims.
//! The claim cues and the event triggers are found in one walk over the text's word starts
//! (a `cues` table of both lists), and the mentions are indexed once for both rule sets.
//! It does no I/O; `extract` is a pure function of the document and the pack, so the same
//! input gives the same output byte for byte.

pub mod claims;
mod cues;
pub mod events;
pub mod metrics;
pub mod output;
pub mod pack;

use chronicle_core::{Document, Span, Text};
use chronicle_entities::{Gazetteer, Mention};
use chronicle_numbers::Quantity;
use chronicle_time::{Dct, Timex};
use std::cell::OnceCell;

pub use claims::Claim;
pub use events::Event;
pub use metrics::Metric;
pub use pack::{Pack, PackError};

/// Everything extracted from one document. Spans are byte offsets into the document's text.
#[derive(Clone, Debug)]
pub struct Extraction {
    pub dct: Dct,
    pub sentences: Vec<Span>,
    pub timexes: Vec<Timex>,
    pub quantities: Vec<Quantity>,
    pub mentions: Vec<Mention>,
    pub metrics: Vec<Metric>,
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
}

impl Extraction {
    /// How many facts of every kind were extracted (benchmarks print it, so that a change
    /// which silently extracts nothing shows).
    pub fn fact_count(&self) -> usize {
        self.timexes.len()
            + self.quantities.len()
            + self.mentions.len()
            + self.metrics.len()
            + self.events.len()
            + self.claims.len()
    }
}

/// The extraction pipeline, built once (automata, regexes, the pack) and shared by threads.
pub struct Extractor {
    time: chronicle_time::Tagger,
    numbers: chronicle_numbers::Tagger,
    gazetteer: Gazetteer,
    metrics: metrics::MetricRules,
    events: events::EventRules,
    claims: claims::ClaimRules,
    /// The claim cues (list [`CLAIM_CUES`]) and the event triggers (list [`EVENT_TRIGGERS`]),
    /// found in one walk.
    cues: cues::CueTable,
}

/// The list of the claim cues in [`Extractor`]'s cue table.
const CLAIM_CUES: usize = 0;
/// The list of the event triggers in [`Extractor`]'s cue table.
const EVENT_TRIGGERS: usize = 1;

impl Extractor {
    /// An extractor for the given domain pack.
    pub fn new(pack: &Pack) -> Result<Extractor, PackError> {
        let events = events::EventRules::new(pack)?;
        let claims = claims::ClaimRules::new(pack)?;
        let mut lists: [&[String]; 2] = [&[], &[]];
        lists[CLAIM_CUES] = claims.cue_phrases();
        lists[EVENT_TRIGGERS] = events.trigger_phrases();
        let cues = cues::CueTable::of_lists(&lists)
            .map_err(|e| PackError::Invalid { source_name: "claims and events".into(), message: e.to_string() })?;
        Ok(Extractor {
            time: chronicle_time::Tagger::new(),
            numbers: chronicle_numbers::Tagger::new(),
            gazetteer: pack.gazetteer(),
            metrics: metrics::MetricRules::new(pack)?,
            events,
            claims,
            cues,
        })
    }

    /// An extractor for the built-in coalition pack.
    pub fn coalition() -> Extractor {
        Extractor::new(&Pack::coalition()).expect("the built-in pack is valid (tested)")
    }

    /// Extracts every fact from one document. Never panics on any input.
    pub fn extract(&self, doc: &Document) -> Extraction {
        let mut text = Text::new(&doc.text);
        let time = self.time.analyse(doc, &text);
        let quantities = self.numbers.tag(&text);
        let mentions = self.gazetteer.tag(&text);
        let ctx = Context {
            text: &text,
            dct: time.dct,
            timexes: &time.timexes,
            quantities: &quantities,
            mentions: &mentions,
        };
        let metrics = self.metrics.apply(&ctx);
        let found = self.cues.find_each(&text);
        let index = OnceCell::new();
        let events = self.events.apply_found(&ctx, &found[EVENT_TRIGGERS], &index);
        let claims = self.claims.apply_found(&ctx, &metrics, &found[CLAIM_CUES], &index);
        Extraction {
            dct: time.dct,
            // Every stage is done with the text: its sentences move out.
            sentences: std::mem::take(&mut text.sentences),
            timexes: time.timexes,
            quantities,
            mentions,
            metrics,
            events,
            claims,
        }
    }
}

/// What the domain rules see of a document: the text and the generic facts found in it.
pub struct Context<'a> {
    pub text: &'a Text<'a>,
    pub dct: Dct,
    pub timexes: &'a [Timex],
    pub quantities: &'a [Quantity],
    pub mentions: &'a [Mention],
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// One extractor for every case: building it (automata, gazetteer) is the costly part,
    /// and the property under test is about `extract`, not construction.
    fn extractor() -> &'static Extractor {
        static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
        EXTRACTOR.get_or_init(Extractor::coalition)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn extract_never_panics(text in "\\PC{0,300}", published in proptest::option::of("[0-9-]{0,12}")) {
            let ex = extractor();
            let doc = Document { id: "p".into(), published, text, ..Document::default() };
            let out = ex.extract(&doc);
            let line = output::to_json_line(&doc, &out);
            proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&line).is_ok());
        }

        #[test]
        fn extract_never_panics_on_report_like_text(words in proptest::collection::vec(
            proptest::sample::select(vec!["On", "March", "22", ",", "2017", "the", "68-member", "Global",
                "Coalition", "ISIS", "liberated", "Mosul", "more than", "19,000", "strikes", "Kerry",
                "said", ".", "\n", "last week", "$", "1.2", "billion", "percent", "Da\u{2019}esh", "\u{201c}",
                "between", "and", "to", "-", "Tuesday", "U.S.", "mid-2015", "%"]), 0..60)) {
            let ex = extractor();
            let doc = Document { id: "p".into(), text: words.join(" "), published: Some("2015-01-23".into()), ..Document::default() };
            let out = ex.extract(&doc);
            let _ = output::to_json_line(&doc, &out);
        }
    }
}
