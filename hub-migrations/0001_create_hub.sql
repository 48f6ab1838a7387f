-- newsdb hub schema 1: the team hub's relay on PostgreSQL (docs/HUB.md). A shipped migration is never edited: change
-- the schema with a new numbered file.
--
-- The hub is a relay with a replica identity: it keeps every change still in effect, each as the change file's line
-- for it, and what it has received from each replica; it builds no annotation tables, search or anchors. Text that
-- sorts (replica ids, hybrid clock timestamps, annotation and article ids) sorts byte by byte, as SQLite sorts it
-- (COLLATE "C"); counters are bigint.

-- The hub's own replica: its id and name, as it gives them in every page's header. It makes no changes of its own.
CREATE TABLE hub_replica (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    id          text COLLATE "C" NOT NULL CHECK (length(id) > 0),
    name        text NOT NULL CHECK (length(name) > 0),
    created_at  text NOT NULL
);

-- The teammates allowed to sync with the hub (`newsdb hub tokens create NAME`); only a token's SHA-256 is kept.
CREATE TABLE hub_tokens (
    name        text PRIMARY KEY CHECK (length(name) > 0),
    hash        text NOT NULL UNIQUE CHECK (length(hash) = 64),
    created_at  text NOT NULL
);

-- Every replica the hub has heard of: its name (NULL while it is known by its id only), the changes of it the hub
-- has received (kept or dropped as overwritten), and the token its changes are pushed with (NULL until a token first
-- pushes them or is named for it): another token cannot push its changes. A push locks the rows of the replicas it
-- carries, in id order.
CREATE TABLE hub_origins (
    id        text COLLATE "C" PRIMARY KEY CHECK (length(id) > 0),
    name      text,
    received  int8multirange NOT NULL DEFAULT '{}',
    token     text
);

-- The annotations and articles changes are about, one row each: a push locks the rows of its subjects, in id order,
-- before anything else, so that two pushes touching the same annotation apply one after the other.
CREATE TABLE hub_subjects (
    id  text COLLATE "C" PRIMARY KEY
);

-- The changes in effect. `register` names what a change competes in on its subject: an annotation's field (`note`,
-- `color`, `motivation`, `selector`, `deleted`) or one tag's additions (`tag:NAME`); a later change that saw a value of
-- its register drops it. NULL for what nothing overwrites (article versions, creations) and for tag removals
-- (`untag:NAME`, kept as the SQLite store keeps them). `line` is the change alone in the change file's line format.
CREATE TABLE hub_changes (
    origin    text COLLATE "C" NOT NULL REFERENCES hub_origins (id),
    counter   bigint NOT NULL CHECK (counter >= 1),
    hlc       text COLLATE "C" NOT NULL,
    subject   text COLLATE "C" NOT NULL,
    register  text COLLATE "C",
    line      text NOT NULL,
    PRIMARY KEY (origin, counter)
);
CREATE INDEX hub_changes_by_register ON hub_changes (subject, register) WHERE register IS NOT NULL;

-- The replicas whose pages were pushed here: their newsdb version and when they were last heard from.
CREATE TABLE hub_peers (
    origin         text COLLATE "C" PRIMARY KEY REFERENCES hub_origins (id),
    newsdb         text NOT NULL,
    last_heard_at  text NOT NULL
);
