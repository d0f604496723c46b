import ScopedownCore
import ScopedownSQLite

extension Store {
    /// The imported Entra ID directory roles, sorted by id; nil when none were imported.
    public func directoryRoles() throws -> (definitions: [DirectoryRoleDefinition], assignments: [DirectoryRoleAssignment])? {
        var defs: [DirectoryRoleDefinition] = [], assignments: [DirectoryRoleAssignment] = []
        try db.query("SELECT id, display_name, template_id, is_built_in FROM directory_role_definitions ORDER BY id") { s in
            defs.append(DirectoryRoleDefinition(id: s.string(0), displayName: s.string(1), templateID: s.optionalString(2), isBuiltIn: s.int(3) != 0))
        }
        try db.query("SELECT id, principal_id, role_definition_id, directory_scope_id FROM directory_role_assignments ORDER BY id") { s in
            assignments.append(DirectoryRoleAssignment(id: s.string(0), principalID: s.string(1), roleDefinitionID: s.string(2), directoryScopeID: s.string(3)))
        }
        return defs.isEmpty && assignments.isEmpty ? nil : (defs, assignments)
    }
}

extension Store {
    /// Where the managed identities live (from the directory's `alternativeNames`), sorted by principal.
    public func managedIdentityResources() throws -> [ManagedIdentityResource] {
        var out: [ManagedIdentityResource] = []
        try db.query("SELECT principal_id, resource, user_assigned FROM managed_identity_resources ORDER BY principal_id") { s in
            out.append(ManagedIdentityResource(principalID: s.string(0), resource: Scope(s.string(1)), userAssigned: s.int(2) != 0))
        }
        return out
    }
}

extension Store {
    /// Owners of service principals and applications, sorted.
    public func ownerships() throws -> [Ownership] {
        var out: [Ownership] = []
        try db.query("SELECT target_id, application, owner_id FROM owners ORDER BY target_id, application, owner_id") { s in
            out.append(Ownership(targetID: s.string(0), application: s.int(1) != 0, ownerID: s.string(2)))
        }
        return out
    }
}
