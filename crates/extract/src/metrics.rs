//! Campaign metrics: which figures count what, by the domain pack's cues.
//!
//! A quantity becomes a metric when its sentence says what it counts (METRICS.md). The pack
//! lists rules (`[[metric]]`, several per metric allowed, tried in file order): the cues after
//! the figure (`nouns`: what it counts), right before it (`before`: "coalition of", "down
//! by"), around it (`context`: "met", "pledged", "liberated"), cues that veto it (`exclude`),
//! compound-modifier nouns (`modifiers`: "68-member"), the unit, value bounds and how its scope
//! is read. Every cue of every rule is compiled once into one table, searched only in the
//! sentences that state a figure some rule may take (the scope cues, prepositions and subject
//! cues, only where a rule takes a figure and needs its scope), at the text's word starts by
//! the keys of their first words (`Cues`). Scope comes from the place mentions and
//! demonyms near the figure, `as_of` from the sentence's timexes (else the creation date), and
//! `text` is the shortest phrase with the figure and what it counts. A new campaign is a new
//! pack, not new code.

use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::num::{serialize_number, serialize_opt_number};
use chronicle_core::{fold8, Qualifier, Span, Text, TokenKind, WordSet};
use chronicle_entities::EntityType;
use chronicle_numbers::Quantity;
use chronicle_time::TimexType;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How a rule reads the scope of its figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeRule {
    /// Never scoped (coalition size, meetings).
    None,
    /// Places and demonyms in what the figure counts ("nearly 90,000 Iraqi ... members") or
    /// after a preposition that follows it ("62 percent ... in Iraq", "17 airstrikes near
    /// Kobani").
    #[default]
    Place,
    /// As `place` (only "from" after the figure), else the member the sentence makes its
    /// subject ("Canada has deployed six fighter jets").
    Member,
    /// As `place`, else the nearest place named after a preposition earlier in the sentence
    /// ("attacked ISIL in Syria ... to conduct seven airstrikes").
    PlaceOrEarlier,
}

/// One metric rule of a pack. Several rules may name the same metric; the first that
/// matches a figure wins.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `count`, `percent`, `km2` or a currency code (`USD`): the figure's unit must be it.
    #[serde(default = "default_unit")]
    pub unit: String,
    /// Whether the metric is a running total (informational).
    #[serde(default)]
    pub cumulative: bool,
    /// Cues within `noun_window` tokens after the figure, in its clause: what it counts.
    #[serde(default)]
    pub nouns: Vec<String>,
    /// Nouns of a compound modifier ("member" of "the 68-member coalition").
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// Cues ending at most `before_window` tokens before the figure ("coalition of").
    #[serde(default)]
    pub before: Vec<String>,
    /// When not empty, one of these must occur within `window` tokens of the figure.
    #[serde(default)]
    pub context: Vec<String>,
    /// None of these may occur within `exclude_window` tokens of the figure.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Cues right before the figure that make the value negative ("down by", "lost").
    #[serde(default)]
    pub negate: Vec<String>,
    /// The figure must count nothing of its own ("now exceeds 20,000").
    #[serde(default)]
    pub bare: bool,
    /// The sentence must date the figure to a day ("on Monday", "today", "June 3").
    #[serde(default)]
    pub requires_day: bool,
    /// The sentence must date the figure at all (a change "within the first half of 2016").
    #[serde(default)]
    pub requires_date: bool,
    /// The figure must have a scope ("17 airstrikes near Kobani").
    #[serde(default)]
    pub requires_scope: bool,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub scope: ScopeRule,
    #[serde(default = "default_noun_window")]
    pub noun_window: usize,
    #[serde(default = "default_before_window")]
    pub before_window: usize,
    #[serde(default = "default_window")]
    pub window: usize,
    #[serde(default)]
    pub exclude_window: Option<usize>,
}

fn default_unit() -> String {
    "count".to_string()
}
fn default_noun_window() -> usize {
    6
}
fn default_before_window() -> usize {
    2
}
fn default_window() -> usize {
    12
}

/// Cues every metric rule shares: how scopes are read (`[metric_settings]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSettings {
    /// Words after which a place names the figure's scope ("in", "near", "west of").
    #[serde(default)]
    pub scope_prepositions: Vec<String>,
    /// Words that name a state by its people or forces ("Iraqi" -> "Iraq", "ISF" -> "Iraq").
    #[serde(default)]
    pub demonyms: BTreeMap<String, String>,
    /// Words after a country that make it the sentence's acting subject ("Canada has").
    #[serde(default)]
    pub subject_cues: Vec<String>,
    /// The places that together make the whole theatre: a scope naming all of them is null.
    #[serde(default)]
    pub theatre: Vec<String>,
    /// Organisations that can be a scope ("European Union").
    #[serde(default)]
    pub scope_organizations: Vec<String>,
    /// Words that end the phrase a figure counts ("five Arab partners \[involved\] in
    /// airstrikes"): prepositions, auxiliaries, relative pronouns.
    #[serde(default)]
    pub noun_breaks: Vec<String>,
    /// Words after a place that name a site there, kept in the scope ("Mosul Dam").
    #[serde(default)]
    pub site_words: Vec<String>,
}

impl MetricSettings {
    pub fn extend(&mut self, other: MetricSettings) {
        self.scope_prepositions.extend(other.scope_prepositions);
        self.demonyms.extend(other.demonyms);
        self.subject_cues.extend(other.subject_cues);
        if !other.theatre.is_empty() {
            self.theatre = other.theatre;
        }
        self.scope_organizations.extend(other.scope_organizations);
        self.noun_breaks.extend(other.noun_breaks);
        self.site_words.extend(other.site_words);
    }
}

/// One campaign figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    /// The shortest phrase with the figure and what it counts (the output's `text`).
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

/// What a cue is to a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    Noun,
    Before,
    Context,
    Exclude,
    Negate,
    Preposition,
    Subject,
}

const NOUN: u8 = 1;
const BEFORE: u8 = 2;
const CONTEXT: u8 = 4;
const EXCLUDE: u8 = 8;
const NEGATE: u8 = 16;

/// Which rule (or the settings, `usize::MAX`) a pattern belongs to, and as what.
type Entry = (usize, CueKind);

/// The compiled metric cues of a pack.
pub struct MetricRules {
    defs: Vec<MetricDef>,
    /// Every cue, matched at the text's word starts ([`Cues`]).
    cues: Cues,
    /// Per pattern, the rules that use it.
    entries: Vec<Vec<Entry>>,
    /// Lower-cased modifier nouns per rule.
    modifiers: Vec<Vec<String>>,
    /// Per rule, whether it lists nouns, before cues or modifiers (one must then match).
    has_primary: Vec<bool>,
    /// The bits of the rules (below 64) that list none of them, and per unit the bits of its
    /// rules (below 64): with at most 64 rules, a figure's candidate rules are a bit set.
    open_rules: u64,
    unit_masks: Vec<u64>,
    demonyms: HashMap<String, String>,
    theatre: Vec<String>,
    scope_organizations: Vec<String>,
    noun_breaks: std::collections::HashSet<String>,
    /// The same words, looked up without hashing twice ([`WordSet`]).
    noun_break_words: WordSet,
    /// Per first byte, the bit set of the lengths (below 64) of the ASCII noun breaks that
    /// begin with it: an ASCII word whose bit is clear is no noun break.
    noun_break_quick: Box<[u64; 256]>,
    /// The ASCII noun breaks of at most eight bytes, each packed into one little-endian word.
    short_noun_breaks: PackedSet,
    /// The distinct units of the rules, ASCII lower-cased, and each rule's index in them: a
    /// figure's unit is compared with the few units, not with every rule's.
    units: Vec<String>,
    rule_units: Vec<usize>,
    /// Per unit (index into `units`), its rules in file order.
    unit_rules: Vec<Vec<usize>>,
    /// Per unit, per pattern, the entries of the unit's rules (`entries` without the settings'
    /// and the other units'): a figure's hits look up only what can flag its rules.
    unit_entries: Vec<Vec<Box<[Entry]>>>,
    site_words: Vec<String>,
}

/// Whether a cue is a rule's (noun, before, context, exclude, negate) or the settings'
/// (scope preposition, subject cue).
const RULE_CUE: u8 = 1;
const SETTING_CUE: u8 = 2;

