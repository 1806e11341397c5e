//! Golden output: the extraction of the bundled sample reports, diffed against a reviewed file.
//!
//! Any change to what chronicle extracts from `examples/reports/` shows here as a failing
//! test with the first differing line. When the change is intended, review the new output and
//! accept it with `UPDATE_GOLDEN=1 cargo test -p chronicle --test golden`, then commit the
//! updated `tests/golden/sample-reports.jsonl` with the change that caused it.

use std::path::Path;
use std::process::Command;

#[test]
fn sample_reports_extract_as_reviewed() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_chronicle"))
        .args(["extract", "--threads", "2", "examples/reports"])
        .current_dir(&repo)
        .output()
        .expect("chronicle runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = String::from_utf8(out.stdout).expect("UTF-8 output");
    let golden = repo.join("tests/golden/sample-reports.jsonl");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).expect("golden file written");
        return;
    }
    let want = std::fs::read_to_string(&golden).expect("tests/golden/sample-reports.jsonl exists");
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert!(g == w, "line {} differs from the golden file\n got: {g}\nwant: {w}", i + 1);
    }
    assert_eq!(got.lines().count(), want.lines().count(), "number of documents differs");
}
