//! The ledger's schema, as numbered migrations for each backend.
//!
//! A ledger records the migrations applied to it (`schema_migrations`); opening it applies
//! the missing ones in order, in one transaction, so a ledger written by any earlier chronicle
//! opens and is upgraded in place. Migrations are append-only: a released one is never
//! edited, a change is a new migration. A ledger newer than this chronicle is refused rather
//! than misread.
//!
//! The two backends share table and column names so queries read alike; they differ in types
//! and in the full-text index (FTS5 external-content table; a generated `tsvector` with GIN).

/// One step of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
}

/// The SQLite migrations, oldest first.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "documents, sentences with an FTS5 index, facts",
        sql: r#"
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,
    title TEXT,
    url TEXT,
    published TEXT,
    published_source TEXT NOT NULL,
    text TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sh0 INTEGER, sh1 INTEGER, sh2 INTEGER, sh3 INTEGER,
    duplicate_of INTEGER REFERENCES documents(id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_sh0 ON documents(sh0);
CREATE INDEX documents_sh1 ON documents(sh1);
CREATE INDEX documents_sh2 ON documents(sh2);
CREATE INDEX documents_sh3 ON documents(sh3);
CREATE INDEX documents_published ON documents(published);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (doc, idx)
);
CREATE VIRTUAL TABLE sentences_fts USING fts5(
    text, content='sentences', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    text TEXT NOT NULL,
    rule TEXT NOT NULL,
    label TEXT,
    value TEXT,
    number REAL,
    number_max REAL,
    qualifier TEXT,
    date TEXT,
    day TEXT,
    scope TEXT,
    place TEXT,
    speaker TEXT,
    attrs TEXT NOT NULL
);
CREATE INDEX facts_doc ON facts(doc);
CREATE INDEX facts_kind_label ON facts(kind, label);
CREATE INDEX facts_kind_day ON facts(kind, day);
"#,
    },
    Migration {
        version: 2,
        description: "where each document was read from; alias lookup for entities",
        sql: r#"
ALTER TABLE documents ADD COLUMN source TEXT;
CREATE INDEX facts_kind_text ON facts(kind, lower(text));
"#,
    },
];

/// The PostgreSQL migrations, oldest first (same versions and meaning as [`SQLITE`]).
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "documents, sentences with a tsvector index, facts",
        sql: r#"
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,
    title TEXT,
    url TEXT,
    published TEXT,
    published_source TEXT NOT NULL,
    text TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    sh0 BIGINT, sh1 BIGINT, sh2 BIGINT, sh3 BIGINT,
    duplicate_of BIGINT REFERENCES documents(id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX documents_sh0 ON documents(sh0);
CREATE INDEX documents_sh1 ON documents(sh1);
CREATE INDEX documents_sh2 ON documents(sh2);
CREATE INDEX documents_sh3 ON documents(sh3);
CREATE INDEX documents_published ON documents(published);
CREATE TABLE sentences (
    id BIGSERIAL PRIMARY KEY,
    doc BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx BIGINT NOT NULL,
    char_start BIGINT NOT NULL,
    char_end BIGINT NOT NULL,
    text TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', translate(text, '<>&', '   '))) STORED,
    UNIQUE (doc, idx)
);
CREATE INDEX sentences_tsv ON sentences USING GIN (tsv);
CREATE TABLE facts (
    id BIGSERIAL PRIMARY KEY,
    doc BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    char_start BIGINT NOT NULL,
    char_end BIGINT NOT NULL,
    sentence BIGINT NOT NULL,
    text TEXT NOT NULL,
    rule TEXT NOT NULL,
    label TEXT,
    value TEXT,
    number DOUBLE PRECISION,
    number_max DOUBLE PRECISION,
    qualifier TEXT,
    date TEXT,
    day TEXT,
    scope TEXT,
    place TEXT,
    speaker TEXT,
    attrs TEXT NOT NULL
);
CREATE INDEX facts_doc ON facts(doc);
CREATE INDEX facts_kind_label ON facts(kind, label);
CREATE INDEX facts_kind_day ON facts(kind, day);
"#,
    },
    Migration {
        version: 2,
        description: "where each document was read from; alias lookup for entities",
        sql: r#"
ALTER TABLE documents ADD COLUMN source TEXT;
CREATE INDEX facts_kind_text ON facts(kind, lower(text));
"#,
    },
];

/// The newest schema version this chronicle knows.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.last().map(|m| m.version).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_match_across_backends() {
        for list in [SQLITE, POSTGRES] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "{}", m.description);
            }
        }
        assert_eq!(latest(SQLITE), latest(POSTGRES));
    }
}
