//! `chronicle bench-ledger`: what the ledger costs, a benchmark rather than a timed test.
//!
//! Builds `--docs` distinct documents (10,000 by default) from the TempEval-3 training texts
//! and the sample reports: document k splices the first half of one source text onto the
//! second half of another (a different pair for every k) and carries its own id, so no two
//! are duplicates or near-duplicates and the ledger does its full work for each. Then it
//! measures, on the same thread pool:
//!
//! - extraction alone (documents/s and MB/s),
//! - ingest into a fresh SQLite ledger, and into a fresh PostgreSQL database when
//!   `--postgres URL` (or `CHRONICLE_BENCH_POSTGRES`) names a server: extraction, preparation
//!   and one transaction per document, as `chronicle ingest` does,
//! - the latency (median and 99th percentile) of `series`, `timeline` and `search` queries on
//!   each resulting ledger, over `--queries` varied queries of each kind.

use crate::ingest::prepare_all;
use crate::{build_extractor, thread_pool, DomainArgs};
use anyhow::Context;
use chronicle_core::Document;
use chronicle_ingest::Sources;
use chronicle_store::{Page, SearchQuery, SeriesQuery, Store, TimelineQuery};
use rayon::prelude::*;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Document sources to build the corpus from (default: ../shared/data/tempeval3-train/docs.jsonl
    /// where it exists, and examples/reports).
    #[arg(long = "corpus", value_name = "PATH")]
    corpus: Vec<PathBuf>,
    /// Documents to ingest.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// A PostgreSQL server (postgres://user@host:port/db) on which a scratch database is created,
    /// benchmarked and dropped.
    #[arg(long, value_name = "URL", env = "CHRONICLE_BENCH_POSTGRES", hide_env_values = true)]
    postgres: Option<String>,
    /// Queries of each kind for the latency figures.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Worker threads for extraction (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Keep the SQLite ledger at this path instead of a temporary file.
    #[arg(long, value_name = "FILE")]
    keep: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    domain: DomainArgs,
}

#[derive(Serialize)]
struct Throughput {
    what: String,
    docs: usize,
    mb: f64,
    seconds: f64,
    docs_per_s: f64,
    mb_per_s: f64,
}

#[derive(Serialize)]
struct Latency {
    backend: String,
    query: String,
    n: usize,
    p50_ms: f64,
    p99_ms: f64,
}

#[derive(Serialize)]
struct Report {
    docs: usize,
    mb: f64,
    threads: usize,
    facts: usize,
    duplicates_detected: u64,
    throughput: Vec<Throughput>,
    latency: Vec<Latency>,
}

fn default_corpus() -> Vec<PathBuf> {
    let mut v = Vec::new();
    let te = PathBuf::from("../shared/data/tempeval3-train/docs.jsonl");
    if te.exists() {
        v.push(te);
    }
    let reports = PathBuf::from("examples/reports");
    if reports.is_dir() {
        v.push(reports);
    }
    v
}

/// Cuts a text near its middle, on a line or sentence boundary where there is one.
fn halves(text: &str) -> (&str, &str) {
    let mid = text.len() / 2;
    let cut = text[..mid].rfind(['\n', '.']).map(|i| i + 1).or_else(|| text[..mid].rfind(' ')).unwrap_or(0);
    text.split_at(cut)
}

/// `n` distinct documents spliced from pairs of the base documents.
fn synthesize(base: &[Document], n: usize) -> Vec<Document> {
    let b = base.len();
    (0..n)
        .map(|k| {
            let a = &base[k % b];
            let other = &base[(k % b + 1 + (k / b) % (b - 1).max(1)) % b];
            let (head, _) = halves(&a.text);
            let (_, tail) = halves(&other.text);
            Document {
                id: format!("bench-{k:05}"),
                url: None,
                published: a.published.clone(),
                title: a.title.clone(),
                text: format!("{}\n{}\n(Reference {k}.)", head.trim_end(), tail.trim_start()),
            }
        })
        .collect()
}

