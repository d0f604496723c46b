import ScopedownRender
import ScopedownCore

/// Writes the inventory of a tenant in real export shapes (REFERENCE.md §1). Every file records its
/// path relative to the output folder and its size in `written`.
struct InventoryWriter {
    let tenant: Tenant
    let root: String
    let catalog: SynthCatalog
    /// Raw bytes of `--roles` / `--catalog` when given (copied through unchanged).
    let rolesFileBytes: [UInt8]?
    let catalogFileBytes: [UInt8]?
    private(set) var written: [(path: String, bytes: Int)] = []

    init(tenant: Tenant, root: String, catalog: SynthCatalog, rolesFileBytes: [UInt8]?, catalogFileBytes: [UInt8]?) {
        self.tenant = tenant
        self.root = root
        self.catalog = catalog
        self.rolesFileBytes = rolesFileBytes
        self.catalogFileBytes = catalogFileBytes
    }

    static let pageSize = 1000
    /// Whether to write Resource Graph `resources` rows (see writeResourceGraph).
    static let writeResourceRows = false
    static let graphPageSize = 999

    private mutating func put(_ relative: String, _ bytes: [UInt8]) throws {
        let full = root + "/" + relative
        if let slash = full.lastIndex(of: "/") { try FileSystem.makeDirectories(String(full[..<slash])) }
        let f = try OutputFile(path: full)
        try f.write(bytes)
        try f.close()
        written.append((relative, bytes.count))
    }

    mutating func writeAll() throws {
        try writeManagementGroups()
        try writeSubscriptions()
        try writeResourceGraph()
        try writeDirectory()
        try writeGroupMembers()
        try writeRoles()
        try writeCatalog()
        try writeAssignments()
        try writeEligible()
        try writeDenies()
    }

    // `az account management-group show --name <tenant root> --expand --recurse` (REFERENCE.md §1.5):
    // children nest recursively; subscription children have type `/subscriptions`.
    private mutating func writeManagementGroups() throws {
        let t = tenant
        func child(_ m: Int) -> JSON {
            let mg = t.managementGroups[m]
            var fields: [(String, JSON)] = [
                ("id", .string(mg.scope)), ("type", .string("Microsoft.Management/managementGroups")),
                ("name", .string(mg.name)), ("displayName", .string(mg.displayName)),
            ]
            let kids = children(m)
            if !kids.isEmpty { fields.append(("children", .array(kids))) }
            return .object(fields)
        }
        func children(_ m: Int) -> [JSON] {
            var out = t.managementGroups[m].children.map(child)
            for s in t.managementGroups[m].subscriptions {
                let sub = t.subscriptions[s]
                out.append(.object([("id", .string(sub.scope)), ("type", .string("/subscriptions")),
                                    ("name", .string(sub.id)), ("displayName", .string(sub.displayName))]))
            }
            return out
        }
        let rootMG = t.managementGroups[0]
        let doc: JSON = .object([
            ("id", .string(rootMG.scope)), ("type", .string("Microsoft.Management/managementGroups")),
            ("name", .string(rootMG.name)),
            ("properties", .object([
                ("tenantId", .string(t.tenantID)), ("displayName", .string(rootMG.displayName)),
                ("details", .object([("version", .int(1)), ("updatedTime", .string("2026-01-05T10:00:00.0000000Z")),
                                     ("updatedBy", .string(t.principals.first?.id ?? t.tenantID)), ("parent", .null)])),
                ("children", .array(children(0))),
            ])),
        ])
        try put("management-groups.json", doc.bytes())
    }

    // `az account list --all` (with tags).
    private mutating func writeSubscriptions() throws {
        let t = tenant
        let upn = t.principals.first?.userPrincipalName ?? "admin@\(t.domain)"
        let list: [JSON] = t.subscriptions.enumerated().map { i, s in
            .object([
                ("cloudName", .string("AzureCloud")), ("homeTenantId", .string(t.tenantID)), ("id", .string(s.id)),
                ("isDefault", .bool(i == 0)), ("managedByTenants", .array([])), ("name", .string(s.displayName)),
                ("state", .string("Enabled")), ("tags", .tags(s.tags)), ("tenantId", .string(t.tenantID)),
                ("user", .object([("name", .string(upn)), ("type", .string("user"))])),
            ])
        }
        try put("subscriptions.json", JSON.array(list).bytes())
    }

