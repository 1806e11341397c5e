//! Entities: every mention of an actor or place, resolved to its canonical name.
//!
//! Reports name one actor many ways (ISIS, ISIL, Daesh, the Islamic State); analysts need
//! them as one. A [`Gazetteer`] is built once from alias tables (the generated country and
//! place tables under `data/`, and the domain pack's actors) into anchored alias tries walked
//! from the text's word starts (`trie.rs` says why not the shared phrase sets), and tags each
//! document in one pass over the word starts plus a few patterns: demonyms that name a state acting
//! ("Iraqi forces"), persons after a title or a given name ("Prime Minister Haider al-Abadi"),
//! and in-document coreference of later surnames ("Abadi", "Mr Masum"). It does no I/O: the
//! tables are compiled in or handed to it.
//!
//! Mentions are flat: of overlapping candidates the longest wins ("Iraqi Security Forces"
//! over "Iraqi"), except that a leader-named coalition ("US-led coalition") keeps its leader.

mod chrome;
pub mod data;
mod keys;
mod persons;
mod trie;

use chronicle_core::{Span, Text, TokenKind};
use data::{CountryAliasKind, DataError, Rules};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use trie::Trie;

/// What an entity is (`corpus/FORMAT.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Country,
    Organization,
    ArmedGroup,
    Person,
    City,
    Region,
}

impl EntityType {
    /// The type named as in FORMAT.md ("armed_group").
    pub fn parse(name: &str) -> Option<EntityType> {
        Some(match name {
            "country" => EntityType::Country,
            "organization" => EntityType::Organization,
            "armed_group" => EntityType::ArmedGroup,
            "person" => EntityType::Person,
            "city" => EntityType::City,
            "region" => EntityType::Region,
            _ => return None,
        })
    }
}

/// One mention of an entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    #[serde(skip)]
    pub span: Span,
    pub canonical: Arc<str>,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub rule: &'static str,
}

/// What an alias pattern stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Role {
    /// A name of the entity: a mention wherever it stands.
    Name,
    /// A demonym: a mention only before a head naming the state acting.
    Demonym,
    /// A title that may introduce a person's name.
    Title,
    /// A word before a town's name ("the town of").
    TownCue,
}

/// How the case of the text must agree with the alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// Exactly as written (acronyms: "IS" is not "is").
    Exact,
    /// A capital first letter, the rest in any case ("Iraqi army" for "Iraqi Army"); all
    /// capitals too when the alias has four letters or more (datelines, "BAGHDAD").
    Capitalised,
    /// Any case (aliases written lower-case: "al-Qaeda", "peshmerga").
    Any,
}

impl Case {
    fn of(alias: &str) -> Case {
        if alias.is_ascii() {
            // The same tests on bytes.
            let b = alias.as_bytes();
            let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
            return if !b.iter().any(u8::is_ascii_lowercase) && letters <= 8 {
                Case::Exact
            } else if b.first().is_some_and(u8::is_ascii_uppercase) {
                Case::Capitalised
            } else {
                Case::Any
            };
        }
        let letters = alias.chars().filter(|c| c.is_alphabetic()).count();
        if !alias.chars().any(char::is_lowercase) && letters <= 8 {
            Case::Exact
        } else if alias.chars().next().is_some_and(char::is_uppercase) {
            Case::Capitalised
        } else {
            Case::Any
        }
    }

