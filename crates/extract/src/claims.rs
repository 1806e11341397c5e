//! Claims: who said what.
//!
//! A figure in a report is somebody's figure: "Kerry said", "according to U.S. officials",
//! "... said Secretary Tillerson". A ledger that keeps sources must keep the speaker too. The
//! domain pack lists the cues (`[claims]` in `packs/coalition/claims.toml`); this module finds
//! them and reads, around each, the speaker and what was said:
//!
//! - a verb of saying ("said", "told", "stressed") takes the actor named just before it
//!   ("Kerry said", "U.S. officials said", "the ministry said" with its country), or, when the
//!   verb follows a quotation or a comma, the actor just after it ("...," said Secretary
//!   Tillerson); "he"/"she" is the last person named;
//! - "according to" takes the actor after it;
//! - "reportedly" and "is said to" make a claim without a speaker;
//! - cues inside a quotation are the quoted speaker's words, not an attribution.
//!
//! What was said is the sentence, widened to the whole quotation when a quotation runs on past
//! it; a quotation that opens a sentence right after a claim, with no cue of its own, is the
//! same speaker's. The metrics whose figures lie in what was said are the claim's.
//!
//! Speed: the cost is per word of every document, so the cues are found by one filter test
//! per word start (`CueTable`, shared with the event triggers), the cue-word lists answer
//! most tokens by a length-and-first-letter bit (`Words`), and a bit per byte position says
//! where mentions start and end (`Marks`) before any search; a speaker borrows its words and
//! only a claim that is kept copies them.

use crate::metrics::Metric;
use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::{word_key, PhraseMatch, Span, Text, WordStart};
use chronicle_entities::{EntityType, Mention};
use serde::{Deserialize, Serialize};

/// The attribution cues of a pack.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimCues {
    /// Verbs of saying ("said", "told", "stressed").
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Phrases whose speaker follows them ("according to").
    #[serde(default)]
    pub according: Vec<String>,
    /// Phrases that report without a speaker ("reportedly", "is said to").
    #[serde(default)]
    pub unattributed: Vec<String>,
    /// Nouns that speak for a body ("officials", "the ministry", "a spokesman").
    #[serde(default)]
    pub bodies: Vec<String>,
    /// Pronouns that stand for the last person named ("he", "she").
    #[serde(default)]
    pub pronouns: Vec<String>,
    /// Words between a verb and a following speaker that are no speaker ("on", "Monday").
    #[serde(default)]
    pub not_speakers: Vec<String>,
}

impl ClaimCues {
    pub fn extend(&mut self, other: ClaimCues) {
        self.verbs.extend(other.verbs);
        self.according.extend(other.according);
        self.unattributed.extend(other.unattributed);
        self.bodies.extend(other.bodies);
        self.pronouns.extend(other.pronouns);
        self.not_speakers.extend(other.not_speakers);
    }
}

/// One attributed statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What was said: the sentence, or the quotation it opens when that runs on.
    #[serde(skip)]
    pub span: Span,
    /// The speaker's canonical name; None when the text does not say who ("reportedly").
    pub speaker: Option<String>,
    pub cue: String,
    /// Indices into the document's metrics of the figures in what was said.
    pub metrics: Vec<usize>,
    pub rule: String,
    /// The speaker as the text names them ("U.S. officials", "he").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_text: Option<String>,
    /// The words quoted, when the claim is a quotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(skip)]
    pub quote_span: Option<Span>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CueKind {
    Verb,
    According,
    Unattributed,
}

