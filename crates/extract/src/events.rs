//! Timeline events: meetings, liberations, operations, members joining, attacks.
//!
//! A timeline needs the dated happenings of a campaign, each with a place. The domain pack
//! says which words announce which kind of event (`[[event]]` trigger rules) and holds the
//! small vocabularies the rules read places with (`[event_words]`); this module holds only
//! the reading itself, so another campaign brings its own triggers without new code.
//!
//! Reading one trigger:
//! 1. every trigger phrase of the pack is found in one pass over the text's word starts, each
//!    looked up by its word key in a table of the triggers' first words (`CueTable`): the
//!    extractor's walk, which finds the claim cues too, passes them to
//!    `EventRules::apply_found`;
//! 2. the rule's conditions are checked around it, inside its clause (the sentence up to a
//!    `;`): a word it requires nearby ("launched" needs "offensive"), words that cancel it
//!    ("to liberate" is a purpose, "will attack" a forecast), and the role of the enemy
//!    (its captures are no liberations; "ISIS lost control of" is one);
//! 3. the date is the clause's nearest timex (a comma between costs distance, a `;` bars it,
//!    a dateline's stamp never dates a happening); a vague one ("recent weeks") leaves the
//!    happening undated; a sentence without a timex takes the month of the sentence before
//!    it (a passage the text dates); undated happenings are left out;
//! 4. the place is read where the rule says: the object of the verb ("retook Bashir", "the
//!    town of Kobani", "the Turkish border"), the subject of a passive ("Kobani had been
//!    liberated"), a locative ("in Paris", "around Kobani"), a host ("Kuwait, which hosted"),
//!    or the new members named ("Nigeria, Malaysia and Tunisia are the newest members");
//!    lists give one event per place;
//! 5. events of one document that are one happening (same kind, compatible dates and places;
//!    meetings: compatible dates) are merged, keeping the most precise date and place.

use crate::cues::{CueTable, Found, Marks, MentionIndex, Words};
use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::{Span, TokenKind};
use chronicle_entities::{EntityType, Mention};
use chronicle_time::{Timex, TimexType};
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::HashSet;

/// Where a rule reads the place of its event.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PlaceRole {
    /// After a locative word ("in", "at", "around"), after the trigger; else before it.
    #[default]
    Locative,
    /// The object right after the trigger ("retook Bashir"); for a passive trigger, the
    /// subject before it ("Kobani had been liberated").
    Object,
    /// The names before the trigger ("Nigeria and Tunisia are the newest members").
    MembersBefore,
    /// The names after the trigger ("the addition of Interpol").
    MembersAfter,
}

/// What the enemy must (not) be for a trigger to count.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EnemyRole {
    /// No condition.
    #[default]
    Any,
    /// The enemy must not be the one acting ("ISIS captured", "seized by ISIL").
    NotAgent,
    /// The enemy must be the subject ("ISIS lost control of").
    Agent,
}

/// Which side of the trigger a required word must be on.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    #[default]
    Either,
    Before,
    After,
}

/// Where an event's date comes from.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The trigger's own timex (or its passage's month).
    #[default]
    Sentence,
    /// Its own timex, else the date of the document's meeting (where an accession is announced).
    Meeting,
}

fn default_window() -> usize {
    8
}

fn default_place_window() -> usize {
    15
}

fn default_blocker_window() -> usize {
    3
}

fn default_place_types() -> Vec<EntityType> {
    vec![EntityType::City, EntityType::Region, EntityType::Country]
}

/// One event trigger rule of a pack.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDef {
    /// The event type (FORMAT.md): meeting, liberation, operation_start, member_joined, attack.
    #[serde(rename = "type")]
    pub kind: String,
    /// The rule's name, unique in the pack; events carry it as `rule`.
    pub name: String,
    /// Phrases that announce the event (matched case-insensitively, whole words).
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Words one of which must stand within `window` tokens of the trigger, in its clause.
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub requires_side: Side,
    #[serde(default = "default_window")]
    pub window: usize,
    /// Words that cancel the trigger when they stand within `blocker_window` tokens before it.
    #[serde(default)]
    pub blockers: Vec<String>,
    #[serde(default = "default_blocker_window")]
    pub blocker_window: usize,
    /// Words that cancel the trigger anywhere in its clause ("frequency" of attacks).
    #[serde(default)]
    pub clause_blockers: Vec<String>,
    /// Words that cancel the trigger right after it ("meeting the standards" is no meeting).
    #[serde(default)]
    pub after_blockers: Vec<String>,
    /// Words one of which the clause must hold when no place is found (a meeting "of partners").
    #[serde(default)]
    pub context: Vec<String>,
    /// Locative words of this rule, replacing the pack's (meetings are "in" or "at" a place).
    #[serde(default)]
    pub locatives: Vec<String>,
    /// How many tokens from the trigger a place may stand.
    #[serde(default = "default_place_window")]
    pub place_window: usize,
    #[serde(default)]
    pub place: PlaceRole,
    /// Entity types a place may have (names the gazetteer does not know are always allowed).
    #[serde(default = "default_place_types")]
    pub place_types: Vec<EntityType>,
    /// Venues count as places (an organization's seat, "Joint Base Andrews").
    #[serde(default)]
    pub venues: bool,
    /// Of several places, the first city wins (a meeting "at the State Department in Washington").
    #[serde(default)]
    pub prefer_city: bool,
    /// A list of places gives one event each ("attacks in Homs, Damascus and Baghdad").
    #[serde(default)]
    pub list: bool,
    /// Without a place there is no event.
    #[serde(default)]
    pub requires_place: bool,
    #[serde(default)]
    pub enemy: EnemyRole,
    #[serde(default)]
    pub date: DateSource,
    /// Read hosts and participants (meetings).
    #[serde(default)]
    pub people: bool,
    /// A city named right before the trigger is its place ("the Manchester Arena bombing").
    #[serde(default)]
    pub premodifier: bool,
}

/// The vocabularies event rules read clauses and places with (`[event_words]` of a pack).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventWords {
    /// Canonical names of the enemy (its captures are no liberations).
    #[serde(default)]
    pub enemies: Vec<String>,
    /// Phrases that name the enemy without a name ("the terror group", "militants").
    #[serde(default)]
    pub enemy_words: Vec<String>,
    /// Words after which a place is read ("in", "at", "around", "of").
    #[serde(default)]
    pub locatives: Vec<String>,
    /// Verbs whose object is a place ("retake", "liberate"), read like locatives.
    #[serde(default)]
    pub place_verbs: Vec<String>,
    /// Determiners and adjectives skipped before a place ("the", "embattled", "strategic").
    #[serde(default)]
    pub skip: Vec<String>,
    /// Nouns that head a place named after them ("town", "city": "the town of Kobani").
    #[serde(default)]
    pub heads: Vec<String>,
    /// Direction words kept with the place they precede ("eastern Mosul").
    #[serde(default)]
    pub directions: Vec<String>,
    /// Facilities whose name is the place ("Mosul Dam", "Qayyarah Air Base", "Turkish border").
    #[serde(default)]
    pub facilities: Vec<String>,
    /// Buildings inside a town: the town is the place ("the Government Center in Ramadi").
    #[serde(default)]
    pub buildings: Vec<String>,
    /// Last words of a region's name ("Province"): no city.
    #[serde(default)]
    pub region_heads: Vec<String>,
    /// Auxiliaries that make a trigger passive ("was", "been").
    #[serde(default)]
    pub passive: Vec<String>,
    /// Adverbs between an auxiliary and its verb ("officially", "completely").
    #[serde(default)]
    pub adverbs: Vec<String>,
    /// Capitalised words that are no names (months, weekdays, sentence openers).
    #[serde(default)]
    pub not_names: Vec<String>,
    /// Verbs of hosting or chairing before the meeting ("Kerry and Hammond co-hosted talks").
    #[serde(default)]
    pub host_before: Vec<String>,
    /// Verbs whose subject is the meeting's place ("Kuwait, which hosted a conference").
    #[serde(default)]
    pub host_places: Vec<String>,
    /// How many first lines of a report are its header, where a line naming only a city
    /// ("Washington, DC") places a meeting held at an organization's seat.
    #[serde(default)]
    pub header_lines: usize,
    /// Phrases after which the hosts are named ("hosted by", "at the invitation of").
    #[serde(default)]
    pub host_after: Vec<String>,
    /// Phrases after which participants are named ("representatives from", "including").
    #[serde(default)]
    pub participant_cues: Vec<String>,
    /// Words that may follow a place's name; a name followed by another lower-case word is an
    /// adjective ("Kenyan embassy"), no place.
    #[serde(default)]
    pub place_followers: Vec<String>,
    /// Event types of which a document reports at most one per date (meetings).
    #[serde(default)]
    pub one_per_date: Vec<String>,
}

