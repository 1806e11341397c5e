//! Persons: names after a title or a given name, and in-document coreference of surnames.
//!
//! Reports introduce a person once in full, usually with a title ("Iraqi President Fuad
//! Masum", "Prime Minister Haider al-Abadi"), then name them by surname ("Masum", "Mr Masum",
//! "Abadi"). The full name is the canonical; later surnames in the same document resolve to
//! the nearest full name before them (else the first after). Initials and generational
//! suffixes stay in the mention but not in the canonical ("Lloyd J. Austin III" is Lloyd
//! Austin); a name the domain pack knows takes the pack's canonical ("Haider Al-Abadi").

use crate::data::PersonRules;
use crate::{Candidate, EntityType, Mention};
use chronicle_core::{Span, Text, TokenKind, WordFilter, WordStart};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The most words a name has (initials and particles included).
const MAX_NAME_TOKENS: usize = 6;

pub(crate) struct NameRules {
    honorifics: HashSet<String>,
    particles: HashSet<String>,
    suffixes: HashSet<String>,
    not_names: HashSet<String>,
    given_names: HashSet<Box<str>>,
    /// The given names' first words: a word start that fails is no given name, without a
    /// hash of the word.
    given_filter: WordFilter,
    /// Lower-cased names the pack knows -> their canonical.
    known: HashMap<String, Arc<str>>,
}

/// A name read from the tokens.
struct Name {
    span: Span,
    canonical: String,
    words: usize,
}

/// A capitalised word token: its index, and the word start there (a word token starts a word
/// unless glued to a number or an underscore: "2nd", "_Foo").
pub(crate) struct CapWord<'t> {
    pub(crate) token: u32,
    pub(crate) start: Option<&'t WordStart>,
}

