//! The ledger: every ingested report and every fact extracted from it, kept so that the
//! public record can be queried as it accumulates.
//!
//! One interface ([`Store`]) with two backends that pass the same test suite: an embedded
//! SQLite file (the default; WAL, FTS5 full-text index) and PostgreSQL (when the ledger is a
//! `postgres://` URL; tsvector full-text index). [`open`] picks the backend from the ledger
//! string. The trait is synchronous and `Send + Sync` (each backend keeps a small pool of
//! connections), so one store can be shared by threads; an async server calls it from
//! `spawn_blocking`.
//!
//! Writing is split in two: [`Record::prepare`] turns a document and its extraction into
//! rows (pure CPU work, run in parallel by the caller), and [`Store::put`] writes one record
//! in its own transaction. A document is stored once by content hash (putting it again is a
//! no-op); a near-duplicate (the same report under another header, found by the overlap of
//! its word shingles, via a MinHash index) is stored and linked to the first copy, and its facts are left out of every
//! series, timeline and count.

pub mod analysis;
mod pool;
pub mod postgres;
pub mod record;
pub mod schema;
pub mod sqlite;

pub use record::{Fact, FactKind, Record, SentenceRow};

use serde::{Deserialize, Serialize};

/// Where the ledger lives when nothing says otherwise.
pub const DEFAULT_LEDGER: &str = "chronicle.db";

/// A ledger operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{ledger}: cannot open the ledger: {message}")]
    Open { ledger: String, message: String },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error(
        "{ledger}: the ledger has schema version {found}, newer than this chronicle knows ({known}); upgrade chronicle"
    )]
    TooNew { ledger: String, found: i64, known: i64 },
    #[error("invalid query: {0}")]
    Query(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What [`Store::put`] did with a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Ingested {
    /// Stored as `id` (the document's own id, or the id with `@` and a hash prefix when another
    /// document already holds that id). `duplicate_of` names the first copy of a near-duplicate.
    Stored { id: String, facts: usize, duplicate_of: Option<String> },
    /// The same text is already in the ledger as `id`: nothing was written.
    AlreadyPresent { id: String },
}

/// Counts of what the ledger holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub documents: u64,
    pub duplicates: u64,
    pub sentences: u64,
    pub facts: u64,
    pub schema_version: i64,
}

/// A window over a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Default for Page {
    fn default() -> Page {
        Page { limit: 100, offset: 0 }
    }
}

impl Page {
    /// Every row (for exports and the CLI's full listings).
    pub const ALL: Page = Page { limit: i64::MAX as usize, offset: 0 };

    pub(crate) fn sql_limit(&self) -> i64 {
        self.limit.min(i64::MAX as usize) as i64
    }
    pub(crate) fn sql_offset(&self) -> i64 {
        self.offset.min(i64::MAX as usize) as i64
    }
}

/// One document as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocSummary {
    pub id: String,
    pub hash: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The creation date chronicle settled on (`YYYY-MM-DD`), when there is one.
    pub published: Option<String>,
    /// Where that date came from (`metadata`, `url`, `dateline`, `inferred`, `none`).
    pub published_source: String,
    /// Where the document was read from (file, line), when known.
    pub source: Option<String>,
    pub bytes: u64,
    pub facts: u64,
    pub duplicate_of: Option<String>,
    pub ingested_at: String,
}

/// One document with its sentences and facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredDocument {
    #[serde(flatten)]
    pub summary: DocSummary,
    pub text: String,
    pub sentences: Vec<SentenceRow>,
    pub facts: Vec<Fact>,
}

/// Which timeline events to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineQuery {
    /// Earliest date (inclusive, a prefix of `YYYY-MM-DD` such as `2015` or `2015-03`).
    pub from: Option<String>,
    /// Latest date (inclusive, a prefix as for `from`).
    pub to: Option<String>,
    /// Event type (`strike`, `meeting` ...).
    pub kind: Option<String>,
    /// Place (case-insensitive substring).
    pub place: Option<String>,
    pub page: Page,
}

/// One dated event with its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The event's date, else its document's date.
    pub date: Option<String>,
    /// Whether `date` is the document's date rather than one the text gives for the event.
    pub date_from_document: bool,
    pub kind: String,
    pub place: Option<String>,
    pub text: String,
    pub doc: String,
    pub sentence: String,
    pub start: usize,
    pub end: usize,
    pub rule: String,
}

/// Which series to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesQuery {
    pub metric: String,
    /// Only points with this scope (case-insensitive); `None` = every scope.
    pub scope: Option<String>,
    /// The series as the record stood on this date: only documents published by then.
    pub known_on: Option<String>,
    /// Whether the metric only grows; `None` = as the built-in pack says.
    pub cumulative: Option<bool>,
}

