-- CommunitySdk schema, version 2 (SQLite).
-- Snapshots of projection state (a process starts from the newest and folds only the log after it; the newest
-- two are kept), and which members an activity's events concern besides its own member (an inviter's reward
-- recorded with the invitee's order), so a member's history includes what affected them.

CREATE TABLE community_snapshots (
    community TEXT    NOT NULL,
    position  INTEGER NOT NULL,                    -- the last activity id the state covers
    taken_at  TEXT    NOT NULL,                    -- ISO 8601 with offset
    data      BLOB    NOT NULL,                    -- the SDK's versioned binary format
    PRIMARY KEY (community, position)
) WITHOUT ROWID;

CREATE TABLE community_event_members (
    community   TEXT    NOT NULL,
    member      TEXT    NOT NULL,
    activity_id INTEGER NOT NULL,
    PRIMARY KEY (community, member, activity_id)
) WITHOUT ROWID;

-- Existing history: every event about another member than the activity's own.
INSERT OR IGNORE INTO community_event_members (community, member, activity_id)
SELECT a.community, json_extract(e.value, '$.Member'), a.activity_id
FROM community_activities a, json_each(a.events) e
WHERE json_extract(e.value, '$.Member') IS NOT NULL AND json_extract(e.value, '$.Member') <> a.member;
