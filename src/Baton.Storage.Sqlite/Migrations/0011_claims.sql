-- Issue 15: claims — a live session's hold on an issue or on file globs of one repo (docs/architecture.md §15 Claims).
-- A claim is held while released_at is null and its session is active and fresh: staleness is judged on read with
-- the session rule (decision 0003), so there is no sweeper; EOD sets released_at with reason 'eod'.

CREATE TABLE claims (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id),
    venture         TEXT NOT NULL,
    repo            TEXT NOT NULL,   -- org/name, as the session stores it
    agent           TEXT NOT NULL,
    issue_number    INTEGER,         -- an issue claim; else files holds the globs
    files           TEXT NOT NULL,   -- JSON array of git wildmatch globs; [] for an issue claim
    mode            TEXT NOT NULL CHECK (mode IN ('exclusive', 'shared')),
    created_at      INTEGER NOT NULL,
    released_at     INTEGER,
    release_reason  TEXT CHECK (release_reason IN ('released', 'eod')),
    actor_key_id    TEXT,
    CHECK ((issue_number IS NULL) <> (files = '[]'))
) STRICT;

-- What a claim's decision and the guard read: the unreleased claims of one repo.
CREATE INDEX claims_unreleased_by_repo ON claims (venture, repo, id) WHERE released_at IS NULL;
-- EOD releases a session's claims; `baton claims --session` lists them.
CREATE INDEX claims_by_session ON claims (session_id, id);
