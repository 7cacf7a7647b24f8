-- Issue 15: hook events from the agent CLIs and the waiting queue they maintain (docs/architecture.md §15,
-- decisions/0019-hook-events.md). Same conventions as 0001 (bigint unix milliseconds, enums as their
-- snake_case text).

-- The agent CLI's own session, recorded from its events, for an exact resume (`claude --resume <id>`, …).
ALTER TABLE sessions ADD COLUMN native_session_id text;
ALTER TABLE sessions ADD COLUMN native_cli text CHECK (native_cli IN ('claude', 'gemini', 'codex'));
-- Matching an event by its native session id.
CREATE INDEX sessions_by_native ON sessions (native_session_id, native_cli) WHERE native_session_id IS NOT NULL;

-- One row per event, stored once by the id `baton hook` minted (evt_<ULID>). The summary is bounded and
-- secret-scanned by Core; the raw input is never stored. session_id is null for an event no session matched.
CREATE TABLE hook_events (
    id                 text COLLATE "C" PRIMARY KEY,
    session_id         text REFERENCES sessions (id),
    venture            text,
    agent              text,
    cli                text NOT NULL CHECK (cli IN ('claude', 'gemini', 'codex')),
    native_session_id  text,
    event              text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('tool', 'prompt', 'waiting', 'compaction', 'session_start', 'session_end', 'turn_end', 'other')),
    tool               text,
    summary            text,
    cwd                text,
    occurred_at        bigint NOT NULL,
    received_at        bigint NOT NULL
);

-- A session's events, newest first (id order is the outbox's order).
CREATE INDEX hook_events_by_session ON hook_events (session_id, id) WHERE session_id IS NOT NULL;
-- The purge: events older than 14 days.
CREATE INDEX hook_events_by_time ON hook_events (occurred_at);

-- Sessions waiting for a human now: one row per session, since the first wait; deleted by the next prompt, tool
-- call or session end. The list shows only live sessions (joined to sessions), so EOD and staleness take a session
-- out of the queue without touching this table.
CREATE TABLE hook_waiting (
    session_id  text COLLATE "C" PRIMARY KEY REFERENCES sessions (id),
    venture     text NOT NULL,
    agent       text NOT NULL,
    cli         text NOT NULL CHECK (cli IN ('claude', 'gemini', 'codex')),
    reason      text NOT NULL,
    message     text,
    since       bigint NOT NULL,
    updated_at  bigint NOT NULL
);

CREATE INDEX hook_waiting_by_venture ON hook_waiting (venture, since, session_id);
