//! The lexicon's words compiled into one table the tagger looks words up in without
//! lower-casing or allocating.
//!
//! The tagger asks many questions of a figure's neighbours ("is the word before a month?", "is
//! the next word a scale?", "does this word stop the counted noun?"). Lower-casing each word
//! into a buffer and probing one string hash set per question cost hundreds of instructions a
//! figure. Here every word of every list is one entry with its flags and values, found by a
//! hash of the word with its ASCII letters folded (eight bytes per step), and confirmed by
//! comparing the word's bytes, so a lookup gives exactly what the lower-cased string look-ups
//! gave. Words with other scripts are lower-cased in full first, as before ([`WordTable::get`]).
//!
//! [`KeySet`] holds the core's word keys ([`chronicle_core::word_key`]) of the words that may
//! begin a figure, with a Bloom filter of them that turns away nearly every word of a text in
//! one bit test, and the exact set for the few words the filter lets through.

use crate::lexicon::Lexicon;
use chronicle_core::{fold8, WordStart};

/// The word may begin a figure written in words.
pub const STARTER: u16 = 1;
/// A month name or abbreviation.
pub const MONTH: u16 = 1 << 1;
/// A word before a number that makes it a name or reference ("Resolution", "Phase").
pub const NEGATIVE_BEFORE: u16 = 1 << 2;
/// A word after an article that makes the article a figure ("hundred", "third", "few").
pub const AFTER_ARTICLE: u16 = 1 << 3;
/// A unit of time ("day", "year"): "three-day" is no figure.
pub const TIME_UNIT: u16 = 1 << 4;
/// A word that ends the counted noun phrase.
pub const STOP: u16 = 1 << 5;
/// A noun that makes an ordinal count ("the fifth country").
pub const ORDINAL_NOUN: u16 = 1 << 6;
/// A word before a bare "half" that makes it a figure.
pub const FRACTION_BEFORE: u16 = 1 << 7;
/// The whole of a one-token unit cue ("km2", "percent").
pub const UNIT_WORD: u16 = 1 << 8;

/// What the lexicon says of one word.
#[derive(Clone, Debug, Default)]
pub struct WordInfo {
    /// The word, lower-cased.
    word: Box<str>,
    /// Its bytes in one little-endian word, when it has at most eight.
    short: Option<u64>,
    key: u64,
    pub flags: u16,
    pub cardinal: Option<f64>,
    pub scale: Option<f64>,
    pub glued_scale: Option<f64>,
    pub ordinal: Option<f64>,
    pub fraction: Option<f64>,
}

impl WordInfo {
    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

const MUL: u64 = 0x51_7c_c1_b7_27_22_0a_95;
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = ONES * 0x80;

/// Up to eight bytes in one little-endian word.
#[inline]
fn pack(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0u64, |x, &b| x << 8 | u64::from(b))
}

/// The hash of `bytes` with ASCII letters folded.
#[inline]
fn folded_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0;
    let mut chunks = bytes.chunks_exact(8);
    for c in chunks.by_ref() {
        h = (h.rotate_left(5) ^ fold8(pack(c))).wrapping_mul(MUL);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = (h.rotate_left(5) ^ fold8(pack(rest))).wrapping_mul(MUL);
    }
    short_hash(h, bytes.len())
}

/// The last step of [`folded_hash`]: the length.
#[inline]
fn short_hash(h: u64, len: usize) -> u64 {
    (h.rotate_left(5) ^ len as u64).wrapping_mul(MUL)
}

/// Open addressing over the entries' hashes: a power-of-two table at most a quarter full.
#[derive(Debug)]
struct Slots {
    /// Entry index + 1 per slot; 0 is empty.
    slots: Box<[u32]>,
    shift: u32,
}

impl Slots {
    fn new(keys: &[u64]) -> Slots {
        let size = (keys.len() * 4).next_power_of_two().max(64);
        let mut slots = vec![0u32; size].into_boxed_slice();
        let shift = 64 - size.trailing_zeros();
        let mask = size - 1;
        for (i, &k) in keys.iter().enumerate() {
            let mut s = (k >> shift) as usize;
            while slots[s] != 0 {
                s = (s + 1) & mask;
            }
            slots[s] = i as u32 + 1;
        }
        Slots { slots, shift }
    }

