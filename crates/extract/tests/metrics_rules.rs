//! Table-driven tests of the coalition pack's metric rules, grouped by kind (metric
//! assignment, negatives, scope, as_of), with sentences written for these tests.

use chronicle_core::{Document, Qualifier};
use chronicle_extract::{Extractor, Metric};
use std::sync::OnceLock;

use Qualifier::{Approx as A, Exact as E, LessThan as L, MoreThan as M};

/// metric, value, value_max, qualifier, scope, as_of
type Want = (&'static str, f64, Option<f64>, Qualifier, Option<&'static str>, &'static str);
/// The same, owned, for comparing with what was extracted.
type Row = (String, f64, Option<f64>, Qualifier, Option<String>, String);

fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(Extractor::coalition)
}

fn metrics(text: &str, published: &str) -> Vec<Metric> {
    let doc = Document { id: "t".into(), published: Some(published.into()), text: text.into(), ..Document::default() };
    extractor().extract(&doc).metrics
}

fn check(kind: &str, cases: &[(&str, &[Want])]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got: Vec<Row> = metrics(text, "2016-04-10")
            .into_iter()
            .map(|m| (m.metric, m.value, m.value_max, m.qualifier, m.scope, m.as_of.unwrap_or_default()))
            .collect();
        let want: Vec<Row> =
            want.iter().map(|w| (w.0.to_string(), w.1, w.2, w.3, w.4.map(String::from), w.5.to_string())).collect();
        if got != want {
            failures.push(format!("{kind}: {text:?}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const D: &str = "2016-04-10";

#[test]
fn metric_assignment() {
    check(
        "assignment",
        &[
            ("The 70-member coalition agreed on a plan.", &[("coalition_members", 70.0, None, E, None, D)]),
            (
                "The alliance is now a coalition of more than 65 countries.",
                &[("coalition_members", 65.0, None, M, None, D)],
            ),
            (
                "Coalition aircraft have flown more than 21,000 strikes against the group.",
                &[("airstrikes", 21000.0, None, M, None, D)],
            ),
            (
                "The group still has between 12,000 and 15,000 fighters, officials believe.",
                &[("enemy_fighters", 12000.0, Some(15000.0), E, None, D)],
            ),
            (
                "Officials from 35 countries met to plan the next phase.",
                &[("meeting_participants", 35.0, None, E, None, D)],
            ),
            ("Donors pledged $450 million for stabilization.", &[("funding_usd", 450e6, None, E, None, D)]),
            (
                "Coalition warplanes carried out more than 630 airstrikes in support of the offensive.",
                &[("airstrikes_period", 630.0, None, M, None, D)],
            ),
            (
                "The coalition has liberated all of the land the group held in Iraq and Syria, freeing nearly 8 million people.",
                &[("people_freed", 8e6, None, A, None, D)],
            ),
            (
                "Its ranks of fighters are down by more than a third.",
                &[("enemy_fighters_change_pct", -33.33, None, M, None, D)],
            ),
            (
                "Coalition forces have destroyed hundreds of the group's vehicles since the campaign began.",
                &[("vehicles_destroyed", 200.0, None, M, None, D)],
            ),
            (
                "The programme has completed more than 300 stabilization projects.",
                &[("stabilisation_projects", 300.0, None, M, None, D)],
            ),
            (
                "Twelve nations have flown sorties in support of the air campaign.",
                &[("airstrike_partners", 12.0, None, E, None, D)],
            ),
        ],
    );
}

#[test]
fn not_metrics() {
    check(
        "negatives",
        &[
            ("A car bomb killed 35 people at a market.", &[]),
            ("The fifth plenary session closed with a statement.", &[]),
            ("Resolution 2249 was adopted unanimously.", &[]),
            ("The raid was the first of its kind.", &[]),
            ("The target of $3 billion that organizers had expected was missed.", &[]),
        ],
    );
}

#[test]
fn scope() {
    check(
        "scope",
        &[
            (
                "Partner forces have liberated 45 percent of the territory the militants once controlled in Iraq.",
                &[("territory_liberated_pct", 45.0, None, E, Some("Iraq"), D)],
            ),
            (
                "Since then the coalition has trained nearly 50,000 Iraqi Security Forces members.",
                &[("forces_trained", 50000.0, None, A, Some("Iraq"), D)],
            ),
            (
                "Australia has deployed eight fighter jets along with about 400 troops.",
                &[
                    ("partner_aircraft", 8.0, None, E, Some("Australia"), D),
                    ("partner_troops", 400.0, None, A, Some("Australia"), D),
                ],
            ),
            (
                "Europol says up to 3,000 EU citizens have gone to join the militants.",
                &[("foreign_fighters", 3000.0, None, L, Some("European Union"), D)],
            ),
            ("Almost 9,000 strikes have hit targets in Iraq and Syria.", &[("airstrikes", 9000.0, None, A, None, D)]),
            (
                "Hundreds of Danish and Norwegian trainers will deploy in the spring.",
                &[("partner_troops", 200.0, None, M, Some("Denmark and Norway"), D)],
            ),
            (
                "The militants once held some 20,000 square miles in Syria.",
                &[("enemy_territory_km2", 51800.0, None, A, Some("Syria"), D)],
            ),
            // a breakdown by place shares the total's metric
            (
                "The coalition has conducted a total of 20,419 strikes since the start of operations, with 12,346 in Iraq and 8,074 in Syria.",
                &[
                    ("airstrikes", 20419.0, None, E, None, D),
                    ("airstrikes", 12346.0, None, E, Some("Iraq"), D),
                    ("airstrikes", 8074.0, None, E, Some("Syria"), D),
                ],
            ),
            // an -ed word right after a determiner is an adjective of the counted noun
            (
                "The group has lost about 40 percent of the populated areas it once controlled in Iraq.",
                &[("territory_liberated_pct", 40.0, None, A, Some("Iraq"), D)],
            ),
        ],
    );
}

#[test]
fn as_of() {
    check(
        "as_of",
        &[
            (
                "Donors had given $80 million to the fund by early March.",
                &[("funding_usd", 80e6, None, E, None, "2016-03")],
            ),
            (
                "The coalition has flown more than 11,000 strikes since its campaign began in August 2014.",
                &[("airstrikes", 11000.0, None, M, None, D)],
            ),
            // the start cue "from" is the first date's; the period ends with the second
            (
                "From January to March 2016, coalition partners trained 5,000 police officers.",
                &[("forces_trained", 5000.0, None, E, None, "2016-03")],
            ),
        ],
    );
}

#[test]
fn metric_text_is_the_figure_and_what_it_counts() {
    let text = "Coalition aircraft have flown more than 21,000 strikes against the group.";
    let m = metrics(text, D);
    assert_eq!(m[0].span.of(text), "more than 21,000 strikes");
    let text = "The 70-member Global Coalition agreed on a plan.";
    let m = metrics(text, D);
    assert_eq!(m[0].span.of(text), "70-member Global Coalition");
}
