//! `chronicle bench`: extraction throughput, a benchmark rather than a timed test.
//!
//! Builds a corpus of at least `--min-mb` megabytes from the given document sources (by
//! default the bundled sample reports and, where `../shared` exists, the TempEval-3 training
//! texts), repeating documents to reach the size, then extracts it `--runs` times on one
//! thread and on all cores (documents and their JSON lines, no I/O). It prints the corpus size,
//! the number of facts extracted (so a change that silently extracts nothing shows) and the
//! median MB/s and documents/s of each configuration.

use crate::{build_extractor, thread_pool, DomainArgs};
use chronicle_core::Document;
use chronicle_extract::output;
use chronicle_ingest::Sources;
use rayon::prelude::*;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Document sources for the corpus (default: examples/reports and, where it exists,
    /// ../shared/data/tempeval3-train/docs.jsonl).
    #[arg(long = "corpus", value_name = "PATH")]
    corpus: Vec<PathBuf>,
    /// Smallest corpus size in megabytes (10^6 bytes of text); documents repeat to reach it.
    /// 0 takes the sources once, as they are.
    #[arg(long, default_value_t = 10.0)]
    min_mb: f64,
    /// Runs per configuration; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    domain: DomainArgs,
}

#[derive(Serialize)]
struct Row {
    threads: usize,
    mb_per_s: f64,
    docs_per_s: f64,
    seconds: f64,
}

#[derive(Serialize)]
struct Report {
    corpus: Vec<String>,
    documents: usize,
    megabytes: f64,
    facts: usize,
    runs: usize,
    /// Median MB/s on one thread: the figure the floors file checks.
    single_thread_mb_per_s: f64,
    results: Vec<Row>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sources = if args.corpus.is_empty() { default_corpus() } else { args.corpus.clone() };
    let mut base = Vec::new();
    for item in Sources::new(&sources) {
        match item {
            Ok((doc, _)) => base.push(doc),
            Err(e) => anyhow::bail!("bench corpus: {e}"),
        }
    }
    anyhow::ensure!(!base.is_empty(), "bench corpus is empty");
    let docs = grow(&base, (args.min_mb * 1e6) as usize);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let extractor = build_extractor(&args.domain)?;
    let all = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut threads = vec![1];
    if all > 1 {
        threads.push(all);
    }
    let mut results = Vec::new();
    let mut facts = 0;
    for &n in &threads {
        let pool = thread_pool(n)?;
        let mut times = Vec::new();
        for _ in 0..args.runs.max(1) {
            let start = Instant::now();
            let (f, _len) = pool.install(|| {
                docs.par_iter()
                    .map(|d| {
                        let ex = extractor.extract(d);
                        (ex.fact_count(), output::to_json_line(d, &ex).len())
                    })
                    .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
            });
            times.push(start.elapsed().as_secs_f64());
            facts = f;
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        results.push(Row {
            threads: n,
            mb_per_s: bytes as f64 / 1e6 / median,
            docs_per_s: docs.len() as f64 / median,
            seconds: median,
        });
    }
    let report = Report {
        corpus: sources.iter().map(|p| p.display().to_string()).collect(),
        documents: docs.len(),
        megabytes: bytes as f64 / 1e6,
        facts,
        runs: args.runs.max(1),
        single_thread_mb_per_s: results[0].mb_per_s,
        results,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("corpus: {} ({} documents, {:.2} MB)", report.corpus.join(" + "), report.documents, report.megabytes);
        println!("facts extracted per run: {}", report.facts);
        println!("{:>8} {:>10} {:>12} {:>10}", "threads", "MB/s", "docs/s", "seconds");
        for r in &report.results {
            println!("{:>8} {:>10.2} {:>12.0} {:>10.3}", r.threads, r.mb_per_s, r.docs_per_s, r.seconds);
        }
        println!("(median of {} runs)", report.runs);
    }
    Ok(ExitCode::SUCCESS)
}

fn default_corpus() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from("examples/reports")];
    let tempeval = PathBuf::from("../shared/data/tempeval3-train/docs.jsonl");
    if tempeval.exists() {
        v.push(tempeval);
    }
    v
}

/// Repeats `base` (ids made unique) until the text reaches `min_bytes`.
fn grow(base: &[Document], min_bytes: usize) -> Vec<Document> {
    let mut docs: Vec<Document> = base.to_vec();
    let mut bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut round = 1;
    while bytes < min_bytes {
        for d in base {
            let mut c = d.clone();
            c.id = format!("{}#{round}", d.id);
            bytes += c.text.len();
            docs.push(c);
            if bytes >= min_bytes {
                break;
            }
        }
        round += 1;
    }
    docs
}
