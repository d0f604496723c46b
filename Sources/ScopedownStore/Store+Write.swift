import ScopedownCore
import ScopedownSQLite

/// Writes one `ImportBatch` inside the caller's transaction.
///
/// Upsert rules (docs/architecture.md, "Store"):
/// - the same object from two files is stored once, by key;
/// - identical content is a no-op; different content replaces the stored row and is reported as a
///   warning; for flat rows a field the new shape does not carry (nil / empty) keeps its known value;
/// - two objects with the same key and different content in ONE file are an error (the file is
///   rejected and the transaction rolled back), except catalog operations, whose duplicates are
///   normal (REFERENCE.md §1.2).
struct BatchWriter {
    let db: Connection
    let importID: Int64
    let file: String
    /// Collection -> keys whose stored content was replaced by this file.
    private(set) var replaced: [String: [String]] = [:]

    init(db: Connection, importID: Int64, file: String) {
        self.db = db
        self.importID = importID
        self.file = file
    }

    mutating func write(_ batch: ImportBatch) throws {
        try writeRoleDefinitions(batch.roleDefinitions)
        try writeAssignments(batch.roleAssignments)
        try writeDenyAssignments(batch.denyAssignments)
        try writePrincipals(batch.principals)
        try writeMemberships(batch.memberships, completeGroups: batch.membershipGroups)
        try writeManagementGroups(batch.managementGroups)
        try writeSubscriptions(batch.subscriptions)
        try writeResources(batch.resources)
        try writeOperations(batch.operations, planeUnknown: batch.operationsPlaneUnknown)
        try writeDirectoryRoles(batch.directoryRoleDefinitions, batch.directoryRoleAssignments)
        try writeManagedIdentityResources(batch.managedIdentityResources)
        try writeOwners(batch.ownerships, targets: batch.ownershipTargets)
    }

    private func writeOwners(_ list: [Ownership], targets: [Ownership]) throws {
        let del = try db.cached("DELETE FROM owners WHERE target_id = ? AND application = ?")
        for t in targets { try del.execute([t.targetID, t.application]) }
        guard !list.isEmpty else { return }
        let ins = try db.cached("INSERT OR REPLACE INTO owners(target_id, application, owner_id, import_id) VALUES (?, ?, ?, ?)")
        for o in list { try ins.execute([o.targetID, o.application, o.ownerID, importID]) }
    }

    private func writeManagedIdentityResources(_ list: [ManagedIdentityResource]) throws {
        guard !list.isEmpty else { return }
        let ins = try db.cached("""
            INSERT INTO managed_identity_resources(principal_id, resource_key, resource, user_assigned, import_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(principal_id) DO UPDATE SET resource_key = excluded.resource_key, resource = excluded.resource,
                user_assigned = excluded.user_assigned, import_id = excluded.import_id
            """)
        for r in list { try ins.execute([r.principalID, r.resource.key, r.resource.display, r.userAssigned, importID]) }
    }

    // MARK: directory roles

    /// Entra ID directory roles: upserted by key (the latest import wins; Graph lists carry no
    /// content that a re-export would legitimately change but the display name).
    private func writeDirectoryRoles(_ defs: [DirectoryRoleDefinition], _ assignments: [DirectoryRoleAssignment]) throws {
        if !defs.isEmpty {
            let ins = try db.cached("""
                INSERT INTO directory_role_definitions(id, display_name, template_id, is_built_in, import_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,
                    template_id = coalesce(excluded.template_id, template_id), is_built_in = excluded.is_built_in,
                    import_id = excluded.import_id
                """)
            for d in defs { try ins.execute([d.id, d.displayName, d.templateID, d.isBuiltIn, importID]) }
        }
        if !assignments.isEmpty {
            let ins = try db.cached("""
                INSERT INTO directory_role_assignments(id, principal_id, role_definition_id, directory_scope_id, import_id) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET principal_id = excluded.principal_id, role_definition_id = excluded.role_definition_id,
                    directory_scope_id = excluded.directory_scope_id, import_id = excluded.import_id
                """)
            for a in assignments { try ins.execute([a.id, a.principalID, a.roleDefinitionID, a.directoryScopeID, importID]) }
        }
    }

