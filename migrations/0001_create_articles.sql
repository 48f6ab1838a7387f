-- newsdb schema 1: this replica, and articles with a full-text index.
-- A shipped migration is never edited: change the schema with a new numbered file.

-- This copy of the database: a stable random id (never reused, unique across teammates) and a human name.
CREATE TABLE replica (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    id          TEXT NOT NULL CHECK (length(id) > 0),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    created_at  TEXT NOT NULL
);

-- One row per article. `id` is the SHA-256 (hex) of the canonical URL, or of the normalized title and body
-- when there is no URL, so two machines importing the same article agree on it. `seq` is the rowid the
-- full-text index points at; it is declared so that VACUUM can never renumber it.
CREATE TABLE articles (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE CHECK (length(id) = 64),
    title         TEXT NOT NULL CHECK (length(title) > 0),
    dek           TEXT,
    byline        TEXT,
    source        TEXT,
    url           TEXT,
    published_at  TEXT,
    body          TEXT NOT NULL CHECK (length(body) > 0),
    word_count    INTEGER NOT NULL CHECK (word_count >= 0),
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    imported_at   TEXT NOT NULL
);
CREATE INDEX articles_by_imported_at ON articles (imported_at);

-- Full-text index over title, dek, byline and body. newsdb writes it in the same transaction as `articles`
-- (Sources/Store/ArticleIndex.swift) rather than by trigger: a trigger makes every row a statement transaction,
-- which flushes FTS5's pending index data row by row and makes bulk imports more than twice as slow.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, dek, byline, body,
    content = 'articles',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
