//! The tagger's word lists, loaded from `data/lexicon.toml`.
//!
//! Month and weekday names, number words, calendar units, holidays and tense cues are domain
//! knowledge, not code: they live in one data file built into the binary, parsed once when the
//! tagger is built, and looked up through one table keyed by the words' packed bytes. The
//! tagger's pass over a text looks each word up once more by the key the text's word starts
//! already hold ([`Lexicon::by_key`]), so the words of a report are not hashed again.

use chronicle_core::{word_key, WordStart};
use serde::Deserialize;
use std::collections::HashMap;

/// The built-in lexicon source.
pub const LEXICON_TOML: &str = include_str!("../data/lexicon.toml");

/// Why a lexicon could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("lexicon is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("lexicon: unknown {what} code {code:?} for {word:?}")]
    Code { what: &'static str, code: String, word: String },
    #[error("lexicon: bad fixed holiday date {0:?} (want MM-DD)")]
    Holiday(String),
}

/// A calendar unit of durations and relative expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Fortnight,
    Weekend,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    fn parse(code: &str) -> Option<Unit> {
        Some(match code {
            "TS" => Unit::Second,
            "TM" => Unit::Minute,
            "TH" => Unit::Hour,
            "D" => Unit::Day,
            "W" => Unit::Week,
            "2W" => Unit::Fortnight,
            "WE" => Unit::Weekend,
            "M" => Unit::Month,
            "Q" => Unit::Quarter,
            "Y" => Unit::Year,
            "DE" => Unit::Decade,
            "CE" => Unit::Century,
            _ => return None,
        })
    }

    /// Whether the unit is a clock unit (its duration is written PT...).
    pub fn is_clock(self) -> bool {
        matches!(self, Unit::Second | Unit::Minute | Unit::Hour)
    }
}

/// Everything the lexicon knows about one lower-cased word.
#[derive(Clone, Copy, Debug, Default)]
pub struct Word {
    /// Month number (1-12) of a full month name.
    pub month: u8,
    /// Month number of an abbreviation ("Sept").
    pub month_abbr: u8,
    /// A month name that is also a common word ("may", "march").
    pub ambiguous_month: bool,
    /// ISO weekday (1 = Monday) of a full weekday name.
    pub weekday: u8,
    /// ISO weekday of an abbreviation ("Tue").
    pub weekday_abbr: u8,
    pub season: Option<&'static str>,
    pub day_part: Option<&'static str>,
    pub number: Option<f64>,
    pub vague: bool,
    pub ordinal: u8,
    pub unit: Option<Unit>,
    pub count_noun: bool,
    pub identifier_cue: bool,
    pub date_cue: bool,
    pub reference: Option<&'static str>,
    pub past: bool,
    pub future: bool,
    pub not_past: bool,
    /// A reporting verb ("said"): no tense cue for the reported clause.
    pub reporting: bool,
    /// A determiner or possessive ("the", "its"): a tense word after it is a noun ("the plan").
    pub determiner: bool,
    /// A past-looking form that speaks of the future before "to" or "for" ("set to resume").
    pub future_with_to: bool,
    /// A present form of "be": "is to resume" speaks of the future.
    pub present_be: bool,
    /// The perfect auxiliary "had": "had been due to expire" is past.
    pub perfect: bool,
    /// The middle word of "as soon as" / "as early as": a date after it is ahead.
    pub future_as: bool,
    /// A deadline word ("by", "until"): the date after it is ahead unless the clause is perfect.
    pub deadline: bool,
    /// A softer deadline word ("by"): ahead unless a past verb dates the clause.
    pub soft_deadline: bool,
    /// A verb that sets a deadline ("postponed until Tuesday"): its past tense looks ahead.
    pub deadline_verb: bool,
    /// A present-tense verb of a scheduled event ("Arafat meets Albright Monday"): ahead.
    pub scheduled_present: bool,
    /// A word that sets a period beside the reported one ("the corresponding period last year").
    pub comparison: bool,
    /// A word between a count and its unit ("eight trading days").
    pub unit_adjective: bool,
    /// A conjunction that opens a clause ("and the following year he ...").
    pub conjunction: bool,
    /// A time word written in lower case ("today", "week"): capitalised inside a sentence it is
    /// part of a name ("VOA Today", "This Week"). Units and parts of the day are such words too.
    pub lower_case_time: bool,
    /// A noun after "today's" that makes it the present era, not a day ("today's world").
    pub era_noun: bool,
    /// Lets an ambiguous month name stand alone after it ("in May").
    pub month_cue: bool,
    /// First word of a holiday name (see [`Lexicon::holidays`]).
    pub holiday: bool,
    /// A word the grammar reads as a prefix or fixed phrase ("the", "last", "today").
    pub grammar: bool,
    /// Whether a temporal expression can start at this word (set by [`Lexicon::parse`]); cue
    /// words ("said", "in", "troops") are looked up for context only.
    pub starts: bool,
    /// Whether no pattern of the grammar can begin at this word, whatever follows it (set by
    /// [`Lexicon::parse`] from the grammar's own test): a prefix word such as "the" before a
    /// word in no list begins nothing, which the tagger then knows without a token record.
    pub inert: bool,
    /// Whether the only patterns that can begin at this word are those of a count or of
    /// "that", which read a listed word next (set by [`Lexicon::parse`] from the grammar).
    pub counts_only: bool,
    /// A word the tense scan tests as a cue: reporting, past, future, "set" or scheduled
    /// (set by [`Lexicon::parse`]).
    pub tense_cue: bool,
    /// For an inert word, what must stand after it for the word to begin an expression as a
    /// prefix (set by [`Lexicon::parse`] from the grammar's prefix rules, see [`PrefixNeeds`]).
    pub prefix_needs: PrefixNeeds,
    /// Whether the only patterns that can begin at this word are names that need it
    /// capitalised: a holiday's ("New" of "New Year's Day"), a month's or a weekday's ("May",
    /// "March", "Sun") (set by [`Lexicon::parse`] from the grammar's own test).
    pub capital_only: bool,
    /// Whether the grammar's prefix reads this word ("the", "about", "last", "early": see
    /// the tagger's `prefix_word`; set by [`Lexicon::parse`]): the prefix stops at any other.
    pub prefix: bool,
    /// For a holiday's first word: whether a holiday name is the word alone or goes on with a
    /// plain word in no list ("Christmas", "Christmas Eve" with "eve" unlisted), so that a next
    /// word in no list does not rule one out.
    pub holiday_open: bool,
}

