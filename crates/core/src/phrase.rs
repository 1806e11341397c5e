//! Word lists matched in a text: the word starts every stage looks its words up from, and
//! the reference semantics of a phrase list.
//!
//! A phrase ("Islamic State", "air strikes", "according to") can only match where a word
//! starts and where its first word is the text's word. So the text's word starts and the keys
//! of their words (as written and ASCII-folded) are computed once per document
//! ([`Text::word_starts`]), and each stage keeps its words in tables keyed by the same keys
//! ([`WordStart::key`], [`word_key`]) behind a one-hash Bloom filter ([`WordFilter`]): most
//! words of a news report start nothing a stage looks for and cost a bit test. [`PhraseSet`]
//! (an anchored Aho-Corasick automaton entered at the word starts that pass its filter) is
//! the plain statement of "a phrase at a word start, ending on a word boundary": the stages'
//! own tables replaced it on the hot path, where each entry into the automaton cost a few
//! hundred instructions, and their property tests hold them to it. [`WordSet`] is the plain
//! case of single cue words looked up word by word.

use crate::text::{ASCII_CLASS, WORD};
use crate::{Span, Text};
use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, MatchKind, StartKind};
use rustc_hash::FxHashSet;

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
    /// Its word's byte length (the run of letters, digits and underscores from `at`).
    len: u32,
    /// Whether the word starts with a capital letter.
    pub capital: bool,
    /// The keys of its word: as written, and with ASCII letters folded.
    keys: [u64; 2],
}

impl WordStart {
    /// The word start at `at` of a word of `len` bytes with keys `keys`.
    #[inline(always)]
    pub(crate) fn new(at: usize, len: usize, capital: bool, keys: [u64; 2]) -> WordStart {
        WordStart { at, len: len as u32, capital, keys }
    }

    /// The byte length of its word: the run of letters, digits and underscores from `at`
    /// ("al-Abadi" holds two word starts, "al" and "Abadi").
    #[inline]
    pub fn word_len(&self) -> usize {
        self.len as usize
    }

    /// The byte offset just past its word.
    #[inline]
    pub fn end(&self) -> usize {
        self.at + self.len as usize
    }

    /// Its word's key, as written or with ASCII letters folded: equal to [`word_key`] of the
    /// same word, so a stage can build a table of its words' keys once and look the text's
    /// words up without hashing them again. Different words can share a key (it is a 64-bit
    /// hash): compare the word itself when a false hit matters.
    #[inline]
    pub fn key(&self, fold: bool) -> u64 {
        self.keys[usize::from(fold)]
    }
}

/// The key of the first word of `s` (its leading run of letters, digits and underscores), as
/// written or with ASCII letters folded: what [`WordStart::key`] gives for the same word.
pub fn word_key(s: &str, fold: bool) -> u64 {
    first_word_keys(s)[usize::from(fold)]
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Word keys: a multiplicative hash (the mixing step of FxHash) over the word's bytes taken
/// eight at a time, then its length (one step for the common word of eight bytes or fewer,
/// [`short_keys`]); the folded key hashes the bytes with ASCII capitals lowered. Eight bytes per step and the folding done on all eight at once (SWAR) keep the
/// text's word starts at a few instructions per byte.
const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MUL: u64 = 0xf135_7aea_2e62_a9c5;
const ONES: u64 = 0x0101_0101_0101_0101;
pub(crate) const HIGH: u64 = ONES * 0x80;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(MUL)
}

/// `x` (eight bytes) with its ASCII capitals lowered, other bytes as they are. For bytes below
/// 0x80 the two additions cannot carry from one byte into the next; chunks with other bytes
/// fold byte by byte. Stages comparing words eight bytes at a time fold with it too.
#[inline]
pub fn fold8(x: u64) -> u64 {
    if x & HIGH == 0 {
        fold8_ascii(x)
    } else {
        u64::from_le_bytes(x.to_le_bytes().map(|b| b.to_ascii_lowercase()))
    }
}

