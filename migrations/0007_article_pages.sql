-- newsdb schema 7: the saved page an article was read from, kept so that a later newsdb can extract it again
-- (`newsdb import --reextract`, docs/IMPORT.md). A shipped migration is never edited: change the schema with a new
-- numbered file.
--
-- `page` is the file's bytes as they were imported (before any character set was decoded), compressed with zlib
-- (RFC 1950); `size` is their length and `sha256` their SHA-256 (hex), to check them when they are read back. A page
-- stays on the replica that imported it: changes do not carry it, so `changeSchemaVersion` stays 6. `revision` is
-- the article revision whose text came from this page: a later text from elsewhere is never replaced by re-extracting.
CREATE TABLE article_pages (
    article_id  TEXT PRIMARY KEY REFERENCES articles (id),
    page        BLOB NOT NULL,
    size        INTEGER NOT NULL CHECK (size > 0),
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    kept_at     TEXT NOT NULL
);
