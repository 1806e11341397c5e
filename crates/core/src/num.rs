//! Value types shared by the numbers and domain stages.

use serde::{Deserialize, Serialize};

/// How a figure is hedged, as `corpus/FORMAT.md` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// No hedge word ("19,000 strikes"; also ranges and "estimated").
    #[default]
    Exact,
    /// almost, nearly, about, some, approximately.
    Approx,
    /// more than, over, at least, "-plus", vague plurals ("hundreds").
    MoreThan,
    /// less than, under, up to, fewer than.
    LessThan,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::MoreThan => "more_than",
            Qualifier::LessThan => "less_than",
        }
    }
}

/// Serializes a number as an integer when it is one (`20000`, not `20000.0`), so output
/// reads as people write figures; use with `#[serde(serialize_with = "...")]`.
pub fn serialize_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// [`serialize_number`] for an optional number.
pub fn serialize_opt_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => serialize_number(v, s),
        None => s.serialize_none(),
    }
}