impl EventWords {
    pub fn extend(&mut self, other: EventWords) {
        let EventWords {
            enemies,
            enemy_words,
            locatives,
            place_verbs,
            skip,
            heads,
            directions,
            facilities,
            buildings,
            region_heads,
            passive,
            adverbs,
            not_names,
            host_before,
            host_places,
            header_lines,
            host_after,
            participant_cues,
            place_followers,
            one_per_date,
        } = other;
        self.enemies.extend(enemies);
        self.enemy_words.extend(enemy_words);
        self.locatives.extend(locatives);
        self.place_verbs.extend(place_verbs);
        self.skip.extend(skip);
        self.heads.extend(heads);
        self.directions.extend(directions);
        self.facilities.extend(facilities);
        self.buildings.extend(buildings);
        self.region_heads.extend(region_heads);
        self.passive.extend(passive);
        self.adverbs.extend(adverbs);
        self.not_names.extend(not_names);
        self.host_before.extend(host_before);
        self.host_places.extend(host_places);
        self.header_lines = self.header_lines.max(header_lines);
        self.host_after.extend(host_after);
        self.participant_cues.extend(participant_cues);
        self.place_followers.extend(place_followers);
        self.one_per_date.extend(one_per_date);
    }
}

/// One dated happening.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// The trigger.
    #[serde(skip)]
    pub span: Span,
    #[serde(rename = "type")]
    pub kind: String,
    pub date: Option<String>,
    pub place: Option<String>,
    pub rule: String,
    /// Who hosted or chaired it (canonical names), when the text says.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Who took part (canonical names), when the text lists them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
}

/// Multi-word phrases matched word by word against tokens.
#[derive(Default)]
struct Phrases {
    phrases: Vec<Vec<String>>,
    /// The phrases' first words: a token that is none of them starts no phrase (None when a
    /// first word is too long for a [`Words`] set).
    first: Option<Words>,
}

impl Phrases {
    fn new(phrases: &[String]) -> Phrases {
        let phrases: Vec<Vec<String>> =
            phrases.iter().map(|p| p.split_whitespace().map(str::to_lowercase).collect()).collect();
        let firsts: Vec<String> = phrases.iter().filter_map(|p| p.first().cloned()).collect();
        let first = firsts.iter().all(|w| w.len() <= 48).then(|| Words::new(&firsts));
        Phrases { phrases, first }
    }
}

/// A compiled rule.
struct Rule {
    def: EventDef,
    requires: Words,
    blockers: Words,
    clause_blockers: Words,
    after_blockers: Words,
    context: Words,
    /// The rule's own locatives (`def.locatives`), compared in any ASCII case.
    locatives: Words,
    rule: String,
}

/// A trigger whose rule holds: where it stands and what it needs to be read.
#[derive(Clone, Copy)]
struct Hit {
    span: Span,
    rule: usize,
    /// Token range of the trigger.
    t0: usize,
    t1: usize,
    /// The first token of the trigger or of the word it requires before it ("offensive ... began").
    anchor: usize,
    /// Token range of its clause.
    c0: usize,
    c1: usize,
    passive: bool,
    sentence: usize,
}

/// Whether a match sits inside a hyphenated compound ("counter-attacks", "attack-prone").
fn in_compound(text: &str, span: Span) -> bool {
    let hyphen = |c: Option<char>| matches!(c, Some('-' | '\u{2010}' | '\u{2011}'));
    hyphen(text[..span.start].chars().next_back()) || hyphen(text[span.end..].chars().next())
}

/// The compiled event rules of a pack.
pub struct EventRules {
    triggers: Option<CueTable>,
    /// The trigger phrases (lower-cased, one space between words), indexed as `pattern_rules`.
    patterns: Vec<String>,
    /// For each trigger phrase, the rules it triggers.
    pattern_rules: Vec<Vec<usize>>,
    rules: Vec<Rule>,
    enemies: HashSet<String>,
    enemy_words: Phrases,
    locatives: Words,
    place_verbs: Words,
    skip: Words,
    heads: Words,
    directions: Words,
    facilities: Phrases,
    buildings: Words,
    region_heads: Words,
    passive: Words,
    adverbs: Words,
    not_names: Words,
    host_before: Words,
    host_places: Words,
    header_lines: usize,
    host_after: Phrases,
    participant_cues: Phrases,
    place_followers: Words,
    one_per_date: HashSet<String>,
}

const KINDS: &[&str] = &["meeting", "liberation", "operation_start", "member_joined", "attack"];

impl EventRules {
    pub fn new(pack: &Pack) -> Result<EventRules, PackError> {
        let invalid = |message: String| PackError::Invalid { source_name: "event rules".into(), message };
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        let mut rules = Vec::new();
        let mut names = HashSet::new();
        for (i, def) in pack.events.iter().enumerate() {
            if !KINDS.contains(&def.kind.as_str()) {
                return Err(invalid(format!("event rule {:?}: unknown type {:?}", def.name, def.kind)));
            }
            if !names.insert(def.name.clone()) {
                return Err(invalid(format!("event rule {:?} is defined twice", def.name)));
            }
            if def.triggers.is_empty() {
                return Err(invalid(format!("event rule {:?} has no triggers", def.name)));
            }
            for t in &def.triggers {
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                if t.is_empty() {
                    return Err(invalid(format!("event rule {:?} has an empty trigger", def.name)));
                }
                match patterns.iter().position(|p| *p == t) {
                    Some(p) => pattern_rules[p].push(i),
                    None => {
                        patterns.push(t);
                        pattern_rules.push(vec![i]);
                    }
                }
            }
            rules.push(Rule {
                requires: Words::new(&def.requires),
                blockers: Words::new(&def.blockers),
                clause_blockers: Words::new(&def.clause_blockers),
                after_blockers: Words::new(&def.after_blockers),
                context: Words::new(&def.context),
                locatives: Words::ascii(&def.locatives),
                rule: format!("event.{}", def.name),
                def: def.clone(),
            });
        }
        let triggers = if patterns.is_empty() {
            None
        } else {
            Some(CueTable::new(&patterns).map_err(|e| invalid(format!("event triggers: {e}")))?)
        };
        let w = &pack.event_words;
        Ok(EventRules {
            triggers,
            patterns,
            pattern_rules,
            rules,
            enemies: w.enemies.iter().cloned().collect(),
            enemy_words: Phrases::new(&w.enemy_words),
            locatives: Words::new(&w.locatives),
            place_verbs: Words::new(&w.place_verbs),
            skip: Words::new(&w.skip),
            heads: Words::new(&w.heads),
            directions: Words::new(&w.directions),
            facilities: Phrases::new(&w.facilities),
            buildings: Words::new(&w.buildings),
            region_heads: Words::new(&w.region_heads),
            passive: Words::new(&w.passive),
            adverbs: Words::new(&w.adverbs),
            not_names: Words::new(&w.not_names),
            host_before: Words::new(&w.host_before),
            host_places: Words::new(&w.host_places),
            header_lines: w.header_lines,
            host_after: Phrases::new(&w.host_after),
            participant_cues: Phrases::new(&w.participant_cues),
            place_followers: Words::new(&w.place_followers),
            one_per_date: w.one_per_date.iter().cloned().collect(),
        })
    }

    /// The trigger phrases, as a [`CueTable`] list whose matches [`EventRules::apply_found`] reads.
    pub(crate) fn trigger_phrases(&self) -> &[String] {
        &self.patterns
    }

