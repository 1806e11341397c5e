//! End-to-end tests of `chronicle extract`: the real binary, run in a temporary folder.
//!
//! They pin down the contract a user scripts against: one JSON line per document in input
//! order, byte-for-byte deterministic output whatever the thread count, errors on standard
//! error naming file, line and id while the rest still goes through, and the exit statuses
//! (0 all went in, 1 something was rejected, 2 usage or configuration error).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chronicle"));
    c.env("RUST_BACKTRACE", "0");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin().args(args).current_dir(cwd).output().expect("chronicle runs")
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn sample_reports_give_one_line_each_in_input_order() {
    let out = run(&["extract", "examples/reports"], &repo());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = lines(&out);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["000_4c38431470872e27.txt", "001_f2baca6640c46840.txt", "002_aa8d9e5c98b9a371.txt"]);
    for d in &docs {
        for key in ["timexes", "events", "metrics", "entities", "quantities", "claims"] {
            assert!(d[key].is_array(), "{key} missing in {d}");
        }
        assert!(!d["quantities"].as_array().unwrap().is_empty());
        assert!(!d["entities"].as_array().unwrap().is_empty());
    }
}

#[test]
fn output_is_identical_on_one_thread_and_many() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    for i in 0..300 {
        let doc = serde_json::json!({
            "id": format!("d{i}"),
            "published": "2015-01-23",
            "text": format!("On January {}, Iraqi forces with the US-led coalition liberated {} villages. Daesh lost 1,{:03} fighters.", 1 + i % 20, i, i),
        });
        writeln!(f, "{doc}").unwrap();
    }
    drop(f);
    let one = run(&["extract", "--threads", "1", "docs.jsonl"], dir.path());
    let many = run(&["extract", "--threads", "4", "docs.jsonl"], dir.path());
    assert!(one.status.success() && many.status.success());
    assert_eq!(lines(&one).len(), 300);
    assert!(one.stdout == many.stdout, "output differs between thread counts");
}

#[test]
fn bad_lines_are_named_and_the_rest_goes_through_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docs.jsonl"),
        "{\"id\":\"ok-1\",\"text\":\"Mosul was liberated in 2017.\"}\n\
         {\"id\":\"broken\",\"text\":\n\
         {\"id\":\"no-text\"}\n\
         {\"id\":\"ok-2\",\"text\":\"Raqqa fell.\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("blob.txt"), b"\x00\x01\x02binary").unwrap();
    let out = run(&["extract", "docs.jsonl", "blob.txt", "missing.jsonl"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let ids: Vec<String> = lines(&out).iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["ok-1", "ok-2"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("docs.jsonl:2: invalid JSON"), "{err}");
    assert!(err.contains("docs.jsonl:3 (id \"no-text\"): missing \"text\""), "{err}");
    assert!(err.contains("blob.txt: binary file"), "{err}");
    assert!(err.contains("missing.jsonl: cannot read"), "{err}");
    assert!(err.contains("4 input item(s) rejected"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&["extract", "--no-such-flag"], &repo());
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pack.toml"), "[[metric]]\nname = 3\n").unwrap();
    std::fs::write(dir.path().join("a.txt"), "text").unwrap();
    let out = run(&["extract", "--domain", "pack.toml", "a.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pack.toml"));
}

#[test]
fn standard_input_takes_text_or_json_lines() {
    let mut child = bin().args(["extract", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"The Islamic State lost Tikrit in 2015.").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "stdin");

    let mut child = bin().args(["extract"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(lines(&out).len(), 2);
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("docs.jsonl");
    let mut f = std::fs::File::create(&input).unwrap();
    for i in 0..5000 {
        writeln!(
            f,
            "{}",
            serde_json::json!({"id": format!("d{i}"), "text": "ISIS lost 2,000 fighters in Mosul in 2016."})
        )
        .unwrap();
    }
    drop(f);
    let mut child = bin()
        .args(["extract", "--threads", "1"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn pretty_prints_a_report_for_people() {
    let out = run(&["extract", "--pretty", "examples/reports/002_aa8d9e5c98b9a371.txt"], &repo());
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("== 002_aa8d9e5c98b9a371.txt"), "{text}");
    assert!(text.contains("actors:") && text.contains("ISIS"), "{text}");
}
