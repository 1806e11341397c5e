//! The word-level matchers the domain rules share: cue phrases found in one walk over the
//! word starts (`CueTable`), cue-word sets (`Words`), and per-document indexes of the
//! mentions (`Marks`, `MentionIndex`).
//!
//! The claim and event rules read a document the same way: find a few cue phrases among all
//! its words, then look at the words and mentions around each. Their cost is per word of every
//! document, so the finding is shared: one walk over the word starts finds the claim cues and
//! the event triggers together (the extractor passes each rule set its matches), and the
//! mentions are sorted and marked once for both, on the first cue either finds.

use crate::Context;
use chronicle_core::{fold8, load8, word_key, Span, Text, WordStart};

/// A phrase found by a [`CueTable`]: what [`chronicle_core::PhraseSet`] finds, and the word
/// start it begins at, so that the rules find its first token without searching the tokens
/// ([`Found::first_token`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) span: Span,
    /// Its index in its list.
    pub(crate) pattern: usize,
    /// The index of its word start in [`Text::word_starts`].
    pub(crate) start: usize,
}

impl Found {
    /// The first token starting at or after the phrase's start ([`Text::token_index`] of it):
    /// the token holding its word start ([`Text::start_token`]) when the phrase starts that
    /// token, else the next one (a phrase inside a joined word, "Abadi" of "al-Abadi"). Every
    /// token before the holding one ends at or before the start, so none of them starts after it.
    #[inline]
    pub(crate) fn first_token(&self, text: &Text) -> Option<usize> {
        let t = text.start_token(self.start);
        let t = t + usize::from(text.tokens.get(t).is_some_and(|tok| (tok.start as usize) < self.span.start));
        (t < text.tokens.len()).then_some(t)
    }

    /// The match as [`chronicle_core::PhraseSet`] gives it.
    #[cfg(test)]
    pub(crate) fn phrase_match(&self) -> chronicle_core::PhraseMatch {
        chronicle_core::PhraseMatch { span: self.span, pattern: self.pattern }
    }
}

/// A cue-word set matched in any ASCII case, as [`chronicle_core::WordSet`] matches ("said",
/// "officials"), with a gate in front: for each byte length, a bit per first byte (ASCII
/// folded, modulo 32) of the set's words of that length. Most tokens have a length and first
/// letter no word of the set has ("," for the bodies, "officials" for the pronouns) and are
/// turned away by one load and a shift; the rest are looked up in a small open-addressed
/// table under a hash of their folded bytes. The event rules' word lists use it too.
pub(crate) struct Words {
    /// Per byte length (up to [`Words::MAX`]), the first-byte bits of the words of that length.
    gate: [u32; Words::MAX + 1],
    /// The words as matched (see [`Words::new`]) with their hashes; `None` is a free slot.
    slots: Box<[Option<Hashed>]>,
    /// Longer tokens are never in the set.
    max_len: usize,
    len: usize,
}

/// A word of a [`Words`] set with its [`folded_hash`].
type Hashed = (u64, Box<[u8]>);

