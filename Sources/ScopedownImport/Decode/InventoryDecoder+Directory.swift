import ScopedownCore

// Microsoft Graph directory objects and group membership (REFERENCE.md §1.7), and the provider
// operations catalog (§1.2).

extension InventoryDecoder {
    /// The principal kind of a Graph object: `@odata.type`, else the collection named by the page's
    /// `@odata.context`. Service principals whose `servicePrincipalType` is `ManagedIdentity` are
    /// managed identities.
    static func graphKind(_ item: JSONValue, context: String?) throws -> PrincipalKind {
        var kind: PrincipalKind = .unknown
        if let t = try item.optionalString("@odata.type") {
            kind = PrincipalKind.from(t)
        } else if let name = graphCollectionName(context) {
            switch name {
            case "users": kind = .user
            case "groups": kind = .group
            case "serviceprincipals": kind = .servicePrincipal
            case "devices": kind = .device
            default: kind = .unknown
            }
        }
        if kind == .servicePrincipal, try item.optionalString("servicePrincipalType")?.lowercased() == "managedidentity" {
            kind = .managedIdentity
        }
        return kind
    }

    /// A Graph user / group / service principal. Objects of other types (devices excepted), e.g.
    /// `orgContact`, are not security principals: skipped with a warning when `strict`.
    mutating func graphPrincipal(_ item: JSONValue, context: String?, strict: Bool) throws -> Principal? {
        let id = try item.requireString("id")
        let kind = try Self.graphKind(item, context: context)
        if kind == .unknown {
            if strict {
                let t = (try? item.optionalString("@odata.type")) ?? nil
                warnings.append(item.warning("skipped a directory object of type `\(TextSanitizer.clean(t ?? "unknown"))`"))
            }
            return nil
        }
        let upn = try item.optionalString("userPrincipalName")
        let mail = try item.optionalString("mail")
        let display = try item.optionalString("displayName") ?? upn ?? mail ?? ""
        return Principal(id: id, kind: kind, displayName: display, userPrincipalName: upn,
                         userType: try item.optionalString("userType"), appID: try item.optionalString("appId"),
                         servicePrincipalType: try item.optionalString("servicePrincipalType"), mail: mail,
                         accountEnabled: try item.optionalBool("accountEnabled"))
    }

    /// `GET /groups?$expand=members`: each group with its direct members.
    mutating func decodeGroupWithMembers(_ item: JSONValue, context: String?) throws {
        let groupID = try item.requireString("id")
        if let group = try graphPrincipal(item, context: context ?? "#groups", strict: false) {
            var g = group
            if g.kind == .unknown { g.kind = .group }
            try principals.add(g, id: g.id, item: item)
        }
        let key = AzureID.guidKey(groupID)
        if membershipGroupSet.insert(key).inserted { membershipGroups.append(key) }
        for member in try item.require("members").expectArray() {
            try addMember(member, groupID: groupID, transitive: false, context: nil)
        }
    }

    /// `groups/<groupId>/members.json` or `transitiveMembers.json`: the group is the folder's name.
    /// Checks the group id a per-group membership file takes from its folder.
    mutating func beginMembers(groupID: String) throws {
        guard AzureID.isGUID(groupID) else {
            throw Diagnostic.error("folder name `\(TextSanitizer.clean(groupID))` is not a group object id", file: file.displayName,
                                   help: "store each group's members as groups/<groupId>/members.json")
        }
        membershipGroups = [AzureID.guidKey(groupID)]
    }

    mutating func decodeMembersResponse(_ envelope: Envelope, groupID: String, transitive: Bool, root: JSONValue) throws {
        try beginMembers(groupID: groupID)
        guard envelope.wrapper == .valueList || envelope.wrapper == .bareArray else {
            throw root.error("expected a Graph list `{\"value\": [...]}`, found another shape")
        }
        for collection in envelope.collections {
            for member in collection.items {
                try addMember(member, groupID: groupID, transitive: transitive, context: collection.odataContext)
            }
        }
    }

    mutating func addMember(_ member: JSONValue, groupID: String, transitive: Bool, context: String?) throws {
        _ = try member.expectObject()
        let memberID = try member.requireString("id")
        let kind = try Self.graphKind(member, context: context)
        let edge = GroupMembership(groupID: groupID, memberID: memberID, memberKind: kind, transitive: transitive)
        memberships.addIfNew(edge, id: edge.groupID + "|" + edge.memberID, item: member)
        if kind != .unknown, let p = try graphPrincipal(member, context: context, strict: false) {
            principals.addIfNew(p, id: p.id, item: member)
        }
    }

    // MARK: operations catalog

    /// One catalog entry per (lower(name), isDataAction), first-seen spelling (REFERENCE.md §1.2).
    mutating func addOperation(_ op: JSONValue, provider: String, resourceType: String?) throws {
        _ = try op.expectObject()
        let name = try op.requireString("name")
        let isData = try op.optionalBool("isDataAction") ?? false
        if let flag = op["isDataAction"], !flag.isNull { sawIsDataAction = true }
        let key = AzureID.operationKey(name) + (isData ? "|d" : "|c")
        guard operationKeys.insert(key).inserted else { return }
        operations.append(CatalogOperation(name: name, isDataAction: isData,
                                           displayName: try op.optionalString("displayName") ?? "",
                                           description: try op.optionalString("description") ?? "",
                                           provider: provider, resourceType: resourceType))
    }

