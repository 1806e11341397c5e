//! The grammar: finds temporal expressions in a document's tokens and says what they mean,
//! before any DCT is known.
//!
//! Recognition and normalisation are two steps because the DCT may itself come from the text
//! (a dateline): the grammar first produces [`Mention`]s whose meaning ([`Sem`]) may still need
//! an anchor ("January 22", "last week"), then `resolve` (lib.rs) turns each into a TimeML value
//! once the DCT is chosen. At each token where an expression can start the grammar tries every
//! pattern and keeps the longest; a leading preposition is never part of a pattern, so extents
//! follow TimeML.
//!
//! Speed: most tokens of a report are in no time expression. So one pass looks each word up
//! once by the key its shared word start already holds (the lexicon's key table) and gives
//! each token a code (listed or not, known word and its flags); the tokens where an expression
//! can start (anchors) come out of the same pass; `Run::may_begin` turns away, from the codes
//! and the next token alone, anchors that cannot begin anything there ("the world", "a
//! government", "12 people"); a token's record (lexicon entry, number value ...) is built only
//! when the grammar first reads it; and each pattern is tried only where the token can begin it
//! (`Run::core`). The plain path (every token, every pattern) is kept as the reference the
//! tests compare against. After a match, the tense of the clause is found only for a meaning
//! that reads it ([`Sem::reads_tense`]).

use crate::lexicon::{Holiday, Lexicon, PrefixNeeds, Unit, Word, KEY_LISTED, KEY_STARTS, KEY_WORD_STARTS};
use crate::norm::{Point, Tense};
use crate::TimexType;
use chronicle_core::text::{Token, TokenKind};
use chronicle_core::Text;
use jiff::civil::Date;
use std::cell::OnceCell;

/// How many tokens either side of an expression may hold the tense cue of its clause.
const TENSE_WINDOW: usize = 8;
/// How far a tense cue is looked for beyond `TENSE_WINDOW`: back, for a modal of the future
/// when no cue stands nearer; on, after a date that opens its sentence.
const FAR_WINDOW: usize = 30;

/// What a mention means, with the anchor it still needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Sem {
    /// A complete value that needs no anchor ("P5Y", "PRESENT_REF", "XXXX-WXX-1").
    Value(String),
    /// A complete calendar point ("2015-01-22", "2014-SU"): also an anchor for "a day later".
    Point(Point),
    /// A complete date with a clock time ("2014-09-23T18:58").
    DateTime(Date, String),
    /// A month and day without a year, maybe with a clock time ("T19:30").
    MonthDay { month: i8, day: i8, clock: Option<String> },
    /// A month without a year.
    Month(i8),
    /// A weekday, maybe with a part of the day ("MO", "12:00"); `shift` -1 for "last Friday"
    /// (strictly before the DCT), 1 for "next Friday", `None` to follow the tense.
    Weekday { weekday: i8, part: Option<&'static str>, shift: Option<i64> },
    /// "the previous Friday" (`sign` -1), "the following Monday" (1): the weekday before or
    /// after the day last named, as a reader counts in a narrative; from the DCT when no day
    /// was named.
    WeekdayFrom { weekday: i8, sign: i64 },
    /// today (0), yesterday (-1), tomorrow (1); with a part of the day it is a TIME.
    Deictic { days: i64, part: Option<&'static str> },
    /// last (-1) / this (0) / next (1) unit ("last week").
    Relative { unit: Unit, shift: i64 },
    /// last / this / next month name ("last October").
    RelativeMonth { month: i8, shift: i64 },
    /// A month of last / this / next year ("March of last year").
    MonthOfRelativeYear { month: i8, year_shift: i64 },
    /// A quarter or half of last / this / next year ("the fourth quarter of last year").
    PartOfRelativeYear { quarter: bool, n: i8, year_shift: i64 },
    /// last / this / next season; shift 0 with the tense.
    RelativeSeason { season: &'static str, shift: i64 },
    /// A quarter or half of an unnamed year ("the third quarter").
    PartOfYear { quarter: bool, n: i8 },
    /// The quarter being reported on ("the quarter", "the latest quarter").
    CurrentQuarter,
    /// The day, week, month or year of the date last named ("that year").
    ThatUnit(Unit),
    /// The reported quarter a year back ("the year-ago quarter").
    YearAgoQuarter,
    /// The reported quarter's number in a named year ("the 1988 quarter", "the 1989 period").
    QuarterOfYear(i16),
    /// The week of a month and day without a year ("the week of March 6").
    WeekOf { month: i8, day: i8 },
    /// The unit after (1) or before (-1) the one of the date last named ("The following month,
    /// the company ...").
    NextUnit { unit: Unit, shift: i64 },
    /// "the weekend": the one just past, or the coming one in a future clause.
    Weekend,
    /// N units before (-1) or after (+1) the DCT ("two years ago").
    Ago { n: i64, unit: Unit, sign: i64 },
    /// N units before or after the previous date mentioned ("a day later").
    After { n: i64, unit: Unit, sign: i64 },
    /// A clock time on a named weekday ("10 p.m. Wednesday").
    WeekdayClock { weekday: i8, clock: String },
    /// A holiday of an unnamed year.
    Holiday(usize),
    /// A holiday in a known year.
    HolidayIn(usize, i16),
    /// A clock time on an unnamed day ("7:30 PM", "midday").
    Clock(String),
    /// The day before (-1) or after (1) the day another expression names ("the day before last
    /// Tuesday's hearing", "the day after June 5").
    DayFrom { inner: Box<Sem>, days: i64 },
}

impl Sem {
    /// Whether the value of this meaning can depend on the tense of its clause: a date named
    /// without its year or week ("March 2", "Tuesday", "the third quarter", "the weekend"),
    /// which `resolve` (lib.rs) places before or after the DCT by the tense; and a complete
    /// day, which the DCT finder reads only in a past-tense sentence (`dct::inferred`). The
    /// grammar finds the tense only for these (`Run::push`): finding it cost more than a
    /// third of the tagger's work past the matching, and most mentions ("2014", "two years",
    /// "last week", "today") are none of them. Held to `resolve` by the test
    /// `values_that_read_no_tense_do_not_move_with_it` (tests.rs).
    pub fn reads_tense(&self) -> bool {
        match self {
            Sem::MonthDay { .. }
            | Sem::Month(_)
            | Sem::PartOfYear { .. }
            | Sem::WeekOf { .. }
            | Sem::Weekend
            | Sem::WeekdayClock { .. }
            | Sem::Holiday(_)
            | Sem::DateTime(..)
            | Sem::Point(Point::Day(_)) => true,
            Sem::Weekday { shift, .. } => shift.is_none(),
            Sem::WeekdayFrom { .. } => false,
            Sem::DayFrom { inner, .. } => inner.reads_tense(),
            Sem::RelativeMonth { shift, .. } | Sem::RelativeSeason { shift, .. } => *shift == 0,
            Sem::Value(_)
            | Sem::Point(_)
            | Sem::Deictic { .. }
            | Sem::Relative { .. }
            | Sem::MonthOfRelativeYear { .. }
            | Sem::PartOfRelativeYear { .. }
            | Sem::CurrentQuarter
            | Sem::ThatUnit(_)
            | Sem::YearAgoQuarter
            | Sem::QuarterOfYear(_)
            | Sem::NextUnit { .. }
            | Sem::Ago { .. }
            | Sem::After { .. }
            | Sem::HolidayIn(..)
            | Sem::Clock(_) => false,
        }
    }
}

/// One temporal expression found by the grammar.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub kind: TimexType,
    pub sem: Sem,
    pub modifier: Option<&'static str>,
    pub rule: &'static str,
    /// The tense of the clause, for a meaning that reads it ([`Sem::reads_tense`]); `Neutral`
    /// for any other.
    pub tense: Tense,
    /// Token index of the first token (for context checks by the DCT finder).
    pub sentence: usize,
}

/// A token with what the lexicon knows about it.
#[derive(Clone, Copy)]
struct Tok<'a, 'l> {
    s: &'a str,
    /// The token lower-cased (ASCII), sliced from one lower-cased copy of the text.
    l: &'a str,
    /// The length of a possessive "'s" that `s` leaves out (the whole token runs to `end`
    /// plus it).
    cut: u8,
    start: usize,
    end: usize,
    kind: TokenKind,
    lex: Option<&'l Word>,
    /// Value of a plain digit token ("2014", "07"); `None` for "19,000" or "7.5".
    num: Option<u32>,
    /// The number of digits of a plain digit token (at most 255: more count as 255).
    digits: u8,
    cap: bool,
    /// A word with a hyphen inside ("mid-November", "two-year").
    hyphen: bool,
}

impl<'l> Tok<'_, 'l> {
    /// Whether the token is `w` (given in lower case), in any case.
    fn is(&self, w: &str) -> bool {
        self.l == w
    }
    fn word(&self) -> bool {
        self.kind == TokenKind::Word
    }
    fn lex(&self) -> &'l Word {
        self.lex.unwrap_or(&Word::EMPTY)
    }
}

/// A candidate match: tokens `[a, b)`.
struct Cand {
    a: usize,
    b: usize,
    kind: TimexType,
    sem: Sem,
    modifier: Option<&'static str>,
    rule: &'static str,
    /// A second timex the same pattern found (the end of "November 12-21, 2014").
    extra: Option<Box<Cand>>,
}

/// Whether a meaning names one whole day (that "the day before" can count from).
fn names_a_day(sem: &Sem) -> bool {
    matches!(
        sem,
        Sem::Point(Point::Day(_))
            | Sem::MonthDay { clock: None, .. }
            | Sem::Weekday { part: None, .. }
            | Sem::Deictic { part: None, .. }
    )
}

fn cand(a: usize, b: usize, kind: TimexType, sem: Sem, rule: &'static str) -> Cand {
    Cand { a, b, kind, sem, modifier: None, rule, extra: None }
}

/// Words a prefix may stack before a core expression.
#[derive(Clone, Copy, Default)]
struct Prefix {
    /// Token index where the core starts.
    k: usize,
    the: bool,
    /// -1 last/past/previous, 0 this, 1 next/coming/following.
    rel: Option<i64>,
    /// "past" or "last" written with "the" (durations: "the past three years").
    the_rel: bool,
    recent: bool,
    modifier: Option<&'static str>,
    /// "the beginning/end of", "early", "the last three weeks of": a part of the named date.
    part: bool,
    /// "earlier this", "later this".
    this_earlier: bool,
    every: bool,
}

pub struct Grammar<'l> {
    lex: &'l Lexicon,
    /// The key-table word indexes of "that" and "same" (0 when not listed): `Run::may_begin`
    /// judges "that" by what follows it.
    that: u32,
    same: u32,
}

impl<'l> Grammar<'l> {
    pub fn new(lex: &'l Lexicon) -> Grammar<'l> {
        // (looked up once, when the lexicon was built)
        let (that, same) = lex.that_same;
        Grammar { lex, that, same }
    }

    /// All mentions of `text`, in text order, not overlapping.
    pub fn mentions(&self, text: &Text) -> Vec<Mention> {
        self.mentions_with(text, true)
    }

    /// The mentions, with the shortcuts (`fast`: the grammar tried only at the anchors, see
    /// [`Grammar::anchors`], and each pattern only where the token can begin it, see
    /// [`Run::core`]) or without (every token, every pattern); both give the same mentions
    /// (tested).
    fn mentions_with(&self, text: &Text, fast: bool) -> Vec<Mention> {
        // Sixteen bytes of padding let a lookup read any word's first sixteen bytes at once.
        let mut padded = String::with_capacity(text.text.len() + 16);
        padded.push_str(text.text);
        padded.make_ascii_lowercase();
        padded.push_str("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        let n = text.tokens.len();
        let mut toks: Vec<OnceCell<Tok>> = Vec::with_capacity(n);
        toks.resize_with(n, OnceCell::new);
        let mut codes = vec![LISTED | INNER; n];
        let src = Source { lex: self.lex, text: text.text, lowered: &padded[..text.text.len()], padded: &padded };
        let anchors = self.anchors(text, &src, &toks, &mut codes);
        let run = Run { g: self, toks: &toks, codes: &codes, src, text, fast };
        // (room for a report's usual number of mentions: growing the vector from empty cost
        // several copies a document)
        let mut out = Vec::with_capacity(16);
        let mut i = 0;
        let mut try_at = |at: usize, i: &mut usize| {
            if at < *i {
                return;
            }
            match run.at(at) {
                Some(c) => {
                    *i = c.b.max(c.extra.as_ref().map_or(0, |x| x.b)).max(at + 1);
                    run.push(c, &mut out);
                }
                None => *i = at + 1,
            }
        };
        if fast {
            // (`may_begin` first, inline: most anchors are turned away there, and `at` is a
            // large call; skipping an anchor so is what `at` does with it)
            for &a in &anchors {
                if run.may_begin(a as usize) {
                    try_at(a as usize, &mut i);
                }
            }
        } else {
            while i < n {
                try_at(i, &mut i);
            }
        }
        out
    }

    /// The tokens where an expression may start (those [`Run::at`] does not turn away at once:
    /// digits, a lone apostrophe, a word that can start an expression, a hyphenated word), in
    /// text order; each token's code is set on the way (see [`LISTED`], [`KNOWN`]).
    ///
    /// Why: most tokens of a report are in no time expression, and building the record of
    /// every token cost more than all the grammar. So each word is looked up once by the key
    /// its word start already holds ([`Lexicon::by_key`]): a word that is one word start whole
    /// (most words) is then known, listed word or not, and a token's record is built only when
    /// the grammar first reads it (`Run::t`), with no second look-up.
    fn anchors<'a>(
        &self,
        text: &Text<'a>,
        src: &Source<'a, 'l>,
        toks: &[OnceCell<Tok<'a, 'l>>],
        codes: &mut [u32],
    ) -> Vec<u32> {
        let starts = text.word_starts();
        let bytes = text.text.as_bytes();
        let mut w = 0;
        let mut out = Vec::with_capacity(text.tokens.len() / 4 + 1);
        for ((i, t), code) in text.tokens.iter().enumerate().zip(codes.iter_mut()) {
            let (at, end) = (t.start as usize, t.end as usize);
            let anchor = match t.kind {
                TokenKind::Number => true,
                TokenKind::Punct => matches!(&bytes[at..end], b"'" | b"\xe2\x80\x99"),
                TokenKind::Word => {
                    while starts.get(w).is_some_and(|x| x.at < at) {
                        w += 1;
                    }
                    match starts.get(w).filter(|x| x.at == at) {
                        // A hyphen or an apostrophe inside the token starts another word (the
                        // tokenizer joins them only before a letter).
                        Some(ws) if ws.end() == end && starts.get(w + 1).is_none_or(|x| x.at >= end) => {
                            // The word is its word start's word: the entry says which listed
                            // word it is, if any (confirmed when its record is built: a key
                            // collision only makes an anchor that `Run::at` turns away).
                            let e = self.lex.by_key(ws);
                            *code = (e & !KEY_STARTS) | KNOWN;
                            // the next token starts at or past this word's end
                            w += 1;
                            e & KEY_WORD_STARTS != 0
                        }
                        Some(ws) => {
                            let inner = starts.get(w + 1).is_some_and(|x| x.at < end);
                            let e = self.lex.by_key(ws);
                            let f = (e & KEY_LISTED) | if inner { INNER } else { 0 };
                            *code = f | (e & KEY_STARTS);
                            // A word whose first word is no listed word's first word is not
                            // listed, and neither is its possessive base.
                            if e & KEY_STARTS != 0 {
                                let tok = toks[i].get_or_init(|| src.build(t, f));
                                tok.lex.is_some_and(|w| w.starts) || tok.hyphen
                            } else {
                                // A hyphenated word is read by its parts, the first of them a
                                // listed word ("two-year", "mid-March", "third-quarter"): with
                                // a first word no listed word begins with ("anti-war"), it
                                // begins nothing.
                                e & KEY_LISTED != 0 && inner && t.text(text.text).contains(['-', '\u{2010}'])
                            }
                        }
                        None => {
                            *code |= MAY_START;
                            let tok = toks[i].get_or_init(|| src.build(t, LISTED | INNER));
                            tok.lex.is_some_and(|w| w.starts) || tok.hyphen
                        }
                    }
                }
            };
            if anchor {
                out.push(i as u32);
            }
        }
        out
    }
}

/// Whether no pattern of `Run::core` can begin at word `t` (whatever stands after it): every
/// check `core` makes before trying a pattern fails for it. Stricter than those checks, which
/// is safe: a word wrongly called not inert is only tried.
fn inert(t: &Tok) -> bool {
    t.word()
        && !t.hyphen
        && match t.lex {
            // the lexicon's flag, tested for its key, which is the token's lower-case form
            // (but for curly apostrophes, which no word `inert_word` names holds)
            Some(w) => w.inert,
            None => inert_word(&Word::EMPTY, t.l),
        }
}

/// [`inert`] for a word with no hyphen: its lexicon entry `w` and its lower-case form `l`
/// (the lexicon keeps it for each of its words, [`Word::inert`]).
pub(crate) fn inert_word(w: &Word, l: &str) -> bool {
    w.number.is_none() && !w.vague && begins_nothing_else(w, l) && !word_core_word(l)
}

/// What must follow the inert word `l` (lower case) for an expression to begin at it: the
/// next words with which `Run::prefix`, starting at the word, reads it and goes on (an inert
/// word begins nothing itself, so an expression begins there only through the prefix). Words
/// the prefix reads only after "the" ("full", "rest", "end") never go on at an expression's
/// first token, and a word the prefix does not know ("little") neither. The lexicon keeps it
/// for each of its inert words ([`Word::prefix_needs`]); kept in step with `Run::prefix` by
/// the tests that hold the shortcuts to the plain path.
pub(crate) fn prefix_needs(l: &str) -> PrefixNeeds {
    match l {
        "more" | "less" | "fewer" => PrefixNeeds::OneOf(&["than"]),
        "at" => PrefixNeeds::OneOf(&["least"]),
        "up" => PrefixNeeds::OneOf(&["to"]),
        "earlier" | "later" => PrefixNeeds::OneOf(&["this", "in", "that"]),
        "over" | "under" => PrefixNeeds::NotThe,
        "the" | "about" | "around" | "approximately" | "roughly" | "nearly" | "almost" | "some" | "circa" | "just"
        | "only" | "another" | "fully" | "still" | "fiscal" | "a" | "early" | "mid" | "late" | "last" | "past"
        | "previous" | "preceding" | "this" | "next" | "coming" | "following" | "upcoming" | "recent" | "every"
        | "each" | "per" | "first" | "final" => PrefixNeeds::Any,
        _ => PrefixNeeds::Never,
    }
}

/// Whether `Run::prefix` reads the (lower-case) word `l`: the words of its arms. The lexicon
/// keeps it for each of its words ([`Word::prefix`]), so that the prefix stops at any other
/// word (most of the words it reaches: the expression's own first word) without comparing it
/// with each of these; kept in step with `Run::prefix` by the tests that hold the shortcuts
/// to the plain path.
pub(crate) fn prefix_word(l: &str) -> bool {
    matches!(
        l,
        "the"
            | "about"
            | "around"
            | "approximately"
            | "roughly"
            | "nearly"
            | "almost"
            | "some"
            | "circa"
            | "just"
            | "only"
            | "another"
            | "fully"
            | "still"
            | "fiscal"
            | "full"
            | "current"
            | "calendar"
            | "whole"
            | "entire"
            | "more"
            | "less"
            | "fewer"
            | "at"
            | "up"
            | "a"
            | "over"
            | "under"
            | "early"
            | "mid"
            | "late"
            | "beginning"
            | "start"
            | "end"
            | "middle"
            | "turn"
            | "close"
            | "rest"
            | "remainder"
            | "earlier"
            | "later"
            | "last"
            | "past"
            | "previous"
            | "preceding"
            | "this"
            | "next"
            | "coming"
            | "following"
            | "upcoming"
            | "recent"
            | "every"
            | "each"
            | "per"
            | "first"
            | "latest"
            | "final"
    )
}

/// Whether the only patterns that can begin at a word with no hyphen are those of a count
/// ("a", "two", "several") or of "that": whether `Run::core` turns it away when the next
/// token is a word in no list ("a government", "two soldiers", "that Baghdad"), but for a
/// next word "long" ("two long years"), the one word in no list a count reads before its
/// unit. What such a word reads after it: "a little" (prefix), "few", "and a half",
/// "hundred", "dozen", "half", "of" ("a couple of"), "more", "additional", "full",
/// "long", a unit adjective, a unit, a number ("nineteen ninety", "twenty four"),
/// "thousand", a comma before a vague word; "that same week": all listed but "long".
/// The lexicon keeps it for each of its words ([`Word::counts_only`]).
pub(crate) fn counts_only(w: &Word, l: &str) -> bool {
    (w.number.is_some() || w.vague || l == "that") && begins_nothing_else(w, l) && (l == "that" || !word_core_word(l))
}

/// Whether a word begins no pattern but those of counts and of the words `word_core` reads.
fn begins_nothing_else(w: &Word, l: &str) -> bool {
    w.month == 0
        && w.month_abbr == 0
        && w.weekday == 0
        && w.weekday_abbr == 0
        && w.unit.is_none()
        && w.season.is_none()
        && w.day_part.is_none()
        && w.reference.is_none()
        && w.ordinal == 0
        && !w.comparison
        && !w.holiday
        && !matches!(l, "current" | "latest" | "quarter" | "period" | "last" | "final")
}

/// Whether the only patterns that can begin at a word with no hyphen are names written with a
/// capital: a holiday's (`Run::holiday_core`), a month's or a weekday's (`Run::date_at`,
/// `Run::month_core`, `Run::weekday_core`, each tried only at a capitalised word): the word
/// is a holiday's first word or a month's or weekday's name or abbreviation ("New", "May",
/// "March", "Sun"), no prefix word (`Run::prefix` passes it by), and every other check
/// `Run::core` makes before trying a pattern fails for it. So "may" and "march" written in
/// lower case (the verbs) begin nothing. The lexicon keeps it for each of its words
/// ([`Word::capital_only`]).
pub(crate) fn capital_only(w: &Word, l: &str) -> bool {
    let rest = Word { holiday: false, month: 0, month_abbr: 0, weekday: 0, weekday_abbr: 0, ..*w };
    (w.holiday || names_alone(w))
        && !w.grammar
        && w.number.is_none()
        && !w.vague
        && begins_nothing_else(&rest, l)
        && !word_core_word(l)
        && prefix_needs(l) == PrefixNeeds::Never
        // the words `Run::prefix` reads, and "little" ("a little"), each begin a pattern of
        // their own
        && !prefix_word(l)
        && l != "little"
}

/// Whether a word is a month's or a weekday's name or abbreviation, which is an expression
/// alone ("May", "Tues").
fn names_alone(w: &Word) -> bool {
    w.month > 0 || w.month_abbr > 0 || w.weekday > 0 || w.weekday_abbr > 0
}

/// `s.split_once('-')`, by its bytes: the grammar splits many short tokens ("mid-March",
/// "third-quarter", or none with a hyphen), and a search for a char cost several times more
/// than the loop over a token's few bytes.
#[inline]
fn split_hyphen(s: &str) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == b'-')?;
    // (an ASCII byte is a whole character: both slices are on character boundaries)
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// How many full stops `s` holds (as `s.matches('.').count()`, by its bytes).
#[inline]
fn dots(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'.').count()
}

