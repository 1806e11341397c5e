//! Persons: names after a title or a given name, and in-document coreference of surnames.
//!
//! Reports introduce a person once in full, usually with a title ("Iraqi President Fuad
//! Masum", "Prime Minister Haider al-Abadi"), then name them by surname ("Masum", "Mr Masum",
//! "Abadi"). The full name is the canonical; later surnames in the same document resolve to
//! the nearest full name before them (else the first after). Initials and generational
//! suffixes stay in the mention but not in the canonical ("Lloyd J. Austin III" is Lloyd
//! Austin); a name the domain pack knows takes the pack's canonical ("Haider Al-Abadi").

use crate::data::PersonRules;
use crate::keys::WordTable;
use crate::{Candidate, EntityType, Mention};
use chronicle_core::{word_key, Span, Text, TokenKind, WordStart};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The most words a name has (initials and particles included).
const MAX_NAME_TOKENS: usize = 6;

pub(crate) struct NameRules {
    honorifics: SmallSet,
    particles: SmallSet,
    suffixes: SmallSet,
    not_names: SmallSet,
    given_names: HashSet<Box<str>>,
    /// The given names that are one word, by key: a capitalised word that is its word
    /// start's whole word is looked up by the key it already has.
    given_words: WordTable<()>,
    /// Lower-cased names the pack knows -> their canonical.
    known: HashMap<String, Arc<str>>,
    /// The known names that are ASCII, by [`folded_hash`], sorted: an ASCII name (nearly every
    /// name read from a text) is looked up without lower-casing it, and can only be one of
    /// these (it lower-cases to ASCII).
    known_ascii: Vec<(u64, Box<str>, Arc<str>)>,
    /// The known ASCII names as a filter ([`SmallSet::bit`] of each): most names read are
    /// none of them, and are turned away before they are hashed.
    known_filter: Box<[u64; SMALL_SET_WORDS]>,
}

/// A hash of `s` with its ASCII letters folded, eight bytes at a time: the same for an ASCII
/// string in any case.
fn folded_hash(s: &[u8]) -> u64 {
    let mut h = s.len() as u64;
    let mut at = 0;
    while at < s.len() {
        let n = (s.len() - at).min(8);
        h = (h.rotate_left(5) ^ chronicle_core::fold8(crate::keys::load8(s, at, n)))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        at += 8;
    }
    h
}

/// Whether `lower` is `w` with its ASCII capitals lower-cased (`lower` holds none), as
/// `lower.eq_ignore_ascii_case(w)` would say: eight bytes at a time when there are eight
/// (the last eight overlapping the ones before), else byte by byte.
fn lower_case_of(lower: &[u8], w: &[u8]) -> bool {
    let len = w.len();
    if lower.len() != len {
        return false;
    }
    if len < 8 {
        return lower.iter().zip(w).all(|(&l, &c)| l == c.to_ascii_lowercase());
    }
    let eight = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let mut at = 0;
    while at + 8 < len {
        if eight(lower, at) != chronicle_core::fold8(eight(w, at)) {
            return false;
        }
        at += 8;
    }
    eight(lower, len - 8) == chronicle_core::fold8(eight(w, len - 8))
}

/// A short word list (titles, particles, suffixes): a word is hashed only when a word of the
/// list has its length, its first byte and its last byte (one bit of a small filter), which
/// turns nearly all of a name's words away at once. (A filter by length and first byte apart
/// let most words through: the list of words that start no name is long.)
#[derive(Debug)]
struct SmallSet {
    words: HashSet<String>,
    /// Bit [`SmallSet::bit`] set for each word.
    filter: Box<[u64; SMALL_SET_WORDS]>,
}

/// The 64-bit words of a [`SmallSet`]'s filter: 4096 bits, for lists of a few hundred words.
const SMALL_SET_WORDS: usize = 64;

impl SmallSet {
    fn new(words: impl IntoIterator<Item = String>) -> SmallSet {
        let words: HashSet<String> = words.into_iter().collect();
        let mut filter = Box::new([0u64; SMALL_SET_WORDS]);
        for w in &words {
            let bit = Self::bit(w.as_bytes());
            filter[bit / 64] |= 1 << (bit % 64);
        }
        SmallSet { words, filter }
    }

    /// The filter's bit of a word: a mix of its length, first and last bytes.
    #[inline]
    fn bit(w: &[u8]) -> usize {
        Self::bit_of(w.len(), w.first().copied().unwrap_or(0), w.last().copied().unwrap_or(0))
    }

    /// The filter's bit of a word of `len` bytes that begins with `first` and ends with `last`.
    #[inline]
    fn bit_of(len: usize, first: u8, last: u8) -> usize {
        let x = (len.min(255) as u32) | u32::from(first) << 8 | u32::from(last) << 16;
        (x.wrapping_mul(0x9e37_79b1) >> (32 - 12)) as usize
    }

    /// Whether `w` lower-cased is in the set (lower-cased on the stack when ASCII and short).
    fn contains_lower_cased(&self, w: &str) -> bool {
        let mut buf = [0u8; 32];
        match buf.get_mut(..w.len()).filter(|_| w.is_ascii()) {
            Some(b) => {
                b.copy_from_slice(w.as_bytes());
                b.make_ascii_lowercase();
                std::str::from_utf8(b).is_ok_and(|lower| self.contains(lower))
            }
            None => self.contains(&w.to_lowercase()),
        }
    }

    #[inline]
    fn contains(&self, w: &str) -> bool {
        let bit = Self::bit(w.as_bytes());
        self.filter[bit / 64] & (1 << (bit % 64)) != 0 && self.words.contains(w)
    }
}

