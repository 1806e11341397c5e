//! Table-driven tests of the claim rules, grouped by cue form, on sentences written for them.
//!
//! The entity and metric stages are other work; these tests hand the rules their mentions and
//! metrics in a small markup: `[Kerry|person|John Kerry]` is a mention (type, canonical name),
//! `{2,000|airstrikes}` a metric with its name.

use chronicle_core::{Qualifier, Span, Text};
use chronicle_entities::{EntityType, Mention};
use chronicle_extract::claims::{Claim, ClaimRules};
use chronicle_extract::metrics::Metric;
use chronicle_extract::{Context, Pack};
use chronicle_time::{Dct, DctSource};
use std::sync::Arc;

struct Marked {
    text: String,
    mentions: Vec<Mention>,
    metrics: Vec<Metric>,
}

fn parse(markup: &str) -> Marked {
    let mut text = String::new();
    let mut mentions = Vec::new();
    let mut metrics = Vec::new();
    let mut rest = markup;
    while let Some(k) = rest.find(['{', '[']) {
        text.push_str(&rest[..k]);
        let open = rest.as_bytes()[k];
        let close = if open == b'{' { '}' } else { ']' };
        let end = rest[k..].find(close).expect("closed markup") + k;
        let mut parts = rest[k + 1..end].split('|');
        let surface = parts.next().unwrap();
        let start = text.len();
        text.push_str(surface);
        let span = Span::new(start, text.len());
        if open == b'{' {
            metrics.push(Metric {
                span,
                metric: parts.next().expect("metric name").to_string(),
                value: 1.0,
                value_max: None,
                qualifier: Qualifier::Exact,
                as_of: None,
                scope: None,
                quantity: 0,
                rule: "test".into(),
            });
        } else {
            let kind: EntityType =
                serde_json::from_value(serde_json::Value::String(parts.next().expect("type").into())).unwrap();
            let canonical = parts.next().unwrap_or(surface);
            mentions.push(Mention { span, canonical: Arc::from(canonical), kind, rule: "test" });
        }
        rest = &rest[end + 1..];
    }
    text.push_str(rest);
    Marked { text, mentions, metrics }
}

/// The claims of a marked-up document.
fn apply(markup: &str) -> Vec<Claim> {
    let m = parse(markup);
    let analysis = Text::new(&m.text);
    let ctx = Context {
        text: &analysis,
        dct: Dct { date: None, source: DctSource::None },
        timexes: &[],
        quantities: &[],
        mentions: &m.mentions,
    };
    ClaimRules::new(&Pack::coalition()).unwrap().apply(&ctx, &m.metrics)
}

/// The claims of a marked-up document as `speaker | cue | metric indices` strings.
fn claims(markup: &str) -> Vec<String> {
    apply(markup)
        .iter()
        .map(|c| format!("{} | {} | {:?}", c.speaker.as_deref().unwrap_or("-"), c.cue, c.metrics))
        .collect()
}

