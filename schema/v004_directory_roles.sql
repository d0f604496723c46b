-- v004: Entra ID (directory) roles from Microsoft Graph `roleManagement/directory/roleDefinitions`
-- and `roleAssignments` pages. They are not Azure RBAC roles; the findings rules read them because
-- some reach RBAC (a Global Administrator can elevate to User Access Administrator at `/`).
-- Same conventions as v001: STRICT, normalized keys, `import_id` names the last writer.

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