/// The surnames of the persons named in full in a document ([`NameRules::coreference`]):
/// each surname once, lower-cased, and every person each names. Two buffers a document, not
/// two allocations a surname.
#[derive(Default)]
struct Surnames {
    /// Each surname: [`word_key`] of its lower-cased text, folded (the key of the text's
    /// words that may be it), and where that text stands in `lower`.
    names: Vec<(u64, u32, u32)>,
    /// The surnames' lower-cased texts, one after the other.
    lower: String,
    /// Each person a surname names: the surname's index, where the person is named, and the
    /// person; in the order they are named.
    owners: Vec<(u32, usize, Arc<str>)>,
}

impl Surnames {
    fn clear(&mut self) {
        self.names.clear();
        self.lower.clear();
        self.owners.clear();
    }

    /// The lower-cased text of the `i`th surname.
    fn lower(&self, i: usize) -> &str {
        let (_, start, end) = self.names[i];
        &self.lower[start as usize..end as usize]
    }

    /// The index of the surname whose lower-cased text is `lower`, of key `key`.
    fn find(&self, key: u64, lower: &str) -> Option<usize> {
        (0..self.names.len()).find(|&i| self.names[i].0 == key && self.lower(i) == lower)
    }

    /// The index of the surname an ASCII word `w` of key `key` (folded) is, in any case.
    fn find_ascii(&self, key: u64, w: &str) -> Option<usize> {
        (0..self.names.len()).find(|&i| self.names[i].0 == key && lower_case_of(self.lower(i).as_bytes(), w.as_bytes()))
    }

    /// Adds `k` as the surname of `person`, named at `at`. A surname seen before is found
    /// without lower-casing it again (an ASCII one lower-cases to its ASCII folding, and
    /// has the same folded key).
    fn add(&mut self, k: &str, at: usize, person: &Arc<str>) {
        let i = if k.is_ascii() {
            // (Its text decides: the same folded text has the same folded key, which is
            // computed only for a new surname.)
            let seen = (0..self.names.len()).find(|&i| lower_case_of(self.lower(i).as_bytes(), k.as_bytes()));
            seen.unwrap_or_else(|| {
                let key = word_key(k, true);
                let start = self.lower.len();
                self.lower.push_str(k);
                self.lower[start..].make_ascii_lowercase();
                self.push(key, start)
            })
        } else {
            let lower = k.to_lowercase();
            let key = word_key(&lower, true);
            self.find(key, &lower).unwrap_or_else(|| {
                let start = self.lower.len();
                self.lower.push_str(&lower);
                self.push(key, start)
            })
        };
        self.owners.push((i as u32, at, person.clone()));
    }

    /// Adds the surname of key `key` whose lower-cased text was written from `start` on:
    /// its index.
    fn push(&mut self, key: u64, start: usize) -> usize {
        self.names.push((key, start as u32, self.lower.len() as u32));
        self.names.len() - 1
    }

    /// The person the `i`th surname refers to at `at`: the one named last before it, else
    /// the first named.
    fn owner(&self, i: usize, at: usize) -> Option<&Arc<str>> {
        let mine = |o: &&(u32, usize, Arc<str>)| o.0 as usize == i;
        let owner = self.owners.iter().rev().filter(mine).find(|o| o.1 <= at);
        owner.or_else(|| self.owners.iter().find(mine)).map(|o| &o.2)
    }
}

/// A name read from the tokens.
struct Name<'t> {
    span: Span,
    /// The words of the canonical (initials and suffixes left out).
    parts: [&'t str; MAX_NAME_TOKENS],
    words: usize,
}

impl Name<'_> {
    /// The canonical: its words joined by spaces, written into `buf` (reused from name to
    /// name, so that a name costs no allocation of its own).
    fn canonical<'b>(&self, buf: &'b mut String) -> &'b str {
        buf.clear();
        for (k, part) in self.parts[..self.words].iter().enumerate() {
            if k > 0 {
                buf.push(' ');
            }
            buf.push_str(part);
        }
        buf
    }
}

/// A capitalised word token: its index, and the index of the word start there (a word token
/// starts a word unless glued to a number or an underscore: "2nd", "_Foo"), or [`NO_START`].
/// (Indices, not references: a thread's buffer of them outlives each document.)
#[derive(Clone, Copy, Debug)]
pub(crate) struct CapWord {
    pub(crate) token: u32,
    /// Where its token starts (the headlines compare it with the lines' ends).
    at: u32,
    start: u32,
    /// The folded key of the word start's word ([`WordStart::key`]), 0 without one: the
    /// coreference turns most capitals away by it without reading their word start.
    key: u64,
    /// False only when it cannot be a one-word given name: it is its word start's whole word
    /// and that word's key misses the given names' filter ([`NameRules::given_name_persons`]
    /// then skips it without reading its token again).
    pub(crate) may_be_given: bool,
}

/// No word start at a [`CapWord`]'s token.
const NO_START: u32 = u32::MAX;

impl CapWord {
    /// The word start at its token, if one starts there.
    #[inline]
    pub(crate) fn start<'t>(&self, text: &'t Text) -> Option<&'t WordStart> {
        if self.start == NO_START {
            None
        } else {
            text.word_starts().get(self.start as usize)
        }
    }
}

/// The buffers of the person rules, kept from document to document ([`crate::Scratch`]).
#[derive(Default)]
pub(crate) struct Scratch {
    surnames: Surnames,
    added: Vec<Mention>,
    lower: String,
    /// A name's canonical, written before it is looked up or kept.
    canonical: String,
}

