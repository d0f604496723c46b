import ScopedownCore

/// The in-memory inventory of a synthetic tenant (everything but the Activity Log, which is streamed).
/// Indices link the parts; every list is in generation order, which is deterministic.
struct Tenant {
    struct ManagementGroupNode {
        var name: String
        var displayName: String
        var parent: Int?
        var depth: Int
        var children: [Int] = []
        var subscriptions: [Int] = []
        var scope: String { "/providers/Microsoft.Management/managementGroups/\(name)" }
    }

    struct SubscriptionNode {
        var id: String
        var displayName: String
        var managementGroup: Int
        var tags: [(String, String)]
        var resourceGroups: [Int] = []
        var scope: String { "/subscriptions/\(id)" }
    }

    struct ResourceGroupNode {
        var subscription: Int
        var name: String
        var location: String
        var tags: [(String, String)]
        /// Protected by a deny assignment (deployment stack): no events, no role assignments.
        var locked: Bool
        var resources: [Int] = []
        var scope: String
    }

    struct ResourceNode {
        var resourceGroup: Int
        /// `Microsoft.Storage/storageAccounts`, or a child type for child resources.
        var type: String
        var name: String
        var location: String
        var scope: String
        /// Top-level resource index for child resources (not exported to Resource Graph).
        var parent: Int?
        var tags: [(String, String)]
    }

    enum PrincipalKindSynth: String { case user, guest, group, servicePrincipal, managedIdentity }

    struct PrincipalNode {
        var id: String
        var kind: PrincipalKindSynth
        var displayName: String
        var userPrincipalName: String?
        var mail: String?
        var appID: String?
        /// Managed identities: the userAssignedIdentities resource id (the `xms_mirid` claim).
        var resourceID: String?
        /// `principalType` in role assignments.
        var assignmentType: String {
            switch kind {
            case .user, .guest: return "User"
            case .group: return "Group"
            case .servicePrincipal, .managedIdentity: return "ServicePrincipal"
            }
        }
        var odataType: String {
            switch kind {
            case .user, .guest: return "#microsoft.graph.user"
            case .group: return "#microsoft.graph.group"
            case .servicePrincipal, .managedIdentity: return "#microsoft.graph.servicePrincipal"
            }
        }
    }

    struct RoleNode {
        var definition: RoleDefinition
        /// Custom roles: the management group of their assignable scope.
        var assignableManagementGroup: Int?
        /// Control-plane catalog operations granted, excluding reads (what the Activity Log can show).
        var usable: [Int] = []
        var usablePreferred: [Int] = []
        /// Every control-plane operation granted (sorted), for denied-attempt selection.
        var granted: [Int] = []
    }

    enum Level: String { case root, managementGroup, subscription, resourceGroup, resource }

    struct AssignmentNode {
        var id: String
        var level: Level
        var scope: String
        var role: Int
        var principal: Int
        var condition: String?
        /// The node at `level` (MG, subscription, RG or resource index); 0 for the root.
        var node: Int
        var createdOn: String
    }

    struct DenyNode {
        var id: String
        var name: String
        var resourceGroup: Int
        var excluded: Int
    }

    var tenantID = ""
    var domain = ""
    var managementGroups: [ManagementGroupNode] = []
    var subscriptions: [SubscriptionNode] = []
    var resourceGroups: [ResourceGroupNode] = []
    var resources: [ResourceNode] = []
    var principals: [PrincipalNode] = []
    /// Direct members of each group, by principal index (groups and non-groups).
    var groupMembers: [Int: [Int]] = [:]
    var groups: [Int] = []
    var roles: [RoleNode] = []
    var builtInRoleCount = 0
    /// The built-in roles written out (all of them when they came from `--roles`).
    var assignments: [AssignmentNode] = []
    var eligible: [AssignmentNode] = []
    var denies: [DenyNode] = []

    /// Transitive non-group members of each group (callers that can act through its assignments).
    var groupCallers: [Int: [Int]] = [:]

    /// The management-group chain of a subscription, from its MG up to the tenant root group.
    func chain(ofSubscription s: Int) -> [Int] {
        var out: [Int] = []
        var cur: Int? = subscriptions[s].managementGroup
        while let c = cur { out.append(c); cur = managementGroups[c].parent }
        return out
    }

    /// Subscriptions in a management group's subtree.
    func subscriptions(under mg: Int) -> [Int] {
        var out: [Int] = []
        var stack = [mg]
        while let m = stack.popLast() {
            out.append(contentsOf: managementGroups[m].subscriptions)
            stack.append(contentsOf: managementGroups[m].children)
        }
        return out.sorted()
    }
}
