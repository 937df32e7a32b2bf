-- CommunitySdk schema, version 3 (SQLite).
-- A compact outbox that never stalls: one row per committed activity with events, referencing its log entry (the
-- events are stored once, in the log), with the acknowledgements of each handler, a backoff and a dead-letter state.

CREATE TABLE community_outbox_v3 (
    community       TEXT    NOT NULL,
    activity_id     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,    -- Unix milliseconds; due when at or before now
    acknowledged    TEXT,                          -- "event index:handler", one per line
    dead            INTEGER NOT NULL DEFAULT 0,    -- 1: delivery gave up (dead letter) until requeued
    last_error      TEXT,
    PRIMARY KEY (community, activity_id)
) WITHOUT ROWID;

-- Pending entries of version 2 (one row per event) become one row per activity.
INSERT INTO community_outbox_v3 (community, activity_id, attempts)
SELECT community, activity_id, MAX(attempts) FROM community_outbox GROUP BY community, activity_id;

DROP TABLE community_outbox;
ALTER TABLE community_outbox_v3 RENAME TO community_outbox;