    /// The entries whose key is `key`, found by `is`.
    #[inline]
    fn find(&self, key: u64, mut is: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut s = (key >> self.shift) as usize;
        loop {
            let e = self.slots[s];
            if e == 0 {
                return None;
            }
            if is(e as usize - 1) {
                return Some(e as usize - 1);
            }
            s = (s + 1) & mask;
        }
    }
}

/// Every word of the lexicon's word lists, looked up in any case.
#[derive(Debug)]
pub struct WordTable {
    entries: Vec<WordInfo>,
    slots: Slots,
}

/// The lexicon's word sets that the table answers by a flag, each with its flag.
fn flag_sets(lex: &Lexicon) -> [(&crate::lexicon::HashSet<String>, u16); 8] {
    [
        (&lex.starters, STARTER),
        (&lex.months, MONTH),
        (&lex.negative_before, NEGATIVE_BEFORE),
        (&lex.after_article, AFTER_ARTICLE),
        (&lex.time_units, TIME_UNIT),
        (&lex.stop, STOP),
        (&lex.ordinal_nouns, ORDINAL_NOUN),
        (&lex.fraction_before, FRACTION_BEFORE),
    ]
}

impl WordTable {
    pub fn new(lex: &Lexicon) -> WordTable {
        let mut entries: Vec<WordInfo> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut at = |w: &str| -> usize {
            *index.entry(w.to_string()).or_insert_with(|| {
                let short = (w.len() <= 8).then(|| pack(w.as_bytes()));
                entries.push(WordInfo { word: w.into(), short, key: folded_hash(w.as_bytes()), ..WordInfo::default() });
                entries.len() - 1
            })
        };
        let mut flagged: Vec<(usize, u16)> = Vec::new();
        let mut valued: Vec<(usize, u8, f64)> = Vec::new();
        for (set, flag) in flag_sets(lex) {
            for w in set {
                flagged.push((at(w), flag));
            }
        }
        for u in lex.units.iter().filter(|u| u.tokens.len() == 1) {
            flagged.push((at(&u.tokens[0]), UNIT_WORD));
        }
        for (k, map) in
            [&lex.cardinals, &lex.scales, &lex.glued_scales, &lex.ordinals, &lex.fractions].into_iter().enumerate()
        {
            for (w, &v) in map {
                valued.push((at(w), k as u8, v));
            }
        }
        for (i, flag) in flagged {
            entries[i].flags |= flag;
        }
        for (i, k, v) in valued {
            let e = &mut entries[i];
            *match k {
                0 => &mut e.cardinal,
                1 => &mut e.scale,
                2 => &mut e.glued_scale,
                3 => &mut e.ordinal,
                _ => &mut e.fraction,
            } = Some(v);
        }
        let keys: Vec<u64> = entries.iter().map(|e| e.key).collect();
        WordTable { slots: Slots::new(&keys), entries }
    }

    /// What the lexicon says of `w` lower-cased (ASCII letters folded, or in full when `w`
    /// has other scripts: the same as looking its lower-cased form up in the lists).
    #[inline]
    pub fn get(&self, w: &str) -> Option<&WordInfo> {
        if w.is_ascii() {
            let key = folded_hash(w.as_bytes());
            let i = self.slots.find(key, |i| {
                let e = &self.entries[i];
                e.key == key && e.word.len() == w.len() && e.word.as_bytes().eq_ignore_ascii_case(w.as_bytes())
            })?;
            Some(&self.entries[i])
        } else {
            self.get_lowered(w)
        }
    }