/// The cue patterns, found at the text's word starts by the key of their first word.
///
/// A cue can only match where its first word is the text's word: the core computes each word
/// start's key once per document ([`chronicle_core::WordStart::key`]), so a word start costs
/// one bit test of a filter of the cues' first-word keys (then, when it passes, a probe of
/// their table; a word that begins only cues of more words passes only before the second word
/// of one of them), and the few cues that begin with that word are compared eight bytes at once,
/// then byte by byte (ASCII case folded, as the phrase sets match) and kept
/// when they end on a word boundary. This finds what [`chronicle_core::PhraseSet::find_all`] over
/// the same cues finds (a proptest holds it to that) without walking an automaton at each of
/// the common words the cues begin with ("the", "to", "in"), and without building one.
struct Cues {
    /// The lower-cased patterns.
    patterns: Vec<Box<[u8]>>,
    /// Per kind (indexed by kind - 1: the rules' cues, the settings'), the filters of the
    /// first words of its cues ([`FirstWords`]): nearly every word of a sentence is tested, and
    /// most begin no cue of the kind searched.
    first_words: [FirstWords; 2],
    /// Open addressing over the distinct first-word keys: group index + 1 per slot, 0 empty.
    slots: Box<[u32]>,
    shift: u32,
    /// Per group, its first-word key and its patterns in pattern order, each with what the
    /// search tests first (head, mask, length) side by side, once among the rules' cues and
    /// once among the settings' (indexed by kind - 1): the group of a common word ("the",
    /// "to", "in") is walked at every one of its occurrences, and only the cues of the kind
    /// searched are walked.
    groups: Vec<(u64, [Box<[Cand]>; 2])>,
}

/// One pattern of a [`Cues`] group, as the search tests it.
#[derive(Clone, Copy, Debug)]
struct Cand {
    /// The pattern's first eight bytes (fewer for a shorter one) in one little-endian word
    /// and the mask of those bytes: most cues that begin with the text's word ("to train" at
    /// "to the") differ from the text within them, and are turned away in one comparison (a
    /// pattern of at most eight bytes is then matched in full).
    head: u64,
    mask: u64,
    /// The pattern's length in bytes.
    len: u32,
    pattern: u32,
}

impl Cues {
    fn new(patterns: &[String], kinds: Vec<u8>) -> Result<Cues, PackError> {
        let mut groups: Vec<(u64, Vec<u32>)> = Vec::new();
        let mut by_key: HashMap<u64, usize> = HashMap::new();
        for (p, pattern) in patterns.iter().enumerate() {
            if !pattern.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                return Err(PackError::Invalid {
                    source_name: "metrics".into(),
                    message: chronicle_core::PhraseError::NotAWord(pattern.clone()).to_string(),
                });
            }
            let key = chronicle_core::word_key(pattern, true);
            let g = *by_key.entry(key).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(p as u32);
        }
        let size = (groups.len() * 4).next_power_of_two().max(64);
        let mut slots = vec![0u32; size].into_boxed_slice();
        let shift = 64 - size.trailing_zeros();
        for (g, (key, _)) in groups.iter().enumerate() {
            let mut s = (key >> shift) as usize;
            while slots[s] != 0 {
                s = (s + 1) & (size - 1);
            }
            slots[s] = g as u32 + 1;
        }
        let mut first_words = [FirstWords::new(), FirstWords::new()];
        for (key, ps) in &groups {
            for (k, kind) in [RULE_CUE, SETTING_CUE].into_iter().enumerate() {
                let f = &mut first_words[k];
                for &p in ps.iter().filter(|&&p| kinds[p as usize] & kind != 0) {
                    f.any.set(*key);
                    // A pattern of ASCII letters, digits and underscores is one word; another
                    // is split into words as the text is.
                    let pattern = &patterns[p as usize];
                    let one_word = pattern.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
                    let words = if one_word { None } else { Some(Text::new(pattern)) };
                    match words.as_ref().and_then(|t| t.word_starts().get(1)) {
                        None => f.single.set(*key),
                        Some(second) => f.pairs.set(pair_hash(*key, second.key(true))),
                    }
                }
            }
        }
        let heads: Vec<(u64, u64)> = patterns
            .iter()
            .map(|p| {
                let b = &p.as_bytes()[..p.len().min(8)];
                let head = b.iter().rev().fold(0u64, |x, &c| x << 8 | u64::from(c.to_ascii_lowercase()));
                let mask = if b.len() == 8 { u64::MAX } else { (1u64 << (8 * b.len())) - 1 };
                (head, mask)
            })
            .collect();
        let groups = groups
            .into_iter()
            .map(|(key, ps)| {
                let cands = |kind: u8| -> Box<[Cand]> {
                    ps.iter()
                        .filter(|&&p| kinds[p as usize] & kind != 0)
                        .map(|&p| {
                            let (head, mask) = heads[p as usize];
                            Cand { head, mask, len: patterns[p as usize].len() as u32, pattern: p }
                        })
                        .collect()
                };
                (key, [cands(RULE_CUE), cands(SETTING_CUE)])
            })
            .collect();
        let patterns = patterns.iter().map(|p| p.as_bytes().into()).collect();
        Ok(Cues { patterns, first_words, slots, shift, groups })
    }

    /// The patterns of kind `kind - 1` ([`RULE_CUE`] 0, [`SETTING_CUE`] 1) whose first word has
    /// the key of the word at `w` (none when no cue begins with that word); the filter was
    /// passed ([`next_cue_start`]).
    #[inline]
    fn starting(&self, w: &chronicle_core::WordStart, kind: usize) -> &[Cand] {
        let key = w.key(true);
        let mask = self.slots.len() - 1;
        let mut s = (key >> self.shift) as usize;
        loop {
            let g = self.slots[s];
            if g == 0 {
                return &[];
            }
            let (k, ps) = &self.groups[g as usize - 1];
            if *k == key {
                return &ps[kind];
            }
            s = (s + 1) & mask;
        }
    }

    /// Every cue of `kind` on word boundaries in the given sentences, in text order (ties by
    /// pattern).
    fn hits(&self, text: &Text, sentences: &[Span], kind: u8) -> Vec<Hit> {
        let mut out = Vec::new();
        self.hits_into(text, sentences, kind, &mut out);
        out
    }

    /// [`Cues::hits`] into `out` (cleared first).
    fn hits_into(&self, text: &Text, sentences: &[Span], kind: u8, out: &mut Vec<Hit>) {
        out.clear();
        let bytes = text.text.as_bytes();
        let starts = text.word_starts();
        let toks = &text.tokens;
        let kind_index = usize::from(kind == SETTING_CUE);
        let first_words = &self.first_words[kind_index];
        // The sentences come in text order: each search starts where the previous one ended.
        // `k` walks the word starts.
        let mut k = 0usize;
        for sentence in sentences {
            k = partition_from(starts, k, |w| w.at < sentence.start);
            loop {
                k = next_cue_start(starts, k, sentence.end, first_words);
                let Some(w) = starts.get(k).filter(|w| w.at < sentence.end) else { break };
                // The token a hit at `w` starts at (found at the first hit): the first token
                // starting at or after it (a cue lies inside its sentence, whose tokens end at
                // its end). The token holding the word start is it, unless the word is joined
                // into a token that starts before it ("Abadi" of "al-Abadi"): then the next.
                let held = k;
                let first_token = || {
                    let t = text.start_token(held);
                    t + usize::from(toks.get(t).is_some_and(|t| (t.start as usize) < w.at))
                };
                let mut first = None;
                k += 1;
                // The text's eight bytes at the word, folded once for all the group's patterns.
                let word = bytes.get(w.at..w.at + 8).map(|x| fold8(u64::from_le_bytes(x.try_into().unwrap_or([0; 8]))));
                for c in self.starting(w, kind_index) {
                    let end = w.at + c.len as usize;
                    if end > sentence.end {
                        continue;
                    }
                    let p = c.pattern as usize;
                    match word {
                        Some(x) if x & c.mask != c.head => continue,
                        // The head was the whole pattern.
                        Some(_) if c.len <= 8 => {}
                        // The head matched: the rest of the pattern, after its first eight bytes.
                        Some(_) => {
                            let rest = self.patterns[p].get(8..).unwrap_or(&[]);
                            if !bytes.get(w.at + 8..end).is_some_and(|t| t.eq_ignore_ascii_case(rest)) {
                                continue;
                            }
                        }
                        None => {
                            if !bytes[w.at..end].eq_ignore_ascii_case(&self.patterns[p]) {
                                continue;
                            }
                        }
                    }
                    // A word start begins a word, so the cue starts on a boundary; it ends on one
                    // at the end of the text or before an ASCII byte that is no word character
                    // (the common case), else as the text says.
                    let ends_word =
                        bytes.get(end).is_none_or(|&c| c < 128 && !(c.is_ascii_alphanumeric() || c == b'_'));
                    if !ends_word && !text.on_word_boundaries(Span::new(w.at, end)) {
                        continue;
                    }
                    let first = *first.get_or_insert_with(first_token);
                    let mut last = first;
                    while last < toks.len() && (toks[last].start as usize) < end {
                        last += 1;
                    }
                    out.push(Hit { start: w.at, first, last: last.saturating_sub(1).max(first), pattern: p });
                }
            }
        }
        if !out.is_sorted_by_key(|h| (h.start, h.pattern)) {
            out.sort_by_key(|h| (h.start, h.pattern));
        }
    }
}

