//! Runs the time tagger alone over a docs.jsonl file and prints one JSON line per document in
//! the corpus format (`id`, `published`, `timexes` with character offsets), so the tagger can
//! be scored and timed without the rest of the pipeline:
//! `cargo run --release -p chronicle-time --example tag_jsonl -- DOCS.jsonl > PRED.jsonl`.

use chronicle_core::{Document, Text};
use chronicle_time::Tagger;
use std::io::{BufRead, Write};

fn main() {
    let path = std::env::args().nth(1).expect("usage: tag_jsonl DOCS.jsonl");
    let file = std::fs::File::open(&path).expect("readable docs file");
    let tagger = Tagger::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut bytes, started) = (0usize, std::time::Instant::now());
    let mut in_tagger = std::time::Duration::ZERO;
    for line in std::io::BufReader::new(file).lines() {
        let line = line.expect("utf-8 line");
        if line.trim().is_empty() {
            continue;
        }
        let doc: Document = serde_json::from_str(&line).expect("a document line");
        bytes += doc.text.len();
        let text = Text::new(&doc.text);
        let t0 = std::time::Instant::now();
        let a = tagger.analyse(&doc, &text);
        in_tagger += t0.elapsed();
        let chars = |b: usize| doc.text[..b].chars().count();
        let timexes: Vec<serde_json::Value> = a
            .timexes
            .iter()
            .map(|t| {
                let mut v = serde_json::to_value(t).expect("timex serializes");
                v["text"] = t.span.of(&doc.text).into();
                v["start"] = chars(t.span.start).into();
                v["end"] = chars(t.span.end).into();
                v
            })
            .collect();
        let rec = serde_json::json!({
            "id": doc.id,
            "published": a.dct.date.map(|d| d.to_string()),
            "published_source": a.dct.source,
            "timexes": timexes,
        });
        writeln!(out, "{rec}").expect("stdout");
    }
    let secs = started.elapsed().as_secs_f64();
    let tagger_secs = in_tagger.as_secs_f64();
    eprintln!(
        "{} bytes in {:.3}s: {:.1} MB/s in all, {:.1} MB/s in Tagger::analyse",
        bytes,
        secs,
        bytes as f64 / secs / 1e6,
        bytes as f64 / tagger_secs / 1e6
    );
}