/// [`capitalised_words_into`] into new vectors.
#[cfg(test)]
pub(crate) fn capitalised_words(
    text: &Text,
    newlines: &[usize],
    maybe: &[u32],
    given: Option<&WordTable<()>>,
) -> (Vec<CapWord>, Vec<Span>) {
    let (mut caps, mut headlines) = (Vec::new(), Vec::new());
    capitalised_words_into(text, newlines, maybe, given, &mut caps, &mut headlines);
    (caps, headlines)
}

/// The capitalised word tokens of `text`, and its headlines: lines whose words are nearly
/// all capitalised ("Kerry Meets with Anti-IS Coalition Ambassadors", name lines as "Robert
/// Burns | Vivian Salama and Diaa Hadid"), as spans of whole lines. Serves the given names,
/// the coreference and the headlines.
///
/// The work follows the capitals, not the tokens: a capitalised word token that starts a
/// word is found at a capital word start (which carries the flag), the token there by
/// [`Text::start_token`] (no search of the tokens). A word token starts inside a word (a run of letters, digits and
/// underscores) only after a digit, an underscore or another character that is no letter
/// ("2Nd", "_Foo"): a token that starts with a letter runs to the end of the word. So only
/// the words that start with such a character and hold a capital (or a non-ASCII byte) past
/// it are searched token by token. A line's words are counted only when it holds two
/// capitals or more, and only until they are too many for a headline.
///
/// `maybe` are the indices of the word starts whose first byte is no lower-case ASCII letter,
/// in order (the alias walk collects them on its way): no capitalised word token starts in
/// the others' words. `given`: the one-word given names, whose filter sets
/// [`CapWord::may_be_given`] on the way (None: set on every capital). Into `caps` and
/// `headlines` (cleared first).
pub(crate) fn capitalised_words_into(
    text: &Text,
    newlines: &[usize],
    maybe: &[u32],
    given: Option<&WordTable<()>>,
    caps: &mut Vec<CapWord>,
    headlines: &mut Vec<Span>,
) {
    let bytes = text.text.as_bytes();
    let tokens = &text.tokens;
    let starts = text.word_starts();
    caps.clear();
    for &i in maybe {
        let w = &starts[i as usize];
        // The token holding the word start (the first that ends past it): the token that
        // starts there, if one does.
        let k = text.start_token(i as usize);
        if w.capital {
            if let Some(t) = tokens.get(k).filter(|t| t.start as usize == w.at && t.kind == TokenKind::Word) {
                let may_be_given = given.is_none_or(|g| w.word_len() != (t.end - t.start) as usize || g.may_hold(w));
                caps.push(CapWord { token: k as u32, at: t.start, start: i, key: w.key(true), may_be_given });
            }
            continue;
        }
        let b = bytes[w.at];
        if b.is_ascii_lowercase() {
            continue;
        }
        let first_len = if b < 128 {
            1
        } else {
            let c = text.text[w.at..].chars().next().unwrap_or(' ');
            if c.is_alphabetic() {
                continue;
            }
            c.len_utf8()
        };
        let rest = &bytes[w.at + first_len..w.end()];
        if !rest.iter().any(|&b| b.is_ascii_uppercase() || b >= 128) {
            continue;
        }
        // The tokens that start inside the word, past its first byte.
        let mut k = k + usize::from(tokens.get(k).is_some_and(|t| t.start as usize <= w.at));
        while let Some(t) = tokens.get(k).filter(|t| (t.start as usize) < w.end()) {
            if t.kind == TokenKind::Word && capitalised(t.text(text.text)) {
                caps.push(CapWord { token: k as u32, at: t.start, start: NO_START, key: 0, may_be_given: true });
            }
            k += 1;
        }
    }
    find_headlines(text, newlines, caps, headlines);
}

/// The word starts that may hold a capitalised word token, for [`capitalised_words`]: those
/// whose first byte is no lower-case ASCII letter.
#[cfg(test)]
pub(crate) fn maybe_capitals(text: &Text) -> Vec<u32> {
    let bytes = text.text.as_bytes();
    (0..text.word_starts().len() as u32)
        .filter(|&i| !bytes[text.word_starts()[i as usize].at].is_ascii_lowercase())
        .collect()
}

/// The headlines among the lines holding `caps` ([`capitalised_words_into`]): two word tokens or
/// more, three in four of them capitalised. Into `out` (cleared first).
fn find_headlines(text: &Text, newlines: &[usize], caps: &[CapWord], out: &mut Vec<Span>) {
    let tokens = &text.tokens;
    let len = text.text.len();
    out.clear();
    let mut line = 0;
    let mut i = 0;
    while i < caps.len() {
        let first = caps[i].token as usize;
        let start = caps[i].at as usize;
        while newlines.get(line).is_some_and(|&n| n < start) {
            line += 1;
        }
        let line_start = if line == 0 { 0 } else { newlines[line - 1] + 1 };
        let line_end = newlines.get(line).map_or(len, |&n| n + 1);
        let mut j = i + 1;
        while j < caps.len() && (caps[j].at as usize) < line_end {
            j += 1;
        }
        let capitals = j - i;
        i = j;
        if capitals < 2 {
            continue;
        }
        // The line's word tokens, counted out from its first capital until a headline's
        // share of capitals is out of reach.
        // (words * 3 > capitals * 4, for whole numbers of words.)
        let most = capitals * 4 / 3;
        let too_many = |words: usize| words > most;
        let mut words = 0;
        let mut t = first;
        while t > 0 && tokens[t - 1].start as usize >= line_start && !too_many(words) {
            t -= 1;
            words += usize::from(tokens[t].kind == TokenKind::Word);
        }
        let mut t = first;
        while t < tokens.len() && (tokens[t].start as usize) < line_end && !too_many(words) {
            words += usize::from(tokens[t].kind == TokenKind::Word);
            t += 1;
        }
        if !too_many(words) {
            out.push(Span::new(line_start, line_end));
        }
    }
}

