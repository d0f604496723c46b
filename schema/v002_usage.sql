-- v002: Activity Log usage (issue 4; REFERENCE.md §1.9, §3). Owned by the usage import
-- (Sources/ScopedownStore/Store+Usage.swift). Strings are interned into lookup tables (NOTES.md:
-- 10x less disk, 3x faster inserts than strings per row); the usage rows hold integers only.

-- Callers as found in the events: the oid claim, the evidence principal, or `caller`.
-- key: the GUID key for GUIDs, else lower(caller) (a UPN); '' for events without any caller.
-- resolved_id: the principal's object id (the GUID itself, or the user whose UPN matches).
CREATE TABLE usage_principals (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    caller      TEXT    NOT NULL,
    resolved_id TEXT
) STRICT;

-- authorization.action: key = lower(action), display = first spelling seen.
CREATE TABLE usage_actions (
    id      INTEGER PRIMARY KEY,
    key     TEXT    NOT NULL UNIQUE,
    display TEXT    NOT NULL
) STRICT;

-- authorization.scope: key = Scope.key (lower-case, canonical), display = first spelling seen.
CREATE TABLE usage_scopes (
    id      INTEGER PRIMARY KEY,
    key     TEXT    NOT NULL UNIQUE,
    display TEXT    NOT NULL
) STRICT;

-- identity.authorization.evidence.roleAssignmentId, re-dashed GUID key (REFERENCE.md §1.9.4).
-- Id 0 means "no evidence" in the tables below.
CREATE TABLE usage_assignments (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL UNIQUE
) STRICT;

-- Confirmed uses (Succeeded events) and denied attempts, per (principal, action, scope, day, evidence).
-- Keys lead with the day so that one hourly file's rows stay together.
-- day: days since 1970-01-01 UTC; first_seen / last_seen: seconds since the epoch.
CREATE TABLE usage (
    principal_id  INTEGER NOT NULL,
    action_id     INTEGER NOT NULL,
    scope_id      INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL DEFAULT 0,
    uses          INTEGER NOT NULL DEFAULT 0,
    denied        INTEGER NOT NULL DEFAULT 0,
    first_seen    INTEGER,
    last_seen     INTEGER,
    PRIMARY KEY (day, principal_id, action_id, scope_id, assignment_id)
) STRICT, WITHOUT ROWID;

-- Tentative uses: Started / Accepted events, per operation (hash of correlationId + action). They
-- count unless the same operation has a Failed event (usage_failed_operations), whichever file or
-- import brings it (REFERENCE.md §3.3). Kept on disk so memory stays bounded.
CREATE TABLE usage_pending (
    operation_hash INTEGER NOT NULL,
    principal_id   INTEGER NOT NULL,
    action_id      INTEGER NOT NULL,
    scope_id       INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    assignment_id  INTEGER NOT NULL DEFAULT 0,
    uses           INTEGER NOT NULL,
    first_seen     INTEGER,
    last_seen      INTEGER,
    PRIMARY KEY (day, operation_hash, principal_id, action_id, scope_id, assignment_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX usage_pending_by_operation ON usage_pending(operation_hash);

CREATE TABLE usage_failed_operations (
    operation_hash INTEGER PRIMARY KEY
) STRICT;

-- Every event imported, by a 64-bit hash of its eventDataId (or of the whole record when it has
-- none), so overlapping exports and re-imports count each event once (REFERENCE.md §3.2). Keyed by
-- (time, hash): a duplicate has the same time, and the rows of one hourly file stay together in
-- the b-tree (a per-file commit then writes a few pages, not one per event).
CREATE TABLE usage_seen_events (
    time       INTEGER NOT NULL,
    event_hash INTEGER NOT NULL,
    PRIMARY KEY (time, event_hash)
) STRICT, WITHOUT ROWID;

-- One row per Activity Log / usage CSV import (the file itself is in `imports`).
CREATE TABLE usage_imports (
    import_id             INTEGER PRIMARY KEY,
    window_from           INTEGER,
    window_to             INTEGER,
    events                INTEGER NOT NULL,
    uses                  INTEGER NOT NULL,
    failed                INTEGER NOT NULL,
    denied                INTEGER NOT NULL,
    duplicates            INTEGER NOT NULL,
    without_authorization INTEGER NOT NULL,
    unresolved_callers    INTEGER NOT NULL
) STRICT;

-- `--keep-events`: the raw records, for forensics.
CREATE TABLE usage_events (
    event_hash    INTEGER PRIMARY KEY,
    import_id     INTEGER NOT NULL,
    time          INTEGER NOT NULL,
    principal_id  INTEGER NOT NULL,
    action_id     INTEGER NOT NULL,
    scope_id      INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    raw           TEXT    NOT NULL
) STRICT;

-- Uses as the usage report reads them: confirmed uses plus tentative uses of operations that did
-- not fail.
CREATE VIEW usage_effective AS
SELECT principal_id, action_id, scope_id, day, assignment_id,
       SUM(uses) AS uses, SUM(denied) AS denied, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen
FROM (
    SELECT principal_id, action_id, scope_id, day, assignment_id, uses, denied, first_seen, last_seen FROM usage
    UNION ALL
    SELECT p.principal_id, p.action_id, p.scope_id, p.day, p.assignment_id, p.uses, 0, p.first_seen, p.last_seen
    FROM usage_pending p
    WHERE NOT EXISTS (SELECT 1 FROM usage_failed_operations f WHERE f.operation_hash = p.operation_hash)
)
GROUP BY principal_id, action_id, scope_id, day, assignment_id;
