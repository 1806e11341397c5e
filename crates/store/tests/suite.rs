//! The store suite: the same behaviour asked of both backends.
//!
//! Every test runs against a real SQLite file in a temporary folder, and against a fresh
//! PostgreSQL database when `CHRONICLE_TEST_POSTGRES` holds a server URL (`postgres://user@host/db`;
//! the suite creates and drops one database per test). Without that variable the PostgreSQL
//! half reports itself skipped.
//!
//! Records are built by hand here (sentences from `chronicle_core::Text`, facts placed on
//! substrings), so that what is tested is the ledger, not the current state of extraction;
//! one test stores real extractions to check nothing is lost on the way.

use chronicle_core::doc::CharOffsets;
use chronicle_core::{Document, Text};
use chronicle_store::{
    record, Fact, FactKind, Ingested, Page, Record, SearchQuery, SentenceRow, SeriesQuery, Store, TimelineQuery,
};

// ---------------------------------------------------------------------------------------
// Building records

fn record(id: &str, published: Option<&str>, text: &str) -> Record {
    let offsets = CharOffsets::new(text);
    let sentences = Text::new(text)
        .sentences
        .iter()
        .enumerate()
        .map(|(index, s)| SentenceRow {
            index,
            start: offsets.get(s.start),
            end: offsets.get(s.end),
            text: s.of(text).to_string(),
        })
        .collect();
    Record {
        id: id.into(),
        title: Some(format!("Report {id}")),
        url: None,
        published: published.map(str::to_string),
        published_source: if published.is_some() { "metadata".into() } else { "none".into() },
        source: Some(format!("test/{id}.txt")),
        text: text.into(),
        hash: record::content_hash(text),
        signature: record::signature(&record::shingles(text)),
        shingles: record::shingles(text),
        sentences,
        facts: Vec::new(),
    }
}

/// A fact of `kind` on the first occurrence of `surface` in the record's text.
fn fact(rec: &Record, kind: FactKind, surface: &str, label: &str) -> Fact {
    let byte = rec.text.find(surface).unwrap_or_else(|| panic!("{surface:?} not in {}", rec.id));
    let start = rec.text[..byte].chars().count();
    let end = start + surface.chars().count();
    let sentence = rec.sentences.iter().position(|s| s.start <= start && end <= s.end).unwrap_or(0);
    Fact {
        kind,
        start,
        end,
        sentence,
        text: surface.into(),
        rule: format!("test.{}", kind.as_str()),
        label: Some(label.into()),
        value: None,
        number: None,
        number_max: None,
        qualifier: None,
        date: None,
        scope: None,
        place: None,
        speaker: None,
        attrs: serde_json::json!({"text": surface}),
    }
}

fn metric(rec: &Record, surface: &str, name: &str, value: f64, as_of: Option<&str>, scope: Option<&str>) -> Fact {
    Fact {
        number: Some(value),
        qualifier: Some("exact".into()),
        date: as_of.map(str::to_string),
        scope: scope.map(str::to_string),
        ..fact(rec, FactKind::Metric, surface, name)
    }
}

fn event(rec: &Record, surface: &str, kind: &str, date: Option<&str>, place: Option<&str>) -> Fact {
    Fact {
        date: date.map(str::to_string),
        place: place.map(str::to_string),
        ..fact(rec, FactKind::Event, surface, kind)
    }
}

fn mention(rec: &Record, surface: &str, canonical: &str, kind: &str) -> Fact {
    Fact { value: Some(kind.into()), ..fact(rec, FactKind::Mention, surface, canonical) }
}

fn stored(out: Ingested) -> (String, Option<String>) {
    match out {
        Ingested::Stored { id, duplicate_of, .. } => (id, duplicate_of),
        other => panic!("expected Stored, got {other:?}"),
    }
}