    /// The events of one document, in text order, one per distinct happening.
    pub fn apply(&self, ctx: &Context) -> Vec<Event> {
        let Some(triggers) = &self.triggers else { return Vec::new() };
        self.apply_found(ctx, &triggers.find_leftmost(ctx.text), &OnceCell::new())
    }

    /// [`EventRules::apply`] given the triggers found in the text (the matches of
    /// [`EventRules::trigger_phrases`], as a [`CueTable`] finds them) and the document's
    /// mention index, built here if no other rule set has built it yet.
    pub(crate) fn apply_found(&self, ctx: &Context, triggers: &[Found], index: &OnceCell<MentionIndex>) -> Vec<Event> {
        let mut doc: Option<Doc> = None;
        let mut hits = Vec::new();
        // The last trigger's sentence and its token range: triggers come in text order.
        let mut last: Option<(usize, usize, usize)> = None;
        for m in triggers {
            let span = m.span;
            if in_compound(ctx.text.text, span) {
                continue;
            }
            let doc = doc.get_or_insert_with(|| Doc::new(ctx, index));
            // Where the trigger stands, read once for all its rules.
            let Some(t0) = m.first_token(ctx.text) else { continue };
            // Every token before the one before t0 ends before the trigger: walk on from there.
            let tokens = &ctx.text.tokens;
            let mut t1 = t0.saturating_sub(1);
            while tokens.get(t1).is_some_and(|t| t.end as usize <= span.end) {
                t1 += 1;
            }
            let t1 = t1.max(t0 + 1);
            let sentences = &ctx.text.sentences;
            let (sentence, s0, s1) = match last {
                Some((ls, s0, s1))
                    if sentences.get(ls).is_some_and(|x| x.start <= span.start)
                        && sentences.get(ls + 1).is_none_or(|x| x.start > span.start) =>
                {
                    (ls, s0, s1)
                }
                _ => {
                    let s = ctx.text.sentence_at(span.start);
                    let sp = ctx.text.sentence(s);
                    (s, ctx.text.token_at(sp.start), doc.token_end_index(sp.end))
                }
            };
            last = Some((sentence, s0, s1));
            let (c0, c1) = doc.clause(s0, s1, t0);
            let at = Hit { span, rule: 0, t0, t1, anchor: t0, c0, c1, passive: false, sentence };
            for &r in &self.pattern_rules[m.pattern] {
                if let Some(hit) = self.check(doc, r, &at) {
                    hits.push(hit);
                }
            }
        }
        let Some(doc) = doc else { return Vec::new() };
        let mut found = Vec::new();
        for (k, hit) in hits.iter().enumerate() {
            // Neighbouring triggers of the same type in the clause claim what lies beyond them.
            let kind = &self.rules[hit.rule].def.kind;
            let same = |o: &&Hit| o.c0 == hit.c0 && self.rules[o.rule].def.kind == *kind;
            let lo = hits[..k].iter().rev().filter(same).find(|o| o.t1 <= hit.anchor).map_or(hit.c0, |o| o.t1);
            let hi = hits[k + 1..].iter().filter(same).find(|o| o.anchor >= hit.t1).map_or(hit.c1, |o| o.anchor);
            self.read(&doc, hit, lo.max(hit.c0), hi.min(hit.c1).max(hit.t1), &mut found);
        }
        if found.is_empty() {
            return found;
        }
        // Accessions are dated by the meeting that announced them.
        let meeting_date = found.iter().find(|e| e.kind == "meeting").and_then(|e| e.date.clone());
        for e in &mut found {
            if e.date.is_none() {
                e.date = meeting_date.clone();
            }
        }
        found.retain(|e| e.date.is_some());
        self.merge(found)
    }

    /// Whether rule `r` holds at a trigger standing `at` (its tokens, sentence and clause):
    /// blockers, required words, the enemy's role.
    #[inline(never)]
    fn check(&self, doc: &Doc, r: usize, at: &Hit) -> Option<Hit> {
        let rule = &self.rules[r];
        let def = &rule.def;
        let Hit { span: trigger, t0, t1, c0, c1, sentence, .. } = *at;
        if (t0.saturating_sub(def.blocker_window).max(c0)..t0).any(|i| rule.blockers.contains(doc.word(i))) {
            return None;
        }
        if t1 < c1 && rule.after_blockers.contains(doc.word(t1)) {
            return None;
        }
        // Most rules have no clause blockers: their clause is not walked.
        if !rule.clause_blockers.is_empty() && (c0..c1).any(|i| rule.clause_blockers.contains(doc.word(i))) {
            return None;
        }
        let mut anchor = t0;
        if !rule.requires.is_empty() {
            let before = t0.saturating_sub(def.window).max(c0)..t0;
            let after = t1..(t1 + def.window).min(c1);
            let hit_before = || before.clone().rev().find(|&i| rule.requires.contains(doc.word(i)));
            let hit_after = || after.clone().find(|&i| rule.requires.contains(doc.word(i)));
            let hit = match def.requires_side {
                Side::Before => hit_before(),
                Side::After => hit_after(),
                Side::Either => hit_after().or_else(hit_before),
            };
            anchor = anchor.min(hit?);
        }
        let passive = self.is_passive(doc, t0, c0);
        match def.enemy {
            EnemyRole::Any => {}
            EnemyRole::NotAgent => {
                let subject = !passive && (t0.saturating_sub(4).max(c0)..t0).any(|i| self.enemy_at(doc, i).is_some());
                let by = (t1.saturating_sub(1)..(t1 + 2).min(c1)).any(|i| {
                    doc.word(i).eq_ignore_ascii_case("by") && {
                        let mut j = i + 1;
                        while j < c1 && self.skip.contains(doc.word(j)) {
                            j += 1;
                        }
                        self.enemy_at(doc, j).is_some()
                    }
                });
                if subject || by {
                    return None;
                }
            }
            EnemyRole::Agent => {
                if !(t0.saturating_sub(4).max(c0)..t0).any(|i| self.enemy_at(doc, i).is_some()) {
                    return None;
                }
            }
        }
        Some(Hit { span: trigger, rule: r, t0, t1, anchor, c0, c1, passive, sentence })
    }

    /// The events of one trigger, reading dates and places in tokens `lo..hi` of its clause.
    fn read(&self, doc: &Doc, hit: &Hit, lo: usize, hi: usize, out: &mut Vec<Event>) {
        let rule = &self.rules[hit.rule];
        let def = &rule.def;
        let date = doc.date_near(hit.span, hit.sentence, lo, hi, def.date == DateSource::Sentence);
        if date.is_none() && def.date == DateSource::Sentence {
            return;
        }
        let mut places = self.places(doc, def, hit, lo, hi);
        if places.is_empty() && def.kind == "operation_start" {
            // "The operation, which began on May 23": the place of the sentence before.
            if let Some(p) = self.previous_place(doc, hit) {
                places.push(p);
            }
        }
        if places.is_empty() {
            if def.requires_place {
                return;
            }
            if !rule.context.is_empty() && !(hit.c0..hit.c1).any(|i| rule.context.contains(doc.word(i))) {
                return;
            }
        }
        let (hosts, participants) =
            if def.people { self.people(doc, hit.c0, hit.c1, hit.t0) } else { (Vec::new(), Vec::new()) };
        let event = |place: Option<String>, date: Option<String>| Event {
            span: hit.span,
            kind: def.kind.clone(),
            date,
            place,
            rule: rule.rule.clone(),
            hosts: hosts.clone(),
            participants: participants.clone(),
        };
        if places.is_empty() {
            out.push(event(None, date.map(|d| d.value)));
            return;
        }
        // Each place of a list takes the timex between it and the next place, if there is one.
        for (k, p) in places.iter().enumerate() {
            let own = if places.len() > 1 {
                let from = p.span.end;
                let to = places.get(k + 1).map_or(doc.tok_span(hi.saturating_sub(1)).end, |n| n.span.start);
                doc.date_between(from, to, lo, hi)
            } else {
                None
            };
            let d = own.or_else(|| date.clone()).map(|d| d.value);
            out.push(event(Some(p.text.clone()), d));
        }
    }

