-- newsdb schema 3: the change log that teammates exchange (docs/SYNC.md).
-- A shipped migration is never edited: change the schema with a new numbered file.
--
-- Every change has an identity unique across replicas: its origin (the replica that made it) and that replica's
-- counter, 1, 2, 3, ... It also has a hybrid logical clock timestamp (`hlc`, text that sorts as the clock does:
-- MILLISECONDS-COUNTER-REPLICA) and the wall-clock time a person sees (`at`).
--
-- A change is kept where its effect is: an article version in `articles` or `article_revisions`, an annotation's
-- creation in `annotations`, a tag added in `tag_adds`, and edits, tag removals, deletions and restorations in
-- `changes`. A change whose effect was overwritten by a later change that saw it (a note edited again) is
-- dropped: `knowledge` still records that it was received, so it is neither applied again nor asked for.

-- Replicas this one has heard of (itself first), numbered locally so that rows need not repeat 36-character ids.
CREATE TABLE origins (
    n     INTEGER PRIMARY KEY,
    id    TEXT NOT NULL UNIQUE CHECK (length(id) > 0),
    name  TEXT NOT NULL
);
INSERT INTO origins (n, id, name) SELECT 1, id, name FROM replica;

-- This replica's counter (the last change it made) and the latest hybrid clock timestamp it made or received.
ALTER TABLE replica ADD COLUMN counter INTEGER NOT NULL DEFAULT 0 CHECK (counter >= 0);
ALTER TABLE replica ADD COLUMN clock TEXT;

-- The change that wrote each stored article version.
ALTER TABLE articles ADD COLUMN origin INTEGER REFERENCES origins (n);
ALTER TABLE articles ADD COLUMN counter INTEGER;
ALTER TABLE articles ADD COLUMN hlc TEXT;
ALTER TABLE article_revisions ADD COLUMN source TEXT;
ALTER TABLE article_revisions ADD COLUMN url TEXT;
ALTER TABLE article_revisions ADD COLUMN published_at TEXT;
ALTER TABLE article_revisions ADD COLUMN origin INTEGER REFERENCES origins (n);
ALTER TABLE article_revisions ADD COLUMN counter INTEGER;
ALTER TABLE article_revisions ADD COLUMN hlc TEXT;

-- The change that created each annotation, and the latest change applied to it (which gives `modified_at`).
ALTER TABLE annotations ADD COLUMN origin INTEGER REFERENCES origins (n);
ALTER TABLE annotations ADD COLUMN counter INTEGER;
ALTER TABLE annotations ADD COLUMN hlc TEXT;
ALTER TABLE annotations ADD COLUMN latest_hlc TEXT;

-- Every tag instance still in effect: the change that added it (the annotation's creation, or a tag change).
-- A tag is on an annotation while one of its instances is; removing a tag removes the instances its remover saw,
-- so an addition made concurrently with a removal survives it.
CREATE TABLE tag_adds (
    annotation_id  TEXT NOT NULL REFERENCES annotations (id),
    tag            TEXT NOT NULL,
    origin         INTEGER NOT NULL REFERENCES origins (n),
    counter        INTEGER NOT NULL,
    PRIMARY KEY (annotation_id, tag, origin, counter)
) WITHOUT ROWID;

-- Edits, tag changes, deletions and restorations that are still in effect. For a field (`note`, `color`,
-- `motivation`, `selector`, `deleted`), the rows are the field's current values: one, or several when teammates
-- changed it without seeing each other's change (a conflict; the latest `hlc` wins until it is resolved).
-- `seen` is what the change's replica had received when it made it (JSON: {"REPLICA": [[FIRST, LAST], ...]}): the
-- field values it overwrote, the tag additions it removed, and for a deletion, the edits it knew of.
CREATE TABLE changes (
    origin         INTEGER NOT NULL REFERENCES origins (n),
    counter        INTEGER NOT NULL CHECK (counter >= 1),
    hlc            TEXT NOT NULL,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('set', 'tag', 'untag', 'delete', 'restore')),
    annotation_id  TEXT NOT NULL,
    field          TEXT NOT NULL,
    value          TEXT,
    seen           TEXT,
    PRIMARY KEY (origin, counter)
) WITHOUT ROWID;
CREATE INDEX changes_by_annotation ON changes (annotation_id, field);