/// The compiled claim rules of a pack.
pub struct ClaimRules {
    cues: Option<CueTable>,
    kinds: Vec<CueKind>,
    bodies: Words,
    pronouns: Words,
    not_speakers: Words,
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

/// Cue phrases found at a text's word starts by their first word's key.
///
/// The claim cues and the event triggers are short lists whose first words are few ("said",
/// "according", "attack") but some of them common ("is said to", "for the first time"). A
/// [`chronicle_core::PhraseSet`] entered its automaton at every word start that passed its
/// Bloom filter, a few hundred instructions each time; here a word start costs one probe of a
/// small open-addressed table keyed by [`WordStart::key`] (folded). Only a word that is some
/// phrase's first word tries that word's phrases, longest first: its length, then the key of
/// the next word where the phrase's second word starts, then the bytes (ASCII case folded)
/// and the word boundary at the end. It finds exactly what
/// [`chronicle_core::PhraseSet::find_leftmost`] finds over the same phrases (a proptest holds
/// it to that).
pub(crate) struct CueTable {
    /// A bit per value of a key's top 14 bits, set for the first words' keys: the one test
    /// most word starts get (a few in a thousand pass without being a first word).
    filter: Box<[u64; 256]>,
    /// Open-addressed slots on the folded key of a first word; a slot with no phrases is free.
    slots: Box<[Slot]>,
    shift: u32,
    /// The phrases grouped by first word (a slot's `first..first + count`), longest first.
    cues: Vec<Cue>,
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
    /// Its index in the list the table was built from.
    pattern: usize,
    /// The byte length of its first word.
    first_len: usize,
    /// Where its second word starts (bytes from its start) and that word's folded key.
    second: Option<(usize, u64)>,
}

impl CueTable {
    /// The table of `phrases` (lower-cased, words joined by one space). A phrase that does not
    /// start with a word character could never match at a word start: refused, as by
    /// [`chronicle_core::PhraseSet::new`].
    pub(crate) fn new(phrases: &[String]) -> Result<CueTable, chronicle_core::PhraseError> {
        let is_word = |c: char| c.is_alphanumeric() || c == '_';
        let mut groups: Vec<(u64, Vec<Cue>)> = Vec::new();
        for (pattern, p) in phrases.iter().enumerate() {
            let first_len = p.find(|c: char| !is_word(c)).unwrap_or(p.len());
            if first_len == 0 {
                return Err(chronicle_core::PhraseError::NotAWord(p.clone()));
            }
            let second = p[first_len..].find(is_word).map(|k| (first_len + k, word_key(&p[first_len + k..], true)));
            let cue = Cue { bytes: p.as_bytes().into(), pattern, first_len, second };
            let key = word_key(p, true);
            match groups.iter_mut().find(|g| g.0 == key) {
                Some(g) => g.1.push(cue),
                None => groups.push((key, vec![cue])),
            }
        }
        let size = (groups.len() * 8).next_power_of_two().max(64);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![Slot::default(); size].into_boxed_slice();
        let mut cues = Vec::with_capacity(phrases.len());
        for (key, mut members) in groups {
            // Longest first: the first that fits is the longest match. Distinct lower-cased
            // phrases of one length never match the same bytes.
            members.sort_by_key(|c| (std::cmp::Reverse(c.bytes.len()), c.pattern));
            let mut i = (key >> shift) as usize;
            while slots[i].count != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = Slot { key, first: cues.len() as u32, count: members.len() as u32 };
            cues.extend(members);
        }
        let mut filter = Box::new([0u64; 256]);
        for s in slots.iter().filter(|s| s.count != 0) {
            filter[(s.key >> 56) as usize] |= 1 << ((s.key >> 50) & 63);
        }
        Ok(CueTable { filter, slots, shift, cues })
    }

    /// The phrases whose first word has the folded key `key`.
    #[inline(never)]
    fn candidates(&self, key: u64) -> &[Cue] {
        let mask = self.slots.len() - 1;
        let mut i = (key >> self.shift) as usize;
        loop {
            let s = self.slots[i & mask];
            if s.count == 0 {
                return &[];
            }
            if s.key == key {
                return self.cues.get(s.first as usize..(s.first + s.count) as usize).unwrap_or_default();
            }
            i = (i & mask) + 1;
        }
    }

    /// The longest phrase starting at word start `starts[k]` and ending on a word boundary.
    #[inline(never)]
    fn longest_of(&self, text: &Text, starts: &[WordStart], k: usize, cues: &[Cue]) -> Option<PhraseMatch> {
        let bytes = text.text.as_bytes();
        let w = &starts[k];
        for c in cues {
            if c.first_len != w.word_len() {
                continue; // another word with the same key
            }
            if let Some((at, key)) = c.second {
                // The text's next word must be the phrase's second word, where it stands.
                if !starts.get(k + 1).is_some_and(|n| n.at == w.at + at && n.key(true) == key) {
                    continue;
                }
            }
            let span = Span::new(w.at, w.at + c.bytes.len());
            if !bytes.get(span.start..span.end).is_some_and(|b| same_folded(b, &c.bytes)) {
                continue;
            }
            // A one-word phrase as long as the text's word ends where that word ends.
            if c.bytes.len() == c.first_len || text.on_word_boundaries(span) {
                return Some(PhraseMatch { span, pattern: c.pattern });
            }
        }
        None
    }

