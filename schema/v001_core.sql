-- The scopedown database (owned by ScopedownStore; see docs/architecture.md): the inventory,
-- Activity Log usage and directory roles, in one migration.
--
-- Conventions:
--  * every table is STRICT;
--  * Azure ids, scopes and operation names are case-insensitive (REFERENCE.md §0.5, §1.8): each has a
--    normalized key column (`id`, `*_id`, `*_key`: the keys ScopedownCore computes) used for joins and
--    a display column keeping the spelling as exported;
--  * references (an assignment's role or principal, a member's group, a subscription's management
--    group) are plain key columns, not foreign keys: an import may arrive before its target, and the
--    store reports what stays unresolved after each import run;
--  * re-importing an identical object is a no-op; different content for the same key replaces it with
--    a warning (roles and deny assignments compare a `content_hash`; flat rows are compared field by
--    field, and a field a shape does not carry keeps its known value);
--  * `import_id` names the import that last wrote the row.
-- Append-only: never edit a released migration, add v002_... instead.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT    NOT NULL,
    content_hash TEXT   NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    shape       TEXT    NOT NULL,
    byte_count  INTEGER NOT NULL,
    row_counts  TEXT    NOT NULL,           -- JSON object: collection -> rows
    warnings    INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT    NOT NULL            -- ISO-8601 UTC
) STRICT;

-- Role definitions, keyed by the GUID (REFERENCE.md §1.1.2).
CREATE TABLE role_definitions (
    id            TEXT    PRIMARY KEY NOT NULL,
    resource_id   TEXT    NOT NULL,         -- first-seen ARM id (its prefix depends on where it was listed)
    role_name     TEXT    NOT NULL,
    role_name_key TEXT    NOT NULL,         -- lower(role_name)
    description   TEXT    NOT NULL,
    is_custom     INTEGER NOT NULL CHECK (is_custom IN (0, 1)),
    created_on    TEXT,
    updated_on    TEXT,
    content_hash  TEXT    NOT NULL,
    import_id     INTEGER NOT NULL
) STRICT;
CREATE INDEX role_definitions_by_name ON role_definitions(role_name_key);

CREATE TABLE role_assignable_scopes (
    role_id   TEXT    NOT NULL,
    ordinal   INTEGER NOT NULL,
    scope_key TEXT    NOT NULL,
    scope     TEXT    NOT NULL,
    PRIMARY KEY (role_id, ordinal)
) STRICT, WITHOUT ROWID;

-- One row per permission block (REFERENCE.md §1.1.3: roles can have several).
CREATE TABLE role_permission_blocks (
    role_id           TEXT    NOT NULL,
    block             INTEGER NOT NULL,
    condition         TEXT,
    condition_version TEXT,
    PRIMARY KEY (role_id, block)
) STRICT, WITHOUT ROWID;

