-- CommunitySdk schema, version 2 (PostgreSQL).
-- Snapshots of projection state (an instance starts from the newest and folds only the log after it; the newest
-- two are kept), and which members an activity's events concern besides its own member (an inviter's reward
-- recorded with the invitee's order), so a member's history includes what affected them.

CREATE TABLE community_snapshots (
    community text        NOT NULL,
    position  bigint      NOT NULL,               -- the last activity id the state covers
    taken_at  timestamptz NOT NULL,
    data      bytea       NOT NULL,               -- the SDK's versioned binary format
    PRIMARY KEY (community, position)
);

CREATE TABLE community_event_members (
    community   text   NOT NULL,
    member      text   NOT NULL,
    activity_id bigint NOT NULL,
    PRIMARY KEY (community, member, activity_id)
);

-- Existing history: every event about another member than the activity's own.
INSERT INTO community_event_members (community, member, activity_id)
SELECT DISTINCT a.community, e.value ->> 'Member', a.activity_id
FROM community_activities a, jsonb_array_elements(a.events::jsonb) e
WHERE e.value ->> 'Member' IS NOT NULL AND e.value ->> 'Member' <> a.member
ON CONFLICT DO NOTHING;
