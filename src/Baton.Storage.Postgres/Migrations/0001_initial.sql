-- The PostgreSQL schema: everything SQLite's 0001_initial and 0002_knowledge hold, in one first migration.
-- Conventions match the SQLite store so both answer alike: timestamps are bigint unix milliseconds (UTC); enum values
-- are the snake_case wire names; lists are text[]. Objects are created unqualified, in the first schema of the
-- connection's search_path. Never edit this file once released (its checksum is recorded in schema_migrations).

-- Full-text search without stop words: SQLite's porter tokenizer finds "or", "not" and "and" too, and a search for
-- them must not come back empty here. English stemming ("deploying" finds "deploy") like porter.
CREATE TEXT SEARCH DICTIONARY baton_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION baton_text (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION baton_text
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH baton_english_stem;

CREATE TABLE ventures (
    code          text COLLATE "C" PRIMARY KEY,
    name          text COLLATE "C" NOT NULL,
    org           text NOT NULL,
    repos         text[] NOT NULL,
    capabilities  text[] NOT NULL,
    secrets_path  text,
    design_spec   text,
    platform      boolean NOT NULL,
    note_tags     text[] NOT NULL
);

CREATE TABLE api_keys (
    id            text COLLATE "C" PRIMARY KEY,
    name          text COLLATE "C" NOT NULL,
    role          text NOT NULL CHECK (role IN ('agent', 'admin')),
    venture       text REFERENCES ventures (code),
    key_hash      text NOT NULL,
    actor_key_id  text NOT NULL,
    created_at    bigint NOT NULL,
    revoked_at    bigint,
    created_by    text
);

-- Every authenticated request (at most once a second per key and replica: see the key cache) looks a key up by hash.
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);

CREATE TABLE handoffs (
    id                       text COLLATE "C" PRIMARY KEY,
    session_id               text,
    venture                  text NOT NULL REFERENCES ventures (code),
    repo                     text NOT NULL,
    track                    text NOT NULL,
    issue_number             integer,
    from_agent               text NOT NULL,
    to_agent                 text,
    status                   text NOT NULL CHECK (status IN ('done', 'in_progress', 'blocked')),
    summary                  text NOT NULL,
    payload                  text NOT NULL,  -- RFC 8785 canonical JSON, kept byte for byte (not jsonb, which reorders)
    payload_hash             text NOT NULL,
    payload_size_bytes       integer NOT NULL,
    source_venture           text REFERENCES ventures (code),
    created_at               bigint NOT NULL,
    actor_key_id             text,
    creation_correlation_id  text
);

CREATE INDEX handoffs_by_track ON handoffs (venture, repo, track, id DESC);
CREATE INDEX handoffs_by_source ON handoffs (venture, source_venture, id DESC);

CREATE TABLE sessions (
    id                       text COLLATE "C" PRIMARY KEY,
    agent                    text NOT NULL,
    cli                      text,
    host                     text,
    venture                  text NOT NULL REFERENCES ventures (code),
    repo                     text NOT NULL,
    track                    text NOT NULL,
    issue_number             integer,
    branch                   text,
    commit_sha               text,
    status                   text NOT NULL CHECK (status IN ('active', 'ended', 'abandoned')),
    end_reason               text CHECK (end_reason IN ('manual', 'stale', 'superseded', 'error')),
    created_at               bigint NOT NULL,
    last_heartbeat_at        bigint NOT NULL,
    ended_at                 bigint,
    actor_key_id             text,
    creation_correlation_id  text,
    meta                     text,  -- JSON object
    eod_handoff_id           text REFERENCES handoffs (id)
);

CREATE INDEX sessions_active_by_tuple ON sessions (agent, venture, repo, track) WHERE status = 'active';
CREATE INDEX sessions_by_venture_status ON sessions (venture, status, id);
CREATE INDEX sessions_by_status ON sessions (status, id);

CREATE TABLE idempotency (
    route                  text NOT NULL,
    actor_key_id           text NOT NULL,
    key                    text NOT NULL,
    request_hash           text NOT NULL,
    state                  text NOT NULL CHECK (state IN ('pending', 'completed')),
    response_status        integer,
    response_content_type  text,
    response_body          bytea,
    response_body_hash     text,
    response_location      text,
    created_at             bigint NOT NULL,
    expires_at             bigint NOT NULL,
    PRIMARY KEY (route, actor_key_id, key)
);

