//! Word starts, tokens and sentences, computed once per document and shared by every stage.
//!
//! Every fact chronicle extracts is tied to the sentence that states it, and every stage
//! reasons over words (word boundaries belong here, not in each stage's automaton). The
//! analysis reads the text's bytes once, in blocks of bit masks, for the word starts and the
//! tokens together (and the token holding each word start, `scan`), then takes the
//! sentences off the tokens; it allocates four vectors per document, nothing per token.
//!
//! Sentences end at a newline (reports put titles, datelines and paragraphs on lines of their
//! own) or at `.`, `!` or `?` (optionally followed by closing quotes or brackets) before
//! whitespace and a capital, digit or opening quote, unless the full stop closes a known
//! abbreviation ("Mr.", "U.S.", "Feb.") that is not at the end of a paragraph.

use crate::Span;

/// What kind of token a [`Token`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, with inner apostrophes and hyphens ("Da'esh", "al-Abadi", "sixty-eight").
    Word,
    /// Digits, with inner separators ("19,000", "7.7", "2014-09-15" is three tokens).
    Number,
    /// Any other single non-space character.
    Punct,
}

/// One token: a byte span and its kind. Eight bytes of offsets keep the token vector compact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub kind: TokenKind,
}

impl Token {
    #[inline]
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    #[inline]
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start as usize..self.end as usize]
    }
}

/// The shared analysis of one document's text.
pub struct Text<'a> {
    pub text: &'a str,
    /// Sentence spans in text order; they cover every token, trimmed of outer whitespace.
    pub sentences: Vec<Span>,
    /// Tokens in text order.
    pub tokens: Vec<Token>,
    /// Where words start ([`Text::word_starts`]).
    starts: Vec<WordStart>,
    /// For each word start, the index of the token that holds it ([`Text::start_token`]).
    start_tokens: Vec<u32>,
}

/// Abbreviations whose full stop does not end a sentence (lower-cased, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "sen", "rep", "gov",
    "pres", "amb", "st", "jr", "sr", "rev", "hon", "no", "vs", "etc", "inc", "corp", "co", "ltd", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m", "d.c", "approx", "est", "fig", "mt",
    "ft",
];

impl<'a> Text<'a> {
    /// Analyses `text` into sentences and tokens.
    pub fn new(text: &'a str) -> Text<'a> {
        let Scan { starts, tokens, start_tokens, newlines, .. } = scan(text);
        let sentences = split_sentences(text, &tokens, &newlines);
        Text { text, sentences, tokens, starts, start_tokens }
    }

    /// The index of the token that holds word start `i` (of [`Text::word_starts`]): the
    /// token it begins, or the one it is joined into ("Abadi" in "al-Abadi"). A stage that
    /// walks the word starts finds its token here instead of searching the tokens.
    #[inline]
    pub fn start_token(&self, i: usize) -> usize {
        self.start_tokens.get(i).map_or(self.tokens.len(), |&t| t as usize)
    }

    /// Where words start (a letter, digit or underscore after anything else), computed once
    /// and shared by the tokenizer and every stage's word lookups.
    #[inline]
    pub fn word_starts(&self) -> &[WordStart] {
        &self.starts
    }

    /// A cursor over the word starts, for a stage that walks the tokens in order and asks, at
    /// each, for the word start there.
    pub fn word_start_cursor(&self) -> WordStartCursor<'_> {
        WordStartCursor { starts: self.word_starts(), next: 0 }
    }

    /// The word starts inside `span`.
    #[inline]
    pub fn word_starts_in(&self, span: Span) -> &[WordStart] {
        let starts = self.word_starts();
        let a = starts.partition_point(|w| w.at < span.start);
        let b = starts.partition_point(|w| w.at < span.end);
        &starts[a..b.max(a)]
    }

