//! Domain packs: the campaign knowledge that turns generic facts into campaign facts.
//!
//! A pack is data, not code (STYLE.md, "domain knowledge is data"): the actors of a campaign
//! and their aliases, the metrics it is measured by and the cues that identify them, the
//! event triggers of its timeline, the verbs that attribute a claim. The coalition pack is
//! built in (the TOML files under `packs/coalition/`, compiled into the binary); a user can
//! extend or replace it with a file of their own (`--domain FILE`). A second campaign is a
//! new pack, not new code.

use crate::{claims, events, metrics};
use chronicle_entities::{EntityType, Gazetteer, GazetteerBuilder};
use serde::Deserialize;
use std::sync::Mutex;

/// The built-in coalition pack, one TOML file per concern, merged in this order.
const COALITION: &[(&str, &str)] = &[
    ("packs/coalition/actors.toml", include_str!("../../../packs/coalition/actors.toml")),
    ("packs/coalition/metrics.toml", include_str!("../../../packs/coalition/metrics.toml")),
    ("packs/coalition/events.toml", include_str!("../../../packs/coalition/events.toml")),
    ("packs/coalition/claims.toml", include_str!("../../../packs/coalition/claims.toml")),
];

/// A pack could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{source_name}: {message}")]
    Parse { source_name: String, message: String },
    #[error("{source_name}: {message}")]
    Invalid { source_name: String, message: String },
}

/// Descriptive header of a pack.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// One actor and its aliases.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorDef {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A domain pack: everything the domain stage knows of one campaign.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    #[serde(default)]
    pub pack: PackInfo,
    #[serde(default, rename = "actor")]
    pub actors: Vec<ActorDef>,
    #[serde(default, rename = "metric")]
    pub metrics: Vec<metrics::MetricDef>,
    /// Cues every metric rule shares (scope prepositions, demonyms, the theatre).
    #[serde(default)]
    pub metric_settings: metrics::MetricSettings,
    #[serde(default, rename = "event")]
    pub events: Vec<events::EventDef>,
    #[serde(default)]
    pub event_words: events::EventWords,
    #[serde(default)]
    pub claims: claims::ClaimCues,
}

impl Pack {
    /// Parses one pack file; `source_name` names it in errors.
    pub fn parse(source_name: &str, toml_text: &str) -> Result<Pack, PackError> {
        toml::from_str(toml_text)
            .map_err(|e| PackError::Parse { source_name: source_name.to_string(), message: e.to_string() })
    }

    /// The built-in coalition pack.
    pub fn coalition() -> Pack {
        let mut pack = Pack::default();
        for (name, text) in COALITION {
            pack.extend(Pack::parse(name, text).expect("built-in pack parses (tested)"));
        }
        pack
    }

    /// Adds another pack's knowledge to this one (a user's file extending the built-in pack).
    pub fn extend(&mut self, other: Pack) {
        if !other.pack.name.is_empty() {
            self.pack = other.pack;
        }
        self.actors.extend(other.actors);
        self.metrics.extend(other.metrics);
        self.metric_settings.extend(other.metric_settings);
        self.events.extend(other.events);
        self.event_words.extend(other.event_words);
        self.claims.extend(other.claims);
    }

    /// The alias automaton: the world tables (countries, cities, given names) and this pack's
    /// actors, which override a world alias they share ("Raqqa" the campaign's city).
    /// Built once per distinct actor list in a process: a clone shares the automaton.
    pub fn gazetteer(&self) -> Gazetteer {
        static BUILT: Mutex<Vec<(Vec<ActorDef>, Gazetteer)>> = Mutex::new(Vec::new());
        let mut built = BUILT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, g)) = built.iter().find(|(actors, _)| *actors == self.actors) {
            return g.clone();
        }
        let mut b = GazetteerBuilder::world();
        for a in &self.actors {
            b.add(&a.canonical, &a.canonical, a.kind);
            for alias in &a.aliases {
                b.add(alias, &a.canonical, a.kind);
            }
        }
        let g = b.build();
        if built.len() >= 4 {
            built.remove(0);
        }
        built.push((self.actors.clone(), g.clone()));
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_pack_parses_and_builds() {
        let pack = Pack::coalition();
        assert!(!pack.actors.is_empty());
        assert!(!pack.metrics.is_empty());
        crate::Extractor::new(&pack).unwrap();
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_source() {
        let err = Pack::parse("my.toml", "[[metric]]\nname = \"x\"\nbogus = 1\n").unwrap_err();
        assert!(err.to_string().starts_with("my.toml:"), "{err}");
    }
}
