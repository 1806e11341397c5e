//! End-to-end tests of the ledger commands: the real binary on real SQLite files.
//!
//! They pin down what a user relies on: every kind of bad input is named on standard error
//! while the rest lands (exit 1), re-ingesting is a no-op, the queries answer with sources,
//! a SIGKILL in the middle of a large ingest leaves a consistent ledger holding every
//! document reported as stored, and two processes ingesting into one file at once lose and
//! corrupt nothing.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chronicle"));
    c.env("RUST_BACKTRACE", "0").env_remove("CHRONICLE_LEDGER");
    c
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin().args(args).current_dir(cwd).output().expect("chronicle runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The ids a run reported as stored (`stored` or `duplicate` lines).
fn reported(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with("stored\t") || l.starts_with("duplicate\t"))
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect()
}

fn integrity_ok(ledger: &Path) {
    let conn = rusqlite::Connection::open(ledger).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let fts: rusqlite::Result<i64> =
        conn.query_row("INSERT INTO sentences_fts(sentences_fts, rank) VALUES('integrity-check', 1)", [], |r| r.get(0));
    assert!(matches!(fts, Ok(_) | Err(rusqlite::Error::QueryReturnedNoRows)), "FTS index inconsistent: {fts:?}");
}

/// A report of my own wording, distinct for each `i`.
fn report(i: usize) -> String {
    let places = ["Mosul", "Raqqa", "Fallujah", "Tikrit", "Ramadi", "Kobani", "Palmyra", "Sinjar"];
    let place = places[i % places.len()];
    format!(
        "Briefing number {i} on operations near {place}.\n\
         Coalition aircraft conducted {} strikes near {place} on March {}, 2016, officials said in briefing {i}. \
         The strikes hit {} fighting positions and {} vehicles used by the group around the district. \
         Partner forces advanced {} kilometres along the river road in sector {i} and cleared {} villages. \
         A spokesman said engineers had removed {} explosive devices from the main road during week {}.",
        10 + i % 17,
        1 + i % 28,
        2 + i % 9,
        1 + i % 5,
        3 + i % 11,
        i % 7 + 1,
        40 + i,
        i / 7 + 1,
    )
}

#[test]
fn bad_inputs_are_named_and_the_rest_lands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inbox = d.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join("a.txt"), report(1)).unwrap();
    std::fs::write(inbox.join("b.md"), format!("# Weekly note\n\n{}", report(2))).unwrap();
    std::fs::write(
        inbox.join("c.html"),
        format!(
            "<html><head><title>Strikes continue</title><meta property=\"article:published_time\" \
             content=\"2016-03-09T08:00:00Z\"></head><body><nav>Home | News | Contact</nav><article><p>{}</p>\
             <p>{}</p></article><footer>All rights reserved.</footer></body></html>",
            report(3),
            report(4)
        ),
    )
    .unwrap();
    std::fs::write(
        inbox.join("docs.jsonl"),
        format!(
            "{}\n{{this is not json\n{}\n",
            serde_json::json!({"id": "j1", "text": report(5), "published": "2016-03-10"}),
            serde_json::json!({"id": "j2", "text": report(6)})
        ),
    )
    .unwrap();
    std::fs::write(inbox.join("empty.txt"), "").unwrap();
    std::fs::write(inbox.join("binary.txt"), b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    std::fs::write(inbox.join("latin1.txt"), b"Caf\xe9 strikes near the river").unwrap();
    std::fs::write(inbox.join("nobody.html"), "<html><head><title>Only a head</title></head></html>").unwrap();
    std::fs::write(inbox.join("huge.txt"), "Strikes continued. ".repeat(4000)).unwrap();
    let ledger = d.join("ledger.db");
    let out = run(
        &[
            "ingest",
            "--ledger",
            ledger.to_str().unwrap(),
            "--max-document-bytes",
            "60000",
            inbox.to_str().unwrap(),
            d.join("missing.txt").to_str().unwrap(),
        ],
        d,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let expectations = [
        ("docs.jsonl:2", "invalid JSON"),
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("nobody.html", "HTML page without readable body text"),
        ("huge.txt", "too large"),
        ("missing.txt", "cannot read"),
    ];
    for (source, message) in expectations {
        assert!(
            err.lines().any(|l| l.contains(source) && l.contains(message)),
            "no error naming {source} ({message}):\n{err}"
        );
    }
    let mut stored = reported(&stdout(&out));
    stored.sort();
    assert_eq!(stored, ["a.txt", "b.md", "c.html", "j1", "j2"], "{}", stdout(&out));
    assert!(err.contains("5 stored"), "{err}");

    // The HTML page: main content only, title and date from its metadata.
    let shown = run(&["show", "--json", "--ledger", ledger.to_str().unwrap(), "c.html"], d);
    let doc: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(doc["title"], "Strikes continue");
    assert_eq!(doc["published"], "2016-03-09");
    let text = doc["text"].as_str().unwrap();
    assert!(text.contains("Briefing number 3") && text.contains("Briefing number 4"), "{text}");
    assert!(!text.contains("All rights reserved") && !text.contains("Contact"), "{text}");

    // Ingesting again writes nothing and rejects nothing new.
    let again = run(&["ingest", "--ledger", ledger.to_str().unwrap(), inbox.join("a.txt").to_str().unwrap()], d);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).starts_with("present\ta.txt"), "{}", stdout(&again));
    integrity_ok(&ledger);
}

