/// The domain values scopedown imports and evaluates. Plain `Sendable` value types; ids are the
/// normalized keys described in `AzureID` and `Scope`, display spellings kept beside them.

/// One permission block of a role or deny assignment (REFERENCE.md §1.1, §1.4). Roles may have
/// several blocks; the evaluator subtracts NotActions within each block and unions the blocks
/// (REFERENCE.md §2.3).
public struct PermissionBlock: Hashable, Sendable, Codable {
    public var actions: [String]
    public var notActions: [String]
    public var dataActions: [String]
    public var notDataActions: [String]
    public var condition: String?
    public var conditionVersion: String?

    public init(actions: [String] = [], notActions: [String] = [], dataActions: [String] = [],
                notDataActions: [String] = [], condition: String? = nil, conditionVersion: String? = nil) {
        self.actions = actions
        self.notActions = notActions
        self.dataActions = dataActions
        self.notDataActions = notDataActions
        self.condition = condition
        self.conditionVersion = conditionVersion
    }
}

public struct RoleDefinition: Hashable, Sendable, Identifiable {
    /// GUID key (REFERENCE.md §1.1.2).
    public var id: String
    /// The ARM id as exported (`/providers/Microsoft.Authorization/roleDefinitions/{guid}` or with a scope prefix).
    public var resourceID: String
    public var roleName: String
    public var description: String
    public var isCustom: Bool
    public var permissions: [PermissionBlock]
    public var assignableScopes: [Scope]
    public var createdOn: String?
    public var updatedOn: String?

    public init(id: String, resourceID: String, roleName: String, description: String = "", isCustom: Bool,
                permissions: [PermissionBlock], assignableScopes: [Scope] = [.root],
                createdOn: String? = nil, updatedOn: String? = nil) {
        self.id = AzureID.roleDefinitionKey(id)
        self.resourceID = resourceID
        self.roleName = roleName
        self.description = description
        self.isCustom = isCustom
        self.permissions = permissions
        self.assignableScopes = assignableScopes
        self.createdOn = createdOn
        self.updatedOn = updatedOn
    }
}

/// Whether an assignment grants now (active) or only after PIM activation (eligible), REFERENCE.md §1.6, §2.9.
public enum AssignmentState: String, Hashable, Sendable, Codable {
    case active, eligible
}

public struct RoleAssignment: Hashable, Sendable, Identifiable {
    /// GUID key of the assignment (its `name`), or of the PIM instance.
    public var id: String
    /// The ARM id as exported.
    public var resourceID: String
    public var scope: Scope
    /// GUID key of the role definition.
    public var roleDefinitionID: String
    /// GUID key of the principal.
    public var principalID: String
    /// `User | Group | ServicePrincipal | ForeignGroup | Device` or another open string, as exported.
    public var principalType: String
    public var state: AssignmentState
    public var condition: String?
    public var conditionVersion: String?
    public var description: String?
    public var createdOn: String?
    public var updatedOn: String?
    public var createdBy: String?
    public var delegatedManagedIdentityResourceID: String?
    /// PIM: the schedule instance's start and end (ISO-8601), when known.
    public var startDateTime: String?
    public var endDateTime: String?

    public init(id: String, resourceID: String, scope: Scope, roleDefinitionID: String, principalID: String,
                principalType: String, state: AssignmentState = .active, condition: String? = nil,
                conditionVersion: String? = nil, description: String? = nil, createdOn: String? = nil,
                updatedOn: String? = nil, createdBy: String? = nil,
                delegatedManagedIdentityResourceID: String? = nil,
                startDateTime: String? = nil, endDateTime: String? = nil) {
        self.id = AzureID.guidKey(id)
        self.resourceID = resourceID
        self.scope = scope
        self.roleDefinitionID = AzureID.roleDefinitionKey(roleDefinitionID)
        self.principalID = AzureID.guidKey(principalID)
        self.principalType = principalType
        self.state = state
        // REFERENCE.md §1.3.1 (CONFLICT on conditionVersion): any non-empty condition is conditional.
        self.condition = (condition?.trimmingSpaces().isEmpty ?? true) ? nil : condition
        self.conditionVersion = conditionVersion
        self.description = description
        self.createdOn = createdOn
        self.updatedOn = updatedOn
        self.createdBy = createdBy
        self.delegatedManagedIdentityResourceID = delegatedManagedIdentityResourceID
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
    }

    public var isConditional: Bool { condition != nil }
}

public struct PrincipalReference: Hashable, Sendable, Codable {
    /// GUID key.
    public var id: String
    public var type: String
    public init(id: String, type: String) {
        self.id = AzureID.guidKey(id)
        self.type = type
    }
    public var isEveryone: Bool { id == AzureID.everyone }
}

public struct DenyAssignment: Hashable, Sendable, Identifiable {
    public var id: String
    public var resourceID: String
    public var name: String
    public var description: String
    public var scope: Scope
    public var permissions: [PermissionBlock]
    public var principals: [PrincipalReference]
    public var excludePrincipals: [PrincipalReference]
    public var doNotApplyToChildScopes: Bool
    public var isSystemProtected: Bool
    /// `enforced` (default) or `audit` (2024-07-01-preview: audit does not block, REFERENCE.md §1.4).
    public var effect: String
    public var condition: String?

    public init(id: String, resourceID: String, name: String, description: String = "", scope: Scope,
                permissions: [PermissionBlock], principals: [PrincipalReference],
                excludePrincipals: [PrincipalReference] = [], doNotApplyToChildScopes: Bool = false,
                isSystemProtected: Bool = true, effect: String = "enforced", condition: String? = nil) {
        self.id = AzureID.guidKey(id)
        self.resourceID = resourceID
        self.name = name
        self.description = description
        self.scope = scope
        self.permissions = permissions
        self.principals = principals
        self.excludePrincipals = excludePrincipals
        self.doNotApplyToChildScopes = doNotApplyToChildScopes
        self.isSystemProtected = isSystemProtected
        self.effect = effect
        self.condition = condition
    }