/// A hash of `b` with its ASCII capitals lowered (the words of a [`Words`] set have none).
#[inline]
fn folded_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (b.len() as u64).wrapping_mul(K);
    for &x in b {
        h = (h ^ u64::from(x.to_ascii_lowercase())).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

impl Words {
    /// [`chronicle_core::WordSet`] looks no word longer than this up.
    const MAX: usize = 48;

    /// The set of `words`, kept lower-cased (as [`chronicle_core::WordSet`] keeps them): a
    /// token is in it when its ASCII letters lowered give one of them.
    pub(crate) fn new(words: &[String]) -> Words {
        Words::of(words.iter().map(|w| w.to_lowercase()), Words::MAX)
    }

    /// The set of `words` compared with [`str::eq_ignore_ascii_case`], whatever their length.
    pub(crate) fn ascii(words: &[String]) -> Words {
        Words::of(words.iter().map(|w| w.to_ascii_lowercase()), usize::MAX)
    }

    fn of(words: impl Iterator<Item = String>, max_len: usize) -> Words {
        let mut gate = [0u32; Words::MAX + 1];
        let mut kept: Vec<String> = Vec::new();
        for w in words {
            if w.len() > max_len || kept.contains(&w) {
                continue; // never looked up, or already there
            }
            if let (Some(g), Some(&first)) = (gate.get_mut(w.len()), w.as_bytes().first()) {
                *g |= 1 << (first & 31);
            }
            kept.push(w);
        }
        let size = (kept.len() * 2).next_power_of_two().max(8);
        let mut slots: Vec<Option<Hashed>> = vec![None; size];
        for w in &kept {
            let h = folded_hash(w.as_bytes());
            let mut i = h as usize & (size - 1);
            while slots[i].is_some() {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Some((h, w.as_bytes().into()));
        }
        Words { gate, slots: slots.into_boxed_slice(), max_len, len: kept.len() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub(crate) fn contains(&self, w: &str) -> bool {
        let b = w.as_bytes();
        match (self.gate.get(b.len()), b.first()) {
            // The stored words have no ASCII capitals: folding the first byte finds its bit.
            (Some(g), Some(&first)) if g >> (first.to_ascii_lowercase() & 31) & 1 == 0 => false,
            _ => self.lookup(b),
        }
    }

    #[inline(never)]
    fn lookup(&self, b: &[u8]) -> bool {
        if b.len() > self.max_len || self.len == 0 {
            return false;
        }
        let h = folded_hash(b);
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while let Some((k, w)) = &self.slots[i] {
            if *k == h && w.eq_ignore_ascii_case(b) {
                return true;
            }
            i = (i + 1) & mask;
        }
        false
    }
}

/// Where the mentions of a text start and end, a bit per byte position each (in one
/// allocation): the per-token questions "does a mention start here?", "does one end in this
/// token?" are answered by a bit or two before any search.
pub(crate) struct Marks {
    bits: Vec<u64>,
    /// Words per half: starts in `..words`, ends in `words..`.
    words: usize,
}

impl Marks {
    pub(crate) fn new(len: usize, spans: impl Iterator<Item = Span>) -> Marks {
        let words = len / 64 + 1;
        let mut bits = vec![0u64; 2 * words];
        let mut mark = |half: usize, p: usize| {
            if p / 64 < words {
                bits[half * words + p / 64] |= 1 << (p % 64);
            }
        };
        for s in spans {
            mark(0, s.start);
            mark(1, s.end);
        }
        Marks { bits, words }
    }

    /// Whether a mention starts at byte `p`.
    #[inline]
    pub(crate) fn starts_at(&self, p: usize) -> bool {
        p / 64 < self.words && self.bits[p / 64] >> (p % 64) & 1 != 0
    }

    /// Whether a mention ends at byte `p`.
    #[inline]
    pub(crate) fn ends_at(&self, p: usize) -> bool {
        self.ends_in(p, p + 1)
    }

    /// Whether a mention ends at some byte in `lo..hi`.
    #[inline]
    pub(crate) fn ends_in(&self, lo: usize, hi: usize) -> bool {
        // A token's bytes most often lie in one word of the bits: one mask.
        if lo < hi && lo / 64 == (hi - 1) / 64 && lo / 64 < self.words {
            let mask = (u64::MAX >> (64 - (hi - lo))) << (lo % 64);
            return self.bits[self.words + lo / 64] & mask != 0;
        }
        let mut p = lo;
        while p < hi && p / 64 < self.words {
            let off = p % 64;
            let n = (hi - p).min(64 - off);
            let mask = if n == 64 { u64::MAX } else { ((1u64 << n) - 1) << off };
            if self.bits[self.words + p / 64] & mask != 0 {
                return true;
            }
            p += n;
        }
        false
    }
}
/// The mentions of a document in text order (by start, the longest first) and where they
/// start and end: what the claim and event rules both consult, built once per document.
pub(crate) struct MentionIndex {
    /// Indices into the context's mentions, sorted.
    pub(crate) order: Vec<usize>,
    pub(crate) marks: Marks,
}

impl MentionIndex {
    #[inline(never)]
    pub(crate) fn new(ctx: &Context) -> MentionIndex {
        let mut order: Vec<usize> = (0..ctx.mentions.len()).collect();
        let key = |&i: &usize| (ctx.mentions[i].span.start, std::cmp::Reverse(ctx.mentions[i].span.end));
        // The gazetteer gives them in this order, most often: then there is nothing to sort.
        if !order.is_sorted_by_key(key) {
            order.sort_by_key(key);
        }
        let marks = Marks::new(ctx.text.text.len(), ctx.mentions.iter().map(|m| m.span));
        MentionIndex { order, marks }
    }
}

/// Cue phrases of several lists found in one walk over a text's word starts, by their first
/// word's key.
///
/// The claim cues and the event triggers are short lists whose first words are few ("said",
/// "according", "attack") but some of them common ("is said to", "for the first time"). A
/// [`chronicle_core::PhraseSet`] entered its automaton at every word start that passed its
/// Bloom filter, a few hundred instructions each time; here a word start costs one filter
/// test on its [`WordStart::key`] (folded), and the lists of a table share that test: the
/// extractor walks the word starts once for the claim cues and the event triggers together.
/// A word that passes it meets a second filter, which holds the first words of one-word
/// phrases and a hash of each longer phrase's first two words' keys: "is" before "the" is
/// turned away there ("is said to", "is believed to" need another second word), "said" and
/// "is said" pass. Only then is the first word looked up in a small open-addressed table
/// and its phrases tried, list by list, longest first: its length, then the key of the next
/// word where the phrase's second word starts, then the bytes (ASCII case folded) and the
/// word boundary at the end.
///
/// Each list's matches are exactly what [`chronicle_core::PhraseSet::find_leftmost`] finds
/// over that list alone: leftmost, longest, without overlaps within the list (a proptest holds
/// it to that); the lists do not see each other's matches.
pub(crate) struct CueTable {
    /// A bit per value of a key's top 14 bits, set for the first words' keys: the one test
    /// most word starts get (a few in a thousand pass without being a first word).
    filter: Box<[u64; 256]>,
    /// The same kind of filter over the first words of one-word phrases and the [`pair`]
    /// keys of the first two words of the others: what a word start that passed `filter`
    /// must pass, with the next word, before the table is probed.
    pass: Box<[u64; 256]>,
    /// Open-addressed slots on the folded key of a first word; a slot with no phrases is free.
    slots: Box<[Slot]>,
    shift: u32,
    /// The phrases grouped by first word (a slot's `first..first + count`), by list, then
    /// longest first.
    cues: Vec<Cue>,
    /// How many lists the table was built from.
    lists: usize,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    first: u32,
    count: u32,
}

/// One phrase of a [`CueTable`].
struct Cue {
    /// As given: lower-cased, one space between words.
    bytes: Box<[u8]>,
    /// Its bytes eight at a time, as [`load8`] loads them.
    chunks: Box<[u64]>,
    /// Its index in its list.
    pattern: usize,
    /// Its list.
    list: usize,
    /// The byte length of its first word.
    first_len: usize,
    /// Where its second word starts (bytes from its start) and that word's folded key.
    second: Option<(usize, u64)>,
}

/// Whether a key's bit is set in a filter of a [`CueTable`] (a bit per value of its top 14 bits).
#[inline]
fn in_filter(filter: &[u64; 256], key: u64) -> bool {
    filter[(key >> 56) as usize] >> ((key >> 50) & 63) & 1 != 0
}

/// Sets a key's bit in a filter of a [`CueTable`].
fn add_to_filter(filter: &mut [u64; 256], key: u64) {
    filter[(key >> 56) as usize] |= 1 << ((key >> 50) & 63);
}

/// One key for two words' folded keys (the first word's and the next one's), its top bits
/// mixed from both.
#[inline]
fn pair(first: u64, second: u64) -> u64 {
    (first ^ second.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl CueTable {
    /// Most lists a table holds (the lists already matched at a word start are a bit set).
    pub(crate) const MAX_LISTS: usize = 64;

    /// The table of one list of `phrases` (lower-cased, words joined by one space). A phrase
    /// that does not start with a word character could never match at a word start: refused,
    /// as by [`chronicle_core::PhraseSet::new`].
    pub(crate) fn new(phrases: &[String]) -> Result<CueTable, chronicle_core::PhraseError> {
        CueTable::of_lists(&[phrases])
    }

    /// The table of several lists of phrases (at most [`CueTable::MAX_LISTS`]; more are
    /// refused), each found as if alone ([`CueTable::find_each`]).
    pub(crate) fn of_lists(lists: &[&[String]]) -> Result<CueTable, chronicle_core::PhraseError> {
        if lists.len() > CueTable::MAX_LISTS {
            return Err(chronicle_core::PhraseError::Automaton(format!("{} lists of cues", lists.len())));
        }
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let mut groups: Vec<(u64, Vec<Cue>)> = Vec::new();
        for (list, phrases) in lists.iter().enumerate() {
            for (pattern, p) in phrases.iter().enumerate() {
                let first_len = p.find(|c: char| !is_word(c)).unwrap_or(p.len());
                if first_len == 0 {
                    return Err(chronicle_core::PhraseError::NotAWord(p.clone()));
                }
                let second = p[first_len..].find(is_word).map(|k| (first_len + k, word_key(&p[first_len + k..], true)));
                let b = p.as_bytes();
                let chunks = (0..b.len()).step_by(8).map(|i| load8(b, i, (b.len() - i).min(8))).collect();
                let cue = Cue { bytes: b.into(), chunks, pattern, list, first_len, second };
                let key = word_key(p, true);
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(g) => g.1.push(cue),
                    None => groups.push((key, vec![cue])),
                }
            }
        }
        let size = (groups.len() * 8).next_power_of_two().max(64);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![Slot::default(); size].into_boxed_slice();
        let mut cues = Vec::new();
        let mut filter = Box::new([0u64; 256]);
        let mut pass = Box::new([0u64; 256]);
        for (key, mut members) in groups {
            add_to_filter(&mut filter, key);
            for c in &members {
                match c.second {
                    Some((_, second)) => add_to_filter(&mut pass, pair(key, second)),
                    None => add_to_filter(&mut pass, key),
                }
            }
            // By list, then longest first: the first of a list that fits is its longest match.
            // Distinct lower-cased phrases of one length never match the same bytes.
            members.sort_by_key(|c| (c.list, std::cmp::Reverse(c.bytes.len()), c.pattern));
            let mut i = (key >> shift) as usize;
            while slots[i].count != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Slot { key, first: cues.len() as u32, count: members.len() as u32 };
            cues.extend(members);
        }
        Ok(CueTable { filter, pass, slots, shift, cues, lists: lists.len() })
    }

    /// The slot of the first word with the folded key `key`.
    #[inline]
    fn slot(&self, key: u64) -> Option<&Slot> {
        let mask = self.slots.len() - 1;
        let mut i = (key >> self.shift) as usize;
        loop {
            let s = &self.slots[i & mask];
            if s.count == 0 {
                return None;
            }
            if s.key == key {
                return Some(s);
            }
            i = (i & mask) + 1;
        }
    }

    /// Whether phrase `c` stands at word start `starts[k]`, ending on a word boundary.
    #[inline]
    fn matches(text: &Text, starts: &[WordStart], k: usize, c: &Cue) -> Option<Span> {
        let w = &starts[k];
        if c.first_len != w.word_len() {
            return None; // another word with the same key
        }
        if let Some((at, key)) = c.second {
            // The text's next word must be the phrase's second word, where it stands.
            if !starts.get(k + 1).is_some_and(|n| n.at == w.at + at && n.key(true) == key) {
                return None;
            }
        }
        let span = Span::new(w.at, w.at + c.bytes.len());
        if !same_folded(text.text.as_bytes(), span.start, c) {
            return None;
        }
        // A one-word phrase as long as the text's word ends where that word ends.
        (c.bytes.len() == c.first_len || text.on_word_boundaries(span)).then_some(span)
    }

    /// At word start `starts[k]`, whose key passed the first filter: the second filter, with
    /// the next word, then [`CueTable::at`] (a small function of its own, so that the many
    /// word starts turned away here pay no more than the test).
    #[inline(never)]
    fn passed(&self, text: &Text, starts: &[WordStart], k: usize, out: &mut [Vec<Found>]) {
        let key = starts[k].key(true);
        let pass: &[u64; 256] = &self.pass;
        if in_filter(pass, key) || starts.get(k + 1).is_some_and(|n| in_filter(pass, pair(key, n.key(true)))) {
            self.at(text, starts, k, out);
        }
    }

    /// At word start `starts[k]`, which passed the filters: each list's longest phrase there,
    /// unless a phrase of that list already found covers it.
    #[inline(never)]
    fn at(&self, text: &Text, starts: &[WordStart], k: usize, out: &mut [Vec<Found>]) {
        let w = &starts[k];
        let Some(slot) = self.slot(w.key(true)) else { return };
        let cues = self.cues.get(slot.first as usize..(slot.first + slot.count) as usize).unwrap_or_default();
        let mut done = 0u64;
        for c in cues {
            if done >> c.list & 1 != 0 {
                continue; // this list's longest phrase here is found
            }
            let found = &mut out[c.list];
            if found.last().is_some_and(|m| w.at < m.span.end) {
                done |= 1 << c.list; // inside a phrase of this list already found
                continue;
            }
            if let Some(span) = CueTable::matches(text, starts, k, c) {
                found.push(Found { span, pattern: c.pattern, start: k });
                done |= 1 << c.list;
            }
        }
    }

    /// For each list, the longest phrase at each word start, leftmost first and without
    /// overlaps: a word start inside a phrase of a list already found starts nothing of that
    /// list. One walk over the word starts for all the lists.
    pub(crate) fn find_each(&self, text: &Text) -> Vec<Vec<Found>> {
        let mut out: Vec<Vec<Found>> = (0..self.lists).map(|_| Vec::new()).collect();
        let starts = text.word_starts();
        // The hot loop: one filter test per word start, the filter held in a local; the rest
        // is out of line, so that nothing of it is hoisted into the loop.
        let filter: &[u64; 256] = &self.filter;
        let mut k = 0;
        // A search of its own per word start that passes (a loop with no call in it keeps the
        // filter and the bounds in registers).
        while let Some(j) = starts.get(k..).and_then(|rest| rest.iter().position(|w| in_filter(filter, w.key(true)))) {
            k += j;
            self.passed(text, starts, k, &mut out);
            k += 1;
        }
        out
    }

    /// The phrases of the first list found as [`CueTable::find_each`] finds them.
    pub(crate) fn find_leftmost(&self, text: &Text) -> Vec<Found> {
        self.find_each(text).into_iter().next().unwrap_or_default()
    }
}

/// Whether the text at byte `at` holds phrase `c` (which has no ASCII capitals) with ASCII
/// letters in any case: eight bytes at a time, folded at once ([`fold8`]).
#[inline]
fn same_folded(text: &[u8], at: usize, c: &Cue) -> bool {
    let len = c.bytes.len();
    if text.len() < at + len {
        return false;
    }
    c.chunks.iter().enumerate().all(|(j, &chunk)| {
        let i = 8 * j;
        fold8(load8(text, at + i, (len - i).min(8))) == chunk
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chronicle_core::PhraseMatch;

    /// The phrases found by a [`CueTable`] and by the [`chronicle_core::PhraseSet`] it replaced.
    fn both_find(phrases: &[&str], text: &str) -> (Vec<PhraseMatch>, Vec<PhraseMatch>) {
        let phrases: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        let t = Text::new(text);
        let found = CueTable::new(&phrases).unwrap().find_leftmost(&t);
        for f in &found {
            assert_eq!(f.first_token(&t), t.token_index(f.span.start), "{f:?} in {text:?}");
        }
        let table = found.iter().map(Found::phrase_match).collect();
        let set = chronicle_core::PhraseSet::new(&phrases, true).unwrap().find_leftmost(&t);
        (table, set)
    }

    #[test]
    fn cue_tables_find_the_longest_cue_at_word_starts() {
        let phrases = ["said", "said in a statement", "told", "told reporters", "is said to", "u.s.", "co-hosted by"];
        let cases: &[(&str, &[&str])] = &[
            ("He said it.", &["said"]),
            ("She SAID in a statement that", &["SAID in a statement"]),
            ("She said in a  statement", &["said"]),
            ("Kerry told reporters and told them", &["told reporters", "told"]),
            ("It is said to be; it is saidx to", &["is said to"]),
            ("the U.S. forces, co-hosted by", &["U.S.", "co-hosted by"]),
            ("unsaid, toldx, is said", &["said"]),
        ];
        for (text, want) in cases {
            let (table, set) = both_find(&phrases, text);
            let got: Vec<&str> = table.iter().map(|m| m.span.of(text)).collect();
            assert_eq!(got, *want, "{text:?}");
            assert_eq!(table, set, "{text:?}");
        }
    }

    #[test]
    fn cue_tables_refuse_what_cannot_start_a_word() {
        for bad in ["", " said", "-led"] {
            assert!(CueTable::new(&[bad.to_string()]).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn words_match_as_word_sets_do() {
        let list: Vec<String> =
            ["said", "Officials", "U.S.", "é", "co-hosted", ""].iter().map(|w| w.to_string()).collect();
        let words = Words::new(&list);
        let set = chronicle_core::WordSet::new(&list);
        for w in
            ["said", "SAID", "Said", "officials", "OFFICIALS", "u.s.", "U.S.", "É", "é", "co-Hosted", "", "x", "saidx"]
        {
            assert_eq!(words.contains(w), set.contains(w), "{w:?}");
        }
        let ascii = Words::ascii(&list);
        for w in ["SAID", "officials", "É", "é", "", "sai"] {
            assert_eq!(ascii.contains(w), list.iter().any(|l| l.eq_ignore_ascii_case(w)), "{w:?}");
        }
    }

    proptest::proptest! {
        /// Marks answer as the spans they were built from, for ranges within a word of their
        /// bits and across words.
        #[test]
        fn marks_answer_as_the_spans(
            spans in proptest::collection::vec((0usize..300, 0usize..40), 0..12),
            lo in 0usize..330,
            width in 0usize..150,
        ) {
            let spans: Vec<Span> = spans.iter().map(|&(s, l)| Span::new(s, s + l)).collect();
            let marks = Marks::new(300, spans.iter().copied());
            let hi = lo + width;
            let ends = spans.iter().any(|s| (lo..hi).contains(&s.end) && s.end / 64 <= 300 / 64);
            proptest::prop_assert_eq!(marks.ends_in(lo, hi), ends);
            let starts = spans.iter().any(|s| s.start == lo && s.start / 64 <= 300 / 64);
            proptest::prop_assert_eq!(marks.starts_at(lo), starts);
        }

        /// The cue table finds what the phrase set it replaced finds, whatever the text.
        #[test]
        fn cue_tables_agree_with_phrase_sets(text in "[a-zA-Z_ .,'\\-éÉ\n]{0,80}") {
            let phrases = ["a", "ab", "a b", "a b c", "b", "é", "ab c", "a.b", "a-b c", "c_d"];
            let (table, set) = both_find(&phrases, &text);
            proptest::prop_assert_eq!(table, set);
        }

        /// A table of several lists finds, for each list, what a phrase set of that list
        /// alone finds: the lists share the walk, not their matches.
        #[test]
        fn cue_table_lists_are_found_as_if_alone(text in "[a-zA-Z_ .,'\\-éÉ\n]{0,80}") {
            let lists: [&[&str]; 3] = [
                &["a", "a b", "b c", "é", "c_d"],
                &["a b c", "b", "ab c", "a"],
                &["b c", "a.b", "a-b c", "ab"],
            ];
            let lists: Vec<Vec<String>> = lists.iter().map(|l| l.iter().map(|p| p.to_string()).collect()).collect();
            let refs: Vec<&[String]> = lists.iter().map(Vec::as_slice).collect();
            let t = Text::new(&text);
            let each = CueTable::of_lists(&refs).unwrap().find_each(&t);
            proptest::prop_assert_eq!(each.len(), lists.len());
            for (list, found) in lists.iter().zip(&each) {
                let alone = chronicle_core::PhraseSet::new(list, true).unwrap().find_leftmost(&t);
                let found: Vec<PhraseMatch> = found.iter().map(Found::phrase_match).collect();
                proptest::prop_assert_eq!(&found, &alone);
            }
        }

        /// The gated word sets answer as the plain word sets do.
        #[test]
        fn words_agree_with_word_sets(word in "[a-zA-Z.'\\-éÉ]{0,6}") {
            let list: Vec<String> = ["a", "Ab", "a.b", "é", "b-a", "abc", "ABCD"].iter().map(|w| w.to_string()).collect();
            proptest::prop_assert_eq!(Words::new(&list).contains(&word), chronicle_core::WordSet::new(&list).contains(&word));
        }
    }
}
