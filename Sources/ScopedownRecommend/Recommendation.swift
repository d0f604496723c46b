import ScopedownCore

/// The kinds of proposal (one per assignment).
public enum ProposalKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case keep
    case remove
    case narrowScope = "narrow-scope"
    case replaceWithBuiltin = "replace-with-builtin"
    case replaceWithCustom = "replace-with-custom"
    case makeEligible = "make-eligible"

    public static func < (a: ProposalKind, b: ProposalKind) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

public struct RecommendOptions: Sendable {
    /// Days of Activity Log the judgement rests on, ending at `asOfDay`.
    public var windowDays: Int = 90
    /// The last day of the window (days since 1970-01-01); nil: the last day of the imported usage.
    public var asOfDay: Int?
    /// Keep what the Activity Log cannot observe (reads, data actions) the current role grants.
    public var keepReads: Bool = true
    /// Never propose a scope below this level.
    public var minScope: Scope.Level = .resourceGroup
    /// At most this many scopes per narrowed proposal.
    public var maxScopes: Int = 3
    public var exemptions: Exemptions = Exemptions()
    /// A privileged assignment used on at most this many days is proposed as PIM-eligible.
    public var eligibleMaxDays: Int = 3
    /// Generated roles may use a wildcard where the catalog proves it expands to exactly kept
    /// operations (and the current role covers it); otherwise every operation is listed.
    public var compact: Bool = false
    /// List every kept and removed operation on its own (`--detail`); otherwise the operations a
    /// wildcard of the current role grants are counted under that pattern, per class.
    public var permissionDetail: Bool = false
    /// Custom roles Azure allows per tenant (REFERENCE.md §4.1: 5,000; 2,000 in Azure operated by
    /// 21Vianet): the generated roles stay within it minus the custom roles that exist.
    public var customRoleLimit: Int = CustomRoleLimits.rolesPerTenant

    public init() {}
}

/// Which of the operations a role grants were used, and what the proposal does with them.
public struct PermissionClasses: Sendable, Hashable {
    /// Used in the window (kept).
    public var observed: Int = 0
    /// Observable (writes, deletes, actions) and not used: removed, or kept by a built-in's excess.
    public var observableUnusedRemoved: Int = 0
    public var observableUnusedKept: Int = 0
    /// Reads and data actions: the Activity Log cannot see them.
    public var unobservableKept: Int = 0
    public var unobservableRemoved: Int = 0
}

public struct Proposal: Sendable, Hashable {
    public var kind: ProposalKind
    /// Role name (built-in, existing custom or generated); empty for `remove`.
    public var role: String
    /// Role definition id (GUID key); empty for `remove`.
    public var roleID: String
    /// A custom role this run generates (not in the tenant yet).
    public var generatedRole: Bool
    /// What the proposed role grants (for a built-in: its permissions as written).
    public var actions: [String]
    public var dataActions: [String]
    public var notActions: [String]
    public var notDataActions: [String]
    public var scopes: [Scope]
    /// The new assignments are PIM-eligible (make-eligible).
    public var eligible: Bool
    /// The assignment's condition, carried over.
    public var condition: String?
    public var conditionVersion: String?
}

public struct Evidence: Sendable, Hashable {
    /// Used operations, catalog spelling, sorted case-insensitively.
    public var usedActions: [String]
    public var uses: Int
    public var lastUsed: Int64?
    public var daysUsed: Int
    /// Days of the window ending `windowEnd` (days since the epoch).
    public var windowDays: Int
    public var windowEnd: Int?
    public var classes: PermissionClasses
    /// Every permission the current role grants, kept or removed, with its class; sorted by kept
    /// first, then class, plane and name (`Recommender.permissionEntries`).
    public var permissions: [PermissionEntry] = []
}

public struct Replay: Sendable, Hashable {
    /// Recorded uses (sum of counts) replayed against the proposal.
    public var events: Int
    /// Of those, the ones the proposal would deny (must be 0).
    public var denied: Int
    /// Uses attributed to the assignment that the current tenant already does not allow through
    /// it (e.g. a deny assignment added since): not replayed.
    public var notAllowedNow: Int
}

public struct Recommendation: Sendable, Hashable {
    public var assignment: RoleAssignment
    public var principalName: String?
    public var principalKind: PrincipalKind
    public var currentRole: String
    public var proposal: Proposal
    public var evidence: Evidence
    public var replay: Replay
    /// Why the proposal is what it is: exempt, too new, eligible, unobservable, closest built-in...
    public var notes: [String]
    public var exempt: Bool
    public var tooNew: Bool
    /// Risky operations (RiskCatalog) the current role grants that the proposal does not.
    public var riskRemoved: [String]
    /// The current role grants every control-plane operation (`*`), the proposal does not.
    public var ownerEquivalentRemoved: Bool
    /// Catalog operations (both planes) the current role grants and the proposal does not.
    public var operationsRemoved: Int
    /// What the summary counts per principal: `rbac` (role-assignment write), `owner`
    /// (Owner-equivalent), `secret` (secrets and keys), held by the current role and the proposal.
    var privilegesBefore: Set<String> = []
    var privilegesAfter: Set<String> = []
}

public struct RecommendSummary: Sendable, Hashable {
    public var reviewed: Int
    public var byKind: [ProposalKind: Int]
    public var operationsRemoved: Int
    public var principalsLosingRoleAssignmentWrite: Int
    public var principalsLosingOwnerEquivalent: Int
    public var principalsLosingSecretAccess: Int
    public var exempt: Int
    public var tooNew: Int
    public var eligibleReported: Int
    public var generatedRoles: Int
    public var replayEvents: Int
    public var replayDenied: Int
    /// The permission classes summed over every recommendation.
    public var permissions: PermissionClasses = PermissionClasses()
    public var notes: [String]
    /// Custom roles in the tenant (by id).
    public var existingCustomRoles: Int = 0
    /// The per-tenant limit the run kept to (`RecommendOptions.customRoleLimit`).
    public var customRoleLimit: Int = CustomRoleLimits.rolesPerTenant
    /// The roles the proposals wanted, with the existing ones, exceeded the limit: only the
    /// `customRoleBudget` (limit minus existing) most valuable were generated, and
    /// `customRoleFallbacks` assignments fell back to a proposal needing no new role.
    public var customRoleLimitExceeded: Bool = false
    public var customRoleBudget: Int = 0
    /// Distinct generated roles the proposals wanted before the cut.
    public var customRolesWanted: Int = 0
    public var customRoleFallbacks: Int = 0
}

public struct RecommendResult: Sendable {
    /// Sorted by assignment id (eligible after active for one id).
    public var recommendations: [Recommendation]
    /// The custom roles to create, deduplicated (`RoleDefinition.isCustom`, one block).
    public var generatedRoles: [RoleDefinition]
    public var summary: RecommendSummary
}

/// Azure's limits on custom roles (REFERENCE.md §4.1) that generated roles must stay within.
public enum CustomRoleLimits {
    /// Custom roles per tenant (2,000 in Azure operated by 21Vianet).
    public static let rolesPerTenant = 5_000
    public static let assignableScopes = 2_000
    public static let nameLength = 512
    public static let descriptionLength = 2_048
}