    /// The index of the sentence holding byte `pos` (the last one starting at or before it).
    #[inline]
    pub fn sentence_at(&self, pos: usize) -> usize {
        match self.sentences.binary_search_by(|s| s.start.cmp(&pos)) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        }
    }

    /// The span of sentence `i` (an empty span when there is none).
    #[inline]
    pub fn sentence(&self, i: usize) -> Span {
        self.sentences.get(i).copied().unwrap_or_default()
    }

    /// The index of the first token starting at or after byte `pos`.
    #[inline]
    pub fn token_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| (t.start as usize) < pos)
    }

    /// The index of the first token starting at or after byte `pos`, if there is one.
    #[inline]
    pub fn token_index(&self, pos: usize) -> Option<usize> {
        let i = self.token_at(pos);
        (i < self.tokens.len()).then_some(i)
    }

    /// The index of the first token that ends after byte `pos` (the token after a span
    /// ending at `pos`).
    #[inline]
    pub fn token_end_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| (t.end as usize) <= pos)
    }

    /// The span of token `i` (an empty span past the last token).
    #[inline]
    pub fn token_span(&self, i: usize) -> Span {
        self.tokens.get(i).map_or(Span::default(), |t| t.span())
    }

    /// The text of token `i` (empty past the last token).
    #[inline]
    pub fn word(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| t.text(self.text))
    }

    /// Tokens that lie inside `span`.
    #[inline]
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        let a = self.token_at(span.start);
        let b = self.tokens.partition_point(|t| (t.end as usize) <= span.end);
        &self.tokens[a..b.max(a)]
    }

    /// Whether `span` starts and ends on token boundaries (no word is cut in two).
    #[inline]
    pub fn on_word_boundaries(&self, span: Span) -> bool {
        let ok_start =
            span.start == 0 || !is_word_char_before(self.text, span.start) || !is_word_char_at(self.text, span.start);
        let ok_end = span.end >= self.text.len()
            || !is_word_char_at(self.text, span.end)
            || !is_word_char_before(self.text, span.end);
        ok_start && ok_end
    }
}

use crate::phrase::{self, is_word_char, word_bytes, WordStart, HIGH};

/// Walks the word starts of a text forward ([`Text::word_start_cursor`]).
pub struct WordStartCursor<'t> {
    starts: &'t [WordStart],
    next: usize,
}

impl<'t> WordStartCursor<'t> {
    /// The word start at byte `pos`, if a word starts there. Positions must not decrease from
    /// one call to the next.
    #[inline]
    pub fn at(&mut self, pos: usize) -> Option<&'t WordStart> {
        while self.starts.get(self.next).is_some_and(|w| w.at < pos) {
            self.next += 1;
        }
        self.starts.get(self.next).filter(|w| w.at == pos)
    }
}

#[inline]
fn is_word_char_at(text: &str, pos: usize) -> bool {
    text.get(pos..).and_then(|s| s.chars().next()).is_some_and(is_word_char)
}

#[inline]
fn is_word_char_before(text: &str, pos: usize) -> bool {
    text.get(..pos).and_then(|s| s.chars().next_back()).is_some_and(is_word_char)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The char at byte `i` of `text` and its length: ASCII without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 128 {
        return Some((b as char, 1));
    }
    let c = text[i..].chars().next()?;
    Some((c, c.len_utf8()))
}

/// ASCII byte classes, shared by the tokenizer and the word starts ([`crate::phrase`]).
pub(crate) const SPACE: u8 = 1;
pub(crate) const ALPHA: u8 = 2;
pub(crate) const DIGIT: u8 = 4;
/// A word character: letters, digits, underscore.
pub(crate) const WORD: u8 = 8;
pub(crate) const UPPER: u8 = 16;
pub(crate) const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_whitespace() || c == 0x0b {
            t[b] = SPACE;
        }
        if c.is_ascii_alphabetic() {
            t[b] = ALPHA | WORD;
        }
        if c.is_ascii_uppercase() {
            t[b] |= UPPER;
        }
        if c.is_ascii_digit() {
            t[b] = DIGIT | WORD;
        }
        if c == b'_' {
            t[b] = WORD;
        }
        b += 1;
    }
    t
};

