-- Entries are the source of truth. Times are Unix milliseconds (UTC).
-- seq is the value of the global change counter at the entry's last write:
-- the search index asks for everything with a higher seq to catch up.
CREATE TABLE entries (
    id            TEXT PRIMARY KEY,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    date          TEXT NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    source_key    TEXT NOT NULL DEFAULT '',
    source_url    TEXT NOT NULL DEFAULT '',
    original_html TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER,
    seq           INTEGER NOT NULL
);

-- Re-importing a source finds the entry it made before.
CREATE UNIQUE INDEX entries_by_source ON entries (source, source_key) WHERE source_key <> '';
CREATE UNIQUE INDEX entries_by_seq ON entries (seq);
CREATE INDEX entries_timeline ON entries (date DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX entries_trash ON entries (deleted_at) WHERE deleted_at IS NOT NULL;

-- Tag names are unique regardless of case: "SRE" and "sre" are one tag, and
-- the spelling first used is kept.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE entry_tags (
    entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (entry_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX entry_tags_by_tag ON entry_tags (tag_id);

-- Comments that came with an imported entry; read-only in the app.
CREATE TABLE comments (
    entry_id TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    author   TEXT NOT NULL,
    date     INTEGER NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (entry_id, position)
) WITHOUT ROWID;

-- An entry deleted for good leaves its id and the seq of its deletion, so the
-- index learns to drop it.
CREATE TABLE tombstones (
    id  TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('seq', 0);
