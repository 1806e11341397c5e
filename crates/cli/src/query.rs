//! The ledger's questions on the command line: timeline, series, entity, search, show,
//! explain, export.
//!
//! Each command prints a table for people, or with `--json` one JSON document (`export`:
//! JSON Lines or CSV) for machines; the JSON shapes are the store's own types, the same the
//! HTTP API serves. Every fact shown carries its source: document, sentence, rule.

use crate::ledger::LedgerArgs;
use crate::plot;
use anyhow::Context;
use chronicle_store::{ExportRow, Page, SearchQuery, SeriesQuery, Store, TimelineQuery};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options every query shares.
#[derive(clap::Args, Clone)]
pub struct Common {
    #[command(flatten)]
    pub ledger: LedgerArgs,
    /// One JSON document on standard output instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    common: Common,
    /// Earliest date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Latest date, inclusive (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// Event type (strike, meeting, liberation ...).
    #[arg(long = "type")]
    kind: Option<String>,
    /// Place (case-insensitive substring).
    #[arg(long)]
    place: Option<String>,
    /// Most events listed.
    #[arg(long, default_value_t = 500)]
    limit: usize,
    /// Events skipped first (for paging).
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

#[derive(clap::Args)]
pub struct SeriesArgs {
    #[command(flatten)]
    common: Common,
    /// The metric (see `chronicle series` without one for the list).
    metric: Option<String>,
    /// Only points of this scope (e.g. a country).
    #[arg(long)]
    scope: Option<String>,
    /// The series as the public record stood on this date (documents published by then).
    #[arg(long, value_name = "DATE")]
    known_on: Option<String>,
    /// Also draw the series as an SVG chart into FILE.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct EntityArgs {
    #[command(flatten)]
    common: Common,
    /// Canonical name or any alias seen (case-insensitive); without it, the entities are listed.
    name: Option<String>,
    /// Most entities listed (without NAME).
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

#[derive(clap::Args)]
pub struct SearchArgs {
    #[command(flatten)]
    common: Common,
    /// Words to find (all must occur; `word*` matches a prefix).
    #[arg(required = true)]
    text: Vec<String>,
    /// Most sentences listed.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

#[derive(clap::Args)]
pub struct DocArgs {
    #[command(flatten)]
    common: Common,
    /// Document id, or a prefix of its content hash (6 hex digits or more).
    doc: String,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    ledger: LedgerArgs,
    /// csv or jsonl.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum Format {
    Csv,
    Jsonl,
}

fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn timeline(args: TimelineArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let q = TimelineQuery {
        from: args.from,
        to: args.to,
        kind: args.kind,
        place: args.place,
        page: Page { limit: args.limit, offset: args.offset },
    };
    let events = store.timeline(&q)?;
    if args.common.json {
        return print_json(&events);
    }
    print!("{}", render_timeline(&events));
    Ok(ExitCode::SUCCESS)
}

pub fn render_timeline(events: &[chronicle_store::TimelineEntry]) -> String {
    let mut t = Table::new(&["DATE", "EVENT", "PLACE", "DOCUMENT", "SENTENCE"]);
    for e in events {
        let date = match (&e.date, e.date_from_document) {
            (Some(d), false) => d.clone(),
            (Some(d), true) => format!("{d}*"),
            (None, _) => "undated".into(),
        };
        t.row(vec![date, e.kind.clone(), e.place.clone().unwrap_or_default(), e.doc.clone(), one_line(&e.sentence)]);
    }
    let mut s = t.render();
    if events.iter().any(|e| e.date_from_document) {
        s.push_str("* the document's date (the text gives none for the event)\n");
    }
    if events.is_empty() {
        s.push_str("(no events)\n");
    }
    s
}

pub fn series(args: SeriesArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let Some(metric) = args.metric else {
        let metrics = store.metrics()?;
        if args.common.json {
            return print_json(&metrics);
        }
        let mut t = Table::new(&["METRIC", "POINTS", "DOCUMENTS"]);
        for m in &metrics {
            t.row(vec![m.metric.clone(), m.points.to_string(), m.documents.to_string()]);
        }
        print!("{}", t.render());
        if metrics.is_empty() {
            println!("(no metrics yet: ingest some reports first)");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let q = SeriesQuery { metric, scope: args.scope, known_on: args.known_on, cumulative: None };
    let series = store.series(&q)?;
    if let Some(path) = &args.plot {
        std::fs::write(path, plot::svg(&series))
            .with_context(|| format!("{}: cannot write the chart", path.display()))?;
        if !args.common.json {
            eprintln!("chronicle: chart written to {}", path.display());
        }
    }
    if args.common.json {
        return print_json(&series);
    }
    print!("{}", render_series(&series));
    Ok(ExitCode::SUCCESS)
}

pub fn render_series(series: &chronicle_store::Series) -> String {
    let mut t = Table::new(&["", "DATE", "VALUE", "AS OF", "SCOPE", "DOCUMENT", "SENTENCE"]);
    let mut notes = Vec::new();
    for p in &series.points {
        let mark = if p.conflicts.is_empty() {
            String::new()
        } else {
            notes.push(format!("{} ({}): {}", p.doc, p.date.as_deref().unwrap_or("undated"), p.conflicts.join("; ")));
            format!("!{}", notes.len())
        };
        t.row(vec![
            mark,
            p.date.clone().unwrap_or_else(|| "undated".into()),
            plot::value_label(p.value, p.value_max, &p.qualifier),
            p.as_of.clone().unwrap_or_default(),
            p.scope.clone().unwrap_or_default(),
            p.doc.clone(),
            one_line(&p.sentence),
        ]);
    }
    let mut s = format!(
        "{}{}{}{}\n",
        series.metric,
        if series.cumulative { " (cumulative)" } else { "" },
        series.scope.as_deref().map(|x| format!(", scope {x}")).unwrap_or_default(),
        series.known_on.as_deref().map(|d| format!(", as known on {d}")).unwrap_or_default()
    );
    if series.points.is_empty() {
        s.push_str("(no points)\n");
        return s;
    }
    s.push_str(&t.render());
    for (i, n) in notes.iter().enumerate() {
        s.push_str(&format!("!{} conflict: {n}\n", i + 1));
    }
    s
}

pub fn entity(args: EntityArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let Some(name) = args.name else {
        let list = store.entities(Page { limit: args.limit, offset: 0 })?;
        if args.common.json {
            return print_json(&list);
        }
        let mut t = Table::new(&["ENTITY", "TYPE", "MENTIONS", "DOCUMENTS"]);
        for e in &list {
            t.row(vec![e.canonical.clone(), e.kind.clone(), e.mentions.to_string(), e.documents.to_string()]);
        }
        print!("{}", t.render());
        return Ok(ExitCode::SUCCESS);
    };
    let Some(e) = store.entity(&name)? else {
        eprintln!("chronicle: no entity named {name:?} in the ledger (`chronicle entity` lists them)");
        return Ok(ExitCode::from(1));
    };
    if args.common.json {
        return print_json(&e);
    }
    println!("{} ({}): {} mentions in {} documents", e.canonical, e.kind, e.mentions, e.documents);
    let aliases: Vec<String> = e.aliases.iter().map(|(a, n)| format!("{a} ({n})")).collect();
    println!("seen as: {}", aliases.join(", "));
    println!("\nmentions over time:");
    let max = e.over_time.iter().map(|p| p.mentions).max().unwrap_or(1).max(1);
    for p in &e.over_time {
        let bar = "#".repeat(((p.mentions * 40).div_ceil(max)) as usize);
        println!("  {:<8} {:>6} {bar}", p.period, p.mentions);
    }
    println!("\nmost recent mentions:");
    let mut t = Table::new(&["DATE", "AS", "DOCUMENT", "SENTENCE"]);
    for m in &e.recent {
        t.row(vec![
            m.published.clone().unwrap_or_else(|| "undated".into()),
            m.text.clone(),
            m.doc.clone(),
            one_line(&m.sentence),
        ]);
    }
    print!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}

pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let q = SearchQuery { text: args.text.join(" "), page: Page { limit: args.limit, offset: args.offset } };
    let hits = store.search(&q)?;
    if args.common.json {
        return print_json(&hits);
    }
    let color = io::stdout().is_terminal();
    for h in &hits {
        println!(
            "{} {} #{}: {}",
            h.doc,
            h.published.as_deref().unwrap_or("undated"),
            h.index,
            highlight(&one_line(&h.sentence), &h.highlights, color)
        );
    }
    if hits.is_empty() {
        println!("(no matching sentence)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Marks the character ranges of a sentence: bold on a terminal, «guillemets» otherwise.
pub fn highlight(sentence: &str, ranges: &[(usize, usize)], color: bool) -> String {
    let (open, close) = if color { ("\x1b[1;4m", "\x1b[0m") } else { ("\u{ab}", "\u{bb}") };
    let mut out = String::with_capacity(sentence.len() + ranges.len() * 8);
    for (i, c) in sentence.chars().enumerate() {
        if ranges.iter().any(|r| r.0 == i) {
            out.push_str(open);
        }
        out.push(c);
        if ranges.iter().any(|r| r.1 == i + 1) {
            out.push_str(close);
        }
    }
    out
}

fn load_doc(store: &dyn Store, key: &str) -> anyhow::Result<Option<chronicle_store::StoredDocument>> {
    let doc = store.document(key)?;
    if doc.is_none() {
        eprintln!("chronicle: no document {key:?} in the ledger (ids, or 6+ hex digits of a content hash)");
    }
    Ok(doc)
}

pub fn show(args: DocArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let Some(doc) = load_doc(&*store, &args.doc)? else { return Ok(ExitCode::from(1)) };
    if args.common.json {
        return print_json(&doc);
    }
    let d = &doc.summary;
    println!("== {}", d.id);
    if let Some(t) = &d.title {
        println!("title:      {t}");
    }
    println!("published:  {} (from {})", d.published.as_deref().unwrap_or("unknown"), d.published_source);
    if let Some(u) = &d.url {
        println!("url:        {u}");
    }
    if let Some(s) = &d.source {
        println!("read from:  {s}");
    }
    println!("hash:       {}", d.hash);
    if let Some(first) = &d.duplicate_of {
        println!("duplicate:  near-duplicate of {first} (its facts are left out of series and timeline)");
    }
    println!("ingested:   {}   {} bytes, {} facts\n", d.ingested_at, d.bytes, d.facts);
    println!("{}\n", doc.text.trim_end());
    let mut t = Table::new(&["KIND", "TEXT", "WHAT", "CHARS", "SENTENCE"]);
    for f in &doc.facts {
        t.row(vec![
            f.kind.as_str().into(),
            one_line(&f.text),
            describe(f),
            format!("{}-{}", f.start, f.end),
            f.sentence.to_string(),
        ]);
    }
    print!("{}", t.render());
    Ok(ExitCode::SUCCESS)
}

/// A fact's meaning in a few words.
fn describe(f: &chronicle_store::Fact) -> String {
    use chronicle_store::FactKind::*;
    let opt = |o: &Option<String>, prefix: &str| o.as_deref().map(|v| format!(" {prefix}{v}")).unwrap_or_default();
    match f.kind {
        Timex => format!("{} {}", f.label.as_deref().unwrap_or(""), f.value.as_deref().unwrap_or("")),
        Quantity => format!(
            "{}{}",
            f.number
                .map(|n| plot::value_label(n, f.number_max, f.qualifier.as_deref().unwrap_or("exact")))
                .unwrap_or_default(),
            opt(&f.label, "")
        ),
        Mention => format!("{} ({})", f.label.as_deref().unwrap_or(""), f.value.as_deref().unwrap_or("")),
        Metric => format!(
            "{} = {}{}{}",
            f.label.as_deref().unwrap_or(""),
            f.number
                .map(|n| plot::value_label(n, f.number_max, f.qualifier.as_deref().unwrap_or("exact")))
                .unwrap_or_default(),
            opt(&f.date, "as of "),
            opt(&f.scope, "in ")
        ),
        Event => format!("{}{}{}", f.label.as_deref().unwrap_or(""), opt(&f.date, "on "), opt(&f.place, "at ")),
        Claim => format!("{}{}", f.label.as_deref().unwrap_or(""), opt(&f.speaker, "by ")),
    }
}

pub fn explain(args: DocArgs) -> anyhow::Result<ExitCode> {
    let store = args.common.ledger.open()?;
    let Some(doc) = load_doc(&*store, &args.doc)? else { return Ok(ExitCode::from(1)) };
    if args.common.json {
        let facts: Vec<serde_json::Value> = doc
            .facts
            .iter()
            .map(|f| {
                serde_json::json!({
                    "kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "sentence": f.sentence,
                    "rule": f.rule, "fact": f.attrs,
                })
            })
            .collect();
        return print_json(&serde_json::json!({"id": doc.summary.id, "facts": facts}));
    }
    println!("== {}: {} facts, each with the rule that produced it", doc.summary.id, doc.facts.len());
    for s in &doc.sentences {
        let facts: Vec<_> = doc.facts.iter().filter(|f| f.sentence == s.index).collect();
        if facts.is_empty() {
            continue;
        }
        println!("\n[{}] {}", s.index, one_line(&s.text));
        for f in facts {
            println!("    {:<9} {:<30} {:<40} rule {}", f.kind.as_str(), quote(&f.text), describe(f), f.rule);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let store = args.ledger.open()?;
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = io::BufWriter::with_capacity(1 << 16, sink);
    let mut rows = 0usize;
    match args.format {
        Format::Jsonl => {
            store.export(&mut |row: ExportRow| {
                rows += 1;
                let mut line =
                    serde_json::to_vec(&row).map_err(|e| chronicle_store::StoreError::Query(e.to_string()))?;
                line.push(b'\n');
                sink.write_all(&line).map_err(|e| chronicle_store::StoreError::Query(format!("cannot write: {e}")))
            })?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut sink);
            w.write_record([
                "doc",
                "published",
                "duplicate_of",
                "kind",
                "start",
                "end",
                "sentence",
                "text",
                "rule",
                "label",
                "value",
                "number",
                "number_max",
                "qualifier",
                "date",
                "scope",
                "place",
                "speaker",
                "sentence_text",
            ])?;
            let num = |n: Option<f64>| n.map(|v| v.to_string()).unwrap_or_default();
            store.export(&mut |r: ExportRow| {
                rows += 1;
                let f = &r.fact;
                w.write_record([
                    r.doc.as_str(),
                    r.published.as_deref().unwrap_or(""),
                    r.duplicate_of.as_deref().unwrap_or(""),
                    f.kind.as_str(),
                    &f.start.to_string(),
                    &f.end.to_string(),
                    &f.sentence.to_string(),
                    &f.text,
                    &f.rule,
                    f.label.as_deref().unwrap_or(""),
                    f.value.as_deref().unwrap_or(""),
                    &num(f.number),
                    &num(f.number_max),
                    f.qualifier.as_deref().unwrap_or(""),
                    f.date.as_deref().unwrap_or(""),
                    f.scope.as_deref().unwrap_or(""),
                    f.place.as_deref().unwrap_or(""),
                    f.speaker.as_deref().unwrap_or(""),
                    &r.sentence_text,
                ])
                .map_err(|e| chronicle_store::StoreError::Query(format!("cannot write: {e}")))
            })?;
            w.flush()?;
        }
    }
    sink.flush()?;
    if let Some(p) = &args.output {
        eprintln!("chronicle: {rows} facts written to {}", p.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", one_line(s))
}

/// A text on one line, shortened to 100 characters.
pub fn one_line(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 100 {
        let cut: String = flat.chars().take(99).collect();
        format!("{cut}\u{2026}")
    } else {
        flat
    }
}

/// A plain-text table: columns as wide as their widest cell, the last one left ragged.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut s = String::new();
        for r in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate().take(n) {
                if i + 1 == n {
                    line.push_str(c);
                } else {
                    line.push_str(c);
                    line.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count() + 2));
                }
            }
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_mark_character_ranges() {
        let cases = [
            ("Da\u{2019}esh strikes", vec![(7, 14)], "Da\u{2019}esh \u{ab}strikes\u{bb}"),
            ("a b", vec![(0, 1), (2, 3)], "\u{ab}a\u{bb} \u{ab}b\u{bb}"),
            ("none", vec![], "none"),
        ];
        for (sentence, ranges, expected) in cases {
            assert_eq!(highlight(sentence, &ranges, false), expected);
        }
    }

    #[test]
    fn tables_align_columns() {
        let mut t = Table::new(&["A", "BB"]);
        t.row(vec!["long cell".into(), "x".into()]);
        assert_eq!(t.render(), "A          BB\nlong cell  x\n");
    }

    #[test]
    fn one_line_flattens_and_shortens() {
        assert_eq!(one_line("a\n  b"), "a b");
        assert_eq!(one_line(&"x".repeat(150)).chars().count(), 100);
    }
}