/// Word starts and tokens, read off the text's bytes in one pass.
///
/// Tokens are words (letters, then letters, digits and inner apostrophes and hyphens),
/// numbers (digits with inner separators) and single punctuation marks; whitespace separates.
/// Word starts are where a run of letters, digits and underscores begins.
///
/// The text is read in blocks of 64 bytes, each turned into bit masks of its word bytes, its
/// spaces and its non-ASCII bytes ([`phrase::block_masks`]). Up to the block's first non-ASCII
/// byte, the word starts are the set bits of `word & !(word << 1)`, each word's length is a
/// count of trailing ones, and the punctuation marks are the bytes that are neither word bytes
/// nor spaces: the two kinds of events are taken in text order off one mask, and the spaces
/// cost nothing of their own. A word start whose run begins with a letter and is followed by
/// neither an apostrophe nor a hyphen is a whole word token; other runs go through the
/// char-by-char readers ([`word_end`], [`next_token`]), and what they read past (an
/// apostrophe, the word joined after it) is then skipped or recorded as joined. A word that
/// runs to the end of a full block starts the next block (only a word longer than a block,
/// or one that reaches a character beyond ASCII or the end of the text, is read on by
/// [`phrase::ascii_word`]); non-ASCII characters go one at a time. The scan also records where
/// the line feeds are (off the same masks), so that the sentence split need not look for them.
fn scan(text: &str) -> Scan<'_> {
    let bytes = text.as_bytes();
    let mut s = Scan {
        text,
        starts: Vec::with_capacity(bytes.len() / 5 + 8),
        tokens: Vec::with_capacity(bytes.len() / 4 + 8),
        start_tokens: Vec::with_capacity(bytes.len() / 5 + 8),
        newlines: Vec::with_capacity(bytes.len() / 64 + 8),
        end: 0,
    };
    let mut p = 0;
    // Invariant: the byte at `p` does not continue a word (it starts the text, or follows a
    // character that is not a word character, or is not a word character itself), and every
    // byte before `p` is in a token, or whitespace.
    while p < bytes.len() {
        let rest = &bytes[p..];
        let tail: [u8; 64];
        let block: &[u8; 64] = match rest.first_chunk::<64>() {
            Some(b) => b,
            None => {
                // The text's last bytes, then zeros (neither word bytes nor spaces nor beyond
                // ASCII, and past `m` anyway).
                let mut last = [0u8; 64];
                last[..rest.len()].copy_from_slice(rest);
                tail = last;
                &tail
            }
        };
        let masks = phrase::block_masks(block);
        // The ASCII bytes before the first non-ASCII one (or the end of the text).
        let m = (masks.high.trailing_zeros() as usize).min(rest.len());
        if m > 0 {
            let valid = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
            let word = masks.word & valid;
            let starts = word & !(word << 1);
            let mut events = starts | (!word & !masks.space & valid);
            let mut next = p + m;
            while events != 0 {
                let k = events.trailing_zeros() as usize;
                events &= events - 1;
                let at = p + k;
                if starts >> k & 1 == 0 {
                    // A punctuation mark, unless a token read past it.
                    if at >= s.end {
                        s.tokens.push(Token { start: at as u32, end: at as u32 + 1, kind: TokenKind::Punct });
                        s.end = at + 1;
                    }
                    continue;
                }
                let n = (!(word >> k)).trailing_zeros() as usize;
                if k + n >= m {
                    if m == 64 && k > 0 {
                        // The word runs to the end of the block: the next block starts with it
                        // (and holds it whole, unless it is longer than the block).
                        next = at;
                        break;
                    }
                    // The word runs to the end of what was read and may go on.
                    let capital = bytes[at].is_ascii_uppercase();
                    let (n, keys) =
                        if at + 8 <= bytes.len() { phrase::ascii_word(text, at) } else { phrase::slow_word(text, at) };
                    s.word(WordStart::new(at, n, capital, keys));
                    next = at + n;
                    break;
                }
                let (keys, first) = match bytes.get(at..at + 8) {
                    // The common word: eight bytes or fewer, all ASCII, in one load.
                    Some(b) if n <= 8 => {
                        let x = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                        (phrase::short_ascii_keys(x & (u64::MAX >> (64 - 8 * n))), x as u8)
                    }
                    _ => (phrase::keys_of(bytes, at, n), bytes[at]),
                };
                let after = bytes[at + n];
                let w = WordStart::new(at, n, first.is_ascii_uppercase(), keys);
                // A run that begins with a letter and is followed by neither an apostrophe nor
                // a hyphen (an ASCII byte: the run ends inside the block) is a whole word.
                // (One branch: `&` evaluates every test.)
                let letter = (first | 0x20).wrapping_sub(b'a') < 26;
                if (at >= s.end) & letter & (after != b'\'') & (after != b'-') {
                    s.start_tokens.push(s.tokens.len() as u32);
                    s.tokens.push(Token { start: at as u32, end: (at + n) as u32, kind: TokenKind::Word });
                    s.starts.push(w);
                    s.end = at + n;
                } else {
                    s.word(w);
                }
            }
            // The line feeds up to where the next block starts (a word read on holds none).
            let upto = next - p;
            let mut newlines = masks.newline & if upto >= 64 { valid } else { valid & ((1u64 << upto) - 1) };
            while newlines != 0 {
                s.newlines.push((p + newlines.trailing_zeros() as usize) as u32);
                newlines &= newlines - 1;
            }
            p = next;
            continue;
        }
        // Non-ASCII characters, one at a time while they last.
        while let Some(c) = text.get(p..).and_then(|t| t.chars().next()).filter(|c| !c.is_ascii()) {
            if is_word_char(c) {
                let (n, keys) = phrase::slow_word(text, p);
                s.word(WordStart::new(p, n, c.is_uppercase(), keys));
                p += n;
            } else {
                let len = c.len_utf8();
                if !c.is_whitespace() && p >= s.end {
                    s.tokens.push(Token { start: p as u32, end: (p + len) as u32, kind: TokenKind::Punct });
                    s.end = p + len;
                }
                p += len;
            }
        }
    }
    s
}

