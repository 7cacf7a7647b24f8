-- Issue 3: notes (full-text searchable with FTS5), versioned docs and doc requirements.
-- Same conventions as 0001. A note's venture and a doc's scope may be 'global', which is not a row in ventures, so
-- neither has a foreign key to ventures.

CREATE TABLE notes (
    -- FTS5 keys its index by an integer rowid. Declaring it keeps it stable (VACUUM may renumber an implicit rowid,
    -- which would silently detach the index from its rows).
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    venture       TEXT NOT NULL,   -- a venture code or 'global'
    title         TEXT NOT NULL,
    content       TEXT NOT NULL,
    tags          TEXT NOT NULL,   -- JSON array; note_tags holds the same tags as rows for filtering
    archived      INTEGER NOT NULL CHECK (archived IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    actor_key_id  TEXT,
    source        TEXT
) STRICT;

-- Lists without search words page newest first within the scope filter, and count what the filter keeps. Partial on
-- live notes: that is what nearly every list asks for, and (measured on 100,000 notes) the planner then reads the
-- newest page straight off the index and counts a venture's notes from it. Lists that include archived notes scan.
CREATE INDEX notes_live_by_updated ON notes (updated_at DESC, id DESC) WHERE archived = 0;
CREATE INDEX notes_live_by_venture ON notes (venture, updated_at DESC, id DESC) WHERE archived = 0;

CREATE TABLE note_tags (
    note_id  TEXT NOT NULL REFERENCES notes (id),
    tag      TEXT NOT NULL,
    PRIMARY KEY (note_id, tag)
) STRICT, WITHOUT ROWID;

-- The tag filter asks "which notes carry tag X".
CREATE INDEX note_tags_by_tag ON note_tags (tag, note_id);

-- External-content index over title and content: the text lives once, in notes. porter stems English words
-- ("deploying" finds "deploy"); unicode61 folds case and diacritics for every script.
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    title,
    content,
    content = 'notes',
    content_rowid = 'seq',
    tokenize = 'porter unicode61'
);

-- The triggers keep the index in step with the rows. Archiving only flips a column: archived notes stay indexed
-- because a search may ask for them, and the search filters on notes.archived.
CREATE TRIGGER notes_fts_after_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, title, content) VALUES (new.seq, new.title, new.content);
END;

CREATE TRIGGER notes_fts_after_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, title, content) VALUES ('delete', old.seq, old.title, old.content);
END;

CREATE TRIGGER notes_fts_after_update AFTER UPDATE OF title, content ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, title, content) VALUES ('delete', old.seq, old.title, old.content);
    INSERT INTO notes_fts (rowid, title, content) VALUES (new.seq, new.title, new.content);
END;

-- The current version of each doc, content included, so reading a doc is one row.
CREATE TABLE docs (
    scope         TEXT NOT NULL,   -- 'global' or a venture code
    name          TEXT NOT NULL,
    title         TEXT NOT NULL,
    content       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,   -- SHA-256 hex of the UTF-8 content
    size_bytes    INTEGER NOT NULL,
    doc_type      TEXT,
    version       INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    uploaded_by   TEXT,
    source_repo   TEXT,
    source_path   TEXT,
    generated     INTEGER NOT NULL CHECK (generated IN (0, 1)),
    PRIMARY KEY (scope, name)
) STRICT, WITHOUT ROWID;

-- Every version ever stored, the current one included, so any version reads the same way.
CREATE TABLE doc_versions (
    scope         TEXT NOT NULL,
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    content       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    doc_type      TEXT,
    updated_at    INTEGER NOT NULL,
    uploaded_by   TEXT,
    source_repo   TEXT,
    source_path   TEXT,
    generated     INTEGER NOT NULL CHECK (generated IN (0, 1)),
    PRIMARY KEY (scope, name, version)
) STRICT;

CREATE TABLE doc_requirements (
    id                  TEXT PRIMARY KEY,
    name_pattern        TEXT NOT NULL,   -- may hold {venture}
    scope_type          TEXT NOT NULL CHECK (scope_type IN ('global', 'every_venture', 'venture')),
    venture             TEXT,            -- set only for scope_type 'venture'
    capability          TEXT,            -- e.g. has_api; null = every venture in scope
    staleness_days      INTEGER NOT NULL,
    auto_generate       INTEGER NOT NULL CHECK (auto_generate IN (0, 1)),
    generation_sources  TEXT NOT NULL,   -- JSON array
    created_at          INTEGER NOT NULL
) STRICT;

-- The default set a fresh store starts with. Fixed ids let an admin edit or delete them by name; created_at 0 keeps
-- the migration's text (and so its checksum) free of the time it ran, and lists the defaults first.
INSERT INTO doc_requirements (id, name_pattern, scope_type, venture, capability, staleness_days, auto_generate, generation_sources, created_at)
VALUES
    ('req_project_instructions', '{venture}-project-instructions.md', 'every_venture', NULL, NULL, 90, 1,
     '["instructions","readme","manifests","process_docs"]', 0),
    ('req_api', '{venture}-api.md', 'every_venture', NULL, 'has_api', 90, 1,
     '["routes","openapi","http_tests"]', 0),
    ('req_schema', '{venture}-schema.md', 'every_venture', NULL, 'has_database', 90, 1,
     '["migrations","schema"]', 0);
