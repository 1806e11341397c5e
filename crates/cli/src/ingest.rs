//! `chronicle ingest`: documents in, the ledger grows.
//!
//! Documents are read lazily in small batches; each batch is extracted in parallel on the
//! thread pool and then written one document per transaction, in input order. As soon as a
//! document is committed a line says so on standard output (`stored`, `duplicate` or
//! `present`, tab-separated, flushed at once), so whatever has been reported is in the
//! ledger even if the process is killed the next moment. Bad input is reported on standard
//! error, naming the source, and the rest of the batch lands; the exit status is 1 when
//! anything was rejected.

use crate::ledger::LedgerArgs;
use crate::{build_extractor, thread_pool, DomainArgs};
use chronicle_core::Document;
use chronicle_extract::Extractor;
use chronicle_ingest::Sources;
use chronicle_store::{Ingested, Record, Store};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;

/// Documents per batch, and the most text a batch holds, whichever comes first.
const BATCH_DOCS: usize = 64;
const BATCH_BYTES: usize = 4 << 20;
/// Inputs larger than this get a progress bar (when standard error is a terminal).
const PROGRESS_BYTES: u64 = 1 << 20;

#[derive(clap::Args)]
pub struct Args {
    /// docs.jsonl files, text, Markdown or HTML files, folders (recursively), or `-` for
    /// standard input.
    #[arg(value_name = "PATH", default_value = "-")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    ledger: LedgerArgs,
    /// Worker threads for extraction (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// No line per document on standard output (the summary on standard error remains).
    #[arg(long, short)]
    quiet: bool,
    /// The largest document accepted, in bytes; larger ones are reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = chronicle_ingest::MAX_DOCUMENT_BYTES)]
    max_document_bytes: u64,
    #[command(flatten)]
    domain: DomainArgs,
}

/// What an ingest did.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Tally {
    pub stored: usize,
    pub duplicates: usize,
    pub present: usize,
    pub rejected: usize,
    pub facts: usize,
    pub bytes: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") && io::stdin().is_terminal() {
        anyhow::bail!("no input: give a PATH, or pipe documents into standard input (see --help)");
    }
    let extractor = build_extractor(&args.domain)?;
    let pool = thread_pool(args.threads)?;
    let store = args.ledger.open()?;
    let progress = crate::progress_bar(&args.paths, "ingest", PROGRESS_BYTES);
    let sources = Sources::new(&args.paths).with_max_document_bytes(args.max_document_bytes);
    let mut out = io::stdout().lock();
    let quiet = args.quiet;
    let tally = ingest(&*store, &extractor, &pool, sources, &progress, |doc, outcome| {
        if quiet {
            return;
        }
        let line = match outcome {
            Ingested::Stored { id, facts, duplicate_of: None } => format!("stored\t{id}\t{facts} facts"),
            Ingested::Stored { id, duplicate_of: Some(first), .. } => {
                format!("duplicate\t{id}\tnear-duplicate of {first}, left out of series")
            }
            Ingested::AlreadyPresent { id } => format!("present\t{}\talready in the ledger as {id}", doc.id),
        };
        // A closed pipe must not stop the ingest: the ledger is the output that matters.
        let _ = writeln!(out, "{line}").and_then(|_| out.flush());
    });
    progress.finish_and_clear();
    eprintln!(
        "chronicle: {} stored ({} near-duplicate{}), {} already present, {} rejected; {} facts into {}",
        tally.stored,
        tally.duplicates,
        if tally.duplicates == 1 { "" } else { "s" },
        tally.present,
        tally.rejected,
        tally.facts,
        args.ledger.display()
    );
    Ok(if tally.rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Reads, extracts and stores every document of `sources`, calling `each` after each commit.
/// Problems are reported on standard error (through the progress bar) and counted.
pub fn ingest(
    store: &dyn Store,
    extractor: &Extractor,
    pool: &rayon::ThreadPool,
    mut sources: Sources,
    progress: &indicatif::ProgressBar,
    mut each: impl FnMut(&Document, &Ingested),
) -> Tally {
    let mut tally = Tally::default();
    loop {
        let mut batch: Vec<(Document, String)> = Vec::new();
        let mut bytes = 0;
        for item in sources.by_ref() {
            match item {
                Ok((doc, origin)) => {
                    bytes += doc.text.len();
                    let source = match origin.line {
                        Some(l) => format!("{}:{l}", origin.path),
                        None => origin.path,
                    };
                    batch.push((doc, source));
                    if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                        break;
                    }
                }
                Err(err) => {
                    tally.rejected += 1;
                    progress.suspend(|| eprintln!("chronicle: {err}"));
                }
            }
        }
        if batch.is_empty() {
            return tally;
        }
        let records = prepare_all(extractor, pool, &batch);
        for ((doc, source), record) in batch.iter().zip(records) {
            progress.inc(doc.text.len() as u64);
            let record = match record {
                Ok(r) => r,
                Err(msg) => {
                    tally.rejected += 1;
                    progress.suspend(|| eprintln!("chronicle: {source} (id {:?}): {msg}", doc.id));
                    continue;
                }
            };
            match store.put(&record) {
                Ok(outcome) => {
                    match &outcome {
                        Ingested::Stored { facts, duplicate_of, .. } => {
                            tally.stored += 1;
                            tally.facts += facts;
                            tally.bytes += doc.text.len() as u64;
                            if duplicate_of.is_some() {
                                tally.duplicates += 1;
                            }
                        }
                        Ingested::AlreadyPresent { .. } => tally.present += 1,
                    }
                    progress.suspend(|| each(doc, &outcome));
                }
                Err(err) => {
                    tally.rejected += 1;
                    progress.suspend(|| eprintln!("chronicle: {source} (id {:?}): not stored: {err}", doc.id));
                }
            }
        }
    }
}

/// Extracts and prepares a batch in parallel; a panic in extraction fails that document only.
pub fn prepare_all(
    extractor: &Extractor,
    pool: &rayon::ThreadPool,
    batch: &[(Document, String)],
) -> Vec<Result<Record, String>> {
    pool.install(|| {
        batch
            .par_iter()
            .map(|(doc, source)| {
                catch_unwind(AssertUnwindSafe(|| Record::prepare(doc, &extractor.extract(doc), Some(source))))
                    .map_err(|_| "internal error during extraction (please report this document)".to_string())
            })
            .collect()
    })
}
