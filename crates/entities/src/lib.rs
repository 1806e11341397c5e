//! Entities: every mention of an actor or place, resolved to its canonical name.
//!
//! Reports name one actor many ways (ISIS, ISIL, Daesh, the Islamic State); analysts need
//! them as one. A [`Gazetteer`] is built once from alias tables (the country and city data
//! files and the domain pack's actors) into one automaton, and tags each document in one
//! pass. It does no I/O: the tables are handed to it.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chronicle_core::{Span, Text};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What an entity is (`corpus/FORMAT.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Country,
    Organization,
    ArmedGroup,
    Person,
    City,
    Region,
}

/// One mention of an entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    #[serde(skip)]
    pub span: Span,
    pub canonical: Arc<str>,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub rule: &'static str,
}

/// Collects aliases, then builds a [`Gazetteer`].
#[derive(Default)]
pub struct GazetteerBuilder {
    aliases: Vec<(String, Arc<str>, EntityType)>,
}

impl GazetteerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `alias` as a name of `canonical`.
    pub fn add(&mut self, alias: &str, canonical: &str, kind: EntityType) -> &mut Self {
        self.aliases.push((alias.to_string(), Arc::from(canonical), kind));
        self
    }

    pub fn build(self) -> Gazetteer {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(self.aliases.iter().map(|a| a.0.as_str()))
            .expect("gazetteer automaton builds");
        Gazetteer { automaton, aliases: self.aliases }
    }
}

/// The alias automaton; build once, share across threads.
pub struct Gazetteer {
    automaton: AhoCorasick,
    aliases: Vec<(String, Arc<str>, EntityType)>,
}

impl Gazetteer {
    /// Tags every whole-word alias occurrence.
    pub fn tag(&self, text: &Text) -> Vec<Mention> {
        self.automaton
            .find_iter(text.text)
            .filter(|m| text.on_word_boundaries(Span::new(m.start(), m.end())))
            .map(|m| {
                let (_, canonical, kind) = &self.aliases[m.pattern().as_usize()];
                Mention {
                    span: Span::new(m.start(), m.end()),
                    canonical: canonical.clone(),
                    kind: *kind,
                    rule: "gazetteer",
                }
            })
            .collect()
    }
}
