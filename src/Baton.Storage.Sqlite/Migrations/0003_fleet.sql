-- Issue 5: the machines of the fleet. Same conventions as 0001 (INTEGER unix milliseconds, STRICT tables).

CREATE TABLE machines (
    id              TEXT PRIMARY KEY,
    hostname        TEXT NOT NULL,   -- lowercase; the identity a registration upserts on
    os              TEXT,
    arch            TEXT,
    address         TEXT,
    ssh_public_key  TEXT,
    ssh_user        TEXT,
    registered_at   INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    actor_key_id    TEXT
) STRICT;

-- Registration is idempotent on the hostname: the upsert's conflict target.
CREATE UNIQUE INDEX machines_by_hostname ON machines (hostname);
