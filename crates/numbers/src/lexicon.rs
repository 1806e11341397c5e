//! The word lists of English figures, read from a data file.
//!
//! Number words, scales, vague amounts, fractions, qualifier cues, units, currencies and the
//! cues that mark a number as no quantity are domain knowledge, not code (STYLE.md): they live
//! in `data/lexicon.toml` (built in) and this module compiles them into lookup tables once. A
//! cue is tokenized like the text it is matched against, so "US$" is the tokens `US` `$`.

use chronicle_core::{Qualifier, Text, WordFilter};
use serde::Deserialize;
use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, OnceLock};

/// A fast hasher for the short words of the tables (FxHash: one multiply per 8 bytes); the
/// keys are our own word lists, so no hash flooding is possible.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
    }
}

/// Word tables keyed by lower-cased words.
pub type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<WordHasher>>;
/// Word sets of lower-cased words.
pub type HashSet<K> = StdHashSet<K, BuildHasherDefault<WordHasher>>;

/// The built-in lexicon's source.
pub const BUILTIN: &str = include_str!("../data/lexicon.toml");

/// A lexicon file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{source_name}: {message}")]
    Parse { source_name: String, message: String },
    #[error("{source_name}: {message}")]
    Invalid { source_name: String, message: String },
}

#[derive(Deserialize)]
struct RawOrdinals {
    #[serde(default)]
    ordinal_nouns: Vec<String>,
    #[serde(flatten)]
    words: StdHashMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    cue: String,
    #[serde(default)]
    qualifier: Option<Qualifier>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    factor: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNegatives {
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    months: Vec<String>,
    #[serde(default)]
    clock: Vec<String>,
    #[serde(default)]
    time_units: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCounted {
    #[serde(default)]
    stop: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    cardinals: StdHashMap<String, f64>,
    scales: StdHashMap<String, f64>,
    #[serde(default)]
    glued_scales: StdHashMap<String, f64>,
    ordinals: RawOrdinals,
    fractions: StdHashMap<String, f64>,
    #[serde(default)]
    vague: Vec<RawCue>,
    #[serde(default)]
    prefix: Vec<RawCue>,
    #[serde(default)]
    suffix: Vec<RawCue>,
    #[serde(default)]
    unit: Vec<RawCue>,
    #[serde(default)]
    currency_prefix: Vec<RawCue>,
    #[serde(default)]
    currency_suffix: Vec<RawCue>,
    #[serde(default)]
    negatives: RawNegatives,
    #[serde(default)]
    counted: RawCounted,
    #[serde(default)]
    fraction_context: RawFractionContext,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFractionContext {
    #[serde(default)]
    before: Vec<String>,
}

/// A cue: its lower-cased tokens and what it means.
#[derive(Clone, Debug)]
pub struct Cue<T> {
    pub tokens: Vec<String>,
    pub value: T,
}

/// A unit cue's meaning: the unit and the factor that converts the figure to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitCue {
    pub unit: &'static str,
    pub factor: f64,
}

/// The compiled word lists.
#[derive(Debug)]
pub struct Lexicon {
    pub cardinals: HashMap<String, f64>,
    pub scales: HashMap<String, f64>,
    pub glued_scales: HashMap<String, f64>,
    pub ordinals: HashMap<String, f64>,
    pub ordinal_nouns: HashSet<String>,
    pub fractions: HashMap<String, f64>,
    /// Longest cue first in every cue list.
    pub vague: Vec<Cue<(f64, Qualifier)>>,
    pub prefix: Vec<Cue<Qualifier>>,
    pub suffix: Vec<Cue<Qualifier>>,
    pub units: Vec<Cue<UnitCue>>,
    pub currency_prefix: Vec<Cue<&'static str>>,
    pub currency_suffix: Vec<Cue<&'static str>>,
    pub negative_before: HashSet<String>,
    pub months: HashSet<String>,
    pub clock: Vec<Cue<()>>,
    pub time_units: HashSet<String>,
    pub stop: HashSet<String>,
    /// Words before a bare "half" that make it a figure.
    pub fraction_before: HashSet<String>,
    /// Lower-cased words that may begin a figure written in words (first part of a hyphenated
    /// word included), so the tagger skips every other word with one lookup.
    pub starters: HashSet<String>,
    /// The starters' first words, tested at each word's start before any other work: most
    /// words of a report begin no figure.
    pub starter_filter: WordFilter,
    /// The words after which an article begins a figure ("a hundred", "a third", "a few"):
    /// the scales, the fractions, and the second words of the vague amounts that begin with
    /// one. Any other word after "a" ends the test at once.
    pub after_article: HashSet<String>,
}

/// Interns a unit or currency code so that [`crate::Quantity::unit`] stays `&'static str`;
/// each distinct name is leaked once per process.
pub fn intern(name: &str) -> &'static str {
    for known in ["count", "percent", "km2", "ordinal", "USD"] {
        if name == known {
            return known;
        }
    }
    static NAMES: OnceLock<Mutex<StdHashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(n) = names.get(name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Splits a cue into lower-cased tokens, the way the text is tokenized.
pub fn cue_tokens(cue: &str) -> Vec<String> {
    let t = Text::new(cue);
    t.tokens.iter().map(|tok| tok.text(cue).to_lowercase()).collect()
}

fn lower_map(m: StdHashMap<String, f64>) -> HashMap<String, f64> {
    m.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect()
}

fn lower_set(v: Vec<String>) -> HashSet<String> {
    v.into_iter().map(|s| s.to_lowercase()).collect()
}

impl Lexicon {
    /// The built-in lexicon, parsed once per process.
    pub fn builtin() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| Lexicon::parse("data/lexicon.toml", BUILTIN).expect("built-in lexicon is valid (tested)"))
    }

    /// Parses a lexicon file; `source_name` names it in errors.
    pub fn parse(source_name: &str, toml_text: &str) -> Result<Lexicon, LexiconError> {
        let raw: RawLexicon = toml::from_str(toml_text)
            .map_err(|e| LexiconError::Parse { source_name: source_name.to_string(), message: e.to_string() })?;
        let invalid = |message: String| LexiconError::Invalid { source_name: source_name.to_string(), message };
        let cue_list = |list: Vec<RawCue>, what: &str| -> Result<Vec<(Vec<String>, RawCue)>, LexiconError> {
            let mut out = Vec::with_capacity(list.len());
            for c in list {
                let tokens = cue_tokens(&c.cue);
                if tokens.is_empty() {
                    return Err(invalid(format!("empty {what} cue {:?}", c.cue)));
                }
                out.push((tokens, c));
            }
            out.sort_by_key(|c| std::cmp::Reverse(c.0.len()));
            Ok(out)
        };
        let vague = cue_list(raw.vague, "vague")?
            .into_iter()
            .map(|(tokens, c)| {
                let value = c.value.ok_or_else(|| invalid(format!("vague cue {:?} has no value", c.cue)))?;
                Ok(Cue { tokens, value: (value, c.qualifier.unwrap_or(Qualifier::MoreThan)) })
            })
            .collect::<Result<Vec<_>, LexiconError>>()?;
        let qualifiers = |list: Vec<(Vec<String>, RawCue)>| -> Result<Vec<Cue<Qualifier>>, LexiconError> {
            list.into_iter()
                .map(|(tokens, c)| {
                    let q = c.qualifier.ok_or_else(|| invalid(format!("cue {:?} has no qualifier", c.cue)))?;
                    Ok(Cue { tokens, value: q })
                })
                .collect()
        };
        let prefix = qualifiers(cue_list(raw.prefix, "prefix")?)?;
        let suffix = qualifiers(cue_list(raw.suffix, "suffix")?)?;
        let units = cue_list(raw.unit, "unit")?
            .into_iter()
            .map(|(tokens, c)| {
                let unit = c.unit.as_deref().ok_or_else(|| invalid(format!("unit cue {:?} has no unit", c.cue)))?;
                let factor = c.factor.unwrap_or(1.0);
                if !(factor.is_finite() && factor > 0.0) {
                    return Err(invalid(format!("unit cue {:?} has a bad factor", c.cue)));
                }
                Ok(Cue { tokens, value: UnitCue { unit: intern(unit), factor } })
            })
            .collect::<Result<Vec<_>, LexiconError>>()?;
        let currencies = |list: Vec<(Vec<String>, RawCue)>| -> Result<Vec<Cue<&'static str>>, LexiconError> {
            list.into_iter()
                .map(|(tokens, c)| {
                    let code = c.code.as_deref().ok_or_else(|| invalid(format!("currency {:?} has no code", c.cue)))?;
                    Ok(Cue { tokens, value: intern(code) })
                })
                .collect()
        };
        let currency_prefix = currencies(cue_list(raw.currency_prefix, "currency")?)?;
        let currency_suffix = currencies(cue_list(raw.currency_suffix, "currency")?)?;
        let clock = cue_list(raw.negatives.clock.into_iter().map(|c| RawCue::plain(&c)).collect(), "clock")?
            .into_iter()
            .map(|(tokens, _)| Cue { tokens, value: () })
            .collect();
        let cardinals = lower_map(raw.cardinals);
        let scales = lower_map(raw.scales);
        let fractions = lower_map(raw.fractions);
        let mut starters: HashSet<String> = cardinals.keys().cloned().collect();
        starters.extend(fractions.keys().cloned());
        starters.extend(["a", "an", "half"].map(String::from));
        for c in &vague {
            starters.insert(c.tokens[0].clone());
        }
        let ordinals = lower_map(raw.ordinals.words);
        starters.extend(ordinals.keys().cloned());
        let starter_filter = WordFilter::new(&starters, true);
        let mut after_article: HashSet<String> = scales.keys().chain(fractions.keys()).cloned().collect();
        for c in &vague {
            if matches!(c.tokens[0].as_str(), "a" | "an") {
                if let Some(second) = c.tokens.get(1) {
                    after_article.insert(second.clone());
                }
            }
        }
        Ok(Lexicon {
            after_article,
            cardinals,
            scales,
            glued_scales: lower_map(raw.glued_scales),
            ordinals,
            ordinal_nouns: lower_set(raw.ordinals.ordinal_nouns),
            fractions,
            vague,
            prefix,
            suffix,
            units,
            currency_prefix,
            currency_suffix,
            negative_before: lower_set(raw.negatives.before),
            months: lower_set(raw.negatives.months),
            clock,
            time_units: lower_set(raw.negatives.time_units),
            stop: lower_set(raw.counted.stop),
            fraction_before: lower_set(raw.fraction_context.before),
            starters,
            starter_filter,
        })
    }
}