    func replacementWarnings() -> [Diagnostic] {
        replaced.keys.sorted().compactMap { collection in
            guard let keys = replaced[collection], !keys.isEmpty else { return nil }
            let unique = Array(Set(keys)).sorted()
            let ex = unique.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (unique.count > 3 ? ", ..." : "")
            return .warning("\(unique.count) \(collection) already in the database had different content and were replaced by this file (e.g. \(ex))",
                            file: file, help: "the later import wins; import files oldest first")
        }
    }

    private func conflict(_ what: String, _ key: String) -> Diagnostic {
        .error("conflicting duplicate \(what) `\(key)`: the file lists it twice with different content", file: file,
               help: "remove one of the two entries, or split the export into files taken at different times")
    }

    // MARK: role definitions

    private static func fingerprint(_ r: RoleDefinition) -> String {
        // resourceID is left out: its prefix depends on where the role was listed (REFERENCE.md §1.1.2),
        // so the same role from a tenant-level and a subscription-level list is the same content.
        var f = Fingerprint()
        f.add(r.roleName); f.add(r.description); f.add(r.isCustom)
        f.add(r.createdOn); f.add(r.updatedOn)
        f.add(r.assignableScopes.map(\.key))
        fingerprintBlocks(r.permissions, into: &f)
        return f.hex
    }

    private static func fingerprintBlocks(_ blocks: [PermissionBlock], into f: inout Fingerprint) {
        f.add(String(blocks.count))
        for b in blocks {
            f.add(b.actions); f.add(b.notActions); f.add(b.dataActions); f.add(b.notDataActions)
            f.add(b.condition); f.add(b.conditionVersion)
        }
    }

