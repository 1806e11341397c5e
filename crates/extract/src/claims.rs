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
//!   Tillerson); "he"/"she" is the last person named; after a verb in its place only a
//!   person speaks ("Pompeo said the coalition would stay" is not the coalition's claim), and
//!   two or three capitalised words no list knows right before the verb are kept as the
//!   speaker's words, with no canonical name; the actor before an appositive ("Col. Steve
//!   Warren, the spokesman for the task force, said") speaks, and who follows "told" is the
//!   listener;
//! - "according to" takes the actor after it;
//! - "reportedly" and "is said to" make a claim without a speaker;
//! - cues inside a quotation are the quoted speaker's words, not an attribution.
//!
//! What was said is the sentence, widened to the whole quotation when a quotation runs on past
//! it; a quotation that opens a sentence right after a claim, with no cue of its own, is the
//! same speaker's. The metrics whose figures lie in what was said are the claim's.
//!
//! Speed: the cost is per word of every document, so the cues are found by one filter test
//! per word start, in the walk that finds the event triggers too (`CueTable`, in
//! `crate::cues`; the extractor passes the matches to `ClaimRules::apply_found`), the
//! cue-word lists answer most tokens by a length-and-first-letter bit (`Words`), and a bit
//! per byte position says where mentions start and end (`Marks`, built once per document for
//! claims and events) before any search; a speaker borrows its words and only a claim that
//! is kept copies them.

use crate::cues::{CueTable, Found, Marks, MentionIndex, Words};
use crate::metrics::Metric;
use crate::pack::Pack;
use crate::{Context, PackError};
use chronicle_core::Span;
use chronicle_entities::{EntityType, Mention};
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::sync::Arc;

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
    /// Verbs whose object is the listener ("told Pentagon reporters"): the speaker is never
    /// read after them.
    #[serde(default)]
    pub listener_verbs: Vec<String>,
}

impl ClaimCues {
    pub fn extend(&mut self, other: ClaimCues) {
        self.verbs.extend(other.verbs);
        self.according.extend(other.according);
        self.unattributed.extend(other.unattributed);
        self.bodies.extend(other.bodies);
        self.pronouns.extend(other.pronouns);
        self.not_speakers.extend(other.not_speakers);
        self.listener_verbs.extend(other.listener_verbs);
    }
}

/// One attributed statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Claim {
    /// What was said: the sentence, or the quotation it opens when that runs on.
    #[serde(skip)]
    pub span: Span,
    /// The speaker's canonical name (shared with the mention that names them); None when the
    /// text does not say who ("reportedly").
    pub speaker: Option<Arc<str>>,
    /// The cue as written ("said", "according to"); shared with the pack's cue when written
    /// as the pack writes it.
    pub cue: Arc<str>,
    /// Indices into the document's metrics of the figures in what was said.
    pub metrics: Vec<usize>,
    pub rule: &'static str,
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
    /// The cue phrases (lower-cased, one space between words), indexed as `kinds`.
    patterns: Vec<String>,
    /// The same phrases, shared by the claims whose cue is written as the phrase is (most
    /// are): a claim then holds no copy of its own.
    names: Vec<Arc<str>>,
    /// The cue of a continued quotation.
    quotation: Arc<str>,
    kinds: Vec<CueKind>,
    bodies: Words,
    pronouns: Words,
    not_speakers: Words,
    listener_verbs: Words,
    /// [`SUBJECT_LINKS`], compared in any ASCII case.
    subject_links: Words,
    /// [`CLAUSE_LINKS`], compared in any ASCII case.
    clause_links: Words,
}

/// Conjunctions before a verb of saying that make the sentence's subject its speaker
/// ("Kerry commended the UN ... and said").
const SUBJECT_LINKS: &[&str] = &["and", "but"];