    /// The last city named in the sentence before a trigger whose operation it leaves unnamed.
    fn previous_place(&self, doc: &Doc, hit: &Hit) -> Option<Place> {
        // Only a definite operation ("The operation", "the offensive") points back.
        let anchor_word = hit.anchor.checked_sub(1).map(|i| doc.word(i))?;
        if !["the", "this", "that"].iter().any(|d| anchor_word.eq_ignore_ascii_case(d)) {
            return None;
        }
        let prev = doc.ctx.text.sentence(hit.sentence.checked_sub(1)?);
        let m = doc
            .mentions
            .iter()
            .rev()
            .map(|&k| &doc.ctx.mentions[k])
            .find(|m| prev.contains(m.span) && m.kind == EntityType::City && !doc.possessive_after(m))?;
        let i = doc.token_index(m.span.start)?;
        Some(Place::from_mention(doc, m, i, doc.token_end_index(m.span.end).max(i + 1), None))
    }

    fn is_passive(&self, doc: &Doc, t0: usize, c0: usize) -> bool {
        let mut i = t0;
        while i > c0 {
            i -= 1;
            let w = doc.word(i);
            if doc.is_quote(i) || self.adverbs.contains(w) {
                continue;
            }
            return self.passive.contains(w);
        }
        false
    }

    /// Whether token `i` starts a mention of the enemy (its name or a word for it).
    fn enemy_at(&self, doc: &Doc, i: usize) -> Option<usize> {
        if let Some(m) = doc.mention_at(i) {
            if self.enemies.contains(&*m.canonical) {
                return Some(doc.token_end_index(m.span.end));
            }
        }
        self.phrase_at(doc, &self.enemy_words, i)
    }

    /// Whether token `i` ends a mention of the enemy or a word for it.
    fn enemy_ending_at(&self, doc: &Doc, i: usize) -> bool {
        if doc.mention_ending_at(i).is_some_and(|m| self.enemies.contains(&*m.canonical)) {
            return true;
        }
        (i.saturating_sub(3)..=i).any(|k| self.phrase_at(doc, &self.enemy_words, k) == Some(i + 1))
    }

    /// If one of `phrases` starts at token `i`, the token index after it.
    fn phrase_at(&self, doc: &Doc, phrases: &Phrases, i: usize) -> Option<usize> {
        if let Some(first) = &phrases.first {
            if !first.contains(doc.ctx.text.tokens.get(i)?.text(doc.ctx.text.text)) {
                return None;
            }
        }
        'outer: for p in &phrases.phrases {
            for (k, w) in p.iter().enumerate() {
                let Some(t) = doc.ctx.text.tokens.get(i + k) else { continue 'outer };
                if !t.text(doc.ctx.text.text).eq_ignore_ascii_case(w) {
                    continue 'outer;
                }
            }
            if !p.is_empty() {
                return Some(i + p.len());
            }
        }
        None
    }

    fn places(&self, doc: &Doc, def: &EventDef, hit: &Hit, lo: usize, hi: usize) -> Vec<Place> {
        let (t0, t1, anchor) = (hit.t0, hit.t1, hit.anchor.max(lo));
        let own = &self.rules[hit.rule].locatives;
        let w = def.place_window;
        let mut out = Vec::new();
        match def.place {
            PlaceRole::Object => {
                if hit.passive {
                    if let Some(p) = self.place_before(doc, def, lo.max(t0.saturating_sub(2 * w)), t0) {
                        out.push(p);
                    }
                } else {
                    match self.read_place(doc, def, t1, hi) {
                        Read::Place(p) => out.push(p),
                        Read::Building(next) => {
                            if let Some(p) =
                                self.scan_locative(doc, def, own, next, hi.min(next + w)).into_iter().next()
                            {
                                out.push(p);
                            }
                        }
                        Read::None => {}
                    }
                }
                if def.list {
                    self.continue_list(doc, def, hi, &mut out);
                }
            }
            PlaceRole::Locative => {
                let start = anchor.min(t0);
                let mut after = self.scan_locative(doc, def, own, start, hi.min(t1 + w));
                if after.is_empty() && def.premodifier {
                    after.extend(self.premodifier(doc, def, lo, t0));
                }
                // What stands before an earlier trigger of the same type is that trigger's.
                let before = if after.is_empty() && lo == hit.c0 {
                    self.scan_locative(doc, def, own, lo.max(start.saturating_sub(w)), start)
                } else {
                    Vec::new()
                };
                let chosen = if def.prefer_city {
                    after
                        .iter()
                        .find(|p| p.city)
                        .or_else(|| before.iter().rev().find(|p| p.city))
                        .or(after.first())
                        .or(before.last())
                        .cloned()
                } else {
                    after.first().or(before.last()).cloned()
                };
                if def.venues {
                    if let Some(p) = self.host_place(doc, hit.c0, t0) {
                        out.push(p);
                        return out;
                    }
                }
                // A city named farther off in the clause ("..., Carter said in Brussels today").
                let chosen = chosen.or_else(|| {
                    if !def.prefer_city {
                        return None;
                    }
                    let from = if lo == hit.c0 { lo } else { t0 };
                    self.scan_locative(doc, def, own, from, hi).into_iter().find(|p| p.city)
                });
                // A seat without a city: the city of the report's header ("Washington, DC").
                let chosen = match chosen {
                    Some(p) if def.venues && p.organization => Some(self.header_city(doc).unwrap_or(p)),
                    c => c,
                };
                if let Some(p) = chosen {
                    out.push(p);
                    if def.list {
                        self.continue_list(doc, def, hi, &mut out);
                    }
                }
            }
            PlaceRole::MembersBefore | PlaceRole::MembersAfter => {
                let range = if def.place == PlaceRole::MembersBefore {
                    lo.max(t0.saturating_sub(w))..t0
                } else {
                    t1..hi.min(t1 + w)
                };
                let mut i = range.start;
                while i < range.end {
                    if let Some(m) = doc.mention_at(i) {
                        let end = doc.token_end_index(m.span.end).max(i + 1);
                        if matches!(m.kind, EntityType::Country | EntityType::Organization)
                            && !self.enemies.contains(&*m.canonical)
                            && !doc.possessive_after(m)
                        {
                            out.push(Place::from_mention(doc, m, i, end, None));
                        }
                        i = end;
                        continue;
                    }
                    if def.place == PlaceRole::MembersAfter && out.is_empty() && i < t1 + 3 {
                        if let Some(p) = self.name_run(doc, def, i, range.end) {
                            i = p.end_tok;
                            out.push(p);
                            continue;
                        }
                    }
                    i += 1;
                }
            }
        }
        out
    }

    /// A city mention standing right before the trigger, perhaps with a venue's name between
    /// ("Paris attacks", "the Manchester Arena bombing").
    fn premodifier(&self, doc: &Doc, def: &EventDef, lo: usize, t0: usize) -> Option<Place> {
        let mut i = t0;
        while i > lo && t0 - i < 4 {
            i -= 1;
            if let Some(m) = doc.mention_at(i) {
                if def.place_types.contains(&m.kind) && !doc.possessive_after(m) {
                    return Some(Place::from_mention(doc, m, i, doc.token_end_index(m.span.end).max(i + 1), None));
                }
                return None;
            }
            if !doc.is_name_like(i) || self.not_names.contains(doc.word(i)) {
                return None;
            }
        }
        None
    }

    /// Names that continue a list after the last place ("Tikrit, Sinjar, and Bayji").
    fn continue_list(&self, doc: &Doc, def: &EventDef, c1: usize, out: &mut Vec<Place>) {
        while let Some(last) = out.last() {
            let mut i = last.end_tok;
            // The date of an item may stand between it and the next ("on May 4 and").
            let on = |i: usize| ["on", "in"].iter().any(|w| doc.word(i).eq_ignore_ascii_case(w));
            if i + 1 < c1 && on(i) && doc.timex_end_at(i + 1).is_some() {
                i = doc.timex_end_at(i + 1).unwrap_or(i + 1);
            } else if let Some(after) = doc.timex_end_at(i) {
                i = after;
            }
            let mut joined = false;
            while i < c1 && (doc.word(i) == "," || doc.word(i).eq_ignore_ascii_case("and")) {
                joined = true;
                i += 1;
            }
            if !joined {
                return;
            }
            match self.read_place(doc, def, i, c1) {
                Read::Place(p) if !out.iter().any(|q| q.text == p.text) => out.push(p),
                _ => return,
            }
        }
    }

