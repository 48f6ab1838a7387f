-- newsdb schema 4: sync over HTTP (docs/SYNC.md). A shipped migration is never edited: change the schema with a new
-- numbered file.

-- The teammates allowed to sync with this replica's server (`newsdb tokens create NAME`). Only the SHA-256 of a
-- token is kept: the token itself is printed once, when it is made.
CREATE TABLE tokens (
    name        TEXT PRIMARY KEY CHECK (length(name) > 0),
    hash        TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    created_at  TEXT NOT NULL
);

-- The servers this replica syncs with (`newsdb peers add NAME URL --token TOKEN`). The token is kept as given, since
-- it is sent with every request; the database file is readable by its owner only. `replica` is the server's replica
-- id, once a sync has reached it.
CREATE TABLE remotes (
    name      TEXT PRIMARY KEY CHECK (length(name) > 0),
    url       TEXT NOT NULL,
    token     TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    replica   TEXT
);