    /// The longest phrase at each word start, leftmost first and without overlaps: a word
    /// start inside a phrase already found starts nothing.
    pub(crate) fn find_leftmost(&self, text: &Text) -> Vec<PhraseMatch> {
        let mut out = Vec::with_capacity(16);
        let starts = text.word_starts();
        // The hot loop: one filter test per word start, the filter held in a local so that
        // nothing is reloaded after a push.
        let filter: &[u64; 256] = &self.filter;
        let mut next = 0;
        let mut rest = starts.iter();
        while let Some(w) = rest.next() {
            let key = w.key(true);
            if filter[(key >> 56) as usize] >> ((key >> 50) & 63) & 1 == 0 || w.at < next {
                continue;
            }
            let cues = self.candidates(key);
            if cues.is_empty() {
                continue;
            }
            let k = starts.len() - rest.len() - 1;
            if let Some(m) = self.longest_of(text, starts, k, cues) {
                next = m.span.end;
                out.push(m);
            }
        }
        out
    }
}

/// Whether `text` is `lower` (which has no ASCII capitals) with ASCII letters in any case.
#[inline]
fn same_folded(text: &[u8], lower: &[u8]) -> bool {
    text.len() == lower.len() && (0..lower.len()).all(|i| text[i].to_ascii_lowercase() == lower[i])
}

/// How many tokens a speaker may stand from its cue.
const SPEAKER_WINDOW: usize = 8;

impl ClaimRules {
    pub fn new(pack: &Pack) -> Result<ClaimRules, PackError> {
        let c = &pack.claims;
        let mut patterns = Vec::new();
        let mut kinds = Vec::new();
        for (list, kind) in
            [(&c.verbs, CueKind::Verb), (&c.according, CueKind::According), (&c.unattributed, CueKind::Unattributed)]
        {
            for p in list {
                let p = p.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                if p.is_empty() {
                    return Err(PackError::Invalid { source_name: "claims".into(), message: "an empty cue".into() });
                }
                if !patterns.contains(&p) {
                    patterns.push(p);
                    kinds.push(kind);
                }
            }
        }
        let cues = if patterns.is_empty() {
            None
        } else {
            Some(
                CueTable::new(&patterns)
                    .map_err(|e| PackError::Invalid { source_name: "claims".into(), message: e.to_string() })?,
            )
        };
        Ok(ClaimRules {
            cues,
            kinds,
            bodies: Words::new(&c.bodies),
            pronouns: Words::new(&c.pronouns),
            not_speakers: Words::new(&c.not_speakers),
        })
    }

