//! The PostgreSQL backend, for a ledger shared by several machines or kept with other data.
//!
//! Same tables and meaning as the SQLite backend (see `schema`); full-text search is a
//! generated `tsvector` column with a GIN index, highlighted by `ts_headline`. Each record
//! is written in one transaction with its facts and sentences sent as arrays (`UNNEST`), so a
//! document costs a handful of round trips whatever its size. Writers of the same document
//! id serialise on a transaction-level advisory lock; the content hash is a unique key, so
//! two processes putting the same text store it once.

use crate::analysis::{self, fact_day, parse_highlights, search_terms, strip_markers, upper_bound};
use crate::pool::Pool;
use crate::record::{near_duplicates, shingles};
use crate::schema::{self, Migration};
use crate::sqlite::{is_hash_prefix, now, MAX_CANDIDATES};
use crate::*;
use ::postgres::types::ToSql;
use ::postgres::{Client, NoTls, Row};

type P<'a> = &'a (dyn ToSql + Sync);

/// A ledger in a PostgreSQL database.
pub struct PgStore {
    pool: Pool<Client>,
}

/// Advisory lock key that serialises migrations (any constant; "chronicle" in ASCII-ish).
const MIGRATION_LOCK: i64 = 0x6368_726f_6e69;

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host/db`), applying any missing migrations.
    pub fn open(url: &str) -> Result<PgStore> {
        PgStore::open_with(url, schema::POSTGRES)
    }

    /// Connects migrating only up to the given list (tests build old ledgers with it).
    pub fn open_with(url: &str, migrations: &[Migration]) -> Result<PgStore> {
        let name = redact(url);
        let mut first = Client::connect(url, NoTls)
            .map_err(|e| StoreError::Open { ledger: name.clone(), message: e.to_string() })?;
        migrate(&mut first, &name, migrations)?;
        let owned = url.to_string();
        let pool = Pool::new(first, 8, Box::new(move || Ok(Client::connect(&owned, NoTls)?)));
        Ok(PgStore { pool })
    }
}

/// Creates an empty database `name` on the server of `admin_url` (dropping any of that name)
/// and returns its URL: for benchmarks and tests that need a throw-away ledger.
pub fn create_scratch_database(admin_url: &str, name: &str) -> Result<String> {
    check_name(name)?;
    let mut c = Client::connect(admin_url, NoTls)
        .map_err(|e| StoreError::Open { ledger: redact(admin_url), message: e.to_string() })?;
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    c.batch_execute(&format!("CREATE DATABASE {name}"))?;
    Ok(with_database(admin_url, name))
}

/// Drops a database made by [`create_scratch_database`].
pub fn drop_scratch_database(admin_url: &str, name: &str) -> Result<()> {
    check_name(name)?;
    let mut c = Client::connect(admin_url, NoTls)
        .map_err(|e| StoreError::Open { ledger: redact(admin_url), message: e.to_string() })?;
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() < 60
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(StoreError::Query(format!("{name:?} is not a plain database name")))
    }
}

/// The URL with its database name replaced (query parameters kept).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    format!("{}/{db}{query}", &base[..host_end])
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &cred[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn migrate(client: &mut Client, name: &str, migrations: &[Migration]) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let found: i64 = tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?.get(0);
    let known = schema::latest(schema::POSTGRES);
    if found > known {
        return Err(StoreError::TooNew { ledger: name.to_string(), found, known });
    }
    for m in migrations.iter().filter(|m| m.version > found) {
        tx.batch_execute(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)",
            &[&m.version as P, &m.description, &now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

const FACT_COLUMNS: &str = "f.kind, f.char_start, f.char_end, f.sentence, f.text, f.rule, f.label, f.value, \
    f.number, f.number_max, f.qualifier, f.date, f.scope, f.place, f.speaker, f.attrs";

fn fact_from_row(r: &Row, at: usize) -> Fact {
    let kind: String = r.get(at);
    let attrs: String = r.get(at + 15);
    Fact {
        kind: FactKind::parse(&kind).unwrap_or(FactKind::Quantity),
        start: r.get::<_, i64>(at + 1) as usize,
        end: r.get::<_, i64>(at + 2) as usize,
        sentence: r.get::<_, i64>(at + 3) as usize,
        text: r.get(at + 4),
        rule: r.get(at + 5),
        label: r.get(at + 6),
        value: r.get(at + 7),
        number: r.get(at + 8),
        number_max: r.get(at + 9),
        qualifier: r.get(at + 10),
        date: r.get(at + 11),
        scope: r.get(at + 12),
        place: r.get(at + 13),
        speaker: r.get(at + 14),
        attrs: serde_json::from_str(&attrs).unwrap_or(serde_json::Value::Null),
    }
}

const SUMMARY_COLUMNS: &str = "d.doc_id, d.hash, d.title, d.url, d.published, d.published_source, d.source, d.bytes, \
    (SELECT count(*) FROM facts f WHERE f.doc = d.id), \
    (SELECT o.doc_id FROM documents o WHERE o.id = d.duplicate_of), d.ingested_at";

fn summary_from_row(r: &Row, at: usize) -> DocSummary {
    DocSummary {
        id: r.get(at),
        hash: r.get(at + 1),
        title: r.get(at + 2),
        url: r.get(at + 3),
        published: r.get(at + 4),
        published_source: r.get(at + 5),
        source: r.get(at + 6),
        bytes: r.get::<_, i64>(at + 7) as u64,
        facts: r.get::<_, i64>(at + 8) as u64,
        duplicate_of: r.get(at + 9),
        ingested_at: r.get(at + 10),
    }
}

fn put(client: &mut Client, rec: &Record) -> Result<Ingested> {
    let mut tx = client.transaction()?;
    // Serialise writers of the same id, so the "id taken?" check below holds until commit.
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&rec.id])?;
    if let Some(r) = tx.query_opt("SELECT doc_id FROM documents WHERE hash = $1", &[&rec.hash])? {
        return Ok(Ingested::AlreadyPresent { id: r.get(0) });
    }
    let mut duplicate_of: Option<(i64, String)> = None;
    if let Some(sh) = rec.signature {
        let rows = tx.query(
            "SELECT d.id, d.doc_id, d.text, o.id, o.doc_id FROM documents d
             LEFT JOIN documents o ON o.id = d.duplicate_of
             WHERE d.sh0 = $1 OR d.sh1 = $2 OR d.sh2 = $3 OR d.sh3 = $4 ORDER BY d.id LIMIT $5",
            &[&sh[0], &sh[1], &sh[2], &sh[3], &MAX_CANDIDATES],
        )?;
        for r in rows {
            if near_duplicates(&rec.shingles, &shingles(r.get::<_, &str>(2))) {
                duplicate_of = Some(match r.get::<_, Option<i64>>(3) {
                    Some(id) => (id, r.get(4)),
                    None => (r.get(0), r.get(1)),
                });
                break;
            }
        }
    }
    let sh = rec.signature.map(|s| s.map(Some)).unwrap_or([None; 4]);
    let taken = tx.query_opt("SELECT 1 FROM documents WHERE doc_id = $1", &[&rec.id])?.is_some();
    let id = if taken { format!("{}@{}", rec.id, &rec.hash[..12]) } else { rec.id.clone() };
    let inserted = tx.query_opt(
        "INSERT INTO documents (doc_id, hash, title, url, published, published_source, text, bytes,
            sh0, sh1, sh2, sh3, duplicate_of, ingested_at, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (hash) DO NOTHING RETURNING id",
        &[
            &id,
            &rec.hash,
            &rec.title,
            &rec.url,
            &rec.published,
            &rec.published_source,
            &rec.text,
            &(rec.text.len() as i64),
            &sh[0],
            &sh[1],
            &sh[2],
            &sh[3],
            &duplicate_of.as_ref().map(|d| d.0),
            &now(),
            &rec.source,
        ],
    )?;
    let Some(inserted) = inserted else {
        // Another process stored the same text between our check and our insert.
        drop(tx);
        let r = client.query_one("SELECT doc_id FROM documents WHERE hash = $1", &[&rec.hash])?;
        return Ok(Ingested::AlreadyPresent { id: r.get(0) });
    };
    let doc: i64 = inserted.get(0);
    let idx: Vec<i64> = rec.sentences.iter().map(|s| s.index as i64).collect();
    let starts: Vec<i64> = rec.sentences.iter().map(|s| s.start as i64).collect();
    let ends: Vec<i64> = rec.sentences.iter().map(|s| s.end as i64).collect();
    let texts: Vec<String> = rec.sentences.iter().map(|s| strip_markers(&s.text).replace('\0', " ")).collect();
    tx.execute(
        "INSERT INTO sentences (doc, idx, char_start, char_end, text)
         SELECT $1, * FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[])",
        &[&doc, &idx, &starts, &ends, &texts],
    )?;
    let f = &rec.facts;
    let col_s = |g: &dyn Fn(&Fact) -> Option<String>| f.iter().map(g).collect::<Vec<Option<String>>>();
    let col_n = |g: &dyn Fn(&Fact) -> Option<f64>| f.iter().map(g).collect::<Vec<Option<f64>>>();
    let col_i = |g: &dyn Fn(&Fact) -> usize| f.iter().map(|x| g(x) as i64).collect::<Vec<i64>>();
    let kind: Vec<&str> = f.iter().map(|x| x.kind.as_str()).collect();
    let text: Vec<String> = f.iter().map(|x| x.text.replace('\0', " ")).collect();
    let rule: Vec<&str> = f.iter().map(|x| x.rule.as_str()).collect();
    let attrs: Vec<String> = f.iter().map(|x| x.attrs.to_string()).collect();
    let published = rec.published.as_deref();
    tx.execute(
        "INSERT INTO facts (doc, kind, char_start, char_end, sentence, text, rule, label, value, number,
            number_max, qualifier, date, day, scope, place, speaker, attrs)
         SELECT $1, * FROM UNNEST($2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[], $6::TEXT[], $7::TEXT[],
            $8::TEXT[], $9::TEXT[], $10::FLOAT8[], $11::FLOAT8[], $12::TEXT[], $13::TEXT[], $14::TEXT[],
            $15::TEXT[], $16::TEXT[], $17::TEXT[], $18::TEXT[])",
        &[
            &doc,
            &kind,
            &col_i(&|x| x.start),
            &col_i(&|x| x.end),
            &col_i(&|x| x.sentence),
            &text,
            &rule,
            &col_s(&|x| x.label.clone()),
            &col_s(&|x| x.value.clone()),
            &col_n(&|x| x.number),
            &col_n(&|x| x.number_max),
            &col_s(&|x| x.qualifier.clone()),
            &col_s(&|x| x.date.clone()),
            &col_s(&|x| fact_day(x, published)),
            &col_s(&|x| x.scope.clone()),
            &col_s(&|x| x.place.clone()),
            &col_s(&|x| x.speaker.clone()),
            &attrs,
        ],
    )?;
    tx.commit()?;
    Ok(Ingested::Stored { id, facts: rec.facts.len(), duplicate_of: duplicate_of.map(|d| d.1) })
}

fn document(client: &mut Client, key: &str) -> Result<Option<StoredDocument>> {
    let by_id = format!("SELECT d.id, d.text, {SUMMARY_COLUMNS} FROM documents d WHERE d.doc_id = $1");
    let mut rows = client.query(&by_id, &[&key])?;
    if rows.is_empty() && is_hash_prefix(key) {
        let by_hash =
            format!("SELECT d.id, d.text, {SUMMARY_COLUMNS} FROM documents d WHERE d.hash LIKE $1 || '%' LIMIT 2");
        rows = client.query(&by_hash, &[&key.to_ascii_lowercase()])?;
    }
    if rows.len() != 1 {
        return Ok(None);
    }
    let r = &rows[0];
    let doc: i64 = r.get(0);
    let text: String = r.get(1);
    let summary = summary_from_row(r, 2);
    let sentences = client
        .query("SELECT idx, char_start, char_end, text FROM sentences WHERE doc = $1 ORDER BY idx", &[&doc])?
        .iter()
        .map(|r| SentenceRow {
            index: r.get::<_, i64>(0) as usize,
            start: r.get::<_, i64>(1) as usize,
            end: r.get::<_, i64>(2) as usize,
            text: r.get(3),
        })
        .collect();
    let facts = client
        .query(&format!("SELECT {FACT_COLUMNS} FROM facts f WHERE f.doc = $1 ORDER BY f.char_start, f.id"), &[&doc])?
        .iter()
        .map(|r| fact_from_row(r, 0))
        .collect();
    Ok(Some(StoredDocument { summary, text, sentences, facts }))
}

impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn put(&self, record: &Record) -> Result<Ingested> {
        self.pool.with(|c| put(c, record))
    }

    fn stats(&self) -> Result<Stats> {
        self.pool.with(|c| {
            let r = c.query_one(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL),
                        (SELECT count(*) FROM sentences), (SELECT count(*) FROM facts),
                        (SELECT max(version) FROM schema_migrations)",
                &[],
            )?;
            Ok(Stats {
                documents: r.get::<_, i64>(0) as u64,
                duplicates: r.get::<_, i64>(1) as u64,
                sentences: r.get::<_, i64>(2) as u64,
                facts: r.get::<_, i64>(3) as u64,
                schema_version: r.get(4),
            })
        })
    }

    fn documents(&self, page: Page) -> Result<Vec<DocSummary>> {
        self.pool.with(|c| {
            let sql = format!("SELECT {SUMMARY_COLUMNS} FROM documents d ORDER BY d.id LIMIT $1 OFFSET $2");
            Ok(c.query(&sql, &[&page.sql_limit(), &page.sql_offset()])?
                .iter()
                .map(|r| summary_from_row(r, 0))
                .collect())
        })
    }

    fn document(&self, id: &str) -> Result<Option<StoredDocument>> {
        self.pool.with(|c| document(c, id))
    }

    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<TimelineEntry>> {
        let to = q.to.as_deref().map(upper_bound);
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT f.day, f.date, f.label, f.place, f.text, d.doc_id, coalesce(s.text, ''), f.char_start,
                        f.char_end, f.rule
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 WHERE f.kind = 'event' AND d.duplicate_of IS NULL
                   AND ($1::TEXT IS NULL OR f.day COLLATE \"C\" >= $1::TEXT)
                   AND ($2::TEXT IS NULL OR f.day COLLATE \"C\" <= $2::TEXT)
                   AND ($3::TEXT IS NULL OR f.label = $3::TEXT)
                   AND ($4::TEXT IS NULL OR strpos(lower(f.place), lower($4::TEXT)) > 0)
                 ORDER BY f.day IS NULL, f.day COLLATE \"C\", d.id, f.char_start
                 LIMIT $5 OFFSET $6",
                &[&q.from as P, &to, &q.kind, &q.place, &q.page.sql_limit(), &q.page.sql_offset()],
            )?;
            Ok(rows
                .iter()
                .map(|r| {
                    let date: Option<String> = r.get(1);
                    TimelineEntry {
                        date: r.get(0),
                        date_from_document: date.as_deref().and_then(analysis::calendar_date).is_none(),
                        kind: r.get::<_, Option<String>>(2).unwrap_or_default(),
                        place: r.get(3),
                        text: r.get(4),
                        doc: r.get(5),
                        sentence: r.get(6),
                        start: r.get::<_, i64>(7) as usize,
                        end: r.get::<_, i64>(8) as usize,
                        rule: r.get(9),
                    }
                })
                .collect())
        })
    }

    fn metrics(&self) -> Result<Vec<MetricSummary>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT f.label, count(*), count(DISTINCT f.doc) FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'metric' AND d.duplicate_of IS NULL AND f.label IS NOT NULL
                 GROUP BY f.label ORDER BY 2 DESC, f.label COLLATE \"C\"",
                &[],
            )?;
            Ok(rows
                .iter()
                .map(|r| MetricSummary {
                    metric: r.get(0),
                    points: r.get::<_, i64>(1) as u64,
                    documents: r.get::<_, i64>(2) as u64,
                })
                .collect())
        })
    }

    fn series_points(&self, q: &SeriesQuery) -> Result<Vec<SeriesPoint>> {
        let known = q.known_on.as_deref().map(upper_bound);
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT f.day, f.date, f.number, f.number_max, f.qualifier, f.scope, f.text, d.doc_id, d.published,
                        coalesce(s.text, ''), f.char_start, f.char_end, f.rule
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 WHERE f.kind = 'metric' AND f.label = $1 AND d.duplicate_of IS NULL AND f.number IS NOT NULL
                   AND ($2::TEXT IS NULL OR lower(f.scope) = lower($2::TEXT))
                   AND ($3::TEXT IS NULL OR d.published COLLATE \"C\" <= $3::TEXT)",
                &[&q.metric as P, &q.scope, &known],
            )?;
            Ok(rows
                .iter()
                .map(|r| SeriesPoint {
                    date: r.get(0),
                    as_of: r.get(1),
                    value: r.get(2),
                    value_max: r.get(3),
                    qualifier: r.get::<_, Option<String>>(4).unwrap_or_else(|| "exact".into()),
                    scope: r.get(5),
                    text: r.get(6),
                    doc: r.get(7),
                    published: r.get(8),
                    sentence: r.get(9),
                    start: r.get::<_, i64>(10) as usize,
                    end: r.get::<_, i64>(11) as usize,
                    rule: r.get(12),
                    conflicts: Vec::new(),
                })
                .collect())
        })
    }

    fn entities(&self, page: Page) -> Result<Vec<EntitySummary>> {
        self.pool.with(|c| {
            let rows = c.query(
                "SELECT f.label, coalesce(f.value, ''), count(*), count(DISTINCT f.doc)
                 FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'mention' AND d.duplicate_of IS NULL AND f.label IS NOT NULL
                 GROUP BY f.label, f.value ORDER BY 3 DESC, f.label COLLATE \"C\" LIMIT $1 OFFSET $2",
                &[&page.sql_limit(), &page.sql_offset()],
            )?;
            Ok(rows
                .iter()
                .map(|r| EntitySummary {
                    canonical: r.get(0),
                    kind: r.get(1),
                    mentions: r.get::<_, i64>(2) as u64,
                    documents: r.get::<_, i64>(3) as u64,
                })
                .collect())
        })
    }

    fn entity(&self, name: &str) -> Result<Option<EntityReport>> {
        self.pool.with(|c| {
            let lookups = [
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND label = $1
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND lower(text) = lower($1)
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
                "SELECT label, coalesce(value, '') FROM facts WHERE kind = 'mention' AND lower(label) = lower($1)
                 GROUP BY label, value ORDER BY count(*) DESC LIMIT 1",
            ];
            let mut found: Option<(String, String)> = None;
            for sql in lookups {
                if let Some(r) = c.query_opt(sql, &[&name])? {
                    found = Some((r.get(0), r.get(1)));
                    break;
                }
            }
            let Some((canonical, kind)) = found else { return Ok(None) };
            const LIVE: &str = "FROM facts f JOIN documents d ON d.id = f.doc
                 WHERE f.kind = 'mention' AND f.label = $1 AND d.duplicate_of IS NULL";
            let r = c.query_one(&format!("SELECT count(*), count(DISTINCT f.doc) {LIVE}"), &[&canonical])?;
            let (mentions, documents): (i64, i64) = (r.get(0), r.get(1));
            let aliases = c
                .query(
                    &format!("SELECT f.text, count(*) {LIVE} GROUP BY f.text ORDER BY 2 DESC, f.text COLLATE \"C\""),
                    &[&canonical],
                )?
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                .collect();
            let over_time = c
                .query(
                    &format!(
                        "SELECT coalesce(substr(d.published, 1, 7), 'undated') AS p, count(*) {LIVE}
                         GROUP BY 1 ORDER BY coalesce(substr(d.published, 1, 7), 'undated') COLLATE \"C\""
                    ),
                    &[&canonical],
                )?
                .iter()
                .map(|r| PeriodCount { period: r.get(0), mentions: r.get::<_, i64>(1) as u64 })
                .collect();
            let recent = c
                .query(
                    "SELECT f.text, d.doc_id, d.published, coalesce(s.text, ''), f.char_start, f.char_end
                     FROM facts f JOIN documents d ON d.id = f.doc
                     LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                     WHERE f.kind = 'mention' AND f.label = $1 AND d.duplicate_of IS NULL
                     ORDER BY d.published COLLATE \"C\" DESC NULLS LAST, d.id DESC, f.char_start LIMIT 20",
                    &[&canonical],
                )?
                .iter()
                .map(|r| MentionRow {
                    text: r.get(0),
                    doc: r.get(1),
                    published: r.get(2),
                    sentence: r.get(3),
                    start: r.get::<_, i64>(4) as usize,
                    end: r.get::<_, i64>(5) as usize,
                })
                .collect();
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
        let tsquery: Vec<String> =
            terms.iter().map(|(w, prefix)| if *prefix { format!("'{w}':*") } else { format!("'{w}'") }).collect();
        let tsquery = tsquery.join(" & ");
        self.pool.with(|c| {
            let rows = c.query(
                "WITH q AS (SELECT to_tsquery('english', $1) AS q)
                 SELECT d.doc_id, d.title, d.published, s.idx, s.text,
                        ts_headline('english', translate(s.text, '<>&', '   '), q.q, 'StartSel=\"\u{2}\", StopSel=\"\u{3}\", HighlightAll=true'),
                        s.char_start, s.char_end
                 FROM sentences s CROSS JOIN q JOIN documents d ON d.id = s.doc
                 WHERE s.tsv @@ q.q AND d.duplicate_of IS NULL
                 ORDER BY ts_rank(s.tsv, q.q) DESC, s.id LIMIT $2 OFFSET $3",
                &[&tsquery as P, &q.page.sql_limit(), &q.page.sql_offset()],
            )?;
            Ok(rows
                .iter()
                .map(|r| {
                    let marked: String = r.get(5);
                    SearchHit {
                        doc: r.get(0),
                        title: r.get(1),
                        published: r.get(2),
                        index: r.get::<_, i64>(3) as usize,
                        sentence: r.get(4),
                        highlights: parse_highlights(&marked),
                        start: r.get::<_, i64>(6) as usize,
                        end: r.get::<_, i64>(7) as usize,
                    }
                })
                .collect())
        })
    }

    fn export(&self, each: &mut dyn FnMut(ExportRow) -> Result<()>) -> Result<()> {
        use ::postgres::fallible_iterator::FallibleIterator;
        self.pool.with(|c| {
            let sql = format!(
                "SELECT d.doc_id, d.published, (SELECT o.doc_id FROM documents o WHERE o.id = d.duplicate_of),
                        coalesce(s.text, ''), {FACT_COLUMNS}
                 FROM facts f JOIN documents d ON d.id = f.doc
                 LEFT JOIN sentences s ON s.doc = f.doc AND s.idx = f.sentence
                 ORDER BY d.id, f.char_start, f.id"
            );
            let mut tx = c.transaction()?;
            let mut rows = tx.query_raw(sql.as_str(), std::iter::empty::<i64>())?;
            while let Some(r) = rows.next()? {
                each(ExportRow {
                    doc: r.get(0),
                    published: r.get(1),
                    duplicate_of: r.get(2),
                    sentence_text: r.get(3),
                    fact: fact_from_row(&r, 4),
                })?;
            }
            drop(rows);
            tx.commit()?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        let cases = [
            ("postgres://u:secret@localhost/db", "postgres://u:***@localhost/db"),
            ("postgres://u@localhost/db", "postgres://u@localhost/db"),
            ("postgres://localhost/db", "postgres://localhost/db"),
        ];
        for (url, expected) in cases {
            assert_eq!(super::redact(url), expected);
        }
    }

    #[test]
    fn database_names_are_replaced_in_urls() {
        let cases = [
            ("postgres://u@h:5432/postgres", "postgres://u@h:5432/x"),
            ("postgres://u@h", "postgres://u@h/x"),
            ("postgres://u@h/db?sslmode=disable", "postgres://u@h/x?sslmode=disable"),
        ];
        for (url, expected) in cases {
            assert_eq!(super::with_database(url, "x"), expected);
        }
        assert!(super::check_name("x; DROP TABLE y").is_err());
    }
}