    /// Places introduced by a locative word or a place verb in tokens `from..to`.
    fn scan_locative(&self, doc: &Doc, def: &EventDef, own: &Words, from: usize, to: usize) -> Vec<Place> {
        let mut out = Vec::new();
        let mut i = from;
        while i < to {
            let w = doc.word(i);
            let locative = if def.locatives.is_empty() {
                self.locatives.contains(w) || self.place_verbs.contains(w)
            } else {
                own.contains(w)
            };
            // A meeting "against militants in Iraq": where the enemy is, not where it meets.
            let after_enemy = def.venues && i > 0 && w.eq_ignore_ascii_case("in") && self.enemy_ending_at(doc, i - 1);
            if locative && !after_enemy {
                match self.read_place(doc, def, i + 1, to) {
                    Read::Place(p) => {
                        i = p.end_tok;
                        out.push(p);
                        continue;
                    }
                    Read::Building(next) if next > i + 1 => {
                        i = next;
                        continue;
                    }
                    _ => {}
                }
            } else if let Some(m) = doc.mention_at(i) {
                // "Washington-based ambassadors": a city as a modifier of place.
                let rest = doc.rest_of_token(m);
                if m.kind == EntityType::City && rest.len() > 1 && rest[1..].eq_ignore_ascii_case("based") {
                    out.push(Place::from_mention(doc, m, i, i + 1, None));
                }
            }
            i += 1;
        }
        out
    }

    /// The nearest place mention before the trigger (the subject of a passive).
    fn place_before(&self, doc: &Doc, def: &EventDef, c0: usize, t0: usize) -> Option<Place> {
        let mut i = t0;
        while i > c0 {
            i -= 1;
            if let Some(p) = self.anaphor(doc, def, i) {
                return Some(p);
            }
            if doc.mention_at(i).is_some() {
                if let Read::Place(p) = self.read_place(doc, def, i, t0) {
                    return Some(p);
                }
            }
        }
        None
    }