/// One point of a series with its source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The date the value holds for: its `as_of`, else the document's date.
    pub date: Option<String>,
    pub as_of: Option<String>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub qualifier: String,
    pub scope: Option<String>,
    pub text: String,
    pub doc: String,
    pub published: Option<String>,
    pub sentence: String,
    pub start: usize,
    pub end: usize,
    pub rule: String,
    /// Why this point conflicts with others (empty when it does not).
    pub conflicts: Vec<String>,
}

/// A metric's points in date order, with conflicts flagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub metric: String,
    pub scope: Option<String>,
    pub known_on: Option<String>,
    pub cumulative: bool,
    pub points: Vec<SeriesPoint>,
}

/// A metric and how many points the ledger holds for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricSummary {
    pub metric: String,
    pub points: u64,
    pub documents: u64,
}

/// An entity as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySummary {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub mentions: u64,
    pub documents: u64,
}

/// Mentions of an entity in one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodCount {
    /// `YYYY-MM`, or `undated`.
    pub period: String,
    pub mentions: u64,
}

/// One mention of an entity with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionRow {
    pub text: String,
    pub doc: String,
    pub published: Option<String>,
    pub sentence: String,
    pub start: usize,
    pub end: usize,
}

/// An entity: its canonical name, the names it was seen under, and its mentions over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityReport {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Surface forms seen in the text, with counts, most frequent first.
    pub aliases: Vec<(String, u64)>,
    pub mentions: u64,
    pub documents: u64,
    pub over_time: Vec<PeriodCount>,
    /// The most recent mentions (by document date), at most 20.
    pub recent: Vec<MentionRow>,
}

/// A full-text query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Words to find (all must occur; a word ending in `*` matches as a prefix).
    pub text: String,
    pub page: Page,
}

/// A matching sentence with its document; `highlights` are character ranges of `sentence`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub doc: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub index: usize,
    pub sentence: String,
    pub highlights: Vec<(usize, usize)>,
    pub start: usize,
    pub end: usize,
}

/// One fact as exported (`chronicle export`): the fact and its document and sentence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    pub doc: String,
    pub published: Option<String>,
    pub duplicate_of: Option<String>,
    #[serde(flatten)]
    pub fact: Fact,
    pub sentence_text: String,
}

/// The ledger interface both backends implement.
///
/// Every method takes `&self`: backends hold a pool of connections, so one store serves
/// many threads. Each [`put`](Store::put) is one transaction: after it returns `Ok`, the
/// document and all its facts are durable; if the process dies first, none of it is there.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Writes one document and its facts in one transaction.
    fn put(&self, record: &Record) -> Result<Ingested>;
    /// What the ledger holds.
    fn stats(&self) -> Result<Stats>;
    /// Documents in ingestion order.
    fn documents(&self, page: Page) -> Result<Vec<DocSummary>>;
    /// One document with its sentences and facts, by id (or by a unique prefix of its hash).
    fn document(&self, id: &str) -> Result<Option<StoredDocument>>;
    /// Events in date order (undated last), near-duplicates left out.
    fn timeline(&self, query: &TimelineQuery) -> Result<Vec<TimelineEntry>>;
    /// Every metric with points, most points first.
    fn metrics(&self) -> Result<Vec<MetricSummary>>;
    /// The raw points of a series in date order, without conflict analysis (see [`Store::series`]).
    fn series_points(&self, query: &SeriesQuery) -> Result<Vec<SeriesPoint>>;
    /// Entities, most mentioned first.
    fn entities(&self, page: Page) -> Result<Vec<EntitySummary>>;
    /// One entity by canonical name or any alias seen (case-insensitive).
    fn entity(&self, name: &str) -> Result<Option<EntityReport>>;
    /// Sentences matching a full-text query, best first.
    fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>>;
    /// Every fact with its document and sentence, in document then text order.
    fn export(&self, each: &mut dyn FnMut(ExportRow) -> Result<()>) -> Result<()>;

    /// A metric's series with conflicts flagged: points that give different values for the
    /// same scope and date, and, for a cumulative metric, points that fall below an earlier one.
    fn series(&self, query: &SeriesQuery) -> Result<Series> {
        let points = self.series_points(query)?;
        let cumulative = query.cumulative.unwrap_or_else(|| analysis::is_cumulative(&query.metric));
        Ok(Series {
            metric: query.metric.clone(),
            scope: query.scope.clone(),
            known_on: query.known_on.clone(),
            cumulative,
            points: analysis::flag_conflicts(points, cumulative),
        })
    }
}

/// Whether a ledger string names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(ledger: &str) -> bool {
    ledger.starts_with("postgres://") || ledger.starts_with("postgresql://")
}

/// Opens (creating and migrating as needed) the ledger: a PostgreSQL database for a
/// `postgres://` URL, else a SQLite file at that path.
pub fn open(ledger: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(ledger) {
        Ok(Box::new(postgres::PgStore::open(ledger)?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(ledger))?))
    }
}
