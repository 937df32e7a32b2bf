-- CommunitySdk schema, version 1 (SQLite).
-- The store keeps only the system of record: each community's activity log (with the events each
-- activity produced), the idempotency index (a unique constraint) and the outbox. Feature state is
-- folded from the log in memory. Run by the provider on start unless AutoMigrate is off.

CREATE TABLE community_activities (
    community       TEXT    NOT NULL,
    activity_id     INTEGER NOT NULL,               -- 1, 2, 3, ... per community, no gaps
    idempotency_key TEXT    NOT NULL,
    member          TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    occurred_at     TEXT,                           -- ISO 8601 with offset, when the host gave it
    value           TEXT,                           -- decimal, invariant culture
    attributes      TEXT    NOT NULL,               -- JSON object
    recorded_at     TEXT    NOT NULL,               -- ISO 8601 with offset
    fingerprint     TEXT    NOT NULL,               -- detects a reused key with different content
    events          TEXT    NOT NULL,               -- JSON array, each event with its "$type" name
    PRIMARY KEY (community, activity_id),
    UNIQUE (community, idempotency_key)
) WITHOUT ROWID;

-- A member's history, newest first.
CREATE INDEX ix_community_activities_member ON community_activities (community, member, activity_id);

-- Events waiting to be published (at least once) after their activity committed.
CREATE TABLE community_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    community   TEXT    NOT NULL,
    activity_id INTEGER NOT NULL,
    event_index INTEGER NOT NULL,
    payload     TEXT    NOT NULL,                   -- the event, JSON
    attempts    INTEGER NOT NULL DEFAULT 0
);