fn throughput(what: &str, docs: &[Document], elapsed: Duration) -> Throughput {
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let s = elapsed.as_secs_f64().max(1e-9);
    Throughput {
        what: what.into(),
        docs: docs.len(),
        mb: bytes as f64 / 1e6,
        seconds: s,
        docs_per_s: docs.len() as f64 / s,
        mb_per_s: bytes as f64 / 1e6 / s,
    }
}

/// Ingests every document as `chronicle ingest` does; returns the time spent in writes alone
/// (the transactions, without extraction and preparation).
fn ingest_all(
    store: &dyn Store,
    extractor: &chronicle_extract::Extractor,
    pool: &rayon::ThreadPool,
    docs: &[Document],
) -> anyhow::Result<Duration> {
    let mut writing = Duration::ZERO;
    for chunk in docs.chunks(64) {
        let batch: Vec<(Document, String)> = chunk.iter().map(|d| (d.clone(), "bench".to_string())).collect();
        for rec in prepare_all(extractor, pool, &batch) {
            let rec = rec.map_err(anyhow::Error::msg)?;
            let t = Instant::now();
            store.put(&rec)?;
            writing += t.elapsed();
        }
    }
    Ok(writing)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn time_queries(
    backend: &str,
    what: &str,
    n: usize,
    mut run: impl FnMut(usize) -> anyhow::Result<usize>,
) -> anyhow::Result<Latency> {
    let mut ms = Vec::with_capacity(n);
    let mut rows = 0;
    for i in 0..n {
        let t = Instant::now();
        rows += run(i)?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    if rows == 0 {
        anyhow::bail!("{backend} {what}: every query returned nothing; the benchmark would measure nothing");
    }
    ms.sort_by(f64::total_cmp);
    Ok(Latency {
        backend: backend.into(),
        query: what.into(),
        n,
        p50_ms: percentile(&ms, 0.5),
        p99_ms: percentile(&ms, 0.99),
    })
}

/// Words generic to news reports, for the search latency.
const SEARCH_WORDS: &[&str] = &[
    "said",
    "government",
    "president",
    "troops",
    "officials",
    "minister*",
    "forces attack",
    "report",
    "war",
    "billion",
];

fn latencies(store: &dyn Store, n: usize) -> anyhow::Result<Vec<Latency>> {
    let backend = store.backend();
    let metrics: Vec<String> = store.metrics()?.into_iter().take(5).map(|m| m.metric).collect();
    if metrics.is_empty() {
        anyhow::bail!("{backend}: the ledger has no metric points to query");
    }
    let years: Vec<String> = (1988..2020).map(|y| y.to_string()).collect();
    Ok(vec![
        time_queries(backend, "series", n, |i| {
            let q = SeriesQuery { metric: metrics[i % metrics.len()].clone(), ..Default::default() };
            Ok(store.series(&q)?.points.len())
        })?,
        time_queries(backend, "timeline", n, |i| {
            let from = &years[i % years.len()];
            let q = TimelineQuery {
                from: Some(from.clone()),
                to: Some(years[(i % years.len() + 3).min(years.len() - 1)].clone()),
                page: Page { limit: 100, offset: 0 },
                ..Default::default()
            };
            Ok(store.timeline(&q)?.len())
        })?,
        time_queries(backend, "search", n, |i| {
            let q =
                SearchQuery { text: SEARCH_WORDS[i % SEARCH_WORDS.len()].into(), page: Page { limit: 20, offset: 0 } };
            Ok(store.search(&q)?.len())
        })?,
    ])
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let corpus = if args.corpus.is_empty() { default_corpus() } else { args.corpus.clone() };
    if corpus.is_empty() {
        anyhow::bail!("no corpus: give --corpus PATH (run from the repository root for the defaults)");
    }
    let base: Vec<Document> =
        Sources::new(&corpus).filter_map(Result::ok).filter(|(d, _)| d.text.len() > 200).map(|(d, _)| d).collect();
    if base.len() < 2 {
        anyhow::bail!("the corpus needs at least two documents of some length");
    }
    let docs = synthesize(&base, args.docs);
    let extractor = build_extractor(&args.domain)?;
    let pool = thread_pool(args.threads)?;
    let mut report = Report {
        docs: docs.len(),
        mb: docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1e6,
        threads: pool.current_num_threads(),
        facts: 0,
        duplicates_detected: 0,
        throughput: Vec::new(),
        latency: Vec::new(),
    };
    eprintln!("bench-ledger: {} documents, {:.1} MB, {} threads", report.docs, report.mb, report.threads);

    let t = Instant::now();
    let facts: usize = pool.install(|| docs.par_iter().map(|d| extractor.extract(d).fact_count()).sum());
    report.throughput.push(throughput("extraction alone", &docs, t.elapsed()));
    report.facts = facts;

    let dir = tempfile::tempdir()?;
    let path = args.keep.clone().unwrap_or_else(|| dir.path().join("bench.db"));
    if path.exists() {
        anyhow::bail!("{}: exists; --keep wants a new file", path.display());
    }
    let sqlite = chronicle_store::open(path.to_str().context("ledger path is not UTF-8")?)?;
    eprintln!("bench-ledger: ingesting into SQLite at {}", path.display());
    let t = Instant::now();
    let writing = ingest_all(&*sqlite, &extractor, &pool, &docs)?;
    report.throughput.push(throughput("ingest into SQLite", &docs, t.elapsed()));
    report.throughput.push(throughput("  of which SQLite writes", &docs, writing));
    report.duplicates_detected = sqlite.stats()?.duplicates;
    eprintln!("bench-ledger: querying SQLite");
    report.latency.extend(latencies(&*sqlite, args.queries)?);
    drop(sqlite);

    if let Some(admin) = &args.postgres {
        let name = format!("chronicle_bench_{}", std::process::id());
        let url = chronicle_store::postgres::create_scratch_database(admin, &name)?;
        let outcome = (|| -> anyhow::Result<()> {
            let pg = chronicle_store::open(&url)?;
            eprintln!("bench-ledger: ingesting into PostgreSQL");
            let t = Instant::now();
            let writing = ingest_all(&*pg, &extractor, &pool, &docs)?;
            report.throughput.push(throughput("ingest into PostgreSQL", &docs, t.elapsed()));
            report.throughput.push(throughput("  of which PostgreSQL writes", &docs, writing));
            eprintln!("bench-ledger: querying PostgreSQL");
            report.latency.extend(latencies(&*pg, args.queries)?);
            Ok(())
        })();
        chronicle_store::postgres::drop_scratch_database(admin, &name)?;
        outcome?;
    }

    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} documents, {:.1} MB, {} facts, {} threads; near-duplicates detected: {}",
        report.docs, report.mb, report.facts, report.threads, report.duplicates_detected
    );
    println!("{:<26} {:>10} {:>10} {:>8}", "throughput", "docs/s", "MB/s", "seconds");
    for t in &report.throughput {
        println!("{:<26} {:>10.0} {:>10.2} {:>8.1}", t.what, t.docs_per_s, t.mb_per_s, t.seconds);
    }
    println!("\n{:<12} {:<10} {:>6} {:>10} {:>10}", "backend", "query", "n", "p50 ms", "p99 ms");
    for l in &report.latency {
        println!("{:<12} {:<10} {:>6} {:>10.2} {:>10.2}", l.backend, l.query, l.n, l.p50_ms, l.p99_ms);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_documents_are_distinct_and_not_near_duplicates() {
        let text = |i: usize| (0..40).map(|w| format!("word{}x{} ", i, w)).collect::<String>() + ".";
        let base: Vec<Document> =
            (0..5).map(|i| Document { id: format!("b{i}"), text: text(i), ..Document::default() }).collect();
        let docs = synthesize(&base, 18);
        let mut hashes: Vec<String> = docs.iter().map(|d| chronicle_store::record::content_hash(&d.text)).collect();
        hashes.sort();
        hashes.dedup();
        assert_eq!(hashes.len(), 18);
        let sh: Vec<Vec<u64>> = docs.iter().map(|d| chronicle_store::record::shingles(&d.text)).collect();
        for i in 0..sh.len() {
            for j in i + 1..sh.len() {
                assert!(!chronicle_store::record::near_duplicates(&sh[i], &sh[j]), "{i} {j}");
            }
        }
    }

    #[test]
    fn percentiles_pick_ranks() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 51.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