    /// What the lexicon says of the word `text[start..end]` lower-cased: [`WordTable::get`],
    /// with the common case (an ASCII word of at most eight bytes, eight bytes or more before
    /// the end of the text) read in one load and compared in one step.
    #[inline]
    pub fn get_in(&self, text: &str, start: usize, end: usize) -> Option<&WordInfo> {
        let bytes = text.as_bytes();
        let len = end.wrapping_sub(start);
        if len <= 8 && start + 8 <= bytes.len() {
            let x = u64::from_le_bytes(bytes[start..start + 8].try_into().unwrap_or([0; 8]));
            let x = if len == 8 { x } else { x & ((1u64 << (8 * len)) - 1) };
            if x & HIGH == 0 {
                let f = fold8(x);
                let key = short_hash(f.wrapping_mul(MUL), len);
                let i = self.slots.find(key, |i| {
                    let e = &self.entries[i];
                    e.short == Some(f) && e.word.len() == len
                })?;
                return Some(&self.entries[i]);
            }
        }
        self.get(text.get(start..end).unwrap_or(""))
    }

    #[cold]
    fn get_lowered(&self, w: &str) -> Option<&WordInfo> {
        self.get_lower(&w.to_lowercase())
    }

    /// What the lexicon says of `lower`, a word already lower-cased.
    #[inline]
    pub fn get_lower(&self, lower: &str) -> Option<&WordInfo> {
        let key = folded_hash(lower.as_bytes());
        let i = self.slots.find(key, |i| {
            let e = &self.entries[i];
            e.key == key && e.word.len() == lower.len() && *e.word == *lower
        })?;
        Some(&self.entries[i])
    }
}

/// A set of core word keys ([`WordStart::key`] with folding): the first words of the figure
/// starters. A word whose key is not in it begins no figure.
///
/// Besides the exact set, it keeps a one-hash Bloom filter of the keys of a fixed size
/// ([`KeySet::may_contain`]): the tagger tests every word of the text against it, so the test
/// is one shift, one load and one bit test, with no bounds check (the index is below the
/// table's size by its shift) and, for the hundred-odd starters in 2^15 bits, about one word
/// in three hundred that is none passing.
#[derive(Debug)]
pub struct KeySet {
    keys: Vec<u64>,
    slots: Slots,
    bits: Box<[u64; KeySet::FILTER_WORDS]>,
}

impl KeySet {
    /// The filter's bits are `2^FILTER_LOG`; bit `key >> (64 - FILTER_LOG)` is set per key.
    const FILTER_LOG: u32 = 15;
    const FILTER_WORDS: usize = 1 << (Self::FILTER_LOG - 6);

    pub fn new<I: IntoIterator<Item = u64>>(keys: I) -> KeySet {
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        let mut bits = Box::new([0u64; KeySet::FILTER_WORDS]);
        for &k in &keys {
            let i = (k >> (64 - Self::FILTER_LOG)) as usize;
            bits[i >> 6] |= 1 << (i & 63);
        }
        KeySet { slots: Slots::new(&keys), keys, bits }
    }

    /// Whether `key` may be in the set (false: it is not).
    #[inline]
    pub fn may_contain(&self, key: u64) -> bool {
        let i = (key >> (64 - Self::FILTER_LOG)) as usize;
        self.bits[i >> 6] >> (i & 63) & 1 != 0
    }