    /// Resource Graph REST responses, paged like the service pages (REFERENCE.md §1.3.3 envelope).
    private mutating func writeResourceGraph() throws {
        let t = tenant
        let rgRows: [JSON] = t.resourceGroups.map { g in
            .object([
                ("id", .string(g.scope)), ("name", .string(g.name)),
                ("type", .string("microsoft.resources/subscriptions/resourcegroups")), ("tenantId", .string(t.tenantID)),
                ("kind", .string("")), ("location", .string(g.location)), ("resourceGroup", .string(g.name)),
                ("subscriptionId", .string(t.subscriptions[g.subscription].id)), ("managedBy", .string("")),
                ("sku", .null), ("plan", .null), ("properties", .object([("provisioningState", .string("Succeeded"))])),
                ("tags", .tags(g.tags)), ("identity", .null), ("zones", .null), ("extendedLocation", .null),
            ])
        }
        try writePages(rgRows, prefix: "resourcegraph/resourcecontainers")
        let resRows: [JSON] = t.resources.filter { $0.parent == nil }.map { r in
            let g = t.resourceGroups[r.resourceGroup]
            return .object([
                ("id", .string(r.scope)), ("name", .string(r.name)), ("type", .string(r.type.lowercased())),
                ("tenantId", .string(t.tenantID)), ("kind", .string("")), ("location", .string(r.location)),
                ("resourceGroup", .string(g.name)), ("subscriptionId", .string(t.subscriptions[g.subscription].id)),
                ("managedBy", .string("")), ("sku", .null), ("plan", .null), ("properties", .object([])),
                ("tags", .tags(r.tags)), ("identity", .null), ("zones", .null), ("extendedLocation", .null),
            ])
        }
        // The Resource Graph `resources` table (top-level resources with tags) is written only when
        // asked: `scopedown import` does not decode its rows yet (resource scopes still appear in
        // assignments and events).
        if Self.writeResourceRows { try writePages(resRows, prefix: "resourcegraph/resources") }
    }

    private mutating func writePages(_ rows: [JSON], prefix: String) throws {
        let pages = max(1, (rows.count + Self.pageSize - 1) / Self.pageSize)
        for p in 0..<pages {
            let slice = Array(rows[min(rows.count, p * Self.pageSize)..<min(rows.count, (p + 1) * Self.pageSize)])
            var fields: [(String, JSON)] = [("totalRecords", .int(rows.count)), ("count", .int(slice.count)),
                                              ("data", .array(slice)), ("facets", .array([])),
                                              ("resultTruncated", .string("false"))]
            if p + 1 < pages { fields.append(("$skipToken", .string("page\(p + 2)"))) }
            try put("\(prefix)-\(UTCCalendar.pad(p + 1, 4)).json", JSON.object(fields).bytes())
        }
    }

    /// Microsoft Graph list pages (`{"@odata.context", "value", "@odata.nextLink"}`, REFERENCE.md §1.7).
    private mutating func writeDirectory() throws {
        let t = tenant
        func object(_ p: Tenant.PrincipalNode) -> JSON {
            switch p.kind {
            case .user, .guest:
                return .object([
                    ("@odata.type", .string(p.odataType)), ("id", .string(p.id)), ("displayName", .string(p.displayName)),
                    ("userPrincipalName", .str(p.userPrincipalName)), ("mail", .str(p.mail)),
                    ("userType", .string(p.kind == .guest ? "Guest" : "Member")), ("accountEnabled", .bool(true)),
                ])
            case .group:
                return .object([
                    ("@odata.type", .string(p.odataType)), ("id", .string(p.id)), ("displayName", .string(p.displayName)),
                    ("description", .null), ("groupTypes", .array([])), ("mailEnabled", .bool(false)),
                    ("securityEnabled", .bool(true)),
                ])
            case .servicePrincipal, .managedIdentity:
                var fields: [(String, JSON)] = [
                    ("@odata.type", .string(p.odataType)), ("id", .string(p.id)), ("displayName", .string(p.displayName)),
                    ("appId", .str(p.appID)), ("accountEnabled", .bool(true)),
                    ("servicePrincipalType", .string(p.kind == .managedIdentity ? "ManagedIdentity" : "Application")),
                ]
                if let rid = p.resourceID { fields.append(("alternativeNames", .strings(["isExplicit=True", rid]))) }
                return .object(fields)
            }
        }
        let sets: [(String, String, [Tenant.PrincipalNode])] = [
            ("users", "users", t.principals.filter { $0.kind == .user || $0.kind == .guest }),
            ("groups", "groups", t.principals.filter { $0.kind == .group }),
            ("servicePrincipals", "servicePrincipals",
             t.principals.filter { $0.kind == .servicePrincipal || $0.kind == .managedIdentity }),
        ]
        for (file, entity, list) in sets {
            let pages = max(1, (list.count + Self.graphPageSize - 1) / Self.graphPageSize)
            for p in 0..<pages {
                let slice = list[min(list.count, p * Self.graphPageSize)..<min(list.count, (p + 1) * Self.graphPageSize)]
                var fields: [(String, JSON)] = [("@odata.context", .string("https://graph.microsoft.com/v1.0/$metadata#\(entity)")),
                                                  ("value", .array(slice.map(object)))]
                if p + 1 < pages {
                    fields.append(("@odata.nextLink", .string("https://graph.microsoft.com/v1.0/\(entity)?$top=999&$skiptoken=page\(p + 2)")))
                }
                try put("directory/\(file)-\(UTCCalendar.pad(p + 1, 4)).json", JSON.object(fields).bytes())
            }
        }
    }

