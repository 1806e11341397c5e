//! Timeline events: meetings, liberations, operations, members joining, attacks.
//!
//! Not yet implemented: the rules exist as a seam so that the pack format, the output and
//! the store already carry events. `apply` returns no events until the event issue lands.

use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::Span;
use serde::{Deserialize, Serialize};

/// One event trigger definition of a pack.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub triggers: Vec<String>,
}

/// One dated happening.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    #[serde(skip)]
    pub span: Span,
    #[serde(rename = "type")]
    pub kind: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub rule: String,
}

/// The compiled event rules of a pack.
pub struct EventRules {}

impl EventRules {
    pub fn new(_pack: &Pack) -> Result<EventRules, PackError> {
        Ok(EventRules {})
    }

    pub fn apply(&self, _ctx: &Context) -> Vec<Event> {
        Vec::new()
    }
}