/// What [`scan`] builds: the word starts, the tokens and the token holding each word start.
struct Scan<'a> {
    text: &'a str,
    starts: Vec<WordStart>,
    tokens: Vec<Token>,
    start_tokens: Vec<u32>,
    /// Where the line feeds are, in order (for the sentences).
    newlines: Vec<u32>,
    /// Where the tokens so far end.
    end: usize,
}

impl Scan<'_> {
    /// Records word start `w` and the tokens from it, all bytes before it being read: the
    /// word start is joined into the last token when that token reaches past it ("Abadi" in
    /// "al-Abadi", "000" in "19,000"); else a run that begins with a letter is one word (with
    /// the runs it joins across inner apostrophes and hyphens), and other runs (digits,
    /// underscores, digits of other scripts) are read one token at a time.
    #[inline(never)]
    fn word(&mut self, w: WordStart) {
        let bytes = self.text.as_bytes();
        let at = w.at;
        if at < self.end {
            self.start_tokens.push(holder(&self.tokens, at));
            // The rest of its run, when the token ends inside it ("A'A" after "0,0" in "0,0A'A").
            let mut i = self.end;
            while i < w.end() {
                i = next_token(self.text, i, &mut self.tokens);
            }
            self.end = self.end.max(i);
        } else {
            self.start_tokens.push(self.tokens.len() as u32);
            let b = bytes[at];
            if b < 128 && ASCII_CLASS[b as usize] & ALPHA != 0 {
                // The run ends the word unless an apostrophe or a hyphen (or a character
                // beyond ASCII) follows it.
                let end = match bytes.get(w.end()) {
                    Some(&n) if n < 128 && n != b'\'' && n != b'-' => w.end(),
                    None => w.end(),
                    _ => word_end(self.text, w.end()),
                };
                self.tokens.push(Token { start: at as u32, end: end as u32, kind: TokenKind::Word });
                self.end = end;
            } else {
                let mut i = at;
                while i < w.end() {
                    i = next_token(self.text, i, &mut self.tokens);
                }
                self.end = i;
            }
        }
        self.starts.push(w);
    }
}