    /// The claims of one document, in text order; `metrics` are the document's metrics.
    pub fn apply(&self, ctx: &Context, metrics: &[Metric]) -> Vec<Claim> {
        let Some(table) = &self.cues else { return Vec::new() };
        let text = ctx.text.text;
        let mut doc: Option<Doc> = None;
        let cues = table.find_leftmost(ctx.text);
        let mut out: Vec<Claim> = Vec::with_capacity(cues.len());
        // The token range of the last cue's sentence: cues share sentences.
        let mut last: Option<(usize, Option<usize>, usize)> = None;
        for m in cues {
            let span = m.span;
            let doc = doc.get_or_insert_with(|| Doc::new(ctx));
            if doc.quote_around(span).is_some() || doc.inside_mention(span) {
                continue; // the quoted speaker's own words
            }
            let kind = self.kinds[m.pattern];
            let Some(t0) = doc.token_index(span.start) else { continue };
            // Every token before the one before t0 ends before the cue: walk on from there.
            let t1 = doc.token_end_from(t0.saturating_sub(1), span.end).max(t0 + 1);
            let s = ctx.text.sentence_at(span.start);
            let sentence = ctx.text.sentence(s);
            let (s0, s1) = match last {
                Some((ls, s0, s1)) if ls == s => (s0.unwrap_or(t0), s1),
                _ => {
                    let (s0, s1) = (doc.token_index(sentence.start), doc.token_end(sentence.end));
                    last = Some((s, s0, s1));
                    (s0.unwrap_or(t0), s1)
                }
            };
            let speaker = match kind {
                CueKind::Unattributed => Some(Speaker { name: None, text: None }),
                CueKind::According => self.speaker_after(doc, t1, s1),
                CueKind::Verb => {
                    let inverted = t0 > s0 && (doc.is_quote(t0 - 1) || doc.word(t0 - 1) == ",");
                    let before = if inverted { None } else { self.speaker_before(doc, s0, t0) };
                    before.or_else(|| self.speaker_after(doc, t1, s1)).or_else(|| {
                        if inverted {
                            self.speaker_before(doc, s0, t0)
                        } else {
                            None
                        }
                    })
                }
            };
            let Some(speaker) = speaker else { continue };
            let cue = span.of(text);
            let rule = match kind {
                CueKind::Verb => "claims.verb",
                CueKind::According => "claims.according_to",
                CueKind::Unattributed => "claims.unattributed",
            };
            self.push(doc, &mut out, sentence, speaker, cue, rule, metrics);
        }
        let Some(doc) = doc else { return out };
        self.continued_quotes(&doc, &mut out, metrics);
        out.sort_by_key(|c| c.span.start);
        out
    }

    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn push(
        &self,
        doc: &Doc,
        out: &mut Vec<Claim>,
        sentence: Span,
        speaker: Speaker,
        cue: &str,
        rule: &str,
        metrics: &[Metric],
    ) {
        // What was said: the sentence, widened to a quotation that runs on past it.
        let quote = doc.quote_in(sentence);
        let span = match quote {
            Some(q) => Span::new(sentence.start.min(q.start), sentence.end.max(q.end)),
            None => sentence,
        };
        if out.iter().any(|c| c.span.overlaps(span) && c.speaker.as_deref() == speaker.name) {
            return;
        }
        let text = doc.ctx.text.text;
        out.push(Claim {
            span,
            speaker: speaker.name.map(String::from),
            cue: cue.to_string(),
            metrics: metrics_in(metrics, span),
            rule: rule.to_string(),
            speaker_text: speaker.text.map(String::from),
            quote: quote.map(|q| inner(text, q)),
            quote_span: quote,
        });
    }

    /// Quotations standing alone right after a quoted claim: the same speaker goes on.
    fn continued_quotes(&self, doc: &Doc, out: &mut Vec<Claim>, metrics: &[Metric]) {
        let text = doc.ctx.text.text;
        let mut added = Vec::new();
        for c in out.iter() {
            if c.quote.is_none() || c.speaker.is_none() {
                continue;
            }
            let mut s = doc.ctx.text.sentence_at(c.span.end.saturating_sub(1)) + 1;
            while let Some(sentence) = doc.ctx.text.sentences.get(s).copied() {
                let Some(q) = doc.quotes.iter().copied().find(|q| q.start == sentence.start) else { break };
                // Only a quotation that is the whole sentence, with no cue of its own.
                if q.end + 1 < sentence.end || out.iter().chain(&added).any(|o: &Claim| o.span.overlaps(sentence)) {
                    break;
                }
                let span = Span::new(sentence.start, sentence.end.max(q.end));
                added.push(Claim {
                    span,
                    speaker: c.speaker.clone(),
                    cue: "quotation".into(),
                    metrics: metrics_in(metrics, span),
                    rule: "claims.continued_quote".into(),
                    speaker_text: c.speaker_text.clone(),
                    quote: Some(inner(text, q)),
                    quote_span: Some(q),
                });
                s = doc.ctx.text.sentence_at(span.end.saturating_sub(1)) + 1;
            }
        }
        out.extend(added);
    }

