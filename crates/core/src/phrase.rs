//! Phrase lists matched at word starts: how every stage finds its aliases, cue words and
//! triggers in a text.
//!
//! A phrase ("Islamic State", "air strikes", "according to") can only match where a word
//! starts and where its first word is the text's word. So each [`PhraseSet`] keeps, besides
//! its anchored Aho-Corasick automaton, the hash keys of its phrases' first words; the text's
//! word starts and their keys are computed once per document ([`Text::word_starts`]), and the
//! automaton is only entered at the few word starts whose key is in the set. Most words of a
//! news report start no phrase of a given list and cost one hash lookup. This replaced
//! unanchored searches over the whole text (which also had to throw away matches inside
//! words), and made each stage's matching several times faster.

use crate::{Span, Text};
use aho_corasick::automaton::OverlappingState;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use rustc_hash::{FxHashSet, FxHasher};
use std::hash::Hasher;

/// Why a phrase list could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseError {
    /// A phrase that is empty or does not start with a letter, digit or underscore: it could
    /// never match at a word start.
    NotAWord(String),
    /// The automaton could not be built (too many or too long phrases).
    Automaton(String),
}

impl std::fmt::Display for PhraseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhraseError::NotAWord(p) => write!(f, "phrase {p:?} does not start with a letter or digit"),
            PhraseError::Automaton(e) => write!(f, "phrase automaton: {e}"),
        }
    }
}

impl std::error::Error for PhraseError {}

/// One phrase found in a text: its span and its index in the list the set was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhraseMatch {
    pub span: Span,
    pub pattern: usize,
}

/// A word start of a text (a letter, digit or underscore after anything else).
#[derive(Clone, Copy, Debug)]
pub struct WordStart {
    /// Its byte offset.
    pub at: usize,
    /// Whether the word starts with a capital letter.
    pub capital: bool,
    /// The keys of its word: as written, and with ASCII letters folded.
    keys: [u64; 2],
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The keys of the first word of `s` (its leading run of word characters), as written and with
/// ASCII letters folded the way a case-insensitive automaton folds them.
fn first_word_keys(s: &str) -> [u64; 2] {
    let mut exact = FxHasher::default();
    let mut folded = FxHasher::default();
    for c in s.chars().take_while(|&c| is_word_char(c)) {
        exact.write_u32(c as u32);
        folded.write_u32(c.to_ascii_lowercase() as u32);
    }
    [exact.finish(), folded.finish()]
}

/// Every word start of `text`, in order.
pub(crate) fn word_starts(text: &str) -> Vec<WordStart> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut exact = FxHasher::default();
    let mut folded = FxHasher::default();
    let mut current: Option<(usize, bool)> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if current.is_none() {
                current = Some((i, c.is_uppercase()));
                exact = FxHasher::default();
                folded = FxHasher::default();
            }
            exact.write_u32(c as u32);
            folded.write_u32(c.to_ascii_lowercase() as u32);
        } else if let Some((at, capital)) = current.take() {
            out.push(WordStart { at, capital, keys: [exact.finish(), folded.finish()] });
        }
    }
    if let Some((at, capital)) = current {
        out.push(WordStart { at, capital, keys: [exact.finish(), folded.finish()] });
    }
    out
}

/// A compiled list of phrases, matched at word starts and ending on word boundaries.
#[derive(Clone, Debug)]
pub struct PhraseSet {
    automaton: AhoCorasick,
    first_words: FxHashSet<u64>,
    fold: bool,
    len: usize,
}

impl PhraseSet {
    /// Compiles `phrases`, matched as written or, with `fold`, in any ASCII case. A phrase's
    /// index in `phrases` is the `pattern` of its matches.
    pub fn new<I, P>(phrases: I, fold: bool) -> Result<PhraseSet, PhraseError>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let phrases: Vec<P> = phrases.into_iter().collect();
        let mut first_words = FxHashSet::default();
        for p in &phrases {
            let p = p.as_ref();
            if !p.starts_with(is_word_char) {
                return Err(PhraseError::NotAWord(p.to_string()));
            }
            first_words.insert(first_word_keys(p)[usize::from(fold)]);
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(fold)
            .build(phrases.iter().map(|p| p.as_ref()))
            .map_err(|e| PhraseError::Automaton(e.to_string()))?;
        Ok(PhraseSet { automaton, first_words, fold, len: phrases.len() })
    }

    /// Calls `each` with every phrase of the automaton that starts at byte `at` of `haystack`.
    fn anchored(&self, haystack: &str, at: usize, mut each: impl FnMut(PhraseMatch)) {
        let input = Input::new(haystack).range(at..).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        // The automaton is built anchored, so the search cannot fail; an error ends it.
        while self.automaton.try_find_overlapping(input.clone(), &mut state).is_ok() {
            let Some(m) = state.get_match() else { break };
            // Overlapping anchored search may also report later starts: only `at` counts.
            if m.start() != at {
                continue;
            }
            each(PhraseMatch { span: Span::new(m.start(), m.end()), pattern: m.pattern().as_usize() });
        }
    }

    /// How many phrases the set holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether some phrase may start at `w` (its first word is one of the set's first words).
    pub fn may_start(&self, w: &WordStart) -> bool {
        !self.first_words.is_empty() && self.first_words.contains(&w.keys[usize::from(self.fold)])
    }