/// The index of the token holding byte `at` of a word character, when the tokens so far end
/// past it: mostly the last one ("Abadi" joined into "al-Abadi"), else found by search.
#[inline]
fn holder(tokens: &[Token], at: usize) -> u32 {
    match tokens.last() {
        Some(t) if t.start as usize <= at => tokens.len() as u32 - 1,
        _ => tokens.partition_point(|t| t.end as usize <= at) as u32,
    }
}

/// Reads the token at byte `i` (nothing for whitespace) and returns where it ends.
fn next_token(text: &str, mut i: usize, tokens: &mut Vec<Token>) -> usize {
    let bytes = text.as_bytes();
    let start = i;
    let Some(&b) = bytes.get(i) else { return i };
    let kind = if b < 128 {
        i += 1;
        match ASCII_CLASS[b as usize] {
            SPACE => return i,
            c if c & ALPHA != 0 => TokenKind::Word,
            c if c & DIGIT != 0 => TokenKind::Number,
            _ => TokenKind::Punct,
        }
    } else {
        let c = text[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if c.is_whitespace() {
            return i;
        } else if c.is_alphabetic() {
            TokenKind::Word
        } else {
            TokenKind::Punct
        }
    };
    i = match kind {
        TokenKind::Word => word_end(text, i),
        TokenKind::Number => number_end(bytes, i),
        TokenKind::Punct => i,
    };
    tokens.push(Token { start: start as u32, end: i as u32, kind });
    i
}

/// The end of the word whose first letter ends at `i`.
#[inline]
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        // The common case first: a run of ASCII letters, digits and underscores, eight bytes
        // at a time, ended by an ASCII byte that cannot join (a space, a comma).
        while let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            let stop = (!word_bytes(x & !HIGH) | x) & HIGH;
            let n = stop.trailing_zeros() as usize / 8;
            i += n;
            if n < 8 {
                break;
            }
        }
        while let Some(&b) = bytes.get(i) {
            if b >= 128 {
                break;
            }
            let class = ASCII_CLASS[b as usize];
            if class & WORD != 0 {
                i += 1;
            } else if b == b'\'' || b == b'-' {
                break;
            } else {
                return i;
            }
        }
        let Some((n, len)) = char_at(text, i) else { return i };
        if n.is_alphanumeric() || n == '_' {
            i += len;
        } else if (is_apostrophe(n) || is_hyphen(n)) && char_at(text, i + len).is_some_and(|(a, _)| a.is_alphabetic()) {
            // Inner joiners: apostrophes and hyphens between letters.
            i += len;
        } else {
            return i;
        }
    }
}

/// The end of the number whose first digit ends at `i`: digits, with separators between digits.
#[inline]
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if matches!(bytes.get(i), Some(b',' | b'.')) && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            return i;
        }
    }
}

