//! Numbers: every figure a report states, with its bounds, qualifier, unit and counted noun.
//!
//! Figures are what the campaign is measured by ("almost 2,000 strikes", "between 20,000 and
//! 31,000 fighters", "the 68-member Global Coalition", "US$718 million"). This crate finds them
//! as [`Quantity`] facts: digits and number words, scale words, vague amounts ("tens of
//! thousands"), fractions and percents, ranges (both bounds kept), qualifiers, compound
//! modifiers, ordinals, money and areas, and it leaves out numbers that are no quantities
//! (years, dates, clock times, resolution numbers, phone numbers, list markers, numbers inside
//! names). Which metric a figure belongs to is the domain stage's business, not this one's.
//! The word lists are data ([`lexicon`]); the tagger does no I/O and allocates only per figure.
//! It tests only the word starts that may begin a figure ([`Tagger::tag`]) and looks words up
//! in one table of the lists' words keyed by their case-folded bytes (module `words`), not by
//! lower-casing them.

pub mod lexicon;
mod words;

use chronicle_core::num::{serialize_number, serialize_opt_number};
use chronicle_core::{Qualifier, Span, Text, Token, TokenKind, WordStart};
use lexicon::{Cue, Lexicon};
use serde::Serialize;
use std::cell::Cell;
use words::{KeySet, WordInfo, WordTable};

pub use lexicon::LexiconError;

/// One figure in the text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    /// The figure with its qualifier, currency and unit ("more than $2.1 billion").
    #[serde(skip)]
    pub span: Span,
    #[serde(serialize_with = "serialize_number")]
    pub value: f64,
    #[serde(serialize_with = "serialize_opt_number")]
    pub value_max: Option<f64>,
    pub qualifier: Qualifier,
    /// `count`, `percent`, a currency code (`USD`, `CAD`), `km2` or `ordinal`.
    pub unit: &'static str,
    /// The rule that produced it.
    pub rule: &'static str,
    /// The noun phrase the figure counts, as written ("strikes", "Iraqi Security Force
    /// members"); empty when none follows the figure.
    pub counted: String,
    /// Where `counted` is in the text.
    #[serde(skip)]
    pub counted_span: Option<Span>,
    /// The noun of a compound modifier, lower-cased ("member" of "the 68-member coalition").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifier: Option<String>,
    /// Where `span` is in the text's tokens: its first token and the token after it (what
    /// [`Text::token_at`] gives for its start and its end).
    #[serde(skip)]
    pub tokens: (usize, usize),
    /// The index of the sentence holding the figure, in [`Text::sentences`].
    #[serde(skip)]
    pub sentence: usize,
}

/// How the figure itself is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Digits,
    Words,
    Vague,
    Fraction,
    Ordinal,
}

/// The figure proper, before unit, range and qualifier.
#[derive(Clone, Copy, Debug)]
struct Core {
    /// Token range `[start, end)` within the sentence.
    start: usize,
    end: usize,
    value: f64,
    kind: Kind,
    /// A scale word or suffix multiplied the figure ("7.7 million").
    scaled: bool,
    /// A plain four-digit integer (a year unless a unit says otherwise).
    year_like: bool,
    qualifier: Option<Qualifier>,
    unit: Option<&'static str>,
    /// Token index of a compound modifier's noun ("member" of "68-member").
    modifier: Option<usize>,
    /// The hyphenated word's modifier part, when the figure is one word ("sixty-member").
    word_modifier: Option<(u32, u32)>,
}

/// The quantity tagger; build once, share across threads.
pub struct Tagger {
    lex: LexiconRef,
    ix: CueIndex,
}

enum LexiconRef {
    Builtin(&'static Lexicon),
    Owned(Box<Lexicon>),
}

impl Default for Tagger {
    fn default() -> Self {
        Tagger::new()
    }
}

impl Tagger {
    /// A tagger with the built-in word lists.
    pub fn new() -> Tagger {
        let lex = Lexicon::builtin();
        Tagger { ix: CueIndex::new(lex), lex: LexiconRef::Builtin(lex) }
    }

    /// A tagger with other word lists (a lexicon file of the same shape as the built-in one).
    pub fn with_lexicon(lex: Lexicon) -> Tagger {
        Tagger { ix: CueIndex::new(&lex), lex: LexiconRef::Owned(Box::new(lex)) }
    }

    fn lex(&self) -> &Lexicon {
        match &self.lex {
            LexiconRef::Builtin(l) => l,
            LexiconRef::Owned(l) => l,
        }
    }

    /// Tags every figure of the text, in text order. Never panics.
    ///
    /// A figure starts at a number or at a word that may begin one, so the tagger walks the
    /// text's word starts (computed once per document), not its tokens: a word that begins
    /// with an ASCII letter is turned away by the starter Bloom filter (in a loop of its own,
    /// `next_candidate`), then by the exact set of the starters' word keys, and the article
    /// "a"/"an" before a word that cannot follow it in a figure (`Tagger::lone_article`) is
    /// turned away before its token is found. Every other word start (digits,
    /// other scripts, an underscore) and every word that may start a figure hands on the
    /// tokens that start inside its word ("9" and "mm" of "9mm") to the full test, in text
    /// order and within their sentence, exactly the tokens a token-by-token walk would test.
    pub fn tag(&self, text: &Text) -> Vec<Quantity> {
        // Room for the figures of most reports at once: growing a vector of figures one
        // doubling at a time copies them again and again.
        let mut out = Vec::with_capacity(16);
        let all = &text.tokens[..];
        let bytes = text.text.as_bytes();
        let lex = self.lex();
        let mut sentences = text.sentences.iter();
        // The tokens of the current sentence are `all[sa..sb]`; `a` walks on from the previous
        // sentence's end to the next sentence's first token.
        let (mut sa, mut sb, mut a) = (0usize, 0usize, 0usize);
        // The index of the current sentence (`usize::MAX` before the first).
        let mut sentence_index = usize::MAX;
        let mut sentences_left = true;
        // Tokens below `floor` are inside a figure already found (or the second half of a
        // skipped pair); `tp` is the first token not yet handed on.
        let mut floor = 0usize;
        let mut tp = 0usize;
        let starts = text.word_starts();
        let mut k = 0;
        loop {
            k = next_candidate(starts, k, bytes, &self.ix.starter_keys);
            let Some(w) = starts.get(k) else { break };
            k += 1;
            let b = bytes[w.at];
            if b.is_ascii_alphabetic()
                && ((!self.ix.starter_keys.contains(w) && bytes[w.at..w.end()].is_ascii())
                    || self.lone_article(bytes, w, starts.get(k)))
            {
                continue;
            }
            // The first token starting at or after the word: the token holding its word start,
            // or the next one when the word is joined into a token that starts before it
            // ("Abadi" of "al-Abadi"); never one already handed on.
            let held = text.start_token(k - 1);
            tp = tp.max(held + usize::from(all.get(held).is_some_and(|t| (t.start as usize) < w.at)));
            while tp < all.len() && (all[tp].start as usize) < w.end() {
                let g = tp;
                tp += 1;
                if g < floor || all[g].kind == TokenKind::Punct {
                    continue;
                }
                while g >= sb && sentences_left {
                    let Some(sentence) = sentences.next() else {
                        sentences_left = false;
                        break;
                    };
                    sentence_index = sentence_index.wrapping_add(1);
                    // A sentence that ends before token `g` starts cannot hold it: passed over
                    // without finding its tokens.
                    if sentence.end <= all[g].start as usize {
                        continue;
                    }
                    a = gallop(all, a, |t| (t.start as usize) < sentence.start);
                    sa = a;
                    // Every token before `g` ends before `g` starts, so before the sentence's
                    // end: the search for its last token starts at `g` when `g` is in it.
                    sb = gallop(all, a.max(g), |t| (t.end as usize) <= sentence.end);
                    a = sb;
                }
                if g < sa || g >= sb {
                    continue; // in no sentence
                }
                let cx = Cx {
                    text: text.text,
                    toks: &all[sa..sb],
                    base: sa,
                    sentence: sentence_index,
                    lex,
                    ix: &self.ix,
                    memo: no_memo(),
                };
                let i = g - sa;
                match cx.quantity_at(i) {
                    Some((q, next)) => {
                        out.push(q);
                        floor = sa + next.max(i + 1);
                    }
                    // "2014-2015": the second half of a pair whose first half is no quantity.
                    None if cx.number(i)
                        && matches!(cx.s(i + 1), "-" | "\u{2013}")
                        && cx.glued(i + 1)
                        && cx.number(i + 2)
                        && cx.glued(i + 2) =>
                    {
                        floor = sa + i + 3
                    }
                    None => {}
                }
            }
        }
        self.share_qualifiers(text, &mut out);
        out
    }