/// Whether `bytes[start..end]` is ASCII: a token of eight bytes or fewer in one load.
#[inline]
fn ascii(bytes: &[u8], start: usize, end: usize) -> bool {
    let len = end - start;
    if len <= 8 {
        crate::keys::load8(bytes, start, len) & 0x8080_8080_8080_8080 == 0
    } else {
        bytes[start..end].is_ascii()
    }
}

/// The word without a possessive ("Kerry's" -> "Kerry").
fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")).unwrap_or(w)
}

#[inline]
fn capitalised(w: &str) -> bool {
    // Most words are ASCII: their first byte decides.
    match w.as_bytes().first() {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(_) => w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_alphabetic),
    }
}

impl NameRules {
    pub(crate) fn new(rules: &PersonRules, given_names: HashSet<Box<str>>, known: HashMap<String, Arc<str>>) -> Self {
        // A title word never starts a name ("Spokesman Colonel Steve Warren" is Steve Warren).
        let mut not_names: HashSet<String> = rules.not_names.iter().cloned().collect();
        for t in &rules.titles {
            let t = t.trim_end_matches('.');
            if !t.contains(' ') && t.starts_with(char::is_uppercase) {
                not_names.insert(t.to_string());
            }
        }
        NameRules {
            given_words: WordTable::new(
                given_names.iter().filter(|g| crate::first_word(g).len() == g.len()).map(|g| (g, ())),
                false,
            ),
            honorifics: SmallSet::new(rules.honorifics.iter().cloned()),
            particles: SmallSet::new(rules.particles.iter().cloned()),
            suffixes: SmallSet::new(rules.suffixes.iter().cloned()),
            not_names: SmallSet::new(not_names),
            given_names,
            known_filter: {
                let mut filter = Box::new([0u64; SMALL_SET_WORDS]);
                for k in known.keys().filter(|k| k.is_ascii()) {
                    let bit = SmallSet::bit(k.as_bytes());
                    filter[bit / 64] |= 1 << (bit % 64);
                }
                filter
            },
            known_ascii: {
                let mut v: Vec<(u64, Box<str>, Arc<str>)> = known
                    .iter()
                    .filter(|(k, _)| k.is_ascii())
                    .map(|(k, c)| (folded_hash(k.as_bytes()), Box::from(k.as_str()), c.clone()))
                    .collect();
                v.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                v
            },
            known,
        }
    }

    /// [`capitalised_words_into`] of `text`, each marked by the given names' filter, into buffers.
    pub(crate) fn capitalised_words(
        &self,
        text: &Text,
        newlines: &[usize],
        maybe: &[u32],
        caps: &mut Vec<CapWord>,
        headlines: &mut Vec<Span>,
    ) {
        capitalised_words_into(text, newlines, maybe, Some(&self.given_words), caps, headlines)
    }

    /// Whether `w` (one word token) can be part of a name.
    fn name_word(&self, w: &str) -> bool {
        if !capitalised(w) || self.not_names.contains(w) {
            return false;
        }
        // A name word is not all capitals unless it is short of a shout ("KERRY" is handled by
        // coreference, not here): "ISIS", "UN" never start names. (An ASCII word's bytes are
        // its chars.)
        if w.is_ascii() {
            return w.bytes().any(|b| b.is_ascii_lowercase());
        }
        w.chars().any(char::is_lowercase)
    }

    /// "al-Abadi", "bin-Laden": a lower-case particle glued to a capitalised name.
    fn particle_word(&self, w: &str) -> bool {
        w.split_once(['-', '\u{2010}', '\u{2011}']).is_some_and(|(p, rest)| {
            self.particles.contains(p) && capitalised(rest) && rest.chars().any(char::is_lowercase)
        })
    }