    /// "X, which hosted a conference": the host's place.
    fn host_place(&self, doc: &Doc, c0: usize, t0: usize) -> Option<Place> {
        let cue = (c0.max(t0.saturating_sub(6))..t0).rev().find(|&i| self.host_places.contains(doc.word(i)))?;
        // The host is the subject right before the verb: "Kuwait, which hosted", "Jordan will host".
        let mut i = cue;
        while i > c0 {
            i -= 1;
            let w = doc.word(i);
            if w == ","
                || ["which", "that", "will", "has", "had", "also", "who", "to"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x))
            {
                continue;
            }
            let m = doc.mention_ending_at(i)?;
            if !matches!(m.kind, EntityType::Country | EntityType::City) || doc.possessive_after(m) {
                return None;
            }
            let start = doc.token_index(m.span.start)?;
            return Some(Place::from_mention(doc, m, start, i + 1, None));
        }
        None
    }

    /// A header line of the report that is only a city ("Washington, DC"), in its first lines.
    fn header_city(&self, doc: &Doc) -> Option<Place> {
        let text = doc.ctx.text.text;
        let mut offset = 0;
        for line in text.split_inclusive('\n').take(self.header_lines) {
            let body = line.trim();
            let start = offset + (line.len() - line.trim_start().len());
            offset += line.len();
            if body.is_empty() || body.len() > 40 {
                continue;
            }
            let i = doc.token_index(start)?;
            let Some(m) = doc.mention_at(i) else { continue };
            if m.kind != EntityType::City {
                continue;
            }
            // Only the city and perhaps its state or country ("Washington, DC").
            let rest = text.get(m.span.end..start + body.len()).unwrap_or("").trim_start_matches([',', ' ']);
            if rest.len() <= 20 && !rest.contains(|c: char| c.is_ascii_digit()) {
                return Some(Place::from_mention(doc, m, i, i + 1, None));
            }
        }
        None
    }

    /// "in the city" naming the last city of the sentences before.
    fn anaphor(&self, doc: &Doc, def: &EventDef, i: usize) -> Option<Place> {
        let w = doc.word(i);
        if !(w.eq_ignore_ascii_case("city") || w.eq_ignore_ascii_case("town")) {
            return None;
        }
        if i == 0 || !doc.word(i - 1).eq_ignore_ascii_case("the") {
            return None;
        }
        // A head ("the city of Tikrit") is no anaphor.
        if doc.word(i + 1).eq_ignore_ascii_case("of") {
            return None;
        }
        let _ = def;
        let pos = doc.ctx.text.tokens[i].start as usize;
        let s = doc.ctx.text.sentence_at(pos);
        let floor = doc.ctx.text.sentence(s.saturating_sub(3)).start;
        let m = doc.mentions.iter().rev().map(|&k| &doc.ctx.mentions[k]).find(|m| {
            m.span.end <= pos && m.span.start >= floor && m.kind == EntityType::City && !doc.possessive_after(m)
        })?;
        Some(Place { text: String::from(&*m.canonical), span: m.span, end_tok: i + 1, city: true, organization: false })
    }

    /// Reads a place starting at token `i` (after skipping determiners and adjectives).
    fn read_place(&self, doc: &Doc, def: &EventDef, start: usize, end: usize) -> Read {
        let mut i = start;
        let mut direction: Option<usize> = None;
        let mut steps = 0;
        while i < end && steps < 12 {
            steps += 1;
            if let Some(after) = doc.timex_end_at(i) {
                i = after;
                direction = None;
                continue;
            }
            let w = doc.word(i);
            if doc.is_quote(i) {
                i += 1;
                continue;
            }
            if let Some(p) = self.anaphor(doc, def, i) {
                return Read::Place(p);
            }
            if let Some(after) = self.phrase_at(doc, &self.facilities, i) {
                // "a strategic dam": the dam the text names nearby ("the Mosul Dam").
                if w.chars().next().is_some_and(char::is_lowercase) {
                    return match self.facility_anaphor(doc, i, after) {
                        Some(p) => Read::Place(p),
                        None => Read::None,
                    };
                }
            }
            if self.skip.contains(w) || self.heads.contains(w) {
                i += 1;
                direction = None;
                continue;
            }
            if self.directions.contains(w) {
                direction = Some(i);
                i += 1;
                continue;
            }
            // A possessive ("Canada's Quebec City") or an adjective-like name before a head
            // ("the northern Iraqi town of Sinjar") leads to the place.
            let candidate = if let Some(m) = doc.mention_at(i) {
                let end_tok = doc.token_end_index(m.span.end).max(i + 1);
                if doc.possessive_after(m) {
                    i = end_tok;
                    direction = None;
                    continue;
                }
                if self.head_of_follows(doc, end_tok) {
                    i = end_tok;
                    direction = None;
                    continue;
                }
                if self.enemies.contains(&*m.canonical) {
                    return Read::None;
                }
                let ok_kind = def.place_types.contains(&m.kind) || (def.venues && m.kind == EntityType::Organization);
                // A country opening a longer unknown name is part of that name ("U.S. Central Command").
                let longer = m.kind == EntityType::Country
                    && def.venues
                    && doc.is_name_like(end_tok)
                    && doc.mention_at(end_tok).is_none()
                    && !self.not_names.contains(doc.word(end_tok));
                if longer {
                    self.name_run(doc, def, i, end)
                } else if ok_kind {
                    Some(Place::from_mention(doc, m, i, end_tok, direction))
                } else {
                    return Read::None;
                }
            } else {
                self.name_run(doc, def, i, end).map(|mut p| {
                    if let Some(d) = direction {
                        p.text = format!("{} {}", doc.word(d), p.text);
                    }
                    p
                })
            };
            let Some(mut p) = candidate else { return Read::None };
            if self.head_of_follows(doc, p.end_tok) {
                i = p.end_tok;
                direction = None;
                continue;
            }
            // A capitalised head is part of the name ("ar-Raqqa Province", "Hama City").
            if self.heads.contains(doc.word(p.end_tok)) && doc.is_name_like(p.end_tok) {
                let span = Span::new(p.span.start, doc.tok_span(p.end_tok).end);
                let text = if p.text == p.span.of(doc.ctx.text.text) {
                    span.of(doc.ctx.text.text).to_string()
                } else {
                    format!("{} {}", p.text, doc.word(p.end_tok))
                };
                p = Place { text, span, end_tok: p.end_tok + 1, city: p.city, organization: false };
            }
            // Facilities take the name; buildings send the reader on to their town.
            if let Some(after) = self.phrase_at(doc, &self.facilities, p.end_tok) {
                let from = direction.map_or(p.span.start, |d| doc.tok_span(d).start);
                let span = Span::new(from, doc.tok_span(after - 1).end);
                p = Place {
                    text: span.of(doc.ctx.text.text).to_string(),
                    span,
                    end_tok: after,
                    city: false,
                    organization: false,
                };
            } else if !def.venues && self.buildings.contains(doc.word(p.end_tok.saturating_sub(1))) {
                return Read::Building(p.end_tok);
            }
            if !def.place_types.contains(&EntityType::Region)
                && !p.city
                && self.region_heads.contains(doc.word(p.end_tok.saturating_sub(1)))
            {
                return Read::None;
            }
            return Read::Place(p);
        }
        Read::None
    }

    /// Whether a head noun introducing the real place follows ("Iraqi town of Sinjar").
    fn head_of_follows(&self, doc: &Doc, i: usize) -> bool {
        self.heads.contains(doc.word(i)) && doc.word(i + 1).eq_ignore_ascii_case("of")
    }

    /// A facility named only by its noun ("the dam"): the same facility named nearby.
    fn facility_anaphor(&self, doc: &Doc, i: usize, after: usize) -> Option<Place> {
        let text = doc.ctx.text.text;
        let s = doc.ctx.text.sentence_at(doc.tok_span(i).start);
        let lo = doc.ctx.text.sentence(s.saturating_sub(3)).start;
        let last = doc.ctx.text.sentences.len().saturating_sub(1);
        let hi = doc.ctx.text.sentence((s + 3).min(last)).end.max(doc.ctx.text.sentence(s).end);
        let noun: Vec<&str> = (i..after).map(|k| doc.word(k)).collect();
        doc.mentions.iter().map(|&k| &doc.ctx.mentions[k]).find_map(|m| {
            if m.span.start < lo || m.span.end > hi || !matches!(m.kind, EntityType::City | EntityType::Region) {
                return None;
            }
            let e = doc.token_end_index(m.span.end);
            let same = noun.iter().enumerate().all(|(k, w)| doc.word(e + k).eq_ignore_ascii_case(w));
            let span = Span::new(m.span.start, doc.tok_span((e + noun.len()).saturating_sub(1)).end);
            (same && !noun.is_empty()).then(|| Place {
                text: span.of(text).to_string(),
                span,
                end_tok: after,
                city: false,
                organization: false,
            })
        })
    }

    /// A run of capitalised words the gazetteer does not know ("Qarah Hlanj", "Joint Base Andrews").
    fn name_run(&self, doc: &Doc, def: &EventDef, start: usize, end: usize) -> Option<Place> {
        let mut start = start;
        let mut i = start;
        while i < end {
            // "New Jersey's Newark Airport": a possessive name only leads to the place.
            let w = doc.word(i);
            if i + 1 < end && (w.ends_with("'s") || w.ends_with("\u{2019}s")) && doc.is_name_like(i) {
                i += 1;
                start = i;
                continue;
            }
            if doc.is_name_like(i) && !self.not_names.contains(doc.word(i)) && doc.timex_end_at(i).is_none() {
                if let Some(m) = doc.mention_at(i) {
                    let allowed = m.kind == EntityType::Country
                        || def.place_types.contains(&m.kind)
                        || (def.venues && m.kind == EntityType::Organization);
                    if !allowed || self.enemies.contains(&*m.canonical) || i > start && doc.possessive_after(m) {
                        break;
                    }
                }
                i += 1;
                // "U.S.": a dot glued to a one-letter word stays in the name.
                while i < end && doc.word(i) == "." && doc.glued(i) && doc.word(i - 1).chars().count() == 1 {
                    i += 1;
                }
            } else {
                break;
            }
        }
        if i == start {
            return None;
        }
        // A facility word ending the name belongs to it; a trailing lone dot does not.
        let mut last = i;
        while last > start && doc.word(last - 1) == "." && !doc.glued(last - 1) {
            last -= 1;
        }
        let span = Span::new(doc.tok_span(start).start, doc.tok_span(last - 1).end);
        let text = span.of(doc.ctx.text.text).to_string();
        // A possessive is a modifier, not a place ("Operation Inherent Resolve's effort").
        if text.is_empty() || text.ends_with("'s") || text.ends_with("\u{2019}s") {
            return None;
        }
        // A name used as an adjective ("Kenyan embassy", "Pan Am Flight 103") is no place;
        // nor is an abbreviation ("Ala.", "Dr.").
        let next = doc.ctx.text.tokens.get(i);
        let lower_word = next.is_some_and(|t| {
            t.kind == TokenKind::Word && t.text(doc.ctx.text.text).starts_with(|c: char| c.is_lowercase())
        });
        let followed_ok = !lower_word
            || self.place_followers.contains(doc.word(i))
            || self.heads.contains(doc.word(i))
            || self.buildings.contains(doc.word(i))
            || self.phrase_at(doc, &self.facilities, i).is_some();
        let number = next.is_some_and(|t| t.kind == TokenKind::Number);
        let chars = text.chars().count();
        let abbreviation = (i == start + 1 && (chars <= 2 || (chars <= 4 && doc.word(i) == "." && doc.glued(i))))
            || (chars <= 5 && text.contains('.'));
        // An unknown single word with a demonym's ending ("Ethiopian", "Lebanese") is no place.
        let demonym = i == start + 1
            && ["ian", "ean", "ese", "ish"].iter().any(|e| text.ends_with(e))
            && self.phrase_at(doc, &self.facilities, i).is_none()
            && !self.heads.contains(doc.word(i));
        if !followed_ok || number || abbreviation || demonym {
            return None;
        }
        Some(Place { text, span, end_tok: i, city: false, organization: false })
    }

    /// Hosts and participants named in the trigger's clause.
    fn people(&self, doc: &Doc, c0: usize, c1: usize, t0: usize) -> (Vec<String>, Vec<String>) {
        let mut hosts = Vec::new();
        let mut participants = Vec::new();
        let mut i = c0;
        while i < c1 {
            if let Some(after) = self.phrase_at(doc, &self.host_after, i) {
                self.names_list(doc, after, c1, &mut hosts);
                i = after;
                continue;
            }
            if let Some(after) = self.phrase_at(doc, &self.participant_cues, i) {
                self.names_list(doc, after, c1, &mut participants);
                i = after;
                continue;
            }
            if self.host_before.contains(doc.word(i)) && i < t0 + 2 {
                // "Kerry and Hammond co-hosted talks": the names just before.
                let mut j = i;
                let mut names = Vec::new();
                while j > c0 && i - j < 12 {
                    j -= 1;
                    if let Some(m) = doc.mention_at(j) {
                        if matches!(m.kind, EntityType::Person | EntityType::Country | EntityType::Organization)
                            && !doc.possessive_after(m)
                        {
                            names.push((String::from(&*m.canonical), m.kind));
                        }
                    }
                }
                names.reverse();
                // "U.S. Secretary of State Rex Tillerson presided": the person, not the title's country.
                if names.iter().any(|n| n.1 == EntityType::Person) {
                    names.retain(|n| n.1 == EntityType::Person);
                }
                for (n, _) in names {
                    if !hosts.contains(&n) {
                        hosts.push(n);
                    }
                }
            }
            i += 1;
        }
        (hosts, participants)
    }

    /// Actors named in a list starting at token `i` (names, titles, commas and "and").
    fn names_list(&self, doc: &Doc, start: usize, end: usize, out: &mut Vec<String>) {
        let mut i = start;
        let mut gap = 0;
        while i < end && gap < 6 {
            if let Some(m) = doc.mention_at(i) {
                if matches!(m.kind, EntityType::Person | EntityType::Country | EntityType::Organization)
                    && !self.enemies.contains(&*m.canonical)
                {
                    let name = String::from(&*m.canonical);
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
                i = doc.token_end_index(m.span.end).max(i + 1);
                gap = 0;
                continue;
            }
            let w = doc.word(i);
            if w == ";" || w == ":" {
                break;
            }
            gap += 1;
            i += 1;
        }
    }

    /// Merges the events that are one happening.
    fn merge(&self, found: Vec<Event>) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::with_capacity(found.len());
        for e in found {
            let by_date = self.one_per_date.contains(&e.kind);
            let same = out.iter_mut().find(|k| {
                k.kind == e.kind
                    && dates_compatible(k.date.as_deref(), e.date.as_deref())
                    && (by_date || places_compatible(k.place.as_deref(), e.place.as_deref()))
            });
            match same {
                Some(k) => {
                    if e.date.as_ref().map_or(0, String::len) > k.date.as_ref().map_or(0, String::len) {
                        k.date = e.date;
                    }
                    match (&k.place, &e.place) {
                        (None, Some(_)) => k.place = e.place,
                        (Some(a), Some(b)) if !by_date && b.len() > a.len() => k.place = e.place,
                        _ => {}
                    }
                    for h in e.hosts {
                        if !k.hosts.contains(&h) {
                            k.hosts.push(h);
                        }
                    }
                    for p in e.participants {
                        if !k.participants.contains(&p) {
                            k.participants.push(p);
                        }
                    }
                }
                None => out.push(e),
            }
        }
        out
    }
}