    /// `GET /groups/{id}/members` per group, saved as `groups/<groupId>/members.json` (the folder
    /// names the group).
    private mutating func writeGroupMembers() throws {
        let t = tenant
        for g in t.groups {
            let members: [JSON] = (t.groupMembers[g] ?? []).map { m in
                let p = t.principals[m]
                var fields: [(String, JSON)] = [("@odata.type", .string(p.odataType)), ("id", .string(p.id)),
                                                  ("displayName", .string(p.displayName))]
                if let upn = p.userPrincipalName { fields.append(("userPrincipalName", .string(upn))) }
                return .object(fields)
            }
            let doc: JSON = .object([("@odata.context", .string("https://graph.microsoft.com/v1.0/$metadata#directoryObjects")),
                                       ("value", .array(members))])
            try put("groups/\(t.principals[g].id)/members.json", doc.bytes())
        }
    }

    static func roleJSON(_ r: RoleDefinition) -> JSON {
        .object([
            ("assignableScopes", .strings(r.assignableScopes.map(\.display))), ("createdBy", .null),
            ("createdOn", .str(r.createdOn)), ("description", .string(r.description)), ("id", .string(r.resourceID)),
            ("name", .string(r.id)),
            ("permissions", .array(r.permissions.map { b in
                .object([("actions", .strings(b.actions)), ("condition", .str(b.condition)),
                         ("conditionVersion", .str(b.conditionVersion)), ("dataActions", .strings(b.dataActions)),
                         ("notActions", .strings(b.notActions)), ("notDataActions", .strings(b.notDataActions))])
            })),
            ("roleName", .string(r.roleName)), ("roleType", .string(r.isCustom ? "CustomRole" : "BuiltInRole")),
            ("type", .string("Microsoft.Authorization/roleDefinitions")), ("updatedBy", .null), ("updatedOn", .str(r.updatedOn)),
        ])
    }

    /// `az role definition list` (REFERENCE.md §1.1.1): built-ins as given, custom roles beside them.
    private mutating func writeRoles() throws {
        if let bytes = rolesFileBytes { try put("roles/builtin-roles.json", bytes) } else {
            try put("roles/builtin-roles.json", JSON.array(EmbeddedRoles.all.map(Self.roleJSON)).bytes())
        }
        let custom = tenant.roles.filter { $0.definition.isCustom }.map { Self.roleJSON($0.definition) }
        if !custom.isEmpty { try put("roles/custom-roles.json", JSON.array(custom).bytes()) }
    }