/// What must follow an inert word ([`Word::inert`]) for an expression to begin at it: none
/// begins at the word itself, so one begins there only when the grammar's prefix reads the
/// word and goes on ("at least", "more than", "earlier this"); the tagger turns the word away
/// before reading any record when the next word is not one the prefix would go on with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PrefixNeeds {
    /// Any next token (or the word is not inert).
    #[default]
    Any,
    /// Nothing: the prefix never goes on from this word at an expression's first token ("full",
    /// "rest" need "the" before them).
    Never,
    /// One of these words (lower case).
    OneOf(&'static [&'static str]),
    /// Anything but "the" ("over the weekend" is no "more than").
    NotThe,
}

impl Word {
    /// What the lexicon knows of a word it does not list: nothing.
    pub const EMPTY: Word = Word {
        month: 0,
        month_abbr: 0,
        ambiguous_month: false,
        weekday: 0,
        weekday_abbr: 0,
        season: None,
        day_part: None,
        number: None,
        vague: false,
        ordinal: 0,
        unit: None,
        count_noun: false,
        identifier_cue: false,
        date_cue: false,
        reference: None,
        past: false,
        future: false,
        not_past: false,
        reporting: false,
        determiner: false,
        future_with_to: false,
        present_be: false,
        perfect: false,
        future_as: false,
        deadline: false,
        soft_deadline: false,
        deadline_verb: false,
        scheduled_present: false,
        comparison: false,
        unit_adjective: false,
        conjunction: false,
        lower_case_time: false,
        era_noun: false,
        month_cue: false,
        holiday: false,
        grammar: false,
        starts: false,
        inert: false,
        counts_only: false,
        tense_cue: false,
        prefix_needs: PrefixNeeds::Any,
        capital_only: false,
        prefix: false,
        holiday_open: false,
    };
}

/// What a holiday name resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holiday {
    /// A fixed month and day.
    Fixed { month: u8, day: u8 },
    /// A lunar holiday: the Gregorian month it (mostly) falls in, per year.
    Lunar(HashMap<i32, u8>),
    /// The nth weekday of a month (`nth` 0 = the last), moved by `offset` days: Thanksgiving is
    /// the fourth Thursday of November, Election Day the day after the first Monday.
    NthWeekday { month: u8, nth: u8, weekday: u8, offset: i8 },
}

/// FNV-1a: the lexicon's keys are short words, for which SipHash costs more than the lookup.
#[derive(Clone, Copy, Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// The longest word of the lexicon, in bytes; longer tokens are not looked up.
const MAX_WORD: usize = 16;

/// The loaded word lists.
pub struct Lexicon {
    /// The words, in the slots of an open-addressing table keyed by their bytes.
    table: Packed,
    /// The words' first words by their folded word keys (see [`Lexicon::by_key`]).
    keys: KeyTable,
    /// Whether some listed word begins with a character that cannot begin a word (only then
    /// can a punctuation token be in the lexicon).
    punct_keys: bool,
    /// The listed words that are one ASCII mark ("," and "/" are date cues), by the mark.
    marks: [Option<u32>; 128],
    /// Holiday names split in words (lower case, straight apostrophes), longest first.
    pub holidays: Vec<(Vec<String>, Holiday)>,
    /// The word indexes ([`Lexicon::word_index`]) of "that" and "same" (0 when not listed),
    /// which the tagger's shortcuts read for every document.
    pub(crate) that_same: (u32, u32),
}