CREATE INDEX idempotency_by_expiry ON idempotency (expires_at);

CREATE TABLE request_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    timestamp       bigint NOT NULL,
    correlation_id  text NOT NULL,
    route           text NOT NULL,
    method          text NOT NULL,
    status          integer NOT NULL,
    duration_ms     double precision NOT NULL,
    actor_key_id    text,
    venture         text,
    error_code      text
);

CREATE INDEX request_log_by_time ON request_log (timestamp);
CREATE INDEX request_log_by_correlation ON request_log (correlation_id);

-- Rate-limit windows shared by every replica: one row per actor, rewritten in place by each request.
CREATE TABLE rate_limits (
    actor_key_id  text PRIMARY KEY,
    window_start  bigint NOT NULL,
    count         integer NOT NULL
);

CREATE TABLE notes (
    id            text COLLATE "C" PRIMARY KEY,
    venture       text NOT NULL,   -- a venture code or 'global'
    title         text NOT NULL,
    content       text NOT NULL,
    tags          text[] NOT NULL,
    archived      boolean NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    actor_key_id  text,
    source        text,
    -- Title words weigh more than body words (A vs B in ts_rank). Generated, so it can never drift from the text.
    search        tsvector GENERATED ALWAYS AS (
                      setweight(to_tsvector('baton_text', title), 'A') || setweight(to_tsvector('baton_text', content), 'B')
                  ) STORED
);

CREATE INDEX notes_search ON notes USING gin (search);
CREATE INDEX notes_by_tags ON notes USING gin (tags);
CREATE INDEX notes_live_by_updated ON notes (updated_at DESC, id DESC) WHERE NOT archived;
CREATE INDEX notes_live_by_venture ON notes (venture, updated_at DESC, id DESC) WHERE NOT archived;

CREATE TABLE docs (
    scope         text COLLATE "C" NOT NULL,
    name          text COLLATE "C" NOT NULL,
    title         text NOT NULL,
    content       text NOT NULL,
    content_hash  text NOT NULL,
    size_bytes    integer NOT NULL,
    doc_type      text,
    version       integer NOT NULL,
    updated_at    bigint NOT NULL,
    uploaded_by   text,
    source_repo   text,
    source_path   text,
    generated     boolean NOT NULL,
    PRIMARY KEY (scope, name)
);

CREATE TABLE doc_versions (
    scope         text COLLATE "C" NOT NULL,
    name          text COLLATE "C" NOT NULL,
    version       integer NOT NULL,
    title         text NOT NULL,
    content       text NOT NULL,
    content_hash  text NOT NULL,
    size_bytes    integer NOT NULL,
    doc_type      text,
    updated_at    bigint NOT NULL,
    uploaded_by   text,
    source_repo   text,
    source_path   text,
    generated     boolean NOT NULL,
    PRIMARY KEY (scope, name, version)
);

CREATE TABLE doc_requirements (
    id                  text COLLATE "C" PRIMARY KEY,
    name_pattern        text NOT NULL,
    scope_type          text NOT NULL CHECK (scope_type IN ('global', 'every_venture', 'venture')),
    venture             text,
    capability          text,
    staleness_days      integer NOT NULL,
    auto_generate       boolean NOT NULL,
    generation_sources  text[] NOT NULL,
    created_at          bigint NOT NULL
);

-- The same default set as the SQLite store (fixed ids, created_at 0 so they list first).
INSERT INTO doc_requirements (id, name_pattern, scope_type, venture, capability, staleness_days, auto_generate, generation_sources, created_at)
VALUES
    ('req_project_instructions', '{venture}-project-instructions.md', 'every_venture', NULL, NULL, 90, true,
     ARRAY['instructions', 'readme', 'manifests', 'process_docs'], 0),
    ('req_api', '{venture}-api.md', 'every_venture', NULL, 'has_api', 90, true,
     ARRAY['routes', 'openapi', 'http_tests'], 0),
    ('req_schema', '{venture}-schema.md', 'every_venture', NULL, 'has_database', 90, true,
     ARRAY['migrations', 'schema'], 0);