    /// `az provider operation list` (REFERENCE.md §1.2): copied through, or the embedded slice.
    private mutating func writeCatalog() throws {
        if let bytes = catalogFileBytes { try put("catalog/provider-operations.json", bytes); return }
        func op(_ o: EmbeddedCatalog.Operation) -> JSON {
            .object([("description", .string(o.description)), ("displayName", .string(o.displayName)),
                     ("isDataAction", .bool(o.isDataAction)), ("name", .string(o.name)), ("origin", .null),
                     ("properties", .null)])
        }
        let providers: [JSON] = EmbeddedCatalog.providers.map { p in
            .object([
                ("displayName", .string(p.displayName)), ("id", .string("/providers/Microsoft.Authorization/providerOperations/\(p.name)")),
                ("name", .string(p.name)), ("operations", .array(p.operations.map(op))),
                ("resourceTypes", .array(p.resourceTypes.map { rt in
                    .object([("displayName", .string(rt.displayName)), ("name", .string(rt.name)),
                             ("operations", .array(rt.operations.map(op)))])
                })),
                ("type", .string("Microsoft.Authorization/providerOperations")),
            ])
        }
        try put("catalog/provider-operations.json", JSON.array(providers).bytes())
    }

    private func roleDefinitionID(_ a: Tenant.AssignmentNode, subscription: String?) -> String {
        let guid = tenant.roles[a.role].definition.id
        if let subscription { return "/subscriptions/\(subscription)/providers/Microsoft.Authorization/roleDefinitions/\(guid)" }
        return "/providers/Microsoft.Authorization/roleDefinitions/\(guid)"
    }

    private func subscriptionIndex(_ a: Tenant.AssignmentNode) -> Int? {
        switch a.level {
        case .root, .managementGroup: return nil
        case .subscription: return a.node
        case .resourceGroup: return tenant.resourceGroups[a.node].subscription
        case .resource: return tenant.resourceGroups[tenant.resources[a.node].resourceGroup].subscription
        }
    }

    /// `az role assignment list --all` per subscription (flattened, REFERENCE.md §1.3.2), and an ARM
    /// REST list for management-group and root scopes, which `--all` misses.
    private mutating func writeAssignments() throws {
        let t = tenant
        var perSubscription: [[Int]] = Array(repeating: [], count: t.subscriptions.count)
        var above: [Int] = []
        for (i, a) in t.assignments.enumerated() {
            if let s = subscriptionIndex(a) { perSubscription[s].append(i) } else { above.append(i) }
        }
        for (s, list) in perSubscription.enumerated() where !list.isEmpty {
            let sub = t.subscriptions[s]
            let rows: [JSON] = list.map { i in
                let a = t.assignments[i]
                let p = t.principals[a.principal]
                var rg: JSON = .null
                if a.level == .resourceGroup { rg = .string(t.resourceGroups[a.node].name) }
                if a.level == .resource { rg = .string(t.resourceGroups[t.resources[a.node].resourceGroup].name) }
                return .object([
                    ("condition", .str(a.condition)), ("conditionVersion", a.condition == nil ? .null : .string("2.0")),
                    ("createdBy", .string(t.principals[0].id)), ("createdOn", .string(a.createdOn)),
                    ("delegatedManagedIdentityResourceId", .null), ("description", .null),
                    ("id", .string("\(a.scope)/providers/Microsoft.Authorization/roleAssignments/\(a.id)")),
                    ("name", .string(a.id)), ("principalId", .string(p.id)),
                    ("principalName", .string(p.userPrincipalName ?? p.appID ?? p.displayName)),
                    ("principalType", .string(p.assignmentType)), ("resourceGroup", rg),
                    ("roleDefinitionId", .string(roleDefinitionID(a, subscription: sub.id))),
                    ("roleDefinitionName", .string(t.roles[a.role].definition.roleName)), ("scope", .string(a.scope)),
                    ("type", .string("Microsoft.Authorization/roleAssignments")), ("updatedBy", .string(t.principals[0].id)),
                    ("updatedOn", .string(a.createdOn)),
                ])
            }
            try put("role-assignments/subscriptions/\(sub.id).json", JSON.array(rows).bytes())
        }
        if !above.isEmpty {
            let rows: [JSON] = above.map { i in
                let a = t.assignments[i]
                let p = t.principals[a.principal]
                return .object([
                    ("properties", .object([
                        ("roleDefinitionId", .string(roleDefinitionID(a, subscription: nil))), ("principalId", .string(p.id)),
                        ("principalType", .string(p.assignmentType)), ("scope", .string(a.scope)),
                        ("condition", .str(a.condition)), ("conditionVersion", a.condition == nil ? .null : .string("2.0")),
                        ("createdOn", .string(a.createdOn)), ("updatedOn", .string(a.createdOn)),
                        ("createdBy", .string(t.principals[0].id)), ("updatedBy", .string(t.principals[0].id)),
                        ("delegatedManagedIdentityResourceId", .null), ("description", .null),
                    ])),
                    ("id", .string("\(a.scope == "/" ? "" : a.scope)/providers/Microsoft.Authorization/roleAssignments/\(a.id)")),
                    ("type", .string("Microsoft.Authorization/roleAssignments")), ("name", .string(a.id)),
                ])
            }
            try put("role-assignments/management-groups.json", JSON.object([("value", .array(rows))]).bytes())
        }
    }