    /// Reads a name starting at token `from`.
    fn read<'t>(&self, text: &Text<'t>, from: usize) -> Option<Name<'t>> {
        let toks = &text.tokens;
        let first = toks.get(from)?;
        let start = first.start as usize;
        let mut end = start;
        // At most MAX_NAME_TOKENS words: no allocation but the canonical's.
        let mut parts: [&'t str; MAX_NAME_TOKENS] = [""; MAX_NAME_TOKENS];
        let mut n = 0;
        let mut i = from;
        let mut count = 0;
        while let Some(t) = toks.get(i) {
            if count >= MAX_NAME_TOKENS {
                break;
            }
            if i > from {
                let gap = &text.text[end..t.start as usize];
                if gap != " " && gap != "\u{a0}" {
                    break;
                }
            }
            if t.kind != TokenKind::Word {
                break;
            }
            let raw = t.text(text.text);
            let w = strip_possessive(raw);
            let possessive = w.len() != raw.len();
            let next = toks.get(i + 1);
            let glued_dot = next.is_some_and(|n| n.start == t.end && n.text(text.text) == ".");
            if n > 0 && self.suffixes.contains(w) {
                end = if glued_dot { next.map_or(t.end, |n| n.end) as usize } else { t.start as usize + w.len() };
                break;
            }
            if n > 0 && glued_dot && w.chars().count() == 1 && w.chars().all(char::is_uppercase) {
                // A middle initial: in the mention, not in the canonical.
                end = next.map_or(t.end, |n| n.end) as usize;
                i += 2;
                count += 1;
                continue;
            }
            let particle = n > 0
                && self.particles.contains(w)
                && next.is_some_and(|n| n.kind == TokenKind::Word && self.name_word(n.text(text.text)));
            if !(particle || self.name_word(w) || (n > 0 && self.particle_word(w))) {
                break;
            }
            parts[n] = w;
            n += 1;
            end = t.start as usize + w.len();
            count += 1;
            i += 1;
            if possessive {
                break;
            }
        }
        if n == 0 {
            return None;
        }
        Some(Name { span: Span::new(start, end), parts, words: n })
    }

    fn canonical(&self, name: &str) -> Arc<str> {
        self.known_name(name).cloned().unwrap_or_else(|| Arc::from(name))
    }

    /// The pack's canonical of `name`, in any case.
    fn known_name(&self, name: &str) -> Option<&Arc<str>> {
        if self.known.is_empty() {
            return None;
        }
        if name.is_ascii() {
            // (A known name is lower-cased: the name's length and its first and last bytes
            // lower-cased give its bit.)
            let b = name.as_bytes();
            let first = b.first().map_or(0, u8::to_ascii_lowercase);
            let last = b.last().map_or(0, u8::to_ascii_lowercase);
            let bit = SmallSet::bit_of(b.len(), first, last);
            if self.known_filter[bit / 64] & (1 << (bit % 64)) == 0 {
                return None;
            }
            let hash = folded_hash(name.as_bytes());
            let at = self.known_ascii.partition_point(|k| k.0 < hash);
            return self.known_ascii[at..]
                .iter()
                .take_while(|k| k.0 == hash)
                .find(|k| k.1.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
                .map(|k| &k.2);
        }
        self.known.get(&name.to_lowercase())
    }

    /// Persons after a title: "Prime Minister Haider al-Abadi", "Gen. Joseph Dunford",
    /// "Mr Masum" (a lone surname after an honorific).
    pub(crate) fn title_persons(&self, text: &Text, titles: &[Span], out: &mut Vec<Candidate>, scratch: &mut Scratch) {
        let buf = &mut scratch.canonical;
        for title in titles {
            let gap_ok = text.text[title.end..].starts_with(' ') && !text.text[title.end..].starts_with("  ");
            if !gap_ok {
                continue;
            }
            let from = text.token_at(title.end);
            let Some(name) = self.read(text, from) else { continue };
            let honorific = self.honorifics.contains(title.of(text.text));
            let canonical = name.canonical(buf);
            if name.words >= 2 || honorific || self.known_name(canonical).is_some() {
                out.push(Candidate {
                    span: name.span,
                    canonical: self.canonical(canonical),
                    kind: EntityType::Person,
                    rule: "title_person",
                    priority: 1,
                    hidden: false,
                    leads: true,
                });
            }
        }
    }

    /// Whether `w` is a month's name (a "By December" line is no byline).
    pub(crate) fn is_month(&self, w: &str) -> bool {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        MONTHS.contains(&w)
    }

    /// Towns after a cue: "the town of Zankoura", "nearby town Qarah Hlanj".
    pub(crate) fn town_places(&self, text: &Text, cues: &[Span], out: &mut Vec<Candidate>) {
        for cue in cues {
            if !text.text[cue.end..].starts_with(' ') {
                continue;
            }
            let Some(name) = self.read(text, text.token_at(cue.end)) else { continue };
            out.push(Candidate {
                span: name.span,
                canonical: Arc::from(name.canonical(&mut String::new())),
                kind: EntityType::City,
                rule: "town_cue",
                priority: 1,
                hidden: false,
                leads: true,
            });
        }
    }

    /// Persons by a common given name and a surname: "Brett McGurk said". `caps` are the
    /// capitalised word tokens ([`capitalised_words_into`]).
    pub(crate) fn given_name_persons(
        &self,
        text: &Text,
        caps: &[CapWord],
        out: &mut Vec<Candidate>,
        scratch: &mut Scratch,
    ) {
        if self.given_names.is_empty() {
            return;
        }
        let mut next = 0;
        let buf = &mut scratch.canonical;
        for cap in caps {
            let i = cap.token as usize;
            if !cap.may_be_given || i < next {
                continue;
            }
            let t = text.tokens[i];
            // By key where the token is its word start's whole word (it nearly always is).
            let given = match cap.start(text) {
                Some(w) if w.word_len() == (t.end - t.start) as usize => {
                    self.given_words.get(w, text.text.as_bytes()).is_some()
                }
                _ => self.given_names.contains(t.text(text.text)),
            };
            if !given {
                continue;
            }
            if let Some(name) = self.read(text, i) {
                if name.words >= 2 {
                    // (The first token at or past its end, [`Text::token_at`], counted on
                    // from its first: a name is a few tokens long.)
                    let mut past = i + 1;
                    while text.tokens.get(past).is_some_and(|t| (t.start as usize) < name.span.end) {
                        past += 1;
                    }
                    next = past;
                    out.push(Candidate {
                        span: name.span,
                        canonical: self.canonical(name.canonical(buf)),
                        kind: EntityType::Person,
                        rule: "given_name_person",
                        priority: 2,
                        hidden: false,
                        leads: true,
                    });
                }
            }
        }
    }

    /// Later surnames of the persons named in full: "Kerry", "Mr Masum", "Abadi", "KERRY".
    /// A lone word tagged as a city or region that is such a surname is the person ("Austin").
    /// `caps` are the capitalised word tokens ([`capitalised_words_into`]).
    pub(crate) fn coreference(
        &self,
        text: &Text,
        caps: &[CapWord],
        mentions: &mut Vec<Mention>,
        scratch: &mut Scratch,
    ) {
        // The surnames, lower-cased, each with its key (folded) and the persons it names.
        let Scratch { surnames, added, lower, .. } = scratch;
        surnames.clear();
        added.clear();
        for m in mentions.iter().filter(|m| m.kind == EntityType::Person) {
            let Some(space) = m.canonical.as_bytes().iter().rposition(|&b| b == b' ') else { continue };
            let last = &m.canonical[space + 1..];
            surnames.add(last, m.span.start, &m.canonical);
            if let Some((p, rest)) = last.split_once(['-', '\u{2011}']) {
                if self.particles.contains_lower_cased(p) {
                    surnames.add(rest, m.span.start, &m.canonical);
                }
            }
        }
        if surnames.names.is_empty() {
            return;
        }
        // The byte lengths of the keys: most words are turned away by their length alone (an
        // ASCII word keeps its length when lower-cased).
        let lengths: u64 =
            surnames.names.iter().fold(0, |acc, &(_, start, end)| acc | 1u64.checked_shl(end - start).unwrap_or(0));
        // The keys of the surnames' first words (folded), as a Bloom filter of 1024 bits. An
        // ASCII word that is a surname has the surname's first word for its word start's word
        // (a possessive only follows it), so a word start that misses the filter is no
        // surname unless its token has a non-ASCII byte (lower-cased by Unicode's rules).
        let mut bloom = [0u64; 16];
        for &(key, _, _) in &surnames.names {
            let bit = (key >> 54) as usize;
            bloom[bit / 64] |= 1 << (bit % 64);
        }
        let bytes = text.text.as_bytes();
        for cap in caps {
            if cap.start != NO_START {
                let bit = (cap.key >> 54) as usize;
                if bloom[bit / 64] & (1 << (bit % 64)) == 0 {
                    let t = text.tokens[cap.token as usize];
                    if ascii(bytes, t.start as usize, t.end as usize) {
                        continue;
                    }
                }
            }
            let t = text.tokens[cap.token as usize];
            let w = strip_possessive(t.text(text.text));
            let ascii = w.is_ascii();
            if w.len() < 64 && ascii && lengths & (1 << w.len()) == 0 {
                continue;
            }
            let surname = match cap.start(text) {
                // An ASCII word that is its word start's whole word: by the key it has.
                Some(s) if ascii && s.word_len() == w.len() => surnames.find_ascii(cap.key, w),
                _ => {
                    lower.clear();
                    if ascii {
                        lower.push_str(w);
                        lower.make_ascii_lowercase();
                    } else {
                        lower.extend(w.chars().flat_map(char::to_lowercase));
                    }
                    (0..surnames.names.len()).find(|&i| surnames.lower(i) == lower)
                }
            };
            let span = Span::new(t.start as usize, t.start as usize + w.len());
            let Some(owner) = surname.and_then(|i| surnames.owner(i, span.start)) else { continue };
            refer(span, owner, mentions, added);
        }
        if !added.is_empty() {
            // Both in text order, and no added span is a mention's: merged, as a stable sort
            // of the two would order them, in place from the back (each mention moved once).
            let key = |m: &Mention| (m.span.start, m.span.end);
            let mut m = mentions.len();
            mentions.reserve(added.len());
            // (Filled from the back; the clones only stand in until then.)
            mentions.extend(added.iter().cloned());
            let mut slot = mentions.len();
            while let Some(a) = added.pop() {
                while m > 0 && key(&mentions[m - 1]) > key(&a) {
                    m -= 1;
                    slot -= 1;
                    mentions.swap(m, slot);
                }
                slot -= 1;
                mentions[slot] = a;
            }
        }
    }

    /// [`NameRules::coreference`] as first written: every capitalised word lower-cased and
    /// looked up by its text. The property tests hold the keyed and filtered walk to it.
    #[cfg(test)]
    pub(crate) fn coreference_as_first_written(&self, text: &Text, caps: &[CapWord], mentions: &mut Vec<Mention>) {
        let mut keys: HashMap<String, Vec<(usize, Arc<str>)>> = HashMap::default();
        for m in mentions.iter().filter(|m| m.kind == EntityType::Person) {
            let words: Vec<&str> = m.canonical.split(' ').collect();
            if words.len() < 2 {
                continue;
            }
            let last = words[words.len() - 1];
            let mut add = |k: &str| keys.entry(k.to_lowercase()).or_default().push((m.span.start, m.canonical.clone()));
            add(last);
            if let Some((p, rest)) = last.split_once(['-', '\u{2011}']) {
                if self.particles.contains(&p.to_lowercase()) {
                    add(rest);
                }
            }
        }
        let mut added: Vec<Mention> = Vec::new();
        for cap in caps {
            let t = text.tokens[cap.token as usize];
            let w = strip_possessive(t.text(text.text));
            let lower: String =
                if w.is_ascii() { w.to_ascii_lowercase() } else { w.chars().flat_map(char::to_lowercase).collect() };
            let Some(owners) = keys.get(lower.as_str()) else { continue };
            let span = Span::new(t.start as usize, t.start as usize + w.len());
            let owner = owners.iter().rev().find(|(pos, _)| *pos <= span.start).or_else(|| owners.first());
            let Some((_, owner)) = owner else { continue };
            refer(span, owner, mentions, &mut added);
        }
        if !added.is_empty() {
            mentions.extend(added);
            mentions.sort_by_key(|m| (m.span.start, m.span.end));
        }
    }
}