/// One-hash Bloom filters of 2^15 bits over word keys (bit `key >> 49`): the test is a shift,
/// a load and a bit test, with no bounds check (the index is below the size by its shift).
struct KeyBits(Box<[u64; 512]>);

impl KeyBits {
    fn new() -> KeyBits {
        KeyBits(Box::new([0; 512]))
    }

    fn set(&mut self, key: u64) {
        let i = (key >> 49) as usize;
        self.0[i >> 6] |= 1 << (i & 63);
    }

    #[inline]
    fn test(&self, key: u64) -> bool {
        let i = (key >> 49) as usize;
        self.0[i >> 6] >> (i & 63) & 1 != 0
    }
}

/// The first words of the cues of one kind, as filters of their keys: `any` holds every
/// cue's first word, `single` the first words of the one-word cues, and `pairs` the pairs of
/// first and second words of the cues of more words (bit of `pair_hash(first, second)`). A
/// word that passes `any` but begins no one-word cue ("the", "to", "in", which begin only cues
/// of more words) is a candidate only when the next word is the second word of one of its
/// cues. A cue of more words can only match where the text's next word start holds its second
/// word (the text has the cue's bytes, so the cue's word starts, and the cue ends on a word
/// boundary, so its last word is the text's whole word).
struct FirstWords {
    any: KeyBits,
    single: KeyBits,
    pairs: KeyBits,
}

impl FirstWords {
    fn new() -> FirstWords {
        FirstWords { any: KeyBits::new(), single: KeyBits::new(), pairs: KeyBits::new() }
    }
}

/// The hash of a pair of word keys (a cue's first and second words) for [`FirstWords::pairs`].
#[inline]
fn pair_hash(first: u64, second: u64) -> u64 {
    (first.rotate_left(23) ^ second).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The index of the first word start from `k` on, before byte `end`, that may begin a cue of
/// `f` (its first word passes `f.any`, and either begins a one-word cue or comes before the
/// second word of one of its cues: [`FirstWords`]), or the index of the first word start at
/// or after `end`. Most words of a sentence begin no cue and are turned away here by one bit
/// test each, in a loop of its own.
#[inline(never)]
fn next_cue_start(starts: &[chronicle_core::WordStart], mut k: usize, end: usize, f: &FirstWords) -> usize {
    while let Some(w) = starts.get(k) {
        if w.at >= end {
            break;
        }
        let key = w.key(true);
        if f.any.test(key)
            && (f.single.test(key) || starts.get(k + 1).is_some_and(|n| f.pairs.test(pair_hash(key, n.key(true)))))
        {
            break;
        }
        k += 1;
    }
    k
}

/// The settings' cues in the sentences asked for so far, found on first need: they are the
/// commonest words ("in", "of", "has", "was") and only a figure a rule takes needs them.
struct LazyHits<'r> {
    cues: &'r Cues,
    /// Per sentence index, its hits.
    found: Vec<(usize, Vec<Hit>)>,
}

impl<'r> LazyHits<'r> {
    fn new(cues: &'r Cues) -> LazyHits<'r> {
        LazyHits { cues, found: Vec::new() }
    }

    /// The settings' hits in the sentence of `v`.
    fn of(&mut self, text: &Text, v: &QView) -> &[Hit] {
        let k = match self.found.iter().position(|(s, _)| *s == v.sentence) {
            Some(k) => k,
            None => {
                self.found.push((v.sentence, self.cues.hits(text, &[v.sentence_span], SETTING_CUE)));
                self.found.len() - 1
            }
        };
        &self.found[k].1
    }
}

/// A cue found in the document: token range `[first, last]` and its pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hit {
    start: usize,
    first: usize,
    last: usize,
    pattern: usize,
}

const SETTINGS: usize = usize::MAX;

