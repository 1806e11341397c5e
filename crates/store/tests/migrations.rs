//! Old ledgers still open: a ledger written by the first schema (built here from the v1 DDL
//! and rows inserted as chronicle v1 wrote them) is upgraded in place and answers queries;
//! a ledger from a newer chronicle is refused with a clear error.

use chronicle_store::{schema, sqlite::SqliteStore, Page, SearchQuery, SeriesQuery, Store, StoreError};

const V1_TEXT: &str = "Coalition aircraft conducted 900 strikes by March 1, 2015. Officials met in Kuwait.";

/// Writes a v1 ledger the way the first schema's chronicle did (no `source` column).
fn write_v1_sqlite(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA journal_mode=WAL").unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .unwrap();
    conn.execute_batch(schema::SQLITE[0].sql).unwrap();
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01T00:00:00Z')", []).unwrap();
    conn.execute(
        "INSERT INTO documents (id, doc_id, hash, title, url, published, published_source, text, bytes,
            sh0, sh1, sh2, sh3, duplicate_of, ingested_at)
         VALUES (1, 'old', 'abc123', 'Old report', NULL, '2015-03-02', 'metadata', ?1, ?2,
            NULL, NULL, NULL, NULL, NULL, '2026-01-01T00:00:00Z')",
        rusqlite::params![V1_TEXT, V1_TEXT.len() as i64],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO sentences (id, doc, idx, char_start, char_end, text)
         VALUES (1, 1, 0, 0, 58, 'Coalition aircraft conducted 900 strikes by March 1, 2015.')",
        [],
    )
    .unwrap();
    conn.execute("INSERT INTO sentences_fts (rowid, text) SELECT id, text FROM sentences", []).unwrap();
    conn.execute(
        "INSERT INTO facts (doc, kind, char_start, char_end, sentence, text, rule, label, number, qualifier,
            date, day, attrs)
         VALUES (1, 'metric', 29, 40, 0, '900 strikes', 'v1.rule', 'airstrikes', 900.0, 'exact',
            '2015-03-01', '2015-03-01', '{}')",
        [],
    )
    .unwrap();
}

#[test]
fn a_v1_sqlite_ledger_opens_and_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    write_v1_sqlite(&path);
    let store = SqliteStore::open(&path).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.schema_version, schema::latest(schema::SQLITE));
    assert_eq!(stats.documents, 1);
    let doc = store.document("old").unwrap().unwrap();
    assert_eq!(doc.summary.source, None, "v2 added the column; old rows have none");
    assert_eq!(doc.facts.len(), 1);
    let series = store.series(&SeriesQuery { metric: "airstrikes".into(), ..Default::default() }).unwrap();
    assert_eq!(series.points.len(), 1);
    assert_eq!(series.points[0].date.as_deref(), Some("2015-03-01"));
    let hits = store.search(&SearchQuery { text: "aircraft".into(), page: Page::default() }).unwrap();
    assert_eq!(hits.len(), 1);
    // Opening again is a no-op.
    drop(store);
    let again = SqliteStore::open(&path).unwrap();
    assert_eq!(again.stats().unwrap().documents, 1);
}

#[test]
fn a_ledger_from_a_newer_chronicle_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01T00:00:00Z')", []).unwrap();
    drop(conn);
    match SqliteStore::open(&path) {
        Err(e @ StoreError::TooNew { .. }) => assert!(e.to_string().contains("999"), "{e}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a newer ledger opened"),
    }
}

#[test]
fn a_missing_folder_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/folder/ledger.db");
    let err = chronicle_store::open(path.to_str().unwrap()).err().expect("cannot open");
    assert!(err.to_string().contains("no/such/folder/ledger.db"), "{err}");
}

#[test]
fn a_v1_postgres_ledger_opens_and_is_upgraded() {
    let Ok(admin) = std::env::var("CHRONICLE_TEST_POSTGRES") else {
        eprintln!("skipped: set CHRONICLE_TEST_POSTGRES=postgres://... to run the PostgreSQL half");
        return;
    };
    let name = format!("chronicle_test_v1_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let url = with_database(&admin, &name);
    {
        let v1 = chronicle_store::postgres::PgStore::open_with(&url, &schema::POSTGRES[..1]).unwrap();
        drop(v1);
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.execute(
            "INSERT INTO documents (doc_id, hash, published, published_source, text, bytes, ingested_at)
             VALUES ('old', 'abc123', '2015-03-02', 'metadata', $1, 10, '2026-01-01T00:00:00Z')",
            &[&V1_TEXT],
        )
        .unwrap();
        let columns: i64 = c
            .query_one("SELECT count(*) FROM information_schema.columns WHERE table_name = 'documents' AND column_name = 'source'", &[])
            .unwrap()
            .get(0);
        assert_eq!(columns, 0, "the v1 schema has no source column");
    }
    let store = chronicle_store::open(&url).unwrap();
    assert_eq!(store.stats().unwrap().schema_version, schema::latest(schema::POSTGRES));
    assert_eq!(store.document("old").unwrap().unwrap().summary.source, None);
    drop(store);
    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}

fn with_database(url: &str, db: &str) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = url[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(url.len());
    format!("{}/{db}", &url[..host_end])
}