#[test]
fn queries_answer_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let docs: String = (0..12)
        .map(|i| {
            serde_json::json!({"id": format!("r{i}"), "text": report(i), "published": format!("2016-03-{:02}", i + 1)})
                .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(d.join("docs.jsonl"), docs).unwrap();
    // The ledger from the environment, as a user would set it once.
    let ledger = d.join("env.db");
    let out = bin().args(["ingest", "docs.jsonl"]).env("CHRONICLE_LEDGER", &ledger).current_dir(d).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reported(&stdout(&out)).len(), 12);
    assert!(ledger.exists(), "CHRONICLE_LEDGER chose the file");
    let l = ledger.to_str().unwrap();

    let json = |args: &[&str]| -> serde_json::Value {
        let mut full = vec![args[0], "--json", "--ledger", l];
        full.extend(&args[1..]);
        let o = run(&full, d);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&o)))
    };

    let hits = json(&["search", "explosive", "devices"]);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 12, "one sentence per report");
    for h in hits {
        let sentence = h["sentence"].as_str().unwrap();
        let marked: Vec<String> = h["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let (s, e) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
                sentence.chars().skip(s).take(e - s).collect()
            })
            .collect();
        assert_eq!(marked, ["explosive", "devices"], "{sentence}");
    }

    let shown = json(&["show", "r3"]);
    assert_eq!(shown["id"], "r3");
    assert_eq!(shown["published"], "2016-03-04");
    let facts = shown["facts"].as_array().unwrap();
    assert!(!facts.is_empty());
    let text: Vec<char> = shown["text"].as_str().unwrap().chars().collect();
    for f in facts {
        let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        assert_eq!(text[s..e].iter().collect::<String>(), f["text"].as_str().unwrap(), "{f}");
        assert!(!f["rule"].as_str().unwrap().is_empty());
    }
    let explained = json(&["explain", "r3"]);
    assert_eq!(explained["facts"].as_array().unwrap().len(), facts.len());

    // Whatever the current extraction finds, every listed metric has a series with sources,
    // and every timeline entry has a sentence.
    let metrics = json(&["series"]);
    for m in metrics.as_array().unwrap() {
        let name = m["metric"].as_str().unwrap();
        let svg = d.join(format!("{name}.svg"));
        let series = json(&["series", name, "--plot", svg.to_str().unwrap()]);
        assert_eq!(series["points"].as_array().unwrap().len() as u64, m["points"].as_u64().unwrap());
        for p in series["points"].as_array().unwrap() {
            assert!(p["sentence"].as_str().unwrap().contains(p["text"].as_str().unwrap()), "{p}");
        }
        assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    }
    for e in json(&["timeline"]).as_array().unwrap() {
        assert!(e["sentence"].as_str().unwrap().contains(e["text"].as_str().unwrap()), "{e}");
    }

    // Exports list every fact once.
    let total_facts: u64 =
        (0..12).map(|i| json(&["show", &format!("r{i}")])["facts"].as_array().unwrap().len() as u64).sum();
    let jsonl = run(&["export", "--ledger", l, "--format", "jsonl"], d);
    assert_eq!(stdout(&jsonl).lines().count() as u64, total_facts);
    let csv_path = d.join("facts.csv");
    let csv = run(&["export", "--ledger", l, "--format", "csv", "-o", csv_path.to_str().unwrap()], d);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.records().count() as u64, total_facts);

    // People's tables.
    let table = run(&["search", "--ledger", l, "explosive"], d);
    assert!(stdout(&table).contains("\u{ab}explosive\u{bb}"), "{}", stdout(&table));
    let missing = run(&["show", "--ledger", l, "no-such-doc"], d);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no-such-doc"));
}

