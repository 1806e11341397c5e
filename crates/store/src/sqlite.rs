//! The embedded backend: one SQLite file (bundled SQLite, so no system library is needed).
//!
//! The file runs in WAL mode, so queries read a consistent snapshot while an ingest writes,
//! and a process killed mid-write leaves the last committed state. Every write is a
//! `BEGIN IMMEDIATE` transaction: a second writer (another `chronicle ingest` on the same
//! file) waits for the lock (busy timeout) instead of failing or corrupting anything.
//! Full-text search is an FTS5 external-content index over the sentences, written in the
//! same transaction as the sentences themselves.

use crate::analysis::{self, fact_day, parse_highlights, search_terms, strip_markers, upper_bound};
use crate::pool::Pool;
use crate::record::{near_duplicates, shingles};
use crate::schema::{self, Migration};
use crate::*;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Near-duplicate candidates checked per document (the first copies, in ingestion order).
pub(crate) const MAX_CANDIDATES: i64 = 64;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A ledger in a SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    pool: Pool<Connection>,
}

impl SqliteStore {
    /// Opens or creates the ledger at `path`, applying any missing migrations.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_with(path, schema::SQLITE)
    }

    /// Opens the ledger migrating it only up to the given list (tests build old ledgers with it).
    pub fn open_with(path: &Path, migrations: &[Migration]) -> Result<SqliteStore> {
        let name = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(StoreError::Open { ledger: name, message: "its folder does not exist".into() });
            }
        }
        let mut first = connect(path).map_err(|e| StoreError::Open { ledger: name.clone(), message: e.to_string() })?;
        migrate(&mut first, &name, migrations)?;
        let owned = path.to_path_buf();
        let pool = Pool::new(first, 8, Box::new(move || Ok(connect(&owned)?)));
        Ok(SqliteStore { path: path.to_path_buf(), pool })
    }

    /// The file this store writes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets readers run during an ingest; NORMAL sync in WAL mode survives a killed
    // process (only a power loss can drop the last transactions).
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, name: &str, migrations: &[Migration]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let found: i64 = tx.query_row("SELECT coalesce(max(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    let known = schema::latest(schema::SQLITE);
    if found > known {
        return Err(StoreError::TooNew { ledger: name.to_string(), found, known });
    }
    for m in migrations.iter().filter(|m| m.version > found) {
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.description, now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The columns of `facts` a [`Fact`] is read from, in order (alias `f`).
const FACT_COLUMNS: &str = "f.kind, f.char_start, f.char_end, f.sentence, f.text, f.rule, f.label, f.value, \
    f.number, f.number_max, f.qualifier, f.date, f.scope, f.place, f.speaker, f.attrs";

fn fact_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Fact> {
    let kind: String = r.get(at)?;
    let attrs: String = r.get(at + 15)?;
    Ok(Fact {
        kind: FactKind::parse(&kind).unwrap_or(FactKind::Quantity),
        start: r.get::<_, i64>(at + 1)? as usize,
        end: r.get::<_, i64>(at + 2)? as usize,
        sentence: r.get::<_, i64>(at + 3)? as usize,
        text: r.get(at + 4)?,
        rule: r.get(at + 5)?,
        label: r.get(at + 6)?,
        value: r.get(at + 7)?,
        number: r.get(at + 8)?,
        number_max: r.get(at + 9)?,
        qualifier: r.get(at + 10)?,
        date: r.get(at + 11)?,
        scope: r.get(at + 12)?,
        place: r.get(at + 13)?,
        speaker: r.get(at + 14)?,
        attrs: serde_json::from_str(&attrs).unwrap_or(serde_json::Value::Null),
    })
}

const SUMMARY_COLUMNS: &str = "d.doc_id, d.hash, d.title, d.url, d.published, d.published_source, d.source, d.bytes, \
    (SELECT count(*) FROM facts f WHERE f.doc = d.id), \
    (SELECT o.doc_id FROM documents o WHERE o.id = d.duplicate_of), d.ingested_at";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocSummary> {
    Ok(DocSummary {
        id: r.get(0)?,
        hash: r.get(1)?,
        title: r.get(2)?,
        url: r.get(3)?,
        published: r.get(4)?,
        published_source: r.get(5)?,
        source: r.get(6)?,
        bytes: r.get::<_, i64>(7)? as u64,
        facts: r.get::<_, i64>(8)? as u64,
        duplicate_of: r.get(9)?,
        ingested_at: r.get(10)?,
    })
}

fn put(conn: &mut Connection, rec: &Record) -> Result<Ingested> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(id) =
        tx.query_row("SELECT doc_id FROM documents WHERE hash = ?1", [&rec.hash], |r| r.get(0)).optional()?
    {
        return Ok(Ingested::AlreadyPresent { id });
    }
    let duplicate_of = match rec.signature {
        Some(sh) => {
            let mut stmt = tx.prepare_cached(
                "SELECT d.id, d.doc_id, d.text, o.id, o.doc_id FROM documents d
                 LEFT JOIN documents o ON o.id = d.duplicate_of
                 WHERE d.sh0 = ?1 OR d.sh1 = ?2 OR d.sh2 = ?3 OR d.sh3 = ?4 ORDER BY d.id LIMIT ?5",
            )?;
            let mut rows = stmt.query(params![sh[0], sh[1], sh[2], sh[3], MAX_CANDIDATES])?;
            let mut found = None;
            while let Some(r) = rows.next()? {
                let text: String = r.get(2)?;
                if near_duplicates(&rec.shingles, &shingles(&text)) {
                    let first: Option<i64> = r.get(3)?;
                    found = Some(match first {
                        Some(id) => (id, r.get(4)?),
                        None => (r.get(0)?, r.get(1)?),
                    });
                    break;
                }
            }
            found
        }
        None => None,
    };
    let sh = rec.signature.map(|s| s.map(Some)).unwrap_or([None; 4]);
    let taken: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM documents WHERE doc_id = ?1)", [&rec.id], |r| r.get(0))?;
    let id = if taken { format!("{}@{}", rec.id, &rec.hash[..12]) } else { rec.id.clone() };
    tx.prepare_cached(
        "INSERT INTO documents (doc_id, hash, title, url, published, published_source, text, bytes,
            sh0, sh1, sh2, sh3, duplicate_of, ingested_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        id,
        rec.hash,
        rec.title,
        rec.url,
        rec.published,
        rec.published_source,
        rec.text,
        rec.text.len() as i64,
        sh[0],
        sh[1],
        sh[2],
        sh[3],
        duplicate_of.as_ref().map(|d| d.0),
        now(),
        rec.source,
    ])?;
    let doc = tx.last_insert_rowid();
    {
        let mut sentence = tx.prepare_cached(
            "INSERT INTO sentences (doc, idx, char_start, char_end, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut fts = tx.prepare_cached("INSERT INTO sentences_fts (rowid, text) VALUES (?1, ?2)")?;
        for s in &rec.sentences {
            let text = strip_markers(&s.text);
            sentence.execute(params![doc, s.index as i64, s.start as i64, s.end as i64, text])?;
            fts.execute(params![tx.last_insert_rowid(), text])?;
        }
        let mut fact = tx.prepare_cached(
            "INSERT INTO facts (doc, kind, char_start, char_end, sentence, text, rule, label, value, number,
                number_max, qualifier, date, day, scope, place, speaker, attrs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        for f in &rec.facts {
            fact.execute(params![
                doc,
                f.kind.as_str(),
                f.start as i64,
                f.end as i64,
                f.sentence as i64,
                f.text,
                f.rule,
                f.label,
                f.value,
                f.number,
                f.number_max,
                f.qualifier,
                f.date,
                fact_day(f, rec.published.as_deref()),
                f.scope,
                f.place,
                f.speaker,
                f.attrs.to_string(),
            ])?;
        }
    }
    tx.commit()?;
    Ok(Ingested::Stored { id, facts: rec.facts.len(), duplicate_of: duplicate_of.map(|d| d.1) })
}

fn document(conn: &Connection, key: &str) -> Result<Option<StoredDocument>> {
    let mut found: Vec<(i64, DocSummary, String)> = Vec::new();
    let by_id = format!("SELECT d.id, d.text, {SUMMARY_COLUMNS} FROM documents d WHERE d.doc_id = ?1");
    let by_hash =
        format!("SELECT d.id, d.text, {SUMMARY_COLUMNS} FROM documents d WHERE d.hash LIKE ?1 || '%' LIMIT 2");
    for (sql, usable) in [(by_id, true), (by_hash, is_hash_prefix(key))] {
        if !usable || !found.is_empty() {
            continue;
        }
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([key], |r| {
            let summary = DocSummary {
                id: r.get(2)?,
                hash: r.get(3)?,
                title: r.get(4)?,
                url: r.get(5)?,
                published: r.get(6)?,
                published_source: r.get(7)?,
                source: r.get(8)?,
                bytes: r.get::<_, i64>(9)? as u64,
                facts: r.get::<_, i64>(10)? as u64,
                duplicate_of: r.get(11)?,
                ingested_at: r.get(12)?,
            };
            Ok((r.get(0)?, summary, r.get(1)?))
        })?;
        for row in rows {
            found.push(row?);
        }
    }
    if found.len() != 1 {
        return Ok(None);
    }
    let (doc, summary, text) = found.remove(0);
    let sentences = conn
        .prepare_cached("SELECT idx, char_start, char_end, text FROM sentences WHERE doc = ?1 ORDER BY idx")?
        .query_map([doc], |r| {
            Ok(SentenceRow {
                index: r.get::<_, i64>(0)? as usize,
                start: r.get::<_, i64>(1)? as usize,
                end: r.get::<_, i64>(2)? as usize,
                text: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let facts = conn
        .prepare_cached(&format!("SELECT {FACT_COLUMNS} FROM facts f WHERE f.doc = ?1 ORDER BY f.char_start, f.id"))?
        .query_map([doc], |r| fact_from_row(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(StoredDocument { summary, text, sentences, facts }))
}

/// Whether `key` could be a hash prefix (hex, long enough to be meant as one).
pub(crate) fn is_hash_prefix(key: &str) -> bool {
    key.len() >= 6 && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn put(&self, record: &Record) -> Result<Ingested> {
        self.pool.with(|c| put(c, record))
    }

    fn stats(&self) -> Result<Stats> {
        self.pool.with(|c| {
            let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as u64);
            Ok(Stats {
                documents: q("SELECT count(*) FROM documents")?,
                duplicates: q("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL")?,
                sentences: q("SELECT count(*) FROM sentences")?,
                facts: q("SELECT count(*) FROM facts")?,
                schema_version: c.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0))?,
            })
        })
    }

    fn documents(&self, page: Page) -> Result<Vec<DocSummary>> {
        self.pool.with(|c| {
            let sql = format!("SELECT {SUMMARY_COLUMNS} FROM documents d ORDER BY d.id LIMIT ?1 OFFSET ?2");
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![page.sql_limit(), page.sql_offset()], summary_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn document(&self, id: &str) -> Result<Option<StoredDocument>> {
        self.pool.with(|c| document(c, id))
    }

    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<TimelineEntry>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.day, f.date, f.label, f.place, f.text, d.doc_id, coalesce(s.text, ''), f.char_start,
                        f.char_end, f.rule
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 WHERE f.kind = 'event' AND d.duplicate_of IS NULL
                   AND (?1 IS NULL OR f.day >= ?1) AND (?2 IS NULL OR f.day <= ?2)
                   AND (?3 IS NULL OR f.label = ?3)
                   AND (?4 IS NULL OR instr(lower(f.place), lower(?4)) > 0)
                 ORDER BY f.day IS NULL, f.day, d.id, f.char_start
                 LIMIT ?5 OFFSET ?6",
            )?;
            let to = q.to.as_deref().map(upper_bound);
            let rows =
                stmt.query_map(params![q.from, to, q.kind, q.place, q.page.sql_limit(), q.page.sql_offset()], |r| {
                    let date: Option<String> = r.get(1)?;
                    Ok(TimelineEntry {
                        date: r.get(0)?,
                        date_from_document: date.as_deref().and_then(analysis::calendar_date).is_none(),
                        kind: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        place: r.get(3)?,
                        text: r.get(4)?,
                        doc: r.get(5)?,
                        sentence: r.get(6)?,
                        start: r.get::<_, i64>(7)? as usize,
                        end: r.get::<_, i64>(8)? as usize,
                        rule: r.get(9)?,
                    })
                })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn metrics(&self) -> Result<Vec<MetricSummary>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.label, count(*), count(DISTINCT f.doc) FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'metric' AND d.duplicate_of IS NULL AND f.label IS NOT NULL
                 GROUP BY f.label ORDER BY 2 DESC, 1",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(MetricSummary {
                    metric: r.get(0)?,
                    points: r.get::<_, i64>(1)? as u64,
                    documents: r.get::<_, i64>(2)? as u64,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn series_points(&self, q: &SeriesQuery) -> Result<Vec<SeriesPoint>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.day, f.date, f.number, f.number_max, f.qualifier, f.scope, f.text, d.doc_id, d.published,
                        coalesce(s.text, ''), f.char_start, f.char_end, f.rule
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 WHERE f.kind = 'metric' AND f.label = ?1 AND d.duplicate_of IS NULL AND f.number IS NOT NULL
                   AND (?2 IS NULL OR lower(f.scope) = lower(?2))
                   AND (?3 IS NULL OR d.published <= ?3)",
            )?;
            let rows = stmt.query_map(params![q.metric, q.scope, q.known_on.as_deref().map(upper_bound)], |r| {
                Ok(SeriesPoint {
                    date: r.get(0)?,
                    as_of: r.get(1)?,
                    value: r.get(2)?,
                    value_max: r.get(3)?,
                    qualifier: r.get::<_, Option<String>>(4)?.unwrap_or_else(|| "exact".into()),
                    scope: r.get(5)?,
                    text: r.get(6)?,
                    doc: r.get(7)?,
                    published: r.get(8)?,
                    sentence: r.get(9)?,
                    start: r.get::<_, i64>(10)? as usize,
                    end: r.get::<_, i64>(11)? as usize,
                    rule: r.get(12)?,
                    conflicts: Vec::new(),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn entities(&self, page: Page) -> Result<Vec<EntitySummary>> {
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.label, coalesce(f.value, ''), count(*), count(DISTINCT f.doc)
                 FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'mention' AND d.duplicate_of IS NULL AND f.label IS NOT NULL
                 GROUP BY f.label, f.value ORDER BY 3 DESC, 1 LIMIT ?1 OFFSET ?2",
            )?;
            let rows = stmt.query_map(params![page.sql_limit(), page.sql_offset()], |r| {
                Ok(EntitySummary {
                    canonical: r.get(0)?,
                    kind: r.get(1)?,
                    mentions: r.get::<_, i64>(2)? as u64,
                    documents: r.get::<_, i64>(3)? as u64,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn entity(&self, name: &str) -> Result<Option<EntityReport>> {
        self.pool.with(|c| {
            let lookups = [
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND label = ?1
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND lower(text) = lower(?1)
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND lower(label) = lower(?1)
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
            ];
            let mut found: Option<(String, String)> = None;
            for sql in lookups {
                found = c.prepare_cached(sql)?.query_row([name], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
                if found.is_some() {
                    break;
                }
            }
            let Some((canonical, kind)) = found else { return Ok(None) };
            const LIVE: &str = "FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'mention' AND f.label = ?1 AND d.duplicate_of IS NULL";
            let (mentions, documents): (i64, i64) = c
                .prepare_cached(&format!("SELECT count(*), count(DISTINCT f.doc) {LIVE}"))?
                .query_row([&canonical], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let aliases = c
                .prepare_cached(&format!("SELECT f.text, count(*) {LIVE} GROUP BY f.text ORDER BY 2 DESC, 1"))?
                .query_map([&canonical], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let over_time = c
                .prepare_cached(&format!(
                    "SELECT coalesce(substr(d.published, 1, 7), 'undated'), count(*) {LIVE} GROUP BY 1 ORDER BY 1"
                ))?
                .query_map([&canonical], |r| {
                    Ok(PeriodCount { period: r.get(0)?, mentions: r.get::<_, i64>(1)? as u64 })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let recent = c
                .prepare_cached(
                    "SELECT f.text, d.doc_id, d.published, coalesce(s.text, ''), f.char_start, f.char_end
                     FROM facts f JOIN documents d ON d.id = f.doc
                     LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                     WHERE f.kind = 'mention' AND f.label = ?1 AND d.duplicate_of IS NULL
                     ORDER BY d.published DESC NULLS LAST, d.id DESC, f.char_start LIMIT 20",
                )?
                .query_map([&canonical], |r| {
                    Ok(MentionRow {
                        text: r.get(0)?,
                        doc: r.get(1)?,
                        published: r.get(2)?,
                        sentence: r.get(3)?,
                        start: r.get::<_, i64>(4)? as usize,
                        end: r.get::<_, i64>(5)? as usize,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some(EntityReport {
                canonical,
                kind,
                aliases,
                mentions: mentions as u64,
                documents: documents as u64,
                over_time,
                recent,
            }))
        })
    }

    fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let terms = search_terms(&q.text);
        if terms.is_empty() {
            return Err(StoreError::Query("a search needs at least one word".into()));
        }
        let fts: Vec<String> =
            terms.iter().map(|(w, prefix)| if *prefix { format!("\"{w}\"*") } else { format!("\"{w}\"") }).collect();
        let fts = fts.join(" ");
        self.pool.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.doc_id, d.title, d.published, s.idx, s.text,
                        highlight(sentences_fts, 0, char(2), char(3)), s.char_start, s.char_end
                 FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid
                 JOIN documents d ON d.id = s.doc
                 WHERE sentences_fts MATCH ?1 AND d.duplicate_of IS NULL
                 ORDER BY rank, s.id LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt.query_map(params![fts, q.page.sql_limit(), q.page.sql_offset()], |r| {
                let marked: String = r.get(5)?;
                Ok(SearchHit {
                    doc: r.get(0)?,
                    title: r.get(1)?,
                    published: r.get(2)?,
                    index: r.get::<_, i64>(3)? as usize,
                    sentence: r.get(4)?,
                    highlights: parse_highlights(&marked),
                    start: r.get::<_, i64>(6)? as usize,
                    end: r.get::<_, i64>(7)? as usize,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn export(&self, each: &mut dyn FnMut(ExportRow) -> Result<()>) -> Result<()> {
        self.pool.with(|c| {
            let sql = format!(
                "SELECT d.doc_id, d.published, (SELECT o.doc_id FROM documents o WHERE o.id = d.duplicate_of),
                        coalesce(s.text, ''), {FACT_COLUMNS}
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 ORDER BY d.id, f.char_start, f.id"
            );
            let mut stmt = c.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                each(ExportRow {
                    doc: r.get(0)?,
                    published: r.get(1)?,
                    duplicate_of: r.get(2)?,
                    sentence_text: r.get(3)?,
                    fact: fact_from_row(r, 4)?,
                })?;
            }
            Ok(())
        })
    }
}
