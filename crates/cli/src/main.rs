//! The `chronicle` command: a thin layer of argument parsing over the library crates.
//!
//! Each subcommand lives in a module of its own; this file only parses arguments, sets up
//! the thread pool and turns outcomes into exit statuses: 0 when everything went in, 1 when
//! some input was rejected (each rejection was reported on standard error), 2 for a usage
//! or configuration error.

mod bench;
mod bench_ledger;
mod demo;
mod extract;
mod ingest;
mod ledger;
mod plot;
mod pretty;
mod query;
mod serve;

use clap::{Parser, Subcommand};

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "chronicle", version, about = "A sourced, dated, queryable ledger of a campaign's public record.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every command that extracts.
#[derive(clap::Args, Clone)]
pub struct DomainArgs {
    /// A domain pack (TOML) that extends the built-in coalition pack; repeatable.
    #[arg(long = "domain", value_name = "FILE")]
    pub domain: Vec<PathBuf>,
    /// Use only the packs given with --domain, not the built-in one.
    #[arg(long)]
    pub no_builtin_domain: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Extract timexes, quantities, entities, metrics, events and claims; one JSON line per
    /// document on standard output (format: corpus/FORMAT.md, documented in `chronicle-extract`'s
    /// `output` module).
    Extract(extract::Args),
    /// Measure extraction throughput (MB/s, documents/s) on one thread and on all cores.
    Bench(bench::Args),
    /// Extract documents and store them, with every fact, in the ledger (one transaction per
    /// document; one line per document on standard output as it is committed).
    Ingest(ingest::Args),
    /// Ingest the bundled sample reports and print the campaign's timeline and main series.
    Demo(demo::Args),
    /// Dated events, in date order, each with its source sentence.
    Timeline(query::TimelineArgs),
    /// A metric's points over time with their sources, conflicts flagged (no METRIC: list metrics).
    Series(query::SeriesArgs),
    /// An entity: canonical name, aliases seen, type, mentions over time (no NAME: list entities).
    Entity(query::EntityArgs),
    /// Full-text search: matching sentences with highlights and their documents.
    Search(query::SearchArgs),
    /// A document with its facts.
    Show(query::DocArgs),
    /// Which rule produced each fact of a document.
    Explain(query::DocArgs),
    /// Every fact with its document and sentence, as CSV or JSON Lines.
    Export(query::ExportArgs),
    /// Measure the ledger: ingest throughput (SQLite, PostgreSQL) against extraction alone,
    /// and query latency on a 10,000-document ledger.
    BenchLedger(bench_ledger::Args),
    /// Serve the ledger over HTTP: a JSON API (/api/openapi.json) and a web page with the
    /// timeline, metric charts and their sources (loopback by default).
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Extraction panics are caught per document and reported with the document's id; the
    // hook keeps the report to one line instead of a backtrace.
    std::panic::set_hook(Box::new(|info| eprintln!("chronicle: internal error: {info}")));
    let outcome = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Timeline(args) => query::timeline(args),
        Command::Series(args) => query::series(args),
        Command::Entity(args) => query::entity(args),
        Command::Search(args) => query::search(args),
        Command::Show(args) => query::show(args),
        Command::Explain(args) => query::explain(args),
        Command::Export(args) => query::export(args),
        Command::BenchLedger(args) => bench_ledger::run(args),
        Command::Serve(args) => serve::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("chronicle: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Builds the extractor from the built-in pack and any user packs.
pub fn build_extractor(args: &DomainArgs) -> anyhow::Result<chronicle_extract::Extractor> {
    use anyhow::Context;
    use chronicle_extract::{Extractor, Pack};
    let mut pack = if args.no_builtin_domain { Pack::default() } else { Pack::coalition() };
    for path in &args.domain {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("{}: cannot read domain pack", path.display()))?;
        pack.extend(Pack::parse(&path.display().to_string(), &text)?);
    }
    Ok(Extractor::new(&pack)?)
}

/// A rayon pool of `threads` threads (0 = all cores).
pub fn thread_pool(threads: usize) -> anyhow::Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new().num_threads(threads).build()?)
}

/// A progress bar on standard error, by bytes of input, shown only when standard error is a
/// terminal and the input is at least `min_bytes` (small runs finish before it would help).
pub fn progress_bar(paths: &[std::path::PathBuf], label: &str, min_bytes: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let total = chronicle_ingest::Sources::total_bytes(paths);
    if total < min_bytes {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let template = format!("{label} {{bar:40}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} eta {{eta}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