/// What [`Lexicon::by_key`] knows of a word start's word: whether it is the first word of a
/// listed word ([`KEY_LISTED`]), of a word that can start an expression ([`KEY_STARTS`]), and
/// which listed word it is when it is one whole (the index past [`KEY_WORD_SHIFT`], plus one)
/// with three of that word's flags, so that the tagger's pass over the words reads no entry.
pub type KeyEntry = u32;
/// The word is the first word of a listed word (exact, but for 64-bit key collisions).
pub const KEY_LISTED: KeyEntry = 1;
/// The word is the first word of a listed word that can start an expression.
pub const KEY_STARTS: KeyEntry = 4;
/// The listed word the entry names ([`Lexicon::word_index`]) can start an expression.
pub const KEY_WORD_STARTS: KeyEntry = 8;
/// The listed word the entry names is [`Word::inert`].
pub const KEY_WORD_INERT: KeyEntry = 16;
/// The listed word the entry names is [`Word::counts_only`].
pub const KEY_WORD_COUNTS: KeyEntry = 32;
/// The listed word the entry names is a tense cue ([`Word::tense_cue`]).
pub const KEY_WORD_CUE: KeyEntry = 128;
/// The listed word the entry names begins only names written with a capital
/// ([`Word::capital_only`]).
pub const KEY_WORD_CAPITAL: KeyEntry = 256;
/// The listed word's index, plus one, sits above this shift (0: the word is listed only as
/// the first word of longer ones, "year" of "year-end", or not at all).
pub const KEY_WORD_SHIFT: u32 = 9;

/// An open-addressing table from a folded word key ([`chronicle_core::word_key`]) to its
/// [`KeyEntry`]: one probe per word of a report, where a filter test and then a packed look-up
/// cost two, and the word need not be lowered and packed first.
struct KeyTable {
    /// (key, entry); entry 0 marks an empty slot (every stored entry has [`KEY_LISTED`]).
    slots: Box<[(u64, KeyEntry)]>,
    shift: u32,
}

impl KeyTable {
    fn new(entries: &HashMap<u64, KeyEntry>) -> KeyTable {
        let size = (entries.len() * 4).next_power_of_two().max(64);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![(0u64, 0 as KeyEntry); size].into_boxed_slice();
        // in key order, so that the table (and what a look-up costs) is the same every run
        let mut sorted: Vec<(u64, KeyEntry)> = entries.iter().map(|(&k, &e)| (k, e)).collect();
        sorted.sort_unstable();
        for (k, e) in sorted {
            let mut i = KeyTable::slot(k, shift);
            while slots[i].1 != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = (k, e);
        }
        KeyTable { slots, shift }
    }

    #[inline(always)]
    fn slot(key: u64, shift: u32) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> shift) as usize
    }

    #[inline(always)]
    fn get(&self, key: u64) -> KeyEntry {
        let mask = self.slots.len() - 1;
        let mut i = KeyTable::slot(key, self.shift);
        loop {
            let (k, e) = self.slots[i];
            if e == 0 || k == key {
                return e;
            }
            i = (i + 1) & mask;
        }
    }
}

#[derive(Deserialize)]
struct Raw {
    months: HashMap<String, u8>,
    month_abbreviations: HashMap<String, u8>,
    ambiguous_months: WordList,
    weekdays: HashMap<String, u8>,
    weekday_abbreviations: HashMap<String, u8>,
    seasons: HashMap<String, String>,
    day_parts: HashMap<String, String>,
    numbers: HashMap<String, f64>,
    vague_quantities: WordList,
    ordinals: HashMap<String, u8>,
    units: HashMap<String, String>,
    count_nouns: WordList,
    identifier_cues: WordList,
    date_cues: WordList,
    month_cues: WordList,
    grammar_words: WordList,
    refs: HashMap<String, String>,
    holidays_fixed: HashMap<String, String>,
    holidays_lunar: HashMap<String, HashMap<String, u8>>,
    holidays_weekday: HashMap<String, String>,
    tense: Tense,
    finance: Finance,
    clause: Clause,
}

#[derive(Deserialize)]
struct Finance {
    comparison: Vec<String>,
}

#[derive(Deserialize)]
struct Clause {
    unit_adjectives: Vec<String>,
    conjunctions: Vec<String>,
    lower_case_time: Vec<String>,
    era_nouns: Vec<String>,
}

#[derive(Deserialize)]
struct WordList {
    words: Vec<String>,
}

#[derive(Deserialize)]
struct Tense {
    past: Vec<String>,
    future: Vec<String>,
    not_past: Vec<String>,
    reporting: Vec<String>,
    determiners: Vec<String>,
    future_with_to: Vec<String>,
    present_be: Vec<String>,
    perfect: Vec<String>,
    future_as: Vec<String>,
    deadline: Vec<String>,
    soft_deadline: Vec<String>,
    deadline_verbs: Vec<String>,
    scheduled_present: Vec<String>,
}

const SEASONS: &[&str] = &["SP", "SU", "FA", "WI"];
const DAY_PARTS: &[&str] = &["MO", "AF", "EV", "NI", "12:00", "24:00"];
const REFS: &[&str] = &["PRESENT_REF", "PAST_REF", "FUTURE_REF"];

fn intern(code: &str, table: &[&'static str], what: &'static str, word: &str) -> Result<&'static str, LexiconError> {
    table.iter().copied().find(|c| *c == code).ok_or_else(|| LexiconError::Code {
        what,
        code: code.to_string(),
        word: word.to_string(),
    })
}