/// Sentences off the tokens, `newlines` being where the text's line feeds are, in order.
fn split_sentences(text: &str, tokens: &[Token], newlines: &[u32]) -> Vec<Span> {
    let mut sentences = Vec::with_capacity(newlines.len() + tokens.len() / 16 + 4);
    let mut start: Option<usize> = None;
    let mut last_end = 0usize;
    let bytes = text.as_bytes();
    // The next newline at or after the last token: no token holds one, so a token that
    // starts past it has a newline before it, and the newlines are looked for once each.
    let mut next_line = 0;
    let mut next_newline = |from: usize| {
        while newlines.get(next_line).is_some_and(|&n| (n as usize) < from) {
            next_line += 1;
        }
        newlines.get(next_line).map_or(usize::MAX, |&n| n as usize)
    };
    let mut newline = next_newline(0);
    let mut i = 0;
    while i < tokens.len() {
        // Most tokens neither follow a newline nor stop a sentence: they only extend it.
        let mut j = i;
        while let Some(t) = tokens.get(j) {
            if t.start as usize > newline
                || (t.kind == TokenKind::Punct && matches!(bytes[t.start as usize], b'.' | b'!' | b'?'))
            {
                break;
            }
            j += 1;
        }
        if j > i {
            if start.is_none() {
                start = Some(tokens[i].start as usize);
            }
            last_end = tokens[j - 1].end as usize;
            i = j;
            continue;
        }
        let tok = tokens[i];
        let (ts, te) = (tok.start as usize, tok.end as usize);
        i += 1;
        // A newline between the previous token and this one closes the sentence.
        if ts > newline {
            if let Some(s) = start.take() {
                sentences.push(Span::new(s, last_end));
            }
            newline = next_newline(ts);
        }
        if start.is_none() {
            start = Some(ts);
        }
        last_end = te;
        if tok.kind != TokenKind::Punct || te - ts != 1 || !matches!(bytes[ts], b'.' | b'!' | b'?') {
            continue;
        }
        // Closing quotes and brackets right after the stop stay with the sentence they close.
        let mut j = i;
        while let Some(t) = tokens.get(j) {
            if t.start as usize == last_end && matches!(t.text(text), "\"" | "\u{201d}" | "'" | "\u{2019}" | ")" | "]")
            {
                last_end = t.end as usize;
                j += 1;
            } else {
                break;
            }
        }
        let stop = i - 1;
        i = j;
        let Some(next) = tokens.get(j) else { continue };
        let gap = &text[last_end..next.start as usize];
        if gap.is_empty() || gap.contains('\n') {
            continue; // no space: "U.S.-led"; a newline closes the sentence anyway
        }
        let first = next.text(text).chars().next().unwrap_or(' ');
        let opens = first.is_uppercase()
            || first.is_ascii_digit()
            || matches!(first, '"' | '\u{201c}' | '\'' | '\u{2018}' | '(');
        if !opens || (text[ts..te] == *"." && ends_abbreviation(text, tokens, stop)) {
            continue;
        }
        if let Some(s) = start.take() {
            sentences.push(Span::new(s, last_end));
        }
    }
    if let Some(s) = start {
        sentences.push(Span::new(s, last_end));
    }
    sentences
}

/// Whether the full stop at token `i` closes an abbreviation ("Mr.", "U.S.", "Feb.").
fn ends_abbreviation(text: &str, tokens: &[Token], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let prev = tokens[i - 1];
    if prev.end != tokens[i].start || prev.kind != TokenKind::Word {
        return false;
    }
    let word = prev.text(text);
    // Single capitals are initials ("John F. Kennedy") or parts of "U.S." style names.
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return true;
    }
    // Dotted abbreviations: "U.S." as tokens U . S . -> look one pair back. The key is
    // built in a small buffer: no abbreviation is longer than it.
    let mut key = [0u8; 8];
    let mut len = 0;
    if i >= 3 {
        let (a, dot) = (tokens[i - 3], tokens[i - 2]);
        if dot.text(text) == "." && a.end == dot.start && dot.end == prev.start {
            let a = a.text(text).as_bytes();
            if a.len() + 1 + word.len() > key.len() {
                return false;
            }
            key[..a.len()].copy_from_slice(a);
            key[a.len()] = b'.';
            len = a.len() + 1;
        }
    }
    if len + word.len() > key.len() {
        return false;
    }
    key[len..len + word.len()].copy_from_slice(word.as_bytes());
    let key = &mut key[..len + word.len()];
    key.make_ascii_lowercase();
    let mut packed = [0u8; 8];
    packed[..key.len()].copy_from_slice(key);
    ABBREVIATION_KEYS.contains(&u64::from_le_bytes(packed))
}