#[test]
fn a_killed_ingest_leaves_every_reported_document() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut input = std::fs::File::create(d.join("big.jsonl")).unwrap();
    for i in 0..2000 {
        writeln!(input, "{}", serde_json::json!({"id": format!("k{i}"), "text": report(i)})).unwrap();
    }
    drop(input);
    let ledger = d.join("killed.db");
    let mut child = bin()
        .args(["ingest", "--threads", "1", "--ledger", ledger.to_str().unwrap(), "big.jsonl"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    while seen.len() < 150 {
        match lines.next() {
            Some(Ok(l)) => seen.push(l),
            _ => break,
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, no commit runs after this.
    child.wait().unwrap();
    // Lines already written to the pipe before the kill count too.
    seen.extend(lines.map_while(Result::ok));
    let ids = reported(&seen.join("\n"));
    assert!(ids.len() >= 150 && ids.len() < 2000, "killed midway: {} stored", ids.len());

    integrity_ok(&ledger);
    let store = chronicle_store::open(ledger.to_str().unwrap()).unwrap();
    for line in &seen {
        let mut parts = line.split('\t');
        let (status, id, facts) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
        assert_eq!(status, "stored", "{line}");
        let doc = store.document(id).unwrap().unwrap_or_else(|| panic!("{id} reported but not in the ledger"));
        let n: usize = facts.split(' ').next().unwrap().parse().unwrap();
        assert_eq!(doc.facts.len(), n, "{id}: every fact of a committed document is there");
    }
    let count = store.stats().unwrap().documents as usize;
    assert!(count >= ids.len() && count <= ids.len() + 64, "{count} stored, {} reported", ids.len());
    drop(store);

    // Resuming completes the ledger; what was stored is not stored twice.
    let resumed = run(&["ingest", "--quiet", "--ledger", ledger.to_str().unwrap(), "big.jsonl"], d);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    let store = chronicle_store::open(ledger.to_str().unwrap()).unwrap();
    assert_eq!(store.stats().unwrap().documents, 2000);
}

#[test]
fn two_processes_ingest_into_one_file_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Overlapping halves: 0..600 and 300..900.
    for (name, range) in [("one.jsonl", 0..600), ("two.jsonl", 300..900)] {
        let mut f = std::fs::File::create(d.join(name)).unwrap();
        for i in range {
            writeln!(f, "{}", serde_json::json!({"id": format!("p{i}"), "text": report(i)})).unwrap();
        }
    }
    let ledger = d.join("shared.db");
    let spawn = |file: &str| {
        bin()
            .args(["ingest", "--threads", "1", "--ledger", ledger.to_str().unwrap(), file])
            .current_dir(d)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("one.jsonl"), spawn("two.jsonl"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(b.status.success(), "{}", stderr(&b));
    let mut ids: Vec<String> = reported(&stdout(&a)).into_iter().chain(reported(&stdout(&b))).collect();
    ids.sort();
    let expected: Vec<String> = {
        let mut v: Vec<String> = (0..900).map(|i| format!("p{i}")).collect();
        v.sort();
        v
    };
    assert_eq!(ids, expected, "each document stored exactly once, by one of the two");
    integrity_ok(&ledger);
    let store = chronicle_store::open(ledger.to_str().unwrap()).unwrap();
    assert_eq!(store.stats().unwrap().documents, 900);
}

#[test]
fn the_demo_ingests_the_samples_and_prints_timeline_and_series() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("demo.db");
    let out = run(&["demo", "--ledger", ledger.to_str().unwrap()], &repo());
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains("== timeline"), "{text}");
    assert!(text.contains("== series"), "{text}");
    assert!(text.contains("000_4c38431470872e27.txt"), "{text}");
    let again = run(&["demo", "--ledger", ledger.to_str().unwrap()], &repo());
    assert!(stdout(&again).contains("already in the ledger"), "{}", stdout(&again));
}
