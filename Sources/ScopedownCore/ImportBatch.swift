/// What kind of data a file holds. Detected from content; `--kind` overrides (see docs/formats.md).
public enum InputKind: String, Sendable, Hashable, Codable, CaseIterable {
    case roleDefinitions = "role-definitions"
    case roleAssignments = "role-assignments"
    case denyAssignments = "deny-assignments"
    case pimEligible = "pim-eligible"
    case pimActive = "pim-active"
    case managementGroups = "management-groups"
    case subscriptions
    case resourceContainers = "resource-containers"
    case directory
    case groupMembers = "group-members"
    case operations
    case activityLog = "activity-log"
    case usageAggregate = "usage-aggregate"
    /// Entra ID directory role definitions and assignments (Microsoft Graph `roleManagement/directory`).
    case directoryRoles = "directory-roles"
    /// Owners of service principals or applications (`servicePrincipals/<id>/owners.json`, `applications/<appId>/owners.json`).
    case owners
}

/// The decoded content of one inventory file: Core values plus the warnings met while decoding.
/// A decoder fills the collections its shape carries; the store writes the batch in one transaction.
public struct ImportBatch: Sendable {
    public var kind: InputKind
    /// The detected shape, e.g. `az role definition list`, `ARM REST list`, `Resource Graph rows`.
    public var shape: String
    public var roleDefinitions: [RoleDefinition] = []
    public var roleAssignments: [RoleAssignment] = []
    public var denyAssignments: [DenyAssignment] = []
    public var principals: [Principal] = []
    public var memberships: [GroupMembership] = []
    /// Groups whose membership this file lists completely (per-group `members` / `transitiveMembers`
    /// responses, `$expand=members` lists): a re-import replaces their edges of the same kind.
    public var membershipGroups: [String] = []
    public var managementGroups: [ManagementGroup] = []
    public var subscriptions: [Subscription] = []
    public var resources: [ResourceNode] = []
    public var operations: [CatalogOperation] = []
    /// True for a catalog none of whose operations carries `isDataAction` (older api-versions, Azure
    /// Stack profiles): its operations are stored as control-plane only where no catalog knows better.
    public var operationsPlaneUnknown = false
    public var directoryRoleDefinitions: [DirectoryRoleDefinition] = []
    public var directoryRoleAssignments: [DirectoryRoleAssignment] = []
    public var managedIdentityResources: [ManagedIdentityResource] = []
    public var ownerships: [Ownership] = []
    /// (target id, application) pairs whose owners this file lists completely: a re-import replaces them.
    public var ownershipTargets: [Ownership] = []
    public var warnings: [Diagnostic] = []

    /// Appended to the shape of a catalog without `isDataAction`; the store finds such imports by it.
    public static let planeUnknownShapeSuffix = " (without isDataAction)"

    public init(kind: InputKind, shape: String) {
        self.kind = kind
        self.shape = shape
    }

    /// Rows carried, by collection name (for import records and summaries).
    public var counts: [String: Int] {
        var c: [String: Int] = [:]
        func put(_ k: String, _ n: Int) { if n > 0 { c[k] = n } }
        put("roleDefinitions", roleDefinitions.count)
        put("roleAssignments", roleAssignments.count)
        put("denyAssignments", denyAssignments.count)
        put("principals", principals.count)
        put("memberships", memberships.count)
        put("managementGroups", managementGroups.count)
        put("subscriptions", subscriptions.count)
        put("resources", resources.count)
        put("operations", operations.count)
        put("directoryRoleDefinitions", directoryRoleDefinitions.count)
        put("directoryRoleAssignments", directoryRoleAssignments.count)
        put("managedIdentityResources", managedIdentityResources.count)
        put("ownerships", ownerships.count)
        return c
    }
}