/// [`fold8`] of eight ASCII bytes (none with its high bit set), without the test.
#[inline(always)]
fn fold8_ascii(x: u64) -> u64 {
    let at_least_a = x.wrapping_add(ONES * (0x80 - u64::from(b'A')));
    let above_z = x.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
    x | ((at_least_a & !above_z & HIGH) >> 2)
}

/// `bytes[at..at + len]` (`len` at most eight) in one little-endian word, the bytes past `len`
/// zero: one load where eight bytes remain.
#[inline]
pub fn load8(bytes: &[u8], at: usize, len: usize) -> u64 {
    if let Some(b) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        if len >= 8 {
            x
        } else {
            x & ((1u64 << (8 * len)) - 1)
        }
    } else {
        let mut b = [0u8; 8];
        b[..len].copy_from_slice(&bytes[at..at + len]);
        u64::from_le_bytes(b)
    }
}

/// The keys (as written, folded) of `bytes[at..at + len]`.
#[inline]
pub(crate) fn keys_of(bytes: &[u8], at: usize, len: usize) -> [u64; 2] {
    if len <= 8 {
        return short_keys(load8(bytes, at, len));
    }
    let (mut exact, mut folded) = (SEED, SEED);
    let mut i = at;
    let end = at + len;
    while i < end {
        let n = (end - i).min(8);
        let x = load8(bytes, i, n);
        exact = mix(exact, x);
        folded = mix(folded, fold8(x));
        i += n;
    }
    [mix(exact, len as u64), mix(folded, len as u64)]
}

/// The keys of a word of eight bytes or fewer, `x` holding its bytes (the rest zero): one
/// step each, as no word character is a zero byte, so `x` alone tells the word (and its
/// length) apart from every other short word.
#[inline(always)]
pub(crate) fn short_keys(x: u64) -> [u64; 2] {
    [mix(SEED, x), mix(SEED, fold8(x))]
}

/// [`short_keys`] of a word known to be ASCII (read off a block's masks).
#[inline(always)]
pub(crate) fn short_ascii_keys(x: u64) -> [u64; 2] {
    [mix(SEED, x), mix(SEED, fold8_ascii(x))]
}

/// The byte length of the run of word characters at the start of `s`.
#[inline]
fn word_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 128 {
            if ASCII_CLASS[b as usize] & WORD == 0 {
                break;
            }
            i += 1;
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                break;
            }
            i += c.len_utf8();
        }
    }
    i
}

/// The keys of the first word of `s`.
fn first_word_keys(s: &str) -> [u64; 2] {
    keys_of(s.as_bytes(), 0, word_len(s))
}

/// For each byte of an ASCII chunk, its high bit set where the byte is a word character
/// (`0-9`, `A-Z`, `a-z`, `_`). With no high bit in `x` the additions cannot carry across bytes.
#[inline(always)]
pub(crate) fn word_bytes(x: u64) -> u64 {
    #[inline(always)]
    fn at_least(x: u64, c: u8) -> u64 {
        x.wrapping_add(ONES * (0x80 - u64::from(c)))
    }
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let lower = x | (ONES * 0x20);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    let underscore = !(x ^ (ONES * u64::from(b'_'))).wrapping_add(ONES * 0x7f);
    (digit | letter | underscore) & HIGH
}