/// [`ABBREVIATIONS`] packed into one little-endian word each (none is longer than eight
/// bytes), so the test at a full stop compares words, not strings.
const ABBREVIATION_KEYS: [u64; ABBREVIATIONS.len()] = {
    let mut keys = [0u64; ABBREVIATIONS.len()];
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        let a = ABBREVIATIONS[i].as_bytes();
        assert!(a.len() <= 8, "an abbreviation longer than eight bytes");
        let mut j = 0;
        while j < a.len() {
            keys[i] |= (a[j] as u64) << (8 * j);
            j += 1;
        }
        i += 1;
    }
    keys
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The first tokenizer, char by char: the fast one must agree with it.
    fn tokenize_reference(text: &str) -> Vec<Token> {
        let mut tokens = Vec::with_capacity(text.len() / 5);
        let mut it = text.char_indices().peekable();
        while let Some((start, c)) = it.next() {
            if c.is_whitespace() {
                continue;
            }
            let (kind, mut end) = if c.is_alphabetic() {
                (TokenKind::Word, start + c.len_utf8())
            } else if c.is_ascii_digit() {
                (TokenKind::Number, start + 1)
            } else {
                tokens.push(Token { start: start as u32, end: (start + c.len_utf8()) as u32, kind: TokenKind::Punct });
                continue;
            };
            while let Some(&(i, n)) = it.peek() {
                let continues = match kind {
                    TokenKind::Word => n.is_alphanumeric() || n == '_',
                    _ => n.is_ascii_digit(),
                };
                if continues {
                    it.next();
                    end = i + n.len_utf8();
                    continue;
                }
                // Inner joiners: apostrophes and hyphens inside words, separators inside numbers.
                let joiner = match kind {
                    TokenKind::Word => is_apostrophe(n) || is_hyphen(n),
                    _ => n == ',' || n == '.',
                };
                if !joiner {
                    break;
                }
                let after = text[i + n.len_utf8()..].chars().next();
                let joins = match (kind, after) {
                    (TokenKind::Word, Some(a)) => a.is_alphabetic(),
                    (_, Some(a)) => a.is_ascii_digit(),
                    _ => false,
                };
                if !joins {
                    break;
                }
                it.next();
                end = i + n.len_utf8();
            }
            tokens.push(Token { start: start as u32, end: end as u32, kind });
        }
        tokens
    }

    proptest::proptest! {
        #[test]
        fn tokenizer_agrees_with_the_reference(text in "[a-zA-Z0-9 .,'’\\-‑\n\t\u{0b}éÉß٣\u{a0}]{0,80}|([a-zA-Z0-9_]{1,20}[ .,'’\\-é٣_]){0,10}|([a-zA-Z0-9_]{1,70}[ .,'’\\-é٣_\n]{1,3}){0,12}") {
            let got: Vec<_> = Text::new(&text).tokens.iter().map(|t| (t.start, t.end, t.kind)).collect();
            let want: Vec<_> = tokenize_reference(&text).iter().map(|t| (t.start, t.end, t.kind)).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// The scan records every line feed once, in order, across blocks, long words and
        /// characters beyond ASCII.
        #[test]
        fn scan_finds_every_line_feed(text in "([a-zA-Z0-9_]{1,70}[ .,'’\\-é٣_\n]{1,3}){0,30}|[a-z \né]{0,300}") {
            let want: Vec<u32> = text.match_indices('\n').map(|(i, _)| i as u32).collect();
            proptest::prop_assert_eq!(scan(&text).newlines, want);
        }
    }

    fn sentences(text: &str) -> Vec<&str> {
        let t = Text::new(text);
        t.sentences.iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn splits_on_full_stops_and_newlines() {
        assert_eq!(
            sentences(
                "Global Coalition Meeting\n\nMar 24, 2017\n\nOn March 22, Mr. Tillerson spoke. The U.S. Army agreed."
            ),
            vec![
                "Global Coalition Meeting",
                "Mar 24, 2017",
                "On March 22, Mr. Tillerson spoke.",
                "The U.S. Army agreed."
            ]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        assert_eq!(
            sentences("He said \u{201c}quickly.\u{201d} Then he left."),
            vec!["He said \u{201c}quickly.\u{201d}", "Then he left."]
        );
    }

    #[test]
    fn abbreviation_before_lowercase_does_not_split() {
        assert_eq!(sentences("Troops arrived at 5 p.m. and left."), vec!["Troops arrived at 5 p.m. and left."]);
    }

    #[test]
    fn tokens_join_apostrophes_hyphens_and_separators() {
        let text = "Da\u{2019}esh lost 19,000.5 of al-Abadi's sixty-eight, U.S.-led";
        let t = Text::new(text);
        let words: Vec<&str> = t.tokens.iter().map(|tok| tok.text(text)).collect();
        assert_eq!(
            words,
            vec![
                "Da\u{2019}esh",
                "lost",
                "19,000.5",
                "of",
                "al-Abadi's",
                "sixty-eight",
                ",",
                "U",
                ".",
                "S",
                ".",
                "-",
                "led"
            ]
        );
    }

    /// Runs that begin with a digit, an underscore or another script's digit are split as the
    /// reference splits them, and a word joined across an apostrophe after them stays whole.
    #[test]
    fn runs_that_do_not_begin_with_a_letter() {
        let cases: &[(&str, &[&str])] = &[
            ("19th 1990s", &["19", "th", "1990", "s"]),
            ("0,0A\u{2019}A x", &["0,0", "A\u{2019}A", "x"]),
            ("_id a_b", &["_", "id", "a_b"]),
            ("\u{663}\u{663}b 7-day", &["\u{663}", "\u{663}", "b", "7", "-", "day"]),
        ];
        for (text, want) in cases {
            let t = Text::new(text);
            let got: Vec<&str> = t.tokens.iter().map(|tok| tok.text(text)).collect();
            assert_eq!(&got, want, "{text}");
        }
    }

    /// Each word start knows the token holding it, joined words and number runs included.
    #[test]
    fn start_token_is_the_token_holding_the_word_start() {
        let text = "PM al-Abadi's 19th visit_2 ended.";
        let t = Text::new(text);
        let got: Vec<(&str, &str)> = (0..t.word_starts().len())
            .map(|i| {
                let w = &t.word_starts()[i];
                (&text[w.at..w.end()], t.word(t.start_token(i)))
            })
            .collect();
        let want = [
            ("PM", "PM"),
            ("al", "al-Abadi's"),
            ("Abadi", "al-Abadi's"),
            ("s", "al-Abadi's"),
            ("19th", "19"),
            ("visit_2", "visit_2"),
            ("ended", "ended"),
        ];
        assert_eq!(got, want);
        assert_eq!(t.start_token(t.word_starts().len()), t.tokens.len());
    }

    #[test]
    fn sentence_at_finds_the_enclosing_sentence() {
        let text = "One. Two here.";
        let t = Text::new(text);
        assert_eq!(t.sentence_at(text.find("here").unwrap()), 1);
        assert_eq!(t.sentence_at(0), 0);
    }

    proptest::proptest! {
        #[test]
        fn any_text_analyses_without_panic(s in "\\PC{0,200}") {
            let t = Text::new(&s);
            for w in t.sentences.windows(2) {
                proptest::prop_assert!(w[0].end <= w[1].start);
            }
            for tok in &t.tokens {
                proptest::prop_assert!(s.is_char_boundary(tok.start as usize) && s.is_char_boundary(tok.end as usize));
            }
            for (i, w) in t.word_starts().iter().enumerate() {
                let k = t.start_token(i);
                proptest::prop_assert_eq!(k, t.token_end_at(w.at));
                proptest::prop_assert!(t.tokens[k].start as usize <= w.at, "{:?} at {}", s, w.at);
            }
        }
    }
}
