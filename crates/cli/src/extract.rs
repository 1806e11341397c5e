//! `chronicle extract`: documents in, one extraction line per document out.
//!
//! Input is streamed in batches: a batch of documents is read, extracted in parallel on the
//! thread pool, and written in input order before the next batch is read, so output order is
//! input order, output is deterministic, and memory stays flat however large the input.

use crate::{build_extractor, pretty, progress_bar, thread_pool, DomainArgs};
use chronicle_core::Document;
use chronicle_extract::{output, Extractor};
use chronicle_ingest::Sources;
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;

/// Documents per batch, and the most text a batch holds, whichever comes first.
const BATCH_DOCS: usize = 1024;
const BATCH_BYTES: usize = 8 << 20;

#[derive(clap::Args)]
pub struct Args {
    /// docs.jsonl files, text or Markdown files, folders (recursively), or `-` for standard input.
    #[arg(value_name = "PATH", default_value = "-")]
    paths: Vec<PathBuf>,
    /// Worker threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// A readable per-document report instead of JSON Lines.
    #[arg(long)]
    pretty: bool,
    #[command(flatten)]
    domain: DomainArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") && io::stdin().is_terminal() {
        anyhow::bail!("no input: give a PATH, or pipe documents into standard input (see --help)");
    }
    let extractor = build_extractor(&args.domain)?;
    let pool = thread_pool(args.threads)?;
    let progress = progress_bar(&args.paths, "extract", 4 << 20);
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut rejected = 0usize;
    let mut sources = Sources::new(&args.paths);
    loop {
        let mut batch: Vec<Document> = Vec::new();
        let mut bytes = 0;
        for item in sources.by_ref() {
            match item {
                Ok((doc, _)) => {
                    bytes += doc.text.len();
                    batch.push(doc);
                    if batch.len() >= BATCH_DOCS || bytes >= BATCH_BYTES {
                        break;
                    }
                }
                Err(err) => {
                    rejected += 1;
                    progress.suspend(|| eprintln!("chronicle: {err}"));
                }
            }
        }
        if batch.is_empty() {
            break;
        }
        let rendered: Vec<Result<String, String>> =
            pool.install(|| batch.par_iter().map(|doc| render(&extractor, doc, args.pretty)).collect());
        for (doc, r) in batch.iter().zip(rendered) {
            match r {
                Ok(s) => {
                    if let Err(e) = out.write_all(s.as_bytes()) {
                        return write_failed(e);
                    }
                }
                Err(msg) => {
                    rejected += 1;
                    progress.suspend(|| eprintln!("chronicle: document {:?}: {msg}", doc.id));
                }
            }
            progress.inc(doc.text.len() as u64);
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(e);
    }
    progress.finish_and_clear();
    if rejected > 0 {
        eprintln!("chronicle: {rejected} input item(s) rejected");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Extracts one document and renders it; a panic in extraction becomes an error for this
/// document only (it should never happen: property tests guard it).
fn render(extractor: &Extractor, doc: &Document, pretty: bool) -> Result<String, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let ex = extractor.extract(doc);
        if pretty {
            pretty::report(doc, &ex)
        } else {
            let mut line = output::to_json_line(doc, &ex);
            line.push('\n');
            line
        }
    }))
    .map_err(|_| "internal error during extraction (please report this document)".to_string())
}

/// A closed pipe (`chronicle extract ... | head`) ends the run quietly.
fn write_failed(e: io::Error) -> anyhow::Result<ExitCode> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Ok(ExitCode::SUCCESS);
    }
    Err(anyhow::Error::new(e).context("cannot write to standard output"))
}
