-- Issue 2: ventures, API keys, sessions, handoffs, idempotency records and the request log.
-- Conventions: timestamps are INTEGER unix milliseconds (UTC); lists and meta are JSON text; enum values are the
-- snake_case wire names. Later issues add notes (FTS5), docs and the rest as 0002+; never edit this file once
-- released (its checksum is recorded in schema_migrations).

CREATE TABLE ventures (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    org           TEXT NOT NULL,
    repos         TEXT NOT NULL,   -- JSON array of repo names
    capabilities  TEXT NOT NULL,   -- JSON array
    secrets_path  TEXT,
    design_spec   TEXT,
    platform      INTEGER NOT NULL CHECK (platform IN (0, 1)),
    note_tags     TEXT NOT NULL    -- JSON array
) STRICT;

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    venture       TEXT REFERENCES ventures (code),
    key_hash      TEXT NOT NULL,
    actor_key_id  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    created_by    TEXT
) STRICT;

-- Every authenticated request looks its key up by hash.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);

CREATE TABLE sessions (
    id                       TEXT PRIMARY KEY,
    agent                    TEXT NOT NULL,
    cli                      TEXT,
    host                     TEXT,
    venture                  TEXT NOT NULL REFERENCES ventures (code),
    repo                     TEXT NOT NULL,
    track                    TEXT NOT NULL,
    issue_number             INTEGER,
    branch                   TEXT,
    commit_sha               TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('active', 'ended', 'abandoned')),
    end_reason               TEXT CHECK (end_reason IN ('manual', 'stale', 'superseded', 'error')),
    created_at               INTEGER NOT NULL,
    last_heartbeat_at        INTEGER NOT NULL,
    ended_at                 INTEGER,
    actor_key_id             TEXT,
    creation_correlation_id  TEXT,
    meta                     TEXT,  -- JSON object
    -- The handoff stored by this session's EOD: set once, so a repeated EOD answers with the same pair.
    eod_handoff_id           TEXT REFERENCES handoffs (id)
) STRICT;

-- SOD looks up the stored-active sessions of one (agent, venture, repo, track); only active rows matter there.
CREATE INDEX sessions_active_by_tuple ON sessions (agent, venture, repo, track) WHERE status = 'active';
-- Session lists filter by venture and status and page newest first by id.
CREATE INDEX sessions_by_venture_status ON sessions (venture, status, id);
CREATE INDEX sessions_by_status ON sessions (status, id);

CREATE TABLE handoffs (
    id                       TEXT PRIMARY KEY,
    session_id               TEXT,
    venture                  TEXT NOT NULL REFERENCES ventures (code),
    repo                     TEXT NOT NULL,
    track                    TEXT NOT NULL,
    issue_number             INTEGER,
    from_agent               TEXT NOT NULL,
    to_agent                 TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('done', 'in_progress', 'blocked')),
    summary                  TEXT NOT NULL,
    payload                  TEXT NOT NULL,  -- RFC 8785 canonical JSON
    payload_hash             TEXT NOT NULL,
    payload_size_bytes       INTEGER NOT NULL,
    source_venture           TEXT REFERENCES ventures (code),  -- set for cross-venture handoffs
    created_at               INTEGER NOT NULL,
    actor_key_id             TEXT,
    creation_correlation_id  TEXT
) STRICT;

-- The briefing's "last handoff" of a track, and handoff lists by venture/repo/track, newest first.
CREATE INDEX handoffs_by_track ON handoffs (venture, repo, track, id DESC);
-- Own (source_venture null) versus addressed (source_venture set) handoffs of a venture, newest first.
CREATE INDEX handoffs_by_source ON handoffs (venture, source_venture, id DESC);

CREATE TABLE idempotency (
    route                  TEXT NOT NULL,
    actor_key_id           TEXT NOT NULL,
    key                    TEXT NOT NULL,
    request_hash           TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('pending', 'completed')),
    response_status        INTEGER,
    response_content_type  TEXT,
    response_body          BLOB,    -- whole body when under 64 KB
    response_body_hash     TEXT,    -- otherwise only its hash
    response_location      TEXT,
    created_at             INTEGER NOT NULL,
    expires_at             INTEGER NOT NULL,
    PRIMARY KEY (route, actor_key_id, key)
) STRICT, WITHOUT ROWID;

-- Purge deletes expired records.
CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

CREATE TABLE request_log (
    id              INTEGER PRIMARY KEY,
    timestamp       INTEGER NOT NULL,
    correlation_id  TEXT NOT NULL,
    route           TEXT NOT NULL,
    method          TEXT NOT NULL,
    status          INTEGER NOT NULL,
    duration_ms     REAL NOT NULL,
    actor_key_id    TEXT,
    venture         TEXT,
    error_code      TEXT
) STRICT;

-- Retention purges by time; support looks a request up by correlation id.
CREATE INDEX request_log_by_time ON request_log (timestamp);
CREATE INDEX request_log_by_correlation ON request_log (correlation_id);
