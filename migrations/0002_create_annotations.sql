-- newsdb schema 2: article revisions, and annotations (highlights, notes, tags) anchored to article text.
-- A shipped migration is never edited: change the schema with a new numbered file.

-- `articles` holds the current text of each article; `revision` counts its versions, from 1.
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);

-- Earlier texts of an article, kept readable when a changed version is imported.
CREATE TABLE article_revisions (
    article_id    TEXT NOT NULL REFERENCES articles (id),
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    title         TEXT NOT NULL,
    dek           TEXT,
    byline        TEXT,
    body          TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    replaced_at   TEXT NOT NULL,
    PRIMARY KEY (article_id, revision)
) WITHOUT ROWID;

-- One row per annotation, deleted ones included (a tombstone: `deleted_at` is set and the row stays, so that a
-- teammate's copy learns of the deletion). `id` is a UUID made on the replica that created it.
-- The selector (`exact`, `prefix`, `suffix`, `start`, `end`) is where the reader made the annotation, on revision
-- `revision`; offsets count Unicode scalars of that revision's body. The anchor (`anchor_*`) is where it stands
-- on the article's current text, worked out again whenever a new revision arrives; an orphan has no offsets.
CREATE TABLE annotations (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
    article_id        TEXT NOT NULL REFERENCES articles (id),
    revision          INTEGER NOT NULL CHECK (revision >= 1),
    exact             TEXT NOT NULL CHECK (length(exact) > 0),
    prefix            TEXT NOT NULL,
    suffix            TEXT NOT NULL,
    start             INTEGER NOT NULL CHECK (start >= 0),
    "end"             INTEGER NOT NULL CHECK ("end" > start),
    anchor_revision   INTEGER NOT NULL CHECK (anchor_revision >= revision),
    anchor_start      INTEGER CHECK (anchor_start >= 0),
    anchor_end        INTEGER CHECK (anchor_end > anchor_start),
    anchor_state      TEXT NOT NULL CHECK (anchor_state IN ('exact', 'moved', 'fuzzy', 'orphan')),
    note              TEXT,
    color             TEXT NOT NULL CHECK (color IN ('yellow', 'green', 'blue', 'pink', 'purple', 'orange')),
    motivation        TEXT NOT NULL,
    author            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    modified_at       TEXT NOT NULL,
    deleted_at        TEXT,
    CHECK ((anchor_state = 'orphan') = (anchor_start IS NULL)),
    CHECK ((anchor_start IS NULL) = (anchor_end IS NULL))
);
CREATE INDEX annotations_by_article ON annotations (article_id, anchor_start);

-- The tags of an annotation, a set: lowercase, no spaces.
CREATE TABLE annotation_tags (
    annotation_id  TEXT NOT NULL REFERENCES annotations (id),
    tag            TEXT NOT NULL CHECK (length(tag) > 0),
    PRIMARY KEY (annotation_id, tag)
) WITHOUT ROWID;
CREATE INDEX annotation_tags_by_tag ON annotation_tags (tag, annotation_id);

-- Full-text index over the notes of annotations, written by newsdb in the same transaction as the annotation
-- (as for articles_fts, not by trigger). Its content is the view of annotations that have a note, so that rows
-- without one need no index entry; tombstones keep theirs, and searches leave them out.
CREATE VIEW annotation_notes AS SELECT seq, note FROM annotations WHERE note IS NOT NULL;
CREATE VIRTUAL TABLE annotation_notes_fts USING fts5 (
    note,
    content = 'annotation_notes',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
