//! Table-driven tests of the event rules, one table per kind, on sentences written for them.
//!
//! The time and entity stages are other work; these tests hand the rules their timexes and
//! mentions directly, in a small markup, so that they test the event rules alone:
//! `<March 31|2015-03-31>` is a timex with its value, `[Tikrit|city]` a mention of a city
//! (canonical = its text), `[Kerry|person|John Kerry]` one with its canonical name.

use chronicle_core::{Span, Text};
use chronicle_entities::{EntityType, Mention};
use chronicle_extract::events::EventRules;
use chronicle_extract::{Context, Pack};
use chronicle_time::{Dct, DctSource, Timex, TimexType};
use std::sync::Arc;

/// A document parsed from markup: the plain text, its timexes and its mentions.
struct Marked {
    text: String,
    timexes: Vec<Timex>,
    mentions: Vec<Mention>,
}

fn entity_type(s: &str) -> EntityType {
    serde_json::from_value(serde_json::Value::String(s.to_string())).expect("an entity type")
}

fn parse(markup: &str) -> Marked {
    let mut text = String::new();
    let mut timexes = Vec::new();
    let mut mentions = Vec::new();
    let mut rest = markup;
    while let Some(k) = rest.find(['<', '[']) {
        text.push_str(&rest[..k]);
        let open = rest.as_bytes()[k];
        let close = if open == b'<' { '>' } else { ']' };
        let end = rest[k..].find(close).expect("closed markup") + k;
        let inner = &rest[k + 1..end];
        let mut parts = inner.split('|');
        let surface = parts.next().unwrap();
        let start = text.len();
        text.push_str(surface);
        let span = Span::new(start, text.len());
        if open == b'<' {
            let value = parts.next().expect("timex value").to_string();
            let kind = if value.starts_with('P') { TimexType::Duration } else { TimexType::Date };
            timexes.push(Timex { span, kind, value, modifier: None, rule: "test" });
        } else {
            let kind = entity_type(parts.next().expect("entity type"));
            let canonical = parts.next().unwrap_or(surface);
            mentions.push(Mention { span, canonical: Arc::from(canonical), kind, rule: "test" });
        }
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    Marked { text, timexes, mentions }
}

/// The events of a marked-up document as `type date place` strings.
fn events(markup: &str) -> Vec<String> {
    let m = parse(markup);
    let analysis = Text::new(&m.text);
    let ctx = Context {
        text: &analysis,
        dct: Dct { date: Some("2016-10-20".parse().unwrap()), source: DctSource::Metadata },
        timexes: &m.timexes,
        quantities: &[],
        mentions: &m.mentions,
    };
    let rules = EventRules::new(&Pack::coalition()).unwrap();
    rules
        .apply(&ctx)
        .iter()
        .map(|e| format!("{} {} {}", e.kind, e.date.as_deref().unwrap_or("-"), e.place.as_deref().unwrap_or("-")))
        .collect()
}

fn check(table: &[(&str, &str, &[&str])]) {
    let mut failures = Vec::new();
    for (name, markup, want) in table {
        let got = events(markup);
        if got != *want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn meetings() {
    check(&[
        (
            "conference in a city, dated today",
            "A ministerial conference in [Brussels|city] of the [Global Coalition|organization] partners ended <today|2016-10-20>.",
            &["meeting 2016-10-20 Brussels"],
        ),
        (
            "verb with partners, city after a possessive",
            "Ministers from 30 countries gathered in [Norway|country]'s [Oslo|city] on <Monday|2016-10-17> to review the campaign.",
            &["meeting 2016-10-17 Oslo"],
        ),
        (
            "venue without a city",
            "Defence chiefs held a session of coalition partners at Fort Meade Command Center on <March 3, 2016|2016-03-03>.",
            &["meeting 2016-03-03 Fort Meade Command Center"],
        ),
        (
            "the host country is the place",
            "They thanked [Jordan|country], which hosted a conference on foreign fighters on <May 4, 2016|2016-05-04>.",
            &["meeting 2016-05-04 Jordan"],
        ),
        (
            "a summit named after the enemy, at a venue",
            "Leaders met at the Summit on Countering [ISIL|armed_group|ISIS] at the [United Nations|organization] on <September 29, 2015|2015-09-29>.",
            &["meeting 2015-09-29 United Nations"],
        ),
        (
            "where the enemy is, is not where the coalition meets",
            "Ministers of the coalition against [ISIS|armed_group] militants in [Iraq|country] met on <Monday|2016-10-17>.",
            &["meeting 2016-10-17 -"],
        ),
        (
            "no place named",
            "On <April 2|2016-04-02>, the Secretary chaired a meeting of the coalition's foreign ministers.",
            &["meeting 2016-04-02 -"],
        ),
        (
            "two meetings, each with its own date and place",
            "The summit in [Madrid|city] came after the first gathering held in [Lisbon|city] on <June 9|2016-06-09>. Leaders met in [Madrid|city] on <July 1|2016-07-01> with coalition partners.",
            &["meeting 2016-06-09 Lisbon", "meeting 2016-07-01 Madrid"],
        ),
        (
            "a place belongs to the nearer of two triggers",
            "Coalition partners will meet <Tuesday|2016-06-07> in [Paris|city] for the first time since their inaugural meeting in <September 2014|2014-09>.",
            &["meeting 2016-06-07 Paris", "meeting 2014-09 -"],
        ),
        (
            "one meeting mentioned twice is one event",
            "Coalition ministers met in [Rome|city] on <February 2|2016-02-02>. The meeting on <February 2|2016-02-02> in [Rome|city] adopted a plan.",
            &["meeting 2016-02-02 Rome"],
        ),
        (
            "a scheduled meeting counts",
            "[Morocco|country] will host a coalition working group meeting on <December 15, 2016|2016-12-15>.",
            &["meeting 2016-12-15 Morocco"],
        ),
    ]);
}

#[test]
fn meetings_that_are_none() {
    check(&[
        ("undated", "A ministerial conference in [Brussels|city] reviewed the coalition's campaign.", &[]),
        (
            "an envoy's bilateral talks",
            "The envoy held bilateral talks with coalition partners in [Paris|city] on <May 2|2016-05-02>.",
            &[],
        ),
        (
            "meeting as a gerund",
            "The training completed on <June 28|2016-06-28> was a step toward meeting operational needs in [Iraq|country].",
            &[],
        ),
        (
            "a national security meeting without partners",
            "A day later, on <July 21|2016-07-21>, government officials arranged an immediate meeting.",
            &[],
        ),
        (
            "a press conference",
            "The minister gave a press conference in [Baghdad|city] on <May 3|2016-05-03> about coalition support.",
            &[],
        ),
    ]);
}

#[test]
fn liberations() {
    check(&[
        (
            "verb and city, direction word kept",
            "Iraqi forces officially liberated eastern [Mosul|city] on <January 24, 2017|2017-01-24>.",
            &["liberation 2017-01-24 eastern Mosul"],
        ),
        (
            "the town of",
            "Kurdish forces on <January 26|2015-01-26> reclaimed the embattled town of [Kobani|city] after a siege.",
            &["liberation 2015-01-26 Kobani"],
        ),
        (
            "the center of a city is its liberation; large portions of it are not",
            "Iraqi forces retook the center of [Ramadi|city] on <Monday|2015-12-28>. On <Sunday|2015-12-27> they retook large portions of [Fallujah|city].",
            &["liberation 2015-12-28 Ramadi"],
        ),
        (
            "passive subject",
            "The fighters stated on <Monday|2015-01-26> that [Kobani|city] had been completely liberated from [ISIS|armed_group].",
            &["liberation 2015-01-26 Kobani"],
        ),
        (
            "a demonym before the town of",
            "Militias on <Friday|2016-08-12> retook the strategic northern Syrian town of Manbij.",
            &["liberation 2016-08-12 Manbij"],
        ),
        (
            "an unknown town name",
            "Local forces retook Qarat Zubair on <April 30, 2016|2016-04-30>.",
            &["liberation 2016-04-30 Qarat Zubair"],
        ),
        (
            "a list gives one event each",
            "This follows the liberation <last year|2015> of [Tikrit|city], [Sinjar|city], and [Bayji|city].",
            &["liberation 2015 Tikrit", "liberation 2015 Sinjar", "liberation 2015 Bayji"],
        ),
        (
            "a dam keeps its name",
            "Kurdish forces recaptured the [Mosul|city] Dam on <August 18|2014-08-18>.",
            &["liberation 2014-08-18 Mosul Dam"],
        ),
        (
            "a dam named only in the next sentence",
            "Kurdish forces regained control of a strategic dam <late Monday|2014-08-18>. They now hold the [Mosul|city] Dam.",
            &["liberation 2014-08-18 Mosul Dam"],
        ),
        (
            "a building belongs to its town",
            "Security forces seized the Government Center in [Ramadi|city] on <December 28, 2015|2015-12-28>.",
            &["liberation 2015-12-28 Ramadi"],
        ),
        (
            "the enemy lost control",
            "[ISIS|armed_group] lost control of the Turkish border on <September 4|2016-09-04> and the town of [Dabiq|city] on <October 16|2016-10-16>.",
            &["liberation 2016-09-04 Turkish border", "liberation 2016-10-16 Dabiq"],
        ),
        (
            "the passage's month",
            "On <January 27|2015-01-27>, Kurdish forces battled militants near the town.\nObservers confirmed the capture by Kurds of nearby town Qarah Hlanj.",
            &["liberation 2015-01 Qarah Hlanj"],
        ),
        (
            "an anaphoric city after a victory",
            "[Tikrit|city] had been held since <June 2014|2014-06>. On <March 31|2015-03-31>, the prime minister declared victory over the militants in the city.",
            &["liberation 2015-03-31 Tikrit"],
        ),
        (
            "the date of its own clause",
            "[Hit|city], captured by the terror group in <October 2014|2014-10>, was also liberated by the army <this past April|2016-04>.",
            &["liberation 2016-04 Hit"],
        ),
    ]);
}

#[test]
fn liberations_that_are_none() {
    check(&[
        ("undated", "Iraqi forces have retaken large portions of [Ramadi|city].", &[]),
        ("portions are no place", "Iraqi forces retook large portions of [Ramadi|city] on <May 2|2016-05-02>.", &[]),
        ("an enemy capture", "[ISIS|armed_group] seized [Palmyra|city] on <May 20, 2015|2015-05-20>.", &[]),
        (
            "a capture by the enemy, passive",
            "[Ramadi|city] was seized by [ISIL|armed_group|ISIS] in <May 2015|2015-05>.",
            &[],
        ),
        (
            "a purpose is no liberation (the push is an operation)",
            "Forces launched a push to liberate [Mosul|city] in <October|2016-10>.",
            &["operation_start 2016-10 Mosul"],
        ),
        (
            "the enemy regained control",
            "[ISIS|armed_group] militants also regained control of Shaer Gas Field on <May 5, 2016|2016-05-05>.",
            &[],
        ),
        ("a recent capture", "With the recent capture of Tishreen Dam on <Sunday|2016-10-16>, routes were cut.", &[]),
        ("a share of terrain", "Coalition operations have liberated 62 percent of the terrain by <2017|2017>.", &[]),
    ]);
}

#[test]
fn operations() {
    check(&[
        (
            "an offensive launched in a province",
            "Syrian Democratic Forces launched an offensive against [ISIS|armed_group] in [ar-Raqqa|region] Province on <May 24, 2016|2016-05-24>.",
            &["operation_start 2016-05-24 ar-Raqqa Province"],
        ),
        (
            "the enemy's siege",
            "[ISIS|armed_group] launched the Siege of [Kobani|city] on <September 16, 2014|2014-09-16>.",
            &["operation_start 2014-09-16 Kobani"],
        ),
        (
            "an offensive that has begun",
            "The offensive to liberate [Mosul|city] from [ISIS|armed_group] has begun, the prime minister said <early Monday|2016-10-17>.",
            &["operation_start 2016-10-17 Mosul"],
        ),
        (
            "first strikes in an area",
            "On <September 27|2014-09-27>, coalition forces bombed positions in the area around [Kobani|city] for the first time.",
            &["operation_start 2014-09-27 Kobani"],
        ),
        (
            "strikes began in a country",
            "In <August 2014|2014-08>, the coalition began carrying out airstrikes against targets in [Iraq|country].",
            &["operation_start 2014-08 Iraq"],
        ),
        (
            "the operation of the sentence before",
            "Forces completed the operation to recapture [Fallujah|city] on <June 26|2016-06-26>. The operation, which began on <May 23|2016-05-23>, breached the city limits.",
            &["liberation 2016-06-26 Fallujah", "operation_start 2016-05-23 Fallujah"],
        ),
        (
            "a battle for a city",
            "The battle for [Raqqa|city] began on <June 6, 2017|2017-06-06> with coalition support.",
            &["operation_start 2017-06-06 Raqqa"],
        ),
        (
            "operations launched to recapture a city",
            "The army also launched operations on <October 17|2016-10-17> to recapture [Mosul|city].",
            &["operation_start 2016-10-17 Mosul"],
        ),
    ]);
}

#[test]
fn operations_that_are_none() {
    check(&[
        (
            "an offensive as a setting",
            "The army collapsed in <the summer of 2014|2014-SU> in the face of an [ISIL|armed_group|ISIS] offensive.",
            &[],
        ),
        ("routine strikes", "The coalition launched 17 airstrikes on positions in [Syria|country] on <Monday|2016-10-17>.", &[]),
        (
            "a purpose",
            "The jets moved to [Turkey|country] on <August 10|2015-08-10> to begin attacks against [ISIS|armed_group] in [Syria|country].",
            &[],
        ),
        (
            "a new stage, not an operation",
            "The meeting of coalition ministers <today|2016-02-11> marks the beginning of a new stage in that campaign.",
            &["meeting 2016-02-11 -"],
        ),
        ("first strikes without an area", "The air force launched its first strikes on <Monday evening|2014-09-22>.", &[]),
    ]);
}

#[test]
fn members() {
    check(&[
        (
            "newest members dated by the meeting",
            "Leaders met at the [United Nations|organization] on <September 29, 2015|2015-09-29> with coalition partners. The president declared that [Nigeria|country], [Malaysia|country] and [Tunisia|country] are the newest members of the coalition.",
            &[
                "meeting 2015-09-29 United Nations",
                "member_joined 2015-09-29 Nigeria",
                "member_joined 2015-09-29 Malaysia",
                "member_joined 2015-09-29 Tunisia",
            ],
        ),
        (
            "an addition",
            "<Today|2016-07-21> we convened a meeting of the coalition's ministers. With the welcome addition of [Interpol|organization|INTERPOL], the coalition now stands at 67 members.",
            &["meeting 2016-07-21 -", "member_joined 2016-07-21 INTERPOL"],
        ),
        ("no names", "To date, about 60 partners have joined the coalition.", &[]),
    ]);
}

#[test]
fn attacks() {
    check(&[
        (
            "one event per city",
            "[ISIS|armed_group] coordinated attacks in the vicinity of [Latakia|city], [Homs|city], and [Baghdad|city] on <September 6|2016-09-06>.",
            &["attack 2016-09-06 Latakia", "attack 2016-09-06 Homs", "attack 2016-09-06 Baghdad"],
        ),
        (
            "a possessive leads to the place",
            "A shooting at New Jersey's Newark Airport on <May 4, 2016|2016-05-04> wounded two.",
            &["attack 2016-05-04 Newark Airport"],
        ),
        (
            "a bombing in a town",
            "The suspected bombing in the southeastern town of Suruç which killed 32 people on <July 20|2015-07-20> shocked the country.",
            &["attack 2015-07-20 Suruç"],
        ),
        (
            "a city before the noun",
            "Police searched homes after the [Manchester|city] Arena bombing on <May 22, 2017|2017-05-22>.",
            &["attack 2017-05-22 Manchester"],
        ),
        (
            "a month of attacks",
            "[ISIS|armed_group] was able to launch several deadly attacks in [Baghdad|city] throughout <May 2016|2016-05>.",
            &["attack 2016-05 Baghdad"],
        ),
        (
            "a region is no city",
            "[ISIS|armed_group] detonated an attack near [Inkhil|city], [Daraa|region] Province on <September 22|2016-09-22>.",
            &["attack 2016-09-22 Inkhil"],
        ),
    ]);
}

#[test]
fn attacks_that_are_none() {
    check(&[
        (
            "recent weeks",
            "Following the attacks in [Paris|city] and [Beirut|city] in <recent weeks|PAST_REF>, ministers met.",
            &[],
        ),
        ("a forecast", "[ISIS|armed_group] will likely escalate attacks on the coast during <Ramadan|2016-06>.", &[]),
        (
            "a rising frequency",
            "[ISIS|armed_group] has begun to conduct attacks with greater frequency in [Hama|city] in <October 2016|2016-10>.",
            &[],
        ),
        ("air attacks", "Jets carried out air attacks in [Raqqa|city] on <June 2|2016-06-02>.", &[]),
        ("counter-attacks", "Kurds made counter-attacks in [Sinjar|city] in <2014|2014>.", &[]),
        ("a demonym is no city", "The bombings of Kenyan embassies on <August 7|1998-08-07> shocked Africa.", &[]),
        ("a state's abbreviation is no city", "The bombing at a clinic in Birmingham, Ala., in <January|1998-01> killed one.", &[
            "attack 1998-01 Birmingham",
        ]),
        ("a dotted abbreviation is no city", "The shooting in Newark, N.J., in <December|1998-12> wounded two.", &[
            "attack 1998-12 Newark",
        ]),
        ("a demonym alone is no city", "The attack on the Ethiopian delegation on <May 2|1998-05-02> failed.", &[]),
        ("a flight is no city", "The bombing of Pan Am Flight 103 on <December 21, 1988|1988-12-21> killed 270.", &[]),
    ]);
}

#[test]
fn dates() {
    check(&[
        ("a day", "Forces retook [Rutba|city] on <19 May, 2016|2016-05-19>.", &["liberation 2016-05-19 Rutba"]),
        ("a month", "Forces retook [Rutba|city] in <May 2016|2016-05>.", &["liberation 2016-05 Rutba"]),
        ("a year", "Forces retook [Rutba|city] in <2016|2016>.", &["liberation 2016 Rutba"]),
        (
            "a clock time gives its day",
            "Forces retook [Rutba|city] at <midday on May 19|2016-05-19T12:00>.",
            &["liberation 2016-05-19 Rutba"],
        ),
        ("a week gives its month", "Forces retook [Rutba|city] <last week|2016-W41>.", &["liberation 2016-10 Rutba"]),
        (
            "a season gives its year",
            "Forces retook [Rutba|city] in <the summer of 2016|2016-SU>.",
            &["liberation 2016 Rutba"],
        ),
        (
            "an unknown year takes the report's",
            "Forces retook [Rutba|city] on <May 19|XXXX-05-19>.",
            &["liberation 2016-05-19 Rutba"],
        ),
        ("a vague date is none", "Forces retook [Rutba|city] <recently|PAST_REF>.", &[]),
        (
            "a dateline's stamp dates nothing",
            "BAGHDAD, <July 11|2016-07-11> (UPI) -- Iraqi forces seized the [Qayyarah|city] Air Base.",
            &[],
        ),
        (
            "the timex of its own clause",
            "[Ramadi|city] fell in <May 2015|2015-05>; forces retook [Hit|city] on <April 14, 2016|2016-04-14>.",
            &["liberation 2016-04-14 Hit"],
        ),
    ]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn events_never_panic(words in proptest::collection::vec(proptest::sample::select(vec![
        "retook", "liberated", "the", "town", "of", "Kobani", "on", "meeting", "in", "Paris", ",", ";", "and",
        "ISIS", "launched", "offensive", "began", "attacks", "newest", "members", "’s", "dam", "Air", "Base",
        "by", "was", "\u{201c}", "-", "--", "BAGHDAD", "first", "time", "strikes", "é", "\n", ".", "capture",
        "lost", "control", "hosted", "addition", "Province", "city",
    ]), 0..50), cuts in proptest::collection::vec(0usize..400, 0..6)) {
        let text = words.join(" ");
        let analysis = Text::new(&text);
        // Timexes and mentions on arbitrary token spans, possibly overlapping and unsorted.
        let toks = &analysis.tokens;
        let mut timexes = Vec::new();
        let mut mentions = Vec::new();
        for (k, c) in cuts.iter().enumerate() {
            if toks.is_empty() { break; }
            let a = toks[c % toks.len()];
            let b = toks[(c / 3 + c % toks.len()).min(toks.len() - 1)];
            let span = Span::new(a.start as usize, (b.end as usize).max(a.end as usize));
            if k % 2 == 0 {
                timexes.push(Timex { span, kind: TimexType::Date, value: ["2016-05", "XXXX-01-02", "2016-W53", "P1Y", "20", "2016-13"][k % 6].into(), modifier: None, rule: "p" });
            } else {
                let kind = [EntityType::City, EntityType::Country, EntityType::ArmedGroup, EntityType::Organization][c % 4];
                mentions.push(Mention { span, canonical: Arc::from("X"), kind, rule: "p" });
            }
        }
        let ctx = Context { text: &analysis, dct: Dct { date: None, source: DctSource::None }, timexes: &timexes, quantities: &[], mentions: &mentions };
        let _ = EventRules::new(&Pack::coalition()).unwrap().apply(&ctx);
    }
}
