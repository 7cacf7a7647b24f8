-- Issue 5: the machines of the fleet. Same conventions as 0001 (bigint unix milliseconds).

CREATE TABLE machines (
    id              text COLLATE "C" PRIMARY KEY,
    hostname        text NOT NULL,   -- lowercase; the identity a registration upserts on
    os              text,
    arch            text,
    address         text,
    ssh_public_key  text,
    ssh_user        text,
    registered_at   bigint NOT NULL,
    last_seen_at    bigint NOT NULL,
    actor_key_id    text
);

-- Registration is idempotent on the hostname: the upsert's conflict target.
CREATE UNIQUE INDEX machines_by_hostname ON machines (hostname);