impl Lexicon {
    /// What the lexicon knows of the word at `w` by its folded key: a [`KeyEntry`], 0 when no
    /// listed word begins with it. Exact but for 64-bit key collisions, which can only add
    /// [`KEY_LISTED`] or [`KEY_STARTS`] (a "may be"); a whole word it names must be confirmed
    /// with [`Lexicon::confirmed_word`].
    #[inline(always)]
    pub fn by_key(&self, w: &WordStart) -> KeyEntry {
        self.keys.get(w.key(true))
    }

    /// [`Lexicon::by_key`] for a folded word key ([`chronicle_core::word_key`]).
    pub fn key_entry(&self, key: u64) -> KeyEntry {
        self.keys.get(key)
    }

    /// The listed word entry `e` ([`Lexicon::by_key`]) names by its key, if any, as its index
    /// plus one (0 for none). Unconfirmed: a key collision can name a word that is not the
    /// text's ([`Lexicon::confirmed_word`] compares the bytes).
    #[inline(always)]
    pub fn word_index(e: KeyEntry) -> u32 {
        e >> KEY_WORD_SHIFT
    }

    /// The word of index `idx` ([`Lexicon::word_index`]; `None` for 0), unconfirmed.
    #[inline(always)]
    pub fn word(&self, idx: u32) -> Option<&Word> {
        self.table.words.get((idx as usize).wrapping_sub(1))
    }

    /// The word of index `idx` if it is the word of `len` bytes at the start of `lowered` (the
    /// text lower-cased, padded with at least sixteen bytes): the bytes are compared, so a key
    /// collision finds nothing.
    #[inline(always)]
    pub fn confirmed_word(&self, idx: u32, lowered: &[u8], len: usize) -> Option<&Word> {
        let i = (idx as usize).wrapping_sub(1);
        let (&(key, n), b) = (self.table.packed.get(i)?, lowered.get(..16)?);
        if n as usize != len {
            return None;
        }
        let a = u64::from_le_bytes(b[..8].try_into().unwrap_or_default());
        let c = u64::from_le_bytes(b[8..].try_into().unwrap_or_default());
        // the zero padding of the packed key past the word's length
        let keep = |x: u64, n: usize| if n >= 8 { x } else { x & ((1u64 << (8 * n)) - 1) };
        if [keep(a, len), keep(c, len.saturating_sub(8))] == key {
            self.table.words.get(i)
        } else {
            None
        }
    }

    /// The listed word that is the ASCII mark `b`, if any (the same as [`Lexicon::get`]).
    #[inline]
    pub fn mark(&self, b: u8) -> Option<&Word> {
        self.table.words.get(*self.marks.get(b as usize)?.as_ref()? as usize)
    }

    /// Whether a punctuation token can be a listed word (no listed word begins with one).
    #[inline]
    pub fn lists_punctuation(&self) -> bool {
        self.punct_keys
    }

    /// The built-in lexicon.
    pub fn builtin() -> Lexicon {
        Lexicon::parse(LEXICON_TOML).expect("the built-in lexicon is valid (tested)")
    }