    private mutating func writeRoleDefinitions(_ roles: [RoleDefinition]) throws {
        guard !roles.isEmpty else { return }
        let select = try db.cached("SELECT content_hash FROM role_definitions WHERE id = ?")
        let insert = try db.cached("""
            INSERT OR REPLACE INTO role_definitions(id, resource_id, role_name, role_name_key, description, is_custom,
                created_on, updated_on, content_hash, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insScope = try db.cached("INSERT INTO role_assignable_scopes(role_id, ordinal, scope_key, scope) VALUES (?, ?, ?, ?)")
        let insBlock = try db.cached("INSERT INTO role_permission_blocks(role_id, block, condition, condition_version) VALUES (?, ?, ?, ?)")
        let insPattern = try db.cached("INSERT INTO role_permission_patterns(role_id, block, list, ordinal, pattern, pattern_key) VALUES (?, ?, ?, ?, ?, ?)")
        var seen: [String: String] = [:]
        for r in roles {
            let hash = Self.fingerprint(r)
            if let prior = seen[r.id] {
                if prior != hash { throw conflict("role definition", r.id) }
                continue
            }
            seen[r.id] = hash
            var old: String?
            try select.forEachRow([r.id]) { old = $0.string(0) }
            if old == hash { continue }
            if old != nil {
                replaced["role definitions", default: []].append(r.id)
                for t in ["role_assignable_scopes", "role_permission_blocks", "role_permission_patterns"] {
                    try db.run("DELETE FROM \(t) WHERE role_id = ?", [r.id])
                }
            }
            try insert.execute([r.id, r.resourceID, r.roleName, r.roleName.lowercased(), r.description, r.isCustom,
                                r.createdOn, r.updatedOn, hash, importID])
            for (i, s) in r.assignableScopes.enumerated() { try insScope.execute([r.id, i, s.key, s.display]) }
            try writeBlocks(r.permissions, owner: r.id, insBlock: insBlock, insPattern: insPattern)
        }
    }

    private func writeBlocks(_ blocks: [PermissionBlock], owner: String, insBlock: Statement, insPattern: Statement) throws {
        for (b, block) in blocks.enumerated() {
            try insBlock.execute([owner, b, block.condition, block.conditionVersion])
            for (list, patterns) in [("actions", block.actions), ("notActions", block.notActions),
                                     ("dataActions", block.dataActions), ("notDataActions", block.notDataActions)] {
                for (i, p) in patterns.enumerated() {
                    try insPattern.execute([owner, b, list, i, p, AzureID.operationKey(p)])
                }
            }
        }
    }

    // MARK: role assignments

    private mutating func writeAssignments(_ list: [RoleAssignment]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT \(Rows.assignmentColumns) FROM role_assignments WHERE id = ? AND state = ?")
        let upsert = try db.cached(Rows.assignmentUpsert)
        var seen: [String: RoleAssignment] = [:]
        var scopes = ScopeCache()
        var derived = ScopeParts()
        for a in list {
            let key = a.id + "|" + a.state.rawValue
            if let prior = seen[key] {
                if Rows.coalesce(a, prior) != Rows.coalesce(prior, a) { throw conflict("role assignment", a.id) }
                continue
            }
            seen[key] = a
            var old: RoleAssignment?
            try select.forEachRow([a.id, a.state.rawValue]) { old = Rows.assignment($0, scopes: &scopes) }
            var merged = a
            if let old {
                merged = Rows.coalesce(a, old)
                if merged == old && merged.scope.display == old.scope.display { continue }
                if merged != Rows.coalesce(old, a) { replaced["role assignments", default: []].append(a.id) }
            }
            try upsert.execute(Rows.assignmentValues(merged, importID: importID, derived: &derived))
        }
    }

    // MARK: deny assignments

    private static func fingerprint(_ d: DenyAssignment) -> String {
        var f = Fingerprint()
        f.add(d.name); f.add(d.description); f.add(d.scope.key); f.add(d.doNotApplyToChildScopes)
        f.add(d.isSystemProtected); f.add(d.effect.lowercased()); f.add(d.condition)
        fingerprintBlocks(d.permissions, into: &f)
        f.add(d.principals.map { $0.id + ":" + $0.type })
        f.add(d.excludePrincipals.map { $0.id + ":" + $0.type })
        return f.hex
    }

    private mutating func writeDenyAssignments(_ list: [DenyAssignment]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT content_hash FROM deny_assignments WHERE id = ?")
        let insert = try db.cached("""
            INSERT OR REPLACE INTO deny_assignments(id, resource_id, name, description, scope_key, scope,
                do_not_apply_to_child_scopes, is_system_protected, effect, condition, content_hash, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insBlock = try db.cached("INSERT INTO deny_permission_blocks(deny_id, block, condition, condition_version) VALUES (?, ?, ?, ?)")
        let insPattern = try db.cached("INSERT INTO deny_permission_patterns(deny_id, block, list, ordinal, pattern, pattern_key) VALUES (?, ?, ?, ?, ?, ?)")
        let insPrincipal = try db.cached("INSERT INTO deny_principals(deny_id, excluded, ordinal, principal_id, principal_type) VALUES (?, ?, ?, ?, ?)")
        var seen: [String: String] = [:]
        for d in list {
            let hash = Self.fingerprint(d)
            if let prior = seen[d.id] {
                if prior != hash { throw conflict("deny assignment", d.id) }
                continue
            }
            seen[d.id] = hash
            var old: String?
            try select.forEachRow([d.id]) { old = $0.string(0) }
            if old == hash { continue }
            if old != nil {
                replaced["deny assignments", default: []].append(d.id)
                for t in ["deny_permission_blocks", "deny_permission_patterns", "deny_principals"] {
                    try db.run("DELETE FROM \(t) WHERE deny_id = ?", [d.id])
                }
            }
            try insert.execute([d.id, d.resourceID, d.name, d.description, d.scope.key, d.scope.display,
                                d.doNotApplyToChildScopes, d.isSystemProtected, d.effect, d.condition, hash, importID])
            try writeBlocks(d.permissions, owner: d.id, insBlock: insBlock, insPattern: insPattern)
            for (i, p) in d.principals.enumerated() { try insPrincipal.execute([d.id, false, i, p.id, p.type]) }
            for (i, p) in d.excludePrincipals.enumerated() { try insPrincipal.execute([d.id, true, i, p.id, p.type]) }
        }
    }

    // MARK: principals

    private mutating func writePrincipals(_ list: [Principal]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT \(Rows.principalColumns) FROM principals WHERE id = ?")
        let upsert = try db.cached(Rows.principalUpsert)
        var seen: [String: Principal] = [:]
        for p in list {
            var incoming = p
            if let prior = seen[p.id] {
                // Directory exports repeat objects (a user in users.json and in a group's members):
                // merge what each carries; only contradicting values are a conflict.
                if Rows.coalesce(p, prior) != Rows.coalesce(prior, p) { throw conflict("principal", p.id) }
                incoming = Rows.coalesce(p, prior)
            }
            seen[p.id] = incoming
            var old: Principal?
            try select.forEachRow([p.id]) { old = Rows.principal($0) }
            var merged = incoming
            if let old {
                merged = Rows.coalesce(incoming, old)
                if merged == old { continue }
                if merged != Rows.coalesce(old, incoming) { replaced["principals", default: []].append(p.id) }
            }
            try upsert.execute(Rows.principalValues(merged, importID: importID))
        }
    }

    // MARK: memberships

    private func writeMemberships(_ list: [GroupMembership], completeGroups: [String]) throws {
        if !completeGroups.isEmpty {
            // A file listing a group's members completely replaces that group's edges of the same kind
            // (direct or transitive). A group listed with no members has neither kind.
            var kinds: [String: Set<Bool>] = [:]
            for m in list { kinds[m.groupID, default: []].insert(m.transitive) }
            let del = try db.cached("DELETE FROM group_memberships WHERE group_id = ? AND transitive = ?")
            for g in Set(completeGroups.map(AzureID.guidKey)) {
                for t in kinds[g] ?? [false, true] { try del.execute([g, t]) }
            }
        }
        guard !list.isEmpty else { return }
        let insert = try db.cached("""
            INSERT INTO group_memberships(group_id, member_id, transitive, member_kind, import_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(group_id, member_id, transitive) DO UPDATE SET
                member_kind = CASE WHEN excluded.member_kind = 'unknown' THEN member_kind ELSE excluded.member_kind END
            """)
        for m in list { try insert.execute([m.groupID, m.memberID, m.transitive, m.memberKind.rawValue, importID]) }
    }

    // MARK: management groups, subscriptions, resources

    private mutating func writeManagementGroups(_ list: [ManagementGroup]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT \(Rows.managementGroupColumns) FROM management_groups WHERE id = ?")
        let upsert = try db.cached(Rows.managementGroupUpsert)
        var seen: [String: ManagementGroup] = [:]
        for m in list {
            var incoming = m
            if let prior = seen[m.id] {
                if Rows.coalesce(m, prior) != Rows.coalesce(prior, m) { throw conflict("management group", m.name) }
                incoming = Rows.coalesce(m, prior)
            }
            seen[m.id] = incoming
            var old: ManagementGroup?
            try select.forEachRow([m.id]) { old = Rows.managementGroup($0) }
            var merged = incoming
            if let old {
                merged = Rows.coalesce(incoming, old)
                if merged == old { continue }
                if merged != Rows.coalesce(old, incoming) { replaced["management groups", default: []].append(m.name) }
            }
            try upsert.execute(Rows.managementGroupValues(merged, importID: importID))
        }
    }

    private mutating func writeSubscriptions(_ list: [Subscription]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT \(Rows.subscriptionColumns) FROM subscriptions WHERE id = ?")
        let selectTags = try db.cached("SELECT name, value FROM subscription_tags WHERE subscription_id = ?")
        let upsert = try db.cached(Rows.subscriptionUpsert)
        let delTags = try db.cached("DELETE FROM subscription_tags WHERE subscription_id = ?")
        let insTag = try db.cached("INSERT INTO subscription_tags(subscription_id, name, value) VALUES (?, ?, ?)")
        var seen: [String: Subscription] = [:]
        for s in list {
            var incoming = s
            if let prior = seen[s.id] {
                if Rows.coalesce(s, prior) != Rows.coalesce(prior, s) { throw conflict("subscription", s.id) }
                incoming = Rows.coalesce(s, prior)
            }
            seen[s.id] = incoming
            var tags: [String: String] = [:]
            try selectTags.forEachRow([s.id]) { tags[$0.string(0)] = $0.string(1) }
            var old: Subscription?
            try select.forEachRow([s.id]) { old = Rows.subscription($0, tags: tags) }
            var merged = incoming
            if let old {
                merged = Rows.coalesce(incoming, old)
                if merged == old { continue }
                if merged != Rows.coalesce(old, incoming) { replaced["subscriptions", default: []].append(s.id) }
            }
            try upsert.execute(Rows.subscriptionValues(merged, importID: importID))
            try delTags.execute([s.id])
            for (k, v) in merged.tags.sorted(by: { $0.key < $1.key }) { try insTag.execute([s.id, k, v]) }
        }
    }

    private mutating func writeResources(_ list: [ResourceNode]) throws {
        guard !list.isEmpty else { return }
        let select = try db.cached("SELECT \(Rows.resourceColumns) FROM resources WHERE scope_key = ?")
        let selectTags = try db.cached("SELECT name, value FROM resource_tags WHERE scope_key = ?")
        let upsert = try db.cached(Rows.resourceUpsert)
        let delTags = try db.cached("DELETE FROM resource_tags WHERE scope_key = ?")
        let insTag = try db.cached("INSERT INTO resource_tags(scope_key, name, value) VALUES (?, ?, ?)")
        var seen: [String: ResourceNode] = [:]
        var scopes = ScopeCache()
        for r in list {
            let key = r.scope.key
            var incoming = r
            if let prior = seen[key] {
                if Rows.coalesce(r, prior) != Rows.coalesce(prior, r) { throw conflict("resource", r.scope.display) }
                incoming = Rows.coalesce(r, prior)
            }
            seen[key] = incoming
            var tags: [String: String] = [:]
            try selectTags.forEachRow([key]) { tags[$0.string(0)] = $0.string(1) }
            var old: ResourceNode?
            try select.forEachRow([key]) { old = Rows.resource($0, tags: tags, scopes: &scopes) }
            var merged = incoming
            if let old {
                merged = Rows.coalesce(incoming, old)
                if merged == old { continue }
                if merged != Rows.coalesce(old, incoming) { replaced["resources", default: []].append(r.scope.display) }
            }
            try upsert.execute(Rows.resourceValues(merged, importID: importID))
            try delTags.execute([key])
            for (k, v) in merged.tags.sorted(by: { $0.key < $1.key }) { try insTag.execute([key, k, v]) }
        }
    }

    // MARK: operations

    private func writeOperations(_ list: [CatalogOperation], planeUnknown: Bool) throws {
        guard !list.isEmpty else { return }
        // Rows stored by a catalog without `isDataAction` hold a guess (control-plane): a catalog that
        // says the plane replaces the guess, and a guess never shadows a known data action.
        let guessedImports = "SELECT id FROM imports WHERE kind = 'operations' AND shape LIKE '%' || ?"
        let suffix = ImportBatch.planeUnknownShapeSuffix
        let knownAsData = try db.cached("SELECT 1 FROM operations WHERE name_key = ? AND is_data_action = 1")
        let dropGuess = try db.cached("DELETE FROM operations WHERE name_key = ? AND is_data_action = 0 AND import_id IN (\(guessedImports))")
        let confirm = try db.cached("UPDATE operations SET import_id = ? WHERE name_key = ? AND is_data_action = ? AND import_id IN (\(guessedImports))")
        // Keyed by (lower(name), isDataAction) keeping the first-seen spelling (REFERENCE.md §1.2). A
        // real catalog entry takes over from one known only because a role names it (§1.1.3).
        let upsert = try db.cached("""
            INSERT INTO operations(name_key, is_data_action, name, display_name, description, provider, resource_type,
                known_by_role_only, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(name_key, is_data_action) DO UPDATE SET
                name = CASE WHEN operations.known_by_role_only = 1 AND excluded.known_by_role_only = 0
                            THEN excluded.name ELSE operations.name END,
                display_name = CASE WHEN operations.display_name = ''
                                      OR (operations.known_by_role_only = 1 AND excluded.known_by_role_only = 0)
                                    THEN excluded.display_name ELSE operations.display_name END,
                description = CASE WHEN operations.description = ''
                                     OR (operations.known_by_role_only = 1 AND excluded.known_by_role_only = 0)
                                   THEN excluded.description ELSE operations.description END,
                provider = CASE WHEN operations.provider = '' THEN excluded.provider ELSE operations.provider END,
                resource_type = coalesce(operations.resource_type, excluded.resource_type),
                known_by_role_only = min(operations.known_by_role_only, excluded.known_by_role_only)
            """)
        for o in list {
            if planeUnknown {
                var known = false
                try knownAsData.forEachRow([o.key]) { _ in known = true }
                if known { continue }
            } else {
                try confirm.execute([importID, o.key, o.isDataAction, suffix])
            }
            try upsert.execute([o.key, o.isDataAction, o.name, o.displayName, o.description, o.provider,
                                o.resourceType, o.knownByRoleOnly, importID])
        }
        if !planeUnknown {
            for o in list where o.isDataAction { try dropGuess.execute([o.key, suffix]) }
        }
    }
}