impl MetricRules {
    pub fn new(pack: &Pack) -> Result<MetricRules, PackError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<Vec<Entry>> = Vec::new();
        let mut add = |cue: &str, entry: Entry| -> Result<(), PackError> {
            let key = cue.trim().to_lowercase();
            if key.is_empty() {
                return Err(PackError::Invalid {
                    source_name: "metrics".into(),
                    message: format!("an empty cue in metric rule {}", entry.0),
                });
            }
            let id = *index.entry(key.clone()).or_insert_with(|| {
                patterns.push(key);
                entries.push(Vec::new());
                patterns.len() - 1
            });
            if !entries[id].contains(&entry) {
                entries[id].push(entry);
            }
            Ok(())
        };
        for (r, d) in pack.metrics.iter().enumerate() {
            if d.name.trim().is_empty() {
                return Err(PackError::Invalid {
                    source_name: "metrics".into(),
                    message: format!("metric rule {r} has no name"),
                });
            }
            for (list, kind) in [
                (&d.nouns, CueKind::Noun),
                (&d.before, CueKind::Before),
                (&d.context, CueKind::Context),
                (&d.exclude, CueKind::Exclude),
                (&d.negate, CueKind::Negate),
            ] {
                for cue in list {
                    add(cue, (r, kind))?;
                }
            }
        }
        let settings = &pack.metric_settings;
        for p in &settings.scope_prepositions {
            add(p, (SETTINGS, CueKind::Preposition))?;
        }
        for s in &settings.subject_cues {
            add(s, (SETTINGS, CueKind::Subject))?;
        }
        let kinds = entries
            .iter()
            .map(|es| es.iter().fold(0, |k, e| k | if e.0 == SETTINGS { SETTING_CUE } else { RULE_CUE }))
            .collect();
        let cues = Cues::new(&patterns, kinds)?;
        let mut units: Vec<String> = Vec::new();
        let rule_units: Vec<usize> = pack
            .metrics
            .iter()
            .map(|d| {
                let u = d.unit.to_ascii_lowercase();
                units.iter().position(|x| *x == u).unwrap_or_else(|| {
                    units.push(u);
                    units.len() - 1
                })
            })
            .collect();
        let unit_rules: Vec<Vec<usize>> =
            (0..units.len()).map(|u| (0..rule_units.len()).filter(|&r| rule_units[r] == u).collect()).collect();
        let bits = |rules: &mut dyn Iterator<Item = usize>| rules.filter(|&r| r < 64).fold(0u64, |m, r| m | 1 << r);
        let unit_masks = unit_rules.iter().map(|rs| bits(&mut rs.iter().copied())).collect();
        let open_rules = bits(
            &mut pack
                .metrics
                .iter()
                .enumerate()
                .filter(|(_, d)| d.nouns.is_empty() && d.before.is_empty() && d.modifiers.is_empty())
                .map(|(r, _)| r),
        );
        let unit_entries = (0..units.len())
            .map(|u| {
                entries
                    .iter()
                    .map(|es| es.iter().copied().filter(|&(r, _)| r != SETTINGS && rule_units[r] == u).collect())
                    .collect()
            })
            .collect();
        Ok(MetricRules {
            unit_entries,
            open_rules,
            unit_masks,
            units,
            rule_units,
            unit_rules,
            modifiers: pack.metrics.iter().map(|d| d.modifiers.iter().map(|m| m.to_lowercase()).collect()).collect(),
            has_primary: pack
                .metrics
                .iter()
                .map(|d| !d.nouns.is_empty() || !d.before.is_empty() || !d.modifiers.is_empty())
                .collect(),
            defs: pack.metrics.clone(),
            cues,
            entries,
            demonyms: settings.demonyms.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            theatre: settings.theatre.clone(),
            scope_organizations: settings.scope_organizations.clone(),
            noun_break_quick: {
                let mut quick = Box::new([0u64; 256]);
                for w in settings.noun_breaks.iter().map(|w| w.to_lowercase()) {
                    if let Some(&first) = w.as_bytes().first() {
                        if w.is_ascii() && w.len() < 64 {
                            quick[usize::from(first)] |= 1 << w.len();
                        }
                    }
                }
                quick
            },
            short_noun_breaks: PackedSet::new(
                settings
                    .noun_breaks
                    .iter()
                    .map(|w| w.to_lowercase())
                    .filter(|w| w.is_ascii() && w.len() <= 8)
                    .map(|w| w.bytes().rev().fold(0u64, |x, c| x << 8 | u64::from(c))),
            ),
            noun_breaks: settings.noun_breaks.iter().map(|w| w.to_lowercase()).collect(),
            noun_break_words: WordSet::new(&settings.noun_breaks),
            site_words: settings.site_words.clone(),
        })
    }

    pub fn apply(&self, ctx: &Context) -> Vec<Metric> {
        if ctx.quantities.is_empty() {
            return Vec::new();
        }
        let text = ctx.text;
        // This thread's buffers, reused from one document to the next (put back at the end).
        let mut scratch = SCRATCH.with(|s| s.take());
        let Scratch { timexes, views, sentences, hits, flags, assigned } = &mut scratch;
        timexes.refill(ctx.timexes);
        // The figures' units are a few names: the last one's rule unit is kept, and used again
        // for the next figure of the same unit (the same name, interned or not).
        let mut last_unit: Option<(&str, Option<usize>)> = None;
        views.clear();
        views.extend(ctx.quantities.iter().map(|q| {
            let unit = match last_unit {
                Some((u, k)) if std::ptr::eq(u, q.unit) || u == q.unit => k,
                _ => {
                    let k = self.units.iter().position(|u| unit_fits(u, q.unit));
                    last_unit = Some((q.unit, k));
                    k
                }
            };
            QView::new(ctx, q, timexes).map(|mut v| {
                v.unit = unit;
                // Only a figure of a rule's unit is read further (a sibling shares the unit of
                // an assigned figure).
                if unit.is_some() {
                    v.np_end = self.phrase_end(ctx, &v);
                }
                v
            })
        }));
        let views = &views[..];
        // Cues matter only in the sentences that state a figure some rule may take: one with a
        // view (no ordinal, no date) whose unit is a rule's (a sibling shares the unit of the
        // figure it follows, so it needs such a figure in its sentence too).
        sentences.clear();
        for v in views.iter().flatten() {
            if v.unit.is_some() && sentences.last() != Some(&v.sentence_span) {
                sentences.push(v.sentence_span);
            }
        }
        self.cues.hits_into(text, sentences, RULE_CUE, hits);
        let hits = &hits[..];
        let mut settings = LazyHits::new(&self.cues);
        let mut out: Vec<Built> = Vec::new();
        // The cue flags of one figure, per rule (only its unit's rules are written and read).
        flags.clear();
        flags.resize(self.defs.len(), 0);
        // Quantity index -> index in `out`.
        assigned.clear();
        assigned.resize(ctx.quantities.len(), None);
        for (qi, q) in ctx.quantities.iter().enumerate() {
            let Some(v) = &views[qi] else { continue };
            if let Some(m) = self.assign(ctx, hits, &mut settings, flags, qi, q, v) {
                assigned[qi] = Some(out.len());
                out.push(m);
            }
        }
        // A figure coordinated with an assigned one of the same unit and counting nothing of
        // its own shares its metric ("62 percent of the terrain ... and 30 percent in Syria",
        // "About 300 Australian and 100 New Zealand personnel").
        for qi in 0..ctx.quantities.len() {
            if assigned[qi].is_some() {
                continue;
            }
            let Some(v) = &views[qi] else { continue };
            let q = &ctx.quantities[qi];
            let sibling = self.sibling(ctx, views, assigned, qi);
            if let Some(si) = sibling {
                let Some(mi) = assigned[si] else { continue };
                let def_idx = out[mi].rule_index;
                let _ = &out[mi].metric;
                let d = &self.defs[def_idx];
                self.flags(hits, v, self.rule_units[def_idx], flags);
                let scope = self.scope(ctx, &mut settings, v, d.scope);
                let m = self.build(ctx, q, qi, v, def_idx, flags[def_idx], scope, "sibling");
                assigned[qi] = Some(out.len());
                out.push(m);
            }
        }
        out.sort_by_key(|b| (b.metric.span.start, b.metric.span.end));
        SCRATCH.with(|s| s.replace(scratch));
        out.into_iter().map(|b| b.metric).collect()
    }

    /// The assigned figure next to quantity `qi` it is coordinated with, if any.
    fn sibling(&self, ctx: &Context, views: &[Option<QView>], assigned: &[Option<usize>], qi: usize) -> Option<usize> {
        let text = ctx.text;
        let v = views[qi].as_ref()?;
        let q = &ctx.quantities[qi];
        // Before it: "..., and 30 percent", ", around 100"; a breakdown by place ("20,419
        // strikes ..., with 12,346 in Iraq and 8,074 in Syria").
        if v.first > 0 {
            let joiner = text.tokens[v.first - 1].text(text.text);
            let by_place = ["with", "including"].iter().any(|w| joiner.eq_ignore_ascii_case(w))
                && text.tokens.get(v.end_tok).is_some_and(|t| t.text(text.text) == "in");
            if joiner.eq_ignore_ascii_case("and") || joiner == "," || by_place {
                for pi in (0..qi).rev() {
                    let (Some(pv), Some(_)) = (&views[pi], assigned[pi]) else { continue };
                    if pv.sentence != v.sentence {
                        break;
                    }
                    if ctx.quantities[pi].unit == q.unit && v.first.saturating_sub(pv.end_tok) <= 12 {
                        return Some(pi);
                    }
                    break;
                }
            }
        }
        // After it: "About 300 Australian and 100 New Zealand personnel".
        let ni = qi + 1;
        if let (Some(Some(nv)), Some(Some(_))) = (views.get(ni), assigned.get(ni)) {
            if nv.sentence == v.sentence && ctx.quantities[ni].unit == q.unit && nv.first > v.end_tok {
                let between = &text.tokens[v.end_tok..nv.first];
                if between.len() <= 3 && between.iter().any(|t| t.text(text.text).eq_ignore_ascii_case("and")) {
                    return Some(ni);
                }
            }
        }
        None
    }

    /// The token after the phrase the figure counts: at most 8 tokens, ending before a clause
    /// break, another figure, a noun break, or a lower-case verb form after the first word.
    fn phrase_end(&self, ctx: &Context, v: &QView) -> usize {
        let text = ctx.text;
        let bytes = text.text.as_bytes();
        let mut k = v.end_tok;
        while k < text.tokens.len() && k < v.end_tok + 8 {
            let t = text.tokens[k];
            if t.start as usize >= v.sentence_span.end || t.kind == TokenKind::Number {
                break;
            }
            // The token's bytes: its text, read without slicing the text as a `str` (only a
            // punctuation mark and a word ending -ed/-ing are).
            let b = bytes.get(t.start as usize..t.end as usize).unwrap_or(&[]);
            // Every clause break is punctuation.
            if (t.kind == TokenKind::Punct && is_clause_break(t.text(text.text))) || self.is_noun_break_bytes(b) {
                break;
            }
            // The endings first: the first char is decoded only for a word that has one. Right
            // after a determiner such a word is an adjective ("of the populated areas").
            if k > v.end_tok
                && (b.ends_with(b"ed") || b.ends_with(b"ing"))
                && t.text(text.text).starts_with(|c: char| c.is_lowercase())
                && !["the", "its", "their"].iter().any(|d| text.tokens[k - 1].text(text.text).eq_ignore_ascii_case(d))
            {
                break;
            }
            k += 1;
        }
        k
    }

    /// Whether `w`, lower-cased, is a noun break. Short ASCII words (all but a few) go to the
    /// word set, which folds their case as it looks them up; the others are lower-cased in full.
    #[cfg(test)]
    fn is_noun_break(&self, w: &str) -> bool {
        self.is_noun_break_bytes(w.as_bytes())
    }

    /// [`MetricRules::is_noun_break`] of a word given as its bytes (a token's: whole chars),
    /// read without slicing the text as a `str`.
    fn is_noun_break_bytes(&self, b: &[u8]) -> bool {
        // An ASCII word keeps its length lower-cased: one bit test turns away nearly all.
        if let Some(&first) = b.first() {
            if b.len() < 64
                && first.is_ascii()
                && self.noun_break_quick[usize::from(first.to_ascii_lowercase())] >> b.len() & 1 == 0
                && b.is_ascii()
            {
                return false;
            }
            // A short ASCII word: its bytes, folded, in one word, searched among the short
            // noun breaks' (a word has no zero byte, so the word determines the string).
            if b.len() <= 8 && b.is_ascii() {
                let x = b.iter().rev().fold(0u64, |x, &c| x << 8 | u64::from(c));
                return self.short_noun_breaks.contains(fold8(x));
            }
        }
        let Ok(w) = std::str::from_utf8(b) else { return false };
        if w.len() > 32 || !w.is_ascii() {
            return self.noun_breaks.contains(&w.to_lowercase());
        }
        self.noun_break_words.contains(w)
    }

    /// The cue flags of the rules of `unit` (an index into `units`) for one figure, written
    /// into `flags` (one per rule; every rule's is cleared first, in one fill, and only the
    /// unit's rules' are written). Returns the bits of the rules (below 64) given NOUN or
    /// BEFORE.
    fn flags(&self, hits: &[Hit], v: &QView, unit: usize, flags: &mut [u8]) -> u64 {
        let mut found = 0u64;
        flags.fill(0);
        let lo = hits.partition_point(|h| h.start < v.sentence_span.start);
        for h in &hits[lo..] {
            if h.start >= v.sentence_span.end {
                break;
            }
            for &(r, kind) in self.unit_entries[unit][h.pattern].iter() {
                let d = &self.defs[r];
                let bit = match kind {
                    CueKind::Noun => {
                        let ok = h.first >= v.end_tok && h.first < v.np_end && h.first - v.end_tok <= d.noun_window;
                        if ok {
                            NOUN
                        } else {
                            0
                        }
                    }
                    CueKind::Before | CueKind::Negate => {
                        let ok = h.last < v.first && v.first - h.last - 1 <= d.before_window;
                        match (ok, kind) {
                            (true, CueKind::Before) => BEFORE,
                            (true, _) if v.first - h.last - 1 == 0 => NEGATE,
                            _ => 0,
                        }
                    }
                    CueKind::Context if near(h, v, d.window) => CONTEXT,
                    CueKind::Exclude if near(h, v, d.exclude_window.unwrap_or(d.window)) => EXCLUDE,
                    _ => 0,
                };
                flags[r] |= bit;
                if bit & (NOUN | BEFORE) != 0 && r < 64 {
                    found |= 1 << r;
                }
            }
        }
        found
    }

    /// Whether rule `r` has what it needs first: one of its nouns or before cues (`flags`), or
    /// its modifier, or lists none of them.
    fn primary(&self, r: usize, flags: u8, q: &Quantity) -> bool {
        !self.has_primary[r]
            || flags & (NOUN | BEFORE) != 0
            || q.modifier.as_ref().is_some_and(|m| self.modifiers[r].iter().any(|x| x == m))
    }

    #[allow(clippy::too_many_arguments)]
    fn assign(
        &self,
        ctx: &Context,
        hits: &[Hit],
        settings: &mut LazyHits,
        flags: &mut [u8],
        qi: usize,
        q: &Quantity,
        v: &QView,
    ) -> Option<Built> {
        // Only the rules of the figure's unit can take it.
        let unit = v.unit?;
        let found = self.flags(hits, v, unit, flags);
        let mut scopes: [Option<Option<Option<String>>>; 4] = [None, None, None, None];
        // With at most 64 rules and no modifier on the figure, only the rules that list no
        // noun, before cue or modifier, or whose noun or before cue was found (`found`), can
        // take it: the others are passed over by their bits, in file order as in the full walk.
        let rules = &self.unit_rules[unit];
        let by_bits = self.defs.len() <= 64 && q.modifier.is_none();
        let mut bits = if by_bits { (self.open_rules | found) & self.unit_masks[unit] } else { 0 };
        let mut k = 0;
        loop {
            let r = if by_bits {
                if bits == 0 {
                    break;
                }
                let r = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                r
            } else {
                let Some(&r) = rules.get(k) else { break };
                k += 1;
                r
            };
            let d = &self.defs[r];
            let f = flags[r];
            if !self.primary(r, f, q) || f & EXCLUDE != 0 || (!d.context.is_empty() && f & CONTEXT == 0) {
                continue;
            }
            if d.bare && !q.counted.is_empty() {
                continue;
            }
            if d.min.is_some_and(|m| q.value < m) || d.max.is_some_and(|m| q.value > m) {
                continue;
            }
            if d.requires_day && !self.dated(ctx, v, true) {
                continue;
            }
            if d.requires_date && !self.dated(ctx, v, false) {
                continue;
            }
            let slot = d.scope as usize;
            let scope = scopes[slot].get_or_insert_with(|| self.scope(ctx, settings, v, d.scope)).clone();
            if d.requires_scope && scope.as_ref().is_none_or(|s| s.is_none()) {
                continue;
            }
            return Some(self.build(ctx, q, qi, v, r, f, scope, "cue"));
        }
        None
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        &self,
        ctx: &Context,
        q: &Quantity,
        qi: usize,
        v: &QView,
        r: usize,
        flags: u8,
        scope: Option<Option<String>>,
        how: &str,
    ) -> Built {
        let d = &self.defs[r];
        let negative = flags & NEGATE != 0;
        let sign = if negative { -1.0 } else { 1.0 };
        let (value, value_max) = match (negative, q.value_max) {
            (true, Some(max)) => (-max, Some(-q.value)),
            _ => (q.value * sign, q.value_max),
        };
        // The phrase: the figure and what it counts ("more than 19,000 strikes").
        let mut span = q.span;
        if let Some(c) = q.counted_span {
            if flags & NOUN != 0 || q.modifier.is_some() {
                span.end = span.end.max(c.end);
            }
        }
        Built {
            rule_index: r,
            metric: Metric {
                span,
                metric: d.name.clone(),
                value,
                value_max,
                qualifier: q.qualifier,
                as_of: self.as_of(ctx, v),
                scope: scope.flatten(),
                quantity: qi,
                rule: format!("metric.{how}:{}", d.name),
            },
        }
    }

    /// Whether a timex in the figure's sentence dates it (to a day, when `day`).
    fn dated(&self, ctx: &Context, v: &QView, day: bool) -> bool {
        ctx.timexes.iter().any(|t| {
            v.sentence_span.contains(t.span)
                && match t.kind {
                    TimexType::Date | TimexType::Time => {
                        if day {
                            t.value.len() >= 10 || t.value.contains('W') || t.value == "PRESENT_REF"
                        } else {
                            t.value.starts_with(|c: char| c.is_ascii_digit())
                        }
                    }
                    _ => false,
                }
        })
    }

    /// The date the sentence ties the figure to, else the creation date.
    fn as_of(&self, ctx: &Context, v: &QView) -> Option<String> {
        let text = ctx.text;
        let dct = ctx.dct.date.map(|d| d.to_string());
        let mut best: Option<(usize, String)> = None;
        let in_sentence: Vec<&chronicle_time::Timex> =
            ctx.timexes.iter().filter(|t| v.sentence_span.contains(t.span)).collect();
        for (k, t) in in_sentence.iter().enumerate() {
            if !matches!(t.kind, TimexType::Date | TimexType::Time) {
                continue;
            }
            let value = if t.value == "PRESENT_REF" {
                match &dct {
                    Some(d) => d.clone(),
                    None => continue,
                }
            } else {
                match as_of_value(&t.value) {
                    Some(v) => v,
                    None => continue,
                }
            };
            let first = text.token_at(t.span.start);
            // A date after the creation date is a plan, not the figure's date.
            if let Some(d) = &dct {
                let n = d.len().min(value.len());
                if value[..n] > d[..n] {
                    continue;
                }
            }
            // "the group's 2014 momentum": a year used as a modifier dates nothing.
            let word = |k: usize| text.tokens.get(k).map_or("", |tok| tok.text(text.text));
            let bare_year = t.span.len() == 4 && t.span.of(text.text).bytes().all(|b| b.is_ascii_digit());
            let next = text.token_at(t.span.end);
            if bare_year
                && word(next).starts_with(|c: char| c.is_lowercase())
                && !["and", "to", "or", "through", "until"].contains(&word(next))
                && (first == 0
                    || ![
                        "in", "by", "of", "since", "from", "until", "during", "before", "after", "early", "late", "mid",
                    ]
                    .iter()
                    .any(|p| word(first - 1).eq_ignore_ascii_case(p)))
            {
                continue;
            }
            // "since its peak in 2014", "began on November 5": a start, not the figure's date.
            let s_first = text.token_at(v.sentence_span.start);
            let mut start_cue = false;
            let mut j = first;
            while j > s_first && first - j < 10 {
                j -= 1;
                let w = word(j);
                // "from January to March 2018": the start cue is the first date's; the second
                // ends the period
                if is_clause_break(w)
                    || ["to", "through", "and", "-", "\u{2013}"].iter().any(|c| w.eq_ignore_ascii_case(c))
                {
                    break;
                }
                if ["since", "from", "after", "began", "begun", "started", "peak", "beginning", "until", "before"]
                    .iter()
                    .any(|c| w.eq_ignore_ascii_case(c))
                {
                    start_cue = true;
                    break;
                }
            }
            let between = first > 0 && text.tokens[first - 1].text(text.text).eq_ignore_ascii_case("between");
            let mut value = value;
            if between {
                // "between mid-2014 and March 2015": the end of the period.
                match in_sentence.get(k + 1).and_then(|n| as_of_value(&n.value)) {
                    Some(end) => value = end,
                    None => continue,
                }
            } else if start_cue {
                continue;
            }
            let last = text.tokens.partition_point(|tok| (tok.start as usize) < t.span.end).saturating_sub(1);
            let dist = if last < v.first { v.first - last } else { first.saturating_sub(v.end_tok) };
            if best.as_ref().is_none_or(|(d, _)| dist < *d) {
                best = Some((dist, value));
            }
        }
        best.map(|(_, v)| v).or(dct)
    }

    /// The figure's scope: `None` when the rule does not read one, `Some(None)` when nothing
    /// restricts the figure. The settings' cues of the figure's sentence are searched only
    /// when what the figure counts names no place.
    fn scope(&self, ctx: &Context, settings: &mut LazyHits, v: &QView, rule: ScopeRule) -> Option<Option<String>> {
        if rule == ScopeRule::None {
            return None;
        }
        let text = ctx.text;
        let toks = &text.tokens;
        // 1. What the figure counts: "nearly 90,000 Iraqi Security Force members", "Hundreds of
        //    Australian and New Zealand forces", "up to 5,000 EU citizens".
        let counted_end = toks.get(v.np_end.saturating_sub(1)).map_or(v.span.end, |t| t.end as usize);
        let names = self.places_in(ctx, v.end_tok, v.np_end, counted_end);
        if !names.is_empty() {
            return Some(self.joint(names));
        }
        // 2. A place after a preposition: "in Iraq", "near Kobani", "from Germany".
        let hits = settings.of(text, v);
        let lo = hits.partition_point(|h| h.start < v.span.end);
        for h in &hits[lo..] {
            if h.first >= v.end_tok + 10 || h.start >= v.sentence_span.end {
                break;
            }
            if !self.entries[h.pattern].contains(&(SETTINGS, CueKind::Preposition)) {
                continue;
            }
            if clause_break(text, v.end_tok, h.first) || next_number(text, v.end_tok, h.first) {
                break;
            }
            if text.tokens[v.end_tok..h.first].iter().any(|t| t.text(text.text).eq_ignore_ascii_case("since")) {
                break;
            }
            if rule == ScopeRule::Member && !toks[h.first].text(text.text).eq_ignore_ascii_case("from") {
                continue;
            }
            let mut at = h.last + 1;
            if toks.get(at).is_some_and(|t| t.text(text.text).eq_ignore_ascii_case("the")) {
                at += 1;
            }
            let names = self.places_from(ctx, at, v.sentence_span.end);
            if !names.is_empty() {
                return Some(self.joint(names));
            }
        }
        if rule == ScopeRule::Place {
            return Some(None);
        }
        let s_first = text.token_at(v.sentence_span.start);
        if rule == ScopeRule::PlaceOrEarlier {
            // 3a. The nearest place named after a preposition earlier in the sentence ("attack
            //     ISIL terrorists in Syria ... to conduct seven airstrikes").
            let mut k = v.first;
            while k > s_first {
                k -= 1;
                let is_prep = hits
                    .iter()
                    .any(|h| h.last == k && self.entries[h.pattern].contains(&(SETTINGS, CueKind::Preposition)));
                if is_prep {
                    let mut at = k + 1;
                    if toks.get(at).is_some_and(|t| t.text(text.text).eq_ignore_ascii_case("the")) {
                        at += 1;
                    }
                    let names = self.places_from(ctx, at, toks[v.first].start as usize);
                    if !names.is_empty() {
                        return Some(self.joint(names));
                    }
                }
            }
            return Some(None);
        }
        // 3b. The member the sentence makes its subject ("Canada has deployed ...", "the
        //     Canadian government will provide ...").
        for h in hits.iter().filter(|h| h.start >= v.sentence_span.start && h.last < v.first) {
            if !self.entries[h.pattern].contains(&(SETTINGS, CueKind::Subject)) || h.first <= s_first {
                continue;
            }
            // The word right before the cue must end a member's name or be its demonym.
            let prev = toks[h.first - 1];
            let named = ctx
                .mentions
                .iter()
                .find(|m| m.span.end == prev.end as usize && self.scope_kind(m))
                .map(|m| m.canonical.to_string())
                .or_else(|| self.demonym(prev.text(text.text)).map(str::to_string));
            if let Some(n) = named {
                return Some(self.joint(vec![(h.first - 1, n)]));
            }
        }
        Some(None)
    }

    /// Places and demonyms in tokens `[from, to)`, in order, with their token index.
    fn places_in(&self, ctx: &Context, from: usize, to: usize, limit: usize) -> Vec<(usize, String)> {
        let text = ctx.text;
        let mut out: Vec<(usize, String)> = Vec::new();
        if from >= to {
            return out;
        }
        let a = text.tokens[from].start as usize;
        let b = text.tokens[to - 1].end as usize;
        let b = b.min(limit.max(a));
        for m in ctx.mentions.iter().filter(|m| m.span.start >= a && m.span.end <= b) {
            if self.scope_kind(m) {
                out.push((text.token_at(m.span.start), m.canonical.to_string()));
            }
        }
        for k in from..to {
            let tok = text.tokens[k];
            if (tok.end as usize) > b {
                break;
            }
            // A demonym not already inside a place mention ("Iraqi" -> Iraq).
            if let Some(c) = self.demonym(tok.text(text.text)) {
                let inside = ctx.mentions.iter().any(|m| m.span.contains(tok.span()) && self.scope_kind(m));
                if !inside {
                    out.push((k, c.to_string()));
                }
            }
        }
        out.sort_by_key(|(k, _)| *k);
        out
    }

    /// A list of places starting at token `at`: "Yemen, Libya and Pakistan", "Iraqi".
    fn places_from(&self, ctx: &Context, at: usize, limit: usize) -> Vec<(usize, String)> {
        let text = ctx.text;
        let toks = &text.tokens;
        let mut out = Vec::new();
        let mut k = at;
        while let Some(tok) = toks.get(k) {
            if tok.start as usize >= limit {
                break;
            }
            let start = tok.start as usize;
            if let Some(m) = ctx.mentions.iter().find(|m| m.span.start == start && self.scope_kind(m)) {
                k = text.token_at(m.span.end);
                // A site named after the place: "Mosul Dam", "Qayyarah Air Base".
                let mut name = m.canonical.to_string();
                if let Some(site) = self.site_words.iter().find(|w| {
                    let cue = chronicle_core::Text::new(w);
                    cue.tokens
                        .iter()
                        .enumerate()
                        .all(|(i, ct)| toks.get(k + i).is_some_and(|t| t.text(text.text) == ct.text(w)))
                        && !cue.tokens.is_empty()
                }) {
                    name = format!("{name} {site}");
                    k += chronicle_core::Text::new(site).tokens.len();
                }
                out.push((k, name));
            } else if let Some(c) = self.demonym(tok.text(text.text)) {
                out.push((k, c.to_string()));
                k += 1;
            } else {
                break;
            }
            match toks.get(k).map(|t| t.text(text.text)) {
                Some(",") if toks.get(k + 1).is_some_and(|t| t.text(text.text).eq_ignore_ascii_case("and")) => k += 2,
                Some(",") => k += 1,
                Some(w) if w.eq_ignore_ascii_case("and") => k += 1,
                _ => break,
            }
        }
        out
    }

    fn demonym(&self, word: &str) -> Option<&str> {
        self.demonyms.get(word).map(String::as_str)
    }

    fn scope_kind(&self, m: &chronicle_entities::Mention) -> bool {
        match m.kind {
            EntityType::Country | EntityType::City | EntityType::Region => true,
            EntityType::Organization => self.scope_organizations.iter().any(|o| **o == *m.canonical),
            _ => false,
        }
    }

    /// Joins places into one scope ("Australia and New Zealand"); the whole theatre is null.
    fn joint(&self, names: Vec<(usize, String)>) -> Option<String> {
        let mut uniq: Vec<String> = Vec::new();
        for (_, n) in names {
            if !uniq.contains(&n) {
                uniq.push(n);
            }
        }
        if !self.theatre.is_empty() && self.theatre.iter().all(|t| uniq.contains(t)) {
            return None;
        }
        match uniq.len() {
            0 => None,
            1 => uniq.pop(),
            n => Some(format!("{} and {}", uniq[..n - 1].join(", "), uniq[n - 1])),
        }
    }
}