impl RawCue {
    fn plain(cue: &str) -> RawCue {
        RawCue { cue: cue.to_string(), qualifier: None, value: None, unit: None, code: None, factor: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses_with_its_tables() {
        let lex = Lexicon::builtin();
        assert_eq!(lex.cardinals["sixty"], 60.0);
        assert_eq!(lex.scales["million"], 1e6);
        assert_eq!(lex.fractions["quarter"], 4.0);
        assert!(lex.months.contains("sept"));
        assert!(lex.stop.contains("the"));
        assert!(lex.starters.contains("tens"));
    }

    #[test]
    fn cue_lists_are_longest_first_and_tokenized_like_text() {
        let lex = Lexicon::builtin();
        for list in [&lex.prefix, &lex.suffix] {
            for w in list.windows(2) {
                assert!(w[0].tokens.len() >= w[1].tokens.len());
            }
        }
        let us = lex.currency_prefix.iter().find(|c| c.tokens == ["us", "$"]).expect("US$ is a cue");
        assert_eq!(us.value, "USD");
        let can = lex.currency_prefix.iter().find(|c| c.tokens == ["can", "$"]).expect("Can$ is a cue");
        assert_eq!(can.value, "CAD");
        let miles = lex.units.iter().find(|c| c.tokens == ["square", "miles"]).unwrap();
        assert_eq!(miles.value, UnitCue { unit: "km2", factor: 2.58999 });
    }

    #[test]
    fn bad_files_are_errors_naming_the_source() {
        for bad in [
            "cardinals = 3",
            "[cardinals]\n[scales]\n[ordinals]\n[fractions]\n[[prefix]]\ncue = \"over\"\n",
            "[cardinals]\n[scales]\n[ordinals]\n[fractions]\n[[unit]]\ncue = \"\"\nunit = \"x\"\n",
            "[cardinals]\n[scales]\n[ordinals]\n[fractions]\n[[unit]]\ncue = \"mi\"\nunit = \"x\"\nfactor = -1\n",
        ] {
            let err = Lexicon::parse("mine.toml", bad).unwrap_err();
            assert!(err.to_string().starts_with("mine.toml:"), "{err}");
        }
    }

    #[test]
    fn interned_names_are_shared() {
        assert!(std::ptr::eq(intern("CAD"), intern(&String::from("CAD"))));
        assert_eq!(intern("count"), "count");
    }
}