/// Gathers the high bit of each byte of `x` into the low eight bits (bit j for byte j).
#[inline(always)]
fn movemask(x: u64) -> u64 {
    ((x & HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The classes of the 64 bytes of a block as bit masks (bit j for byte j): what the text
/// analysis ([`crate::text`]) reads the text's bytes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BlockMasks {
    /// ASCII word characters: `0-9`, `A-Z`, `a-z`, `_`.
    pub word: u64,
    /// ASCII whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
    pub space: u64,
    /// Line feeds (among the spaces).
    pub newline: u64,
    /// Bytes beyond ASCII.
    pub high: u64,
}

/// The masks of `block`.
#[inline(always)]
pub(crate) fn block_masks(block: &[u8; 64]) -> BlockMasks {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    // SAFETY: the only requirement of an SSE2 function is a CPU with SSE2, and this code is
    // compiled only for targets that have it (every x86-64 CPU does). The intrinsics take no
    // pointers: the block's bytes are passed by value.
    return unsafe { block_masks_sse2(block) };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    return block_masks_swar(block);
}

/// The masks of `block`, sixteen bytes at a time with SSE2: three range tests (a subtraction,
/// an unsigned minimum and a comparison each), two equality tests and one byte-mask gather per
/// class, where the eight-byte arithmetic ([`block_masks_swar`]) costs five times as many
/// instructions.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
#[target_feature(enable = "sse2")]
fn block_masks_sse2(block: &[u8; 64]) -> BlockMasks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
        _mm_sub_epi8,
    };
    /// Bytes `lo..=lo + span` of `v` (the comparisons are unsigned, by way of the minimum).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(v: __m128i, lo: u8, span: u8) -> __m128i {
        let d = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
    }
    #[inline]
    #[target_feature(enable = "sse2")]
    fn mask(v: __m128i) -> u64 {
        u64::from(_mm_movemask_epi8(v) as u16)
    }
    let mut m = BlockMasks { word: 0, space: 0, newline: 0, high: 0 };
    for (j, c) in block.chunks_exact(16).enumerate() {
        let half = |h: usize| i64::from_le_bytes(c[8 * h..8 * h + 8].try_into().unwrap_or([0; 8]));
        let v = _mm_set_epi64x(half(1), half(0));
        let digit = in_range(v, b'0', 9);
        let letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 25);
        let underscore = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
        let control = in_range(v, b'\t', 4);
        let blank = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
        m.word |= mask(_mm_or_si128(_mm_or_si128(digit, letter), underscore)) << (16 * j);
        m.space |= mask(_mm_or_si128(control, blank)) << (16 * j);
        m.newline |= mask(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8))) << (16 * j);
        m.high |= mask(v) << (16 * j);
    }
    m
}

/// The masks of `block` without SIMD, eight bytes at a time (the high bit of each byte
/// computed by carry-free additions, then gathered): for other CPUs, and the reference the
/// SSE2 version's property test holds it to.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline(always)]
pub(crate) fn block_masks_swar(block: &[u8; 64]) -> BlockMasks {
    #[inline(always)]
    fn at_least(x: u64, c: u8) -> u64 {
        x.wrapping_add(ONES * (0x80 - u64::from(c)))
    }
    let mut m = BlockMasks { word: 0, space: 0, newline: 0, high: 0 };
    for (j, chunk) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let low = x & !HIGH;
        let control = at_least(low, b'\t') & !at_least(low, b'\r' + 1);
        let blank = !(low ^ (ONES * u64::from(b' '))).wrapping_add(ONES * 0x7f);
        m.word |= movemask(word_bytes(low) & !x) << (8 * j);
        let newline = !(low ^ (ONES * u64::from(b'\n'))).wrapping_add(ONES * 0x7f);
        m.space |= movemask((control | blank) & !x) << (8 * j);
        m.newline |= movemask(newline & !x) << (8 * j);
        m.high |= movemask(x) << (8 * j);
    }
    m
}

/// The word at `at` (an ASCII word character, eight bytes or more before the end of the
/// text): its length and keys, eight bytes at a time while the bytes are ASCII.
#[inline(always)]
pub(crate) fn ascii_word(text: &str, at: usize) -> (usize, [u64; 2]) {
    let bytes = text.as_bytes();
    let (mut exact, mut folded) = (SEED, SEED);
    let mut first = 0;
    let mut i = at;
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
        // The first byte that is not an ASCII word character.
        let stop = if x & HIGH == 0 { !word_bytes(x) & HIGH } else { !word_bytes(x & !HIGH) & HIGH | x & HIGH };
        let n = (stop.trailing_zeros() / 8) as usize;
        if n < 8 && x >> (8 * n) & 0x80 != 0 {
            break; // a non-ASCII byte: the word may go on in another script
        }
        let part = if n == 8 { x } else { x & ((1u64 << (8 * n)) - 1) };
        if i == at {
            first = part;
        }
        if n > 0 {
            exact = mix(exact, part);
            folded = mix(folded, fold8(part));
        }
        i += n;
        if n < 8 {
            let len = i - at;
            let keys = if len <= 8 { short_keys(first) } else { [mix(exact, len as u64), mix(folded, len as u64)] };
            return (len, keys);
        }
    }
    slow_word(text, at)
}