/// A set of words of at most eight bytes, each packed into one little-endian word: open
/// addressing over a multiplicative hash, at most a quarter full, so that a look-up is one or
/// two probes, not a binary search through every word.
struct PackedSet {
    /// Per slot a word, or 0 (empty).
    slots: Box<[u64]>,
    shift: u32,
    /// Whether the set holds the word 0 (which an empty slot stands for).
    zero: bool,
}

impl PackedSet {
    const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

    fn new(words: impl IntoIterator<Item = u64>) -> PackedSet {
        let words: Vec<u64> = words.into_iter().collect();
        let size = (words.len() * 4).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![0u64; size].into_boxed_slice();
        let mut zero = false;
        for &w in &words {
            if w == 0 {
                zero = true;
                continue;
            }
            let mut s = (w.wrapping_mul(Self::MUL) >> shift) as usize;
            while slots[s] != 0 && slots[s] != w {
                s = (s + 1) & (size - 1);
            }
            slots[s] = w;
        }
        PackedSet { slots, shift, zero }
    }

    #[inline]
    fn contains(&self, w: u64) -> bool {
        if w == 0 {
            return self.zero;
        }
        let mask = self.slots.len() - 1;
        let mut s = (w.wrapping_mul(Self::MUL) >> self.shift) as usize;
        loop {
            match self.slots[s] {
                0 => return false,
                x if x == w => return true,
                _ => s = (s + 1) & mask,
            }
        }
    }
}