/// Whether a word is written with a capital (as a token record's `cap`).
fn capitalised(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => s.chars().next().is_some_and(|c| c.is_uppercase()),
    }
}

/// Whether `Run::word_core` reads the (lower-case) word `l` ("today", "year", "daily" ...).
#[inline]
fn word_core_word(l: &str) -> bool {
    matches!(
        l,
        "today"
            | "yesterday"
            | "tomorrow"
            | "date"
            | "near"
            | "short"
            | "foreseeable"
            | "year"
            | "that"
            | "one"
            | "so"
            | "past"
            | "future"
            | "daily"
            | "weekly"
            | "monthly"
            | "annually"
            | "yearly"
            | "hourly"
            | "nightly"
            | "quarterly"
    )
}

/// Token codes. LISTED: the word's first word is a listed word's first word (or the token is
/// no word); INNER: another word starts inside it (or the token is no word). A word with
/// neither is "dead": in no list, with no hyphen. KNOWN: the token is one word whose listed
/// word, if any, was found by its key: its index (for [`Lexicon::word`]) sits above
/// `KNOWN_SHIFT`, 0 for none; the record confirms it ([`Lexicon::confirmed_word`]), and the
/// shortcuts that read it before then only turn away tokens `Run::at` would turn away
/// anyway when the key collided (the token is then in no list).
const LISTED: u32 = 1;
const INNER: u32 = 2;
const KNOWN: u32 = 64;
const KNOWN_SHIFT: u32 = crate::lexicon::KEY_WORD_SHIFT;
/// For a word that is not known: its first word is a first word of a word that can start an
/// expression (without it, neither the word nor its possessive base can).
const MAY_START: u32 = KEY_STARTS;
/// For a known word, its entry's flags: the word can start an expression, is inert, is a
/// count only (see the lexicon's `KEY_WORD_STARTS`).
const W_STARTS: u32 = KEY_WORD_STARTS;
const W_INERT: u32 = crate::lexicon::KEY_WORD_INERT;
const W_COUNTS: u32 = crate::lexicon::KEY_WORD_COUNTS;
/// For a known word, its entry's flag: the word is a tense cue.
const W_CUE: u32 = crate::lexicon::KEY_WORD_CUE;
/// For a known word, its entry's flag: the word begins only names written with a capital
/// (see `capital_only`).
const W_CAPITAL: u32 = crate::lexicon::KEY_WORD_CAPITAL;

/// What a token's record is built from.
struct Source<'a, 'l> {
    lex: &'l Lexicon,
    text: &'a str,
    /// The text in lower case (ASCII).
    lowered: &'a str,
    /// The text in lower case (ASCII), then sixteen zero bytes.
    padded: &'a str,
}

impl<'a, 'l> Source<'a, 'l> {
    #[inline(always)]
    fn build(&self, t: &Token, code: u32) -> Tok<'a, 'l> {
        build_tok(self.lex, self.text, self.lowered, self.padded.as_bytes(), t, code)
    }
}

/// The value of a number token with thousands separators ("19,000", "7.5"), parsed as the
/// text without its commas, without allocating.
fn parse_without_commas(s: &str) -> Option<f64> {
    if s.len() > 64 {
        return s.replace(',', "").parse().ok();
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    for &b in s.as_bytes().iter().filter(|b| **b != b',') {
        *buf.get_mut(n)? = b;
        n += 1;
    }
    match std::str::from_utf8(&buf[..n]) {
        Ok(digits) => digits.parse().ok(),
        Err(_) => None,
    }
}

/// The record of token `t` with code `code` (see [`LISTED`]): a word not listed is not
/// looked up, nor is a known one (its code holds its word), and a word with no other word
/// inside holds no hyphen.
#[inline(always)]
fn build_tok<'a, 'l>(
    lexicon: &'l Lexicon,
    text: &'a str,
    lowered: &'a str,
    padded: &[u8],
    t: &Token,
    code: u32,
) -> Tok<'a, 'l> {
    let (at, end) = (t.start as usize, t.end as usize);
    if (t.kind == TokenKind::Word && code & KNOWN != 0) || (t.kind == TokenKind::Punct && end == at + 1) {
        // The common tokens, in short: a word that is one word, known by its key (no number,
        // no hyphen, no possessive), and an ASCII punctuation mark (no capital).
        let s = &text[at..end];
        let word = t.kind == TokenKind::Word;
        return Tok {
            s,
            l: &lowered[at..end],
            cut: 0,
            start: at,
            end,
            kind: t.kind,
            lex: if word {
                lexicon.confirmed_word(code >> KNOWN_SHIFT, padded.get(at..).unwrap_or_default(), end - at)
            } else if lexicon.lists_punctuation() {
                lexicon.mark(s.as_bytes()[0])
            } else {
                None
            },
            num: None,
            digits: 0,
            cap: word
                && match s.as_bytes().first() {
                    Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
                    _ => s.chars().next().is_some_and(|c| c.is_uppercase()),
                },
            hyphen: false,
        };
    }
    let s = t.text(text);
    let low = &lowered[t.start as usize..t.end as usize];
    let inner = code & INNER != 0;
    let (num, digits) = if t.kind == TokenKind::Number && s.bytes().all(|b| b.is_ascii_digit()) {
        (if s.len() <= 9 { s.parse().ok() } else { None }, s.len().min(255) as u8)
    } else {
        (None, 0)
    };
    // A word whose first word is no listed word's first word is not listed, and neither is its
    // possessive base: no look-up then. A known word has its word in its code.
    let listed = t.kind != TokenKind::Word || code & LISTED != 0;
    let mut lex = match t.kind {
        TokenKind::Number if num.is_some() => None,
        TokenKind::Punct if !lexicon.lists_punctuation() => None,
        _ if !listed => None,
        _ if low.is_ascii() => lexicon.get_lower_padded(&padded[t.start as usize..], low.len()),
        _ => lexicon.get(s),
    };
    // A possessive ("Friday's", "last year's") is its word; the "'s" stays out of the extent.
    let (mut s2, mut low2, mut end) = (s, low, t.end as usize);
    if listed && lex.is_none() && t.kind == TokenKind::Word && code & KNOWN == 0 {
        let cut = if low.ends_with("'s") {
            2
        } else if low.ends_with("\u{2019}s") {
            4
        } else {
            0
        };
        if cut > 0 && low.len() > cut {
            let base = &low[..low.len() - cut];
            if let Some(w) = lexicon.get(base) {
                lex = Some(w);
                s2 = &s[..s.len() - cut];
                low2 = base;
                end -= cut;
            }
        }
    }
    Tok {
        s: s2,
        l: low2,
        cut: (t.end as usize - end) as u8,
        start: t.start as usize,
        end,
        kind: t.kind,
        lex,
        num,
        digits,
        cap: match s.as_bytes().first() {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => s.chars().next().is_some_and(|c| c.is_uppercase()),
        },
        hyphen: t.kind == TokenKind::Word && inner && s.contains(['-', '\u{2010}']),
    }
}

struct Run<'r, 'a, 'l> {
    g: &'r Grammar<'l>,
    /// The token records, each built when the grammar first reads it.
    toks: &'r [OnceCell<Tok<'a, 'l>>],
    codes: &'r [u32],
    src: Source<'a, 'l>,
    text: &'r Text<'a>,
    /// Whether to take the shortcuts (see [`Run::core`]); without them, the reference.
    fast: bool,
}