/// Words between a speaker and its verb that end the speaker's search: the verb belongs to
/// another clause ("the forces that Kerry praised said").
const CLAUSE_LINKS: &[&str] = &["that", "which", "who", "and", "but"];

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
            names: patterns.iter().map(|p| Arc::from(p.as_str())).collect(),
            quotation: Arc::from("quotation"),
            patterns,
            kinds,
            bodies: Words::new(&c.bodies),
            pronouns: Words::new(&c.pronouns),
            not_speakers: Words::new(&c.not_speakers),
            listener_verbs: Words::new(&c.listener_verbs),
            subject_links: Words::ascii(&SUBJECT_LINKS.iter().map(|w| w.to_string()).collect::<Vec<_>>()),
            clause_links: Words::ascii(&CLAUSE_LINKS.iter().map(|w| w.to_string()).collect::<Vec<_>>()),
        })
    }

    /// The cue phrases, as a [`CueTable`] list whose matches [`ClaimRules::apply_found`] reads.
    pub(crate) fn cue_phrases(&self) -> &[String] {
        &self.patterns
    }

    /// The claims of one document, in text order; `metrics` are the document's metrics.
    pub fn apply(&self, ctx: &Context, metrics: &[Metric]) -> Vec<Claim> {
        let Some(table) = &self.cues else { return Vec::new() };
        self.apply_found(ctx, metrics, &table.find_leftmost(ctx.text), &OnceCell::new())
    }

    /// [`ClaimRules::apply`] given the cues found in the text (the matches of
    /// [`ClaimRules::cue_phrases`], as a [`CueTable`] finds them) and the document's mention
    /// index, built here if no other rule set has built it yet.
    pub(crate) fn apply_found(
        &self,
        ctx: &Context,
        metrics: &[Metric],
        cues: &[Found],
        index: &OnceCell<MentionIndex>,
    ) -> Vec<Claim> {
        let text = ctx.text.text;
        let mut doc: Option<Doc> = None;
        let mut out: Vec<Claim> = Vec::with_capacity(cues.len());
        // The token range of the last cue's sentence: cues share sentences.
        let mut last: Option<(usize, Option<usize>, usize)> = None;
        // How many mentions start at or before the last cue ([`Doc::inside_mention`]).
        let mut seen = 0;
        for m in cues {
            let span = m.span;
            let doc = doc.get_or_insert_with(|| Doc::new(ctx, index));
            if doc.quote_around(span).is_some() || doc.inside_mention(span, &mut seen) {
                continue; // the quoted speaker's own words
            }
            let kind = self.kinds[m.pattern];
            let Some(t0) = m.first_token(ctx.text) else { continue };
            // Every token before the one before t0 ends before the cue: walk on from there.
            let t1 = doc.token_end_from(t0.saturating_sub(1), span.end).max(t0 + 1);
            // Cues come in text order: most stand in the last one's sentence.
            let sentences = &ctx.text.sentences;
            let s = match last {
                Some((ls, ..))
                    if sentences.get(ls).is_some_and(|x| x.start <= span.start)
                        && sentences.get(ls + 1).is_none_or(|x| x.start > span.start) =>
                {
                    ls
                }
                _ => ctx.text.sentence_at(span.start),
            };
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
                CueKind::Unattributed => Some(Speaker { name: None, text: None, person: false }),
                CueKind::According => self.speaker_after(doc, t1, s1),
                CueKind::Verb => {
                    let inverted = t0 > s0 && (doc.is_quote(t0 - 1) || doc.word(t0 - 1) == ",");
                    // "told Pentagon reporters": who follows "told" is the listener
                    if self.listener_verbs.contains(doc.word(t0)) {
                        self.speaker_before(doc, s0, t0)
                    } else if inverted {
                        self.speaker_after(doc, t1, s1).or_else(|| self.speaker_before(doc, s0, t0))
                    } else {
                        // "Mike Pompeo said the coalition would stay": after a verb in its
                        // place, the words are what was said; only a person named right there
                        // speaks ("and said Kerry"), and a name no list knows is kept as words
                        self.speaker_before(doc, s0, t0)
                            .or_else(|| self.speaker_after(doc, t1, s1).filter(|s| s.person))
                            .or_else(|| {
                                doc.unknown_name_before(s0, t0).map(|text| Speaker {
                                    name: None,
                                    text: Some(text),
                                    person: false,
                                })
                            })
                    }
                }
            };
            let Some(speaker) = speaker else { continue };
            // The pack's phrase when the text writes it so, else the text's own words.
            let name = &self.names[m.pattern];
            let cue = if **name == *span.of(text) { name.clone() } else { Arc::from(span.of(text)) };
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
        cue: Arc<str>,
        rule: &'static str,
        metrics: &[Metric],
    ) {
        // What was said: the sentence, widened to a quotation that runs on past it.
        let quote = doc.quote_in(sentence);
        let span = match quote {
            Some(q) => Span::new(sentence.start.min(q.start), sentence.end.max(q.end)),
            None => sentence,
        };
        if out.iter().any(|c| c.span.overlaps(span) && c.speaker.as_deref() == speaker.name.map(|n| &**n)) {
            return;
        }
        let text = doc.ctx.text.text;
        out.push(Claim {
            span,
            speaker: speaker.name.cloned(),
            cue,
            metrics: metrics_in(metrics, span),
            rule,
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
                    cue: self.quotation.clone(),
                    metrics: metrics_in(metrics, span),
                    rule: "claims.continued_quote",
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
        // "Col. Steve Warren, the spokesman for the task force, told reporters": the actor
        // before an appositive set off by commas speaks, not the body the appositive names.
        if t0 > s0 + 2 && doc.word(t0 - 1) == "," {
            let lo = s0.max(t0.saturating_sub(16));
            if let Some(k) = (lo..t0 - 1).rev().find(|&k| doc.word(k) == ",") {
                let det = ["the", "a", "an"].iter().any(|d| doc.word(k + 1).eq_ignore_ascii_case(d));
                if det && k > s0 {
                    if let Some(m) = doc.mention_ending_at(k - 1).filter(|m| speaks(m)) {
                        return Some(Speaker::of(m, m.span.of(doc.ctx.text.text)));
                    }
                }
            }
        }
        // "Kerry commended the UN ... and said": the subject of the sentence speaks.
        if t0 > s0 && self.subject_links.contains(doc.word(t0 - 1)) {
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
                return doc.last_person_before(pos).map(|m| Speaker::of(m, w));
            }
            if let Some(m) = doc.mention_ending_at(i) {
                if speaks(m) {
                    return Some(Speaker::of(m, m.span.of(doc.ctx.text.text)));
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
                return Some(Speaker { name: actor.map(|m| &m.canonical), text: Some(phrase), person: false });
            }
            // A verb or conjunction between ends the subject ("the forces that Kerry praised said").
            if i + 1 < t0 && self.clause_links.contains(w) {
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
        Some(Speaker::of(m, m.span.of(doc.ctx.text.text)))
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
                return doc.last_person_before(pos).map(|m| Speaker::of(m, w));
            }
            if let Some(m) = doc.mention_at(i) {
                if speaks(m) {
                    // "U.S. officials": a body named by its country.
                    let end = doc.token_end(m.span.end);
                    let body = (end..(end + 3).min(hi)).find(|&k| self.bodies.contains(doc.word(k)));
                    let span = body.map_or(m.span, |k| Span::new(m.span.start, doc.tok_span(k).end));
                    return Some(Speaker::of(m, span.of(doc.ctx.text.text)));
                }
            }
            if self.bodies.contains(w) {
                return Some(Speaker { name: None, text: Some(w), person: false });
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
/// Borrowed from the text and the mentions: only a claim that is kept copies the words and
/// shares the name.
struct Speaker<'a> {
    name: Option<&'a Arc<str>>,
    text: Option<&'a str>,
    /// Whether the speaker is a person named by a mention.
    person: bool,
}

impl<'a> Speaker<'a> {
    /// The actor a mention names, in the words `text` (the mention's own, or wider).
    fn of(m: &'a Mention, text: &'a str) -> Self {
        Speaker { name: Some(&m.canonical), text: Some(text), person: m.kind == EntityType::Person }
    }
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
    mentions: &'c [usize],
    /// Where mentions start and end: most tokens start and end none.
    marks: &'c Marks,
    /// Quotations, quote marks included, in text order.
    quotes: Vec<Span>,
}

impl<'d, 'c> Doc<'d, 'c> {
    #[inline(never)]
    fn new(ctx: &'c Context<'d>, index: &'c OnceCell<MentionIndex>) -> Self {
        let index = index.get_or_init(|| MentionIndex::new(ctx));
        Doc { ctx, mentions: &index.order, marks: &index.marks, quotes: quotations(ctx.text.text) }
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

    #[inline]
    fn is_quote(&self, i: usize) -> bool {
        // A quote mark's first byte is '"' or the lead byte of the curly marks.
        let Some(t) = self.ctx.text.tokens.get(i) else { return false };
        matches!(self.ctx.text.text.as_bytes()[t.start as usize], b'"' | 0xE2)
            && matches!(self.word(i), "\"" | "\u{201c}" | "\u{201d}")
    }

    fn is_name_like(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    /// Two or three capitalised words right before token `t0` that no list knows, opening the
    /// sentence or set off by a comma ("Mike Pompeo said", "On Monday, Mike Pompeo said"):
    /// the words of a speaker with no canonical name.
    fn unknown_name_before(&self, s0: usize, t0: usize) -> Option<&'d str> {
        let mut from = t0;
        while from > s0 && t0 - from < 3 && self.is_name_like(from - 1) && self.word(from - 1).chars().count() > 1 {
            from -= 1;
        }
        let words = t0 - from;
        let opens = from == s0 || self.word(from - 1) == ",";
        if words < 2 || !opens || (from..t0).any(|i| self.mention_at(i).is_some()) {
            return None;
        }
        Some(Span::new(self.tok_span(from).start, self.tok_span(t0 - 1).end).of(self.ctx.text.text))
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

    /// Whether `span` lies inside a mention ("States" of "United States"). `seen` is how many
    /// mentions start at or before the span asked about last: the cues come in text order, so
    /// it is walked on from there (a step or none) rather than searched for again; a span
    /// before the last one is searched for.
    fn inside_mention(&self, span: Span, seen: &mut usize) -> bool {
        let start = |k: usize| self.ctx.mentions[self.mentions[k]].span.start;
        let mut k = (*seen).min(self.mentions.len());
        if k > 0 && start(k - 1) > span.start {
            k = self.mentions.partition_point(|&m| self.ctx.mentions[m].span.start <= span.start);
        }
        while k < self.mentions.len() && start(k) <= span.start {
            k += 1;
        }
        *seen = k;
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

    #[test]
    fn quotations_pair_curly_and_straight_marks() {
        let text = "He said \u{201c}we will win\u{201d} and \"soon\". \u{201c}Unclosed\nNext";
        let q: Vec<&str> = quotations(text).iter().map(|s| s.of(text)).collect();
        assert_eq!(q, vec!["\u{201c}we will win\u{201d}", "\"soon\"", "\u{201c}Unclosed"]);
    }
}