    /// Whether the word at `w` is the article "a" or "an" that begins no figure: a token of its
    /// own (a space follows) before a word that is no scale, fraction or vague amount
    /// (`next`, the next word start, is an ASCII word whose key is not one of theirs). The
    /// full test ([`Cx::word_core`]) turns such an article away at once; this spares finding
    /// its token and sentence, for the commonest word that passes the starter filter.
    #[inline]
    fn lone_article(&self, bytes: &[u8], w: &WordStart, next: Option<&WordStart>) -> bool {
        let article = match w.word_len() {
            1 => bytes[w.at] | 0x20 == b'a',
            2 => bytes[w.at] | 0x20 == b'a' && bytes[w.at + 1] | 0x20 == b'n',
            _ => false,
        };
        // The next token is a punctuation mark (no word: the article is turned away), or the
        // word at `next`: a word flagged AFTER_ARTICLE has the key of one of those words when
        // it is ASCII (a token holds the whole run of word characters it starts with).
        article
            && bytes.get(w.end()).is_some_and(u8::is_ascii_whitespace)
            && next.is_none_or(|n| {
                let keys = &self.ix.after_article_keys;
                // The filter turns away nearly every next word; the few it lets by are probed.
                !(keys.may_contain(n.key(true)) && keys.contains(n))
                    && bytes.get(n.at..n.end()).is_some_and(<[u8]>::is_ascii)
            })
    }

    /// The token-by-token walk [`Tagger::tag`] replaced: every token but punctuation and the
    /// words the starter filter turns away goes to the full test. Kept to hold the word-start
    /// walk to it.
    #[cfg(test)]
    fn tag_by_tokens(&self, text: &Text) -> Vec<Quantity> {
        let mut out = Vec::new();
        let mut starts = text.word_start_cursor();
        let all = &text.tokens[..];
        let mut a = 0;
        for (sentence_index, sentence) in text.sentences.iter().enumerate() {
            while a < all.len() && (all[a].start as usize) < sentence.start {
                a += 1;
            }
            let b = a + all[a..].partition_point(|t| (t.end as usize) <= sentence.end);
            let toks = &all[a..b];
            let cx = Cx {
                text: text.text,
                toks,
                base: a,
                sentence: sentence_index,
                lex: self.lex(),
                ix: &self.ix,
                memo: no_memo(),
            };
            a = b;
            let mut i = 0;
            while i < toks.len() {
                let t = toks[i];
                if t.kind == TokenKind::Punct {
                    i += 1;
                    continue;
                }
                if t.kind == TokenKind::Word
                    && text.text.as_bytes()[t.start as usize].is_ascii()
                    && starts.at(t.start as usize).is_some_and(|s| !cx.lex.starter_filter.may_start(s))
                {
                    i += 1;
                    continue;
                }
                match cx.quantity_at(i) {
                    Some((q, next)) => {
                        out.push(q);
                        i = next.max(i + 1);
                    }
                    None if cx.number(i)
                        && matches!(cx.s(i + 1), "-" | "\u{2013}")
                        && cx.glued(i + 1)
                        && cx.number(i + 2)
                        && cx.glued(i + 2) =>
                    {
                        i += 3
                    }
                    None => i += 1,
                }
            }
        }
        self.share_qualifiers(text, &mut out);
        out
    }