    /// The speaker named just before a verb: an actor, a body ("U.S. officials"), a pronoun.
    fn speaker_before<'c>(&self, doc: &Doc<'_, 'c>, s0: usize, t0: usize) -> Option<Speaker<'c>> {
        // "Kerry commended the UN ... and said": the subject of the sentence speaks.
        if t0 > s0 && ["and", "but"].iter().any(|x| doc.word(t0 - 1).eq_ignore_ascii_case(x)) {
            return self.subject(doc, s0, t0);
        }
        let lo = s0.max(t0.saturating_sub(SPEAKER_WINDOW));
        let mut i = t0;
        while i > lo {
            i -= 1;
            let w = doc.word(i);
            if doc.is_quote(i) || w == ";" {
                return None;
            }
            if self.pronouns.contains(w) {
                let pos = doc.tok_span(i).start;
                return doc.last_person_before(pos).map(|m| Speaker { name: Some(&*m.canonical), text: Some(w) });
            }
            if let Some(m) = doc.mention_ending_at(i) {
                if speaks(m) {
                    return Some(Speaker { name: Some(&*m.canonical), text: Some(m.span.of(doc.ctx.text.text)) });
                }
            }
            if self.bodies.contains(w) {
                // "U.S. officials", "Saudi Press Agency": the body's name runs back over
                // capitalised words; an actor named in it speaks for it.
                let mut from = i;
                while from > s0 && from > i.saturating_sub(5) {
                    let prev = doc.word(from - 1);
                    let dotted = prev == "." && from >= 2 && doc.word(from - 2).chars().count() == 1;
                    if doc.is_name_like(from - 1) || dotted || doc.mention_ending_at(from - 1).is_some_and(speaks) {
                        from -= 1;
                    } else {
                        break;
                    }
                }
                let actor = (from..i).rev().find_map(|k| doc.mention_ending_at(k).filter(|m| speaks(m)));
                let phrase = Span::new(doc.tok_span(from).start, doc.tok_span(i).end).of(doc.ctx.text.text);
                return Some(Speaker { name: actor.map(|m| &*m.canonical), text: Some(phrase) });
            }
            // A verb or conjunction between ends the subject ("the forces that Kerry praised said").
            if ["that", "which", "who", "and", "but"].iter().any(|x| w.eq_ignore_ascii_case(x)) && i + 1 < t0 {
                return None;
            }
        }
        None
    }

    /// The subject of a sentence: its first person, else its first actor, near its start.
    fn subject<'c>(&self, doc: &Doc<'_, 'c>, s0: usize, t0: usize) -> Option<Speaker<'c>> {
        let hi = t0.min(s0 + 14);
        let mut actors = (s0..hi).filter_map(|i| doc.mention_at(i)).filter(|m| speaks(m));
        let first = actors.next()?;
        let m = if first.kind == EntityType::Person {
            first
        } else {
            actors.find(|m| m.kind == EntityType::Person).unwrap_or(first)
        };
        Some(Speaker { name: Some(&*m.canonical), text: Some(m.span.of(doc.ctx.text.text)) })
    }

    /// The speaker named just after a cue ("said Secretary Tillerson", "according to officials").
    fn speaker_after<'c>(&self, doc: &Doc<'_, 'c>, t1: usize, s1: usize) -> Option<Speaker<'c>> {
        let hi = s1.min(t1 + SPEAKER_WINDOW);
        let mut i = t1;
        while i < hi {
            let w = doc.word(i);
            if doc.is_quote(i) || w == ";" || w == "." {
                return None;
            }
            if i == t1 && self.pronouns.contains(w) {
                let pos = doc.tok_span(i).start;
                return doc.last_person_before(pos).map(|m| Speaker { name: Some(&*m.canonical), text: Some(w) });
            }
            if let Some(m) = doc.mention_at(i) {
                if speaks(m) {
                    // "U.S. officials": a body named by its country.
                    let end = doc.token_end(m.span.end);
                    let body = (end..(end + 3).min(hi)).find(|&k| self.bodies.contains(doc.word(k)));
                    let span = body.map_or(m.span, |k| Span::new(m.span.start, doc.tok_span(k).end));
                    return Some(Speaker { name: Some(&*m.canonical), text: Some(span.of(doc.ctx.text.text)) });
                }
            }
            if self.bodies.contains(w) {
                return Some(Speaker { name: None, text: Some(w) });
            }
            if w == "," && i > t1 {
                return None;
            }
            if !self.not_speakers.contains(w) && !doc.is_name_like(i) && w != "," {
                // A word that is neither a name, a title nor filler: no speaker follows.
                if i > t1 + 1 {
                    return None;
                }
            }
            i += 1;
        }
        None
    }
}

/// A speaker as read: the canonical name (if an actor) and the words naming them.
/// Borrowed from the text and the mentions: only a claim that is kept copies them.
struct Speaker<'a> {
    name: Option<&'a str>,
    text: Option<&'a str>,
}

