-- CommunitySdk schema, version 1 (PostgreSQL).
-- The system of record shared by every app instance: each community's activity log (with the events
-- each activity produced), the idempotency index (a unique constraint, so it holds across instances)
-- and the outbox. Feature state is folded from the log in each instance's memory.
-- Run by the provider on start (under an advisory lock) unless AutoMigrate is off.

CREATE TABLE community_activities (
    community       text   NOT NULL,
    activity_id     bigint NOT NULL,               -- 1, 2, 3, ... per community, no gaps
    idempotency_key text   NOT NULL,
    member          text   NOT NULL,
    type            text   NOT NULL,
    occurred_at     text,                          -- ISO 8601 with offset, when the host gave it
    value           text,                          -- decimal, invariant culture
    attributes      text   NOT NULL,               -- JSON object
    recorded_at     text   NOT NULL,               -- ISO 8601 with offset
    fingerprint     text   NOT NULL,               -- detects a reused key with different content
    events          text   NOT NULL,               -- JSON array, each event with its "$type" name
    PRIMARY KEY (community, activity_id),
    UNIQUE (community, idempotency_key)
);

-- A member's history, newest first.
CREATE INDEX ix_community_activities_member ON community_activities (community, member, activity_id);

-- Events waiting to be published (at least once) after their activity committed.
CREATE TABLE community_outbox (
    id          bigserial PRIMARY KEY,
    community   text    NOT NULL,
    activity_id bigint  NOT NULL,
    event_index integer NOT NULL,
    payload     text    NOT NULL,                  -- the event, JSON
    attempts    integer NOT NULL DEFAULT 0
);
