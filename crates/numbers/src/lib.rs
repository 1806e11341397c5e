//! Numbers: every figure a report states, with its bounds, qualifier and unit.
//!
//! Figures are what the campaign is measured by ("almost 2,000 strikes", "between 20,000 and
//! 31,000 fighters"). This crate finds them as [`Quantity`] facts; which metric a figure
//! belongs to is the domain stage's business, not this one's. It does no I/O.

use chronicle_core::num::{serialize_number, serialize_opt_number};
use chronicle_core::{Qualifier, Span, Text, TokenKind};
use serde::Serialize;

/// One figure in the text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    #[serde(skip)]
    pub span: Span,
    #[serde(serialize_with = "serialize_number")]
    pub value: f64,
    #[serde(serialize_with = "serialize_opt_number")]
    pub value_max: Option<f64>,
    pub qualifier: Qualifier,
    /// `count`, `percent`, a currency code (`USD`), `km2` or `ordinal`.
    pub unit: &'static str,
    /// The rule that produced it.
    pub rule: &'static str,
}

/// The quantity tagger; build once, share across threads.
#[derive(Default)]
pub struct Tagger {}

impl Tagger {
    pub fn new() -> Tagger {
        Tagger {}
    }

    /// Tags every figure written in digits.
    pub fn tag(&self, text: &Text) -> Vec<Quantity> {
        let mut out = Vec::new();
        for tok in &text.tokens {
            if tok.kind != TokenKind::Number {
                continue;
            }
            let s = tok.text(text.text).replace(',', "");
            if let Ok(value) = s.parse::<f64>() {
                out.push(Quantity {
                    span: tok.span(),
                    value,
                    value_max: None,
                    qualifier: Qualifier::Exact,
                    unit: "count",
                    rule: "number.digits",
                });
            }
        }
        out
    }
}