    /// A figure that restates or continues a hedged one shares its hedge: an equivalent in
    /// brackets ("about Can$1 billion (US$718 million)") and the second of a pair ("About 300
    /// Australian and 100 New Zealand personnel").
    fn share_qualifiers(&self, text: &Text, out: &mut [Quantity]) {
        for k in 1..out.len() {
            let (prev, cur) = (&out[k - 1], &out[k]);
            if cur.qualifier != Qualifier::Exact || prev.qualifier == Qualifier::Exact {
                continue;
            }
            let gap = text.text.get(prev.span.end..cur.span.start).unwrap_or("");
            let bracketed = gap.trim() == "(" && prev.unit != "count" && cur.unit != "count";
            // The tokens inside the gap (`Text::tokens_in` of it): from the token after the
            // first figure to the second's first token.
            let (a, b) = (prev.tokens.1, cur.tokens.0);
            let between = text.tokens.get(a..b.max(a)).unwrap_or(&[]);
            let paired = prev.qualifier == Qualifier::Approx
                && prev.unit == cur.unit
                && between.len() <= 3
                && between.last().is_some_and(|t| t.text(text.text).eq_ignore_ascii_case("and"))
                && !gap.contains([',', ';', '.']);
            if bracketed || paired {
                out[k].qualifier = prev.qualifier;
            }
        }
    }
}

/// The index of the first word start from `k` on that may begin a figure: one that does not
/// begin with an ASCII letter, or whose key passes the starters' Bloom filter
/// ([`KeySet::may_contain`]). Most words are turned away here, by one bit test each, in a loop
/// of its own (not inlined into the walk, so that its few values stay in registers).
///
/// The words are tested two at a time (the loop's own count and test are paid once per pair).
#[inline(never)]
fn next_candidate(starts: &[WordStart], mut k: usize, bytes: &[u8], starters: &KeySet) -> usize {
    let may_begin =
        |w: &WordStart| !bytes.get(w.at).is_some_and(u8::is_ascii_alphabetic) || starters.may_contain(w.key(true));
    while let Some([a, b]) = starts.get(k..k + 2).and_then(|p| <&[WordStart; 2]>::try_from(p).ok()) {
        if may_begin(a) {
            return k;
        }
        if may_begin(b) {
            return k + 1;
        }
        k += 2;
    }
    match starts.get(k) {
        Some(w) if !may_begin(w) => k + 1,
        _ => k,
    }
}

/// `w` split at its first hyphen, if it has one (`str::split_once('-')`, with a plain byte
/// search for the short words it is given).
#[inline]
fn split_hyphen(w: &str) -> Option<(&str, &str)> {
    let k = w.bytes().position(|b| b == b'-')?;
    Some((&w[..k], &w[k + 1..]))
}

/// The first token at or after `from` for which `before` is false (`before` holds for a prefix
/// of the tokens: those before a byte offset): a galloping search, since the next sentence
/// starts and ends a few tokens on, not anywhere in the text.
#[inline]
fn gallop(all: &[Token], from: usize, before: impl Fn(&Token) -> bool) -> usize {
    let at = |k: usize| all.get(k).is_some_and(&before);
    if !at(from) {
        return from;
    }
    // `from + lo` is before; find a step past it, then search between.
    let (mut lo, mut step) = (0usize, 1usize);
    while at(from + lo + step) {
        lo += step;
        step *= 2;
    }
    let hi = (from + lo + step).min(all.len());
    from + lo + 1 + all[from + lo + 1..hi].partition_point(&before)
}

/// One sentence's tokens and the lexicon.
struct Cx<'a> {
    text: &'a str,
    toks: &'a [Token],
    /// The index of the sentence's first token in the text's tokens, and of the sentence.
    base: usize,
    sentence: usize,
    lex: &'a Lexicon,
    ix: &'a CueIndex,
    /// The last look-ups of tokens' words ([`Cx::info`]), direct-mapped by token index (an
    /// empty entry has index `usize::MAX`): the test of a figure asks of its neighbours
    /// several times (the word after it: a month? a scale? a stop word of the counted noun?).
    memo: [Cell<(usize, Option<&'a WordInfo>)>; 4],
}

/// An empty [`Cx::memo`].
fn no_memo<'a>() -> [Cell<(usize, Option<&'a WordInfo>)>; 4] {
    std::array::from_fn(|_| Cell::new((usize::MAX, None)))
}

/// The cues of one list grouped by a byte (the first byte of their first token, for cues read
/// forward from a token; of their last token, for cues read backward), in list order: a cue
/// test looks only at the few cues that can match the text's token, not the whole list.
struct ByByte {
    /// Cues with byte `b` are `ids[start[b]..start[b + 1]]`.
    start: Box<[u32; 257]>,
    ids: Vec<u32>,
    /// Per entry of `ids`, the byte length of the cue's keyed token: a cue whose token is not
    /// as long as the text's is passed over without comparing.
    lens: Vec<u32>,
}

impl ByByte {
    fn new<T>(cues: &[Cue<T>], backward: bool) -> ByByte {
        fn token<T>(c: &Cue<T>, backward: bool) -> Option<&String> {
            if backward {
                c.tokens.last()
            } else {
                c.tokens.first()
            }
        }
        let key = |c: &Cue<T>| token(c, backward).and_then(|t| t.as_bytes().first().copied());
        let mut start = Box::new([0u32; 257]);
        let mut ids = Vec::with_capacity(cues.len());
        for b in 0..=255u8 {
            start[usize::from(b)] = ids.len() as u32;
            ids.extend((0..cues.len()).filter(|&k| key(&cues[k]) == Some(b)).map(|k| k as u32));
        }
        start[256] = ids.len() as u32;
        let lens = ids.iter().map(|&k| token(&cues[k as usize], backward).map_or(0, |t| t.len() as u32)).collect();
        ByByte { start, ids, lens }
    }

    /// The cues whose keyed token starts with byte `b` and is `len` bytes long.
    #[inline]
    fn get(&self, b: u8, len: usize) -> impl Iterator<Item = usize> + '_ {
        let range = self.start[usize::from(b)] as usize..self.start[usize::from(b) + 1] as usize;
        self.ids[range.clone()]
            .iter()
            .zip(&self.lens[range])
            .filter(move |(_, &l)| l as usize == len)
            .map(|(&k, _)| k as usize)
    }
}

/// The lexicon's cue lists indexed the way the tagger reads them.
struct CueIndex {
    vague: ByByte,
    prefix: ByByte,
    suffix: ByByte,
    units: ByByte,
    currency_prefix_before: ByByte,
    currency_prefix_after: ByByte,
    currency_suffix: ByByte,
    clock: ByByte,
    /// Every word of the lexicon's lists, with its flags and values.
    words: WordTable,
    /// The core word keys of the starters' first words.
    starter_keys: KeySet,
    /// The core word keys of the first words of the words flagged AFTER_ARTICLE.
    after_article_keys: KeySet,
}

impl CueIndex {
    fn new(lex: &Lexicon) -> CueIndex {
        CueIndex {
            vague: ByByte::new(&lex.vague, false),
            prefix: ByByte::new(&lex.prefix, true),
            suffix: ByByte::new(&lex.suffix, false),
            units: ByByte::new(&lex.units, false),
            currency_prefix_before: ByByte::new(&lex.currency_prefix, true),
            currency_prefix_after: ByByte::new(&lex.currency_prefix, false),
            currency_suffix: ByByte::new(&lex.currency_suffix, false),
            clock: ByByte::new(&lex.clock, false),
            words: WordTable::new(lex),
            starter_keys: KeySet::new(lex.starters.iter().map(|w| chronicle_core::word_key(w, true))),
            after_article_keys: KeySet::new(lex.after_article.iter().map(|w| chronicle_core::word_key(w, true))),
        }
    }
}

/// A word lower-cased: the word itself when it has no capitals (most words), else a copy in a
/// stack buffer for short ASCII words (longer or non-ASCII words are lower-cased on the heap;
/// they are rare and never number words).
enum Lower<'a> {
    Same(&'a str),
    Buf([u8; 32], usize),
    Heap(String),
}