fn check(table: &[(&str, &str, &[&str])]) {
    let mut failures = Vec::new();
    for (name, markup, want) in table {
        let got = claims(markup);
        if got != *want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn speaker_before_the_verb() {
    check(&[
        (
            "a person said",
            "[Kerry|person|John Kerry] said that {2,000|airstrikes} strikes had hit the group.",
            &["John Kerry | said | [0]"],
        ),
        (
            "a title and a name",
            "Defence Secretary [Ash Carter|person] told the committee that {20,000|forces_trained} troops were trained.",
            &["Ash Carter | told | [0]"],
        ),
        (
            "a body named by its country",
            "[U.S.|country|United States] officials said the group had lost {40 percent|territory_liberated_pct} of its land.",
            &["United States | said | [0]"],
        ),
        (
            "a second verb of the subject",
            "[Kerry|person|John Kerry] praised the [UN|organization|United Nations] for its fund against [Daesh|armed_group|ISIS] and said {5|x} cities were free.",
            &["John Kerry | said | [0]"],
        ),
        (
            "a news agency's name",
            "The air force took part, Saudi Press Agency reported.",
            &["- | reported | []"],
        ),
        ("told reporters", "[Barzani|person|Massoud Barzani] told reporters the town was free.", &[
            "Massoud Barzani | told reporters | []",
        ]),
        (
            "a pronoun is the last person",
            "[Jen Psaki|person] spoke first. She said {60|meeting_participants} ambassadors came.",
            &["Jen Psaki | said | [0]"],
        ),
        (
            "the actor before an appositive speaks, not the body it names",
            "The group lost {40 percent|territory_liberated_pct} of its land, Col. [Steve Warren|person], the spokesman for the [task force|organization|CJTF-OIR], told [Pentagon|organization|U.S. Department of Defense] reporters.",
            &["Steve Warren | told | [0]"],
        ),
        (
            "an actor after a verb in its place is what was said, not the speaker",
            "Mike Pompeo said the [coalition|organization|Global Coalition] would stay.",
            &["- | said | []"],
        ),
    ]);
}

/// A name no list knows, right before the verb, is kept as the speaker's words.
#[test]
fn unknown_names_are_kept_as_words() {
    for (markup, want) in [
        ("Mike Pompeo said the [coalition|organization|Global Coalition] would stay.", Some("Mike Pompeo")),
        ("On Monday, Mike Pompeo said the group was beaten.", Some("Mike Pompeo")),
        ("The group said it was beaten.", None),
    ] {
        let claims = apply(markup);
        let got = claims.first().and_then(|c| c.speaker_text.as_deref());
        assert_eq!(got, want, "{markup}");
        assert!(claims.iter().all(|c| c.speaker.is_none()), "{markup}");
    }
}

#[test]
fn speaker_after_the_verb() {
    check(&[
        (
            "a quotation, then said and the speaker",
            "\u{201c}We have trained {90,000|forces_trained} soldiers,\u{201d} said Secretary [Tillerson|person|Rex Tillerson].",
            &["Rex Tillerson | said | [0]"],
        ),
        (
            "a quotation, the speaker, then said",
            "\u{201c}Almost {2,000|airstrikes} strikes hit their targets,\u{201d} [Kerry|person|John Kerry] said.",
            &["John Kerry | said | [0]"],
        ),
        (
            "a quotation running over two sentences",
            "\u{201c}We are winning. We have {9,000|partner_troops} troops there,\u{201d} said [Obama|person|Barack Obama].",
            &["Barack Obama | said | [0]"],
        ),
    ]);
}

#[test]
fn according_to() {
    check(&[
        (
            "an organization",
            "The group has {30,000|enemy_fighters} fighters, according to the [CIA|organization].",
            &["CIA | according to | [0]"],
        ),
        (
            "officials of a country",
            "According to [U.S.|country|United States] officials, several countries offered help.",
            &["United States | According to | []"],
        ),
    ]);
}

#[test]
fn unattributed() {
    check(&[
        (
            "reportedly",
            "The group reportedly has between {20,000|enemy_fighters} and 31,000 fighters.",
            &["- | reportedly | [0]"],
        ),
        ("is said to", "The raid is said to have killed a commander.", &["- | is said to | []"]),
    ]);
}

#[test]
fn quotations_go_on() {
    check(&[(
        "a quotation standing alone after a quoted claim",
        "\u{201c}The campaign is working,\u{201d} [Kerry|person|John Kerry] said.\n\u{201c}We destroyed {200|enemy_vehicles} vehicles.\u{201d}",
        &["John Kerry | said | []", "John Kerry | quotation | [0]"],
    )]);
}

#[test]
fn sentences_without_claims() {
    check(&[
        ("no cue", "The coalition conducted {19,000|airstrikes} strikes.", &[]),
        ("a cue word inside a name", "Ships left [Port Said|city] with [Kerry|person|John Kerry] aboard.", &[]),
        ("a cue with no speaker", "As was said before, the war goes on.", &[]),
        (
            "a cue inside a quotation is the quoted speaker's words",
            "\u{201c}As the president has said, we will win,\u{201d} [Kerry|person|John Kerry] said.",
            &["John Kerry | said | []"],
        ),
        ("a place is no speaker", "In [Mosul|city], residents said the streets were quiet.", &[]),
    ]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn claims_never_panic(words in proptest::collection::vec(proptest::sample::select(vec![
        "said", "Kerry", "according", "to", "officials", "reportedly", "\u{201c}", "\u{201d}", "\"", ",", ".",
        "he", "she", "told", "reporters", "is", "\n", "é", "U.S.", "the", "ministry", "’s",
    ]), 0..40), cuts in proptest::collection::vec(0usize..300, 0..6)) {
        let text = words.join(" ");
        let analysis = Text::new(&text);
        let toks = &analysis.tokens;
        let mut mentions = Vec::new();
        let mut metrics = Vec::new();
        for (k, c) in cuts.iter().enumerate() {
            if toks.is_empty() { break; }
            let a = toks[c % toks.len()];
            let b = toks[(c / 5 + c % toks.len()).min(toks.len() - 1)];
            let span = Span::new(a.start as usize, (b.end as usize).max(a.end as usize));
            if k % 2 == 0 {
                let kind = [EntityType::Person, EntityType::Country, EntityType::Organization][c % 3];
                mentions.push(Mention { span, canonical: Arc::from("X"), kind, rule: "p" });
            } else {
                metrics.push(Metric { span, metric: "m".into(), value: 1.0, value_max: None, qualifier: Qualifier::Exact,
                    as_of: None, scope: None, quantity: 0, rule: "p".into() });
            }
        }
        let ctx = Context { text: &analysis, dct: Dct { date: None, source: DctSource::None }, timexes: &[], quantities: &[], mentions: &mentions };
        let _ = ClaimRules::new(&Pack::coalition()).unwrap().apply(&ctx, &metrics);
    }
}