    #[inline]
    pub fn contains(&self, w: &WordStart) -> bool {
        let key = w.key(true);
        self.slots.find(key, |i| self.keys[i] == key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn words_are_found_in_any_case_with_their_lists() {
        let lex = Lexicon::builtin();
        let t = WordTable::new(lex);
        let cases: &[(&str, Option<u16>, Option<f64>)] = &[
            ("March", Some(MONTH), None),
            ("SEPT", Some(MONTH), None),
            ("sixty", Some(STARTER), Some(60.0)),
            ("Sixty", Some(STARTER), Some(60.0)),
            ("percent", Some(UNIT_WORD), None),
            ("the", Some(STOP), None),
            ("sixtyx", None, None),
            ("", None, None),
            ("Mär", None, None),
        ];
        for &(w, flag, cardinal) in cases {
            let got = t.get(w);
            match flag {
                Some(f) => assert!(got.is_some_and(|e| e.has(f)), "{w}"),
                None => assert!(got.is_none(), "{w}"),
            }
            assert_eq!(got.and_then(|e| e.cardinal), cardinal, "{w}");
        }
        assert_eq!(t.get("MILLION").and_then(|e| e.scale), Some(1e6));
        assert_eq!(t.get("bn").and_then(|e| e.glued_scale), Some(1e9));
    }

    /// The table answers exactly what the lower-cased look-ups in the lexicon's sets answer.
    fn lookups_agree(w: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let lex = Lexicon::builtin();
        static TABLE: std::sync::OnceLock<WordTable> = std::sync::OnceLock::new();
        let t = TABLE.get_or_init(|| WordTable::new(lex));
        let lower = w.to_lowercase();
        let l = lower.as_str();
        let e = t.get(w);
        // Read from a text, at its start, in its middle and at its end.
        for (before, after) in [("", ""), ("x ", " and more text"), ("the ", "")] {
            let text = format!("{before}{w}{after}");
            let got = t.get_in(&text, before.len(), before.len() + w.len()).map(|e| &*e.word);
            proptest::prop_assert_eq!(got, e.map(|e| &*e.word), "{:?}", text);
        }
        for (set, flag) in flag_sets(lex) {
            proptest::prop_assert_eq!(set.contains(l), e.is_some_and(|e| e.has(flag)), "{} {}", w, flag);
        }
        let unit = lex.units.iter().any(|u| u.tokens.len() == 1 && u.tokens[0] == l);
        proptest::prop_assert_eq!(unit, e.is_some_and(|e| e.has(UNIT_WORD)));
        proptest::prop_assert_eq!(lex.cardinals.get(l).copied(), e.and_then(|e| e.cardinal));
        proptest::prop_assert_eq!(lex.scales.get(l).copied(), e.and_then(|e| e.scale));
        proptest::prop_assert_eq!(lex.glued_scales.get(l).copied(), e.and_then(|e| e.glued_scale));
        proptest::prop_assert_eq!(lex.ordinals.get(l).copied(), e.and_then(|e| e.ordinal));
        proptest::prop_assert_eq!(lex.fractions.get(l).copied(), e.and_then(|e| e.fraction));
        Ok(())
    }

    #[test]
    fn every_lexicon_word_agrees_in_three_cases() {
        let lex = Lexicon::builtin();
        let mut words: HashSet<String> = HashSet::new();
        words.extend(lex.starters.iter().cloned());
        words.extend(lex.months.iter().cloned());
        words.extend(lex.stop.iter().cloned());
        words.extend(lex.time_units.iter().cloned());
        words.extend(lex.scales.keys().cloned());
        words.extend(lex.glued_scales.keys().cloned());
        for w in words {
            let mut chars = w.chars();
            let title = chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default();
            for v in [w.clone(), w.to_uppercase(), title] {
                lookups_agree(&v).unwrap();
            }
        }
        // The Kelvin sign lower-cases to an ASCII "k": a glued scale, as before.
        lookups_agree("\u{212A}").unwrap();
    }

    #[test]
    fn the_key_filter_passes_every_key_of_the_set() {
        let lex = Lexicon::builtin();
        let set = KeySet::new(lex.starters.iter().map(|w| chronicle_core::word_key(w, true)));
        let text = chronicle_core::Text::new("Sixty-eight of THE hundred a few, half dozen tens apple zebra");
        for w in text.word_starts() {
            assert!(!set.contains(w) || set.may_contain(w.key(true)), "{}", w.at);
        }
        for s in &lex.starters {
            assert!(set.may_contain(chronicle_core::word_key(s, true)), "{s}");
        }
        // Most other words are turned away by the filter alone.
        let others = ["apple", "zebra", "coalition", "strikes", "fighters", "Iraq", "said", "the", "of", "and"];
        let passed = others.iter().filter(|w| set.may_contain(chronicle_core::word_key(w, true))).count();
        assert!(passed <= 1, "{passed}");
    }

    proptest::proptest! {
        #[test]
        fn table_agrees_with_the_lexicon_sets(w in "[a-zA-Z\u{212A}\u{130}é\\-']{0,12}") {
            lookups_agree(&w)?;
        }
    }
}