/// [`capitalised_words`] as first written: one walk over every token, the lines found on the
/// way; the property tests hold the walk by capitals to it.
#[cfg(test)]
pub(crate) fn capitalised_words_by_tokens(text: &Text, newlines: &[usize]) -> (Vec<CapWord>, Vec<Span>) {
    let bytes = text.text.as_bytes();
    // The `k`th newline (the text's length past the last).
    let newline = |k: usize| newlines.get(k).copied().unwrap_or(bytes.len());
    let mut caps = Vec::with_capacity(text.tokens.len() / 4);
    let mut starts = text.word_start_cursor();
    let mut headlines = Vec::new();
    let mut close = |line: Span, words: usize, capitals: usize| {
        if words >= 2 && capitals * 4 >= words * 3 {
            headlines.push(line);
        }
    };
    let mut line_start = 0;
    let mut k = 0;
    let mut nl = newline(0);
    let (mut words, mut capitals) = (0usize, 0usize);
    for (i, t) in text.tokens.iter().enumerate() {
        let start = t.start as usize;
        // Tokens hold no whitespace: the line ends before this token.
        if nl < start {
            close(Span::new(line_start, nl + 1), words, capitals);
            (words, capitals) = (0, 0);
            let mut last = nl;
            k += 1;
            nl = newline(k);
            while nl < start {
                last = nl;
                k += 1;
                nl = newline(k);
            }
            line_start = last + 1;
        }
        if t.kind != TokenKind::Word {
            continue;
        }
        words += 1;
        // The first byte decides for ASCII.
        let b = bytes[start];
        let capital = if b < 128 { b.is_ascii_uppercase() } else { capitalised(t.text(text.text)) };
        if capital {
            capitals += 1;
            let at = starts.at(start).map(|w| w.at);
            let index = at.map_or(NO_START, |at| text.word_starts().partition_point(|w| w.at < at) as u32);
            let key = starts.at(start).map_or(0, |w| w.key(true));
            caps.push(CapWord { token: i as u32, at: t.start, start: index, key, may_be_given: true });
        }
    }
    let end = if nl < bytes.len() { nl + 1 } else { bytes.len() };
    close(Span::new(line_start, end), words, capitals);
    (caps, headlines)
}