impl<'a, 'l> Run<'_, 'a, 'l> {
    #[inline(always)]
    fn t(&self, i: usize) -> Option<&Tok<'a, 'l>> {
        let cell = self.toks.get(i)?;
        match cell.get() {
            Some(t) => Some(t),
            None => Some(self.build(i)),
        }
    }

    /// Whether token i is a word the lexicon's filter turned away, with no hyphen inside: no
    /// expression starts there and no prefix goes through it, so its record need not be built
    /// to know it (only with the shortcuts).
    #[inline(always)]
    fn dead(&self, i: usize) -> bool {
        self.fast && self.codes.get(i).is_some_and(|c| c & (LISTED | INNER) == 0)
    }

    /// Builds the record of token i on its first read (out of line: most reads find it).
    #[cold]
    #[inline(never)]
    fn build(&self, i: usize) -> &Tok<'a, 'l> {
        self.toks[i].get_or_init(|| self.src.build(&self.text.tokens[i], self.codes[i]))
    }

    /// The whole text of a token, with a possessive "'s" its `s` leaves out.
    fn full(&self, t: &Tok<'a, 'l>) -> &'a str {
        self.text.text.get(t.start..t.end + t.cut as usize).unwrap_or(t.s)
    }

    /// Token i, which must exist.
    #[inline]
    fn tok(&self, i: usize) -> &Tok<'a, 'l> {
        match self.t(i) {
            Some(t) => t,
            None => panic!("token {i} of {}", self.toks.len()),
        }
    }

    /// Whether token i is `w` (lower case). With the shortcuts, a token whose record is not
    /// built yet is compared as written when its record's lower-case form would be the token
    /// lower-cased whole (a mark, a number, a word known by its key or in no list: only a
    /// listed word's possessive has its "'s" cut), so that no record is built for it.
    #[inline(always)]
    fn is(&self, i: usize, w: &str) -> bool {
        match self.toks.get(i).map(|cell| cell.get()) {
            None => false,
            Some(Some(t)) => t.is(w),
            Some(None) => self.is_unbuilt(i, w),
        }
    }

    /// [`Run::is`] for a token whose record is not built yet.
    #[inline(never)]
    fn is_unbuilt(&self, i: usize, w: &str) -> bool {
        if self.fast {
            let tk = &self.text.tokens[i];
            let c = self.codes[i];
            if tk.kind != TokenKind::Word || c & KNOWN != 0 || c & LISTED == 0 {
                // (the lower-cased text's bytes: `w` is in lower case)
                let lowered = self.src.lowered.as_bytes();
                return lowered.get(tk.start as usize..tk.end as usize) == Some(w.as_bytes());
            }
        }
        self.build(i).is(w)
    }

    /// Whether tokens i and i+1 touch (no space between).
    fn touch(&self, i: usize) -> bool {
        match (self.t(i), self.t(i + 1)) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        }
    }

    fn lexw(&self, i: usize) -> &'l Word {
        // A word in no list has no entry: no record is needed to know it.
        if self.dead(i) {
            return &Word::EMPTY;
        }
        let Some(cell) = self.toks.get(i) else { return &Word::EMPTY };
        if let Some(t) = cell.get() {
            return t.lex();
        }
        // A word known by its key: its record's entry is its key's word, confirmed (as in
        // `build_tok`), which needs no record.
        let c = self.codes[i];
        let tk = &self.text.tokens[i];
        if self.fast && tk.kind == TokenKind::Word && c & KNOWN != 0 {
            let (at, end) = (tk.start as usize, tk.end as usize);
            let lowered = self.src.padded.as_bytes().get(at..).unwrap_or_default();
            return self.g.lex.confirmed_word(c >> KNOWN_SHIFT, lowered, end - at).unwrap_or(&Word::EMPTY);
        }
        self.build(i).lex()
    }

    fn push(&self, c: Cand, out: &mut Vec<Mention>) {
        let (a, b) = (c.a, c.b.min(self.toks.len()));
        if a < b {
            let start = self.tok(a).start;
            let sentence = self.text.sentence_at(start);
            let tense = if c.sem.reads_tense() { self.tense(sentence, a, b) } else { Tense::Neutral };
            out.push(Mention {
                start,
                end: self.tok(b - 1).end,
                kind: c.kind,
                sem: c.sem,
                modifier: c.modifier,
                rule: c.rule,
                tense,
                sentence,
            });
        }
        if let Some(x) = c.extra {
            self.push(*x, out);
        }
    }

    /// The tense of the clause around tokens [a, b): the nearest tense cue in the sentence.
    fn tense(&self, sentence: usize, a: usize, b: usize) -> Tense {
        let span = self.text.sentence(sentence);
        // A reporting verb dates its own clause only when it stands right by the expression
        // ("said Friday"); further away ("said ... on Dec. 15") it says nothing of the event.
        let cue = |i: usize| -> Option<Tense> {
            // Only a word is a cue: no record is needed to know a number or a mark is none.
            if self.text.tokens.get(i)?.kind != TokenKind::Word {
                return None;
            }
            if self.dead(i) {
                // A word the lexicon does not list: only an "-ed" form can be a cue (the tests
                // below, for a word with no lexicon entry), and it needs no record.
                let s = self.text.word(i);
                if !(s.len() > 4 && s.ends_with("ed") && s.bytes().all(|c| c.is_ascii_lowercase())) {
                    return None;
                }
                let prev = i.checked_sub(1).map_or(&Word::EMPTY, |p| self.lexw(p));
                let after_be = i > 0
                    && (self.is(i - 1, "be") || self.is(i - 1, "been") || self.is(i - 1, "being") || prev.present_be);
                return (!prev.determiner && !after_be).then_some(Tense::Past);
            }
            // A known word that is no tense word, no "to" and no "-ed" form is none either
            // (the tests below), and needs no record.
            let c = self.codes.get(i).copied().unwrap_or(0);
            if c & KNOWN != 0 {
                let tk = self.text.tokens.get(i)?;
                let (at, end) = (tk.start as usize, tk.end as usize);
                let s = tk.text(self.text.text);
                // the word's entry is read only when its key names a tense word (else the word
                // is no tense word, whether the key is its own or collided)
                let w = if c & W_CUE != 0 {
                    let lowered = self.src.padded.as_bytes().get(at..).unwrap_or_default();
                    self.g.lex.confirmed_word(c >> KNOWN_SHIFT, lowered, end - at)
                } else {
                    None
                };
                let ed = s.len() > 4 && s.ends_with("ed") && s.bytes().all(|c| c.is_ascii_lowercase());
                if !(w.is_some_and(|w| w.tense_cue) || s.eq_ignore_ascii_case("to") || ed) {
                    return None;
                }
            }
            let t = self.t(i)?;
            if !t.word() {
                return None;
            }
            let w = t.lex();
            if w.reporting {
                let near = (i < a && a - i <= 2) || (i >= b && i - b < 2);
                return near.then_some(Tense::Past);
            }
            let prev = || i.checked_sub(1).map_or(&Word::EMPTY, |p| self.lexw(p));
            // "set to resume", "set for April"; but "agreed to the plan" and "due to the storm"
            // plan nothing (and "due", a word of the future too, gives a cause there)
            if w.future_with_to && (self.to_verb_after(i) || self.is(i + 1, "for")) {
                return Some(if self.perfect_before(i) { Tense::Past } else { Tense::Future });
            }
            if w.future_with_to && w.future && self.is(i + 1, "to") {
                return None;
            }
            // "is to resume trading Tuesday"
            if t.is("to") && prev().present_be {
                return Some(Tense::Future);
            }
            // "Arafat and Netanyahu meet separately Monday"
            if w.scheduled_present && i > 0 && !self.is(i - 1, "to") && !prev().determiner {
                return Some(Tense::Future);
            }
            if w.future || t.s.ends_with("'ll") || t.s.ends_with("\u{2019}ll") {
                // "the plan", "its hopes" are nouns, and so are "announced plans", "voiced hopes"
                // (the object of a verb of the past)
                if prev().determiner {
                    return None;
                }
                if matches!(t.l, "plans" | "plan" | "hopes" | "hope" | "aims") && i > 0 {
                    let p = self.text.word(i - 1);
                    let past_verb = prev().reporting
                        || prev().past
                        || (p.len() > 4 && p.ends_with("ed") && p.bytes().all(|c| c.is_ascii_lowercase()));
                    if past_verb {
                        return None;
                    }
                }
                // "had been due to expire Friday" is a plan of the past
                return Some(if self.perfect_before(i) { Tense::Past } else { Tense::Future });
            }
            // "is heard", "are expected": a participle after a present "be" is no past
            let after_be = || {
                i > 0
                    && (self.is(i - 1, "be") || self.is(i - 1, "been") || self.is(i - 1, "being") || prev().present_be)
            };
            if w.past && !after_be() {
                return Some(Tense::Past);
            }
            let lower = t.s.len() > 4 && t.s.ends_with("ed") && t.s.bytes().all(|c| c.is_ascii_lowercase());
            // "the reduced dividend", "its proposed merger": an adjective
            if lower && !w.not_past && !prev().determiner && !after_be() {
                return Some(Tense::Past);
            }
            None
        };
        // "as soon as Tuesday", "as early as next week"
        if a >= 3 && self.is(a - 3, "as") && self.lexw(a - 2).future_as && self.is(a - 1, "as") {
            return Tense::Future;
        }
        // "Wednesday's ruling", "Friday's close": a day named as the owner of a happening
        // names one that has happened, whatever the clause around it says ("they would look
        // for ways to get around Wednesday's ruling"); only "ahead of" or "before" looks on.
        if b > a && self.t(b - 1).is_some_and(|t| t.cut > 0) {
            let ahead =
                (a >= 2 && self.is(a - 2, "ahead") && self.is(a - 1, "of")) || (a >= 1 && self.is(a - 1, "before"));
            if !ahead {
                return Tense::Past;
            }
        }
        let mut best: Option<(usize, Tense)> = None;
        // The window: the sentence's tokens up to TENSE_WINDOW either side, found by walking
        // out from the expression (a search of all the tokens cost more).
        let tokens = &self.text.tokens;
        let n = self.toks.len().min(tokens.len());
        let mut lo = a.min(n);
        while lo > a.saturating_sub(TENSE_WINDOW) && tokens[lo - 1].start as usize >= span.start {
            lo -= 1;
        }
        let hi = if b > 0 && tokens.get(b - 1).is_some_and(|t| t.end as usize > span.end) {
            tokens.partition_point(|t| (t.end as usize) <= span.end).min(n)
        } else {
            // An expression that opens its sentence and is set off by a comma ("In January,
            // a week after the anniversary of the ruling, a bomb exploded") is dated by the
            // main clause after it, however long the aside before its verb.
            // (the comma first: the sentence's first token is looked up only after one)
            let opens = self.is(b, ",") && {
                let first = self.text.token_at(span.start);
                a == first
                    || (a == first + 1
                        && self.t(first).is_some_and(|t| matches!(t.l, "in" | "on" | "at" | "during" | "by" | "since")))
            };
            let reach = if opens { FAR_WINDOW } else { TENSE_WINDOW };
            let mut hi = b.min(n);
            while hi < (b + reach).min(n) && tokens[hi].end as usize <= span.end {
                hi += 1;
            }
            hi
        };
        let before = if a > lo { self.lexw(a - 1) } else { &Word::EMPTY };
        let mut cue_at = None;
        for i in (lo..a.min(hi)).rev() {
            if let Some(t) = cue(i) {
                best = Some((a - i, t));
                cue_at = Some(i);
                break;
            }
        }
        // "postponed until Tuesday", "gave them until mid-November": a deadline ahead; but
        // "controlled the town until March" and "had been extended until Monday" are past
        if before.deadline {
            if (lo..hi).any(|i| self.lexw(i).perfect) {
                return Tense::Past;
            }
            return match (best, cue_at) {
                (Some((_, Tense::Past)), Some(i)) if !self.lexw(i).deadline_verb => Tense::Past,
                _ => Tense::Future,
            };
        }
        // "by August": a past verb, or the past perfect anywhere before it in the sentence ("had
        // given $80 million to the fund by early March"), dates it back; a future cue sends it
        // ahead; with neither, the words after it decide, as anywhere.
        if before.soft_deadline {
            if matches!(best, Some((_, Tense::Past)))
                || (self.text.token_at(span.start)..a).any(|i| self.lexw(i).perfect)
            {
                return Tense::Past;
            }
            if matches!(best, Some((_, Tense::Future))) {
                return Tense::Future;
            }
        }
        if best.is_none() {
            // No cue before it in the window: a modal of the future further back in the same
            // sentence rules the clause ("Collins will be named commander of the shuttle for a
            // mission in December"), before any word after it ("Qantas will double its flights
            // by August in the search for markets untouched by the crisis"); a far past verb
            // does not (it often heads another clause).
            let mut i = lo;
            while i > a.saturating_sub(FAR_WINDOW) && tokens[i - 1].start as usize >= span.start {
                i -= 1;
                if self.is(i, "will") || self.is(i, "shall") || self.is(i, "won't") {
                    return Tense::Future;
                }
                // "agreed to meet again in the coming months, likely in June"
                if self.lexw(i).future_with_to && self.to_verb_after(i) && !self.perfect_before(i) {
                    return Tense::Future;
                }
            }
        }
        for i in b..hi {
            if best.is_some() {
                break;
            }
            if let Some(t) = cue(i) {
                best = Some((i + 1 - b, t));
                break;
            }
        }
        best.map(|(_, t)| t).unwrap_or(Tense::Neutral)
    }

    /// Whether "to" and a verb follow token i ("agreed to meet"), not "to" and a noun phrase
    /// ("agreed to the plan").
    fn to_verb_after(&self, i: usize) -> bool {
        self.is(i + 1, "to") && !self.lexw(i + 2).determiner
    }

    /// Whether "had" or "had been" stands right before token i ("had been scheduled").
    fn perfect_before(&self, i: usize) -> bool {
        let had = |j: usize| self.lexw(j).perfect;
        (i >= 1 && had(i - 1)) || (i >= 2 && self.is(i - 1, "been") && had(i - 2))
    }

    /// The longest expression starting at token i.
    fn at(&self, i: usize) -> Option<Cand> {
        // (with the shortcuts, only at anchors `may_begin` let through: see `mentions_with`)
        let t = self.t(i)?;
        match t.kind {
            TokenKind::Punct if !matches!(t.s, "'" | "\u{2019}") => return None,
            // a word in no list of the lexicon starts nothing (hyphenated forms are read whole)
            TokenKind::Word if !t.lex.is_some_and(|w| w.starts) && !t.hyphen => return None,
            _ => {}
        }
        // A prefix word ("the", "about") before a word the filter turned away: the prefix
        // stops there, and no pattern begins at the word itself (see `inert`).
        if self.fast && self.dead(i + 1) && inert(t) {
            return None;
        }
        let p = self.prefix(i);
        let mut best: Option<Cand> = None;
        let mut consider = |c: Option<Cand>| {
            if let Some(c) = c {
                if c.b > c.a && best.as_ref().is_none_or(|b| c.b > b.b) {
                    best = Some(c);
                }
            }
        };
        consider(self.core(i, &p));
        // (a prefix word that is inert begins no pattern itself: `core` would turn it away)
        if p.k != i && !(self.fast && inert(t)) {
            consider(self.core(i, &Prefix { k: i, ..Prefix::default() }));
        }
        best.filter(|c| !self.in_a_name(c))
    }

    /// Whether an expression may begin at token i, judged from the codes and the token after
    /// it, with no record read (false only where `at` finds nothing):
    /// - A prefix word ("the", "about") before a word in no list: the prefix stops there, and
    ///   no pattern begins at the word itself (see `inert`); so with a count or "that" ("a
    ///   government", "two soldiers", see `counts_only`), but before "long" ("two long
    ///   years"). "the", or any inert word the prefix reads alone ("about", "this", "over"),
    ///   before a word that starts nothing ("the world", "about his", "this is"): no prefix
    ///   word is such a word (tested), so the prefix stops there too. A count before a listed
    ///   word it does not read ("a new", see `Run::count_goes_on`) or a mark ("a $"), and a
    ///   holiday's first word or a month's or weekday's name in lower case ("new", "may",
    ///   "march", see `capital_only`), begin nothing either. The words' entries
    ///   are unconfirmed: a key collision only names a word for a token in no list, which
    ///   begins nothing.
    /// - A number: every pattern but the year's reads the token after it: a month, a unit or
    ///   "of" (listed words), "st" (never a dead word), a number ("5 1/2"), "-", "/", ":"
    ///   ("48-hour", "2014/03/22", "7:30"), "long", "pm" or "p" ("7 p.m."). So a number of
    ///   other than four digits, and no dotted date, before anything else ("12 people",
    ///   "300.") begins nothing.
    /// - A mark begins only "'90s": an apostrophe before a number.
    fn may_begin(&self, i: usize) -> bool {
        let tokens = &self.text.tokens;
        let (Some(t), next) = (tokens.get(i), tokens.get(i + 1)) else { return false };
        let next_is = |w: &str| next.is_some_and(|n| n.text(self.text.text).eq_ignore_ascii_case(w));
        match t.kind {
            TokenKind::Word => {
                let c = self.codes.get(i).copied().unwrap_or(0);
                if c & KNOWN == 0 || c >> KNOWN_SHIFT == 0 {
                    return true;
                }
                if c & W_CAPITAL != 0 {
                    return self.capital_may_begin(i, c);
                }
                if c & (W_INERT | W_COUNTS) != 0 && next.is_some_and(|n| n.kind == TokenKind::Punct) {
                    // a mark ends the prefix of an inert word and the count of a count word:
                    // only a comma ("many, many months"), a hyphen ("mid-March"), an apostrophe
                    // ("the '90s") or a mark these checks do not know goes on
                    let b = next.map_or(&[][..], |n| &self.text.text.as_bytes()[n.start as usize..n.end as usize]);
                    if let [m] = b {
                        if m.is_ascii_punctuation() && !matches!(m, b',' | b'-' | b'\'' | b'/' | b':') {
                            return false;
                        }
                    }
                }
                if self.dead(i + 1) {
                    return !(c & W_INERT != 0 || (c & W_COUNTS != 0 && !next_is("long")));
                }
                let nc = self.codes.get(i + 1).copied().unwrap_or(0);
                // "that" begins only "that year", "that same week" (`word_core`): a unit of a day
                // to a year or "same" must follow it ("that the", "that is" begin nothing). A
                // next word not known by its key is left to the grammar.
                if c >> KNOWN_SHIFT == self.g.that && !self.that_goes_on(next, nc) {
                    return false;
                }
                // A count ("a", "two", "several") goes on only with a unit, a number, a vague
                // word or one of the words `counts_only` names; and a count the prefix reads
                // ("some", "another") leaves the expression to begin at the next word. So before
                // any other word known by its key that starts nothing ("two soldiers", "a new"),
                // nothing begins at it.
                if c & W_COUNTS != 0
                    && nc & KNOWN != 0
                    && next.is_some_and(|n| n.kind == TokenKind::Word && !self.known_word_starts(n, nc))
                    && c >> KNOWN_SHIFT != self.g.that
                    && !self.count_goes_on(i + 1, nc)
                {
                    return false;
                }
                // An inert word begins something only when the prefix goes on from it ("at
                // least"): the next word must be one it goes on with. A word whose record could
                // cut a possessive ("than's", not known) is not judged here.
                // (A word the prefix reads alone, "the", "about", "this", leaves the expression to
                // begin at the next word: see `next_starts`.)
                let mut reads_alone = false;
                if c & W_INERT != 0 && next.is_none_or(|n| n.kind != TokenKind::Word || nc & KNOWN != 0) {
                    let needs = self.g.lex.word(c >> KNOWN_SHIFT).map_or(PrefixNeeds::Any, |w| w.prefix_needs);
                    reads_alone = matches!(needs, PrefixNeeds::Any | PrefixNeeds::NotThe);
                    let goes_on = match needs {
                        PrefixNeeds::Any => true,
                        PrefixNeeds::Never => false,
                        PrefixNeeds::OneOf(words) => words.iter().any(|w| next_is(w)),
                        PrefixNeeds::NotThe => !next_is("the"),
                    };
                    if !goes_on {
                        return false;
                    }
                }
                let next_starts = match next {
                    // (a word that begins only names written with a capital begins none written
                    // in lower case: "the new", "the march")
                    Some(n) if n.kind == TokenKind::Word && nc & KNOWN != 0 => self.known_word_starts(n, nc),
                    // a word with inner words ("company's"): its first word's entry, or a hyphen
                    Some(n) if n.kind == TokenKind::Word && nc & (INNER | MAY_START) == INNER => {
                        n.text(self.text.text).contains(['-', '\u{2010}'])
                    }
                    _ => true,
                };
                next_starts
                    || !(c & W_INERT != 0 && (reads_alone || t.text(self.text.text).eq_ignore_ascii_case("the")))
            }
            TokenKind::Punct => next.is_some_and(|n| n.kind == TokenKind::Number),
            TokenKind::Number => {
                let s = t.text(self.text.text);
                if (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())) || dots(s) == 2 {
                    return true;
                }
                let Some(n) = next else { return false };
                match n.kind {
                    TokenKind::Number => true,
                    TokenKind::Punct => matches!(n.text(self.text.text), "-" | "\u{2010}" | "/" | ":"),
                    TokenKind::Word => !self.dead(i + 1) || next_is("long") || next_is("pm") || next_is("p"),
                }
            }
        }
    }

    /// Whether a word that begins only names written with a capital (`W_CAPITAL`, code `c`:
    /// a holiday's, a month's, a weekday's) may begin one at token i: only written with a
    /// capital, and before a word in no list only when it names a month or a weekday alone
    /// or a holiday is the word alone or goes on with such a word. Out of line: few tokens are
    /// such words. (A key collision names a word for a token in no list, which begins
    /// nothing.)
    #[cold]
    #[inline(never)]
    fn capital_may_begin(&self, i: usize, c: u32) -> bool {
        capitalised(self.text.word(i))
            && (!self.dead(i + 1)
                || self.g.lex.word(c >> KNOWN_SHIFT).is_some_and(|w| w.holiday_open || names_alone(w)))
    }

    /// Whether token `n`, a word known by its key (code `nc`), can start an expression: its
    /// entry says so, but for a holiday's first word or a month's or weekday's name in lower
    /// case ("new", "may").
    #[inline(always)]
    fn known_word_starts(&self, n: &Token, nc: u32) -> bool {
        nc & W_STARTS != 0 && (nc & W_CAPITAL == 0 || capitalised(n.text(self.text.text)))
    }

    /// Whether a count goes on with token j, a word known by its key (code `nc`): a unit
    /// ("two years"), a unit adjective ("eight trading days"), a number ("twenty four"), a
    /// vague word ("a few"), or a word a count reads before its unit ("more", "and a half",
    /// "hundred", "of" of "a couple of", "little" of "a little over", "long" ...). A key
    /// collision names a listed word for a token in no list: it is only let through.
    #[inline(never)]
    fn count_goes_on(&self, j: usize, nc: u32) -> bool {
        const READ: &[&str] = &[
            "more",
            "additional",
            "full",
            "long",
            "and",
            "hundred",
            "dozen",
            "half",
            "few",
            "of",
            "little",
            "thousand",
        ];
        self.g
            .lex
            .word(nc >> KNOWN_SHIFT)
            .is_some_and(|w| w.unit.is_some() || w.unit_adjective || w.number.is_some() || w.vague)
            || READ.iter().any(|w| self.text.word(j).eq_ignore_ascii_case(w))
    }

    /// Whether "that" can begin an expression before `next` (of code `nc`): a unit of a day to
    /// a year or "same" known by its key, or a word not known by its key (left to the grammar).
    /// Out of line: few tokens are "that", and `may_begin` is inlined in the pass over anchors.
    #[cold]
    #[inline(never)]
    fn that_goes_on(&self, next: Option<&Token>, nc: u32) -> bool {
        match next {
            Some(n) if n.kind == TokenKind::Word && nc & KNOWN != 0 => {
                let j = nc >> KNOWN_SHIFT;
                j == self.g.same
                    || self
                        .g
                        .lex
                        .word(j)
                        .is_some_and(|w| matches!(w.unit, Some(Unit::Day | Unit::Week | Unit::Month | Unit::Year)))
            }
            Some(n) => n.kind == TokenKind::Word,
            None => false,
        }
    }

    /// Whether a candidate is part of a name or a title: a time word that is written in lower
    /// case ("today", "week", "minutes") is capitalised inside a sentence ("VOA Today", ABC's
    /// "This Week", "60 Minutes", "after Month-Long Battle"). Holidays are names themselves.
    fn in_a_name(&self, c: &Cand) -> bool {
        if c.rule.starts_with("date.holiday") || c.rule == "date.quarter_roman" {
            return false;
        }
        (c.a..c.b.min(self.toks.len())).any(|i| {
            let t = self.tok(i);
            let mut chars = t.s.chars();
            let title =
                chars.next().is_some_and(|c| c.is_uppercase()) && chars.next().is_some_and(|c| c.is_lowercase());
            if !t.word() || !title || self.opens_sentence(i) {
                return false;
            }
            let head = t.l.split(['-', '\u{2010}']).next().unwrap_or(t.l);
            let w = if head.len() == t.l.len() { t.lex() } else { self.g.lex.get(head).unwrap_or(&Word::EMPTY) };
            w.lower_case_time
        })
    }

    /// Whether token i starts a sentence, a line or a quotation.
    fn opens_sentence(&self, i: usize) -> bool {
        let Some(prev) = i.checked_sub(1).map(|p| self.tok(p)) else { return true };
        let t = self.tok(i);
        if self.text.sentence_at(prev.start) != self.text.sentence_at(t.start) {
            return true;
        }
        let gap = &self.text.text[prev.end..t.start];
        gap.as_bytes().contains(&b'\n')
            || matches!(
                prev.s,
                "." | "!"
                    | "?"
                    | "\""
                    | "`"
                    | "``"
                    | "'"
                    | "''"
                    | "("
                    | ":"
                    | "\u{201c}"
                    | "\u{2018}"
                    | "-"
                    | "\u{2014}"
                    | "\u{2013}"
                    | "_"
            )
    }

    fn prefix(&self, i: usize) -> Prefix {
        let mut p = Prefix { k: i, ..Prefix::default() };
        let mut k = i;
        // Every prefix word is a lexicon word: a word the filter turned away ends the prefix.
        while let Some(t) = if self.dead(k) { None } else { self.t(k) } {
            let before = k;
            // (a word the prefix does not read, known by its entry: see `prefix_word`)
            if t.word() && (!self.fast || t.lex.is_some_and(|w| w.prefix)) {
                match t.l {
                    "the" if !p.the || (p.part && !self.is(k - 1, "the")) => {
                        p.the = true;
                        k += 1;
                    }
                    "about" | "around" | "approximately" | "roughly" | "nearly" | "almost" | "some" | "circa"
                        if p.modifier.is_none() =>
                    {
                        p.modifier = Some("APPROX");
                        k += 1;
                    }
                    "just" | "only" | "another" | "fully" | "still" => k += 1,
                    // "the fiscal first quarter"
                    "fiscal"
                        if self.lexw(k + 1).ordinal > 0 && (self.is(k + 2, "quarter") || self.is(k + 2, "half")) =>
                    {
                        k += 1
                    }
                    // "the full year", "the current fiscal year" (read by `unit_core`)
                    "full" | "current" | "fiscal" | "calendar" | "whole" | "entire"
                        if p.the
                            && (self.is(k + 1, "year")
                                || (self.is(k + 1, "fiscal") || self.is(k + 1, "calendar"))
                                    && self.is(k + 2, "year")) =>
                    {
                        k += 1
                    }
                    "more" | "less" | "fewer" if self.is(k + 1, "than") => {
                        p.modifier = Some(if t.is("more") { "MORE_THAN" } else { "LESS_THAN" });
                        k += 2;
                    }
                    "at" if self.is(k + 1, "least") => {
                        p.modifier = Some("EQUAL_OR_MORE");
                        k += 2;
                    }
                    "up" if self.is(k + 1, "to") && self.t(k + 2).is_some_and(|n| n.num.is_some()) => {
                        p.modifier = Some("EQUAL_OR_LESS");
                        k += 2;
                    }
                    "a" if self.is(k + 1, "little") && (self.is(k + 2, "over") || self.is(k + 2, "more")) => {
                        p.modifier = Some("MORE_THAN");
                        k += if self.is(k + 3, "than") { 4 } else { 3 };
                    }
                    "over" | "under" if p.modifier.is_none() && !self.is(k + 1, "the") => {
                        p.modifier = Some(if t.is("over") { "MORE_THAN" } else { "LESS_THAN" });
                        k += 1;
                    }
                    "early" | "mid" | "late" if p.modifier.is_none() && !p.part => {
                        p.modifier = Some(match t.l {
                            "early" => "START",
                            "mid" => "MID",
                            _ => "END",
                        });
                        p.part = true;
                        k += 1;
                        if self.is(k, "-") && self.touch(k - 1) {
                            k += 1;
                        }
                    }
                    "beginning" | "start" | "end" | "middle" | "turn" | "close" | "rest" | "remainder"
                        if p.the && self.is(k + 1, "of") =>
                    {
                        p.modifier = Some(match t.l {
                            "beginning" | "start" => "START",
                            "middle" => "MID",
                            "end" | "close" => "END",
                            _ => "",
                        })
                        .filter(|m| !m.is_empty());
                        p.part = true;
                        k += 2;
                    }
                    "earlier" | "later" if self.is(k + 1, "this") || self.is(k + 1, "in") && self.is(k + 2, "the") => {
                        p.this_earlier = true;
                        p.rel = Some(0);
                        k += if self.is(k + 1, "this") { 2 } else { 3 };
                        p.the = false;
                    }
                    "earlier" | "later" if self.is(k + 1, "that") => {
                        p.this_earlier = true;
                        k += 1;
                    }
                    // ("the last quarter of 2018", "the last week of March" name a stretch of a
                    // date: `stretch_core` and `quarter_core` read them)
                    "last" | "past" | "previous" | "preceding"
                        if p.rel.is_none()
                            && self.rel_target(k + 1)
                            && !(t.l == "last" && p.the && self.stretch_of_named(k + 1)) =>
                    {
                        p.rel = Some(-1);
                        p.the_rel = p.the && !p.part;
                        k += 1;
                    }
                    "this" if p.rel.is_none() => {
                        if self.is(k + 1, "past") {
                            p.rel = Some(-1);
                            k += 2;
                        } else if self.is(k + 1, "coming") {
                            p.rel = Some(1);
                            k += 2;
                        } else {
                            p.rel = Some(0);
                            k += 1;
                        }
                    }
                    "next" | "coming" | "following" | "upcoming" if p.rel.is_none() && self.rel_target(k + 1) => {
                        p.rel = Some(1);
                        p.the_rel = p.the && !p.part;
                        k += 1;
                    }
                    "recent" if p.rel.is_none() => {
                        p.recent = true;
                        k += 1;
                    }
                    "every" | "each" | "per" => {
                        p.every = true;
                        k += 1;
                    }
                    // "the first nine months", "the latest six months": a stretch of months the
                    // report covers (a duration, and the period a year-back comparison means)
                    "first" | "latest"
                        if p.the
                            && p.rel.is_none()
                            && self
                                .num_at(k + 1)
                                .is_some_and(|(_, j)| matches!(self.unit_at(j), Some(Unit::Month | Unit::Quarter))) =>
                    {
                        k += 1
                    }
                    "first" | "final" if p.the && self.lexw(k + 1).number.is_some() || self.num_at(k + 1).is_some() => {
                        // "the first nine months", "the last three weeks of December"
                        break;
                    }
                    _ => {}
                }
            }
            if k == before {
                break;
            }
        }
        p.k = k;
        p
    }

    /// Whether token i can follow "last", "past", "next": a unit, count, month, weekday, season.
    fn rel_target(&self, i: usize) -> bool {
        let Some(t) = self.t(i) else { return false };
        if t.kind == TokenKind::Number {
            return true;
        }
        let w = t.lex();
        w.unit.is_some()
            || w.number.is_some()
            || w.vague
            || w.month > 0
            || w.weekday > 0
            || w.season.is_some()
            || w.holiday
            || matches!(t.l, "few" | "couple" | "night" | "morning" | "afternoon" | "evening")
            || t.l.as_bytes().contains(&b'-')
    }

    /// A numeric count at token i: digits, number words ("twenty-five", "a"), with its end.
    fn num_at(&self, i: usize) -> Option<(f64, usize)> {
        let t = self.t(i)?;
        if let Some(n) = t.num {
            if t.digits <= 4 {
                // "5 1/2"
                if self.t(i + 1).and_then(|x| x.num) == Some(1)
                    && self.is(i + 2, "/")
                    && self.t(i + 3).and_then(|x| x.num) == Some(2)
                {
                    return Some((n as f64 + 0.5, i + 4));
                }
                return Some((n as f64, i + 1));
            }
            return None;
        }
        if t.kind == TokenKind::Number {
            let v = parse_without_commas(t.s)?;
            return Some((v, i + 1));
        }
        if !t.word() {
            return None;
        }
        let mut v = match t.lex.and_then(|w| w.number) {
            Some(n) => n,
            // (a word holds a hyphen only with a word after it inside: `hyphen`)
            None if t.hyphen => self.word_number(t.s)?,
            None => return None,
        };
        let mut j = i + 1;
        // "twenty four", "a hundred", "two and a half", "a couple of"
        if (20.0..100.0).contains(&v) && v % 10.0 == 0.0 {
            if let Some(u) = self.t(j).and_then(|x| x.lex?.number).filter(|u| (1.0..10.0).contains(u)) {
                v += u;
                j += 1;
            }
        }
        if t.is("couple") {
            if self.is(j, "of") {
                j += 1;
            }
        } else if self.is(j, "and") && self.is(j + 1, "a") && self.is(j + 2, "half") {
            v += 0.5;
            j += 3;
        } else if self.is(j, "hundred") || self.is(j, "thousand") {
            // "three hundred days", "two thousand years", "two hundred thousand years"
            if self.is(j, "hundred") {
                v *= 100.0;
                j += 1;
            }
            if self.is(j, "thousand") {
                v *= 1000.0;
                j += 1;
            }
        } else if self.is(j, "dozen") {
            v *= 12.0;
            j += 1;
        } else if (t.is("a") || t.is("an")) && self.is(j, "half") {
            v = 0.5;
            j += 1;
        }
        Some((v, j))
    }

    /// A number word, also hyphenated ("twenty-five").
    fn word_number(&self, s: &str) -> Option<f64> {
        if let Some(n) = self.g.lex.get(s).and_then(|w| w.number) {
            return Some(n);
        }
        let (a, b) = s.split_once(['-', '\u{2010}'])?;
        let (x, y) = (self.g.lex.get(a)?.number?, self.g.lex.get(b)?.number?);
        ((20.0..100.0).contains(&x) && (1.0..10.0).contains(&y)).then_some(x + y)
    }

    /// A unit word at i ("years", "week"), with its end.
    fn unit_at(&self, i: usize) -> Option<Unit> {
        self.t(i).filter(|t| t.word()).and_then(|t| t.lex?.unit)
    }

    /// A month name at i ("September", "Sept.", "SEP"); with the token after it.
    fn month_at(&self, i: usize) -> Option<(i8, usize, bool)> {
        let t = self.t(i).filter(|t| t.word() && t.cap)?;
        let w = t.lex?;
        if w.month > 0 {
            // "May." at a sentence end is still May; the stop is not part of the extent.
            return Some((w.month as i8, i + 1, w.ambiguous_month));
        }
        if w.month_abbr > 0 {
            let j = if self.is(i + 1, ".") && self.touch(i) { i + 2 } else { i + 1 };
            return Some((w.month_abbr as i8, j, true));
        }
        None
    }

    /// A day of the month at i ("22", "22nd"), with the token after it; not the tail of an
    /// identifier ("Release No. 20170503-01").
    fn day_at(&self, i: usize) -> Option<(i8, usize)> {
        let t = self.t(i)?;
        let n = t.num.filter(|n| (1..=31).contains(n) && t.digits <= 2)?;
        if i >= 2 && self.is(i - 1, "-") && self.touch(i - 1) && self.touch(i - 2) && self.tok(i - 2).digits > 2 {
            return None;
        }
        let j = if self.t(i + 1).is_some_and(|x| matches!(x.l, "st" | "nd" | "rd" | "th")) && self.touch(i) {
            i + 2
        } else {
            i + 1
        };
        Some((n as i8, j))
    }

    /// A four-digit year at i (1000-2099), with the token after it.
    fn year_at(&self, i: usize) -> Option<(i16, usize)> {
        let t = self.t(i)?;
        if t.word() {
            return self.spoken_year_at(i);
        }
        let n = t.num.filter(|n| t.digits == 4 && (1000..=2099).contains(n))?;
        Some((n as i16, i + 1))
    }

    /// A year in words at i: "nineteen ninety-seven", "two thousand", "two thousand and one";
    /// not before a unit or a counted noun ("nineteen twenty-year bonds", "two thousand troops").
    fn spoken_year_at(&self, i: usize) -> Option<(i16, usize)> {
        let t = self.t(i).filter(|t| t.word())?;
        let first = t.lex.and_then(|w| w.number)?;
        let rest = self.t(i + 1).filter(|x| x.word())?;
        let (y, e) = if rest.is("thousand") && (1.0..=2.0).contains(&first) && first.fract() == 0.0 {
            let j = if self.is(i + 2, "and") { i + 3 } else { i + 2 };
            match self
                .t(j)
                .filter(|x| x.word())
                .and_then(|x| x.lex.and_then(|w| w.number).or_else(|| self.word_number(x.s)))
            {
                Some(n) if (1.0..100.0).contains(&n) && n.fract() == 0.0 => (first * 1000.0 + n, j + 1),
                _ => (first * 1000.0, i + 2),
            }
        } else if (11.0..=20.0).contains(&first) {
            let rest_n = rest.lex.and_then(|w| w.number).or_else(|| self.word_number(rest.s))?;
            if !(10.0..100.0).contains(&rest_n) || rest_n.fract() != 0.0 {
                return None;
            }
            (first * 100.0 + rest_n, i + 2)
        } else {
            return None;
        };
        if self.unit_at(e).is_some() || self.t(e).is_some_and(|x| x.lex().count_noun) {
            return None;
        }
        Some((y as i16, e))
    }

    /// A clock time at i ("06:58 PM", "7:30", "10 a.m."), as "HH:MM" and the token after.
    fn clock_at(&self, i: usize) -> Option<(String, usize)> {
        let t = self.t(i)?;
        let h = t.num.filter(|h| *h <= 24 && t.digits <= 2)?;
        let (mut m, mut j) = (0u32, i + 1);
        let mut colon = false;
        if self.is(j, ":") && self.touch(i) {
            let mt = self.t(j + 1)?;
            m = mt.num.filter(|m| *m < 60 && mt.digits == 2)?;
            j += 2;
            colon = true;
        }
        let mut h24 = h;
        let ampm = self.t(j).map(|x| x.l);
        match ampm {
            Some("am" | "a") if h <= 12 => {
                j += if ampm == Some("a") && self.is(j + 1, ".") && self.is(j + 2, "m") {
                    if self.is(j + 3, ".") && self.touch(j + 2) {
                        4
                    } else {
                        3
                    }
                } else if ampm == Some("am") {
                    1
                } else {
                    return colon.then(|| (format!("{h:02}:{m:02}"), j));
                };
                if h == 12 {
                    h24 = 0;
                }
            }
            Some("pm" | "p") if h <= 12 => {
                j += if ampm == Some("p") && self.is(j + 1, ".") && self.is(j + 2, "m") {
                    if self.is(j + 3, ".") && self.touch(j + 2) {
                        4
                    } else {
                        3
                    }
                } else if ampm == Some("pm") {
                    1
                } else {
                    return colon.then(|| (format!("{h:02}:{m:02}"), j));
                };
                if h < 12 {
                    h24 = h + 12;
                }
            }
            _ if !colon => return None,
            _ => {}
        }
        // Time zones right after the clock belong to it.
        if self.t(j).is_some_and(|x| matches!(x.s, "GMT" | "UTC" | "EST" | "EDT" | "ET" | "CET" | "BST")) {
            j += 1;
        }
        Some((format!("{h24:02}:{m:02}"), j))
    }

    /// A weekday name at i (full names; abbreviations only when `abbr`).
    fn weekday_at(&self, i: usize, abbr: bool) -> Option<(i8, usize)> {
        let t = self.t(i).filter(|t| t.word() && t.cap)?;
        let w = t.lex?;
        if w.weekday > 0 {
            return Some((w.weekday as i8, i + 1));
        }
        if abbr && w.weekday_abbr > 0 {
            let j = if self.is(i + 1, ".") && self.touch(i) { i + 2 } else { i + 1 };
            return Some((w.weekday_abbr as i8, j));
        }
        None
    }

    fn skip_comma(&self, j: usize) -> usize {
        if self.is(j, ",") {
            j + 1
        } else {
            j
        }
    }

    /// A complete date at i: "March 22, 2017", "22 March 2017", "Tue 23 Sep 2014 06:58 PM",
    /// "Thursday, July 21, 2016", "2017-03-22", "13.08.2016"; also partial "March 22",
    /// "22 March" and the range "November 12-21, 2014".
    fn date_at(&self, i: usize) -> Option<Cand> {
        // weekday in apposition
        let (wd, mut k) = match self.weekday_at(i, true) {
            Some((wd, j)) => (Some(wd), self.skip_comma(j)),
            None => (None, i),
        };
        let mut c = self.month_day_year(i, k).or_else(|| self.day_month_year(i, k));
        if c.is_none() && wd.is_none() {
            c = self.numeric_date(i);
        }
        let mut c = c?;
        k = c.b;
        // a clock time after the date: "... 2014 06:58 PM", "... 2015 10:25", "..., at 7 p.m."
        let mut j = self.skip_comma(k);
        if self.is(j, "at") {
            j += 1;
        }
        if let (Some((clock, e)), Sem::Point(Point::Day(d))) = (self.clock_at(j), &c.sem) {
            if self.t(k).is_some_and(|t| t.start - self.tok(k - 1).end < 3) {
                c.sem = Sem::DateTime(*d, clock);
                c.kind = TimexType::Time;
                c.b = e;
                c.rule = "time.date_clock";
            }
        }
        if let (Some((clock, e)), Sem::MonthDay { month, day, .. }) = (self.clock_at(j), &c.sem) {
            if self.is(j - 1, "at") || j == k {
                c.sem = Sem::MonthDay { month: *month, day: *day, clock: Some(clock) };
                c.kind = TimexType::Time;
                c.b = e;
            }
        }
        Some(c)
    }

    fn month_day_year(&self, a: usize, i: usize) -> Option<Cand> {
        let (m, j, _) = self.month_at(i)?;
        let (d, mut k) = self.day_at(j)?;
        if self.line_break_between(i, j) {
            return None;
        }
        if self.t(j).is_some_and(|t| t.digits == 0) {
            return None;
        }
        // a pair "May 8 and 17, 2016" -> "May 8" and "17, 2016" (the second needs its year)
        if (self.is(k, "and") || self.is(k, "or")) && self.t(k + 1).is_some_and(|t| t.digits <= 2) {
            if let Some((d2, k2)) = self.day_at(k + 1) {
                let c2 = self.month_day_year_tail(k + 1, m, d2, k2);
                if let Sem::Point(Point::Day(e)) = &c2.sem {
                    if let Ok(first) = Date::new(e.year(), m, d) {
                        let mut c = cand(a, k, TimexType::Date, Sem::Point(Point::Day(first)), "date.pair_start");
                        c.extra = Some(Box::new(c2));
                        return Some(c);
                    }
                } else if self.sentence_end_or_punct(k2) {
                    // "on April 24 and 25." -> two days of a year still to find
                    let mut c =
                        cand(a, k, TimexType::Date, Sem::MonthDay { month: m, day: d, clock: None }, "date.pair_start");
                    c.extra = Some(Box::new(c2));
                    return Some(c);
                }
            }
        }
        // range "November 12-21, 2014" -> "November 12" and "21, 2014"
        if (self.is(k, "-") || self.is(k, "\u{2013}")) && self.touch(k - 1) {
            if let Some((d2, k2)) = self.day_at(k + 1) {
                if self.touch(k) {
                    let c2 = self.month_day_year_tail(k + 1, m, d2, k2);
                    let c1 = match &c2.sem {
                        Sem::Point(Point::Day(e)) => Date::new(e.year(), m, d).ok().map(|x| Sem::Point(Point::Day(x))),
                        _ => None,
                    }
                    .unwrap_or(Sem::MonthDay { month: m, day: d, clock: None });
                    let mut c = cand(a, k, TimexType::Date, c1, "date.range_start");
                    c.extra = Some(Box::new(c2));
                    return Some(c);
                }
            }
        }
        if self.t(k).is_some_and(|t| t.num.is_some() && t.digits < 4) {
            return None; // "May 5 10" and other number runs
        }
        let c = self.month_day_year_tail(a, m, d, k);
        k = c.b;
        let _ = k;
        Some(c)
    }

    /// The year part after "Month Day": ", 2014" / " 2014"; else a month-day of unknown year.
    fn month_day_year_tail(&self, a: usize, m: i8, d: i8, k: usize) -> Cand {
        let y_at = self.skip_comma(k);
        if let Some((y, e)) = self.year_at(y_at) {
            if let Ok(date) = Date::new(y, m, d) {
                return cand(a, e, TimexType::Date, Sem::Point(Point::Day(date)), "date.month_day_year");
            }
        }
        cand(a, k, TimexType::Date, Sem::MonthDay { month: m, day: d, clock: None }, "date.month_day")
    }

    /// Whether a line break stands between tokens i and j ("01" at the end of one line and
    /// "May" at the start of the next are no date).
    fn line_break_between(&self, i: usize, j: usize) -> bool {
        match (self.t(i), self.t(j)) {
            (Some(a), Some(b)) if a.end < b.start => self.text.text.as_bytes()[a.end..b.start].contains(&b'\n'),
            _ => false,
        }
    }

    fn day_month_year(&self, a: usize, i: usize) -> Option<Cand> {
        let (d, j) = self.day_at(i)?;
        if self.line_break_between(i, j) {
            return None;
        }
        // a range "26-27 March 2018", "from 26 to 28 March": "26" and "27 March 2018", as
        // "November 12-21, 2014" is "November 12" and "21, 2014" (the first takes the second's
        // month and year)
        let dash = (self.is(j, "-") || self.is(j, "\u{2013}")) && self.touch(j - 1) && self.touch(j);
        if dash || self.is(j, "to") || self.is(j, "and") || self.is(j, "through") {
            if let Some(c2) =
                self.day_at(j + 1).filter(|(d2, _)| *d2 > d).and_then(|_| self.day_month_year(j + 1, j + 1))
            {
                let sem = match &c2.sem {
                    Sem::Point(Point::Day(e)) => Sem::Point(Point::Day(Date::new(e.year(), e.month(), d).ok()?)),
                    Sem::MonthDay { month, .. } => Sem::MonthDay { month: *month, day: d, clock: None },
                    _ => return None,
                };
                let mut c = cand(a, j, TimexType::Date, sem, "date.range_start");
                c.extra = Some(Box::new(c2));
                return Some(c);
            }
        }
        let j = if self.is(j, "of") { j + 1 } else { j };
        let (m, k, _) = self.month_at(j)?;
        let y_at = self.skip_comma(k);
        if let Some((y, e)) = self.year_at(y_at) {
            let date = Date::new(y, m, d).ok()?;
            return Some(cand(a, e, TimexType::Date, Sem::Point(Point::Day(date)), "date.day_month_year"));
        }
        Some(cand(a, k, TimexType::Date, Sem::MonthDay { month: m, day: d, clock: None }, "date.day_month"))
    }

    /// "2017-03-22", "2017/03/22", "13.08.2016", "03/22/2017" (only when unambiguous).
    fn numeric_date(&self, i: usize) -> Option<Cand> {
        let t = self.t(i)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        // d.m.yyyy is one token
        if t.num.is_none() && dots(t.s) == 2 {
            let mut it = t.s.split('.');
            let (d, m, y) = (it.next()?, it.next()?, it.next()?);
            if d.len() <= 2 && m.len() <= 2 && y.len() == 4 {
                let date = Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
                return Some(cand(i, i + 1, TimexType::Date, Sem::Point(Point::Day(date)), "date.dotted"));
            }
            return None;
        }
        let sep = self.t(i + 1)?.s;
        if !matches!(sep, "-" | "/") || !self.touch(i) || !self.touch(i + 1) || !self.touch(i + 2) || !self.touch(i + 3)
        {
            return None;
        }
        if !self.is(i + 3, sep) {
            return None;
        }
        let (a, b, c) = (t, self.t(i + 2)?, self.t(i + 4)?);
        let (an, bn, cn) = (a.num?, b.num?, c.num?);
        if self.t(i + 5).is_some_and(|x| x.start == c.end && (x.s == sep || x.kind == TokenKind::Number)) {
            return None;
        }
        let date = if a.digits == 4 {
            Date::new(an as i16, bn as i8, cn as i8).ok()?
        } else if c.digits == 4 && sep == "/" {
            // m/d/yyyy, or d/m/yyyy when the first part cannot be a month
            if an > 12 && bn <= 12 {
                Date::new(cn as i16, bn as i8, an as i8).ok()?
            } else if bn > 12 || an == bn {
                Date::new(cn as i16, an as i8, bn as i8).ok()?
            } else {
                return None;
            }
        } else {
            return None;
        };
        Some(cand(i, i + 5, TimexType::Date, Sem::Point(Point::Day(date)), "date.numeric"))
    }

    /// The core expression after prefix `p` (or at `a` itself).
    ///
    /// Each pattern is tried only where the word at `p.k` can begin it (a month name for the
    /// month patterns, a unit for the unit patterns ...): most tokens the grammar is tried at
    /// are prefix words ("the", "a", "over") before no time word, and trying every pattern
    /// there cost more than all the rest of the tagger. The checks are exactly the first
    /// tests of the patterns, hoisted; `fast: false` skips them (the reference they are tested
    /// against).
    fn core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        if self.dead(k) {
            return None;
        }
        let t = self.t(k)?;
        if t.word() && !t.lex.is_some_and(|w| w.starts) && !t.hyphen {
            return None;
        }
        // every check below fails for an inert word ("the" after "about")
        if self.fast && inert(t) {
            return None;
        }
        let w = t.lex();
        let gate = |c: bool| c || !self.fast;
        let number = t.kind == TokenKind::Number;
        let month = w.month > 0 || w.month_abbr > 0;
        let mut best: Option<Cand> = None;
        let mut consider = |c: Option<Cand>| {
            if let Some(c) = c {
                if best.as_ref().is_none_or(|b| c.b > b.b) {
                    best = Some(c);
                }
            }
        };
        if !p.every
            && p.rel.is_none()
            && !p.recent
            && gate(number || (t.word() && t.cap && (month || w.weekday > 0 || w.weekday_abbr > 0)))
        {
            consider(self.date_at(k).map(|mut c| {
                if k != a {
                    c.a = a;
                    c.modifier = c.modifier.or(p.modifier);
                }
                c
            }));
        }
        if t.word() {
            if gate(t.hyphen || (t.cap && month)) {
                consider(self.month_core(a, p));
            }
            if gate(t.cap && w.weekday > 0) {
                consider(self.weekday_core(a, p));
            }
            if gate(w.unit.is_some()) {
                consider(self.unit_core(a, p));
            }
            if gate(w.season.is_some()) {
                consider(self.season_core(a, p));
            }
            if gate(
                w.comparison
                    || w.ordinal > 0
                    || t.hyphen
                    || matches!(t.l, "current" | "latest" | "quarter" | "period" | "last" | "final"),
            ) {
                consider(self.quarter_core(a, p));
                consider(self.stretch_core(a, p));
            }
            // The words `word_core` reads, a part of the day, or a hyphenated form.
            if gate(t.hyphen || w.day_part.is_some() || w.reference.is_some() || word_core_word(t.l)) {
                consider(self.word_core(a, p));
            }
            if gate(w.holiday && t.cap) {
                consider(self.holiday_core(a, p));
            }
        }
        if gate(number || w.vague || w.unit.is_some() || w.number.is_some() || t.hyphen) {
            consider(self.duration_core(a, p));
        }
        if t.num.is_some() {
            consider(self.century_core(a, p));
        }
        if gate(!t.word() || w.number.is_some()) {
            consider(self.year_core(a, p));
        }
        if gate(t.num.is_some()) {
            consider(self.clock_core(a, p));
        }
        best.filter(|c| c.b > p.k || c.a == p.k)
    }

    /// "September", "September 2014", "September of 2014", "early December", "last October",
    /// "this past April", "the last three weeks of December".
    fn month_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        if let Some(c) = self.hyphen_month(a, k) {
            return Some(c);
        }
        let (m, mut j, ambiguous) = self.month_at(k)?;
        if self.t(k).is_some_and(|t| t.lex.is_some_and(|w| w.month == 0)) {
            // abbreviations need a year after them
            let y = self.skip_comma(j);
            let (yr, e) = self.year_at(y)?;
            let mut c = cand(a, e, TimexType::Date, Sem::Point(Point::Month { year: yr, month: m }), "date.month_year");
            c.modifier = p.modifier;
            return Some(c);
        }
        if j > k + 1 {
            j = k + 1;
        }
        let of = if self.is(j, "of") || self.is(j, ",") { j + 1 } else { j };
        if let Some((y, e)) = self.year_at(of) {
            let mut c = cand(a, e, TimexType::Date, Sem::Point(Point::Month { year: y, month: m }), "date.month_year");
            c.modifier = p.modifier;
            return Some(c);
        }
        // a range "January to March 2018", "between December and February 2016": the first
        // month takes the year of the second, or the year before when it comes later in the
        // calendar; a list "in January and March 2018" is of one year
        if let Some((m2, j2, _)) = self.month_at(j + 1).filter(|_| {
            matches!(self.t(j).map(|t| t.l), Some("to" | "through" | "until" | "till" | "and" | "-" | "\u{2013}"))
        }) {
            if let Some((y, _)) = self.year_at(self.skip_comma(j2)) {
                let range = !self.is(j, "and") || (a > 0 && self.is(a - 1, "between"));
                let year = if m > m2 && range { y - 1 } else { y };
                let mut c =
                    cand(a, j, TimexType::Date, Sem::Point(Point::Month { year, month: m }), "date.range_start");
                c.modifier = p.modifier;
                return Some(c);
            }
        }
        let rel_year = if self.is(j, "of") { j + 1 } else { j };
        if (self.is(rel_year, "last") || self.is(rel_year, "this") || self.is(rel_year, "next"))
            && self.is(rel_year + 1, "year")
        {
            let j = rel_year - 1;
            let shift = if self.is(j + 1, "last") {
                -1
            } else if self.is(j + 1, "next") {
                1
            } else {
                0
            };
            let mut c = cand(
                a,
                j + 3,
                TimexType::Date,
                Sem::MonthOfRelativeYear { month: m, year_shift: shift },
                "date.month_of_relative_year",
            );
            c.modifier = p.modifier;
            return Some(c);
        }
        if self.t(j).is_some_and(|t| t.num.is_some()) && !self.is(j + 1, ")") {
            // "May 5" failed as a date (e.g. "May 5 10"); a number after a bare month is no date
            if self.day_at(j).is_some() {
                return None;
            }
        }
        // a bare month: ambiguous ones need a cue ("in May", "last March")
        let cued = (k > a && (!ambiguous || p.rel.is_some() || p.modifier.is_some() || p.part)) || {
            let prev = k.checked_sub(1).and_then(|x| self.t(x));
            prev.is_some_and(|t| {
                let w = t.lex();
                if ambiguous {
                    self.g.month_cue(t.s)
                } else {
                    w.date_cue || t.kind == TokenKind::Punct || self.g.month_cue(t.s)
                }
            }) || (!ambiguous && prev.is_none_or(|t| t.kind == TokenKind::Punct || !t.cap))
        };
        if !cued {
            return None;
        }
        if ambiguous && k == a {
            // "in May" but not "May I" or "Theresa May": the month must not precede a verb-like word
            if self
                .t(k + 1)
                .is_some_and(|t| t.word() && !t.cap && !t.lex().date_cue && !t.lex().past && !t.lex().future)
                && !self.is(k - 1, "in")
                && !self.is(k - 1, "since")
            {
                return None;
            }
        }
        if p.every {
            return Some(cand(a, j, TimexType::Set, Sem::Value(format!("XXXX-{m:02}")), "set.month"));
        }
        let sem = match p.rel {
            Some(s) if p.this_earlier => Sem::RelativeMonth { month: m, shift: s },
            Some(s) => Sem::RelativeMonth { month: m, shift: s },
            None => Sem::Month(m),
        };
        let mut c = cand(a, j, TimexType::Date, sem, "date.month");
        c.modifier = p.modifier;
        Some(c)
    }

    /// "mid-November", "late-March" written as one word.
    fn hyphen_month(&self, a: usize, k: usize) -> Option<Cand> {
        let t = self.t(k).filter(|t| t.word())?;
        let (head, rest) = split_hyphen(t.l)?;
        let modifier = match head {
            "early" => "START",
            "mid" => "MID",
            "late" => "END",
            _ => return None,
        };
        let month = self.g.lex.get(rest)?.month as i8;
        if month == 0 {
            return None;
        }
        let of = if self.is(k + 1, ",") || self.is(k + 1, "of") { k + 2 } else { k + 1 };
        let mut c = match self.year_at(of) {
            Some((y, e)) => cand(a, e, TimexType::Date, Sem::Point(Point::Month { year: y, month }), "date.month_year"),
            None => cand(a, k + 1, TimexType::Date, Sem::Month(month), "date.month"),
        };
        c.modifier = Some(modifier);
        Some(c)
    }

    /// "Monday", "early Tuesday", "Monday evening", "Saturday morning", "last Friday".
    fn weekday_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let (wd, j) = self.weekday_at(p.k, false)?;
        if p.every {
            let mut c = cand(a, j, TimexType::Set, Sem::Value(format!("XXXX-WXX-{wd}")), "set.weekday");
            c.modifier = None;
            return Some(c);
        }
        let mut part = None;
        let mut e = j;
        if let Some(dp) = self.t(j).and_then(|t| t.lex?.day_part) {
            if !self.is(j, "tonight") {
                part = Some(dp);
                e = j + 1;
            }
        }
        let sem = match p.rel {
            Some(sign @ (-1 | 1)) if p.the_rel && part.is_none() => Sem::WeekdayFrom { weekday: wd, sign },
            _ => Sem::Weekday { weekday: wd, part, shift: p.rel.filter(|r| *r != 0) },
        };
        let kind = if part.is_some() { TimexType::Time } else { TimexType::Date };
        let rule = if matches!(sem, Sem::WeekdayFrom { .. }) { "date.weekday_from" } else { "date.weekday" };
        let mut c = cand(a, e, kind, sem, rule);
        c.modifier = None;
        Some(c)
    }

    /// last/this/next + unit ("last week", "this year", "the coming months", "earlier this
    /// month", "recent weeks"), "every week", and bare "the weekend".
    fn unit_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let unit = self.unit_at(k)?;
        let t = self.t(k)?;
        let plural = t.s.ends_with('s') && !matches!(unit, Unit::Century) || t.is("centuries");
        if p.every {
            let v = match unit {
                Unit::Weekend => "XXXX-WXX-WE".to_string(),
                u => crate::norm::duration_value(Some(1.0), u),
            };
            return Some(cand(a, k + 1, TimexType::Set, Sem::Value(v), "set.every_unit"));
        }
        // "the weekend": the one just past, or the coming one in a future clause
        if unit == Unit::Weekend && !plural && p.the && p.rel.is_none() {
            return Some(cand(a, k + 1, TimexType::Date, Sem::Weekend, "date.the_weekend"));
        }
        // "the year", "the full year", "the current fiscal year": the DCT's year, unless it is
        // a reporting period that ends on a date ("the year ended Sept. 30", a duration)
        if unit == Unit::Year && !plural && p.the && p.rel.is_none() && !p.part && !p.every {
            let q = self.t(k.wrapping_sub(1)).map_or("", |x| x.l);
            let own = matches!(q, "the" | "full" | "current" | "fiscal" | "calendar" | "whole" | "entire");
            let before_the = (k >= 2 && self.is(k - 2, "the")) || (k >= 3 && self.is(k - 3, "the"));
            if own && (q == "the" || before_the) {
                let from = if q == "the" { k - 1 } else { a };
                // "the year 2000", "the year two thousand"
                if let Some((y, e)) = self.year_at(k + 1).filter(|_| q == "the") {
                    return Some(cand(from, e, TimexType::Date, Sem::Point(Point::Year(y)), "date.the_year_named"));
                }
                if self.is(k + 1, "ended") || self.is(k + 1, "ending") {
                    let v = Sem::Value("P1Y".into());
                    return Some(cand(from, k + 1, TimexType::Duration, v, "duration.reporting_year"));
                }
                if !self.is(k + 1, "of")
                    && !self.is(k + 1, "before")
                    && !self.is(k + 1, "after")
                    && !self.is(k + 1, "since")
                {
                    return Some(cand(from, k + 1, TimexType::Date, Sem::Relative { unit, shift: 0 }, "date.the_year"));
                }
            }
        }
        // "the day before last Tuesday", "the day after June 5": a day counted from a named one
        if unit == Unit::Day
            && !plural
            && p.the
            && p.rel.is_none()
            && !p.part
            && !p.every
            && (self.is(k + 1, "before") || self.is(k + 1, "after"))
        {
            if let Some(c) = self.at(k + 2).filter(|c| c.extra.is_none() && names_a_day(&c.sem)) {
                let days = if self.is(k + 1, "before") { -1 } else { 1 };
                let sem = Sem::DayFrom { inner: Box::new(c.sem), days };
                return Some(cand(a, c.b, TimexType::Date, sem, "date.day_from"));
            }
        }
        // "the week of March 6": the week that holds the day
        if unit == Unit::Week && !plural && p.the && p.rel.is_none() && !p.part && self.is(k + 1, "of") {
            if let Some(c) = self.date_at(k + 2) {
                let sem = match c.sem {
                    Sem::Point(Point::Day(d)) => Some(Sem::Point(crate::norm::containing(d, Unit::Week))),
                    Sem::MonthDay { month, day, clock: None } => Some(Sem::WeekOf { month, day }),
                    _ => None,
                };
                if let Some(sem) = sem.filter(|_| c.extra.is_none()) {
                    return Some(cand(a, c.b, TimexType::Date, sem, "date.week_of"));
                }
            }
        }
        // "the end of the year", "the middle of the month": a part of the current one
        if p.part && p.the && p.rel.is_none() && !plural && !unit.is_clock() && self.is(k - 1, "the") {
            let mut c = cand(a, k + 1, TimexType::Date, Sem::Relative { unit, shift: 0 }, "date.part_of_unit");
            c.modifier = p.modifier;
            return Some(c);
        }
        if p.recent && plural {
            return Some(cand(a, k + 1, TimexType::Date, Sem::Value("PAST_REF".into()), "ref.recent_units"));
        }
        let rel = p.rel?;
        if plural {
            if rel == 0 {
                return None;
            }
            // "the coming months" FUTURE_REF, "the past years" PAST_REF
            let v = if rel < 0 { "PAST_REF" } else { "FUTURE_REF" };
            return Some(cand(a, k + 1, TimexType::Date, Sem::Value(v.into()), "ref.past_or_coming_units"));
        }
        // "The following month, the company ...", "and the following year he ...": a sentence
        // adverbial names the unit after the date last named ("in the following year" stays a
        // duration)
        if p.the_rel && rel > 0 && p.k == a + 2 && self.is(p.k - 1, "following") && self.adverbial_at(a) {
            let sem = Sem::NextUnit { unit, shift: 1 };
            return Some(cand(a, k + 1, TimexType::Date, sem, "date.following_unit"));
        }
        if p.the_rel && !p.this_earlier {
            // "the past year" is a duration
            return Some(cand(
                a,
                k + 1,
                TimexType::Duration,
                Sem::Value(crate::norm::duration_value(Some(1.0), unit)),
                "duration.the_past_unit",
            ));
        }
        if matches!(unit, Unit::Second | Unit::Minute | Unit::Hour) {
            return None;
        }
        // "this year's third quarter", "last year's quarter": a quarter of the year named
        if unit == Unit::Year && t.cut > 0 && !p.this_earlier {
            if let Some(c) = self.quarter_of_relative_year(a, k + 1, rel) {
                return Some(c);
            }
        }
        let mut c = cand(a, k + 1, TimexType::Date, Sem::Relative { unit, shift: rel }, "date.relative_unit");
        c.modifier = p.modifier;
        if p.this_earlier {
            c.rule = "date.earlier_this_unit";
        }
        Some(c)
    }

    /// After "this year's", "last year's" (token j): "third quarter", "first-half", "quarter",
    /// "period". A bare quarter or period is the reported one of that year.
    fn quarter_of_relative_year(&self, a: usize, j: usize, year_shift: i64) -> Option<Cand> {
        let t = self.t(j)?;
        let (n, quarter, e) = if let Some((first, second)) = split_hyphen(t.l) {
            (self.g.lex.get(first)?.ordinal as i8, matches!(second, "quarter"), j + 1)
        } else if t.lex().ordinal > 0 && (self.is(j + 1, "quarter") || self.is(j + 1, "half")) {
            (t.lex().ordinal as i8, self.is(j + 1, "quarter"), j + 2)
        } else if matches!(t.l, "quarter" | "period") {
            let sem = match year_shift {
                0 => Sem::CurrentQuarter,
                -1 => Sem::YearAgoQuarter,
                _ => return None,
            };
            return Some(cand(a, j + 1, TimexType::Date, sem, "date.reported_quarter_of_year"));
        } else {
            return None;
        };
        let half = !quarter && self.t(e - 1).is_some_and(|x| x.l.ends_with("half"));
        if n == 0 || (quarter && n > 4) || (half && n > 2) || !(quarter || half) {
            return None;
        }
        let sem = Sem::PartOfRelativeYear { quarter, n, year_shift };
        Some(cand(a, e, TimexType::Date, sem, "date.part_of_relative_year"))
    }

    /// Whether an expression at token a opens a clause (a sentence start, after punctuation or
    /// a conjunction such as "and") rather than following a preposition.
    fn adverbial_at(&self, a: usize) -> bool {
        let Some(prev) = a.checked_sub(1).and_then(|i| self.t(i)) else { return true };
        if self.text.sentence_at(prev.start) != self.text.sentence_at(self.tok(a).start) {
            return true;
        }
        prev.kind == TokenKind::Punct || prev.lex().conjunction
    }

    /// "20th century", "the 11th century": the century's two digits ("19", "10").
    fn century_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        if p.rel.is_some() || p.every {
            return None;
        }
        let t = self.t(k)?;
        let n = t.num.filter(|n| (1..=21).contains(n) && t.digits <= 2)?;
        let suffix = self.t(k + 1).filter(|x| matches!(x.l, "st" | "nd" | "rd" | "th") && self.touch(k))?;
        let _ = suffix;
        if !self.is(k + 2, "century") {
            return None;
        }
        let mut c = cand(a, k + 3, TimexType::Date, Sem::Point(Point::Century(n as i16 - 1)), "date.century");
        c.modifier = p.modifier;
        Some(c)
    }

    /// "summer", "the summer of 2014", "last summer", "summer 2014".
    fn season_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        let season = t.lex?.season?;
        // "the fall of Mosul" is no season; "the fall of 2014", "last fall", "in the fall" and
        // "scheduled for the fall" are
        let cue_before = a > 0 && (self.g.month_cue(self.tok(a - 1).l) || self.is(a - 1, "for"));
        if t.is("fall")
            && !t.cap
            && p.rel.is_none()
            && !(self.is(k + 1, "of") && self.year_at(k + 2).is_some())
            && (!p.the || self.is(k + 1, "of") || !cue_before)
        {
            return None;
        }
        let of = if self.is(k + 1, "of") { k + 2 } else { k + 1 };
        if let Some((y, e)) = self.year_at(of) {
            return Some(cand(
                a,
                e,
                TimexType::Date,
                Sem::Point(Point::Season { year: y, season }),
                "date.season_year",
            ));
        }
        if p.every {
            return Some(cand(a, k + 1, TimexType::Set, Sem::Value(format!("XXXX-{season}")), "set.season"));
        }
        let shift = p.rel.unwrap_or(0);
        if p.rel.is_none() && !p.the && k == a && !self.g.month_cue(self.t(k.wrapping_sub(1)).map_or("", |t| t.s)) {
            return None;
        }
        Some(cand(a, k + 1, TimexType::Date, Sem::RelativeSeason { season, shift }, "date.season"))
    }

    /// Quarters and halves: "the fourth quarter of 2015", "third-quarter", "Q4 2015",
    /// "Quarter IV- 2015", "the first half of 2016", "the second half", "the quarter".
    fn quarter_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        let lower = t.l;
        // "the quarter", "the latest quarter", "this quarter": the quarter being reported
        let period = |i: usize| self.is(i, "quarter") || self.is(i, "period");
        // "the corresponding period last year", "the same quarter a year ago", "the quarter a
        // year earlier": the reported quarter a year back
        let compared = t.lex.is_some_and(|w| w.comparison) && period(k + 1);
        if p.the && (compared || period(k)) {
            let e = if compared { k + 2 } else { k + 1 };
            if let Some(e2) = self.a_year_back(e) {
                return Some(cand(a, e2, TimexType::Date, Sem::YearAgoQuarter, "date.year_ago_quarter"));
            }
        }
        // "the current quarter" is the one under way
        if t.is("current") && self.is(k + 1, "quarter") && p.the {
            let sem = Sem::Relative { unit: Unit::Quarter, shift: 0 };
            return Some(cand(a, k + 2, TimexType::Date, sem, "date.current_quarter"));
        }
        let reported = (matches!(lower, "latest" | "current") || compared) && period(k + 1);
        if (t.is("quarter") && (p.the || p.rel == Some(0)) && !self.is(k + 1, "of")) || (reported && p.the) {
            let e = if reported { k + 2 } else { k + 1 };
            return Some(cand(a, e, TimexType::Date, Sem::CurrentQuarter, "date.reported_quarter"));
        }
        // "the year-ago quarter", "year-earlier results": the reported quarter a year back
        if matches!(lower, "year-ago" | "year-earlier") {
            let noun = self.t(k + 1).is_some_and(|n| matches!(n.l, "quarter" | "period"));
            let (from, e) = if noun { (a, k + 2) } else { (k, k + 1) };
            return Some(cand(from, e, TimexType::Date, Sem::YearAgoQuarter, "date.year_ago_quarter"));
        }
        // "Q4 2015", "Q4"
        if lower.len() == 2 && lower.starts_with('q') && t.cap {
            if let Some(q) = lower[1..].parse::<i8>().ok().filter(|q| (1..=4).contains(q)) {
                let _ = q;
            }
        }
        if t.is("quarter") && t.cap {
            // "Quarter IV- 2015"
            let roman = self.t(k + 1)?.s;
            let q = match roman {
                "I" => 1,
                "II" => 2,
                "III" => 3,
                "IV" => 4,
                _ => return None,
            };
            let mut j = k + 2;
            while self.t(j).is_some_and(|x| x.kind == TokenKind::Punct && x.s != ".") {
                j += 1;
            }
            let (y, e) = self.year_at(j)?;
            return Some(cand(
                a,
                e,
                TimexType::Date,
                Sem::Point(Point::Quarter { year: y, quarter: q }),
                "date.quarter_roman",
            ));
        }
        // ordinal (+ hyphen) + quarter/half; "the fiscal-first quarter"
        let fiscal = lower.strip_prefix("fiscal-").and_then(|o| self.g.lex.get(o)).map(|w| w.ordinal as i8);
        let (n, is_quarter, j) = if let Some(n) = fiscal.filter(|n| *n > 0) {
            let q = match self.t(k + 1).map(|x| x.l) {
                Some("quarter") => true,
                Some("half") => false,
                _ => return None,
            };
            (n, q, k + 2)
        } else if let Some((first, second)) = split_hyphen(lower) {
            let n = self.g.lex.get(first)?.ordinal as i8;
            let q = match second {
                "quarter" => true,
                "half" => false,
                _ => return None,
            };
            (n, q, k + 1)
        } else {
            let w = self.t(k + 1)?;
            let n = if t.is("last") || t.is("final") {
                if w.is("quarter") {
                    4
                } else {
                    2
                }
            } else {
                t.lex?.ordinal as i8
            };
            let q = if w.is("quarter") {
                true
            } else if w.is("half") {
                false
            } else {
                return None;
            };
            (n, q, k + 2)
        };
        if n == 0 || (is_quarter && n > 4) || (!is_quarter && n > 2) {
            return None;
        }
        let y_at = if self.is(j, "of") { j + 1 } else { j };
        let year = self.year_at(y_at);
        if let Some((y, e)) = year {
            let pt = if is_quarter { Point::Quarter { year: y, quarter: n } } else { Point::Half { year: y, half: n } };
            return Some(cand(a, e, TimexType::Date, Sem::Point(pt), "date.part_of_year"));
        }
        if self.is(j, "of")
            && (self.is(j + 1, "last") || self.is(j + 1, "this") || self.is(j + 1, "next"))
            && self.is(j + 2, "year")
        {
            let year_shift = if self.is(j + 1, "last") {
                -1
            } else if self.is(j + 1, "next") {
                1
            } else {
                0
            };
            let sem = Sem::PartOfRelativeYear { quarter: is_quarter, n, year_shift };
            return Some(cand(a, j + 3, TimexType::Date, sem, "date.part_of_relative_year"));
        }
        Some(cand(a, j, TimexType::Date, Sem::PartOfYear { quarter: is_quarter, n }, "date.part_of_year"))
    }

    /// Whether a unit or "half" at j is the stretch of a named year or month ("week of March",
    /// "quarter of 2018", "half of 2015").
    fn stretch_of_named(&self, j: usize) -> bool {
        (self.unit_at(j).is_some() || self.is(j, "half"))
            && self.is(j + 1, "of")
            && (self.year_at(j + 2).is_some() || self.month_at(j + 2).is_some())
    }

    /// "the first week of March", "the last month of 2017", "the last day of 2017": one unit at
    /// the start or end of a named year or month. A month or a day of a year is exact; a
    /// shorter stretch is the named date itself, as "the last three weeks of December" is.
    /// (Quarters and halves are `quarter_core`'s.)
    fn stretch_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let last = match self.t(k)?.l {
            "first" => false,
            "last" | "final" => true,
            _ => return None,
        };
        let j = k + 1;
        let unit = self.unit_at(j)?;
        if !p.the
            || self.tok(j).l.ends_with('s')
            || !matches!(unit, Unit::Day | Unit::Week | Unit::Weekend | Unit::Month)
        {
            return None;
        }
        if !self.is(j + 1, "of") {
            return None;
        }
        if let Some((y, e)) = self.year_at(j + 2) {
            let (month, day) = if last { (12, 31) } else { (1, 1) };
            let pt = match unit {
                Unit::Month => Point::Month { year: y, month },
                Unit::Day => Point::Day(Date::new(y, month, day).ok()?),
                _ => Point::Year(y),
            };
            return Some(cand(a, e, TimexType::Date, Sem::Point(pt), "date.stretch_of_date"));
        }
        let mut c = self.month_core(j + 2, &Prefix { k: j + 2, ..Prefix::default() })?;
        c.a = a;
        c.rule = "date.stretch_of_date";
        Some(c)
    }

    /// "last year", "a year ago", "a year earlier", "of last year", "the previous year" at i:
    /// where it ends.
    fn a_year_back(&self, i: usize) -> Option<usize> {
        let i = if self.is(i, "of") { i + 1 } else { i };
        if self.is(i, "last") && self.is(i + 1, "year") {
            return Some(i + 2);
        }
        if self.is(i, "a") && self.is(i + 1, "year") && (self.is(i + 2, "ago") || self.is(i + 2, "earlier")) {
            return Some(i + 3);
        }
        if self.is(i, "the")
            && (self.is(i + 1, "previous") || self.is(i + 1, "prior"))
            && self.is(i + 2, "year")
            && self.t(i + 2).is_none_or(|t| t.cut == 0)
        {
            return Some(i + 3);
        }
        None
    }

    /// Single words and fixed phrases: today, yesterday, tomorrow, tonight, now, "to date",
    /// "so far", "this morning", "the past", "the future", "daily", decades in words.
    fn word_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        let lower = t.l;
        let w = t.lex();
        let day_part_after = |j: usize| -> Option<&'static str> {
            let x = self.t(j)?;
            if x.is("tonight") {
                return None;
            }
            x.lex?.day_part
        };
        match lower {
            // "today's world", "the people of tomorrow": the present era, no day
            "today" | "tomorrow"
                if (t.cut > 0 && self.lexw(k + 1).era_noun)
                    || (lower == "tomorrow" && k > 0 && self.is(k - 1, "of")) =>
            {
                return None;
            }
            "today" | "yesterday" | "tomorrow" | "tonight" if p.rel.is_none() || p.this_earlier => {
                let days = match lower {
                    "yesterday" => -1,
                    "tomorrow" => 1,
                    _ => 0,
                };
                if lower == "tonight" {
                    return Some(cand(
                        a,
                        k + 1,
                        TimexType::Time,
                        Sem::Deictic { days, part: Some("NI") },
                        "time.tonight",
                    ));
                }
                if let Some(part) = day_part_after(k + 1) {
                    return Some(cand(
                        a,
                        k + 2,
                        TimexType::Time,
                        Sem::Deictic { days, part: Some(part) },
                        "time.deictic_part",
                    ));
                }
                let mut c = cand(a, k + 1, TimexType::Date, Sem::Deictic { days, part: None }, "date.deictic");
                if p.this_earlier {
                    c.a = k;
                }
                return Some(c);
            }
            "now" | "currently" | "nowadays" | "recently" | "lately" | "previously"
                if p.rel.is_none() && p.modifier.is_none() =>
            {
                if lower == "now" {
                    // discourse "Now, ..." at the start of a sentence, and "now that" are no timexes
                    let first =
                        k == 0 || self.text.sentence_at(t.start) != self.text.sentence_at(self.tok(k - 1).start);
                    if first && self.is(k + 1, ",") {
                        return None;
                    }
                    if self.is(k + 1, "that") {
                        return None;
                    }
                }
                let v = w.reference?;
                if lower == "previously" {
                    return None;
                }
                return Some(cand(k, k + 1, TimexType::Date, Sem::Value(v.into()), "ref.word"));
            }
            "date" if k > 0 && self.is(k - 1, "to") && p.k == k => {
                return Some(cand(k - 1, k + 1, TimexType::Date, Sem::Value("PRESENT_REF".into()), "ref.to_date"));
            }
            "near" | "short" | "foreseeable" if p.the && (self.is(k + 1, "future") || self.is(k + 1, "term")) => {
                return Some(cand(a, k + 2, TimexType::Date, Sem::Value("FUTURE_REF".into()), "ref.near_future"));
            }
            "year-end" if p.k == a || p.the => {
                return Some(cand(
                    a,
                    k + 1,
                    TimexType::Date,
                    Sem::Relative { unit: Unit::Year, shift: 0 },
                    "date.year_end",
                ));
            }
            "year"
                if self.is(k + 1, "end")
                    && k > 0
                    && matches!(self.tok(k - 1).l, "by" | "around" | "at" | "since" | "until" | "before" | "after") =>
            {
                return Some(cand(
                    k,
                    k + 2,
                    TimexType::Date,
                    Sem::Relative { unit: Unit::Year, shift: 0 },
                    "date.year_end",
                ));
            }
            // "that year", "later that day", "that same week": the unit of the date last named
            "that" if p.rel.is_none() || p.this_earlier => {
                let j = if self.is(k + 1, "same") { k + 2 } else { k + 1 };
                let unit =
                    self.unit_at(j).filter(|u| matches!(u, Unit::Day | Unit::Week | Unit::Month | Unit::Year))?;
                if self.t(j).is_some_and(|x| x.l.ends_with('s')) {
                    return None;
                }
                let from = if p.this_earlier { a } else { k };
                return Some(cand(from, j + 1, TimexType::Date, Sem::ThatUnit(unit), "date.that_unit"));
            }
            // "will one day be": some day ahead
            "one" if self.is(k + 1, "day") && p.k == a && k > 0 && self.tok(k - 1).lex().future => {
                return Some(cand(k, k + 2, TimexType::Date, Sem::Value("FUTURE_REF".into()), "ref.one_day"));
            }
            "so" if self.is(k + 1, "far") && p.k == a => {
                return Some(cand(k, k + 2, TimexType::Date, Sem::Value("PRESENT_REF".into()), "ref.so_far"));
            }
            // "mid-afternoon yesterday", "by mid afternoon", "late morning": a part of the day
            // named, yesterday or tomorrow, else the day of the report
            _ if p.rel.is_none()
                && (w.day_part.is_some() && p.part
                    || lower.starts_with("mid-")
                    || lower.starts_with("early-")
                    || lower.starts_with("late-"))
                && self.part_of_day_at(k, p).is_some() =>
            {
                let (part, modifier) = self.part_of_day_at(k, p)?;
                let days = match self.t(k + 1).map(|x| x.l) {
                    Some("yesterday") => Some(-1),
                    Some("today") => Some(0),
                    Some("tomorrow") => Some(1),
                    _ => None,
                };
                let e = if days.is_some() { k + 2 } else { k + 1 };
                let mut c = cand(
                    a,
                    e,
                    TimexType::Time,
                    Sem::Deictic { days: days.unwrap_or(0), part: Some(part) },
                    "time.part_of_day",
                );
                c.modifier = Some(modifier);
                return Some(c);
            }
            "morning" | "afternoon" | "evening" | "night" if p.rel == Some(0) => {
                let part = w.day_part?;
                return Some(cand(
                    a,
                    k + 1,
                    TimexType::Time,
                    Sem::Deictic { days: 0, part: Some(part) },
                    "time.this_part",
                ));
            }
            "night" if p.rel == Some(-1) && !p.the_rel => {
                return Some(cand(
                    a,
                    k + 1,
                    TimexType::Time,
                    Sem::Deictic { days: -1, part: Some("NI") },
                    "time.last_night",
                ));
            }
            "past" | "future"
                if p.the && p.rel.is_none() && self.unit_at(k + 1).is_none() && self.num_at(k + 1).is_none() =>
            {
                let v = if lower == "past" { "PAST_REF" } else { "FUTURE_REF" };
                if lower == "past" && self.lexw(k + 1).vague {
                    return None;
                }
                return Some(cand(a, k + 1, TimexType::Date, Sem::Value(v.into()), "ref.the_past_future"));
            }
            "daily" | "weekly" | "monthly" | "annually" | "yearly" | "hourly" | "nightly" | "quarterly"
                if p.k == a
                    && !(matches!(lower, "quarterly" | "annually" | "yearly")
                        && (self.adjective_use(k) || self.after_amount(k))) =>
            {
                // adjectives before a noun ("daily life") still mean a frequency in news
                let v = match lower {
                    "daily" | "nightly" => "P1D",
                    "weekly" => "P1W",
                    "monthly" => "P1M",
                    "hourly" => "PT1H",
                    "quarterly" => "P3M",
                    _ => "P1Y",
                };
                return Some(cand(a, k + 1, TimexType::Set, Sem::Value(v.into()), "set.adverb"));
            }
            "midday" | "noon" | "midnight" if p.k == a && !self.is(k.wrapping_sub(1), "high") => {
                let clock = w.day_part?;
                return Some(self.clock_with_day(a, k + 1, clock.into()));
            }
            _ => {}
        }
        None
    }

    /// A part of the day with "early", "mid" or "late" at token k ("mid afternoon" after the
    /// prefix, or one word "mid-afternoon"): its code and the modifier.
    fn part_of_day_at(&self, k: usize, p: &Prefix) -> Option<(&'static str, &'static str)> {
        let t = self.t(k).filter(|t| t.word())?;
        if let Some((head, tail)) = split_hyphen(t.l) {
            let modifier = match head {
                "early" => "START",
                "mid" => "MID",
                "late" => "END",
                _ => return None,
            };
            let part = self.g.lex.get(tail)?.day_part.filter(|d| !d.contains(':'))?;
            return Some((part, modifier));
        }
        let part = t.lex?.day_part.filter(|d| !d.contains(':') && !t.is("tonight"))?;
        let modifier = p.modifier.filter(|m| p.part && matches!(*m, "START" | "MID" | "END") && !p.the)?;
        Some((part, modifier))
    }

    /// "rise 8.5% annually", "C$17.9 million annually", "doubling its profits annually": a rate
    /// of an amount, like "5% a year", is no timex.
    fn after_amount(&self, k: usize) -> bool {
        let Some(prev) = k.checked_sub(1).and_then(|p| self.t(p)) else { return false };
        let plural_noun = prev.word()
            && prev.l.len() > 3
            && prev.l.ends_with('s')
            && !prev.l.ends_with("ss")
            && prev.lex.is_none()
            && prev.l != "times";
        prev.kind == TokenKind::Number
            || plural_noun
            || prev.lex().count_noun
            || matches!(prev.l, "%" | "percent" | "million" | "billion" | "trillion")
    }

    /// "daily volume", "the quarterly dividend", "the Party daily": a frequency word used as
    /// an adjective or a noun names no time.
    fn adjective_use(&self, k: usize) -> bool {
        let next_is_word = self.t(k + 1).is_some_and(|n| {
            n.word()
                && !matches!(
                    n.l,
                    "and"
                        | "or"
                        | "to"
                        | "in"
                        | "at"
                        | "for"
                        | "from"
                        | "since"
                        | "until"
                        | "by"
                        | "with"
                        | "on"
                        | "through"
                        | "basis"
                )
        });
        let prev_det = k > 0
            && matches!(
                self.tok(k - 1).l,
                "the"
                    | "a"
                    | "an"
                    | "its"
                    | "their"
                    | "his"
                    | "her"
                    | "our"
                    | "average"
                    | "first"
                    | "initial"
                    | "regular"
            );
        next_is_word || prev_det || (k > 0 && self.tok(k - 1).cap && self.t(k).is_some_and(|t| t.cap))
    }

    fn holiday_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        if !t.lex?.holiday || !t.cap {
            return None;
        }
        // The first word's key is the same for every holiday.
        let mut first = [0u8; 32];
        let first = crate::lexicon::lower_key(self.full(t), &mut first);
        'outer: for (idx, (parts, _)) in self.g.lex.holidays.iter().enumerate() {
            let mut j = k;
            for part in parts {
                let Some(x) = self.t(j) else { continue 'outer };
                let mut buf = [0u8; 32];
                let key = if j == k { first } else { crate::lexicon::lower_key(self.full(x), &mut buf) };
                if key != Some(part.as_str()) {
                    continue 'outer;
                }
                j += 1;
            }
            let of = if self.is(j, "of") || self.is(j, ",") { j + 1 } else { j };
            if let Some((y, e)) = self.year_at(of) {
                return Some(cand(a, e, TimexType::Date, Sem::HolidayIn(idx, y), "date.holiday_year"));
            }
            return Some(cand(a, j, TimexType::Date, Sem::Holiday(idx), "date.holiday"));
        }
        None
    }

    /// Durations and counted offsets: "five years", "twenty-five days", "two-year", "48-hour",
    /// "the past three years", "another 12 months", "two years ago", "a day later",
    /// "several more years", "many, many months", "days-long", "every day".
    fn duration_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        // "these days" (read from "days": "these" starts nothing else)
        if t.is("days") && k == a && k > 0 && self.is(k - 1, "these") {
            return Some(cand(k - 1, k + 1, TimexType::Date, Sem::Value("PRESENT_REF".into()), "ref.these_days"));
        }
        // hyphenated word forms: "two-year", "six-week", "days-long", "decades-long"
        if t.word() {
            let lower = t.l;
            if let Some((first, second)) = lower.split_once(['-', '\u{2010}']) {
                if let Some(unit) = self.g.lex.get(second).and_then(|w| w.unit) {
                    // "several-year", "multi-year": a vague count
                    if self.g.lex.get(first).is_some_and(|w| w.vague)
                        && !second.ends_with('s')
                        && !self.is(k + 1, "old")
                    {
                        let v = Sem::Value(crate::norm::duration_value(None, unit));
                        return Some(cand(a, k + 1, TimexType::Duration, v, "duration.hyphenated"));
                    }
                    if let Some(n) = self.word_number(first).or_else(|| self.word_number(&lower[..lower.rfind('-')?])) {
                        if !second.ends_with('s') {
                            let from = if p.modifier.is_none() { k } else { a };
                            let mut c = cand(
                                from,
                                k + 1,
                                TimexType::Duration,
                                Sem::Value(crate::norm::duration_value(Some(n), unit)),
                                "duration.hyphenated",
                            );
                            c.modifier = p.modifier;
                            if self.is(k + 1, "old") {
                                return None;
                            }
                            return Some(c);
                        }
                    }
                    // "twenty-five days": a hyphenated number word before a unit word
                }
                if second == "long" {
                    if let Some(unit) = self.g.lex.get(first).and_then(|w| w.unit) {
                        let n = if first.ends_with('s') { None } else { Some(1.0) };
                        return Some(cand(
                            a,
                            k + 1,
                            TimexType::Duration,
                            Sem::Value(crate::norm::duration_value(n, unit)),
                            "duration.units_long",
                        ));
                    }
                }
            }
        }
        // "48-hour", "10-year"
        if t.num.is_some() && (self.is(k + 1, "-") || self.is(k + 1, "\u{2010}")) && self.touch(k) && self.touch(k + 1)
        {
            if let Some(unit) = self.unit_at(k + 2) {
                let s = self.t(k + 2)?.s;
                if !s.ends_with('s') && !self.is(k + 3, "old") && t.digits <= 3 {
                    let from = if p.modifier.is_none() { k } else { a };
                    let mut c = cand(
                        from,
                        k + 3,
                        TimexType::Duration,
                        Sem::Value(crate::norm::duration_value(t.num.map(f64::from), unit)),
                        "duration.hyphenated",
                    );
                    c.modifier = p.modifier;
                    return Some(c);
                }
            }
        }
        // count + unit
        let (n, j) = if self.lexw(k).vague || (t.is("a") && self.is(k + 1, "few")) {
            let mut j = if t.is("a") { k + 2 } else { k + 1 };
            if self.is(j, "more") {
                j += 1;
            }
            (None, j)
        } else if t.word() && t.lex().unit.is_some() && (p.the_rel || p.rel.is_some()) && p.modifier.is_none() {
            return None; // handled by unit_core
        } else if let Some((n, j)) = self.num_at(k) {
            if t.kind == TokenKind::Number && t.digits == 4 && (self.is(j, "-") || self.year_at(k).is_some()) {
                return None; // "the 1988 quarter" is a year, not 1988 quarters
            }
            let j = if self.is(j, "more") || self.is(j, "additional") || self.is(j, "full") || self.is(j, "long") {
                j + 1
            } else {
                j
            };
            // "eight trading days", "three business days"
            let j = if self.lexw(j).unit_adjective && self.unit_at(j + 1).is_some() { j + 1 } else { j };
            (Some(n), j)
        } else if t.word()
            && (t.is("many") || t.is("months") || t.is("years") || t.is("weeks") || t.is("days") || t.is("decades"))
        {
            (None, k)
        } else {
            return None;
        };
        // "many, many months"
        let mut j = j;
        if n.is_none() && self.is(j, ",") && self.lexw(j + 1).vague {
            j += 2;
        }
        let unit = self.unit_at(j)?;
        let ut = self.t(j)?;
        let plural = ut.s.ends_with('s');
        if n.is_none() && !plural {
            return None;
        }
        // "a minute and a half", "one minute" etc.
        let mut n = n;
        let mut e = j + 1;
        if self.is(e, "and") && self.is(e + 1, "a") && self.is(e + 2, "half") {
            n = n.map(|v| v + 0.5);
            e += 3;
        }
        // counts of things that are no time: "3 min read" is not here (no "min" unit); a count
        // before a unit used as a noun modifier is still a duration ("two day visit")
        if t.kind == TokenKind::Number && self.t(k.wrapping_sub(1)).is_some_and(|x| x.is("$")) {
            return None;
        }
        // ages ("52 years old") and rates ("$1.76 a year", "four flights a week") are no timexes
        if self.is(e, "old") || self.is(e, "of") && self.is(e + 1, "age") {
            return None;
        }
        let offset_after = self.t(e).is_some_and(|x| matches!(x.l, "ago" | "earlier" | "later" | "before" | "after"));
        // "a quarter of the market" is a share
        if unit == Unit::Quarter && t.is("a") && self.is(e, "of") && !self.is(e + 1, "a") && !self.is(e + 1, "century")
        {
            return None;
        }
        if (t.is("a") || t.is("an") || t.is("per")) && n == Some(1.0) && k > 0 && !offset_after {
            let prev = self.tok(k - 1);
            let plural_noun = prev.word()
                && prev.l.len() > 3
                && prev.l.ends_with('s')
                && !prev.l.ends_with("ss")
                && prev.lex.is_none();
            if matches!(prev.l, "times" | "twice" | "once") {
                let v = crate::norm::duration_value(Some(1.0), unit);
                return Some(cand(k, e, TimexType::Set, Sem::Value(v), "set.rate"));
            }
            // "four flights a week", "5% a year"
            if prev.kind == TokenKind::Number || plural_noun || matches!(prev.l, "%" | "percent") {
                return None;
            }
        }
        if unit == Unit::Second && ut.is("second") && n == Some(1.0) && t.num.is_none() && !t.is("one") {
            return None; // "a second group", "a second time"
        }
        let nn = n.map(|v| v.round() as i64).unwrap_or(1);
        // "ago", "earlier", "later", "from now", "before", "after"
        let after = self.t(e).map(|x| x.l);
        let (sem, kind, rule, end) = match after {
            Some("ago") => {
                let sem = if n.is_none() || self.chrome_before(a) {
                    Sem::Value("PAST_REF".into())
                } else {
                    Sem::Ago { n: nn, unit, sign: -1 }
                };
                (sem, TimexType::Date, "date.units_ago", e + 1)
            }
            Some("earlier" | "later" | "before" | "after") if !p.the || p.rel.is_none() => {
                if matches!(after, Some("before" | "after")) && !self.sentence_end_or_punct(e + 1) {
                    // "two days after the attack": a duration before an event
                    (Sem::Value(crate::norm::duration_value(n, unit)), TimexType::Duration, "duration.count_unit", e)
                } else {
                    let sign = if matches!(after, Some("earlier" | "before")) { -1 } else { 1 };
                    let sem = if n.is_none() {
                        Sem::Value(if sign < 0 { "PAST_REF" } else { "FUTURE_REF" }.into())
                    } else {
                        Sem::After { n: nn, unit, sign }
                    };
                    (sem, TimexType::Date, "date.units_later", e + 1)
                }
            }
            Some("from") if self.is(e + 1, "now") => (
                if n.is_none() { Sem::Value("FUTURE_REF".into()) } else { Sem::Ago { n: nn, unit, sign: 1 } },
                TimexType::Date,
                "date.units_from_now",
                e + 2,
            ),
            _ => {
                if p.every {
                    (Sem::Value(crate::norm::duration_value(n, unit)), TimexType::Set, "set.every_n_units", e)
                } else {
                    (Sem::Value(crate::norm::duration_value(n, unit)), TimexType::Duration, "duration.count_unit", e)
                }
            }
        };
        // "the last three weeks of December": a stretch of a named date is that date
        if self.is(end, "of") && p.the {
            if let Some(mut c) = self.month_core(end + 1, &Prefix { k: end + 1, ..Prefix::default() }) {
                c.a = a;
                c.rule = "date.stretch_of_date";
                return Some(c);
            }
            if let Some((y, e2)) = self.year_at(end + 1) {
                // "the first two quarters of 1990" is the year's first half
                if unit == Unit::Quarter && nn == 2 && k > 0 {
                    let half = match self.tok(k - 1).l {
                        "first" => Some(1),
                        "last" | "final" | "latter" => Some(2),
                        _ => None,
                    };
                    if let Some(half) = half {
                        let sem = Sem::Point(Point::Half { year: y, half });
                        return Some(cand(a, e2, TimexType::Date, sem, "date.stretch_of_date"));
                    }
                }
                return Some(cand(a, e2, TimexType::Date, Sem::Point(Point::Year(y)), "date.stretch_of_date"));
            }
        }
        // Bare "a day"/"a year" as a rate ("twice a day") is a set
        if t.is("a")
            && k > 0
            && (self.is(k - 1, "twice") || self.is(k - 1, "times") || self.is(k - 1, "once"))
            && n == Some(1.0)
        {
            return Some(cand(
                a,
                e,
                TimexType::Set,
                Sem::Value(crate::norm::duration_value(Some(1.0), unit)),
                "set.rate",
            ));
        }
        if kind == TimexType::Duration
            && n == Some(1.0)
            && (t.is("a") || t.is("an"))
            && unit == Unit::Year
            && self.is(k.wrapping_sub(1), "per")
        {
            return None;
        }
        let mut c = cand(a, end, kind, sem, rule);
        c.modifier = p.modifier.filter(|m| !matches!(*m, "START" | "MID" | "END"));
        if p.the && !p.the_rel && kind == TimexType::Duration && !p.every {
            c.rule = "duration.the_units";
        }
        Some(c)
    }

    /// Whether the expression at token a is a page stamp after a dateline clock ("/ a year ago").
    fn chrome_before(&self, a: usize) -> bool {
        if a > 0 && (self.is(a - 1, "/") || self.is(a - 1, "|")) {
            return true;
        }
        // a stamp alone on its line ("a year ago" above a headline)
        let s = self.text.text;
        let start = self.tok(a).start;
        let line_start = s[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = s[start..].find('\n').map_or(s.len(), |i| start + i);
        let line = s[line_start..line_end].trim();
        line.len() <= 20 && s[line_start..start].trim().is_empty() && line.ends_with("ago")
    }

    fn sentence_end_or_punct(&self, i: usize) -> bool {
        self.t(i).is_none_or(|t| t.kind == TokenKind::Punct)
    }

    /// Bare years "2014", "in 2016", "fiscal 1989", decades "the 1990s", "mid-2014".
    fn year_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let t = self.t(k)?;
        // spoken years: "nineteen ninety-six", "nineteen seventy-nine"
        if t.word() && p.rel.is_none() {
            // "two thousand" alone is a count; only "nineteen ninety-six" stands alone
            t.lex.and_then(|w| w.number).filter(|n| (11.0..=20.0).contains(n))?;
            let (y, e) = self.spoken_year_at(k)?;
            return Some(cand(a, e, TimexType::Date, Sem::Point(Point::Year(y)), "date.spoken_year"));
        }
        // "'90s"
        if matches!(t.s, "'" | "\u{2019}") {
            let n = self.t(k + 1)?;
            if n.digits == 2
                && n.num.is_some_and(|v| v % 10 == 0)
                && self.is(k + 2, "s")
                && self.touch(k)
                && self.touch(k + 1)
            {
                let d = n.num? / 10;
                let century = if d <= 2 { 20 } else { 19 };
                return Some(cand(
                    a,
                    k + 3,
                    TimexType::Date,
                    Sem::Point(Point::Decade((century * 10 + d) as i16)),
                    "date.decade_short",
                ));
            }
            return None;
        }
        let (y, j) = self.year_at(k)?;
        // decade "1990s"
        if self.is(j, "s") && self.touch(k) && y % 10 == 0 {
            let mut c = cand(a, j + 1, TimexType::Date, Sem::Point(Point::Decade(y / 10)), "date.decade");
            c.modifier = p.modifier;
            return Some(c);
        }
        if p.rel.is_some() || p.every || p.recent {
            return None;
        }
        let prev = k.checked_sub(1).and_then(|x| self.t(x));
        let next = self.t(j);
        // "the 1988 second quarter", "the 1989 first half"
        if let Some(n) = self.t(j).and_then(|x| x.lex).map(|w| w.ordinal as i8).filter(|n| *n > 0) {
            let quarter = self.is(j + 1, "quarter") && n <= 4;
            if quarter || (self.is(j + 1, "half") && n <= 2) {
                let pt =
                    if quarter { Point::Quarter { year: y, quarter: n } } else { Point::Half { year: y, half: n } };
                return Some(cand(a, j + 2, TimexType::Date, Sem::Point(pt), "date.year_part"));
            }
        }
        // "the 1988 quarter", "the 1989 period": the reported quarter of that year
        if p.the && k == a + 1 && (self.is(j, "quarter") || self.is(j, "period")) {
            return Some(cand(a, j + 1, TimexType::Date, Sem::QuarterOfYear(y), "date.quarter_of_year"));
        }
        // identifiers and counts: "resolution 2178", "$2014", "2014 fighters", "No. 1990"
        if let Some(pv) = prev {
            if pv.lex().identifier_cue && k == a && !(pv.is("of") || pv.is("than")) {
                return None;
            }
            if matches!(pv.s, "$" | "#" | "\u{20ac}" | "\u{a3}") || pv.kind == TokenKind::Number {
                return None;
            }
            if matches!(pv.s, "." | "," | "/") && pv.end == t.start {
                return None;
            }
            if pv.s == "-"
                && pv.end == t.start
                && k >= 2
                && self.tok(k - 2).num.is_some()
                && self.tok(k - 2).digits != 4
            {
                return None;
            }
        }
        if let Some(nx) = next {
            if nx.lex().count_noun || matches!(nx.s, "%" | "km") || nx.lex().unit.is_some() && !nx.is("year") {
                return None;
            }
            if (nx.s == "." || nx.s == ",")
                && nx.end < self.t(j + 1).map_or(0, |x| x.start + 1)
                && self.t(j + 1).is_some_and(|x| x.num.is_some() && x.start == nx.end)
            {
                return None;
            }
            if nx.s == "/" && self.touch(j - 1) {
                return None;
            }
            if nx.s == "-"
                && self.touch(j - 1)
                && self.t(j + 1).is_some_and(|x| x.num.is_some() && x.digits != 4 && x.digits != 2)
            {
                return None; // release numbers "2015-123"
            }
        }
        if y < 1900 {
            let cue = prev.is_some_and(|pv| matches!(pv.l, "in" | "since" | "of" | "by" | "until" | "from" | "year"));
            if !cue {
                return None;
            }
        }
        let rule = if p.part { "date.part_of_year" } else { "date.year" };
        let mut c = cand(a, j, TimexType::Date, Sem::Point(Point::Year(y)), rule);
        c.modifier = p.modifier;
        // "fiscal 1989"
        if prev.is_some_and(|pv| pv.is("fiscal")) && k == a {
            c.a = k - 1;
        }
        Some(c)
    }

    /// A clock time followed by its day: "10 p.m. Wednesday", "noon Thursday", "5 p.m. EST,
    /// Nov. 9"; else the clock alone.
    fn clock_with_day(&self, a: usize, j: usize, clock: String) -> Cand {
        let d = self.skip_comma(j);
        if let Some((weekday, e)) = self.weekday_at(d, false) {
            return cand(a, e, TimexType::Time, Sem::WeekdayClock { weekday, clock }, "time.clock_weekday");
        }
        if let Some((month, m_end, _)) = self.month_at(d) {
            if let Some((day, e)) = self.day_at(m_end) {
                let c = self.month_day_year_tail(a, month, day, e);
                let sem = match c.sem {
                    Sem::Point(Point::Day(date)) => Sem::DateTime(date, clock),
                    _ => Sem::MonthDay { month, day, clock: Some(clock) },
                };
                return cand(a, c.b, TimexType::Time, sem, "time.clock_date");
            }
        }
        cand(a, j, TimexType::Time, Sem::Clock(clock), "time.clock")
    }

    /// Clock times "7:30 PM", "10 a.m." (on the DCT or the day last named).
    fn clock_core(&self, a: usize, p: &Prefix) -> Option<Cand> {
        let k = p.k;
        let (clock, j) = self.clock_at(k)?;
        // "10:25" alone could be a score or a verse: only with am/pm, or after "at"
        let t = self.t(j - 1)?;
        let has_ampm = !t.s.chars().all(|c| c.is_ascii_digit()) || t.s.len() != 2;
        let after_at = k > 0 && (self.is(k - 1, "at") || self.is(k - 1, "/") || self.is(k - 1, "by"));
        if !has_ampm && !after_at {
            return None;
        }
        Some(self.clock_with_day(a, j, clock))
    }
}

