-- Earlier versions of an entry's text. A save that changes the title, body,
-- date or tags keeps what was there before, unless the entry kept a revision
-- moments ago (autosaves of one editing session fold into one revision).
-- number counts up per entry and is never reused while the entry exists;
-- pruning leaves gaps. Small columns come first so that listing and pruning
-- read rows without their bodies' overflow pages.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    entry_id    TEXT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL, -- when it stopped being the current text
    saved_at    INTEGER NOT NULL, -- when this text was saved
    size        INTEGER NOT NULL, -- bytes of body
    date        TEXT NOT NULL,
    tags        TEXT NOT NULL,    -- JSON array
    title       TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE UNIQUE INDEX revisions_by_entry ON revisions (entry_id, number);
CREATE INDEX revisions_by_time ON revisions (recorded_at);