    /// `az provider operation list`: provider `operations` plus `resourceTypes[].operations`.
    mutating func decodeProvider(_ item: JSONValue) throws {
        let provider = try item.optionalString("name") ?? item.optionalString("id").map(Self.lastSegment) ?? ""
        if let ops = item["operations"], !ops.isNull {
            for op in try ops.expectArray() { try addOperation(op, provider: provider, resourceType: nil) }
        }
        if let types = item["resourceTypes"], !types.isNull {
            for rt in try types.expectArray() {
                _ = try rt.expectObject()
                let typeName = try rt.optionalString("name")
                if let ops = rt["operations"], !ops.isNull {
                    for op in try ops.expectArray() { try addOperation(op, provider: provider, resourceType: typeName) }
                }
            }
        }
    }

    /// The flat catalog form: `{provider, resourceType, name, isDataAction, displayName, description}`.
    mutating func decodeFlatOperation(_ item: JSONValue) throws {
        let name = try item.requireString("name")
        let provider = try item.optionalString("provider") ?? String(name.split(separator: "/").first ?? "")
        try addOperation(item, provider: provider, resourceType: try item.optionalString("resourceType"))
    }
}

// Microsoft Graph `roleManagement/directory` (Entra ID roles): `unifiedRoleDefinition` and
// `unifiedRoleAssignment` items, read by the findings rules (REFERENCE.md §1.8, [ELEV]).
extension InventoryDecoder {
    static func directoryRoleDefinition(_ item: JSONValue) throws -> DirectoryRoleDefinition {
        let id = try item.requireString("id")
        guard AzureID.isGUID(id) else { throw item["id"]?.error("directory role definition id `\(TextSanitizer.clean(id))` is not a GUID") ?? item.error("bad id") }
        return DirectoryRoleDefinition(id: id, displayName: try item.requireString("displayName"),
                                       templateID: try item.optionalString("templateId").flatMap { AzureID.isGUID($0) ? $0 : nil },
                                       isBuiltIn: try item.optionalBool("isBuiltIn") ?? true)
    }

    static func directoryRoleAssignment(_ item: JSONValue) throws -> DirectoryRoleAssignment {
        let principal = try item.requireString("principalId")
        let role = try item.requireString("roleDefinitionId")
        for (field, value) in [("principalId", principal), ("roleDefinitionId", role)] where !AzureID.isGUID(value) {
            throw item[field]?.error("`\(field)` `\(TextSanitizer.clean(value))` is not a GUID") ?? item.error("bad \(field)")
        }
        return DirectoryRoleAssignment(id: try item.requireString("id"), principalID: principal, roleDefinitionID: role,
                                       directoryScopeID: try item.optionalString("directoryScopeId") ?? "/")
    }
}

extension InventoryDecoder {
    /// A managed identity's resource from `alternativeNames` (`["isExplicit=True", "/subscriptions/..."]`),
    /// when the export selected it.
    static func managedIdentityResource(_ item: JSONValue, principalID: String) throws -> ManagedIdentityResource? {
        guard let names = item["alternativeNames"], names.kind == .array else { return nil }
        let values = names.elements.compactMap(\.string)
        guard let resource = values.first(where: { $0.lowercased().hasPrefix("/subscriptions/") }) else { return nil }
        let explicit = values.contains { $0.lowercased() == "isexplicit=true" }
        return ManagedIdentityResource(principalID: principalID, resource: Scope(resource), userAssigned: explicit)
    }
}

// Owners of service principals and application registrations (Graph `.../owners`): the target is
// the folder's name, as for group members.
extension InventoryDecoder {
    mutating func beginOwners(_ target: (targetID: String, application: Bool)) throws {
        guard AzureID.isGUID(target.targetID) else {
            throw Diagnostic.error("folder name `\(TextSanitizer.clean(target.targetID))` is not \(target.application ? "an application id" : "a service principal object id")",
                                   file: file.displayName,
                                   help: "store owners as servicePrincipals/<objectId>/owners.json or applications/<appId>/owners.json")
        }
        ownershipTargets = [Ownership(targetID: target.targetID, application: target.application, ownerID: target.targetID)]
    }

    mutating func addOwner(_ item: JSONValue, _ target: (targetID: String, application: Bool)) throws {
        guard item.kind == .object else { throw item.error("expected object, found \(item.kind)") }
        let id = try item.requireString("id")
        guard AzureID.isGUID(id) else { throw item["id"]?.error("owner id `\(TextSanitizer.clean(id))` is not a GUID") ?? item.error("bad id") }
        let o = Ownership(targetID: target.targetID, application: target.application, ownerID: id)
        if !ownerships.contains(o) { ownerships.append(o) }
    }
}
