//! Table-driven tests of the quantity tagger, grouped by kind (STYLE.md), with sentences
//! written for these tests; and property tests (no input panics; words equal digits).

use chronicle_core::{Qualifier, Text};
use chronicle_numbers::{Quantity, Tagger};

/// What a case expects of one quantity: its text, value, value_max, qualifier, unit.
type Want = (&'static str, f64, Option<f64>, Qualifier, &'static str);

use Qualifier::{Approx as A, Exact as E, LessThan as L, MoreThan as M};

fn tag(s: &str) -> Vec<Quantity> {
    Tagger::new().tag(&Text::new(s))
}

fn check(kind: &str, cases: &[(&str, &[Want])]) {
    let mut failures = Vec::new();
    for (sentence, want) in cases {
        let got = tag(sentence);
        let got_t: Vec<(String, f64, Option<f64>, Qualifier, &str)> =
            got.iter().map(|q| (q.span.of(sentence).to_string(), q.value, q.value_max, q.qualifier, q.unit)).collect();
        let want_t: Vec<(String, f64, Option<f64>, Qualifier, &str)> =
            want.iter().map(|w| (w.0.to_string(), w.1, w.2, w.3, w.4)).collect();
        if got_t != want_t {
            failures.push(format!("{kind}: {sentence:?}\n   got  {got_t:?}\n   want {want_t:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn digits() {
    check(
        "digits",
        &[
            ("The coalition flew 19,000 sorties.", &[("19,000", 19000.0, None, E, "count")]),
            (
                "Officials counted 7.5 tonnes and 1,250,000 leaflets.",
                &[("7.5", 7.5, None, E, "count"), ("1,250,000", 1250000.0, None, E, "count")],
            ),
            ("A unit of 12 advisers arrived.", &[("12", 12.0, None, E, "count")]),
        ],
    );
}

#[test]
fn words() {
    check(
        "words",
        &[
            ("Thirty nations sent envoys.", &[("Thirty", 30.0, None, E, "count")]),
            ("Sixty-eight states signed.", &[("Sixty-eight", 68.0, None, E, "count")]),
            ("It took a hundred volunteers.", &[("a hundred", 100.0, None, E, "count")]),
            ("They trained a dozen pilots.", &[("a dozen", 12.0, None, E, "count")]),
            (
                "Two hundred and forty-one recruits graduated.",
                &[("Two hundred and forty-one", 241.0, None, E, "count")],
            ),
            ("Ten thousand police officers were vetted.", &[("Ten thousand", 10000.0, None, E, "count")]),
            ("One convoy was hit.", &[("One", 1.0, None, E, "count")]),
        ],
    );
}

#[test]
fn scales() {
    check(
        "scales",
        &[
            ("The camps host 7.7 million people.", &[("7.7 million", 7_700_000.0, None, E, "count")]),
            ("Donors gave $1.2 billion.", &[("$1.2 billion", 1_200_000_000.0, None, E, "USD")]),
            ("Aid reached $5m last year.", &[("$5m", 5_000_000.0, None, E, "USD")]),
            ("Raids killed tens of thousands of militants.", &[("tens of thousands", 20000.0, None, M, "count")]),
            ("There were hundreds of trucks.", &[("hundreds", 200.0, None, M, "count")]),
            ("Thousands of families fled.", &[("Thousands", 2000.0, None, M, "count")]),
            ("A few thousand volunteers joined.", &[("A few thousand", 2000.0, None, M, "count")]),
            ("Hundreds of thousands of people returned.", &[("Hundreds of thousands", 200000.0, None, M, "count")]),
            ("It cost billions of dollars.", &[("billions of dollars", 2e9, None, M, "USD")]),
            ("Dozens of villages were cleared.", &[("Dozens", 24.0, None, M, "count")]),
        ],
    );
}

#[test]
fn fractions_and_percents() {
    check(
        "fractions",
        &[
            ("The group held a third of the province.", &[("a third", 33.33, None, E, "percent")]),
            ("Half of the city is free.", &[("Half", 50.0, None, E, "percent")]),
            ("It once held a quarter of the country.", &[("a quarter", 25.0, None, E, "percent")]),
            ("Turnout was 62% in the north.", &[("62%", 62.0, None, E, "percent")]),
            ("Forces retook 62 percent of the land.", &[("62 percent", 62.0, None, E, "percent")]),
            ("Rebels lost more than half of their ground.", &[("more than half", 50.0, None, M, "percent")]),
            ("Their ranks are down by more than half.", &[("more than half", 50.0, None, M, "percent")]),
            ("Two-thirds of the fund is spent.", &[("Two-thirds", 66.67, None, E, "percent")]),
            ("Prices rose 4.5 per cent.", &[("4.5 per cent", 4.5, None, E, "percent")]),
        ],
    );
}

#[test]
fn ranges() {
    check(
        "ranges",
        &[
            (
                "It has between 20,000 and 31,000 members.",
                &[("between 20,000 and 31,000", 20000.0, Some(31000.0), E, "count")],
            ),
            ("They sent 18 to 25 percent of the budget.", &[("18 to 25 percent", 18.0, Some(25.0), E, "percent")]),
            ("A force of 5,000-6,000 men.", &[("5,000-6,000", 5000.0, Some(6000.0), E, "count")]),
            ("A force of 5,000\u{2013}6,000 men.", &[("5,000\u{2013}6,000", 5000.0, Some(6000.0), E, "count")]),
            ("Two or three boats sank.", &[("Two or three", 2.0, Some(3.0), E, "count")]),
            (
                "Some 25 percent to 30 percent is free.",
                &[("Some 25 percent to 30 percent", 25.0, Some(30.0), A, "percent")],
            ),
            ("It costs $1 to $2 billion.", &[("$1 to $2 billion", 1e9, Some(2e9), E, "USD")]),
            ("The tally rose from 40 to 55 ships.", &[("40", 40.0, None, E, "count"), ("55", 55.0, None, E, "count")]),
        ],
    );
}

#[test]
fn qualifiers() {
    check(
        "qualifiers",
        &[
            ("Almost 2,000 raids were flown.", &[("Almost 2,000", 2000.0, None, A, "count")]),
            ("Nearly 90 boats.", &[("Nearly 90", 90.0, None, A, "count")]),
            ("About 60 envoys came.", &[("About 60", 60.0, None, A, "count")]),
            ("Some 40 donors.", &[("Some 40", 40.0, None, A, "count")]),
            ("Roughly 300 guards.", &[("Roughly 300", 300.0, None, A, "count")]),
            ("Approximately 3,500 soldiers.", &[("Approximately 3,500", 3500.0, None, A, "count")]),
            ("Around 100 recruits.", &[("Around 100", 100.0, None, A, "count")]),
            ("More than 19,000 raids.", &[("More than 19,000", 19000.0, None, M, "count")]),
            ("Over 9,000 troops.", &[("Over 9,000", 9000.0, None, M, "count")]),
            ("At least 45 raids.", &[("At least 45", 45.0, None, M, "count")]),
            ("Upwards of 70 experts.", &[("Upwards of 70", 70.0, None, M, "count")]),
            ("Just over 80 sites.", &[("Just over 80", 80.0, None, M, "count")]),
            ("The total exceeds 20,000.", &[("exceeds 20,000", 20000.0, None, M, "count")]),
            ("A 60-plus nation alliance.", &[("60-plus", 60.0, None, M, "count")]),
            ("Less than 30 percent.", &[("Less than 30 percent", 30.0, None, L, "percent")]),
            ("Under 500 people.", &[("Under 500", 500.0, None, L, "count")]),
            ("Up to 5,000 citizens.", &[("Up to 5,000", 5000.0, None, L, "count")]),
            ("Fewer than 12 ships.", &[("Fewer than 12", 12.0, None, L, "count")]),
            ("An estimated 15,000 recruits.", &[("An estimated 15,000", 15000.0, None, E, "count")]),
            ("Reportedly 40 guards.", &[("Reportedly 40", 40.0, None, E, "count")]),
            ("In excess of $2.1 billion.", &[("In excess of $2.1 billion", 2.1e9, None, M, "USD")]),
        ],
    );
}

#[test]
fn modifiers_and_ordinals() {
    check(
        "modifiers",
        &[
            ("The 68-member alliance met.", &[("68-member", 68.0, None, E, "count")]),
            ("A 74-strong contingent.", &[("74-strong", 74.0, None, E, "count")]),
            ("The 28-donor fund.", &[("28-donor", 28.0, None, E, "count")]),
            ("The sixty-member group.", &[("sixty-member", 60.0, None, E, "count")]),
            ("It became the 90th country to join.", &[("90th", 90.0, None, E, "ordinal")]),
            ("Peru was the fifth nation to sign.", &[("fifth", 5.0, None, E, "ordinal")]),
            ("A three-day summit and a 10-year plan.", &[]),
        ],
    );
    let q = tag("The 68-member Global Coalition met.");
    assert_eq!(q[0].modifier.as_deref(), Some("member"));
    assert_eq!(q[0].counted, "Global Coalition");
}

#[test]
fn money() {
    check(
        "money",
        &[
            ("Donors pledged $394 million.", &[("$394 million", 394e6, None, E, "USD")]),
            ("It gave US$718 million.", &[("US$718 million", 718e6, None, E, "USD")]),
            (
                "Ottawa pledged Can$1 billion (US$718 million).",
                &[("Can$1 billion", 1e9, None, E, "CAD"), ("US$718 million", 718e6, None, E, "USD")],
            ),
            ("Berlin gave US $13 million.", &[("US $13 million", 13e6, None, E, "USD")]),
            ("It spent about 387 million dollars.", &[("about 387 million dollars", 387e6, None, A, "USD")]),
            ("The EU added \u{20ac}50 million.", &[("\u{20ac}50 million", 50e6, None, E, "EUR")]),
            ("A loss of ($11 million) was booked.", &[("$11 million", 11e6, None, E, "USD")]),
        ],
    );
}

#[test]
fn areas() {
    check(
        "areas",
        &[
            (
                "Forces freed over 14,000 square kilometers.",
                &[("over 14,000 square kilometers", 14000.0, None, M, "km2")],
            ),
            ("They held 100,000 km\u{b2}.", &[("100,000 km\u{b2}", 100000.0, None, E, "km2")]),
            ("It spans 5,000 square miles.", &[("5,000 square miles", 12950.0, None, E, "km2")]),
            (
                "Approximately 5,000 square miles to 6,000 square miles.",
                &[("Approximately 5,000 square miles to 6,000 square miles", 12950.0, Some(15540.0), A, "km2")],
            ),
        ],
    );
}

#[test]
fn negatives() {
    check(
        "negatives",
        &[
            ("The war began in 2014 and grew in 2015-2016.", &[]),
            ("On March 22, 2017 and 15 December they met.", &[]),
            ("They met at 7:30 PM and again at 5 p.m. today.", &[]),
            ("Resolution 2178 and Article 5 apply.", &[]),
            ("Call 202-647-2492 for details.", &[]),
            ("1. Introduction", &[]),
            ("The F-16 and Su-24 jets and COVID-19.", &[]),
            ("Release 20151228-04 is out.", &[]),
            ("He attended the first half of the meeting.", &[]),
            ("He was sworn in on 9/11 in the 1990s.", &[]),
        ],
    );
}

#[test]
fn counted_nouns() {
    for (sentence, counted) in [
        ("The coalition conducted more than 19,000 strikes in Iraq.", "strikes"),
        ("Nearly 90,000 Iraqi Security Force members were trained.", "Iraqi Security Force members"),
        ("They destroyed hundreds of Daesh vehicles.", "Daesh vehicles"),
        ("It took 62 percent of the terrain back.", "terrain"),
        ("Five Arab partners joined in airstrikes.", "Arab partners"),
        ("10,000 forces trained last year.", "forces"),
    ] {
        let q = tag(sentence);
        assert_eq!(q.first().map(|q| q.counted.as_str()), Some(counted), "{sentence}");
    }
}

/// The failures of quantulum3 listed in ../shared/PEERS.md, each a test chronicle passes.
#[test]
fn peer_regressions() {
    // Ranges are not averaged: "18 to 25 percent" keeps both bounds.
    let q = tag("They hold 18 to 25 percent of the land.");
    assert_eq!((q[0].value, q[0].value_max), (18.0, Some(25.0)));
    // "more than" is kept.
    assert_eq!(tag("More than 19,000 strikes.")[0].qualifier, M);
    // "19,000 strikes" has a unit and a counted noun, not a bare 19000.
    let q = tag("Aircraft made 19,000 strikes.");
    assert_eq!((q[0].unit, q[0].counted.as_str()), ("count", "strikes"));
    // "($11 million)" is not minus 11 million.
    let q = tag("It lost ($11 million) last year.");
    assert_eq!(q[0].value, 11e6);
    // No invented units: a plain count stays a count.
    assert_eq!(tag("Aircraft hit 40 targets.")[0].unit, "count");
}

fn words_for(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    fn below_thousand(n: u64) -> String {
        let mut parts = Vec::new();
        if n >= 100 {
            parts.push(format!("{} hundred", ONES[(n / 100) as usize]));
        }
        let r = n % 100;
        if r > 0 {
            if n >= 100 {
                parts.push("and".to_string());
            }
            if r < 20 {
                parts.push(ONES[r as usize].to_string());
            } else if r.is_multiple_of(10) {
                parts.push(TENS[(r / 10) as usize].to_string());
            } else {
                parts.push(format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize]));
            }
        }
        parts.join(" ")
    }
    if n == 0 {
        return "zero".into();
    }
    let mut parts = Vec::new();
    if n >= 1_000_000 {
        parts.push(format!("{} million", below_thousand(n / 1_000_000)));
    }
    if !(n / 1000).is_multiple_of(1000) {
        parts.push(format!("{} thousand", below_thousand((n / 1000) % 1000)));
    }
    if !n.is_multiple_of(1000) {
        parts.push(below_thousand(n % 1000));
    }
    parts.join(" ")
}

fn digits_for(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest::proptest! {
    #[test]
    fn no_input_panics(s in "\\PC{0,200}") {
        let _ = tag(&s);
    }

    #[test]
    fn no_figure_like_input_panics(words in proptest::collection::vec(proptest::sample::select(vec![
        "between", "and", "to", "-", "\u{2013}", "or", "more", "than", "$", "US", "Can", "(", ")", "1", "2,000",
        "7.7", "million", "half", "a", "third", "of", "tens", "thousands", "percent", "%", "square", "miles",
        "sixty-eight", "member", "plus", "th", "March", "2014", ":", "/", "\n", "1.", "over", "F", "dozen"]), 0..40)) {
        let _ = tag(&words.join(" "));
        let _ = tag(&words.concat());
    }

    #[test]
    fn words_and_digits_agree(n in 1u64..5_000_000) {
        let w = format!("The force had {} soldiers.", words_for(n));
        let d = format!("The force had {} soldiers.", digits_for(n));
        let (qw, qd) = (tag(&w), tag(&d));
        proptest::prop_assert_eq!(qw.len(), 1, "{}", w);
        proptest::prop_assert_eq!(qd.len(), 1, "{}", d);
        proptest::prop_assert_eq!(qw[0].value, n as f64);
        proptest::prop_assert_eq!(qd[0].value, n as f64);
    }
}
