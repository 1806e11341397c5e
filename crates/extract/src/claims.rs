//! Claims: who said what.
//!
//! Not yet implemented: the seam exists so that the pack format, the output and the store
//! already carry claims. `apply` returns no claims until the actors issue lands.

use crate::metrics::Metric;
use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::Span;
use serde::{Deserialize, Serialize};

/// The attribution cues of a pack.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimCues {
    /// Verbs of saying ("said", "told", "stressed").
    #[serde(default)]
    pub verbs: Vec<String>,
}

impl ClaimCues {
    pub fn extend(&mut self, other: ClaimCues) {
        self.verbs.extend(other.verbs);
    }
}

/// One attributed statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    #[serde(skip)]
    pub span: Span,
    pub speaker: Option<String>,
    pub cue: String,
    pub metrics: Vec<usize>,
    pub rule: String,
}

/// The compiled claim rules of a pack.
pub struct ClaimRules {}

impl ClaimRules {
    pub fn new(_pack: &Pack) -> Result<ClaimRules, PackError> {
        Ok(ClaimRules {})
    }

    pub fn apply(&self, _ctx: &Context, _metrics: &[Metric]) -> Vec<Claim> {
        Vec::new()
    }
}
