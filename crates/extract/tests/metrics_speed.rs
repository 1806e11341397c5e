//! Throughput of the numbers and metrics stages alone, on the TempEval-3 documents (skipped
//! when ../shared is absent). Ignored by default; run with
//! `cargo test --release -p chronicle-extract --test metrics_speed -- --ignored --nocapture`.

use chronicle_core::{Document, Text};
use chronicle_extract::metrics::MetricRules;
use chronicle_extract::{Context, Pack};
use std::time::{Duration, Instant};

/// CPU time of this thread (the machine may be busy: wall time would measure the others).
fn cpu() -> Instant {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let base = *START.get_or_init(Instant::now);
    let ns = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()));
    match ns {
        Some(ns) => base + Duration::from_nanos(ns),
        None => Instant::now(),
    }
}

#[test]
#[ignore]
fn numbers_and_metrics_throughput() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/tempeval3-train/docs.jsonl");
    let Ok(lines) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is absent");
        return;
    };
    let docs: Vec<Document> = lines.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let pack = Pack::coalition();
    let time = chronicle_time::Tagger::new();
    let numbers = chronicle_numbers::Tagger::new();
    let gazetteer = pack.gazetteer();
    let rules = MetricRules::new(&pack).unwrap();
    let texts: Vec<Text> = docs.iter().map(|d| Text::new(&d.text)).collect();
    let times: Vec<_> = docs.iter().zip(&texts).map(|(d, t)| time.analyse(d, t)).collect();
    let mentions: Vec<_> = texts.iter().map(|t| gazetteer.tag(t)).collect();
    let bytes: usize = 5 * docs.iter().map(|d| d.text.len()).sum::<usize>();
    let t0 = cpu();
    let mut quantities = Vec::new();
    for _ in 0..5 {
        quantities = texts.iter().map(|t| numbers.tag(t)).collect::<Vec<_>>();
    }
    let t1 = cpu();
    let mut metrics = 0;
    for _ in 0..5 {
        for (k, text) in texts.iter().enumerate() {
            let ctx = Context {
                text,
                dct: times[k].dct,
                timexes: &times[k].timexes,
                quantities: &quantities[k],
                mentions: &mentions[k],
            };
            metrics += rules.apply(&ctx).len();
        }
    }
    let (t_numbers, t_metrics) = (t1 - t0, cpu() - t1);
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    eprintln!(
        "{:.1} MB: numbers {:.1} MB/s, metrics {:.1} MB/s of CPU time ({metrics} metrics)",
        bytes as f64 / 1e6,
        mbs(t_numbers),
        mbs(t_metrics)
    );
    assert!(metrics > 0);
}
