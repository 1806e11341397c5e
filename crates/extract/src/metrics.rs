//! Campaign metrics: which figures count what, by the domain pack's cues.
//!
//! A quantity becomes a metric when its sentence says what it counts (METRICS.md). The pack
//! lists, for each metric, the nouns the figure counts; a figure whose counted noun follows it
//! in the same sentence gets that metric. `as_of` is the report's creation date.

use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::num::{serialize_number, serialize_opt_number};
use chronicle_core::{Qualifier, Span};
use serde::{Deserialize, Serialize};

/// One metric of a pack.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_unit")]
    pub unit: String,
    #[serde(default)]
    pub cumulative: bool,
    /// Nouns the figure counts ("strikes", "fighters").
    #[serde(default)]
    pub nouns: Vec<String>,
}

fn default_unit() -> String {
    "count".to_string()
}

/// One campaign figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    #[serde(skip)]
    pub span: Span,
    pub metric: String,
    #[serde(serialize_with = "serialize_number")]
    pub value: f64,
    #[serde(serialize_with = "serialize_opt_number")]
    pub value_max: Option<f64>,
    pub qualifier: Qualifier,
    pub as_of: Option<String>,
    pub scope: Option<String>,
    /// Index of the quantity it was read from.
    pub quantity: usize,
    pub rule: String,
}

/// The compiled metric cues of a pack.
pub struct MetricRules {
    defs: Vec<(String, Vec<String>)>,
}

impl MetricRules {
    pub fn new(pack: &Pack) -> Result<MetricRules, PackError> {
        Ok(MetricRules {
            defs: pack
                .metrics
                .iter()
                .map(|m| (m.name.clone(), m.nouns.iter().map(|n| n.to_lowercase()).collect()))
                .collect(),
        })
    }

    pub fn apply(&self, ctx: &Context) -> Vec<Metric> {
        let text = ctx.text.text;
        let mut out = Vec::new();
        for (qi, q) in ctx.quantities.iter().enumerate() {
            // The counted noun: the next word after the figure, within its sentence.
            let sentence = ctx.text.sentence(ctx.text.sentence_at(q.span.start));
            let rest = &ctx.text.tokens[ctx.text.token_at(q.span.end)..];
            let Some(noun) = rest
                .iter()
                .take_while(|t| (t.end as usize) <= sentence.end)
                .find(|t| t.kind == chronicle_core::TokenKind::Word)
            else {
                continue;
            };
            let noun = noun.text(text).to_lowercase();
            if let Some((name, _)) = self.defs.iter().find(|(_, nouns)| nouns.contains(&noun)) {
                out.push(Metric {
                    span: q.span,
                    metric: name.clone(),
                    value: q.value,
                    value_max: q.value_max,
                    qualifier: q.qualifier,
                    as_of: ctx.dct.date.map(|d| d.to_string()),
                    scope: None,
                    quantity: qi,
                    rule: format!("metric.noun:{name}"),
                });
            }
        }
        out
    }
}