    /// Parses a lexicon in the format of `data/lexicon.toml`.
    pub fn parse(source: &str) -> Result<Lexicon, LexiconError> {
        let raw: Raw = toml::from_str(source)?;
        let mut words: HashMap<String, Word, FnvBuild> = HashMap::default();
        fn set(words: &mut HashMap<String, Word, FnvBuild>, w: &str, f: impl FnOnce(&mut Word)) {
            f(words.entry(w.to_lowercase()).or_default());
        }
        for (w, m) in &raw.months {
            set(&mut words, w, |e| e.month = *m);
        }
        for (w, m) in &raw.month_abbreviations {
            set(&mut words, w, |e| e.month_abbr = *m);
        }
        for w in &raw.ambiguous_months.words {
            set(&mut words, w, |e| e.ambiguous_month = true);
        }
        for (w, d) in &raw.weekdays {
            set(&mut words, w, |e| e.weekday = *d);
        }
        for (w, d) in &raw.weekday_abbreviations {
            set(&mut words, w, |e| e.weekday_abbr = *d);
        }
        for (w, code) in &raw.seasons {
            let c = intern(code, SEASONS, "season", w)?;
            set(&mut words, w, |e| e.season = Some(c));
        }
        for (w, code) in &raw.day_parts {
            let c = intern(code, DAY_PARTS, "day part", w)?;
            set(&mut words, w, |e| e.day_part = Some(c));
        }
        for (w, n) in &raw.numbers {
            set(&mut words, w, |e| e.number = Some(*n));
        }
        for w in &raw.vague_quantities.words {
            set(&mut words, w, |e| e.vague = true);
        }
        for (w, n) in &raw.ordinals {
            set(&mut words, w, |e| e.ordinal = *n);
        }
        for (w, code) in &raw.units {
            let u = Unit::parse(code).ok_or_else(|| LexiconError::Code {
                what: "unit",
                code: code.clone(),
                word: w.clone(),
            })?;
            set(&mut words, w, |e| e.unit = Some(u));
        }
        for w in &raw.count_nouns.words {
            set(&mut words, w, |e| e.count_noun = true);
        }
        for w in &raw.identifier_cues.words {
            set(&mut words, w, |e| e.identifier_cue = true);
        }
        for w in &raw.date_cues.words {
            set(&mut words, w, |e| e.date_cue = true);
        }
        for w in &raw.grammar_words.words {
            set(&mut words, w, |e| e.grammar = true);
        }
        for w in &raw.month_cues.words {
            set(&mut words, w, |e| e.month_cue = true);
        }
        for (w, code) in &raw.refs {
            let c = intern(code, REFS, "reference", w)?;
            set(&mut words, w, |e| e.reference = Some(c));
        }
        for w in &raw.tense.past {
            set(&mut words, w, |e| e.past = true);
        }
        for w in &raw.tense.future {
            set(&mut words, w, |e| e.future = true);
        }
        for w in &raw.tense.reporting {
            set(&mut words, w, |e| e.reporting = true);
        }
        for w in &raw.tense.not_past {
            set(&mut words, w, |e| e.not_past = true);
        }
        for w in &raw.tense.determiners {
            set(&mut words, w, |e| e.determiner = true);
        }
        for w in &raw.tense.future_with_to {
            set(&mut words, w, |e| e.future_with_to = true);
        }
        for w in &raw.tense.present_be {
            set(&mut words, w, |e| e.present_be = true);
        }
        for w in &raw.tense.perfect {
            set(&mut words, w, |e| e.perfect = true);
        }
        for w in &raw.tense.future_as {
            set(&mut words, w, |e| e.future_as = true);
        }
        for w in &raw.tense.deadline {
            set(&mut words, w, |e| e.deadline = true);
        }
        for w in &raw.tense.soft_deadline {
            set(&mut words, w, |e| e.soft_deadline = true);
        }
        for w in &raw.tense.deadline_verbs {
            set(&mut words, w, |e| e.deadline_verb = true);
        }
        for w in &raw.tense.scheduled_present {
            set(&mut words, w, |e| e.scheduled_present = true);
        }
        for w in &raw.finance.comparison {
            set(&mut words, w, |e| e.comparison = true);
        }
        for w in &raw.clause.unit_adjectives {
            set(&mut words, w, |e| e.unit_adjective = true);
        }
        for w in &raw.clause.conjunctions {
            set(&mut words, w, |e| e.conjunction = true);
        }
        for w in &raw.clause.lower_case_time {
            set(&mut words, w, |e| e.lower_case_time = true);
        }
        for w in &raw.clause.era_nouns {
            set(&mut words, w, |e| e.era_noun = true);
        }
        let mut holidays = Vec::new();
        for (name, date) in &raw.holidays_fixed {
            let (m, d) = date
                .split_once('-')
                .and_then(|(m, d)| Some((m.parse::<u8>().ok()?, d.parse::<u8>().ok()?)))
                .filter(|(m, d)| (1..=12).contains(m) && (1..=31).contains(d))
                .ok_or_else(|| LexiconError::Holiday(date.clone()))?;
            holidays.push((split_name(name), Holiday::Fixed { month: m, day: d }));
        }
        for (name, rule) in &raw.holidays_weekday {
            holidays
                .push((split_name(name), parse_nth_weekday(rule).ok_or_else(|| LexiconError::Holiday(rule.clone()))?));
        }
        for (name, years) in &raw.holidays_lunar {
            let table = years.iter().filter_map(|(y, m)| Some((y.parse::<i32>().ok()?, *m))).collect();
            holidays.push((split_name(name), Holiday::Lunar(table)));
        }
        holidays.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        for (parts, _) in &holidays {
            if let Some(first) = parts.first() {
                set(&mut words, first, |e| e.holiday = true);
            }
        }
        // (after every word is in: whether a holiday's second word is listed)
        let open: Vec<&String> = holidays
            .iter()
            .filter(|(parts, _)| match parts.get(1) {
                None => true,
                Some(second) => !words.contains_key(second) && second.chars().all(char::is_alphanumeric),
            })
            .filter_map(|(parts, _)| parts.first())
            .collect();
        for first in open {
            set(&mut words, first, |e| e.holiday_open = true);
        }
        for (k, w) in words.iter_mut() {
            w.lower_case_time |= w.unit.is_some() || w.day_part.is_some();
            w.starts = w.grammar
                || w.holiday
                || w.month > 0
                || w.month_abbr > 0
                || w.weekday > 0
                || w.weekday_abbr > 0
                || w.season.is_some()
                || w.day_part.is_some()
                || w.number.is_some()
                || w.vague
                || w.ordinal > 0
                || w.unit.is_some()
                || w.reference.is_some();
            w.inert = crate::tag::inert_word(w, k);
            w.counts_only = crate::tag::counts_only(w, k);
            w.tense_cue = w.reporting || w.future_with_to || w.scheduled_present || w.future || w.past;
            w.prefix_needs = if w.inert { crate::tag::prefix_needs(k) } else { PrefixNeeds::Any };
            w.capital_only = crate::tag::capital_only(w, k);
            w.prefix = crate::tag::prefix_word(k);
        }
        if let Some(long) = words.keys().find(|k| k.len() > MAX_WORD) {
            return Err(LexiconError::Code { what: "word length", code: long.len().to_string(), word: long.clone() });
        }
        let table = Packed::new(&words);
        let mut entries: HashMap<u64, KeyEntry> = HashMap::new();
        for (k, w) in &words {
            let e = entries.entry(word_key(k, true)).or_default();
            *e |= KEY_LISTED;
            if w.starts {
                *e |= KEY_STARTS;
            }
        }
        for (i, (key, n)) in table.packed.iter().enumerate() {
            let k = &key_bytes(*key)[..*n as usize];
            if k.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
                let e = entries.entry(word_key(std::str::from_utf8(k).unwrap_or_default(), true)).or_default();
                if *e >> KEY_WORD_SHIFT != 0 {
                    // two listed words with one key: they could not be told apart by it
                    let word = String::from_utf8_lossy(k).into_owned();
                    return Err(LexiconError::Code { what: "word key", code: "collision".into(), word });
                }
                let w = &table.words[i];
                *e |= ((i + 1) as KeyEntry) << KEY_WORD_SHIFT
                    | if w.starts { KEY_WORD_STARTS } else { 0 }
                    | if w.inert { KEY_WORD_INERT } else { 0 }
                    | if w.counts_only { KEY_WORD_COUNTS } else { 0 }
                    | if w.tense_cue { KEY_WORD_CUE } else { 0 }
                    | if w.capital_only { KEY_WORD_CAPITAL } else { 0 };
            }
        }
        let keys = KeyTable::new(&entries);
        let punct_keys = words.keys().any(|k| k.chars().next().is_some_and(|c| !c.is_alphanumeric()));
        let mut marks = [None; 128];
        for (i, (key, n)) in table.packed.iter().enumerate() {
            let b = key_bytes(*key)[0];
            if *n == 1 && b.is_ascii() && !b.is_ascii_alphanumeric() {
                marks[b as usize] = Some(i as u32);
            }
        }
        let index = |w: &str| Lexicon::word_index(keys.get(word_key(w, true)));
        let that_same = (index("that"), index("same"));
        Ok(Lexicon { table, keys, punct_keys, marks, holidays, that_same })
    }

    /// Whether `word` lets an ambiguous month stand alone after it.
    pub fn month_cue(&self, word: &str) -> bool {
        self.get(word).is_some_and(|w| w.month_cue)
    }

    /// Looks up a word already in lower case (ASCII, straight apostrophes).
    #[inline]
    pub fn get_lower(&self, word: &str) -> Option<&Word> {
        self.table.get(word.as_bytes())
    }

    /// Looks up the lower-case word of `len` bytes at the start of `bytes`, which holds at
    /// least sixteen bytes (the text padded with zeros): no copy of the word.
    #[inline]
    pub fn get_lower_padded(&self, bytes: &[u8], len: usize) -> Option<&Word> {
        match bytes.get(..16) {
            Some(b) if (1..=MAX_WORD).contains(&len) => {
                let (a, c) = b.split_at(8);
                let a = u64::from_le_bytes(a.try_into().unwrap_or_default());
                let c = u64::from_le_bytes(c.try_into().unwrap_or_default());
                let keep = |x: u64, n: usize| if n >= 8 { x } else { x & ((1u64 << (8 * n)) - 1) };
                self.table.get_key([keep(a, len), keep(c, len.saturating_sub(8))], len)
            }
            _ => self.get_lower(std::str::from_utf8(bytes.get(..len)?).ok()?),
        }
    }

    /// Looks up a word (any case; curly apostrophes count as straight ones). No allocation for
    /// ASCII words of up to 32 bytes.
    pub fn get(&self, word: &str) -> Option<&Word> {
        if word.len() > MAX_WORD || word.is_empty() {
            return None;
        }
        let bytes = word.as_bytes();
        if bytes.is_ascii() {
            // The common case: fold the bytes straight into the packed key.
            let mut buf = [0u8; 16];
            for (d, b) in buf.iter_mut().zip(bytes) {
                *d = b.to_ascii_lowercase();
            }
            return self.get_lower_padded(&buf, bytes.len());
        }
        let mut buf = [0u8; 32];
        let key = lower_key(word, &mut buf)?;
        self.get_lower(key)
    }
}