/// What reading a place found.
enum Read {
    Place(Place),
    /// A building's name ending at this token: its town follows ("the Government Center in Ramadi").
    Building(usize),
    None,
}

/// A place read from the text.
#[derive(Clone, Debug)]
struct Place {
    text: String,
    span: Span,
    /// Token index after the place.
    end_tok: usize,
    city: bool,
    /// An organization named as the venue ("at the State Department").
    organization: bool,
}

impl Place {
    fn from_mention(doc: &Doc, m: &Mention, i: usize, end_tok: usize, direction: Option<usize>) -> Place {
        let _ = i;
        match direction {
            Some(d) => Place {
                text: format!("{} {}", doc.word(d), m.canonical),
                span: Span::new(doc.tok_span(d).start, m.span.end),
                end_tok,
                city: m.kind == EntityType::City,
                organization: m.kind == EntityType::Organization,
            },
            None => Place {
                text: String::from(&*m.canonical),
                span: m.span,
                end_tok,
                city: m.kind == EntityType::City,
                organization: m.kind == EntityType::Organization,
            },
        }
    }
}

/// A usable date: its value at the precision the text allows.
#[derive(Clone, Debug)]
struct DateVal {
    value: String,
}

/// The per-document indexes the rules consult, built on the first trigger.
struct Doc<'d, 'c> {
    ctx: &'c Context<'d>,
    /// Mention indices sorted by start.
    mentions: &'c [usize],
    /// Timex indices sorted by start.
    timexes: Vec<usize>,
    /// Where mentions start and end: most tokens start and end none.
    marks: &'c Marks,
}

impl<'d, 'c> Doc<'d, 'c> {
    #[inline(never)]
    fn new(ctx: &'c Context<'d>, index: &'c OnceCell<MentionIndex>) -> Self {
        let index = index.get_or_init(|| MentionIndex::new(ctx));
        let mut timexes: Vec<usize> = (0..ctx.timexes.len()).collect();
        // Most often in text order already: then there is nothing to sort.
        if !timexes.is_sorted_by_key(|&i| ctx.timexes[i].span.start) {
            timexes.sort_by_key(|&i| ctx.timexes[i].span.start);
        }
        Doc { ctx, mentions: &index.order, timexes, marks: &index.marks }
    }

    fn token_index(&self, pos: usize) -> Option<usize> {
        self.ctx.text.token_index(pos)
    }

    /// The index of the first token that ends after `pos` (the token after a span ending at `pos`).
    fn token_end_index(&self, pos: usize) -> usize {
        self.ctx.text.token_end_at(pos)
    }

    fn tok_span(&self, i: usize) -> Span {
        self.ctx.text.token_span(i)
    }

