-- Sync through a replicated folder. Only a diary that has sync turned on
-- writes to these tables; a diary that never synced pays nothing.
--
-- Every write of a synced diary is a version of its entry, named by a hybrid
-- logical clock and the device that wrote it (vid: 16 hex digits of the
-- clock, '-', the device id, so that comparing vids as strings compares
-- clocks, then devices). A version names the versions it was written over
-- (parents). The versions of an entry form a graph that only grows, and the
-- entry's state is a function of that set alone: its heads (versions no
-- other version names as a parent) compete, live beats trashed beats purged,
-- then the greater vid wins. So every device that holds the same versions
-- shows the same entry, whatever order they arrived in.
CREATE TABLE sync_versions (
    entry_id  TEXT NOT NULL,
    vid       TEXT NOT NULL,
    parents   TEXT NOT NULL,              -- JSON array of vids
    state     INTEGER NOT NULL,           -- 0 live, 1 trashed, 2 purged
    head      INTEGER NOT NULL,           -- 1 while no known version names it as a parent
    text_hash TEXT NOT NULL DEFAULT '',   -- of title, body, date and tags: equal texts are no conflict
    -- The full state as JSON, kept only while it is not the entry's current
    -- version and is still needed: a local version not yet sent, or a head
    -- that lost (a conflict version). The current version's content is the
    -- entries row itself.
    content   TEXT,
    local     INTEGER NOT NULL,           -- written on this device
    sent      INTEGER NOT NULL,           -- local: in a sealed segment of the folder; remote: 1
    PRIMARY KEY (entry_id, vid)
) WITHOUT ROWID;
CREATE INDEX sync_versions_unsent ON sync_versions (vid) WHERE sent <> 1;

-- The current version of each entry, and how many other texts compete with
-- it (a conflict the person has not resolved yet).
ALTER TABLE entries ADD COLUMN vid TEXT;
ALTER TABLE entries ADD COLUMN conflicts INTEGER NOT NULL DEFAULT 0;

-- Settings and state of sync on this device: its id, the folder, the clock.
CREATE TABLE sync_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Segments of other devices already applied, so a pass reads only new files.
CREATE TABLE sync_segments (
    device     TEXT NOT NULL,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    records    INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (device, name, sha256)
) WITHOUT ROWID;

-- The other devices seen in the folder.
CREATE TABLE sync_devices (
    device     TEXT PRIMARY KEY,
    host       TEXT NOT NULL DEFAULT '',   -- the name it gives itself
    alias      TEXT NOT NULL DEFAULT '',   -- the name the person gave it here
    last_seen  INTEGER NOT NULL DEFAULT 0, -- when a segment of it was last applied
    clock_skew INTEGER NOT NULL DEFAULT 0  -- ms its clock was ahead of ours, when over the bound
);

-- Entries in conflict, found without reading any body (the column is stored
-- after it).
CREATE INDEX entries_in_conflict ON entries (id) WHERE conflicts > 0;