-- One row per pattern of a block; `list` says which of the four lists it is in.
CREATE TABLE role_permission_patterns (
    role_id     TEXT    NOT NULL,
    block       INTEGER NOT NULL,
    list        TEXT    NOT NULL CHECK (list IN ('actions', 'notActions', 'dataActions', 'notDataActions')),
    ordinal     INTEGER NOT NULL,
    pattern     TEXT    NOT NULL,
    pattern_key TEXT    NOT NULL,           -- lower-cased
    PRIMARY KEY (role_id, block, list, ordinal)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_permission_patterns_by_pattern ON role_permission_patterns(pattern_key);

-- Role assignments: active (ARM, PIM active instances) and PIM-eligible kept apart by `state`
-- (REFERENCE.md §1.6, §2.9).
CREATE TABLE role_assignments (
    id                     TEXT    NOT NULL,  -- GUID key (the assignment's name or the PIM instance)
    state                  TEXT    NOT NULL CHECK (state IN ('active', 'eligible')),
    resource_id            TEXT    NOT NULL,
    scope_key              TEXT    NOT NULL,
    scope                  TEXT    NOT NULL,
    subscription_id        TEXT,              -- derived from the scope, for the inventory
    resource_group_key     TEXT,              -- derived from the scope, for the inventory
    role_definition_id     TEXT    NOT NULL,
    principal_id           TEXT    NOT NULL,
    principal_type         TEXT    NOT NULL,
    condition              TEXT,
    condition_version      TEXT,
    description            TEXT,
    created_on             TEXT,
    updated_on             TEXT,
    created_by             TEXT,
    delegated_mi_resource_id TEXT,
    start_date_time        TEXT,
    end_date_time          TEXT,
    import_id              INTEGER NOT NULL,
    PRIMARY KEY (id, state)
) STRICT;
CREATE INDEX role_assignments_by_principal ON role_assignments(principal_id);
CREATE INDEX role_assignments_by_scope ON role_assignments(scope_key);
CREATE INDEX role_assignments_by_role ON role_assignments(role_definition_id);
CREATE INDEX role_assignments_by_rg ON role_assignments(subscription_id, resource_group_key);

-- Deny assignments (REFERENCE.md §1.4).
CREATE TABLE deny_assignments (
    id                          TEXT    PRIMARY KEY NOT NULL,
    resource_id                 TEXT    NOT NULL,
    name                        TEXT    NOT NULL,
    description                 TEXT    NOT NULL,
    scope_key                   TEXT    NOT NULL,
    scope                       TEXT    NOT NULL,
    do_not_apply_to_child_scopes INTEGER NOT NULL CHECK (do_not_apply_to_child_scopes IN (0, 1)),
    is_system_protected         INTEGER NOT NULL CHECK (is_system_protected IN (0, 1)),
    effect                      TEXT    NOT NULL,
    condition                   TEXT,
    content_hash                TEXT    NOT NULL,
    import_id                   INTEGER NOT NULL
) STRICT;
CREATE INDEX deny_assignments_by_scope ON deny_assignments(scope_key);

CREATE TABLE deny_permission_blocks (
    deny_id           TEXT    NOT NULL,
    block             INTEGER NOT NULL,
    condition         TEXT,
    condition_version TEXT,
    PRIMARY KEY (deny_id, block)
) STRICT, WITHOUT ROWID;

CREATE TABLE deny_permission_patterns (
    deny_id     TEXT    NOT NULL,
    block       INTEGER NOT NULL,
    list        TEXT    NOT NULL CHECK (list IN ('actions', 'notActions', 'dataActions', 'notDataActions')),
    ordinal     INTEGER NOT NULL,
    pattern     TEXT    NOT NULL,
    pattern_key TEXT    NOT NULL,
    PRIMARY KEY (deny_id, block, list, ordinal)
) STRICT, WITHOUT ROWID;

-- principals and excludePrincipals (excluded = 1); 00000000-0000-0000-0000-000000000000 is everyone.
CREATE TABLE deny_principals (
    deny_id        TEXT    NOT NULL,
    excluded       INTEGER NOT NULL CHECK (excluded IN (0, 1)),
    ordinal        INTEGER NOT NULL,
    principal_id   TEXT    NOT NULL,
    principal_type TEXT    NOT NULL,
    PRIMARY KEY (deny_id, excluded, ordinal)
) STRICT, WITHOUT ROWID;
CREATE INDEX deny_principals_by_principal ON deny_principals(principal_id);

-- Directory objects (Microsoft Graph, REFERENCE.md §1.7).
CREATE TABLE principals (
    id                     TEXT    PRIMARY KEY NOT NULL,  -- object id, GUID key
    kind                   TEXT    NOT NULL,
    display_name           TEXT    NOT NULL,
    display_name_key       TEXT    NOT NULL,              -- lower(display_name)
    user_principal_name    TEXT,
    upn_key                TEXT,                          -- lower(userPrincipalName)
    user_type              TEXT,
    app_id                 TEXT,
    service_principal_type TEXT,
    mail                   TEXT,
    account_enabled        INTEGER CHECK (account_enabled IN (0, 1)),
    import_id              INTEGER NOT NULL
) STRICT;
CREATE INDEX principals_by_upn ON principals(upn_key);
CREATE INDEX principals_by_display_name ON principals(display_name_key);
CREATE INDEX principals_by_app_id ON principals(app_id);

-- Group membership edges: direct (`members`) and transitive (`transitiveMembers`) kept apart.
CREATE TABLE group_memberships (
    group_id    TEXT    NOT NULL,
    member_id   TEXT    NOT NULL,
    transitive  INTEGER NOT NULL CHECK (transitive IN (0, 1)),
    member_kind TEXT    NOT NULL,
    import_id   INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id, transitive)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_memberships_by_member ON group_memberships(member_id);

-- Management groups (REFERENCE.md §1.5), keyed by the lower-cased MG name.
CREATE TABLE management_groups (
    id           TEXT    PRIMARY KEY NOT NULL,
    name         TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    parent_id    TEXT,
    tenant_id    TEXT,
    import_id    INTEGER NOT NULL
) STRICT;
CREATE INDEX management_groups_by_parent ON management_groups(parent_id);

CREATE TABLE subscriptions (
    id                  TEXT    PRIMARY KEY NOT NULL,  -- GUID key
    display_name        TEXT    NOT NULL,
    management_group_id TEXT,
    state               TEXT,
    tenant_id           TEXT,
    import_id           INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_by_management_group ON subscriptions(management_group_id);

CREATE TABLE subscription_tags (
    subscription_id TEXT NOT NULL,
    name            TEXT NOT NULL,
    value           TEXT NOT NULL,
    PRIMARY KEY (subscription_id, name)
) STRICT, WITHOUT ROWID;

-- Resource groups and resources known from inventory rows.
CREATE TABLE resources (
    scope_key          TEXT    PRIMARY KEY NOT NULL,
    scope              TEXT    NOT NULL,
    type               TEXT    NOT NULL,
    location           TEXT,
    subscription_id    TEXT,
    resource_group_key TEXT,
    is_resource_group  INTEGER NOT NULL CHECK (is_resource_group IN (0, 1)),
    import_id          INTEGER NOT NULL
) STRICT;
CREATE INDEX resources_by_rg ON resources(subscription_id, resource_group_key);

CREATE TABLE resource_tags (
    scope_key TEXT NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (scope_key, name)
) STRICT, WITHOUT ROWID;

-- The provider operations catalog, keyed by (lower(name), isDataAction) (REFERENCE.md §1.2):
-- 23 names are both a control-plane and a data-plane operation. `name` keeps the first-seen spelling.
CREATE TABLE operations (
    name_key            TEXT    NOT NULL,
    is_data_action      INTEGER NOT NULL CHECK (is_data_action IN (0, 1)),
    name                TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    resource_type       TEXT,
    known_by_role_only  INTEGER NOT NULL CHECK (known_by_role_only IN (0, 1)),
    import_id           INTEGER NOT NULL,
    PRIMARY KEY (name_key, is_data_action)
) STRICT, WITHOUT ROWID;
CREATE INDEX operations_by_provider ON operations(provider);

-- Activity Log usage (REFERENCE.md §1.9, §3), written by the usage import
-- (Sources/ScopedownStore/Store+Usage.swift). Strings are interned into lookup tables (NOTES.md:
-- much less disk and faster inserts than strings per row); the usage rows hold integers only.

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
-- day: days since 1970-01-01 UTC; first_seen / last_seen: seconds since the epoch. Keyed scope
-- first: an archive is read subscription by subscription (its folders are per subscription, then
-- per hour), and scope ids are given in order of first appearance, so the upserts of an import
-- land at the end of the b-tree instead of across every day of it.
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
    PRIMARY KEY (scope_id, principal_id, action_id, day, assignment_id)
) STRICT, WITHOUT ROWID;

-- Operations with a Failed event (hash of correlationId + action + scope): their tentative uses
-- do not count (REFERENCE.md §3.3).
CREATE TABLE usage_failed_operations (
    operation_hash INTEGER PRIMARY KEY
) STRICT;

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

-- Entra ID (directory) roles from Microsoft Graph `roleManagement/directory/roleDefinitions`
-- and `roleAssignments` pages. They are not Azure RBAC roles; the findings rules read them because
-- some reach RBAC (a Global Administrator can elevate to User Access Administrator at `/`).
-- Same conventions as above: STRICT, normalized keys, `import_id` names the last writer.

CREATE TABLE directory_role_definitions (
    id           TEXT    PRIMARY KEY NOT NULL,   -- GUID key (for built-in roles, the template id)
    display_name TEXT    NOT NULL,
    template_id  TEXT,
    is_built_in  INTEGER NOT NULL CHECK (is_built_in IN (0, 1)),
    import_id    INTEGER NOT NULL
) STRICT;

CREATE TABLE directory_role_assignments (
    id                 TEXT    PRIMARY KEY NOT NULL,   -- the Graph id, as exported (not a GUID)
    principal_id       TEXT    NOT NULL,               -- GUID key
    role_definition_id TEXT    NOT NULL,               -- GUID key
    directory_scope_id TEXT    NOT NULL,               -- `/` for the whole directory
    import_id          INTEGER NOT NULL
) STRICT;
CREATE INDEX directory_role_assignments_by_principal ON directory_role_assignments(principal_id);

-- Where each managed identity lives (Graph `servicePrincipal.alternativeNames`): the resource of a
-- system-assigned identity, or the `userAssignedIdentities` resource of a user-assigned one.
CREATE TABLE managed_identity_resources (
    principal_id  TEXT    PRIMARY KEY NOT NULL,   -- GUID key
    resource_key  TEXT    NOT NULL,               -- normalized scope key
    resource      TEXT    NOT NULL,               -- as exported
    user_assigned INTEGER NOT NULL CHECK (user_assigned IN (0, 1)),
    import_id     INTEGER NOT NULL
) STRICT;

-- Owners of service principals (`servicePrincipals/<objectId>/owners.json`) and of application
-- registrations (`applications/<appId>/owners.json`): an owner can add a credential and sign in as
-- the service principal. A file lists one target's owners completely: a re-import replaces them.
CREATE TABLE owners (
    target_id   TEXT    NOT NULL,   -- service principal object id, or the application's appId
    application INTEGER NOT NULL CHECK (application IN (0, 1)),
    owner_id    TEXT    NOT NULL,   -- GUID key of the owning user or service principal
    import_id   INTEGER NOT NULL,
    PRIMARY KEY (target_id, application, owner_id)
) STRICT, WITHOUT ROWID;