/// Three reports on a small campaign, one of them syndicated under another header.
fn campaign() -> Vec<Record> {
    let body_a = "The partner nations met in Rome to review the campaign against the militants. \
        Officials said the alliance had grown to 60 members since the autumn, and that aircraft \
        had conducted 1,500 strikes by January 10, 2015. Ministers also pledged new funding for \
        demining and for the police training centres in the liberated districts.";
    let mut a = record("a", Some("2015-01-12"), body_a);
    a.facts = vec![
        metric(&a, "60 members", "coalition_members", 60.0, None, None),
        metric(&a, "1,500 strikes", "airstrikes", 1500.0, Some("2015-01-10"), None),
        event(&a, "met", "meeting", Some("2015-01-12"), Some("Rome")),
        mention(&a, "partner nations", "Global Coalition", "organization"),
    ];

    let b_text = "Aircraft struck positions near Mosul on February 3, 2015, officials said. \
        The alliance now counts 62 members, the spokesman told reporters at the briefing. \
        Since the campaign began, aircraft have conducted 1,400 strikes, he added, a figure \
        that covers Iraq and Syria together.";
    let mut b = record("b", Some("2015-02-04"), b_text);
    b.facts = vec![
        event(&b, "struck", "strike", Some("2015-02-03"), Some("Mosul")),
        metric(&b, "62 members", "coalition_members", 62.0, Some("2015-01-12"), None),
        metric(&b, "1,400 strikes", "airstrikes", 1400.0, None, None),
        mention(&b, "alliance", "Global Coalition", "organization"),
        mention(&b, "Mosul", "Mosul", "location"),
    ];

    // The first report under a wire service's header: a near-duplicate of `a`.
    let c_text = format!("NEWSWIRE -- ROME, Jan. 12\n{body_a}");
    let mut c = record("c", Some("2015-01-13"), &c_text);
    c.facts = vec![
        metric(&c, "60 members", "coalition_members", 60.0, None, None),
        event(&c, "met", "meeting", Some("2015-01-12"), Some("Rome")),
        mention(&c, "partner nations", "Global Coalition", "organization"),
    ];
    vec![a, b, c]
}

fn load(store: &dyn Store, records: &[Record]) {
    for r in records {
        store.put(r).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// The suite

fn putting_the_same_text_twice_is_a_no_op(store: &dyn Store) {
    let rec = record("r1", Some("2015-03-01"), "Eleven strikes hit depots near the river on Sunday.");
    let (id, dup) = stored(store.put(&rec).unwrap());
    assert_eq!((id.as_str(), dup), ("r1", None));
    let mut again = rec.clone();
    again.id = "another-name".into();
    assert_eq!(store.put(&again).unwrap(), Ingested::AlreadyPresent { id: "r1".into() });
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.duplicates), (1, 0));
    assert_eq!(stats.schema_version, chronicle_store::schema::latest(chronicle_store::schema::SQLITE));
}

fn a_reused_id_with_new_text_is_stored_under_a_derived_id(store: &dyn Store) {
    let first = record("same", None, "The first text of this report.");
    let second = record("same", None, "A corrected text of this report, issued later.");
    stored(store.put(&first).unwrap());
    let (id, _) = stored(store.put(&second).unwrap());
    assert_eq!(id, format!("same@{}", &second.hash[..12]));
    assert_eq!(store.document(&id).unwrap().unwrap().text, second.text);
    assert_eq!(store.document("same").unwrap().unwrap().text, first.text);
}

fn near_duplicates_are_linked_and_counted_once(store: &dyn Store) {
    let recs = campaign();
    let outcomes: Vec<_> = recs.iter().map(|r| stored(store.put(r).unwrap())).collect();
    assert_eq!(outcomes[2], ("c".to_string(), Some("a".to_string())));
    assert_eq!(outcomes[1].1, None, "an unrelated report is not a duplicate");
    assert_eq!(store.stats().unwrap().duplicates, 1);
    let series = store.series(&SeriesQuery { metric: "coalition_members".into(), ..Default::default() }).unwrap();
    let docs: Vec<&str> = series.points.iter().map(|p| p.doc.as_str()).collect();
    assert_eq!(docs, vec!["a", "b"], "the syndicated copy adds no point");
    let meetings = store.timeline(&TimelineQuery { kind: Some("meeting".into()), ..Default::default() }).unwrap();
    assert_eq!(meetings.len(), 1);
    let entity = store.entity("Global Coalition").unwrap().unwrap();
    assert_eq!(entity.documents, 2);
    let shown = store.document("c").unwrap().unwrap();
    assert_eq!(shown.summary.duplicate_of.as_deref(), Some("a"));
}

