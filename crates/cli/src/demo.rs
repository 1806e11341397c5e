//! `chronicle demo`: the ledger in one command.
//!
//! Ingests the sample reports that ship with chronicle (`examples/reports/`) into the
//! embedded ledger, then prints the campaign's timeline and its main series (the metrics
//! with the most points), each fact with its source. Running it again is harmless: the
//! reports are already in the ledger, so nothing is written twice.

use crate::ingest::ingest;
use crate::ledger::LedgerArgs;
use crate::query::{render_series, render_timeline};
use crate::{build_extractor, thread_pool, DomainArgs};
use chronicle_ingest::Sources;
use chronicle_store::{Page, SeriesQuery, TimelineQuery};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    ledger: LedgerArgs,
    /// The reports to ingest [default: examples/reports of this checkout].
    #[arg(long, value_name = "DIR")]
    reports: Option<PathBuf>,
    /// How many series to print (the metrics with the most points).
    #[arg(long, default_value_t = 2)]
    series: usize,
    #[command(flatten)]
    domain: DomainArgs,
}

/// `examples/reports` in the working folder, else in the source tree chronicle was built from.
fn bundled_reports() -> PathBuf {
    let here = Path::new("examples/reports");
    if here.is_dir() {
        return here.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/reports")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let reports = args.reports.clone().unwrap_or_else(bundled_reports);
    if !reports.is_dir() {
        anyhow::bail!("{}: no such folder of sample reports (give one with --reports)", reports.display());
    }
    let extractor = build_extractor(&args.domain)?;
    let pool = thread_pool(0)?;
    let store = args.ledger.open()?;
    println!("== ingesting {} into {}", reports.display(), args.ledger.display());
    let tally = ingest(
        &*store,
        &extractor,
        &pool,
        Sources::new(&[&reports]),
        &indicatif::ProgressBar::hidden(),
        |_, outcome| match outcome {
            chronicle_store::Ingested::Stored { id, facts, duplicate_of } => match duplicate_of {
                Some(first) => println!("   {id}: near-duplicate of {first}"),
                None => println!("   {id}: {facts} facts"),
            },
            chronicle_store::Ingested::AlreadyPresent { id } => println!("   {id}: already in the ledger"),
        },
    );
    let stats = store.stats()?;
    println!(
        "   {} stored, {} already present, {} rejected; the ledger holds {} documents and {} facts\n",
        tally.stored, tally.present, tally.rejected, stats.documents, stats.facts
    );
    println!("== timeline");
    print!(
        "{}",
        render_timeline(&store.timeline(&TimelineQuery { page: Page { limit: 40, offset: 0 }, ..Default::default() })?)
    );
    for m in store.metrics()?.into_iter().take(args.series) {
        println!("\n== series");
        let series = store.series(&SeriesQuery { metric: m.metric, ..Default::default() })?;
        print!("{}", render_series(&series));
    }
    let ledger = if args.ledger.ledger == chronicle_store::DEFAULT_LEDGER {
        String::new()
    } else {
        format!(" --ledger {}", args.ledger.display())
    };
    println!("\nnext: chronicle timeline{ledger} | chronicle series{ledger} METRIC --plot chart.svg");
    println!("      chronicle entity{ledger} NAME | chronicle search{ledger} WORDS | chronicle explain{ledger} DOC");
    Ok(if tally.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