/// The word at `at`: its length and keys, byte by byte.
#[inline(never)]
pub(crate) fn slow_word(text: &str, at: usize) -> (usize, [u64; 2]) {
    let n = word_len(&text[at..]).max(1);
    (n, keys_of(text.as_bytes(), at, n))
}

/// A set of words as a one-hash Bloom filter over their keys, tested at a text's word starts:
/// about sixteen bits per word, so that about one word in sixteen that is not in the set gets
/// past it (to be turned away by the exact test that follows). A test is a shift and a load,
/// where a hash set lookup costs ten times more at every word of every document. A phrase set
/// keeps its first words in one; a stage can keep the words that may begin what it looks for
/// (the numbers tagger: the words that begin a figure).
#[derive(Clone, Debug)]
pub struct WordFilter {
    bits: Box<[u64]>,
    shift: u32,
    fold: bool,
}

impl WordFilter {
    /// The filter of the first words (leading runs of word characters) of `words`, matched as
    /// written or, with `fold`, in any ASCII case.
    pub fn new<I, P>(words: I, fold: bool) -> WordFilter
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let keys: Vec<u64> = words.into_iter().map(|w| first_word_keys(w.as_ref())[usize::from(fold)]).collect();
        WordFilter::of_keys(&keys, fold)
    }

    fn of_keys(keys: &[u64], fold: bool) -> WordFilter {
        let wanted = (keys.len() * 16).next_power_of_two().clamp(1 << 10, 1 << 20);
        let log = wanted.trailing_zeros();
        let mut bits = vec![0u64; wanted / 64].into_boxed_slice();
        let shift = 64 - log;
        for &k in keys {
            let i = (k >> shift) as usize;
            bits[i / 64] |= 1 << (i % 64);
        }
        WordFilter { bits, shift, fold }
    }

    /// Whether the word at `w` may be one of the set's first words (false: it is not).
    #[inline]
    pub fn may_start(&self, w: &WordStart) -> bool {
        let i = (w.keys[usize::from(self.fold)] >> self.shift) as usize;
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

/// A set of words matched in any ASCII case, looked up without allocating: the cue-word lists
/// of the domain rules ("said", "forces", "village").
#[derive(Clone, Debug, Default)]
pub struct WordSet(FxHashSet<Box<str>>);

impl WordSet {
    pub fn new<I, P>(words: I) -> WordSet
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        WordSet(words.into_iter().map(|w| w.as_ref().to_lowercase().into_boxed_str()).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `word`, its ASCII letters folded, is in the set.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        if self.0.is_empty() || bytes.len() > 48 {
            return false;
        }
        if !bytes.iter().any(u8::is_ascii_uppercase) {
            return self.0.contains(word);
        }
        let mut buf = [0u8; 48];
        let buf = &mut buf[..bytes.len()];
        buf.copy_from_slice(bytes);
        buf.make_ascii_lowercase();
        // Folding ASCII letters keeps the bytes valid UTF-8.
        std::str::from_utf8(buf).is_ok_and(|w| self.0.contains(w))
    }
}

/// A compiled list of phrases, matched at word starts and ending on word boundaries.
#[derive(Clone, Debug)]
pub struct PhraseSet {
    automaton: Phrases,
    first_words: WordFilter,
}

/// The automaton, walked by hand from the anchored start state: a search through the
/// `AhoCorasick` front end cost a few hundred instructions of set-up at each word start, more
/// than the walk itself.
#[derive(Clone, Debug)]
enum Phrases {
    Dfa(dfa::DFA),
    Nfa(nfa::contiguous::NFA),
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
        let mut keys = Vec::with_capacity(phrases.len());
        for p in &phrases {
            let p = p.as_ref();
            if !p.starts_with(is_word_char) {
                return Err(PhraseError::NotAWord(p.to_string()));
            }
            keys.push(first_word_keys(p)[usize::from(fold)]);
        }
        let first_words = WordFilter::of_keys(&keys, fold);
        // A DFA walks fastest, but its memory grows with the phrase count: small cue lists get
        // one, long lists the contiguous NFA.
        let automaton = if phrases.len() <= 2000 {
            dfa::DFA::builder()
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Anchored)
                .ascii_case_insensitive(fold)
                .build(phrases.iter().map(|p| p.as_ref()))
                .map(Phrases::Dfa)
        } else {
            nfa::contiguous::NFA::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(fold)
                .build(phrases.iter().map(|p| p.as_ref()))
                .map(Phrases::Nfa)
        }
        .map_err(|e| PhraseError::Automaton(e.to_string()))?;
        Ok(PhraseSet { automaton, first_words })
    }

    /// Calls `each` with every phrase of the automaton that starts at byte `at` of `haystack`,
    /// shortest first.
    #[inline]
    fn anchored(&self, haystack: &str, at: usize, each: impl FnMut(PhraseMatch)) {
        match &self.automaton {
            Phrases::Dfa(a) => walk(a, haystack.as_bytes(), at, each),
            Phrases::Nfa(a) => walk(a, haystack.as_bytes(), at, each),
        }
    }

    /// Whether some phrase may start at `w` (its first word is one of the set's first words).
    #[inline]
    pub fn may_start(&self, w: &WordStart) -> bool {
        self.first_words.may_start(w)
    }

    /// Every phrase that starts at `w` and ends on a word boundary, shortest first.
    #[inline]
    fn all_at(&self, text: &Text, w: &WordStart, out: &mut Vec<PhraseMatch>) {
        if self.may_start(w) {
            self.all_from(text, w.at, out);
        }
    }

    #[inline(never)]
    fn all_from(&self, text: &Text, at: usize, out: &mut Vec<PhraseMatch>) {
        self.anchored(text.text, at, |m| {
            if text.on_word_boundaries(m.span) {
                out.push(m);
            }
        });
    }

    /// The longest phrase that starts at `w` and ends on a word boundary.
    #[inline]
    pub fn longest_at(&self, text: &Text, w: &WordStart) -> Option<PhraseMatch> {
        if self.may_start(w) {
            self.longest_from(text, w.at)
        } else {
            None
        }
    }

    #[inline(never)]
    fn longest_from(&self, text: &Text, at: usize) -> Option<PhraseMatch> {
        let mut best: Option<PhraseMatch> = None;
        self.anchored(text.text, at, |m| {
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

/// Walks `automaton` from its anchored start state over `haystack[at..]`, calling `each` with
/// every phrase that starts at `at`, in the order of their ends.
#[inline]
fn walk<A: Automaton>(automaton: &A, haystack: &[u8], at: usize, mut each: impl FnMut(PhraseMatch)) {
    let Ok(mut sid) = automaton.start_state(Anchored::Yes) else { return };
    for (i, &b) in haystack.get(at..).unwrap_or_default().iter().enumerate() {
        sid = automaton.next_state(Anchored::Yes, sid, b);
        if !automaton.is_special(sid) {
            continue;
        }
        if automaton.is_dead(sid) {
            return;
        }
        if automaton.is_match(sid) {
            let end = at + i + 1;
            for k in 0..automaton.match_len(sid) {
                let pattern = automaton.match_pattern(sid, k);
                // A match state also holds the phrases that are suffixes of the path: only
                // those that start at `at` count.
                if end - automaton.pattern_len(pattern) == at {
                    each(PhraseMatch { span: Span::new(at, end), pattern: pattern.as_usize() });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(set: &PhraseSet, text: &str, how: &str) -> Vec<&'static str> {
        let t = Text::new(text);
        let ms = match how {
            "all" => set.find_all(&t, Span::new(0, text.len())),
            "longest" => t.word_starts().iter().filter_map(|w| set.longest_at(&t, w)).collect(),
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

    /// The phrases at `at` as the `AhoCorasick` front end finds them (the search the hand walk
    /// replaced): every overlapping anchored match that starts at `at`.
    fn front_end(phrases: &[&str], fold: bool, text: &str, at: usize) -> Vec<PhraseMatch> {
        use aho_corasick::automaton::OverlappingState;
        use aho_corasick::{AhoCorasick, Input};
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(fold)
            .build(phrases)
            .unwrap();
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        let mut out = Vec::new();
        while ac.try_find_overlapping(input.clone(), &mut state).is_ok() {
            let Some(m) = state.get_match() else { break };
            if m.start() == at {
                out.push(PhraseMatch { span: Span::new(m.start(), m.end()), pattern: m.pattern().as_usize() });
            }
        }
        out
    }

    /// The block masks by their definition, one byte at a time.
    fn block_masks_reference(block: &[u8; 64]) -> BlockMasks {
        let mut m = BlockMasks { word: 0, space: 0, newline: 0, high: 0 };
        for (j, &b) in block.iter().enumerate() {
            m.word |= u64::from(b.is_ascii_alphanumeric() || b == b'_') << j;
            m.space |= u64::from(b.is_ascii_whitespace() || b == 0x0b) << j;
            m.newline |= u64::from(b == b'\n') << j;
            m.high |= u64::from(!b.is_ascii()) << j;
        }
        m
    }

    proptest::proptest! {
        /// Both ways of computing a block's masks (SSE2 where the target has it, eight bytes
        /// at a time elsewhere) agree with the byte-by-byte definition, on any bytes.
        #[test]
        fn block_masks_agree_with_their_definition(
            bytes in proptest::collection::vec(proptest::prop_oneof![proptest::num::u8::ANY, 0u8..0x80, proptest::sample::select(b"\t\n\x0b\x0c\r _09azAZ@[`{/:\x7f\x80\xff".to_vec())], 64)
        ) {
            let block: [u8; 64] = bytes.try_into().unwrap_or([0; 64]);
            let want = block_masks_reference(&block);
            proptest::prop_assert_eq!(block_masks(&block), want);
            proptest::prop_assert_eq!(block_masks_swar(&block), want);
        }
    }

    proptest::proptest! {
        /// Word starts are where a word character follows anything else, and their keys are
        /// the keys of the word there, whatever the script.
        #[test]
        fn word_starts_agree_with_the_char_definition(text in "[a-zA-Z0-9_ .,'’\\-éÉßΣ\n]{0,60}|[a-zA-Z0-9_ .,é-]{0,300}|[a-zA-Z ]{60,80}[éΣ’][a-zA-Z ]{0,80}|([a-zA-Z0-9_]{1,70}[ .,'’\\-é_\n]{1,2}){0,10}") {
            let mut want = Vec::new();
            let mut prev = false;
            for (i, c) in text.char_indices() {
                let w = is_word_char(c);
                if w && !prev {
                    want.push(i);
                }
                prev = w;
            }
            let analysed = Text::new(&text);
            let got = analysed.word_starts();
            proptest::prop_assert_eq!(got.iter().map(|w| w.at).collect::<Vec<_>>(), want);
            for w in got {
                proptest::prop_assert_eq!(w.keys, first_word_keys(&text[w.at..]));
                proptest::prop_assert_eq!(w.word_len(), word_len(&text[w.at..]));
                proptest::prop_assert_eq!(w.key(true), word_key(&text[w.at..], true));
                proptest::prop_assert_eq!(w.capital, text[w.at..].starts_with(char::is_uppercase));
            }
            for fold in [false, true] {
                let phrases = ["a", "ab", "a b", "b", "é", "Ab", "ab", "a b_"];
                let set = PhraseSet::new(phrases, fold).unwrap();
                for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let mut walked = Vec::new();
                    set.anchored(&text, at, |m| walked.push(m));
                    proptest::prop_assert_eq!(walked, front_end(&phrases, fold, &text, at));
                }
            }
            let set = PhraseSet::new(["a b", "é", "ab"], true).unwrap();
            let t = Text::new(&text);
            for m in set.find_all(&t, Span::new(0, text.len())) {
                proptest::prop_assert!(t.on_word_boundaries(m.span));
            }
        }
    }
}