impl<'a> Lower<'a> {
    fn new(s: &'a str) -> Lower<'a> {
        let bytes = s.as_bytes();
        if bytes.len() <= 32 && s.is_ascii() {
            if !bytes.iter().any(u8::is_ascii_uppercase) {
                return Lower::Same(s);
            }
            let mut buf = [0u8; 32];
            for (d, b) in buf.iter_mut().zip(bytes) {
                *d = b.to_ascii_lowercase();
            }
            Lower::Buf(buf, bytes.len())
        } else {
            Lower::Heap(s.to_lowercase())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Lower::Same(s) => s,
            Lower::Buf(buf, len) => std::str::from_utf8(&buf[..*len]).unwrap_or(""),
            Lower::Heap(h) => h,
        }
    }
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// The value of a number token: digits, thousands groups ("19,000") and one decimal point.
///
/// The common forms ("12", "19,000", "7.5": at most 15 digits) are read as an integer and, with
/// a decimal part, divided once by an exact power of ten: both operands are exact, so the
/// division rounds once, correctly, to what parsing the decimal string gives. Anything else
/// goes through the string parse ([`parse_digits_slow`]).
fn parse_digits(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut m: u64 = 0;
    let mut digits = 0usize;
    // Digits in the current group (since the start, the last comma or the point).
    let mut group = 0usize;
    let mut commas = false;
    let mut frac: Option<usize> = None;
    for &c in b {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                digits += 1;
                group += 1;
                if digits > 15 {
                    return parse_digits_slow(s);
                }
            }
            b',' if frac.is_none() && group > 0 && group <= 3 && (!commas || group == 3) => {
                commas = true;
                group = 0;
            }
            b'.' if frac.is_none() && group > 0 && (!commas || group == 3) => {
                frac = Some(digits);
                group = 0;
            }
            _ => return parse_digits_slow(s),
        }
    }
    if group == 0 || (commas && frac.is_none() && group != 3) {
        return parse_digits_slow(s);
    }
    Some(match frac {
        None => m as f64,
        Some(int_digits) => m as f64 / POW10[digits - int_digits],
    })
}

/// [`parse_digits`] through the string parse, for the forms its fast path leaves out.
fn parse_digits_slow(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if f.contains('.') || f.contains(',') || f.is_empty() {
            return None;
        }
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let v: f64 = if s.contains(',') {
        let mut buf = [0u8; 40];
        let mut n = 0;
        for b in s.bytes().filter(|b| *b != b',') {
            *buf.get_mut(n)? = b;
            n += 1;
        }
        std::str::from_utf8(&buf[..n]).ok()?.parse().ok()?
    } else {
        s.parse().ok()?
    };
    v.is_finite().then_some(v)
}

fn round_converted(v: f64) -> f64 {
    if v.abs() >= 100.0 {
        v.round()
    } else {
        (v * 100.0).round() / 100.0
    }
}

impl<'a> Cx<'a> {
    fn n(&self) -> usize {
        self.toks.len()
    }

