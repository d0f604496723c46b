-- v001: core inventory tables (owned by ScopedownStore; see docs/architecture.md).
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
-- Append-only: never edit a released migration, add v003_... instead.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL UNIQUE,
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