/// The capitalised word tokens of `text`, and its headlines: lines whose
/// words are nearly all capitalised ("Kerry Meets with Anti-IS Coalition Ambassadors", name
/// lines as "Robert Burns | Vivian Salama and Diaa Hadid"), as spans of whole lines. One walk
/// over the tokens serves the given names, the coreference and the headlines.
pub(crate) fn capitalised_words<'t>(text: &'t Text, newlines: &[usize]) -> (Vec<CapWord<'t>>, Vec<Span>) {
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
            caps.push(CapWord { token: i as u32, start: starts.at(start) });
        }
    }
    let end = if nl < bytes.len() { nl + 1 } else { bytes.len() };
    close(Span::new(line_start, end), words, capitals);
    (caps, headlines)
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
        let set = |v: &[String]| v.iter().cloned().collect::<HashSet<String>>();
        // A title word never starts a name ("Spokesman Colonel Steve Warren" is Steve Warren).
        let mut not_names = set(&rules.not_names);
        for t in &rules.titles {
            let t = t.trim_end_matches('.');
            if !t.contains(' ') && t.starts_with(char::is_uppercase) {
                not_names.insert(t.to_string());
            }
        }
        NameRules {
            given_filter: WordFilter::new(given_names.iter(), false),
            honorifics: set(&rules.honorifics),
            particles: set(&rules.particles),
            suffixes: set(&rules.suffixes),
            not_names,
            given_names,
            known,
        }
    }

    /// Whether `w` (one word token) can be part of a name.
    fn name_word(&self, w: &str) -> bool {
        if !capitalised(w) || self.not_names.contains(w) {
            return false;
        }
        // A name word is not all capitals unless it is short of a shout ("KERRY" is handled by
        // coreference, not here): "ISIS", "UN" never start names.
        w.chars().any(char::is_lowercase)
    }

    /// "al-Abadi", "bin-Laden": a lower-case particle glued to a capitalised name.
    fn particle_word(&self, w: &str) -> bool {
        w.split_once(['-', '\u{2010}', '\u{2011}']).is_some_and(|(p, rest)| {
            self.particles.contains(p) && capitalised(rest) && rest.chars().any(char::is_lowercase)
        })
    }

    /// Reads a name starting at token `from`.
    fn read(&self, text: &Text, from: usize) -> Option<Name> {
        let toks = &text.tokens;
        let first = toks.get(from)?;
        let start = first.start as usize;
        let mut end = start;
        // At most MAX_NAME_TOKENS words: no allocation but the canonical's.
        let mut parts: [&str; MAX_NAME_TOKENS] = [""; MAX_NAME_TOKENS];
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
            if w.chars().count() == 1 && w.chars().all(char::is_uppercase) && glued_dot && n > 0 {
                // A middle initial: in the mention, not in the canonical.
                end = next.map_or(t.end, |n| n.end) as usize;
                i += 2;
                count += 1;
                continue;
            }
            let particle = self.particles.contains(w)
                && n > 0
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
        Some(Name { span: Span::new(start, end), canonical: parts[..n].join(" "), words: n })
    }

    fn canonical(&self, name: &str) -> Arc<str> {
        self.known_name(name).cloned().unwrap_or_else(|| Arc::from(name))
    }

    /// The pack's canonical of `name`, in any case.
    fn known_name(&self, name: &str) -> Option<&Arc<str>> {
        if self.known.is_empty() {
            return None;
        }
        let mut buf = [0u8; 64];
        if name.is_ascii() && name.len() <= buf.len() {
            let buf = &mut buf[..name.len()];
            buf.copy_from_slice(name.as_bytes());
            buf.make_ascii_lowercase();
            // ASCII stays valid UTF-8 when folded.
            return std::str::from_utf8(buf).ok().and_then(|lower| self.known.get(lower));
        }
        self.known.get(&name.to_lowercase())
    }

    /// Persons after a title: "Prime Minister Haider al-Abadi", "Gen. Joseph Dunford",
    /// "Mr Masum" (a lone surname after an honorific).
    pub(crate) fn title_persons(&self, text: &Text, titles: &[Span], out: &mut Vec<Candidate>) {
        for title in titles {
            let gap_ok = text.text[title.end..].starts_with(' ') && !text.text[title.end..].starts_with("  ");
            if !gap_ok {
                continue;
            }
            let from = text.token_at(title.end);
            let Some(name) = self.read(text, from) else { continue };
            let honorific = self.honorifics.contains(title.of(text.text));
            if name.words >= 2 || honorific || self.known_name(&name.canonical).is_some() {
                out.push(Candidate {
                    span: name.span,
                    canonical: self.canonical(&name.canonical),
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
                canonical: Arc::from(name.canonical.as_str()),
                kind: EntityType::City,
                rule: "town_cue",
                priority: 1,
                hidden: false,
                leads: true,
            });
        }
    }

    /// Persons by a common given name and a surname: "Brett McGurk said". `caps` are the
    /// capitalised word tokens ([`capitalised_words`]).
    pub(crate) fn given_name_persons(&self, text: &Text, caps: &[CapWord], out: &mut Vec<Candidate>) {
        if self.given_names.is_empty() {
            return;
        }
        let mut next = 0;
        for cap in caps {
            let i = cap.token as usize;
            if i < next {
                continue;
            }
            let t = text.tokens[i];
            // The first-word filter where the token starts a word (it nearly always does).
            if cap.start.is_some_and(|w| !self.given_filter.may_start(w)) {
                continue;
            }
            if !self.given_names.contains(t.text(text.text)) {
                continue;
            }
            if let Some(name) = self.read(text, i) {
                if name.words >= 2 {
                    next = text.token_at(name.span.end).max(i + 1);
                    out.push(Candidate {
                        span: name.span,
                        canonical: self.canonical(&name.canonical),
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
    /// `caps` are the capitalised word tokens ([`capitalised_words`]).
    pub(crate) fn coreference(&self, text: &Text, caps: &[CapWord], mentions: &mut Vec<Mention>) {
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
        if keys.is_empty() {
            return;
        }
        // The byte lengths of the keys: most words are turned away by their length alone (an
        // ASCII word keeps its length when lower-cased).
        let lengths: u64 = keys.keys().fold(0, |acc, k| acc | 1u64.checked_shl(k.len() as u32).unwrap_or(0));
        // And by their first words, folded: an ASCII word is a key only if its first word
        // (the word start's, as the possessive is no word character) is the key's.
        let first_words = WordFilter::new(keys.keys(), true);
        let mut added: Vec<Mention> = Vec::new();
        let mut lower = String::new();
        for cap in caps {
            let t = text.tokens[cap.token as usize];
            let w = strip_possessive(t.text(text.text));
            let ascii = w.is_ascii();
            let length_differs = w.len() < 64 && ascii && lengths & (1 << w.len()) == 0;
            if length_differs || ascii && cap.start.is_some_and(|s| !first_words.may_start(s)) {
                continue;
            }
            lower.clear();
            if ascii {
                lower.push_str(w);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(w.chars().flat_map(char::to_lowercase));
            }
            let Some(owners) = keys.get(lower.as_str()) else { continue };
            let span = Span::new(t.start as usize, t.start as usize + w.len());
            let canonical = owners
                .iter()
                .rev()
                .find(|(pos, _)| *pos <= span.start)
                .or_else(|| owners.first())
                .map(|(_, c)| c.clone());
            let Some(canonical) = canonical else { continue };
            let at = mentions.partition_point(|m| m.span.end <= span.start);
            match mentions.get(at) {
                Some(m) if m.span.overlaps(span) => {
                    let lone_place = matches!(m.kind, EntityType::City | EntityType::Region);
                    let lone_surname = m.kind == EntityType::Person && !m.canonical.contains(' ');
                    if m.span == span && (lone_place || lone_surname) {
                        let m = &mut mentions[at];
                        m.canonical = canonical;
                        m.kind = EntityType::Person;
                        m.rule = "coreference";
                    }
                }
                _ => added.push(Mention { span, canonical, kind: EntityType::Person, rule: "coreference" }),
            }
        }
        if !added.is_empty() {
            mentions.extend(added);
            mentions.sort_by_key(|m| (m.span.start, m.span.end));
        }
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
        let (caps, headlines) = capitalised_words(&text, &newlines(s));
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
            proptest::prop_assert_eq!(c.start.map(|w| w.at), at_start);
        }
        Ok(())
    }

    #[test]
    fn headlines_and_capitalised_words_on_written_lines() {
        for s in [
            "Kerry Meets With Coalition Envoys\nThe envoys met on Monday in Paris.\n",
            "\n\nOne Two\n\nthree four Five\nSix",
            "2Nd _Foo Émile Zola\r\nÉcole normale",
            "",
            "\n",
        ] {
            agree(s).unwrap();
        }
    }

    proptest::proptest! {
        #[test]
        fn headlines_agree_with_the_line_by_line_count(s in "(Kerry|met|É|é|2|_|x|A|[ .,'\\-\n\r])*") {
            agree(&s)?;
        }
    }
}