/// A later short mention at `span` of the person whose surname it is, `canonical` (the owner
/// of the surname named last before it, else the first): relabelling a lone place or surname
/// mention at the same span or adding a mention where none overlaps.
fn refer(span: Span, canonical: &Arc<str>, mentions: &mut [Mention], added: &mut Vec<Mention>) {
    let at = mentions.partition_point(|m| m.span.end <= span.start);
    match mentions.get(at) {
        Some(m) if m.span.overlaps(span) => {
            let lone_place = matches!(m.kind, EntityType::City | EntityType::Region);
            let lone_surname = m.kind == EntityType::Person && !m.canonical.contains(' ');
            if m.span == span && (lone_place || lone_surname) {
                let m = &mut mentions[at];
                m.canonical = canonical.clone();
                m.kind = EntityType::Person;
                m.rule = "coreference";
            }
        }
        _ => added.push(Mention { span, canonical: canonical.clone(), kind: EntityType::Person, rule: "coreference" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The headlines as first written: each line's word tokens counted apart.
    fn headlines_by_line(text: &Text) -> Vec<Span> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.text.split_inclusive('\n') {
            let span = Span::new(start, start + line.len());
            start += line.len();
            let words: Vec<&str> =
                text.tokens_in(span).iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text(text.text)).collect();
            let caps = words.iter().filter(|w| w.starts_with(char::is_uppercase)).count();
            if words.len() >= 2 && caps * 4 >= words.len() * 3 {
                out.push(span);
            }
        }
        out
    }

    fn newlines(text: &str) -> Vec<usize> {
        text.match_indices('\n').map(|(i, _)| i).collect()
    }

    fn agree(s: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let text = Text::new(s);
        let (caps, headlines) = capitalised_words(&text, &newlines(s), &maybe_capitals(&text), None);
        proptest::prop_assert_eq!(&headlines, &headlines_by_line(&text), "{:?}", s);
        let want: Vec<u32> = (0..text.tokens.len() as u32)
            .filter(|&i| {
                let t = text.tokens[i as usize];
                t.kind == TokenKind::Word && capitalised(t.text(s))
            })
            .collect();
        proptest::prop_assert_eq!(caps.iter().map(|c| c.token).collect::<Vec<_>>(), want);
        for c in &caps {
            let start = text.tokens[c.token as usize].start as usize;
            let at_start = text.word_starts().iter().find(|w| w.at == start).map(|w| w.at);
            proptest::prop_assert_eq!(c.start(&text).map(|w| w.at), at_start);
        }
        let (old_caps, old_headlines) = capitalised_words_by_tokens(&text, &newlines(s));
        proptest::prop_assert_eq!(headlines, old_headlines);
        let starts =
            |caps: &[CapWord]| caps.iter().map(|c| (c.token, c.start(&text).map(|w| w.at))).collect::<Vec<_>>();
        proptest::prop_assert_eq!(starts(&caps), starts(&old_caps));
        Ok(())
    }

    #[test]
    fn headlines_and_capitalised_words_on_written_lines() {
        for s in [
            "Kerry Meets With Coalition Envoys\nThe envoys met on Monday in Paris.\n",
            "\n\nOne Two\n\nthree four Five\nSix",
            "2Nd _Foo Émile Zola\r\nÉcole normale",
            "²Foo ٣Bar 2,000Km al-Abadi Al-Abadi Ⅰ Kerry's 2nd-Fold _2Foo x_Y",
            "",
            "\n",
        ] {
            agree(s).unwrap();
        }
    }

    proptest::proptest! {
        /// A small set holds what its words' set holds: its filter turns no word of it away.
        #[test]
        fn small_sets_hold_their_words_and_no_other(
            words in proptest::collection::vec("[a-cA-Cé.\\-]{0,6}", 0..30),
            probe in "[a-cA-Cé.\\-]{0,6}",
        ) {
            let set = SmallSet::new(words.iter().cloned());
            for w in words.iter().chain([&probe]) {
                proptest::prop_assert_eq!(set.contains(w), words.contains(w), "{:?}", w);
            }
        }

        /// A lower-cased word is found eight bytes at a time as byte by byte.
        #[test]
        fn lower_case_of_is_eq_ignore_ascii_case_against_lower_case(
            lower in "[a-cé_\\- ]{0,19}",
            w in "[a-cA-Cé_\\- ]{0,19}",
        ) {
            let want = lower.as_bytes().eq_ignore_ascii_case(w.as_bytes());
            proptest::prop_assert_eq!(lower_case_of(lower.as_bytes(), w.as_bytes()), want);
            let same = w.to_ascii_lowercase();
            proptest::prop_assert!(lower_case_of(same.as_bytes(), w.as_bytes()));
        }
    }

    /// Known names are found by their folded hash as by lower-casing them, in any case.
    #[test]
    fn known_names_are_found_by_hash_as_by_lower_casing() {
        let known: HashMap<String, Arc<str>> =
            ["haider al-abadi", "ashton carter", "émile zola", "x", "a name of more than sixteen bytes"]
                .iter()
                .map(|k| (k.to_string(), Arc::from(k.to_uppercase())))
                .collect();
        let rules = NameRules::new(&crate::data::Rules::builtin().person, HashSet::default(), known.clone());
        for name in [
            "Haider al-Abadi",
            "HAIDER AL-ABADI",
            "Ashton Carter",
            "Ashton Carte",
            "Bshton Carter",
            "Émile Zola",
            "ÉMILE ZOLA",
            "Emile Zola",
            "X",
            "x",
            "Y",
            "",
            "\u{212a}",
            "A Name Of More Than Sixteen Bytes",
            "A Name Of More Than Sixteen Byte",
        ] {
            assert_eq!(rules.known_name(name), known.get(&name.to_lowercase()), "{name:?}");
        }
    }

    proptest::proptest! {
        /// Any name is known (or not) by its folded hash as by lower-casing it.
        #[test]
        fn known_names_by_hash_are_known_names_by_lower_casing(
            names in proptest::collection::vec("[aAbB É\\-]{0,20}", 1..5),
            probe in "[aAbB É\\-]{0,20}",
        ) {
            let known: HashMap<String, Arc<str>> =
                names.iter().map(|n| (n.to_lowercase(), Arc::from(n.as_str()))).collect();
            let rules = NameRules::new(&crate::data::Rules::builtin().person, HashSet::default(), known.clone());
            for name in names.iter().chain([&probe]) {
                proptest::prop_assert_eq!(rules.known_name(name), known.get(&name.to_lowercase()), "{:?}", name);
            }
        }

        /// Surnames are resolved by key as they were by lower-casing every capitalised word.
        #[test]
        fn coreference_by_keys_is_coreference_by_lower_casing(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "Kerry", "KERRY", "kerry", "Kerry's", "Kerry\u{2019}s", "\u{212a}erry", "Abadi", "al-Abadi", "Al-Abadi",
                "Zola", "ZOLA", "Émile", "ÉMILE", "Carter", "Austin", "said", "the", ".", ",", "\n", "Jane", "Smith-Jones",
                "Jones", "2Kerry", "_Kerry", "O'Brien", "Brien",
            ]), 0..30),
            marks in proptest::collection::vec((0usize..30, 0usize..6, proptest::prelude::any::<bool>()), 0..6),
        ) {
            let rules = NameRules::new(&crate::data::Rules::builtin().person, HashSet::default(), HashMap::default());
            let s = words.join(" ");
            let text = Text::new(&s);
            let nl: Vec<usize> = s.match_indices('\n').map(|(i, _)| i).collect();
            let (caps, _) = capitalised_words(&text, &nl, &maybe_capitals(&text), None);
            const CANONICALS: [&str; 6] =
                ["John Kerry", "Haider al-Abadi", "Émile Zola", "Jane \u{212a}ELVIN", "Kerry", "Ann Smith-Jones"];
            let mut mentions: Vec<Mention> = Vec::new();
            for &(token, canonical, person) in &marks {
                let Some(t) = text.tokens.get(token) else { continue };
                if mentions.iter().any(|m| m.span == t.span()) {
                    continue;
                }
                let kind = if person { EntityType::Person } else { EntityType::City };
                mentions.push(Mention { span: t.span(), canonical: Arc::from(CANONICALS[canonical]), kind, rule: "test" });
            }
            mentions.sort_by_key(|m| (m.span.start, m.span.end));
            let mut want = mentions.clone();
            rules.coreference_as_first_written(&text, &caps, &mut want);
            rules.coreference(&text, &caps, &mut mentions, &mut Scratch::default());
            proptest::prop_assert_eq!(mentions, want, "{:?}", s);
        }

        #[test]
        fn headlines_agree_with_the_line_by_line_count(s in "(Kerry|met|É|é|2|_|x|A|²|٣|Ⅰ|al|[ .,'’\\-\n\r])*") {
            agree(&s)?;
        }
    }
}