fn series_are_dated_sourced_and_conflicts_flagged(store: &dyn Store) {
    load(store, &campaign());
    let members = store
        .series(&SeriesQuery { metric: "coalition_members".into(), cumulative: Some(false), ..Default::default() })
        .unwrap();
    assert!(!members.cumulative);
    // a: 60 dated by its document (2015-01-12); b: 62 as of 2015-01-12. Same day, different values.
    assert_eq!(members.points.len(), 2);
    for p in &members.points {
        assert_eq!(p.date.as_deref(), Some("2015-01-12"));
        assert_eq!(p.conflicts.len(), 1, "{p:?}");
        assert!(p.sentence.contains(&p.text), "{p:?}");
    }
    let a = members.points.iter().find(|p| p.doc == "a").unwrap();
    assert_eq!((a.value, a.as_of.as_deref(), a.published.as_deref()), (60.0, None, Some("2015-01-12")));

    let strikes = store
        .series(&SeriesQuery { metric: "airstrikes".into(), cumulative: Some(true), ..Default::default() })
        .unwrap();
    assert!(strikes.cumulative);
    let shown: Vec<(Option<&str>, f64, usize)> =
        strikes.points.iter().map(|p| (p.date.as_deref(), p.value, p.conflicts.len())).collect();
    assert_eq!(shown, vec![(Some("2015-01-10"), 1500.0, 0), (Some("2015-02-04"), 1400.0, 1)]);
    assert!(strikes.points[1].conflicts[0].contains("falls below 1500"), "{:?}", strikes.points[1].conflicts);

    // As the record stood on 2015-01-31, only report a was published.
    let early = store
        .series(&SeriesQuery {
            metric: "coalition_members".into(),
            known_on: Some("2015-01-31".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(early.points.iter().map(|p| p.doc.as_str()).collect::<Vec<_>>(), vec!["a"]);
    assert!(early.points[0].conflicts.is_empty());

    let none = store.series(&SeriesQuery { metric: "no_such_metric".into(), ..Default::default() }).unwrap();
    assert!(none.points.is_empty());
    let metrics = store.metrics().unwrap();
    assert_eq!(metrics[0].metric, "airstrikes");
    assert_eq!(metrics.iter().map(|m| m.points).sum::<u64>(), 4);
}

fn series_scopes_are_separate(store: &dyn Store) {
    let mut r = record(
        "s",
        Some("2016-06-01"),
        "Partner forces numbered 5,000 troops in Iraq this month. In Syria they numbered 3,000 troops.",
    );
    r.facts = vec![
        metric(&r, "5,000 troops", "partner_troops", 5000.0, None, Some("Iraq")),
        metric(&r, "3,000 troops", "partner_troops", 3000.0, None, Some("Syria")),
    ];
    load(store, &[r]);
    let all = store.series(&SeriesQuery { metric: "partner_troops".into(), ..Default::default() }).unwrap();
    assert_eq!(all.points.len(), 2);
    assert!(all.points.iter().all(|p| p.conflicts.is_empty()), "different scopes do not conflict");
    let syria = store
        .series(&SeriesQuery { metric: "partner_troops".into(), scope: Some("syria".into()), ..Default::default() })
        .unwrap();
    assert_eq!(syria.points.len(), 1);
    assert_eq!(syria.points[0].value, 3000.0);
}

fn the_timeline_filters_by_date_type_and_place(store: &dyn Store) {
    load(store, &campaign());
    let all = store.timeline(&TimelineQuery::default()).unwrap();
    let shown: Vec<(Option<&str>, &str, Option<&str>)> =
        all.iter().map(|e| (e.date.as_deref(), e.kind.as_str(), e.place.as_deref())).collect();
    assert_eq!(
        shown,
        vec![(Some("2015-01-12"), "meeting", Some("Rome")), (Some("2015-02-03"), "strike", Some("Mosul"))]
    );
    assert!(all[1].sentence.contains("struck positions near Mosul"));
    let cases: &[(&str, TimelineQuery, Vec<&str>)] = &[
        ("from a month", TimelineQuery { from: Some("2015-02".into()), ..Default::default() }, vec!["strike"]),
        ("to a month, inclusive", TimelineQuery { to: Some("2015-01".into()), ..Default::default() }, vec!["meeting"]),
        ("to a year", TimelineQuery { to: Some("2015".into()), ..Default::default() }, vec!["meeting", "strike"]),
        ("by type", TimelineQuery { kind: Some("strike".into()), ..Default::default() }, vec!["strike"]),
        ("by place", TimelineQuery { place: Some("rom".into()), ..Default::default() }, vec!["meeting"]),
        ("nothing", TimelineQuery { from: Some("2016".into()), ..Default::default() }, vec![]),
        ("paged", TimelineQuery { page: Page { limit: 1, offset: 1 }, ..Default::default() }, vec!["strike"]),
    ];
    for (name, q, expected) in cases {
        let got: Vec<String> = store.timeline(q).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(&got, expected, "{name}");
    }
}

fn entities_are_found_by_name_or_alias(store: &dyn Store) {
    load(store, &campaign());
    for name in ["Global Coalition", "global coalition", "alliance", "PARTNER NATIONS"] {
        let e = store.entity(name).unwrap().unwrap_or_else(|| panic!("{name} not found"));
        assert_eq!(e.canonical, "Global Coalition", "{name}");
        assert_eq!(e.kind, "organization");
        assert_eq!(e.mentions, 2);
        let aliases: Vec<&str> = e.aliases.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(aliases, vec!["alliance", "partner nations"]);
        let periods: Vec<(&str, u64)> = e.over_time.iter().map(|p| (p.period.as_str(), p.mentions)).collect();
        assert_eq!(periods, vec![("2015-01", 1), ("2015-02", 1)]);
        assert_eq!(e.recent[0].doc, "b", "most recent first");
    }
    assert!(store.entity("Nobody").unwrap().is_none());
    let list = store.entities(Page::default()).unwrap();
    assert_eq!(list[0].canonical, "Global Coalition");
    assert_eq!(list.len(), 2);
}

fn search_finds_sentences_with_highlights(store: &dyn Store) {
    load(store, &campaign());
    let hits = store.search(&SearchQuery { text: "demining funding".into(), page: Page::default() }).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit.doc, "a", "the duplicate's copy of the sentence is not listed");
    let marked: Vec<String> =
        hit.highlights.iter().map(|&(s, e)| hit.sentence.chars().skip(s).take(e - s).collect()).collect();
    assert_eq!(marked, vec!["funding", "demining"]);
    let stems = store.search(&SearchQuery { text: "strike".into(), page: Page::default() }).unwrap();
    assert!(stems.iter().any(|h| h.sentence.contains("1,500 strikes")), "stemmed match: {stems:?}");
    let prefix = store.search(&SearchQuery { text: "spokes*".into(), page: Page::default() }).unwrap();
    assert_eq!(prefix.len(), 1);
    // Query syntax is not passed through: these are plain words, and must not error.
    for q in ["\"unbalanced", "NEAR(a b) OR -c", "text:foo", "a & b | !c", "'quoted'"] {
        store.search(&SearchQuery { text: q.into(), page: Page::default() }).unwrap();
    }
    assert!(store.search(&SearchQuery { text: " *** ".into(), page: Page::default() }).is_err());
}

fn documents_are_shown_with_their_facts(store: &dyn Store) {
    let recs = campaign();
    load(store, &recs);
    let doc = store.document("b").unwrap().unwrap();
    assert_eq!(doc.text, recs[1].text);
    assert_eq!(doc.sentences, recs[1].sentences);
    assert_eq!(doc.facts.len(), recs[1].facts.len());
    for f in &doc.facts {
        let original = recs[1].facts.iter().find(|o| o.start == f.start && o.kind == f.kind).unwrap();
        assert_eq!(f, original);
    }
    assert_eq!(doc.summary.published.as_deref(), Some("2015-02-04"));
    assert_eq!(doc.summary.source.as_deref(), Some("test/b.txt"));
    let by_hash = store.document(&recs[1].hash[..10]).unwrap().unwrap();
    assert_eq!(by_hash.summary.id, "b");
    assert!(store.document("zzz").unwrap().is_none());
    let listed = store.documents(Page { limit: 2, offset: 1 }).unwrap();
    assert_eq!(listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec!["b", "c"]);
    assert_eq!(listed[0].facts, 5);
}

fn export_lists_every_fact_with_its_sentence(store: &dyn Store) {
    let recs = campaign();
    load(store, &recs);
    let mut rows = Vec::new();
    store
        .export(&mut |r| {
            rows.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(rows.len(), recs.iter().map(|r| r.facts.len()).sum::<usize>());
    for r in &rows {
        assert!(r.sentence_text.contains(&r.fact.text), "{r:?}");
    }
    assert!(rows.iter().any(|r| r.doc == "c" && r.duplicate_of.as_deref() == Some("a")));
}

fn real_extractions_are_stored_whole(store: &dyn Store) {
    let extractor = chronicle_extract::Extractor::coalition();
    let texts = [
        "WASHINGTON, March 3, 2016 \u{2014} Coalition aircraft conducted 12 strikes in Iraq on Tuesday, \
         the Combined Joint Task Force said. Secretary Kerry said the 66-member coalition would meet in Rome.",
        "Da\u{2019}esh lost about 40 percent of its territory in Iraq by April 2016, officials estimated. \
         More than 25,000 fighters remain, according to the estimate.",
    ];
    for (i, text) in texts.iter().enumerate() {
        let doc = Document { id: format!("x{i}"), text: text.to_string(), ..Document::default() };
        let ex = extractor.extract(&doc);
        let rec = Record::prepare(&doc, &ex, None);
        stored(store.put(&rec).unwrap());
        let back = store.document(&doc.id).unwrap().unwrap();
        assert_eq!(back.facts.len(), ex.fact_count(), "{}", doc.id);
        assert_eq!(back.sentences.len(), ex.sentences.len());
        for f in &back.facts {
            assert!(back.sentences[f.sentence].text.contains(&f.text), "{f:?}");
        }
    }
}

fn unicode_and_odd_text_survive(store: &dyn Store) {
    let text =
        "Da\u{2019}esh \u{0639}\u{0631}\u{0628}\u{064a} \u{1F600} strikes\u{2}marked\u{3} <script>alert(1)</script>.";
    let rec = record("odd", None, text);
    stored(store.put(&rec).unwrap());
    assert_eq!(store.document("odd").unwrap().unwrap().text, text);
    let hits = store.search(&SearchQuery { text: "script".into(), page: Page::default() }).unwrap();
    assert_eq!(hits.len(), 1);
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = chronicle_store::open(dir.path().join("ledger.db").to_str().unwrap()).unwrap();
                    assert_eq!(store.backend(), "sqlite");
                    super::$name(&*store);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(db) = super::pg::TestDb::create(stringify!($name)) else { return };
                    let store = chronicle_store::open(&db.url).unwrap();
                    assert_eq!(store.backend(), "postgres");
                    super::$name(&*store);
                    drop(store);
                    drop(db);
                }
            )*
        }
    };
}