    /// `roleEligibilityScheduleInstances` REST list (REFERENCE.md §1.6).
    private mutating func writeEligible() throws {
        let t = tenant
        guard !t.eligible.isEmpty else { return }
        let rows: [JSON] = t.eligible.map { a in
            let p = t.principals[a.principal]
            let role = t.roles[a.role].definition
            let subIndex = a.level == .subscription ? a.node : t.resourceGroups[a.node].subscription
            let sub = t.subscriptions[subIndex]
            let displayName = a.level == .subscription ? sub.displayName : t.resourceGroups[a.node].name
            return .object([
                ("name", .string(a.id)), ("type", .string("Microsoft.Authorization/RoleEligibilityScheduleInstances")),
                ("id", .string("\(a.scope)/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/\(a.id)")),
                ("properties", .object([
                    ("condition", .null), ("conditionVersion", .null), ("createdOn", .string(a.createdOn)),
                    ("endDateTime", .string("2027-06-30T00:00:00Z")),
                    ("expandedProperties", .object([
                        ("principal", .object([("type", .string(p.assignmentType)), ("displayName", .string(p.displayName)),
                                               ("email", .str(p.mail)), ("id", .string(p.id))])),
                        ("roleDefinition", .object([("type", .string(role.isCustom ? "CustomRole" : "BuiltInRole")),
                                                    ("displayName", .string(role.roleName)),
                                                    ("id", .string(roleDefinitionID(a, subscription: sub.id)))])),
                        ("scope", .object([("type", .string(a.level == .subscription ? "subscription" : "resourcegroup")),
                                           ("displayName", .string(displayName)), ("id", .string(a.scope))])),
                    ])),
                    ("memberType", .string("Direct")), ("principalId", .string(p.id)),
                    ("principalType", .string(p.assignmentType)),
                    ("roleDefinitionId", .string(roleDefinitionID(a, subscription: sub.id))),
                    ("roleEligibilityScheduleId", .string("\(a.scope)/providers/Microsoft.Authorization/RoleEligibilitySchedules/\(a.id)")),
                    ("scope", .string(a.scope)), ("startDateTime", .string(a.createdOn)), ("status", .string("Provisioned")),
                ])),
            ])
        }
        try put("pim/role-eligibility-schedule-instances.json", JSON.object([("value", .array(rows))]).bytes())
    }

    /// Deny assignments REST list (REFERENCE.md §1.4).
    private mutating func writeDenies() throws {
        let t = tenant
        guard !t.denies.isEmpty else { return }
        let rows: [JSON] = t.denies.map { d in
            let rg = t.resourceGroups[d.resourceGroup]
            let ex = t.principals[d.excluded]
            return .object([
                ("properties", .object([
                    ("denyAssignmentName", .string(d.name)),
                    ("description", .string("Created by a deployment stack with deny settings denyWriteAndDelete")),
                    ("permissions", .array([.object([
                        ("actions", .strings(["*/write", "*/delete"])),
                        ("notActions", .strings(["Microsoft.Authorization/locks/delete", "Microsoft.Resources/deploymentStacks/write"])),
                        ("dataActions", .array([])), ("notDataActions", .array([])),
                    ])])),
                    ("scope", .string(rg.scope)), ("doNotApplyToChildScopes", .bool(false)),
                    ("principals", .array([.object([("id", .string(AzureID.everyone)), ("type", .string("SystemDefined"))])])),
                    ("excludePrincipals", .array([.object([("id", .string(ex.id)), ("type", .string(ex.assignmentType))])])),
                    ("isSystemProtected", .bool(true)),
                ])),
                ("id", .string("\(rg.scope)/providers/Microsoft.Authorization/denyAssignments/\(d.id)")),
                ("type", .string("Microsoft.Authorization/denyAssignments")), ("name", .string(d.id)),
            ])
        }
        try put("deny-assignments.json", JSON.object([("value", .array(rows))]).bytes())
    }
}