    fn accepts(self, alias: &str, found: &str) -> bool {
        match self {
            Case::Exact => alias == found,
            Case::Any => true,
            Case::Capitalised => {
                if alias == found {
                    return true;
                }
                if found.is_ascii() {
                    // The same tests on bytes: ASCII letters are all the letters there are.
                    let b = found.as_bytes();
                    let first_upper = b.first().is_some_and(u8::is_ascii_uppercase);
                    let shouting = !b.iter().any(u8::is_ascii_lowercase);
                    return first_upper && (!shouting || b.iter().filter(|c| c.is_ascii_alphabetic()).count() >= 4);
                }
                let first_upper = found.chars().next().is_some_and(char::is_uppercase);
                let shouting = !found.chars().any(char::is_lowercase);
                first_upper && (!shouting || found.chars().filter(|c| c.is_alphabetic()).count() >= 4)
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    canonical: Arc<str>,
    kind: EntityType,
    role: Role,
}

/// A gazetteer could not be built from its data.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("the chrome's credit-word automaton could not be built: {0}")]
    Automaton(String),
}

/// Collects aliases, then builds a [`Gazetteer`].
pub struct GazetteerBuilder {
    /// alias -> entry; a later alias replaces an earlier one (a pack overrides world data).
    entries: Vec<Entry>,
    /// The alias of each entry, in one buffer (no allocation each).
    aliases: Patterns,
    /// The entries by the hash of (alias, role): the first entry with that hash, then each
    /// entry's next one with the same hash (`u32::MAX`: none). The alias is kept once, in
    /// `aliases` (every alias of the world tables is inserted at every start of the process).
    index: HashMap<u64, u32>,
    same_hash: Vec<u32>,
    rules: Rules,
    given_names: HashSet<Box<str>>,
}

impl Default for GazetteerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl GazetteerBuilder {
    /// An empty builder with the built-in language rules (titles, demonym heads).
    pub fn new() -> Self {
        GazetteerBuilder::with_rules(Rules::builtin())
    }

    /// An empty builder with the given language rules.
    pub fn with_rules(rules: Rules) -> Self {
        let mut b = GazetteerBuilder {
            entries: Vec::new(),
            aliases: Patterns::default(),
            index: HashMap::default(),
            same_hash: Vec::new(),
            rules,
            given_names: HashSet::default(),
        };
        let titles = b.rules.person.titles.clone();
        for t in titles {
            b.insert(&t, "", EntityType::Person, Role::Title);
        }
        let cues = b.rules.place.town_cues.clone();
        for c in cues {
            b.insert(&c, "", EntityType::City, Role::TownCue);
        }
        b
    }

    /// A builder holding the world tables: every country with its short forms, abbreviations
    /// and demonyms, the world's major cities and regions, common given names.
    pub fn world() -> Self {
        let mut b = GazetteerBuilder::new();
        b.load_world().expect("built-in world tables parse (tested)");
        b
    }

    fn load_world(&mut self) -> Result<(), GazetteerError> {
        self.add_countries("data/countries.tsv", data::COUNTRIES_TSV)?;
        self.add_places("data/places.tsv", data::PLACES_TSV)?;
        self.add_given_names(data::GIVEN_NAMES_TXT);
        self.add_given_names(data::GIVEN_NAME_OVERRIDES_TXT);
        Ok(())
    }

    /// Adds a countries table (`canonical <TAB> name|abbr|demonym <TAB> alias`).
    pub fn add_countries(&mut self, source_name: &str, tsv: &str) -> Result<&mut Self, GazetteerError> {
        for row in data::parse_countries(source_name, tsv)? {
            let role = if row.kind == CountryAliasKind::Demonym { Role::Demonym } else { Role::Name };
            self.insert(row.alias, row.canonical, EntityType::Country, role);
        }
        Ok(self)
    }

    /// Adds a places table (`canonical <TAB> type <TAB> alias ...`).
    pub fn add_places(&mut self, source_name: &str, tsv: &str) -> Result<&mut Self, GazetteerError> {
        for row in data::parse_places(source_name, tsv)? {
            self.insert(row.alias, row.canonical, row.kind, Role::Name);
        }
        Ok(self)
    }

    /// Adds given names (one a line): "Firstname Lastname" is then a person.
    pub fn add_given_names(&mut self, text: &str) -> &mut Self {
        self.given_names.extend(data::parse_given_names(text).map(Box::from));
        self
    }

    /// Adds `alias` as a name of `canonical`.
    pub fn add(&mut self, alias: &str, canonical: &str, kind: EntityType) -> &mut Self {
        self.insert(alias, canonical, kind, Role::Name);
        self
    }

    /// Adds `demonym` as naming `canonical` when it stands for the state acting.
    pub fn add_demonym(&mut self, demonym: &str, canonical: &str, kind: EntityType) -> &mut Self {
        self.insert(demonym, canonical, kind, Role::Demonym);
        self
    }

    fn insert(&mut self, alias: &str, canonical: &str, kind: EntityType, role: Role) {
        let alias = alias.trim();
        if alias.is_empty() {
            return;
        }
        // Rows of a table come grouped by canonical: the last one's is shared.
        let canonical = match self.entries.last() {
            Some(e) if &*e.canonical == canonical => e.canonical.clone(),
            _ => Arc::from(canonical),
        };
        let entry = Entry { canonical, kind, role };
        let hash = {
            use std::hash::{BuildHasher, Hash, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            alias.hash(&mut h);
            role.hash(&mut h);
            h.finish()
        };
        let mut at = self.index.get(&hash).copied();
        while let Some(i) = at.filter(|&i| i != u32::MAX).map(|i| i as usize) {
            let e = &mut self.entries[i];
            if e.role == role && self.aliases.get(i) == alias {
                *e = entry;
                return;
            }
            at = Some(self.same_hash[i]);
        }
        let i = self.entries.len() as u32;
        let first = self.index.insert(hash, i).unwrap_or(u32::MAX);
        self.same_hash.push(first);
        self.entries.push(entry);
        self.aliases.push(alias);
    }

    /// Builds the alias tries (once; share the gazetteer across threads).
    pub fn build(self) -> Gazetteer {
        self.try_build().expect("gazetteer automaton builds")
    }

    /// Builds the alias tries, or says why the gazetteer cannot be built (the credit words'
    /// automaton).
    pub fn try_build(self) -> Result<Gazetteer, GazetteerError> {
        // Every alias also with typographic apostrophes and dashes ("Da’esh", "CJTF–OIR").
        let mut patterns = Patterns::default();
        let mut owners: Vec<(usize, Case)> = Vec::with_capacity(self.entries.len() * 2);
        for (i, alias) in self.aliases.iter().enumerate() {
            let case = Case::of(alias);
            if alias.contains(['\'', '-']) {
                for variant in typographic_variants(alias) {
                    patterns.push(&variant);
                    owners.push((i, case));
                }
            } else {
                patterns.push(alias);
                owners.push((i, case));
            }
        }
        // Short and all-capital aliases ("IS", "Mr", "Hit") are matched as written; the others
        // in any ASCII case, their case rule checked on each match. Matching is at word starts
        // (an alias starts with a letter or digit), and the aliases that need a capital first
        // letter are only tried where a word starts with one.
        let (mut exact, mut capitalised, mut any) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (p, (_, case))) in patterns.iter().zip(&owners).enumerate() {
            if !p.starts_with(char::is_alphanumeric) {
                continue;
            }
            let letters = if p.is_ascii() {
                p.bytes().filter(u8::is_ascii_alphabetic).count()
            } else {
                p.chars().filter(|c| c.is_alphabetic()).count()
            };
            match case {
                Case::Exact => exact.push(i as u32),
                _ if letters <= 3 => exact.push(i as u32),
                Case::Capitalised => capitalised.push(i as u32),
                Case::Any => any.push(i as u32),
            }
        }
        let automata = [
            Matcher::build(&patterns, exact, false, false),
            Matcher::build(&patterns, capitalised, true, true),
            Matcher::build(&patterns, any, true, false),
        ];
        // Any alias's first word, folded, with the node each trie reaches by it: most word
        // starts begin no alias and are turned away by one lookup of their key.
        // On the way, what may open an alias at a word start: the first word of an alias
        // that is one word (with what trails it: "Mr."), else the first two words of one, as
        // keys ([`opener_key`]).
        let mut firsts: HashMap<String, [u32; 3]> = HashMap::default();
        let mut opener_keys: Vec<u64> = Vec::with_capacity(patterns.len());
        let mut word = String::new();
        for (t, m) in automata.iter().enumerate() {
            for &i in &m.ids {
                let pattern = patterns.get(i as usize);
                let first = first_word(pattern);
                word.clear();
                word.push_str(first);
                word.make_ascii_lowercase();
                opener_keys.push(opener_key(&word, &pattern[first.len()..]));
                let node = if m.phrases.folds() {
                    m.phrases.node_of(word.as_bytes()).expect("an alias's first word leads into its trie")
                } else {
                    WALK_FROM_ROOT
                };
                match firsts.get_mut(word.as_str()) {
                    Some(nodes) => nodes[t] = node,
                    None => {
                        let mut nodes = [0; 3];
                        nodes[t] = node;
                        firsts.insert(word.clone(), nodes);
                    }
                }
            }
        }
        let first_words = keys::WordTable::new(firsts, true);
        opener_keys.sort_unstable();
        opener_keys.dedup();
        let openers = keys::KeyBloom::new(opener_keys.iter().copied());
        // (Only an alias holding a dash, "-" or "\u{2011}" (whose last byte is 0x91), can
        // hold "-led ".)
        let leads = patterns
            .iter()
            .map(|p| memchr::memchr2(b'-', 0x91, p.as_bytes()).is_some() && led_at(&p.to_ascii_lowercase()).is_some())
            .collect();
        let set = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<HashSet<String>>();
        // (An exact-case alias is found only as written: whether the text's word is one of
        // these words is known from its pattern.)
        let acronyms: HashSet<&str> = self.rules.case.word_acronyms.iter().map(String::as_str).collect();
        let word_acronyms =
            patterns.iter().zip(&owners).map(|(p, &(_, case))| case == Case::Exact && acronyms.contains(p)).collect();
        let mut persons: HashMap<String, Arc<str>> = HashMap::default();
        for (alias, e) in self.aliases.iter().zip(&self.entries) {
            if e.kind == EntityType::Person && e.role == Role::Name {
                persons.insert(alias.to_lowercase(), e.canonical.clone());
            }
        }
        // A given name that is also a place or country ("Jordan") does not start a person.
        let mut given_names = self.given_names;
        for (alias, e) in self.aliases.iter().zip(&self.entries) {
            if e.role == Role::Name && e.kind != EntityType::Person {
                given_names.remove(alias);
            }
        }
        let credit_words = if self.rules.chrome.credit_words.is_empty() {
            None
        } else {
            Some(chrome::CreditWords::new(&self.rules.chrome.credit_words).map_err(GazetteerError::Automaton)?)
        };
        let mut first_bytes = [0u8; 256];
        for (b, class) in first_bytes.iter_mut().enumerate() {
            let b = b as u8;
            if !b.is_ascii_lowercase() {
                *class |= MAYBE_CAPITAL;
            }
            if credit_words.as_ref().is_some_and(|c| c.at_word_starts() && c.may_begin(b)) {
                *class |= CREDIT;
            }
        }
        Ok(Gazetteer(Arc::new(GazetteerInner {
            automata,
            first_bytes,
            first_words,
            openers,
            leads,
            patterns,
            owners,
            entries: self.entries,
            heads: set(&self.rules.demonym.heads),
            modifiers: set(&self.rules.demonym.modifiers),
            word_acronyms,
            demonym_exceptions: set(&self.rules.demonym.exceptions),
            credit_words,
            line_prefixes: chrome::Prefixes::new(&self.rules.chrome.line_prefixes),
            short_line_prefixes: chrome::Prefixes::new(&self.rules.chrome.short_line_prefixes),
            chrome: self.rules.chrome.clone(),
            names: persons::NameRules::new(&self.rules.person, given_names, persons),
        })))
    }
}

/// The patterns (aliases and their typographic variants), in one buffer: some fifteen
/// thousand strings built at every start of the process, without an allocation each.
#[derive(Default)]
struct Patterns {
    text: String,
    /// Where each pattern ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
}

impl Patterns {
    fn push(&mut self, p: &str) {
        self.text.push_str(p);
        self.ends.push(self.text.len() as u32);
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The alias and its spellings with typographic apostrophes and dashes.
fn typographic_variants(alias: &str) -> Vec<String> {
    let mut out = vec![alias.to_string()];
    if alias.contains('\'') {
        out.push(alias.replace('\'', "\u{2019}"));
        out.push(alias.replace('\'', "\u{2018}"));
    }
    if alias.contains('-') {
        for dash in ['\u{2010}', '\u{2011}', '\u{2013}', '\u{2014}'] {
            let extra: Vec<String> = out.iter().map(|a| a.replace('-', &dash.to_string())).collect();
            out.extend(extra);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Aliases found: span and global pattern index.
type AliasHits = Vec<(Span, usize)>;

/// One candidate mention before the flat selection.
#[derive(Clone, Debug)]
struct Candidate {
    span: Span,
    canonical: Arc<str>,
    kind: EntityType,
    rule: &'static str,
    /// Lower wins among candidates of the same span: gazetteer names before patterns.
    priority: u8,
    /// Selected like any other, but not output (a byline's agency).
    hidden: bool,
    /// Whether it may hold "-led " (a leader-named coalition); false only when its alias
    /// cannot.
    leads: bool,
}

/// The alias tries and the patterns around them; build once, share across threads (a clone
/// shares them).
#[derive(Clone)]
pub struct Gazetteer(Arc<GazetteerInner>);

impl Gazetteer {
    /// Tags every mention: names, demonyms of states acting, persons, and their coreferents.
    pub fn tag(&self, text: &Text) -> Vec<Mention> {
        self.0.tag(text)
    }
}

struct GazetteerInner {
    /// The alias tries: as written, folded at capitalised words, folded anywhere.
    automata: [Matcher; 3],
    /// The first words of all their aliases, folded, each with the node of each trie it
    /// leads to (0: no alias of that trie begins with it).
    first_words: keys::WordTable<[u32; 3]>,
    /// The keys that may open an alias ([`opener_key`]): a word start whose word begins
    /// some alias is walked only when its word alone, or its word and the next, pass.
    /// ("the" begins "the Abode of Peace" and "The Hague": "the" before any other word
    /// is turned away without a walk.)
    openers: keys::KeyBloom,
    /// What a word start's first byte asks for: [`MAYBE_CAPITAL`], [`CREDIT`].
    first_bytes: [u8; 256],
    /// Whether each pattern (ASCII-folded) holds "-led " or "\u{2011}led ": only those can
    /// name a leader-named coalition.
    leads: Vec<bool>,
    patterns: Patterns,
    owners: Vec<(usize, Case)>,
    entries: Vec<Entry>,
    heads: HashSet<String>,
    modifiers: HashSet<String>,
    /// Whether each pattern is an exact-case alias that is also a word ("IS", "US"): found
    /// only where it stands as an acronym ([`acronym_stands`]).
    word_acronyms: Vec<bool>,
    demonym_exceptions: HashSet<String>,
    chrome: data::ChromeRules,
    /// The chrome's credit words.
    credit_words: Option<chrome::CreditWords>,
    /// The chrome's line prefixes, by first byte.
    line_prefixes: chrome::Prefixes,
    short_line_prefixes: chrome::Prefixes,
    names: persons::NameRules,
}

/// The buffers one document's tagging fills and empties again: kept from document to
/// document (one set a thread), so that a document costs no allocation but its output's.
#[derive(Default)]
struct Scratch {
    found: [AliasHits; 3],
    credits: Vec<(usize, usize)>,
    maybe_capitals: Vec<u32>,
    newlines: Vec<usize>,
    chrome: Vec<Span>,
    candidates: Vec<Candidate>,
    titles: Vec<Span>,
    town_cues: Vec<Span>,
    caps: Vec<persons::CapWord>,
    headlines: Vec<Span>,
    order: Vec<u128>,
    persons: persons::Scratch,
}

thread_local! {
    /// This thread's [`Scratch`].
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl GazetteerInner {
    fn tag(&self, text: &Text) -> Vec<Mention> {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.tag_with(text, &mut scratch),
            // (Never: tagging does not tag again inside.)
            Err(_) => self.tag_with(text, &mut Scratch::default()),
        })
    }

    /// [`GazetteerInner::tag`] with `scratch`'s buffers (each cleared before use).
    fn tag_with(&self, text: &Text, scratch: &mut Scratch) -> Vec<Mention> {
        let Scratch {
            found,
            credits,
            maybe_capitals,
            newlines,
            chrome,
            candidates,
            titles,
            town_cues,
            caps,
            headlines,
            order,
            persons,
        } = scratch;
        self.aliases_into(text, found, credits, maybe_capitals);
        newlines_into(text, newlines);
        self.chrome_lines_into(text, newlines, credits, chrome);
        let chrome = &*chrome;
        let in_chrome = |span: Span| chrome.iter().any(|c| c.contains(span));
        candidates.clear();
        titles.clear();
        town_cues.clear();
        for &(span, pattern) in found.iter().flatten() {
            // (Phrase sets match on word boundaries only.)
            if in_chrome(span) {
                continue;
            }
            let (entry_index, case) = self.owners[pattern];
            let found = span.of(text.text);
            if !case.accepts(self.patterns.get(pattern), found) {
                continue;
            }
            let entry = &self.entries[entry_index];
            match entry.role {
                Role::Title => titles.push(span),
                Role::TownCue => town_cues.push(span),
                Role::Demonym => {
                    if self.names_state(text, span) {
                        let mut c = self.candidate(span, entry, "demonym", 1);
                        c.leads = self.leads[pattern];
                        candidates.push(c);
                    }
                }
                Role::Name => {
                    if case == Case::Exact && self.word_acronyms[pattern] && !acronym_stands(text.text, span) {
                        continue;
                    }
                    if entry.kind == EntityType::Country && currency_follows(text.text, span) {
                        continue;
                    }
                    // Bylines and credits: no mentions, but they still hide the names inside
                    // them ("France" of "Agence France-Presse").
                    let hidden = agency_of_dateline(text.text, span)
                        || credit_after_slash(text.text, span)
                        || (entry.kind == EntityType::Organization && self.alone_on_line(text.text, span));
                    let mut c = self.candidate(span, entry, "gazetteer", 0);
                    c.hidden = hidden;
                    c.leads = self.leads[pattern];
                    let leads = c.leads;
                    candidates.push(c);
                    if leads {
                        if let Some(leader) = self.leader(text.text, span) {
                            candidates.push(leader);
                        }
                    }
                }
            }
        }
        self.names.title_persons(text, titles, candidates, persons);
        self.names.town_places(text, town_cues, candidates);
        self.names.capitalised_words(text, newlines, maybe_capitals, caps, headlines);
        let before = candidates.len();
        self.names.given_name_persons(text, caps, candidates, persons);
        // Lines of capitalised words are headlines or bylines: no "Firstname Lastname" there.
        let mut i = before;
        while i < candidates.len() {
            if headlines.iter().any(|h| h.contains(candidates[i].span)) {
                candidates.swap_remove(i);
            } else {
                i += 1;
            }
        }
        candidates.retain(|c| !in_chrome(c.span));
        let mut mentions = select_flat(text.text, candidates, order);
        candidates.clear();
        self.names.coreference(text, caps, &mut mentions, persons);
        mentions.retain(|m| !in_chrome(m.span));
        mentions
    }

    /// [`GazetteerInner::aliases_into`] into new vectors.
    #[cfg(test)]
    fn aliases(&self, text: &Text) -> ([AliasHits; 3], Vec<(usize, usize)>, Vec<u32>) {
        let (mut found, mut credits, mut maybe_capitals) = Default::default();
        self.aliases_into(text, &mut found, &mut credits, &mut maybe_capitals);
        (found, credits, maybe_capitals)
    }

    /// The longest alias of each trie at each word start ("counter-ISIS" has two), by trie;
    /// the credit words at word starts (when they may be looked for there); and, on the way,
    /// the word starts that may hold a capitalised word ([`persons::capitalised_words_into`]).
    /// Into buffers (cleared first).
    #[inline(never)]
    fn aliases_into(
        &self,
        text: &Text,
        found: &mut [AliasHits; 3],
        credits: &mut Vec<(usize, usize)>,
        maybe_capitals: &mut Vec<u32>,
    ) {
        found.iter_mut().for_each(Vec::clear);
        credits.clear();
        maybe_capitals.clear();
        let credit_words = self.credit_words.as_ref().filter(|c| c.at_word_starts());
        let bytes = text.text.as_bytes();
        let starts = text.word_starts();
        let mut i = 0;
        loop {
            // The loop every word start goes through: a table look-up by its first byte and a
            // bit test of its key, one branch on both; the rest is for the few that pass. (A
            // loop of its own, so that what the few need does not crowd its registers.)
            while let Some(w) = starts.get(i) {
                // (The first-word table folds: its keys are the folded ones.)
                if (self.first_bytes[bytes[w.at] as usize] != 0) | self.first_words.may_hold_key(w.key(true)) {
                    break;
                }
                i += 1;
            }
            let Some(w) = starts.get(i) else { break };
            let class = self.first_bytes[bytes[w.at] as usize];
            if class != 0 {
                if class & MAYBE_CAPITAL != 0 {
                    maybe_capitals.push(i as u32);
                }
                if let Some(c) = credit_words.filter(|_| class & CREDIT != 0) {
                    credits.extend(c.at(bytes, w.at));
                }
            }
            let first = w.key(true);
            if self.first_words.may_hold_key(first) && self.may_open(starts, i, first) {
                self.aliases_at(text, w, found);
            }
            i += 1;
        }
    }

    /// Whether an alias may start at the `i`th word start: its word alone, or its word and
    /// the next word, may open one. An alias of two words or more that matches at a word
    /// start has its second word at the next word start (what stands between them in the
    /// alias stands in the text too, and holds no word character), and that word is the
    /// alias's second word (it ends where the alias's does, or before a character of the
    /// alias that is no word character), folded alike.
    /// `first` is the word's folded key.
    #[inline(always)]
    fn may_open(&self, starts: &[chronicle_core::WordStart], i: usize, first: u64) -> bool {
        self.openers.may_hold(first)
            || starts.get(i + 1).is_some_and(|next| self.openers.may_hold(pair_key(first, next.key(true))))
    }

    /// The longest alias of each trie at word start `w`, whose word passed the first-word
    /// filter.
    #[inline(never)]
    fn aliases_at(&self, text: &Text, w: &chronicle_core::WordStart, found: &mut [AliasHits; 3]) {
        let Some(nodes) = self.first_words.get_past_filter(w, text.text.as_bytes()) else { return };
        for ((m, out), &node) in self.automata.iter().zip(found.iter_mut()).zip(nodes) {
            if node == 0 {
                continue;
            }
            if let Some(hit) = m.longest_after(text, w, node) {
                out.push(hit);
            }
        }
    }

    /// The aliases as first found: every trie walked from its root at every word start that
    /// passes the first-word filters. [`GazetteerInner::aliases_into`] must find the same.
    #[cfg(test)]
    fn aliases_from_roots(&self, text: &Text) -> [AliasHits; 3] {
        let mut found: [AliasHits; 3] = Default::default();
        for w in text.word_starts() {
            for (m, out) in self.automata.iter().zip(found.iter_mut()) {
                if let Some(hit) = m.longest_at(text, w) {
                    out.push(hit);
                }
            }
        }
        found
    }

    /// The leader of a leader-named coalition ("US" of "US-led coalition"), a country.
    fn leader(&self, text: &str, span: Span) -> Option<Candidate> {
        let found = span.of(text);
        let led = led_at(found)?;
        let prefix = &found[..led];
        for matcher in &self.automata {
            if let Some(pattern) = matcher.whole(prefix) {
                let (entry_index, _) = self.owners[pattern];
                let entry = &self.entries[entry_index];
                if entry.kind == EntityType::Country && entry.role == Role::Name {
                    return Some(self.candidate(Span::new(span.start, span.start + led), entry, "coalition_leader", 0));
                }
            }
        }
        None
    }

    fn candidate(&self, span: Span, entry: &Entry, rule: &'static str, priority: u8) -> Candidate {
        Candidate {
            span,
            canonical: entry.canonical.clone(),
            kind: entry.kind,
            rule,
            priority,
            hidden: false,
            leads: true,
        }
    }

    /// Whether the demonym at `span` names the state acting: a head ("forces", "government")
    /// follows, maybe after one modifier ("security") or a coordinated demonym or country
    /// ("Iraqi and U.S. forces").
    fn names_state(&self, text: &Text, span: Span) -> bool {
        let mut i = text.token_at(span.end);
        let mut modifiers = 0;
        let mut conjuncts = 0;
        let mut prev_end = span.end;
        while let Some(t) = text.tokens.get(i) {
            let gap = &text.text[prev_end..t.start as usize];
            if gap.contains('\n') || gap.len() > 2 {
                return false;
            }
            let w = t.text(text.text);
            // Lower-cased on the stack when ASCII (as nearly every word is).
            let mut buf = [0u8; 32];
            let owned;
            let lower: &str = match buf.get_mut(..w.len()).filter(|_| w.is_ascii()) {
                Some(b) => {
                    b.copy_from_slice(w.as_bytes());
                    b.make_ascii_lowercase();
                    std::str::from_utf8(b).unwrap_or_default()
                }
                None => {
                    owned = w.to_lowercase();
                    &owned
                }
            };
            let lower = lower.strip_suffix("'s").or_else(|| lower.strip_suffix("\u{2019}s")).unwrap_or(lower);
            if t.kind == TokenKind::Word && self.heads.contains(lower) {
                let phrase = format!("{} {}", span.of(text.text).to_lowercase(), lower);
                return !self.demonym_exceptions.contains(&phrase);
            }
            if t.kind == TokenKind::Word && self.modifiers.contains(lower) && modifiers == 0 {
                modifiers += 1;
            } else if (lower == "and" || lower == "or") && conjuncts == 0 {
                // The conjunct: a capitalised word or a dotted abbreviation ("U.S.").
                conjuncts += 1;
                let Some(first) = text.tokens.get(i + 1) else { return false };
                if first.kind != TokenKind::Word || !first.text(text.text).starts_with(char::is_uppercase) {
                    return false;
                }
                let mut last_end = first.end;
                let mut j = i + 2;
                let mut words = 1;
                while let Some(u) = text.tokens.get(j) {
                    let glued = u.start == last_end && (u.kind == TokenKind::Word || u.text(text.text) == ".");
                    let next_word = words < 3
                        && &text.text[last_end as usize..u.start as usize] == " "
                        && u.kind == TokenKind::Word
                        && u.text(text.text).starts_with(char::is_uppercase);
                    if !(glued || next_word) {
                        break;
                    }
                    words += usize::from(next_word);
                    last_end = u.end;
                    j += 1;
                }
                prev_end = last_end as usize;
                i = j;
                continue;
            } else {
                return false;
            }
            prev_end = t.end as usize;
            i += 1;
        }
        false
    }

    /// Spans of page chrome: lines of credits, "Source:" lines, bylines, banners; photo
    /// credits inside a line ("(AP Photo/Cliff Owen)", "AFP PHOTO / SAFIN HAMED").
    #[inline(never)]
    fn chrome_lines_into(&self, text: &Text, newlines: &[usize], credits: &[(usize, usize)], out: &mut Vec<Span>) {
        out.clear();
        let mut start = 0;
        // The lines, each with its newline (the last may have none).
        let last = (newlines.last().map_or(0, |&n| n + 1) < text.text.len()).then(|| text.text.len() - 1);
        for &nl in newlines.iter().chain(&last) {
            let line = &text.text[start..nl + 1];
            let trimmed = trim_start(line);
            let byline = self.short_line_prefixes.may_begin(trimmed)
                && trimmed.trim_end().len() < 120
                && self.short_line_prefixes.candidates(trimmed).any(|p| {
                    trimmed.strip_prefix(p).is_some_and(|rest| {
                        let word = rest.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
                        word.starts_with(char::is_uppercase) && !self.names.is_month(word)
                    })
                });
            if byline
                || self.line_prefixes.may_begin(trimmed)
                    && self.line_prefixes.candidates(trimmed).any(|p| trimmed.starts_with(p))
            {
                out.push(Span::new(start, start + line.len()));
            }
            start += line.len();
        }
        self.credits(text, credits, out);
    }

    /// Photo credits inside a line: from the parenthesis (or the word) before a credit word
    /// to the closing parenthesis (or the line's end).
    fn credits(&self, text: &Text, at_starts: &[(usize, usize)], out: &mut Vec<Span>) {
        let Some(credit_words) = &self.credit_words else { return };
        let text_t = text;
        let text = text.text;
        credit_words.find(text_t, at_starts, |ws, we| {
            let bounded_before = text[..ws].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let rest = text[we..].trim_start_matches(' ');
            let credit_form = rest.is_empty()
                || rest.starts_with(['/', ')', '\n', '\r', '|'])
                || rest.starts_with("by ")
                || rest.starts_with("BY ");
            if !bounded_before || !credit_form {
                return;
            }
            let line_start = text[..ws].rfind('\n').map_or(0, |p| p + 1);
            let line_end = text[we..].find('\n').map_or(text.len(), |p| we + p);
            let line = &text[line_start..ws];
            let open = line.rfind('(').filter(|&o| !line[o..].contains(')')).map(|o| line_start + o);
            let span = match open {
                Some(o) => Span::new(o, text[we..line_end].find(')').map_or(line_end, |c| we + c + 1)),
                None => {
                    let before = text[line_start..ws].trim_end_matches(' ');
                    let prev_word = before.rfind(char::is_whitespace).map_or(line_start, |p| line_start + p + 1);
                    Span::new(prev_word.min(ws), line_end)
                }
            };
            out.push(span);
        });
    }

    /// An organisation alone on its line ("Agence France-Presse", "Reuters Staff") is a
    /// byline or a source banner.
    fn alone_on_line(&self, text: &str, span: Span) -> bool {
        let before = text[..span.start].trim_end_matches([' ', '\t']);
        if !(before.is_empty() || before.ends_with('\n')) {
            return false;
        }
        rest_of_line_blank(text, span.end)
            || self.chrome.byline_words.iter().any(|w| {
                text[span.end..].strip_prefix(' ').and_then(|r| r.strip_prefix(w.as_str())).is_some_and(|r| {
                    let end = r.len();
                    rest_of_line_blank(text, text.len() - end)
                })
            })
    }
}

/// [`newlines_into`] into a new vector.
#[cfg(test)]
fn newlines(text: &Text) -> Vec<usize> {
    let mut out = Vec::new();
    newlines_into(text, &mut out);
    out
}

/// Where `text` holds a newline, into `out` (cleared first). Tokens hold none, and a newline
/// between two tokens always closes a sentence (`chronicle_core`'s splitter), so the newlines
/// lie in the gaps between sentences (and before the first, after the last): those few gaps
/// are searched, not every gap between tokens (a property test holds this to every newline of
/// the text).
fn newlines_into(text: &Text, out: &mut Vec<usize>) {
    let bytes = text.text.as_bytes();
    out.clear();
    let mut prev = 0;
    let gaps = text.sentences.iter().map(|s| (s.start, s.end)).chain([(bytes.len(), bytes.len())]);
    for (start, end) in gaps {
        if start > prev {
            out.extend((prev..start).filter(|&i| bytes[i] == b'\n'));
        }
        prev = end.max(prev);
    }
}

/// One trie over some of the patterns (matched at word starts, see [`trie`]), with the global
/// index of each.
struct Matcher {
    phrases: Trie,
    /// The global index of each of its patterns.
    ids: Vec<u32>,
    /// Tried only where the word starts with a capital.
    capital_start: bool,
}

impl Matcher {
    fn build(patterns: &Patterns, ids: Vec<u32>, fold: bool, capital_start: bool) -> Matcher {
        let phrases = Trie::new(ids.iter().map(|&i| patterns.get(i as usize)), fold);
        Matcher { phrases, ids, capital_start }
    }

    /// The longest pattern at word start `w`, whose word leads to `node` of the trie (or
    /// [`WALK_FROM_ROOT`]): its span and global index.
    #[inline]
    fn longest_after(&self, text: &Text, w: &chronicle_core::WordStart, node: u32) -> Option<(Span, usize)> {
        if self.capital_start && !w.capital {
            return None;
        }
        let (span, p) = if node == WALK_FROM_ROOT {
            self.phrases.longest_at(text, w)?
        } else {
            self.phrases.longest_after(text, w.at, node, w.end())?
        };
        Some((span, self.ids[p] as usize))
    }

    /// The longest pattern at word start `w`: its span and global index.
    #[cfg(test)]
    fn longest_at(&self, text: &Text, w: &chronicle_core::WordStart) -> Option<(Span, usize)> {
        if self.capital_start && !w.capital {
            return None;
        }
        let (span, p) = self.phrases.longest_at(text, w)?;
        Some((span, self.ids[p] as usize))
    }

    /// The longest pattern that is the whole of `s`: its global index.
    fn whole(&self, s: &str) -> Option<usize> {
        self.phrases.whole(s).map(|p| self.ids[p] as usize)
    }
}

/// A word start whose first byte is no lower-case ASCII letter: it may hold a capitalised
/// word token ([`persons::capitalised_words_into`]).
const MAYBE_CAPITAL: u8 = 1;
/// A word start whose first byte may begin a credit word (looked for at word starts).
const CREDIT: u8 = 2;

/// In the first-word table, for a trie that does not fold: walk it from its root (its
/// aliases' first words are kept folded, so the node is not known).
const WALK_FROM_ROOT: u32 = u32::MAX;

/// The first word of `s`: its leading run of letters, digits and underscores (as in
/// [`chronicle_core::word_key`]).
fn first_word(s: &str) -> &str {
    &s[..word_len(s)]
}

/// The byte length of the run of letters, digits and underscores that starts `s`: its ASCII
/// bytes one by one, the rest as chars.
fn word_len(s: &str) -> usize {
    let b = s.as_bytes();
    let ascii_run = b.iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_')).unwrap_or(b.len());
    if b.get(ascii_run).is_none_or(|&c| c < 128) {
        return ascii_run;
    }
    s[ascii_run..].find(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(s.len(), |e| ascii_run + e)
}

/// The key of the two words that open a phrase: what [`opener_key`] gives for a phrase of
/// two words or more, from the keys of the text's words.
#[inline(always)]
fn pair_key(first: u64, second: u64) -> u64 {
    first.rotate_left(29) ^ second
}

/// The key that opens a phrase whose first word is `first` (lower-cased ASCII) and whose rest
/// is `rest`, folded: its first word's key when no other word follows it, else the
/// [`pair_key`] of its first two words.
fn opener_key(first: &str, rest: &str) -> u64 {
    let first = chronicle_core::word_key(first, true);
    let second = match rest.bytes().position(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 128) {
        Some(at) if rest.as_bytes()[at] < 128 => Some(at),
        Some(at) => rest[at..].find(|c: char| c.is_alphanumeric() || c == '_').map(|e| at + e),
        None => None,
    };
    match second {
        Some(at) => pair_key(first, chronicle_core::word_key(&rest[at..], true)),
        None => first,
    }
}

/// Where "-led " stands in `s` (else "\u{2011}led "): the byte offset of its dash. The same as
/// `s.find("-led ").or_else(|| s.find("\u{2011}led "))`, without building two searchers.
fn led_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut nb_dash = None;
    let mut i = 1;
    while i + 4 <= b.len() {
        if b[i] == b'l' && &b[i + 1..i + 4] == b"ed " {
            if b[i - 1] == b'-' {
                return Some(i - 1);
            }
            if nb_dash.is_none() && i >= 3 && b[i - 3..i] == *"\u{2011}".as_bytes() {
                nb_dash = Some(i - 3);
            }
        }
        i += 1;
    }
    nb_dash
}

/// "Cliff Owen/AP", "in Fallujah / AP": an agency after a slash at the end of a line credits a
/// photo.
fn credit_after_slash(text: &str, span: Span) -> bool {
    text[..span.start].trim_end_matches(' ').ends_with('/') && rest_of_line_blank(text, span.end)
}

/// `line.trim_start()`: ASCII whitespace skipped byte by byte (a line nearly always begins
/// with none, or with ASCII), the rest as chars.
fn trim_start(line: &str) -> &str {
    let b = line.as_bytes();
    let skip = b.iter().position(|&c| !matches!(c, b'\t'..=b'\r' | b' ')).unwrap_or(b.len());
    // (A position before an ASCII byte, or the end, is a char boundary.)
    match b.get(skip) {
        Some(&c) if c >= 128 => line[skip..].trim_start(),
        _ => &line[skip..],
    }
}

/// Whether only spaces stand between `at` and the end of its line (bounded: no line scan).
fn rest_of_line_blank(text: &str, at: usize) -> bool {
    let rest = text[at..].trim_start_matches([' ', '\t', '\r']);
    rest.is_empty() || rest.starts_with('\n')
}

/// Whether an exact-case acronym that is also a word ("IS") stands as an acronym: in a
/// sentence, not in a shouted line ("WHAT IS NEXT").
fn acronym_stands(text: &str, span: Span) -> bool {
    let shouting = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase);
    let before = text[..span.start].trim_end_matches([' ', '\t']);
    let prev_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let after = text[span.end..].trim_start_matches([' ', '\t']);
    let next_word = after.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    !(shouting(prev_word) && prev_word.len() >= 3 || shouting(next_word) && next_word.len() >= 3)
}

/// "US $13 million", "US$718 million": a currency, not the country.
fn currency_follows(text: &str, span: Span) -> bool {
    text[span.end..].trim_start_matches(' ').starts_with('$')
}

/// "BAGHDAD (Reuters) -": the agency of a dateline is a byline, not a mention.
fn agency_of_dateline(text: &str, span: Span) -> bool {
    let before = &text[..span.start];
    let Some(before) = before.strip_suffix('(') else { return false };
    if !text[span.end..].starts_with(')') {
        return false;
    }
    // The line so far is a dateline: short, opening with a place in capitals ("BAGHDAD, July 11").
    let line = before.rsplit('\n').next().unwrap_or(before).trim();
    let first = line.split([' ', ',']).next().unwrap_or("");
    line.len() <= 40
        && first.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !first.chars().any(char::is_lowercase)
}

/// The flat selection: leftmost first, the longest of overlapping candidates wins (ties: the
/// lower priority), except that a leader-named coalition keeps its leader ("US-led").
/// `keys` is a buffer for the order (cleared first).
#[inline(never)]
fn select_flat(text: &str, candidates: &[Candidate], keys: &mut Vec<u128>) -> Vec<Mention> {
    // The candidates' order (leftmost, longest, lowest priority, then as found), sorted as
    // small keys rather than moving the candidates themselves: one u128 each, its fields
    // packed from the most significant down (start: 48 bits, 2^40 - 1 - length: 40 bits,
    // priority: 8, index: 32), so that one integer comparison orders them as the tuple
    // would. A text of 2^40 bytes or more (never seen) sorts the tuples themselves.
    const LONGEST: u128 = (1 << 40) - 1;
    if (text.len() as u128) < LONGEST && candidates.len() < u32::MAX as usize {
        keys.clear();
        keys.extend(candidates.iter().enumerate().map(|(i, c)| {
            (c.span.start as u128) << 80
                | (LONGEST - c.span.len() as u128) << 40
                | u128::from(c.priority) << 32
                | i as u128
        }));
        keys.sort_unstable();
        return select_in_order(text, candidates, keys.iter().map(|&k| k as u32 as usize));
    }
    let mut order: Vec<(usize, std::cmp::Reverse<usize>, u8, u32)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.span.start, std::cmp::Reverse(c.span.len()), c.priority, i as u32))
        .collect();
    order.sort_unstable();
    select_in_order(text, candidates, order.iter().map(|o| o.3 as usize))
}

/// The selection over the candidates taken in `order` (indices, leftmost and longest first):
/// each candidate that starts past the end of the last one chosen is chosen, and output
/// (unless hidden) as it is chosen.
fn select_in_order(text: &str, candidates: &[Candidate], order: impl Iterator<Item = usize> + Clone) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::with_capacity(candidates.len());
    let mut end = 0;
    for i in order.clone() {
        let c = &candidates[i];
        if c.span.start < end {
            continue;
        }
        end = c.span.end;
        if c.hidden {
            continue;
        }
        output_chosen(text, c, order.clone().map(|o| &candidates[o]), &mut out);
    }
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

/// Outputs chosen candidate `c` and, for a leader-named coalition ("US-led coalition"), the
/// leader inside it as a mention of its own: the country candidate among `candidates` that
/// spans the leader's name.
fn output_chosen<'c>(
    text: &str,
    c: &Candidate,
    mut candidates: impl Iterator<Item = &'c Candidate>,
    out: &mut Vec<Mention>,
) {
    out.push(Mention { span: c.span, canonical: c.canonical.clone(), kind: c.kind, rule: c.rule });
    if let Some(led) = c.leads.then(|| led_at(c.span.of(text))).flatten() {
        let led_at = c.span.start + led;
        if let Some(leader) =
            candidates.find(|l| l.span.start == c.span.start && l.span.end == led_at && l.kind == EntityType::Country)
        {
            out.push(Mention {
                span: leader.span,
                canonical: leader.canonical.clone(),
                kind: leader.kind,
                rule: "coalition_leader",
            });
        }
    }
}

#[cfg(test)]
mod tests;