impl Grammar<'_> {
    fn month_cue(&self, s: &str) -> bool {
        self.lex.month_cue(s)
    }
}

/// Helpers to resolve holiday entries.
pub fn holiday_month(lex: &Lexicon, idx: usize, year: i16) -> Option<(i8, Option<i8>)> {
    match &lex.holidays.get(idx)?.1 {
        Holiday::Fixed { month, day } => Some((*month as i8, Some(*day as i8))),
        Holiday::Lunar(t) => t.get(&(year as i32)).map(|m| (*m as i8, None)),
        Holiday::NthWeekday { month, nth, weekday, offset } => {
            let day = crate::lexicon::nth_weekday_day(year, *month, *nth, *weekday, *offset)?;
            Some((*month as i8, Some(day)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Words that begin, continue or block time expressions, in several cases and forms.
    const VOCAB: &[&str] = &[
        "the",
        "The",
        "a",
        "an",
        "A",
        "last",
        "Last",
        "next",
        "this",
        "This",
        "that",
        "past",
        "coming",
        "following",
        "early",
        "mid",
        "late",
        "mid-November",
        "late-March",
        "early-afternoon",
        "mid-afternoon",
        "end",
        "of",
        "in",
        "on",
        "at",
        "by",
        "until",
        "since",
        "from",
        "to",
        "date",
        "so",
        "far",
        "near",
        "future",
        "term",
        "year",
        "years",
        "Year",
        "year's",
        "Year’s",
        "year-end",
        "year-ago",
        "year-earlier",
        "quarter",
        "Quarter",
        "quarters",
        "period",
        "half",
        "first",
        "second",
        "third",
        "fourth",
        "fiscal",
        "fiscal-first",
        "third-quarter",
        "first-half",
        "current",
        "latest",
        "same",
        "corresponding",
        "previous",
        "prior",
        "May",
        "may",
        "March",
        "march",
        "Sept",
        "Sept.",
        "Jan",
        "September",
        "December",
        "Monday",
        "monday",
        "Tue",
        "Friday's",
        "summer",
        "fall",
        "Fall",
        "winter",
        "morning",
        "evening",
        "night",
        "tonight",
        "noon",
        "midnight",
        "today",
        "Today",
        "today's",
        "yesterday",
        "tomorrow",
        "now",
        "Now",
        "recently",
        "previously",
        "daily",
        "weekly",
        "quarterly",
        "annually",
        "one",
        "two",
        "five",
        "twenty",
        "twenty-five",
        "two-year",
        "six-week",
        "days-long",
        "multi-year",
        "several-year",
        "nineteen",
        "ninety-six",
        "thousand",
        "hundred",
        "several",
        "few",
        "many",
        "some",
        "couple",
        "day",
        "days",
        "week",
        "weeks",
        "weekend",
        "month",
        "months",
        "decade",
        "decades",
        "century",
        "hours",
        "minutes",
        "ago",
        "earlier",
        "later",
        "before",
        "after",
        "more",
        "than",
        "about",
        "over",
        "under",
        "up",
        "least",
        "every",
        "each",
        "per",
        "times",
        "twice",
        "recent",
        "these",
        "will",
        "said",
        "had",
        "been",
        "is",
        "Christmas",
        "Eve",
        "New",
        "Year's",
        "Day",
        "Ramadan",
        "Eid",
        "al-Fitr",
        "Thanksgiving",
        "troops",
        "government",
        "al-Abadi",
        "anti-war",
        "great-uncle",
        "less",
        "rest",
        "full",
        "Baghdad",
        "Mosul",
        "and",
        "or",
        "old",
        "long",
        "trading",
        "2014",
        "1990",
        "1988",
        "12",
        "30",
        "7",
        "22",
        "19,000",
        "7.5",
        "13.08.2016",
        "21st",
        "3",
        "II",
        "IV",
        "Q4",
        "s",
        "90",
    ];
    const SEPS: &[&str] = &[" ", " ", " ", " ", ", ", ". ", "-", "/", ":", "\n", " 's ", "'", " (", ") ", " $", " \""];

    fn same(text: &str) -> Result<(), TestCaseError> {
        let lex = Lexicon::builtin();
        let g = Grammar::new(&lex);
        let t = Text::new(text);
        prop_assert_eq!(g.mentions_with(&t, true), g.mentions_with(&t, false), "{:?}", text);
        Ok(())
    }

    proptest! {
        /// The shortcuts (anchors, the checks of `Run::core`) turn away only tokens where no
        /// pattern matches.
        #[test]
        fn shortcuts_change_no_mention(
            parts in proptest::collection::vec(
                (proptest::sample::select(VOCAB), proptest::sample::select(SEPS)), 0..30)
        ) {
            let text: String = parts.iter().flat_map(|(w, s)| [*w, *s]).collect();
            same(&text)?;
        }

        #[test]
        fn shortcuts_change_no_mention_in_any_text(s in "\\PC{0,200}") {
            same(&s)?;
        }

        /// The byte-level helpers are the std calls they replace.
        #[test]
        fn byte_helpers_are_the_std_calls(s in "([a-z.\\-\u{2010}é]|\\PC){0,16}") {
            prop_assert_eq!(split_hyphen(&s), s.split_once('-'));
            prop_assert_eq!(dots(&s), s.matches('.').count());
        }
    }

    /// Sentences where a count or a prefix word stands before a word in no list, which the
    /// shortcuts turn away without reading it (`counts_only`, `inert`): some of them hold an
    /// expression through that word ("two long years").
    #[test]
    fn shortcuts_before_unlisted_words_change_no_mention() {
        let lex = Lexicon::builtin();
        let g = Grammar::new(&lex);
        let cases: &[(&str, usize)] = &[
            ("They waited two long years for the road.", 1),
            ("A government official spoke on Monday.", 1),
            ("She met a relative and an envoy.", 0),
            ("That convoy left; that same week the town fell.", 1),
            ("Some soldiers stayed, several officers left, many civilians fled.", 0),
            ("Twenty-five soldiers and nineteen officers were there.", 0),
            ("The army held it for an additional year.", 1),
            ("About the bridge, nothing was said.", 0),
            ("The world watched the new government.", 0),
            ("It rose by more than two years' worth.", 1),
            ("Some 12 people and 300. were counted, 19,000 fled.", 0),
            ("They met at 10 pm, then at 7 p.m. and at 7:30.", 3),
            ("A 48-hour truce, then 5 1/2 years of war.", 2),
            ("In the '90s and the 1990s, and on 13.08.2016.", 3),
            ("It was 2014. The 'truce' held.", 1),
            // inert words before words the prefix does not go on with, and hyphenated words
            // whose first word no listed word begins with
            ("The anti-war march went at night, up from the port, over the bridge.", 0),
            ("At least two years passed; more than a week later, up to 3 days more.", 3),
            ("Earlier this week the full year looked over, the rest of it under way.", 2),
            ("A great-uncle and a long-term ally met at Baghdad's long-standing hall.", 0),
            // "that" begins something only before a unit of a day to a year or "same"
            ("That week, later that day and that same month, they said that the town fell.", 3),
            ("They knew that, and that 2014 was over; that years pass is that.", 2),
            // a holiday's first word begins one only capitalised, and "New" only before a
            // listed word or one with a word inside ("Year's")
            ("The new envoy flew to New York before New Year's Day and Christmas Eve.", 2),
            ("NEW YEAR'S EVE came; new year's plans waited until Christmas.", 2),
            // a mark ends an inert word's prefix and a count, but for a comma, a hyphen or an
            // apostrophe
            ("It cost a $5 fee, about $3 more (the \"truce\" held) for a. while; two) three.", 0),
            ("Many, many months passed in the mid-1990s; the '90s were long, about - a week.", 4),
            // a count before a listed word that is no unit, number or word it reads
            ("A new truce: two said a Tuesday, a few more weeks, a couple of days, an hour.", 4),
            ("Some soldiers left some\ntoday, another said another week, some said.", 1),
            ("Several trading days, a half year, two hundred years, a little over a year.", 4),
            ("The new year began; the New Year's Day parade and the same week.", 1),
            // a month's or a weekday's name begins one only capitalised
            ("They may march in May; the march of mid-march ended Monday, sun or no sun.", 3),
            ("May rain fall? In early may, the last march, Sun. Mar. 3 and MAY 2014.", 2),
            // an inert word the prefix reads alone before a word that starts nothing
            ("About his plan, this is only what nearly everyone said over dinner last week.", 1),
        ];
        for (text, want) in cases {
            let t = Text::new(text);
            let fast = g.mentions_with(&t, true);
            assert_eq!(fast, g.mentions_with(&t, false), "{text}");
            assert_eq!(fast.len(), *want, "{text}: {fast:?}");
        }
    }

    /// `Run::may_begin` turns away an inert word the prefix reads alone before a word that
    /// starts nothing, for the prefix cannot go on through such a word: every word `Run::prefix`
    /// reads at its start is one that can start an expression.
    #[test]
    fn every_prefix_word_can_start_an_expression() {
        let lex = Lexicon::builtin();
        let words = [
            "the",
            "about",
            "around",
            "approximately",
            "roughly",
            "nearly",
            "almost",
            "some",
            "circa",
            "just",
            "only",
            "another",
            "fully",
            "still",
            "fiscal",
            "full",
            "current",
            "calendar",
            "whole",
            "entire",
            "more",
            "less",
            "fewer",
            "at",
            "up",
            "a",
            "over",
            "under",
            "early",
            "mid",
            "late",
            "beginning",
            "start",
            "end",
            "middle",
            "turn",
            "close",
            "rest",
            "remainder",
            "earlier",
            "later",
            "last",
            "past",
            "previous",
            "preceding",
            "this",
            "next",
            "coming",
            "following",
            "upcoming",
            "recent",
            "every",
            "each",
            "per",
            "first",
            "latest",
            "final",
        ];
        for w in words {
            assert!(lex.get(w).is_some_and(|e| e.starts && e.prefix), "{w}");
            assert!(prefix_word(w), "{w}");
        }
        for no in ["year", "two", "january", "said", "monday", "then", "some'"] {
            assert!(!prefix_word(no) && !lex.get(no).is_some_and(|e| e.prefix), "{no}");
        }
    }

    /// The same on the shared corpora, when they are there.
    #[test]
    fn shortcuts_change_no_mention_on_the_corpora() {
        for path in ["../../../shared/corpus/dev/docs.jsonl", "../../../shared/data/tempeval3-train/docs.jsonl"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            let Ok(data) = std::fs::read_to_string(&path) else { continue };
            for line in data.lines().filter(|l| !l.trim().is_empty()) {
                let doc: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = doc["text"].as_str().unwrap_or_default();
                if let Err(e) = same(text) {
                    panic!("{}: {e}", doc["id"]);
                }
            }
        }
    }
}