/// The buffers of [`MetricRules::apply`], kept per thread and reused from one document to the
/// next: a document's figures, cue hits and flags are a few dozen entries, and allocating them
/// afresh for every document cost more than filling them.
#[derive(Default)]
struct Scratch {
    timexes: TimexSpans,
    views: Vec<Option<QView>>,
    sentences: Vec<Span>,
    hits: Vec<Hit>,
    flags: Vec<u8>,
    assigned: Vec<Option<usize>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// A metric with the rule that made it.
struct Built {
    rule_index: usize,
    metric: Metric,
}

/// A quantity's place in the text, computed once.
struct QView {
    span: Span,
    /// First token of the figure (its qualifier included) and the token after it.
    first: usize,
    end_tok: usize,
    sentence: usize,
    sentence_span: Span,
    /// The token after the phrase the figure counts (see [`MetricRules::phrase_end`]); set
    /// only for a figure of a rule's unit.
    np_end: usize,
    /// The figure's unit as an index into the rules' units, if it is one.
    unit: Option<usize>,
}

impl QView {
    /// `None` for figures that are no metric: ordinals, and figures inside a timex. The
    /// figure's tokens and sentence are the tagger's (what `Text::token_at` and
    /// `Text::sentence_at` give for its span).
    fn new(ctx: &Context, q: &Quantity, timexes: &TimexSpans) -> Option<QView> {
        if q.unit == "ordinal" || timexes.overlap(ctx.timexes, q.span) {
            return None;
        }
        let text = ctx.text;
        let ((first, end_tok), sentence) = (q.tokens, q.sentence);
        Some(QView {
            span: q.span,
            first,
            end_tok,
            sentence,
            sentence_span: text.sentence(sentence),
            np_end: 0,
            unit: None,
        })
    }
}

/// Whether a span overlaps a timex, by binary search when the timexes are in text order (they
/// are): a timex overlaps `span` when it starts before its end and ends after its start, so
/// with the largest end among the timexes that start before `span` ends.
#[derive(Default)]
struct TimexSpans {
    /// Per timex, the largest end among it and those before it; empty when the timexes are
    /// not sorted by start (then every timex is tested).
    max_end: Vec<usize>,
}

impl TimexSpans {
    #[cfg(test)]
    fn new<T: HasSpan>(timexes: &[T]) -> TimexSpans {
        let mut t = TimexSpans::default();
        t.refill(timexes);
        t
    }