    /// Every phrase that starts at `w` and ends on a word boundary, shortest first.
    pub fn all_at(&self, text: &Text, w: &WordStart, out: &mut Vec<PhraseMatch>) {
        if !self.may_start(w) {
            return;
        }
        self.anchored(text.text, w.at, |m| {
            if text.on_word_boundaries(m.span) {
                out.push(m);
            }
        });
    }

    /// The longest phrase that starts at `w` and ends on a word boundary.
    pub fn longest_at(&self, text: &Text, w: &WordStart) -> Option<PhraseMatch> {
        if !self.may_start(w) {
            return None;
        }
        let mut best: Option<PhraseMatch> = None;
        self.anchored(text.text, w.at, |m| {
            if text.on_word_boundaries(m.span) && best.is_none_or(|b| m.span.end > b.span.end) {
                best = Some(m);
            }
        });
        best
    }

    /// Every phrase inside `within` (overlapping ones too), in text order.
    pub fn find_all(&self, text: &Text, within: Span) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        for w in text.word_starts_in(within) {
            let before = out.len();
            self.all_at(text, w, &mut out);
            if out[before..].iter().any(|m| m.span.end > within.end) {
                out.retain(|m| m.span.end <= within.end);
            }
        }
        out
    }

    /// The longest phrase at each word start of the text.
    pub fn find_longest(&self, text: &Text) -> Vec<PhraseMatch> {
        text.word_starts().iter().filter_map(|w| self.longest_at(text, w)).collect()
    }

    /// The longest phrase at each word start, leftmost first and without overlaps: a word start
    /// inside a phrase already found starts nothing.
    pub fn find_leftmost(&self, text: &Text) -> Vec<PhraseMatch> {
        let mut out: Vec<PhraseMatch> = Vec::new();
        let mut next = 0;
        for w in text.word_starts() {
            if w.at < next {
                continue;
            }
            if let Some(m) = self.longest_at(text, w) {
                next = m.span.end;
                out.push(m);
            }
        }
        out
    }

    /// The longest phrase that is the whole of `s`.
    pub fn whole(&self, s: &str) -> Option<usize> {
        let mut whole = None;
        self.anchored(s, 0, |m| {
            if m.span.end == s.len() && whole.is_none() {
                whole = Some(m.pattern);
            }
        });
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(set: &PhraseSet, text: &str, how: &str) -> Vec<&'static str> {
        let t = Text::new(text);
        let ms = match how {
            "all" => set.find_all(&t, Span::new(0, text.len())),
            "longest" => set.find_longest(&t),
            _ => set.find_leftmost(&t),
        };
        ms.iter().map(|m| &*Box::leak(m.span.of(text).to_string().into_boxed_str())).collect()
    }

    #[test]
    fn matches_start_and_end_on_word_boundaries() {
        let set = PhraseSet::new(["town", "air strikes", "strikes", "al-Qaeda", "Iraq"], true).unwrap();
        let cases: &[(&str, &str, &[&str])] = &[
            ("a town and a downtown", "all", &["town"]),
            ("the towns", "all", &[]),
            ("air strikes hit", "all", &["air strikes", "strikes"]),
            ("air strikes hit", "longest", &["air strikes", "strikes"]),
            ("air strikes hit", "leftmost", &["air strikes"]),
            ("AL-QAEDA and Al-Qaeda", "all", &["AL-QAEDA", "Al-Qaeda"]),
            ("Iraqi forces in Iraq.", "all", &["Iraq"]),
            ("counter-Iraq", "all", &["Iraq"]),
            ("", "all", &[]),
        ];
        for (text, how, want) in cases {
            assert_eq!(found(&set, text, how), *want, "{how} in {text:?}");
        }
    }

    #[test]
    fn exact_sets_keep_case_and_prefer_the_longest_that_fits() {
        let set = PhraseSet::new(["IS", "ISIS", "IS fighters"], false).unwrap();
        let cases: &[(&str, &[&str])] = &[
            ("IS and ISIS, but not is or Isis", &["IS", "ISIS"]),
            ("IS fighters fled", &["IS fighters"]),
            // The longest phrase would cut a word: the shorter one stands.
            ("IS fightersx fled", &["IS"]),
        ];
        for (text, want) in cases {
            assert_eq!(found(&set, text, "longest"), *want, "{text:?}");
        }
    }

    #[test]
    fn find_all_stays_inside_its_range() {
        let set = PhraseSet::new(["air strikes", "strikes"], true).unwrap();
        let text = "air strikes. More strikes.";
        let t = Text::new(text);
        let ms = set.find_all(&t, Span::new(0, 8));
        assert!(ms.is_empty(), "{ms:?}");
        let ms = set.find_all(&t, Span::new(13, text.len()));
        assert_eq!(ms.iter().map(|m| m.span.of(text)).collect::<Vec<_>>(), ["strikes"]);
    }

    #[test]
    fn phrases_that_cannot_start_a_word_are_refused() {
        for bad in ["", " town", "-led", "$ million"] {
            assert_eq!(PhraseSet::new([bad], true).unwrap_err(), PhraseError::NotAWord(bad.to_string()));
        }
    }

    #[test]
    fn whole_matches_the_entire_string_only() {
        let set = PhraseSet::new(["US", "U.S.", "UK"], false).unwrap();
        assert_eq!(set.whole("U.S."), Some(1));
        assert_eq!(set.whole("US"), Some(0));
        assert_eq!(set.whole("USA"), None);
    }
}