    /// Audit-mode deny assignments log without blocking (REFERENCE.md §1.4, §2.5).
    public var blocks: Bool { effect.lowercased() != "audit" }
}

public enum PrincipalKind: String, Hashable, Sendable, Codable, CaseIterable {
    case user, group, servicePrincipal, managedIdentity, device, foreignGroup, unknown

    /// Maps an assignment's `principalType` or a Graph `@odata.type`.
    public static func from(_ raw: String) -> PrincipalKind {
        let k = raw.lowercased().replacingPrefix("#microsoft.graph.", with: "")
        switch k {
        case "user": return .user
        case "group": return .group
        case "serviceprincipal": return .servicePrincipal
        case "managedidentity": return .managedIdentity
        case "device": return .device
        case "foreigngroup": return .foreignGroup
        default: return .unknown
        }
    }
}

public struct Principal: Hashable, Sendable, Identifiable {
    /// Object id, GUID key.
    public var id: String
    public var kind: PrincipalKind
    public var displayName: String
    /// Users: userPrincipalName. Service principals: nil.
    public var userPrincipalName: String?
    /// Users: `Member` or `Guest` (REFERENCE.md §1.7; guests by userType).
    public var userType: String?
    /// Service principals: appId (the Activity Log `appid` claim).
    public var appID: String?
    /// Service principals: `Application`, `ManagedIdentity`, `Legacy`, ...
    public var servicePrincipalType: String?
    public var mail: String?
    public var accountEnabled: Bool?

    public init(id: String, kind: PrincipalKind, displayName: String, userPrincipalName: String? = nil,
                userType: String? = nil, appID: String? = nil, servicePrincipalType: String? = nil,
                mail: String? = nil, accountEnabled: Bool? = nil) {
        self.id = AzureID.guidKey(id)
        self.kind = kind
        self.displayName = displayName
        self.userPrincipalName = userPrincipalName
        self.userType = userType
        self.appID = appID
        self.servicePrincipalType = servicePrincipalType
        self.mail = mail
        self.accountEnabled = accountEnabled
    }

    public var isGuest: Bool { userType?.lowercased() == "guest" }
}

/// One membership edge from a Graph export. `transitive` is true when it came from a
/// `transitiveMembers` response (the member is in the group, possibly through nesting).
public struct GroupMembership: Hashable, Sendable {
    public var groupID: String
    public var memberID: String
    public var memberKind: PrincipalKind
    public var transitive: Bool

    public init(groupID: String, memberID: String, memberKind: PrincipalKind = .unknown, transitive: Bool = false) {
        self.groupID = AzureID.guidKey(groupID)
        self.memberID = AzureID.guidKey(memberID)
        self.memberKind = memberKind
        self.transitive = transitive
    }
}

public struct ManagementGroup: Hashable, Sendable, Identifiable {
    /// The MG name (its id segment), lower-cased key. The tenant root group's name is the tenant id.
    public var id: String
    public var name: String
    public var displayName: String
    /// Parent MG key; nil for the tenant root group (or when unknown).
    public var parentID: String?
    public var tenantID: String?

    public init(name: String, displayName: String, parentName: String?, tenantID: String? = nil) {
        self.id = name.lowercased()
        self.name = name
        self.displayName = displayName
        self.parentID = parentName?.lowercased()
        self.tenantID = tenantID
    }

    public var scope: Scope { Scope("/providers/Microsoft.Management/managementGroups/\(name)") }
}

public struct Subscription: Hashable, Sendable, Identifiable {
    /// Subscription GUID key.
    public var id: String
    public var displayName: String
    /// Parent MG key, when known.
    public var managementGroupID: String?
    public var state: String?
    public var tenantID: String?
    public var tags: [String: String]

    public init(id: String, displayName: String, managementGroupID: String? = nil, state: String? = nil,
                tenantID: String? = nil, tags: [String: String] = [:]) {
        self.id = AzureID.guidKey(id)
        self.displayName = displayName
        self.managementGroupID = managementGroupID?.lowercased()
        self.state = state
        self.tenantID = tenantID
        self.tags = tags
    }

    public var scope: Scope { Scope("/subscriptions/\(id)") }
}

/// A resource group or resource known from an inventory export (Resource Graph `resourcecontainers`
/// or `resources` rows), with its tags.
public struct ResourceNode: Hashable, Sendable {
    public var scope: Scope
    public var type: String
    public var location: String?
    public var tags: [String: String]

    public init(scope: Scope, type: String, location: String? = nil, tags: [String: String] = [:]) {
        self.scope = scope
        self.type = type
        self.location = location
        self.tags = tags
    }
}

/// One entry of the provider operations catalog (REFERENCE.md §1.2). Keyed by (lower(name), isDataAction).
public struct CatalogOperation: Hashable, Sendable {
    public var name: String
    public var isDataAction: Bool
    public var displayName: String
    public var description: String
    public var provider: String
    public var resourceType: String?
    /// True for operations known only because a built-in role names them (REFERENCE.md §1.1.3).
    public var knownByRoleOnly: Bool

    public init(name: String, isDataAction: Bool, displayName: String = "", description: String = "",
                provider: String = "", resourceType: String? = nil, knownByRoleOnly: Bool = false) {
        self.name = name
        self.isDataAction = isDataAction
        self.displayName = displayName
        self.description = description
        self.provider = provider
        self.resourceType = resourceType
        self.knownByRoleOnly = knownByRoleOnly
    }

    public var key: String { AzureID.operationKey(name) }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