/// Whether a mention can speak: people and bodies, not places.
fn speaks(m: &Mention) -> bool {
    matches!(m.kind, EntityType::Person | EntityType::Organization | EntityType::Country | EntityType::ArmedGroup)
}

/// The indices of the metrics whose figures lie in `span`.
fn metrics_in(metrics: &[Metric], span: Span) -> Vec<usize> {
    metrics.iter().enumerate().filter(|(_, m)| span.contains(m.span)).map(|(i, _)| i).collect()
}

/// A quotation's words without its quote marks.
fn inner(text: &str, q: Span) -> String {
    q.of(text).trim_matches(['"', '\u{201c}', '\u{201d}']).trim().to_string()
}

/// Per-document indexes: sorted mentions and the quotations of the text.
struct Doc<'d, 'c> {
    ctx: &'c Context<'d>,
    mentions: Vec<usize>,
    /// Where mentions start and end: most tokens start and end none.
    marks: Marks,
    /// Quotations, quote marks included, in text order.
    quotes: Vec<Span>,
}

impl<'d, 'c> Doc<'d, 'c> {
    #[inline(never)]
    fn new(ctx: &'c Context<'d>) -> Self {
        let mut mentions: Vec<usize> = (0..ctx.mentions.len()).collect();
        mentions.sort_by_key(|&i| (ctx.mentions[i].span.start, std::cmp::Reverse(ctx.mentions[i].span.end)));
        let marks = Marks::new(ctx.text.text.len(), ctx.mentions.iter().map(|m| m.span));
        Doc { ctx, mentions, marks, quotes: quotations(ctx.text.text) }
    }

    fn token_index(&self, pos: usize) -> Option<usize> {
        self.ctx.text.token_index(pos)
    }

    fn token_end(&self, pos: usize) -> usize {
        self.ctx.text.token_end_at(pos)
    }

    /// [`Doc::token_end`] found by walking from token `from`, when every token before it
    /// ends at or before `pos` (a few steps where a search takes a dozen).
    fn token_end_from(&self, from: usize, pos: usize) -> usize {
        let tokens = &self.ctx.text.tokens;
        let mut i = from;
        while tokens.get(i).is_some_and(|t| t.end as usize <= pos) {
            i += 1;
        }
        i
    }

    fn tok_span(&self, i: usize) -> Span {
        self.ctx.text.token_span(i)
    }

    fn word(&self, i: usize) -> &'d str {
        self.ctx.text.word(i)
    }

    fn is_quote(&self, i: usize) -> bool {
        // A quote mark's first byte is '"' or the lead byte of the curly marks.
        let Some(t) = self.ctx.text.tokens.get(i) else { return false };
        matches!(self.ctx.text.text.as_bytes()[t.start as usize], b'"' | 0xE2)
            && matches!(self.word(i), "\"" | "\u{201c}" | "\u{201d}")
    }

    fn is_name_like(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn mention_at(&self, i: usize) -> Option<&'c Mention> {
        let pos = self.ctx.text.tokens.get(i)?.start as usize;
        if !self.marks.starts_at(pos) {
            return None;
        }
        let k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start < pos);
        let m = &self.ctx.mentions[*self.mentions.get(k)?];
        (m.span.start == pos).then_some(m)
    }

    fn mention_ending_at(&self, i: usize) -> Option<&'c Mention> {
        let t = self.ctx.text.tokens.get(i)?;
        let (start, end) = (t.start as usize, t.end as usize);
        // Only a mention ending inside the token or at its end can be found below.
        if !self.marks.ends_in(start + 1, end + 1) {
            return None;
        }
        // The mention ending in this token (a possessive "Kerry's" ends inside it).
        let k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start < end);
        self.mentions[..k]
            .iter()
            .rev()
            .take(8)
            .map(|&m| &self.ctx.mentions[m])
            .find(|m| m.span.end == end || (m.span.end > start && m.span.end < end))
    }

    /// Whether `span` lies inside a mention ("States" of "United States").
    fn inside_mention(&self, span: Span) -> bool {
        let k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start <= span.start);
        self.mentions[..k].iter().rev().take(8).any(|&m| self.ctx.mentions[m].span.contains(span))
    }

    fn last_person_before(&self, pos: usize) -> Option<&'c Mention> {
        let k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start < pos);
        self.mentions[..k].iter().rev().map(|&m| &self.ctx.mentions[m]).find(|m| m.kind == EntityType::Person)
    }

    /// The quotation that holds `span` inside it, if any.
    fn quote_around(&self, span: Span) -> Option<Span> {
        let k = self.quotes.partition_point(|q| q.start < span.start);
        self.quotes[..k].last().copied().filter(|q| q.contains(span) && q.start < span.start && span.end < q.end)
    }

    /// The first quotation that starts or ends inside `sentence`.
    fn quote_in(&self, sentence: Span) -> Option<Span> {
        self.quotes.iter().copied().find(|q| {
            q.overlaps(sentence) && (sentence.contains(Span::new(q.start, q.start + 1)) || q.end <= sentence.end)
        })
    }
}

