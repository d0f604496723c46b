import ScopedownCore

// Role definitions, role assignments, PIM instances and deny assignments (REFERENCE.md §1.1, §1.3,
// §1.4, §1.6). One decoder per record type; the az CLI (flattened) and ARM / Resource Graph
// (`properties`) shapes differ only in where the fields sit (`InventoryDecoder.properties`).

extension InventoryDecoder {
    static func permissionBlock(_ value: JSONValue) throws -> PermissionBlock {
        let block = try value.expectObject()
        return PermissionBlock(
            actions: try block.stringArray("actions"),
            notActions: try block.stringArray("notActions"),
            dataActions: try block.stringArray("dataActions"),
            notDataActions: try block.stringArray("notDataActions"),
            condition: try block.optionalString("condition").flatMap { $0.trimmingSpaces().isEmpty ? nil : $0 },
            conditionVersion: try block.optionalString("conditionVersion"))
    }

    /// Role definition: az `roleType` or ARM/ARG `properties.type` says built-in or custom
    /// (REFERENCE.md §1.1.1); keyed by the GUID in `name` (§1.1.2).
    static func roleDefinition(_ item: JSONValue) throws -> RoleDefinition {
        let props = properties(item)
        let (key, resourceID) = try itemKey(item)
        let roleName = try props.requireString("roleName")
        let blocks = try props.require("permissions").expectArray().map(permissionBlock)
        let roleKind: String?
        if let t = try item.optionalString("roleType") {
            roleKind = t
        } else if props.index != item.index {
            roleKind = try props.optionalString("type") ?? props.optionalString("roleType")
        } else {
            roleKind = nil
        }
        // ARG compares `tolower(properties.type) == "customrole"` (REFERENCE.md §1.1.1).
        let isCustom = roleKind?.lowercased() == "customrole"
        let scopes = try props.stringArray("assignableScopes").map(Scope.init)
        return RoleDefinition(id: key, resourceID: resourceID, roleName: roleName,
                              description: try props.optionalString("description") ?? "",
                              isCustom: isCustom, permissions: blocks, assignableScopes: scopes,
                              createdOn: try props.optionalString("createdOn"),
                              updatedOn: try props.optionalString("updatedOn"))
    }

    /// Role assignment or PIM schedule instance. The scope is the item's own `scope` (list responses
    /// hold other scopes than the one queried, §1.3.1), else `expandedProperties.scope.id` (PIM),
    /// else derived from the id by stripping the extension-resource suffix (§1.3.1, §1.8). PIM's
    /// `/providers/Microsoft.Subscription/subscriptions/X` form is normalized by `Scope` (§1.6).
    static func roleAssignment(_ item: JSONValue, state: AssignmentState) throws -> RoleAssignment {
        let props = properties(item)
        let (key, resourceID) = try itemKey(item)
        let principalID = try props.requireString("principalId")
        let roleDefinitionID = try props.requireString("roleDefinitionId")
        let scope: Scope
        if let s = try props.optionalString("scope"), !s.trimmingSpaces().isEmpty {
            scope = Scope(s)
        } else if let s = try props["expandedProperties"]?["scope"]?.optionalString("id") {
            scope = Scope(s)
        } else if let derived = scopeFromID(resourceID, type: lastTypeSegment(item) ?? "roleAssignments") {
            scope = derived
        } else {
            throw props.error("missing required field `scope`", help: "the scope could not be derived from the id either")
        }
        return RoleAssignment(
            id: key, resourceID: resourceID, scope: scope, roleDefinitionID: roleDefinitionID,
            principalID: principalID,
            principalType: try props.optionalString("principalType") ?? "Unknown",
            state: state,
            condition: try props.optionalString("condition"),
            conditionVersion: try props.optionalString("conditionVersion"),
            description: try props.optionalString("description"),
            createdOn: try props.optionalString("createdOn"),
            updatedOn: try props.optionalString("updatedOn"),
            createdBy: try props.optionalString("createdBy"),
            delegatedManagedIdentityResourceID: try props.optionalString("delegatedManagedIdentityResourceId"),
            startDateTime: try props.optionalString("startDateTime"),
            endDateTime: try props.optionalString("endDateTime"))
    }

    /// Managed HSM local RBAC role definition: type `AKVBuiltInRole`, or an id without a leading `/`
    /// (`Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{guid}`). Azure RBAC
    /// role definition ids always start with `/`.
    static func isManagedHSMRole(_ item: JSONValue) throws -> Bool {
        let props = properties(item)
        let kind = try item.optionalString("roleType") ?? (props.index != item.index ? props.optionalString("type") : nil)
        if kind?.lowercased() == "akvbuiltinrole" { return true }
        guard let id = try item.optionalString("id")?.trimmingSpaces(), !id.isEmpty else { return false }
        return !id.hasPrefix("/") && id.lowercased().contains("providers/microsoft.authorization/roledefinitions")
    }

    /// Managed HSM local RBAC assignment: its role definition id has no leading `/`, or its scope is
    /// the HSM's `/keys` (Azure RBAC scopes start with `/subscriptions`, `/providers` or are `/`).
    static func isManagedHSMAssignment(_ item: JSONValue) throws -> Bool {
        let props = properties(item)
        if let role = try props.optionalString("roleDefinitionId")?.trimmingSpaces(), !role.isEmpty, !role.hasPrefix("/"),
           role.lowercased().contains("providers/microsoft.authorization/roledefinitions") {
            return true
        }
        let scope = (try props.optionalString("scope") ?? "").lowercased()
        return scope == "/keys" || scope.hasPrefix("/keys/")
    }

    /// The resource type's last segment (`roleAssignments`, `RoleEligibilityScheduleInstances`).
    static func lastTypeSegment(_ item: JSONValue) -> String? {
        guard let t = item["type"]?.string else { return nil }
        return t.split(separator: "/").last.map(String.init)
    }

    static func principalReferences(_ value: JSONValue?) throws -> [PrincipalReference] {
        guard let value, !value.isNull else { return [] }
        return try value.expectArray().map { p in
            PrincipalReference(id: try p.requireString("id"), type: try p.optionalString("type") ?? "Unknown")
        }
    }

    /// Deny assignment (REFERENCE.md §1.4): `denyAssignmentEffect` audit does not block; missing
    /// `doNotApplyToChildScopes` is false, missing `isSystemProtected` true.
    static func denyAssignment(_ item: JSONValue) throws -> DenyAssignment {
        let props = properties(item)
        let (key, resourceID) = try itemKey(item)
        let scope: Scope
        if let s = try props.optionalString("scope"), !s.trimmingSpaces().isEmpty {
            scope = Scope(s)
        } else if let derived = scopeFromID(resourceID, type: "denyAssignments") {
            scope = derived
        } else {
            throw props.error("missing required field `scope`")
        }
        let blocks = try props.require("permissions").expectArray().map(permissionBlock)
        let principals = try principalReferences(try props.require("principals"))
        return DenyAssignment(
            id: key, resourceID: resourceID,
            name: try props.optionalString("denyAssignmentName") ?? key,
            description: try props.optionalString("description") ?? "",
            scope: scope, permissions: blocks, principals: principals,
            excludePrincipals: try principalReferences(props["excludePrincipals"]),
            doNotApplyToChildScopes: try props.optionalBool("doNotApplyToChildScopes") ?? false,
            isSystemProtected: try props.optionalBool("isSystemProtected") ?? true,
            effect: try props.optionalString("denyAssignmentEffect") ?? "enforced",
            condition: try props.optionalString("condition").flatMap { $0.trimmingSpaces().isEmpty ? nil : $0 })
    }
}