/// The lexicon's table. Every word fits in sixteen bytes ([`MAX_WORD`]), so a word is its
/// bytes packed in two integers (zero-padded) and its length: hashing and comparing a key are
/// a few multiplications and compares, where a string-keyed hash map hashed the word byte by
/// byte and compared it with a call, at every listed word of every document.
struct Packed {
    /// (packed bytes, length, index in `words` + 1); index 0 marks an empty slot.
    slots: Box<[([u64; 2], u32, u32)]>,
    shift: u32,
    words: Vec<Word>,
    /// Each word's packed bytes and length, in the order of `words`.
    packed: Vec<([u64; 2], u32)>,
}

impl Packed {
    fn new(map: &HashMap<String, Word, FnvBuild>) -> Packed {
        let size = (map.len() * 4).next_power_of_two().max(64);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![([0u64; 2], 0u32, 0u32); size].into_boxed_slice();
        let mut words = Vec::with_capacity(map.len());
        let mut packed = Vec::with_capacity(map.len());
        let mut keys: Vec<&String> = map.keys().filter(|k| k.len() <= MAX_WORD).collect();
        keys.sort();
        for k in keys {
            words.push(map[k]);
            let key = pack(k.as_bytes());
            packed.push((key, k.len() as u32));
            let mut i = Packed::slot(key, k.len(), shift);
            while slots[i].2 != 0 {
                i = (i + 1) & (size - 1);
            }
            slots[i] = (key, k.len() as u32, words.len() as u32);
        }
        Packed { slots, shift, words, packed }
    }

