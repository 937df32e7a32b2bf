-- CommunitySdk schema, version 3 (PostgreSQL).
-- A compact outbox that never stalls: one row per committed activity with events, referencing its log entry (the
-- events are stored once, in the log), with the acknowledgements of each handler, a backoff and a dead-letter state.

CREATE TABLE community_outbox_v3 (
    community       text        NOT NULL,
    activity_id     bigint      NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity', -- due when at or before now
    acknowledged    text,                                     -- "event index:handler", one per line
    dead            boolean     NOT NULL DEFAULT false,       -- delivery gave up (dead letter) until requeued
    last_error      text,
    PRIMARY KEY (community, activity_id)
);

-- Pending entries of version 2 (one row per event) become one row per activity.
INSERT INTO community_outbox_v3 (community, activity_id, attempts)
SELECT community, activity_id, MAX(attempts) FROM community_outbox GROUP BY community, activity_id;

DROP TABLE community_outbox;
ALTER TABLE community_outbox_v3 RENAME TO community_outbox;
