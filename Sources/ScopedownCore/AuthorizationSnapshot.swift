/// Everything the evaluator needs about a tenant, in memory: an immutable value loaded from the
/// store (or built by tests). Indexes for fast evaluation are built from it by the evaluator.
public struct AuthorizationSnapshot: Sendable {
    public var roleDefinitions: [RoleDefinition]
    public var roleAssignments: [RoleAssignment]
    public var denyAssignments: [DenyAssignment]
    public var principals: [Principal]
    public var memberships: [GroupMembership]
    public var managementGroups: [ManagementGroup]
    public var subscriptions: [Subscription]
    public var resources: [ResourceNode]
    public var operations: [CatalogOperation]

    public init(roleDefinitions: [RoleDefinition] = [], roleAssignments: [RoleAssignment] = [],
                denyAssignments: [DenyAssignment] = [], principals: [Principal] = [],
                memberships: [GroupMembership] = [], managementGroups: [ManagementGroup] = [],
                subscriptions: [Subscription] = [], resources: [ResourceNode] = [],
                operations: [CatalogOperation] = []) {
        self.roleDefinitions = roleDefinitions
        self.roleAssignments = roleAssignments
        self.denyAssignments = denyAssignments
        self.principals = principals
        self.memberships = memberships
        self.managementGroups = managementGroups
        self.subscriptions = subscriptions
        self.resources = resources
        self.operations = operations
    }
}

/// The management-group hierarchy and subscription placement, for walking a scope's ancestors.
public struct ScopeHierarchy: Sendable {
    /// MG key -> parent MG key.
    public let mgParent: [String: String]
    /// subscription GUID key -> MG key.
    public let subscriptionParent: [String: String]
    /// MG key -> display name of the MG id (its name, display spelling).
    public let mgName: [String: String]

    public init(managementGroups: [ManagementGroup], subscriptions: [Subscription]) {
        var p: [String: String] = [:], n: [String: String] = [:]
        for mg in managementGroups {
            n[mg.id] = mg.name
            if let parent = mg.parentID, parent != mg.id { p[mg.id] = parent }
        }
        var s: [String: String] = [:]
        for sub in subscriptions { if let m = sub.managementGroupID { s[sub.id] = m } }
        mgParent = p
        subscriptionParent = s
        mgName = n
    }

    /// The scope and all its ancestors, nearest first, ending with `/` (REFERENCE.md §2.7):
    /// resource → parent resources → resource group → subscription → MG chain → `/`.
    /// A subscription whose MG is unknown goes straight to `/`. Cycles in bad data are cut.
    public func ancestors(of scope: Scope) -> [Scope] {
        var chain: [Scope] = [scope]
        var current = scope
        while let parent = current.lexicalParent {
            chain.append(parent)
            current = parent
        }
        var mg: String?
        switch current.level {
        case .subscription:
            if let sub = current.subscriptionID { mg = subscriptionParent[sub] }
        case .managementGroup:
            if let name = current.managementGroupName { mg = mgParent[name.lowercased()] }
        default:
            mg = nil
        }
        var seen = Set<String>()
        while let m = mg, seen.insert(m).inserted {
            chain.append(Scope("/providers/Microsoft.Management/managementGroups/\(mgName[m] ?? m)"))
            mg = mgParent[m]
        }
        if current.level != .root { chain.append(.root) }
        return chain
    }
}
