-- v003: compact storage for the two per-event structures of the usage import (issue 4 item 5,
-- issue 5 performance). One row per event in `usage_seen_events` and one row per started operation
-- in `usage_pending` cost more than the rest of an Activity Log import; both become blocks of
-- fixed-size binary records written once per flush (Sources/ScopedownStore/UsageBlocks.swift).
-- Rows of databases made before v003 are converted by the store when it opens them (the legacy
-- tables are renamed here, converted, then dropped), so nothing imported before is lost.

-- Every event imported, as a 64-bit key (the event's eventDataId or record hash combined with its
-- time, REFERENCE.md §3.2), in sorted blocks per hour of event time: little-endian UInt64s.
CREATE TABLE usage_seen_blocks (
    id   INTEGER PRIMARY KEY,
    hour INTEGER NOT NULL,
    keys BLOB    NOT NULL
) STRICT;
CREATE INDEX usage_seen_blocks_by_hour ON usage_seen_blocks(hour);

-- Tentative uses (Started / Accepted events, REFERENCE.md §3.3), per operation: blocks of 48-byte
-- little-endian records (operation hash u64, principal_id i32, action_id i32, scope_id i32, day i32,
-- assignment_id i32, uses u32, first_seen i64, last_seen i64). A use counts unless its operation is
-- in usage_failed_operations.
CREATE TABLE usage_tentative_blocks (
    id      INTEGER PRIMARY KEY,
    entries BLOB    NOT NULL
) STRICT;

DROP VIEW usage_effective;
ALTER TABLE usage_seen_events RENAME TO legacy_usage_seen_events;
ALTER TABLE usage_pending RENAME TO legacy_usage_pending;
DROP INDEX usage_pending_by_operation;

-- An import's identity is its content hash: the SHA-256 of an inventory file, the `xxh128:`
-- fingerprint of an Activity Log file (Sources/ScopedownImport/Input/Fingerprint.swift).
ALTER TABLE imports RENAME COLUMN sha256 TO content_hash;

-- The aggregates keyed scope first: an archive is read subscription by subscription (its folders
-- are per subscription, then per hour), and scope ids are given in order of first appearance, so
-- the upserts of an import land at the end of the b-tree instead of across every day of it.
CREATE TABLE usage_by_scope (
    principal_id  INTEGER NOT NULL,
    action_id     INTEGER NOT NULL,
    scope_id      INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL DEFAULT 0,
    uses          INTEGER NOT NULL DEFAULT 0,
    denied        INTEGER NOT NULL DEFAULT 0,
    first_seen    INTEGER,
    last_seen     INTEGER,
    PRIMARY KEY (scope_id, principal_id, action_id, day, assignment_id)
) STRICT, WITHOUT ROWID;
INSERT INTO usage_by_scope SELECT principal_id, action_id, scope_id, day, assignment_id, uses, denied, first_seen, last_seen FROM usage;
DROP TABLE usage;
ALTER TABLE usage_by_scope RENAME TO usage;