suite!(
    putting_the_same_text_twice_is_a_no_op,
    a_reused_id_with_new_text_is_stored_under_a_derived_id,
    near_duplicates_are_linked_and_counted_once,
    series_are_dated_sourced_and_conflicts_flagged,
    series_scopes_are_separate,
    the_timeline_filters_by_date_type_and_place,
    entities_are_found_by_name_or_alias,
    search_finds_sentences_with_highlights,
    documents_are_shown_with_their_facts,
    export_lists_every_fact_with_its_sentence,
    real_extractions_are_stored_whole,
    unicode_and_odd_text_survive,
);

pub mod pg {
    //! A throw-away database per test on the server named by `CHRONICLE_TEST_POSTGRES`.

    pub struct TestDb {
        admin: String,
        name: String,
        pub url: String,
    }

    impl TestDb {
        /// `None` (and a note on stderr) when the variable is unset.
        pub fn create(test: &str) -> Option<TestDb> {
            let Ok(admin) = std::env::var("CHRONICLE_TEST_POSTGRES") else {
                eprintln!("skipped: set CHRONICLE_TEST_POSTGRES=postgres://... to run the PostgreSQL suite");
                return None;
            };
            let name = format!("chronicle_test_{}_{}", test, std::process::id());
            let mut client =
                postgres::Client::connect(&admin, postgres::NoTls).expect("CHRONICLE_TEST_POSTGRES connects");
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
            client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
            let url = with_database(&admin, &name);
            Some(TestDb { admin, name, url })
        }
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
            }
        }
    }

    /// The URL with its database name replaced.
    pub fn with_database(url: &str, db: &str) -> String {
        let (base, query) = match url.find('?') {
            Some(q) => (&url[..q], &url[q..]),
            None => (url, ""),
        };
        let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
        let host_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
        format!("{}/{db}{query}", &base[..host_end])
    }
}
