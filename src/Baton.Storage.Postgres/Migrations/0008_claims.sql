-- Issue 15: claims — a live session's hold on an issue or on file globs of one repo (docs/architecture.md §15 Claims).
-- Same columns as SQLite 0011_claims. A claim is held while released_at is null and its session is active and fresh
-- (judged on read, decision 0003). Inserts of one repo take turns under a transaction-scoped advisory lock.

CREATE TABLE claims (
    id              text COLLATE "C" PRIMARY KEY,
    session_id      text COLLATE "C" NOT NULL REFERENCES sessions (id),
    venture         text NOT NULL,
    repo            text NOT NULL,
    agent           text NOT NULL,
    issue_number    integer,
    files           text[] NOT NULL,
    mode            text NOT NULL CHECK (mode IN ('exclusive', 'shared')),
    created_at      bigint NOT NULL,
    released_at     bigint,
    release_reason  text CHECK (release_reason IN ('released', 'eod')),
    actor_key_id    text,
    CHECK ((issue_number IS NULL) <> (cardinality(files) = 0))
);

CREATE INDEX claims_unreleased_by_repo ON claims (venture, repo, id) WHERE released_at IS NULL;
CREATE INDEX claims_by_session ON claims (session_id, id);