/// The quotations of a text: curly pairs, and straight quotes paired in order; an unclosed
/// quotation runs to the end of its paragraph.
fn quotations(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let bytes = text.as_bytes();
    // Only straight quotes, the lead byte of the curly quotes and, while a quotation is open,
    // newlines matter: jump to them.
    let mut from = 0;
    loop {
        let rest = &bytes[from..];
        let found =
            if open.is_some() { memchr::memchr3(b'"', b'\n', 0xE2, rest) } else { memchr::memchr2(b'"', 0xE2, rest) };
        let Some(k) = found else { break };
        let i = from + k;
        from = i + 1;
        let c = match bytes[i] {
            b'"' => '"',
            b'\n' => '\n',
            _ => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0x9C]) => '\u{201c}',
                Some([0x80, 0x9D]) => '\u{201d}',
                _ => continue,
            },
        };
        match c {
            '\u{201c}' => {
                if let Some(o) = open {
                    // A new opening inside an open quotation: the old one ran to here.
                    out.push(Span::new(o, i));
                }
                open = Some(i);
            }
            '\u{201d}' => {
                if let Some(o) = open.take() {
                    out.push(Span::new(o, i + c.len_utf8()));
                }
            }
            '"' => match open.take() {
                Some(o) => out.push(Span::new(o, i + 1)),
                None => open = Some(i),
            },
            '\n' => {
                // A paragraph break ends an unclosed quotation only when the next paragraph
                // does not go on quoting ("... paragraph.\n“Next ...”" conventions vary).
                if let Some(o) = open.take() {
                    out.push(Span::new(o, i));
                }
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        out.push(Span::new(o, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The phrases found by a [`CueTable`] and by the [`chronicle_core::PhraseSet`] it replaced.
    fn both_find(phrases: &[&str], text: &str) -> (Vec<PhraseMatch>, Vec<PhraseMatch>) {
        let phrases: Vec<String> = phrases.iter().map(|p| p.to_string()).collect();
        let t = Text::new(text);
        let table = CueTable::new(&phrases).unwrap().find_leftmost(&t);
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
        /// The cue table finds what the phrase set it replaced finds, whatever the text.
        #[test]
        fn cue_tables_agree_with_phrase_sets(text in "[a-zA-Z_ .,'\\-éÉ\n]{0,80}") {
            let phrases = ["a", "ab", "a b", "a b c", "b", "é", "ab c", "a.b", "a-b c", "c_d"];
            let (table, set) = both_find(&phrases, &text);
            proptest::prop_assert_eq!(table, set);
        }

        /// The gated word sets answer as the plain word sets do.
        #[test]
        fn words_agree_with_word_sets(word in "[a-zA-Z.'\\-éÉ]{0,6}") {
            let list: Vec<String> = ["a", "Ab", "a.b", "é", "b-a", "abc", "ABCD"].iter().map(|w| w.to_string()).collect();
            proptest::prop_assert_eq!(Words::new(&list).contains(&word), chronicle_core::WordSet::new(&list).contains(&word));
        }
    }

    #[test]
    fn quotations_pair_curly_and_straight_marks() {
        let text = "He said \u{201c}we will win\u{201d} and \"soon\". \u{201c}Unclosed\nNext";
        let q: Vec<&str> = quotations(text).iter().map(|s| s.of(text)).collect();
        assert_eq!(q, vec!["\u{201c}we will win\u{201d}", "\"soon\"", "\u{201c}Unclosed"]);
    }
}
