//! A second campaign is a data change: a small pack for a donors' conference, read from a
//! TOML string, gives its own metrics with no code change (and none of the coalition's).

use chronicle_core::{Document, Qualifier};
use chronicle_extract::{Extractor, Pack};

const DONORS: &str = r#"
[pack]
name = "relief-pledges"
description = "A pledging conference for earthquake relief."

[metric_settings]
scope_prepositions = ["in", "from"]
subject_cues = ["has", "will", "pledged", "promised"]

[[metric]]
name = "pledged_usd"
description = "money pledged at the conference, in US dollars"
unit = "USD"
context = ["pledged", "pledges", "promised", "pledging"]
scope = "member"

[[metric]]
name = "donor_count"
description = "governments and agencies that pledged"
nouns = ["governments", "donors", "countries", "agencies"]
context = ["pledged", "pledging", "conference"]
scope = "none"

[[metric]]
name = "homes_rebuilt"
description = "homes rebuilt, cumulative"
cumulative = true
nouns = ["homes", "houses", "shelters"]
context = ["rebuilt", "built", "repaired"]
"#;

#[test]
fn a_donors_pack_extracts_its_own_metrics() {
    let pack = Pack::parse("donors.toml", DONORS).expect("the donors pack parses");
    let ex = Extractor::new(&pack).expect("the donors pack builds");
    let doc = Document {
        id: "donors-1".into(),
        published: Some("2016-03-14".into()),
        text: "Forty-two governments pledged $2.4 billion at the relief conference on Monday. \
               Norway pledged $120 million. Engineers have rebuilt about 3,500 homes in Nepal. \
               Coalition aircraft flew more than 19,000 strikes."
            .into(),
        ..Document::default()
    };
    let got: Vec<(String, f64, Qualifier, Option<String>)> =
        ex.extract(&doc).metrics.into_iter().map(|m| (m.metric, m.value, m.qualifier, m.scope)).collect();
    assert_eq!(
        got,
        vec![
            ("donor_count".to_string(), 42.0, Qualifier::Exact, None),
            ("pledged_usd".to_string(), 2.4e9, Qualifier::Exact, None),
            ("pledged_usd".to_string(), 120e6, Qualifier::Exact, Some("Norway".to_string())),
            ("homes_rebuilt".to_string(), 3500.0, Qualifier::Approx, Some("Nepal".to_string())),
        ]
    );
}

#[test]
fn a_pack_extends_the_coalition_pack() {
    let mut pack = Pack::coalition();
    pack.extend(Pack::parse("donors.toml", DONORS).unwrap());
    let ex = Extractor::new(&pack).unwrap();
    let doc = Document {
        id: "both".into(),
        published: Some("2016-03-14".into()),
        text: "Engineers have rebuilt about 3,500 homes. Coalition aircraft flew more than 19,000 strikes.".into(),
        ..Document::default()
    };
    let names: Vec<String> = ex.extract(&doc).metrics.into_iter().map(|m| m.metric).collect();
    assert_eq!(names, vec!["homes_rebuilt", "airstrikes"]);
}

#[test]
fn bad_metric_rules_are_errors() {
    let err = Pack::parse("bad.toml", "[[metric]]\nname = \"x\"\nscope = \"everywhere\"\n").unwrap_err();
    assert!(err.to_string().starts_with("bad.toml:"), "{err}");
    let pack = Pack::parse("empty.toml", "[[metric]]\nname = \"x\"\nnouns = [\"\"]\n").unwrap();
    assert!(Extractor::new(&pack).is_err());
}