    fn word(&self, i: usize) -> &'d str {
        self.ctx.text.word(i)
    }

    fn is_quote(&self, i: usize) -> bool {
        // A quote mark's first byte is '"', '\'' or the lead byte of the curly marks.
        let w = self.word(i);
        matches!(w.as_bytes().first(), Some(b'"' | b'\'' | 0xE2))
            && matches!(w, "\"" | "\u{201c}" | "\u{201d}" | "'" | "\u{2018}" | "\u{2019}")
    }

    /// Whether token `i` is glued to the token before it (no space).
    fn glued(&self, i: usize) -> bool {
        i > 0 && self.tok_span(i - 1).end == self.tok_span(i).start
    }

    fn is_name_like(&self, i: usize) -> bool {
        let Some(t) = self.ctx.text.tokens.get(i) else { return false };
        if t.kind != TokenKind::Word {
            return false;
        }
        let w = t.text(self.ctx.text.text);
        let mut chars = w.chars();
        match chars.next() {
            Some(c) if c.is_uppercase() => true,
            // "ar-Raqqa", "al-Hawl": a lower-case article glued to a name.
            Some(c) if c.is_lowercase() => w
                .split_once(['-', '\u{2010}', '\u{2011}'])
                .is_some_and(|(a, b)| a.len() <= 3 && b.chars().next().is_some_and(char::is_uppercase)),
            _ => false,
        }
    }

    /// The mention ending with token `i`, if any.
    fn mention_ending_at(&self, i: usize) -> Option<&'c Mention> {
        let end = self.ctx.text.tokens.get(i)?.end as usize;
        if !self.marks.ends_at(end) {
            return None;
        }
        self.mentions.iter().map(|&k| &self.ctx.mentions[k]).find(|m| m.span.end == end)
    }

    /// The mention starting at token `i`'s start, if any (the longest).
    fn mention_at(&self, i: usize) -> Option<&'c Mention> {
        let pos = self.ctx.text.tokens.get(i)?.start as usize;
        if !self.marks.starts_at(pos) {
            return None;
        }
        let k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start < pos);
        let m = &self.ctx.mentions[*self.mentions.get(k)?];
        (m.span.start == pos).then_some(m)
    }

    /// The text between a mention's end and the end of the token it ends in ("'s", "-based").
    fn rest_of_token(&self, m: &Mention) -> &'d str {
        let i = self.token_end_index(m.span.end);
        match self.ctx.text.tokens.get(i) {
            Some(t) if (t.start as usize) < m.span.end => {
                self.ctx.text.text.get(m.span.end..t.end as usize).unwrap_or("")
            }
            _ => "",
        }
    }

    fn possessive_after(&self, m: &Mention) -> bool {
        let rest = self.rest_of_token(m);
        if matches!(rest, "'s" | "\u{2019}s" | "'" | "\u{2019}") {
            return true;
        }
        // "ISIS' fighters", "Canada ’s": a separate apostrophe token.
        let i = self.token_end_index(m.span.end);
        rest.is_empty() && self.glued(i) && matches!(self.word(i), "'" | "\u{2019}")
    }

    /// If a timex starts at token `i`, the token index after it.
    fn timex_end_at(&self, i: usize) -> Option<usize> {
        let span = self.tok_span(i);
        let k = self.timexes.partition_point(|&t| self.ctx.timexes[t].span.end <= span.start);
        let t = &self.ctx.timexes[*self.timexes.get(k)?];
        t.span.overlaps(span).then(|| self.token_end_index(t.span.end).max(i + 1))
    }

    /// The clause of token `t` in the sentence of tokens `s0..s1`: token range bounded by `;`
    /// and the sentence.
    fn clause(&self, s0: usize, s1: usize, t: usize) -> (usize, usize) {
        let bytes = self.ctx.text.text.as_bytes();
        let semicolon = |i: usize| {
            self.ctx.text.tokens.get(i).is_some_and(|t| t.end == t.start + 1 && bytes[t.start as usize] == b';')
        };
        let mut c0 = t.min(s1);
        while c0 > s0 && !semicolon(c0 - 1) {
            c0 -= 1;
        }
        let mut c1 = t;
        while c1 < s1 && !semicolon(c1) {
            c1 += 1;
        }
        (c0, c1.max(t + 1).min(self.ctx.text.tokens.len()))
    }

    /// The byte where a dateline ends in sentence `s` ("BAGHDAD, July 11 (UPI) --"), if it has one.
    fn dateline_end(&self, s: usize) -> Option<usize> {
        let sp = self.ctx.text.sentence(s);
        let text = sp.of(self.ctx.text.text);
        let head = &text[..floor_char_boundary(text, 90)];
        // The first of the marks "\u{2014}", "\u{2013}", " -- " and " - ": each holds a hyphen
        // or begins with the lead byte of a dash, so only those bytes are looked at.
        let h = head.as_bytes();
        let cut = memchr::memchr2_iter(b'-', 0xE2, h).find_map(|i| {
            if h[i] == 0xE2 {
                matches!(h.get(i + 1..i + 3), Some([0x80, 0x93 | 0x94])).then_some(i)
            } else {
                let spaced = h.get(i + 1) == Some(&b' ') || h.get(i + 1..i + 3) == Some(b"- ");
                (i > 0 && h[i - 1] == b' ' && spaced).then(|| i - 1)
            }
        })?;
        let upper = head[..cut]
            .split(|c: char| !c.is_alphabetic())
            .any(|w| w.chars().count() >= 4 && w.chars().all(char::is_uppercase));
        upper.then_some(sp.start + cut)
    }

    /// The timex that dates a trigger: the nearest one in its clause; else the month of the
    /// sentence before.
    fn date_near(&self, trigger: Span, s: usize, c0: usize, c1: usize, passage: bool) -> Option<DateVal> {
        let from = self.tok_span(c0).start;
        let to = self.tok_span(c1.saturating_sub(1)).end;
        let dateline = self.dateline_end(s).unwrap_or(0);
        let text = self.ctx.text.text;
        let mut best: Option<(usize, &Timex)> = None;
        for &k in &self.timexes {
            let t = &self.ctx.timexes[k];
            if t.span.start < from || t.span.end > to || t.span.end <= dateline {
                continue;
            }
            if !matches!(t.kind, TimexType::Date | TimexType::Time) {
                continue;
            }
            let (gap, before) = if t.span.end <= trigger.start {
                (Span::new(t.span.end, trigger.start), true)
            } else if t.span.start >= trigger.end {
                (Span::new(trigger.end, t.span.start), false)
            } else {
                (Span::new(0, 0), false)
            };
            let g = gap.of(text);
            let cost = g.len() + 40 * clause_commas(g) + 10 * g.matches(['(', ')']).count() + usize::from(before) * 5;
            if cost <= MAX_DATE_COST && best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, t));
            }
        }
        if let Some((_, t)) = best {
            return self.usable(&t.value).map(|value| DateVal { value });
        }
        // The passage's month: the last date of the sentences just before.
        for back in (1..=PASSAGE_SENTENCES).filter(|_| passage) {
            let Some(p) = s.checked_sub(back) else { break };
            let prev = self.ctx.text.sentence(p);
            let dateline = self.dateline_end(p).unwrap_or(0);
            let last = self.timexes.iter().rev().map(|&k| &self.ctx.timexes[k]).find(|t| {
                prev.contains(t.span) && t.span.end > dateline && matches!(t.kind, TimexType::Date | TimexType::Time)
            });
            if let Some(t) = last {
                // A passage is dated by a month or a day; a bare year is too loose to place a happening.
                let v = self.usable(&t.value).filter(|v| v.len() >= 7)?;
                return Some(DateVal { value: v[..7].to_string() });
            }
        }
        None
    }

    /// The date of a timex lying between bytes `from` and `to` in the clause.
    fn date_between(&self, from: usize, to: usize, c0: usize, c1: usize) -> Option<DateVal> {
        let lo = self.tok_span(c0).start;
        let hi = self.tok_span(c1.saturating_sub(1)).end;
        self.timexes
            .iter()
            .map(|&k| &self.ctx.timexes[k])
            .find(|t| {
                t.span.start >= from.max(lo)
                    && t.span.end <= to.min(hi)
                    && matches!(t.kind, TimexType::Date | TimexType::Time)
            })
            .and_then(|t| self.usable(&t.value))
            .map(|value| DateVal { value })
    }

    /// A calendar date from a TimeML value at the precision it has ("2016-07-09T12:00" ->
    /// "2016-07-09", "2014-W37" -> "2014-09", "2014-SU" -> "2014"); None for vague values.
    fn usable(&self, value: &str) -> Option<String> {
        let v = value.trim();
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        // The year borrowed from the value; only the document's year is formatted.
        let dct_year: String;
        let (year, rest) = if let Some(y) = v.get(..4).filter(|y| digits(y)) {
            (y, &v[4..])
        } else if let Some(rest) = v.strip_prefix("XXXX") {
            dct_year = self.ctx.dct.date.map(|d| d.year().to_string())?;
            (dct_year.as_str(), rest)
        } else {
            return None;
        };
        let Some(rest) = rest.strip_prefix('-') else {
            return rest.is_empty().then(|| year.to_string());
        };
        if let Some(w) = rest.strip_prefix('W') {
            let week: i8 = w.get(..2)?.parse().ok()?;
            let y: i16 = year.parse().ok()?;
            let d = jiff::civil::ISOWeekDate::new(y, week, jiff::civil::Weekday::Thursday).ok()?.date();
            return Some(format!("{:04}-{:02}", d.year(), d.month()));
        }
        let month = rest.get(..2).filter(|m| digits(m));
        let Some(month) = month else { return Some(year.to_string()) };
        if !(1..=12).contains(&month.parse::<u8>().ok()?) {
            return None;
        }
        let rest = &rest[2..];
        match rest.strip_prefix('-').and_then(|r| r.get(..2)).filter(|d| digits(d)) {
            // Built by hand: `format!` costs more than the date.
            Some(day) => Some([year, "-", month, "-", day].concat()),
            None => Some([year, "-", month].concat()),
        }
    }
}

/// The commas of a gap that separate clauses, not the items of a list of names
/// ("Latakia, Homs, and Baghdad") or the parts of a date ("May 23, 2016").
fn clause_commas(gap: &str) -> usize {
    gap.match_indices(',')
        .filter(|(k, _)| {
            let mut words = gap[k + 1..].split_whitespace();
            let next = match words.next() {
                Some(w) if w == "and" || w == "or" => words.next(),
                w => w,
            };
            next.is_none_or(|w| !w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
        })
        .count()
}

/// How far (in weighted characters) a timex may stand from the trigger it dates.
const MAX_DATE_COST: usize = 200;

/// How many sentences back a passage's date reaches.
const PASSAGE_SENTENCES: usize = 2;

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether two dates can be one day: equal, or one a prefix of the other at a field boundary.
fn dates_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            long.starts_with(short) && (long.len() == short.len() || long.as_bytes()[short.len()] == b'-')
        }
        (None, None) => true,
        _ => false,
    }
}

/// Whether two places can be one: either unknown, equal, or one inside the other as words.
fn places_compatible(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            let words = |s: &str| format!(" {} ", s.split_whitespace().collect::<Vec<_>>().join(" "));
            let (wa, wb) = (words(&a), words(&b));
            wa.contains(&wb) || wb.contains(&wa)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_compatible_at_field_boundaries() {
        for (a, b, want) in [
            ("2016-05", "2016-05-23", true),
            ("2016", "2016-05-23", true),
            ("2016-05-23", "2016-05-23", true),
            ("2016-05-2", "2016-05-23", false),
            ("2016-06", "2016-05-23", false),
        ] {
            assert_eq!(dates_compatible(Some(a), Some(b)), want, "{a} {b}");
        }
    }

    #[test]
    fn places_are_compatible_as_whole_words() {
        for (a, b, want) in [
            ("eastern Mosul", "Mosul", true),
            ("Mosul Dam", "Mosul", true),
            ("Mos", "Mosul", false),
            ("Paris", "London", false),
        ] {
            assert_eq!(places_compatible(Some(a), Some(b)), want, "{a} {b}");
        }
        assert!(places_compatible(None, Some("Paris")));
    }
}