    #[inline]
    fn slot(key: [u64; 2], len: usize, shift: u32) -> usize {
        let h = (key[0] ^ key[1].rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> shift) as usize
    }

    #[inline]
    fn get(&self, word: &[u8]) -> Option<&Word> {
        if word.len() > MAX_WORD || word.is_empty() {
            return None;
        }
        self.get_key(pack(word), word.len())
    }

    #[inline]
    fn get_key(&self, key: [u64; 2], len: usize) -> Option<&Word> {
        let mask = self.slots.len() - 1;
        let mut i = Packed::slot(key, len, self.shift);
        loop {
            let (k, n, idx) = self.slots[i];
            if idx == 0 {
                return None;
            }
            if k == key && n as usize == len {
                return self.words.get(idx as usize - 1);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The bytes of a word of at most sixteen bytes, zero-padded, as two integers.
#[inline]
fn pack(word: &[u8]) -> [u64; 2] {
    let mut buf = [0u8; 16];
    let n = word.len().min(16);
    buf[..n].copy_from_slice(&word[..n]);
    let (a, b) = buf.split_at(8);
    [u64::from_le_bytes(a.try_into().unwrap_or_default()), u64::from_le_bytes(b.try_into().unwrap_or_default())]
}

/// The bytes packed by [`pack`].
fn key_bytes(key: [u64; 2]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&key[0].to_le_bytes());
    out[8..].copy_from_slice(&key[1].to_le_bytes());
    out
}

/// Lower-cases `word` into `buf` (ASCII only, `’` as `'`); `None` when it does not fit or has
/// other non-ASCII characters.
pub fn lower_key<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let mut n = 0;
    for c in word.chars() {
        let b = match c {
            '\u{2019}' | '\u{2018}' => b'\'',
            c if c.is_ascii() => (c as u8).to_ascii_lowercase(),
            _ => return None,
        };
        *buf.get_mut(n)? = b;
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// "11-4-4" (the fourth Thursday of November), "05-L-1" (the last Monday of May), "11-1-1+1"
/// (the day after the first Monday of November).
fn parse_nth_weekday(rule: &str) -> Option<Holiday> {
    let (body, offset) = match rule.split_once('+') {
        Some((b, o)) => (b, o.parse::<i8>().ok()?),
        None => (rule, 0),
    };
    let mut parts = body.split('-');
    let month = parts.next()?.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
    let nth = match parts.next()? {
        "L" => 0,
        n => n.parse::<u8>().ok().filter(|n| (1..=5).contains(n))?,
    };
    let weekday = parts.next()?.parse::<u8>().ok().filter(|w| (1..=7).contains(w))?;
    if parts.next().is_some() || !(0..=7).contains(&offset) {
        return None;
    }
    Some(Holiday::NthWeekday { month, nth, weekday, offset })
}

/// The day of an nth-weekday holiday in `year`.
pub fn nth_weekday_day(year: i16, month: u8, nth: u8, weekday: u8, offset: i8) -> Option<i8> {
    let first = jiff::civil::Date::new(year, month as i8, 1).ok()?;
    let first_wd = first.weekday().to_monday_one_offset();
    let first_match = 1 + (weekday as i8 - first_wd).rem_euclid(7);
    let days = first.days_in_month();
    let day = if nth == 0 { first_match + 7 * ((days - first_match) / 7) } else { first_match + 7 * (nth as i8 - 1) };
    let day = day + offset;
    (day <= days).then_some(day)
}

fn split_name(name: &str) -> Vec<String> {
    name.split_whitespace().map(|w| w.to_lowercase().replace('\u{2019}', "'")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_loads_every_list() {
        let lex = Lexicon::builtin();
        type Check = fn(&Word) -> bool;
        let cases: &[(&str, Check)] = &[
            ("September", |w| w.month == 9),
            ("sept", |w| w.month_abbr == 9),
            ("May", |w| w.month == 5 && w.ambiguous_month),
            ("thursday", |w| w.weekday == 4),
            ("Tue", |w| w.weekday_abbr == 2),
            ("fall", |w| w.season == Some("FA")),
            ("evening", |w| w.day_part == Some("EV")),
            ("twenty", |w| w.number == Some(20.0)),
            ("several", |w| w.vague),
            ("third", |w| w.ordinal == 3),
            ("years", |w| w.unit == Some(Unit::Year)),
            ("hours", |w| w.unit == Some(Unit::Hour)),
            ("troops", |w| w.count_noun),
            ("resolution", |w| w.identifier_cue),
            ("since", |w| w.date_cue),
            ("recently", |w| w.reference == Some("PAST_REF")),
            ("met", |w| w.past),
            ("said", |w| w.reporting && !w.past),
            ("will", |w| w.future),
            ("hundred", |w| w.not_past),
            ("its", |w| w.determiner),
            ("set", |w| w.future_with_to && w.past),
            ("is", |w| w.present_be),
            ("had", |w| w.perfect),
            ("soon", |w| w.future_as),
            ("until", |w| w.deadline),
            ("by", |w| w.soft_deadline && !w.deadline),
            ("postponed", |w| w.deadline_verb),
            ("meets", |w| w.scheduled_present),
            ("corresponding", |w| w.comparison && w.grammar),
            ("trading", |w| w.unit_adjective),
            ("and", |w| w.conjunction),
            ("today", |w| w.lower_case_time),
            ("minutes", |w| w.lower_case_time),
            ("youth", |w| w.era_noun),
            ("monday", |w| !w.lower_case_time),
            ("ramadan", |w| w.holiday),
            ("new", |w| w.holiday && w.starts && w.capital_only && !w.holiday_open),
            ("christmas", |w| w.capital_only && w.holiday_open),
            ("may", |w| w.capital_only && w.month == 5),
            ("march", |w| w.capital_only),
            ("sun", |w| w.capital_only && w.weekday_abbr > 0),
            ("monday", |w| w.capital_only),
            ("second", |w| !w.capital_only),
            ("the", |w| w.grammar && w.starts),
            ("troops", |w| !w.starts),
            ("in", |w| w.date_cue && !w.starts),
            ("the", |w| w.inert && !w.counts_only),
            ("year", |w| !w.inert),
            ("a", |w| w.counts_only && !w.inert),
            ("several", |w| w.counts_only),
            ("first", |w| !w.counts_only && !w.inert),
            ("said", |w| w.tense_cue),
            ("its", |w| !w.tense_cue),
        ];
        for (word, check) in cases {
            let w = lex.get(word).unwrap_or_else(|| panic!("{word} missing"));
            assert!(check(w), "{word}: {w:?}");
        }
        assert!(lex.get("Baghdad").is_none());
    }

    /// The key table finds each single listed word by its word start's key, with the word's
    /// flags, and nothing for other words.
    #[test]
    fn words_are_found_by_their_word_start_keys() {
        let lex = Lexicon::builtin();
        let text = "The SEPTEMBER troops said year-end today zzzq";
        let lowered = format!("{}{}", text.to_ascii_lowercase(), "\0".repeat(16));
        let starts = chronicle_core::Text::new(text).word_starts().to_vec();
        let found: Vec<(Option<bool>, bool)> = starts
            .iter()
            .map(|ws| {
                let e = lex.by_key(ws);
                let w = lex.confirmed_word(Lexicon::word_index(e), &lowered.as_bytes()[ws.at..], ws.word_len());
                (w.map(|w| w.starts), e & KEY_LISTED != 0)
            })
            .collect();
        // the, september, troops, said, year (of "year-end"), end, today, zzzq
        let want = [
            (Some(true), true),
            (Some(true), true),
            (Some(false), true),
            (Some(false), true),
            (Some(true), true),
            (Some(true), true),
            (Some(true), true),
            (None, false),
        ];
        assert_eq!(found, want);
    }

    #[test]
    fn holidays_are_longest_first_and_resolve() {
        let lex = Lexicon::builtin();
        let first = lex.holidays.iter().position(|(n, _)| n == &["christmas"]).unwrap();
        let longer = lex.holidays.iter().position(|(n, _)| n == &["christmas", "eve"]).unwrap();
        assert!(longer < first);
        let ramadan = lex.holidays.iter().find(|(n, _)| n == &["ramadan"]).unwrap();
        match &ramadan.1 {
            Holiday::Lunar(t) => assert_eq!(t.get(&2016), Some(&6)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn weekday_holidays_fall_on_their_day() {
        let cases = [
            ((1999, 11, 4, 4, 0), Some(25)), // Thanksgiving 1999
            ((1998, 11, 1, 1, 1), Some(3)),  // Election Day 1998
            ((2016, 5, 0, 1, 0), Some(30)),  // Memorial Day 2016, the last Monday
            ((2015, 9, 1, 1, 0), Some(7)),   // Labor Day 2015
            ((2015, 2, 5, 1, 0), None),      // February 2015 has four Mondays
        ];
        for ((y, m, n, w, o), want) in cases {
            assert_eq!(nth_weekday_day(y, m, n, w, o), want, "{y}-{m} {n} {w}");
        }
        for bad in ["13-1-1", "11-6-1", "11-1-8", "11-1", "11-1-1+9", "x"] {
            assert!(parse_nth_weekday(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bad_lexicons_are_typed_errors() {
        let good = LEXICON_TOML;
        assert!(matches!(Lexicon::parse("not toml ["), Err(LexiconError::Toml(_))));
        let bad_unit = good.replace("fortnight = \"2W\"", "fortnight = \"ZZ\"");
        assert!(matches!(Lexicon::parse(&bad_unit), Err(LexiconError::Code { what: "unit", .. })));
        let bad_holiday = good.replace("christmas = \"12-25\"", "christmas = \"25th\"");
        assert!(matches!(Lexicon::parse(&bad_holiday), Err(LexiconError::Holiday(_))));
    }

    #[test]
    fn lower_key_handles_apostrophes_and_rejects_long_or_foreign_words() {
        let mut buf = [0u8; 32];
        assert_eq!(lower_key("Year\u{2019}s", &mut buf), Some("year's"));
        assert_eq!(lower_key(&"x".repeat(40), &mut buf), None);
        assert_eq!(lower_key("Décembre", &mut buf), None);
    }
}