    /// The table of `timexes`, in this one's buffer.
    fn refill<T: HasSpan>(&mut self, timexes: &[T]) {
        self.max_end.clear();
        if timexes.windows(2).all(|w| w[0].span().start <= w[1].span().start) {
            self.max_end.extend(timexes.iter().scan(0usize, |m, t| {
                *m = (*m).max(t.span().end);
                Some(*m)
            }));
        }
    }

    /// Whether `span` overlaps one of `timexes` (those the table was built from).
    fn overlap<T: HasSpan>(&self, timexes: &[T], span: Span) -> bool {
        if self.max_end.len() != timexes.len() {
            return timexes.iter().any(|t| t.span().overlaps(span));
        }
        let k = timexes.partition_point(|t| t.span().start < span.end);
        k > 0 && self.max_end[k - 1] > span.start
    }
}

/// What has a span ([`TimexSpans`] reads timexes, and spans in its tests).
trait HasSpan {
    fn span(&self) -> Span;
}

impl HasSpan for chronicle_time::Timex {
    fn span(&self) -> Span {
        self.span
    }
}

impl HasSpan for Span {
    fn span(&self) -> Span {
        *self
    }
}

/// `s.partition_point(pred)` (`pred` true on a prefix of `s`), searched from `hint`: galloping
/// forward when the answer is at or after it (the next figure or sentence is a little further
/// on, not anywhere in the text), else by binary search before it.
fn partition_from<T>(s: &[T], hint: usize, pred: impl Fn(&T) -> bool) -> usize {
    let hint = hint.min(s.len());
    if hint > 0 && !pred(&s[hint - 1]) {
        return s[..hint].partition_point(pred);
    }
    // Everything before `lo` satisfies `pred`.
    let (mut lo, mut step) = (hint, 1usize);
    while lo + step <= s.len() && pred(&s[lo + step - 1]) {
        lo += step;
        step *= 2;
    }
    let hi = (lo + step).min(s.len());
    lo + s[lo..hi].partition_point(pred)
}

fn unit_fits(def_unit: &str, unit: &str) -> bool {
    def_unit.eq_ignore_ascii_case(unit)
}

fn is_clause_break(w: &str) -> bool {
    matches!(
        w,
        "," | ";" | ":" | "(" | ")" | "\u{2014}" | "\u{2013}" | "." | "!" | "?" | "\"" | "\u{201c}" | "\u{201d}"
    )
}

/// Whether a clause ends between tokens `[from, to)`.
fn clause_break(text: &Text, from: usize, to: usize) -> bool {
    text.tokens[from.min(to)..to.min(text.tokens.len())].iter().any(|t| is_clause_break(t.text(text.text)))
}

/// Whether another figure lies between tokens `[from, to)`.
fn next_number(text: &Text, from: usize, to: usize) -> bool {
    text.tokens[from.min(to)..to.min(text.tokens.len())].iter().any(|t| t.kind == TokenKind::Number)
}

fn near(h: &Hit, v: &QView, window: usize) -> bool {
    h.last + window >= v.first && h.first <= v.end_tok + window
}

/// A timex value as an `as_of` date: `2015-12`, `2015-12-28`; halves and quarters by their
/// last month (`2016-H1` -> `2016-06`).
fn as_of_value(value: &str) -> Option<String> {
    let b = value.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = &value[..4];
    let rest = &value[4..];
    if rest.is_empty() {
        return Some(year.to_string());
    }
    let end_month = match rest {
        "-H1" => Some("06"),
        "-H2" => Some("12"),
        "-Q1" => Some("03"),
        "-Q2" => Some("06"),
        "-Q3" => Some("09"),
        "-Q4" => Some("12"),
        _ => None,
    };
    if let Some(m) = end_month {
        return Some(format!("{year}-{m}"));
    }
    let rb = rest.as_bytes();
    if rb.len() >= 3 && rb[0] == b'-' && rb[1].is_ascii_digit() && rb[2].is_ascii_digit() {
        if rb.len() >= 6 && rb[3] == b'-' && rb[4].is_ascii_digit() && rb[5].is_ascii_digit() {
            return Some(value[..10].to_string());
        }
        return Some(value[..7].to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronicle_core::PhraseSet;

    /// The cue search [`Cues::hits`] replaced: one phrase set of the cues of `kind`.
    fn phrase_set_hits(patterns: &[String], kinds: &[u8], text: &Text, sentences: &[Span], kind: u8) -> Vec<Hit> {
        let ids: Vec<usize> = (0..patterns.len()).filter(|&p| kinds[p] & kind != 0).collect();
        let set = PhraseSet::new(ids.iter().map(|&p| &patterns[p]), true).unwrap();
        let mut out = Vec::new();
        for sentence in sentences {
            let a = text.token_at(sentence.start);
            let toks = &text.tokens[a..text.token_end_at(sentence.end).max(a)];
            for m in set.find_all(text, *sentence) {
                let span = m.span;
                let first = a + toks.partition_point(|t| (t.start as usize) < span.start);
                let last = (a + toks.partition_point(|t| (t.start as usize) < span.end)).saturating_sub(1);
                out.push(Hit { start: span.start, first, last: last.max(first), pattern: ids[m.pattern] });
            }
        }
        out.sort_by_key(|h| (h.start, h.pattern));
        out
    }

    #[test]
    fn cues_that_cannot_start_a_word_are_refused() {
        for bad in ["-led", " in", "$ million"] {
            assert!(Cues::new(&[bad.to_string()], vec![RULE_CUE]).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// The binary search over timexes answers what testing every timex answers.
        #[test]
        fn timex_overlap_agrees_with_the_scan(
            raw in proptest::collection::vec((0usize..60, 0usize..8), 0..8),
            sort in proptest::bool::ANY,
            q in (0usize..60, 0usize..8),
        ) {
            let mut spans: Vec<Span> = raw.iter().map(|&(s, l)| Span::new(s, s + l)).collect();
            if sort {
                spans.sort_by_key(|s| s.start);
            }
            let span = Span::new(q.0, q.0 + q.1);
            let table = TimexSpans::new(&spans);
            proptest::prop_assert_eq!(table.overlap(&spans, span), spans.iter().any(|t| t.overlaps(span)));
        }

        /// The word-start cue search finds what the phrase sets found.
        #[test]
        fn cue_search_agrees_with_phrase_sets(words in proptest::collection::vec(proptest::sample::select(vec![
            "air", "Air", "strikes", "airstrikes", "AIR STRIKES", "al", "-", "Qaeda", "al-Qaeda", "the", "The",
            "coalition", "in", "In", "and", "around", "F", "16", "F-16", "é", "éa", "x", ".", ",", "\n", "Iraq",
            "in and around", "_", "in_", "US", "U.S.", "'s",
        ]), 0..30), glue in proptest::collection::vec(proptest::bool::ANY, 30)) {
            let mut s = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 && !glue[k] {
                    s.push(' ');
                }
                s.push_str(w);
            }
            let patterns: Vec<String> = ["air strikes", "strikes", "air", "al-qaeda", "the coalition", "in",
                "in and around", "f-16", "é", "u.s.", "coalition", "iraq", "in_"]
                .iter().map(|p| p.to_string()).collect();
            let kinds: Vec<u8> = (0..patterns.len()).map(|p| [RULE_CUE, SETTING_CUE, RULE_CUE | SETTING_CUE][p % 3]).collect();
            let cues = Cues::new(&patterns, kinds.clone()).unwrap();
            let text = Text::new(&s);
            let mut sentences = text.sentences.clone();
            sentences.push(Span::new(0, s.len()));
            for kind in [RULE_CUE, SETTING_CUE] {
                for within in [&sentences[..sentences.len() - 1], &sentences[sentences.len() - 1..]] {
                    proptest::prop_assert_eq!(
                        cues.hits(&text, within, kind),
                        phrase_set_hits(&patterns, &kinds, &text, within, kind),
                        "{:?}", s
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The galloping search from a hint finds what the binary search finds, from any hint.
        #[test]
        fn partition_from_agrees_with_partition_point(
            mut v in proptest::collection::vec(0u32..50, 0..40),
            x in 0u32..52,
            hint in 0usize..45,
        ) {
            v.sort_unstable();
            proptest::prop_assert_eq!(partition_from(&v, hint, |&e| e < x), v.partition_point(|&e| e < x));
        }

        /// Token and sentence searches from a hint answer what the text's own searches answer,
        /// whatever the hint (the previous position).
        #[test]
        fn view_searches_agree_with_the_text(s in "[a-zA-Z0-9 .,!?\n]{0,60}", a in 0usize..64, b in 0usize..64) {
            let text = Text::new(&s);
            let mut cursor = (0usize, 0usize);
            for pos in [a.min(s.len()), b.min(s.len()), a.min(s.len())] {
                let first = partition_from(&text.tokens, cursor.0, |t| (t.start as usize) < pos);
                let sentence = partition_from(&text.sentences, cursor.1, |x| x.start <= pos).saturating_sub(1);
                proptest::prop_assert_eq!(first, text.token_at(pos));
                proptest::prop_assert_eq!(sentence, text.sentence_at(pos));
                cursor = (first, sentence);
            }
        }

        /// The noun-break test with its length filter answers what the word set answers.
        #[test]
        fn noun_break_filter_agrees(w in "[a-zA-Z\u{212A}\u{130}é]{1,12}") {
            static RULES: std::sync::OnceLock<MetricRules> = std::sync::OnceLock::new();
            let rules = RULES.get_or_init(|| MetricRules::new(&Pack::coalition()).unwrap());
            let slow = if w.len() > 32 || !w.is_ascii() {
                rules.noun_breaks.contains(&w.to_lowercase())
            } else {
                rules.noun_break_words.contains(&w)
            };
            proptest::prop_assert_eq!(rules.is_noun_break(&w), slow);
            for nb in &rules.noun_breaks {
                proptest::prop_assert!(rules.is_noun_break(nb) && rules.is_noun_break(&nb.to_uppercase()));
            }
        }
    }

    #[test]
    fn packed_sets_hold_exactly_their_words() {
        let pack = |w: &str| w.bytes().rev().fold(0u64, |x, c| x << 8 | u64::from(c));
        let words = ["in", "of", "which", "that", "were", "amid", "because", "although"];
        let set = PackedSet::new(words.iter().map(|w| pack(w)));
        let cases: &[(&str, bool)] = &[
            ("in", true),
            ("although", true),
            ("which", true),
            ("on", false),
            ("wher", false),
            ("alth", false),
            ("", false),
        ];
        for &(w, want) in cases {
            assert_eq!(set.contains(pack(w)), want, "{w:?}");
        }
        // The word 0 (which an empty slot stands for) is held only when given.
        assert!(PackedSet::new([0, pack("in")]).contains(0));
        assert!(!PackedSet::new([pack("in")]).contains(0));
        // Many words: every one found after collisions.
        let many: Vec<u64> = (1..200u64).map(|k| k * 0x0101).collect();
        let set = PackedSet::new(many.iter().copied());
        assert!(many.iter().all(|&w| set.contains(w)));
        assert!(!set.contains(0x0101 * 500));
    }

    #[test]
    fn as_of_values_keep_their_precision() {
        for (value, want) in [
            ("2015-12", Some("2015-12")),
            ("2015-12-28", Some("2015-12-28")),
            ("2015-12-28T10:25", Some("2015-12-28")),
            ("2016-H1", Some("2016-06")),
            ("2015-Q4", Some("2015-12")),
            ("2014", Some("2014")),
            ("PAST_REF", None),
            ("P5Y", None),
            ("2014-SU", None),
        ] {
            assert_eq!(as_of_value(value).as_deref(), want, "{value}");
        }
    }
}