    fn s(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| t.text(self.text))
    }

    fn kind(&self, i: usize) -> Option<TokenKind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// The bytes of token `i` (empty past the sentence): comparing them skips the char
    /// boundary checks of slicing the text as a `str`.
    #[inline]
    fn b(&self, i: usize) -> &'a [u8] {
        self.toks.get(i).map_or(&[][..], |t| self.text.as_bytes().get(t.start as usize..t.end as usize).unwrap_or(&[]))
    }

    fn is(&self, i: usize, w: &str) -> bool {
        self.b(i).eq_ignore_ascii_case(w.as_bytes())
    }

    fn lower(&self, i: usize) -> Lower<'a> {
        Lower::new(self.s(i))
    }

    /// What the lexicon says of token `i`, lower-cased (looked up once while it stays in
    /// [`Cx::memo`]).
    #[inline]
    fn info(&self, i: usize) -> Option<&'a WordInfo> {
        match self.toks.get(i) {
            Some(t) => {
                let slot = &self.memo[i % 4];
                let (k, e) = slot.get();
                if k == i {
                    return e;
                }
                let e = self.ix.words.get_in(self.text, t.start as usize, t.end as usize);
                slot.set((i, e));
                e
            }
            None => self.ix.words.get(""),
        }
    }

    /// Whether token `i` is a word the lexicon flags with `flag`.
    #[inline]
    fn has(&self, i: usize, flag: u16) -> bool {
        self.word(i) && self.info(i).is_some_and(|e| e.has(flag))
    }

    /// What the lexicon says of the part of token `i` before its first hyphen, lower-cased.
    #[inline]
    fn head_info(&self, i: usize) -> Option<&'a WordInfo> {
        let b = self.b(i);
        if b.is_ascii() {
            let start = self.toks.get(i).map_or(0, |t| t.start as usize);
            let head = b.iter().position(|&c| c == b'-').unwrap_or(b.len());
            self.ix.words.get_in(self.text, start, start + head)
        } else {
            self.ix.words.get_lower(self.s(i).to_lowercase().split('-').next().unwrap_or(""))
        }
    }

    /// Whether token `i` lower-cased is "st", "nd", "rd" or "th" (an ASCII token compared in
    /// place, any other lower-cased first).
    fn ordinal_suffix(&self, i: usize) -> bool {
        let b = self.b(i);
        if b.is_ascii() {
            return b.len() == 2 && [b"st", b"nd", b"rd", b"th"].iter().any(|x| b.eq_ignore_ascii_case(&x[..]));
        }
        matches!(self.lower(i).as_str(), "st" | "nd" | "rd" | "th")
    }

    /// What the lexicon says of `w`, already lower-cased.
    #[inline]
    fn lookup(&self, w: &str) -> Option<&'a WordInfo> {
        self.ix.words.get_lower(w)
    }

    /// Token `i` touches token `i - 1` (no space between them).
    fn glued(&self, i: usize) -> bool {
        i > 0 && i < self.n() && self.toks[i].start == self.toks[i - 1].end
    }

    fn word(&self, i: usize) -> bool {
        self.kind(i) == Some(TokenKind::Word)
    }

    fn number(&self, i: usize) -> bool {
        self.kind(i) == Some(TokenKind::Number)
    }

    fn matches_at(&self, i: usize, cue: &[String]) -> bool {
        i + cue.len() <= self.n()
            && cue.iter().enumerate().all(|(k, c)| self.b(i + k).eq_ignore_ascii_case(c.as_bytes()))
    }

    /// The first cue of `cues` (indexed by `ix`) that starts at token `i`.
    fn forward<'c, T>(&self, i: usize, cues: &'c [Cue<T>], ix: &ByByte) -> Option<&'c Cue<T>> {
        let s = self.b(i);
        let first = s.first()?.to_ascii_lowercase();
        ix.get(first, s.len()).map(|k| &cues[k]).find(|c| self.matches_at(i, &c.tokens))
    }

    /// The longest cue that ends right before token `end`.
    fn backward<'c, T>(&self, end: usize, cues: &'c [Cue<T>], ix: &ByByte) -> Option<&'c Cue<T>> {
        let s = self.b(end.checked_sub(1)?);
        let last = s.first()?.to_ascii_lowercase();
        ix.get(last, s.len())
            .map(|k| &cues[k])
            .find(|c| c.tokens.len() <= end && self.matches_at(end - c.tokens.len(), &c.tokens))
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.toks[a].start as usize, self.toks[b - 1].end as usize)
    }

    /// A whole figure starting at token `i`: the quantity and the token after it.
    fn quantity_at(&self, i: usize) -> Option<(Quantity, usize)> {
        let lex = self.lex;
        let mut a = self.core(i)?;
        // Currency written before the figure ("$", "US$", "Can$").
        let mut start = a.start;
        let mut currency = None;
        if let Some(c) = self.backward(a.start, &lex.currency_prefix, &self.ix.currency_prefix_before) {
            currency = Some(c.value);
            start = a.start - c.tokens.len();
        }
        let mut end = a.end;
        let mut factor = 1.0;
        self.unit_after(&mut a, &mut end, &mut factor, &mut currency);
        if a.kind == Kind::Digits && a.year_like && currency.is_none() && a.unit.is_none() && !a.scaled {
            return None;
        }
        // A range: "between X and Y", "X to Y", "X-Y", "X or Y".
        let between = start > 0 && self.is(start - 1, "between");
        let mut value_max = None;
        if let Some((b, b_end, b_unit, b_factor, b_currency)) = self.range_after(&a, end, between, start) {
            let mut av = a.value;
            if b.scaled && !a.scaled {
                let s = b.value / self.unscaled_value(&b);
                if av * s <= b.value {
                    av *= s;
                }
            }
            if b.value > av {
                if a.unit.is_none() {
                    a.unit = b_unit;
                    factor = b_factor;
                }
                if currency.is_none() {
                    currency = b_currency;
                }
                a.value = av;
                value_max = Some(b.value);
                end = b_end;
                if b.modifier.is_some() {
                    a.modifier = b.modifier;
                }
            }
        }
        if between && value_max.is_some() {
            start -= 1;
        }
        // Qualifier cues before ("more than") and after ("or more", "-plus").
        let mut qualifier = a.qualifier;
        if !between || value_max.is_none() {
            if let Some(c) = self.backward(start, &lex.prefix, &self.ix.prefix) {
                start -= c.tokens.len();
                if qualifier.is_none() || c.value != Qualifier::Exact {
                    qualifier = Some(c.value);
                }
            }
        }
        if a.modifier.is_none() && a.word_modifier.is_none() {
            if let Some(c) = self.forward(end, &lex.suffix, &self.ix.suffix) {
                let plus_glued = c.tokens[0] != "+" || self.glued(end);
                if plus_glued {
                    end += c.tokens.len();
                    qualifier = Some(c.value);
                }
            }
        }
        let mut modifier = None;
        if let Some(m) = a.modifier {
            let w = self.lower(m);
            if w.as_str() == "plus" {
                qualifier = Some(Qualifier::MoreThan);
            } else {
                modifier = Some(w.as_str().to_string());
            }
            end = end.max(m + 1);
        }
        if let Some((s, e)) = a.word_modifier {
            let w = self.text[s as usize..e as usize].to_lowercase();
            if w == "plus" {
                qualifier = Some(Qualifier::MoreThan);
            } else {
                modifier = Some(w);
            }
        }
        let mut value = a.value * factor;
        if factor != 1.0 {
            value = round_converted(value);
        }
        let value_max = value_max.map(|v| if factor != 1.0 { round_converted(v * factor) } else { v });
        let unit = currency.or(a.unit).unwrap_or(if a.kind == Kind::Ordinal { "ordinal" } else { "count" });
        let (counted, counted_span) = self.counted(&a, end, unit);
        let rule = match (a.kind, value_max.is_some()) {
            (Kind::Digits, false) => "number.digits",
            (Kind::Digits, true) => "number.digits.range",
            (Kind::Words, false) => "number.words",
            (Kind::Words, true) => "number.words.range",
            (Kind::Vague, _) => "number.vague",
            (Kind::Fraction, _) => "number.fraction",
            (Kind::Ordinal, _) => "number.ordinal",
        };
        Some((
            Quantity {
                span: self.span(start, end),
                value,
                value_max,
                qualifier: qualifier.unwrap_or_default(),
                unit,
                rule,
                counted,
                counted_span,
                modifier,
                tokens: (self.base + start, self.base + end),
                sentence: self.sentence,
            },
            end,
        ))
    }

    fn unscaled_value(&self, c: &Core) -> f64 {
        match self.kind(c.start) {
            Some(TokenKind::Number) => parse_digits(self.s(c.start)).filter(|v| *v != 0.0).unwrap_or(1.0),
            _ => 1.0,
        }
    }

    /// Units and currencies written after the figure ("percent", "square miles", "dollars",
    /// "billions of dollars").
    fn unit_after(&self, c: &mut Core, end: &mut usize, factor: &mut f64, currency: &mut Option<&'static str>) {
        let lex = self.lex;
        if c.kind == Kind::Ordinal || c.modifier.is_some() || c.word_modifier.is_some() {
            return;
        }
        if c.kind != Kind::Fraction {
            if let Some(u) = self.forward(*end, &lex.units, &self.ix.units) {
                c.unit = Some(u.value.unit);
                *factor = u.value.factor;
                *end += u.tokens.len();
                return;
            }
        }
        let mut at = *end;
        if c.kind == Kind::Vague && self.is(at, "of") {
            at += 1;
        }
        if let Some(u) = self.forward(at, &lex.currency_suffix, &self.ix.currency_suffix) {
            if currency.is_none() {
                *currency = Some(u.value);
            }
            *end = at + u.tokens.len();
        }
    }

    /// The second bound of a range after the first figure (ending at `end`).
    #[allow(clippy::type_complexity)]
    fn range_after(
        &self,
        a: &Core,
        end: usize,
        between: bool,
        start: usize,
    ) -> Option<(Core, usize, Option<&'static str>, f64, Option<&'static str>)> {
        if !matches!(a.kind, Kind::Digits | Kind::Words) || a.modifier.is_some() || a.word_modifier.is_some() {
            return None;
        }
        let conn = self.s(end);
        let dash = matches!(conn, "-" | "\u{2013}" | "\u{2014}" | "\u{2010}" | "\u{2011}");
        let ok = if between {
            conn.eq_ignore_ascii_case("and")
        } else if dash {
            // "5,000-6,000": a hyphen joins digits only when it touches both.
            conn != "-" || (self.glued(end) && self.glued(end + 1))
        } else if conn.eq_ignore_ascii_case("to") {
            !(start > 0 && self.is(start - 1, "from"))
        } else {
            conn.eq_ignore_ascii_case("or")
        };
        if !ok {
            return None;
        }
        let mut bi = end + 1;
        let mut b_currency = None;
        if let Some(c) = self.forward(bi, &self.lex.currency_prefix, &self.ix.currency_prefix_after) {
            b_currency = Some(c.value);
            bi += c.tokens.len();
        }
        if dash && !self.number(bi) {
            return None;
        }
        let mut b = self.core(bi)?;
        if !matches!(b.kind, Kind::Digits | Kind::Words) || b.word_modifier.is_some() {
            return None;
        }
        let mut b_end = b.end;
        let mut b_factor = 1.0;
        self.unit_after(&mut b, &mut b_end, &mut b_factor, &mut b_currency);
        if b.year_like && b.unit.is_none() && !b.scaled && b_currency.is_none() {
            return None;
        }
        if let (Some(ua), Some(ub)) = (a.unit, b.unit) {
            if ua != ub {
                return None;
            }
        }
        if b.modifier.is_some() {
            b_end = b_end.max(b.modifier.unwrap_or(0) + 1);
        }
        Some((b, b_end, b.unit, b_factor, b_currency))
    }

    /// The noun phrase the figure counts, from token `end` on.
    fn counted(&self, c: &Core, end: usize, unit: &str) -> (String, Option<Span>) {
        let mut i = end;
        let skip_of = matches!(c.kind, Kind::Vague | Kind::Fraction) || c.scaled || unit == "percent";
        if skip_of && self.is(i, "of") {
            i += 1;
            if matches!(
                self.lower(i).as_str(),
                "the" | "its" | "their" | "his" | "her" | "our" | "all" | "these" | "those"
            ) {
                i += 1;
            }
        }
        let first = i;
        let mut last = None;
        while i < self.n() && i < first + 6 && self.word(i) {
            if self.info(i).is_some_and(|e| e.has(words::STOP)) {
                break;
            }
            // Whether the word lower-cased ends with `suffix` (ASCII words: without copying).
            let s = self.s(i);
            let ends = |suffix: &str| {
                if s.is_ascii() {
                    s.len() >= suffix.len()
                        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
                } else {
                    self.lower(i).as_str().ends_with(suffix)
                }
            };
            let capital = s.starts_with(|ch: char| ch.is_uppercase());
            if last.is_some() && !capital && (ends("ed") || ends("ing")) {
                break;
            }
            // After a name ("Global Coalition"), a lower-case word continues the phrase only as
            // a plural head noun ("Iraqi Security Force members"), not as a verb ("met").
            let prev_capital = last.is_some_and(|l| self.s(l).starts_with(|ch: char| ch.is_uppercase()));
            if prev_capital && !capital && !ends("s") {
                break;
            }
            last = Some(i);
            i += 1;
        }
        match last {
            Some(l) => {
                let span = self.span(first, l + 1);
                (span.of(self.text).to_string(), Some(span))
            }
            None => (String::new(), None),
        }
    }

    /// Whether the number token at `i` is no quantity (a date, time, name, reference...).
    fn not_a_quantity(&self, i: usize) -> bool {
        let lex = self.lex;
        // The tokens are compared as bytes (no char boundary checks).
        let b = self.b(i);
        let n = self.n();
        // Inside a name: "F-16", "Su-24", "COVID-19".
        if self.glued(i) {
            let p = self.b(i - 1);
            if self.word(i - 1) {
                return true;
            }
            let joined = i >= 2
                && match p {
                    b"-" => self.word(i - 2),
                    b"/" | b":" | b"." | b"#" => self.word(i - 2) || self.number(i - 2),
                    _ => false,
                };
            if joined && self.glued(i - 1) {
                return true;
            }
            if matches!(p, b"/" | b":" | b"#") {
                return true;
            }
        }
        if i + 1 < n && self.glued(i + 1) {
            let nx = self.b(i + 1);
            if matches!(nx, b"/" | b":") && (self.number(i + 2) || self.word(i + 2)) && self.glued(i + 2) {
                return true;
            }
            // Three groups joined by hyphens or dots: a date or a phone number.
            if matches!(nx, b"-" | b".")
                && self.number(i + 2)
                && self.glued(i + 2)
                && matches!(self.b(i + 3), b"-" | b".")
                && self.glued(i + 3)
                && self.number(i + 4)
            {
                return true;
            }
        }
        // The middle or last group of such a chain.
        let joint = |k: usize| k < n && matches!(self.b(k), b"-" | b".") && self.glued(k) && self.glued(k + 1);
        if i >= 2
            && joint(i - 1)
            && self.number(i - 2)
            && ((i >= 4 && joint(i - 3) && self.number(i - 4)) || joint(i + 1) && self.number(i + 2))
        {
            return true;
        }
        // Leading zeros ("0600") and long digit strings (ids, phone numbers).
        if b.len() > 1 && b[0] == b'0' && b[1].is_ascii_digit() {
            return true;
        }
        if b.len() >= 7 && b.iter().all(u8::is_ascii_digit) {
            return true;
        }
        // A reference: "Resolution 2178", "Article 5", "No. 3".
        let mut p = i;
        if p > 0 && matches!(self.b(p - 1), b"." | b"#") {
            p -= 1;
        }
        // ... or a date: "March 22", "Dec. 15" (one look-up for both), "22 March", "15th of
        // December".
        if p > 0 && self.has(p - 1, words::NEGATIVE_BEFORE | words::MONTH) {
            return true;
        }
        let mut q = i + 1;
        if self.glued(q) && self.ordinal_suffix(q) {
            q += 1;
        }
        if self.is(q, "of") {
            q += 1;
        }
        if self.has(q, words::MONTH) {
            return true;
        }
        // Clock times: "5 p.m.", "10 am".
        if self.forward(i + 1, &lex.clock, &self.ix.clock).is_some() {
            return true;
        }
        // List markers: "1." or "2)" opening a line; "(3)".
        let line_start =
            i == 0 || self.text.as_bytes()[self.toks[i - 1].end as usize..self.toks[i].start as usize].contains(&b'\n');
        if line_start && matches!(self.b(i + 1), b"." | b")") && self.glued(i + 1) && !self.number(i + 2) {
            return true;
        }
        if i > 0 && self.b(i - 1) == b"(" && self.glued(i) && self.b(i + 1) == b")" && self.glued(i + 1) && b.len() <= 2
        {
            return true;
        }
        false
    }

    /// The figure proper starting at token `i`, if one does.
    fn core(&self, i: usize) -> Option<Core> {
        match self.kind(i)? {
            TokenKind::Number => self.digits_core(i),
            TokenKind::Word => self.word_core(i),
            TokenKind::Punct => None,
        }
    }

    fn digits_core(&self, i: usize) -> Option<Core> {
        if self.not_a_quantity(i) {
            return None;
        }
        let s = self.s(i);
        let mut value = parse_digits(s)?;
        let plain = s.bytes().all(|b| b.is_ascii_digit());
        let mut c = Core {
            start: i,
            end: i + 1,
            value,
            kind: Kind::Digits,
            scaled: false,
            year_like: plain && s.len() == 4 && (1800.0..=2100.0).contains(&value),
            qualifier: None,
            unit: None,
            modifier: None,
            word_modifier: None,
        };
        let mut j = i + 1;
        if self.glued(j) && self.word(j) {
            if self.ordinal_suffix(j) {
                c.kind = Kind::Ordinal;
                c.end = j + 1;
                return Some(c);
            }
            // What the lexicon says of the glued word lower-cased (looked up once, in place).
            let e = self.info(j);
            if let Some(sc) = e.and_then(|e| e.glued_scale.or(e.scale)) {
                value *= sc;
                c.scaled = true;
                j += 1;
            } else if !e.is_some_and(|e| e.has(words::UNIT_WORD)) {
                return None; // "9mm", "1980s"
            }
        }
        while self.word(j) {
            match self.info(j).and_then(|e| e.scale) {
                Some(sc) => {
                    value *= sc;
                    c.scaled = true;
                    j += 1;
                }
                None => break,
            }
        }
        c.value = value;
        c.end = j;
        // Compound modifier: "60-member", "60-plus", "74-strong".
        if !c.scaled && self.b(j) == b"-" && self.glued(j) && self.word(j + 1) && self.glued(j + 1) {
            let time_unit = |e: Option<&WordInfo>| e.is_some_and(|e| e.has(words::TIME_UNIT));
            if time_unit(self.info(j + 1)) || time_unit(self.head_info(j + 1)) {
                return None;
            }
            c.modifier = Some(j + 1);
            c.end = j + 2;
        }
        Some(c)
    }

    fn word_core(&self, i: usize) -> Option<Core> {
        let lex = self.lex;
        // An article (a starter, the commonest) begins a figure only before a scale, a fraction
        // or a vague amount: tested first, before any lower-casing or table look-up.
        let article = self.is(i, "a") || self.is(i, "an");
        if article && !self.has(i + 1, words::AFTER_ARTICLE) {
            return None;
        }
        // What the lexicon says of the word (looked up once, in place: the same as looking it
        // up lower-cased), and of its part before a hyphen: the word itself when it has none.
        let hyphen = self.b(i).contains(&b'-');
        let e0 = self.info(i);
        let head = if hyphen { self.head_info(i) } else { e0 };
        if !head.is_some_and(|e| e.has(words::STARTER)) {
            return None;
        }
        // "Number two", "Phase one": a name, not a figure.
        if i > 0 && self.has(i - 1, words::NEGATIVE_BEFORE) {
            return None;
        }
        let blank = Core {
            start: i,
            end: i + 1,
            value: 0.0,
            kind: Kind::Words,
            scaled: false,
            year_like: false,
            qualifier: None,
            unit: None,
            modifier: None,
            word_modifier: None,
        };
        // Vague amounts: "tens of thousands", "hundreds", "a few thousand".
        if let Some(v) = self.forward(i, &lex.vague, &self.ix.vague) {
            let (value, q) = v.value;
            return Some(Core { end: i + v.tokens.len(), value, kind: Kind::Vague, qualifier: Some(q), ..blank });
        }
        // Fractions: "two-thirds", "a third", "three quarters", "half".
        if let Some(c) = self.fraction(i, e0, article, hyphen, blank) {
            return Some(c);
        }
        // Ordinals that count: "the fifth country to join".
        if e0.is_none_or(|e| e.cardinal.is_none()) {
            if let Some(v) = e0.and_then(|e| e.ordinal) {
                let counts = (i + 1..(i + 3).min(self.n())).any(|k| self.has(k, words::ORDINAL_NOUN));
                return counts.then_some(Core { value: v, kind: Kind::Ordinal, ..blank });
            }
        }
        // Cardinal words with scales: "sixty-eight", "a hundred", "ten thousand", "two dozen".
        let mut total: f64 = 0.0;
        let mut current: f64 = 0.0;
        let mut last: u8 = 0; // 0 none, 1 ones/teens, 2 tens, 3 hundred, 4 big scale, 5 article
        let mut j = i;
        let mut word_modifier = None;
        let mut scaled = false;
        // The words are read in place, not lower-cased: "a", "an" and "and" are compared in any
        // ASCII case (no other letter lower-cases to theirs), and a word is lower-cased only
        // when it has a hyphen (its parts are looked up).
        while j < self.n() && self.word(j) {
            if j == i && article {
                if !self.word(j + 1) || self.info(j + 1).is_none_or(|e| e.scale.is_none()) {
                    return None;
                }
                last = 5;
                j += 1;
                continue;
            }
            if self.is(j, "and") {
                if matches!(last, 3 | 4)
                    && self.word(j + 1)
                    && self.head_info(j + 1).is_some_and(|e| e.cardinal.is_some())
                {
                    j += 1;
                    continue;
                }
                break;
            }
            // What the lexicon says of the word (the same as looking `w` up).
            let ej = if j == i { e0 } else { self.info(j) };
            if let Some(sc) = ej.and_then(|e| e.scale) {
                if last == 0 {
                    break;
                }
                scaled = true;
                if sc >= 1000.0 {
                    total += current.max(1.0) * sc;
                    current = 0.0;
                    last = 4;
                } else {
                    current = current.max(1.0) * sc;
                    last = 3;
                }
                j += 1;
                continue;
            }
            // A (possibly hyphenated) cardinal: "sixty", "sixty-eight", "sixty-member". A word
            // without a hyphen is its only part, already looked up.
            let mut val = 0.0;
            let mut n_parts = 0;
            let mut rest_at = None;
            if !self.b(j).contains(&b'-') {
                match ej.and_then(|e| e.cardinal) {
                    Some(v) => {
                        val = v;
                        n_parts = 1;
                    }
                    None => break,
                }
            } else {
                let w = self.lower(j);
                let mut offset = 0;
                for part in w.as_str().split('-') {
                    match self.lookup(part).and_then(|e| e.cardinal) {
                        Some(v) if n_parts == 0 || (n_parts == 1 && val >= 20.0 && v < 10.0) => {
                            val += v;
                            n_parts += 1;
                            offset += part.len() + 1;
                        }
                        _ => {
                            rest_at = Some(offset);
                            break;
                        }
                    }
                }
            }
            if n_parts == 0 {
                break;
            }
            let is_tens = n_parts == 1 && val >= 20.0;
            let fits = match last {
                0 | 3 | 4 => true,
                2 => val < 10.0,
                _ => false,
            };
            if !fits {
                break;
            }
            current += val;
            last = if is_tens { 2 } else { 1 };
            j += 1;
            if let Some(off) = rest_at {
                // "sixty-member", "three-day", "sixty-plus".
                let tok = self.toks[j - 1];
                let rest = &self.text[tok.start as usize + off..tok.end as usize];
                let lower_rest = rest.to_lowercase();
                let head = lower_rest.split('-').next().unwrap_or("");
                let time_unit = |w: &str| self.lookup(w).is_some_and(|e| e.has(words::TIME_UNIT));
                if time_unit(&lower_rest) || time_unit(head) {
                    return None;
                }
                word_modifier = Some((tok.start + off as u32, tok.end));
                break;
            }
        }
        if last == 0 || last == 5 {
            return None;
        }
        let value = total + current;
        Some(Core { end: j, value, scaled, word_modifier, ..blank })
    }

    /// A fraction starting at token `i`: `e0` is what the lexicon says of the token, `article`
    /// whether it is "a" or "an" and `hyphen` whether it has a hyphen (the word's test found
    /// them). The token is lower-cased only when it has a hyphen; "a", "an" and "half" are
    /// compared in any ASCII case (no other letter lower-cases to theirs).
    fn fraction(&self, i: usize, e0: Option<&WordInfo>, article: bool, hyphen: bool, blank: Core) -> Option<Core> {
        let frac = |num: f64, den: f64| ((num / den) * 10000.0).round() / 100.0;
        let ok_after = |k: usize| !self.word(k) || self.is(k, "of") || !self.has(k, words::TIME_UNIT);
        let w0 = if hyphen { Some(self.lower(i)) } else { None };
        if let Some((a, b)) = w0.as_ref().and_then(|w| split_hyphen(w.as_str())) {
            let (num, den) = (self.lookup(a).and_then(|e| e.cardinal), self.lookup(b).and_then(|e| e.fraction));
            if let (Some(num), Some(den)) = (num, den) {
                if ok_after(i + 1) {
                    return Some(Core { value: frac(num, den), kind: Kind::Fraction, unit: Some("percent"), ..blank });
                }
            }
            return None;
        }
        let num = if article { Some(1.0) } else { e0.and_then(|e| e.cardinal) };
        if let Some(num) = num {
            if self.word(i + 1) {
                if let Some(den) = self.info(i + 1).and_then(|e| e.fraction) {
                    // Lower-cased only once it is a fraction word.
                    let plural = self.lower(i + 1).as_str().ends_with('s');
                    let agrees = if num == 1.0 { !plural } else { plural };
                    let tail_ok = !self.word(i + 2) || self.is(i + 2, "of");
                    if agrees && tail_ok && den >= 2.0 && num < den {
                        return Some(Core {
                            end: i + 2,
                            value: frac(num, den),
                            kind: Kind::Fraction,
                            unit: Some("percent"),
                            ..blank
                        });
                    }
                }
            }
            return None;
        }
        if self.is(i, "half") {
            let prev_ok = i > 0 && self.has(i - 1, words::FRACTION_BEFORE);
            let prev_bad = i > 0
                && self.word(i - 1)
                && matches!(self.lower(i - 1).as_str(), "the" | "a" | "first" | "second" | "other" | "latter");
            if !prev_bad && (prev_ok || self.is(i + 1, "of")) && ok_after(i + 1) {
                return Some(Core { value: 50.0, kind: Kind::Fraction, unit: Some("percent"), ..blank });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> &'static Tagger {
        static TAGGER: std::sync::OnceLock<Tagger> = std::sync::OnceLock::new();
        TAGGER.get_or_init(Tagger::new)
    }

    #[test]
    fn digit_strings_parse_like_the_string_parse() {
        let cases: &[(&str, Option<f64>)] = &[
            ("12", Some(12.0)),
            ("19,000", Some(19000.0)),
            ("1,250,000", Some(1_250_000.0)),
            ("7.5", Some(7.5)),
            ("0.1", Some(0.1)),
            ("2,500.75", Some(2500.75)),
            ("1234,567", None),
            ("12,34", None),
            ("1.2.3", None),
            ("1.2,345", None),
            ("12345678901234567890", Some(12345678901234567890.0)),
            ("", None),
        ];
        for &(s, want) in cases {
            assert_eq!(parse_digits(s), want, "{s}");
            assert_eq!(parse_digits_slow(s), want, "{s}");
        }
    }

    proptest::proptest! {
        /// The fast digit reading gives exactly what the string parse gives.
        #[test]
        fn digit_fast_path_agrees(s in "[0-9]{1,9}([,.][0-9]{1,9}){0,3}") {
            proptest::prop_assert_eq!(parse_digits(&s).map(f64::to_bits), parse_digits_slow(&s).map(f64::to_bits));
        }

        /// The word-start walk tests exactly the tokens the token walk tested.
        #[test]
        fn word_start_walk_agrees_with_the_token_walk(words in proptest::collection::vec(proptest::sample::select(vec![
            "a", "A", "an", "few", "hundred", "Thousands", "of", "the", "fifth", "country", "9mm", "5th", "_5", "x_a",
            "2014", "-", "2015", "19,000", "7.5", "million", "$", "US", "percent", "half", "one-third", "sixty-eight",
            "Sixty-member", "\u{0663}5", "Émile", "two", "March", "22", ",", ".", "\n", "between", "and", "to", "ten",
            "tenß", "TENẞ", "(", "3", ")", "per", "cent", "km2", "square", "miles", "or", "more", "about", "dozen",
            "AN", "an-", "a_", "third", "thirds", "FEW", "dozen_", "\u{212A}", "a.m.", "\t", "Hundred-odd", "'s",
        ]), 0..40), glue in proptest::collection::vec(proptest::bool::ANY, 40)) {
            let mut text = String::new();
            for (k, w) in words.iter().enumerate() {
                if k > 0 && !glue[k] {
                    text.push(' ');
                }
                text.push_str(w);
            }
            let t = Text::new(&text);
            let got = tagger().tag(&t);
            proptest::prop_assert_eq!(&got, &tagger().tag_by_tokens(&t), "{:?}", text);
            for q in &got {
                proptest::prop_assert_eq!(q.tokens, (t.token_at(q.span.start), t.token_at(q.span.end)), "{:?}", text);
                proptest::prop_assert_eq!(q.sentence, t.sentence_at(q.span.start), "{:?}", text);
            }
        }
    }
}