-- Changes received whose annotation or article text has not arrived yet (a file applied before an earlier one).
-- They wait here, in the change file format, and are applied when what they need arrives.
CREATE TABLE pending_changes (
    origin      INTEGER NOT NULL REFERENCES origins (n),
    counter     INTEGER NOT NULL,
    waits_for   TEXT NOT NULL,
    change      TEXT NOT NULL,
    PRIMARY KEY (origin, counter)
) WITHOUT ROWID;
CREATE INDEX pending_changes_by_subject ON pending_changes (waits_for);

-- Which changes this replica has received from each origin, as ranges of counters (its own are 1 to `counter`).
CREATE TABLE knowledge (
    origin  INTEGER NOT NULL REFERENCES origins (n),
    first   INTEGER NOT NULL CHECK (first >= 1),
    last    INTEGER NOT NULL CHECK (last >= first),
    PRIMARY KEY (origin, first)
) WITHOUT ROWID;

-- Teammates whose change files were applied here: what each was known to have, and when it was last heard from.
CREATE TABLE peers (
    origin         INTEGER PRIMARY KEY REFERENCES origins (n),
    knowledge      TEXT NOT NULL,
    newsdb         TEXT NOT NULL,
    last_heard_at  TEXT NOT NULL
);

-- What this replica held before it kept a change log becomes its own changes: articles first, then earlier
-- revisions, then annotations, stamped with the time they were made.
UPDATE articles SET origin = 1, counter = seq,
    hlc = printf('%015d-%010d-%s', CAST(round((julianday(imported_at) - 2440587.5) * 86400000) AS INTEGER), 0,
        (SELECT id FROM replica));
UPDATE article_revisions SET origin = 1,
    counter = (SELECT coalesce(max(seq), 0) FROM articles)
        + (SELECT count(*) FROM article_revisions r WHERE (r.article_id, r.revision) <= (article_revisions.article_id, article_revisions.revision)),
    hlc = printf('%015d-%010d-%s', CAST(round((julianday(imported_at) - 2440587.5) * 86400000) AS INTEGER), 0,
        (SELECT id FROM replica)),
    source = (SELECT source FROM articles a WHERE a.id = article_revisions.article_id),
    url = (SELECT url FROM articles a WHERE a.id = article_revisions.article_id),
    published_at = (SELECT published_at FROM articles a WHERE a.id = article_revisions.article_id);
UPDATE annotations SET origin = 1,
    counter = (SELECT coalesce(max(seq), 0) FROM articles) + (SELECT count(*) FROM article_revisions) + seq,
    hlc = printf('%015d-%010d-%s', CAST(round((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER), 0,
        (SELECT id FROM replica)),
    latest_hlc = printf('%015d-%010d-%s', CAST(round((julianday(modified_at) - 2440587.5) * 86400000) AS INTEGER), 0,
        (SELECT id FROM replica));
INSERT INTO tag_adds (annotation_id, tag, origin, counter)
    SELECT t.annotation_id, t.tag, 1, a.counter FROM annotation_tags t JOIN annotations a ON a.id = t.annotation_id;
-- A deletion made before the change log is a change of its own.
-- It saw everything made before it: with one replica, every earlier counter.
INSERT INTO changes (origin, counter, hlc, at, kind, annotation_id, field, seen)
    SELECT 1, counter, latest_hlc, deleted_at, 'delete', id, 'deleted',
        printf('{"%s":[[1,%d]]}', (SELECT id FROM replica), counter - 1)
    FROM (SELECT id, latest_hlc, deleted_at,
            (SELECT coalesce(max(counter), 0) FROM annotations) + row_number() OVER (ORDER BY seq) AS counter
        FROM annotations WHERE deleted_at IS NOT NULL);
UPDATE replica SET
    counter = (SELECT coalesce(max(counter), 0) FROM (
        SELECT counter FROM articles UNION ALL SELECT counter FROM article_revisions
        UNION ALL SELECT counter FROM annotations UNION ALL SELECT counter FROM changes)),
    clock = (SELECT max(hlc) FROM (
        SELECT hlc FROM articles UNION ALL SELECT hlc FROM article_revisions
        UNION ALL SELECT latest_hlc AS hlc FROM annotations));
CREATE INDEX annotations_by_change ON annotations (origin, counter);
CREATE INDEX articles_by_change ON articles (origin, counter);
CREATE INDEX article_revisions_by_change ON article_revisions (origin, counter);
