/// The answer to "may this principal perform this operation at this scope?", with every reason
/// (as Cedar's authorizer returns the policies that decided). `explain` renders it; findings and
/// recommendations consume it.
public enum AccessOutcome: String, Hashable, Sendable, Codable {
    /// At least one grant path and no blocking deny assignment.
    case allowed
    /// A blocking deny assignment applies (REFERENCE.md §2.1 step 4, §2.5: deny wins), whether or not a role grants it.
    case denied
    /// No role assignment grants the operation (REFERENCE.md §2.1 step 7).
    case notGranted
}

/// One grant path: assignment → role → permission block → matching pattern, inherited from which
/// scope, through which groups.
public struct GrantDetail: Hashable, Sendable {
    public var path: GrantPath
    /// Index of the role's permission block that matched.
    public var blockIndex: Int
    /// The `actions` / `dataActions` pattern that matched, as written in the role.
    public var pattern: String
    /// True when the assignment is at an ancestor of the evaluated scope.
    public var inherited: Bool
    /// Why the grant is conditional, when it is: `assignment condition`, `role condition`.
    public var conditionSources: [String]

    public init(path: GrantPath, blockIndex: Int, pattern: String, inherited: Bool, conditionSources: [String]) {
        self.path = path
        self.blockIndex = blockIndex
        self.pattern = pattern
        self.inherited = inherited
        self.conditionSources = conditionSources
    }
}

/// A role block whose actions matched the operation but whose NotActions removed it
/// (REFERENCE.md §2.3: NotActions trims its own block only; it is not a deny).
public struct NotActionRemoval: Hashable, Sendable {
    public var path: GrantPath
    public var blockIndex: Int
    public var pattern: String
    public var notPattern: String

    public init(path: GrantPath, blockIndex: Int, pattern: String, notPattern: String) {
        self.path = path
        self.blockIndex = blockIndex
        self.pattern = pattern
        self.notPattern = notPattern
    }
}

/// How a deny assignment whose actions cover the operation relates to the request (REFERENCE.md §1.4, §2.5).
public enum DenyStatus: Hashable, Sendable {
    /// It applies and blocks.
    case blocks
    /// `denyAssignmentEffect: audit`: logged, not blocking.
    case audit
    /// It carries a condition scopedown cannot resolve statically: it may or may not block.
    case conditional
    /// The principal (or this group of it) is in `excludePrincipals`.
    case excluded(by: String)
    /// It is at an ancestor and has `doNotApplyToChildScopes: true`.
    case notInherited
    /// Its NotActions / NotDataActions carve the operation out of the deny.
    case carvedOut(notPattern: String)

    public var isBlocking: Bool { if case .blocks = self { return true } else { return false } }
}

public struct DenyMatch: Hashable, Sendable {
    public var denyID: String
    public var name: String
    public var scope: String
    /// The deny's `actions` / `dataActions` pattern that covers the operation.
    public var pattern: String
    /// Which of the principal's identities the deny names: the principal, one of its groups, or everyone.
    public var matchedPrincipal: String
    public var inherited: Bool
    public var status: DenyStatus

    public init(denyID: String, name: String, scope: String, pattern: String, matchedPrincipal: String,
                inherited: Bool, status: DenyStatus) {
        self.denyID = denyID
        self.name = name
        self.scope = scope
        self.pattern = pattern
        self.matchedPrincipal = matchedPrincipal
        self.inherited = inherited
        self.status = status
    }
}

public struct AccessDecision: Hashable, Sendable {
    public var principal: String
    /// The operation, in the catalog's spelling when catalogued.
    public var operation: String
    public var plane: Plane
    /// False when the operation is not in the imported catalog (evaluated by name, REFERENCE.md §1.1.3).
    public var catalogued: Bool
    public var scope: Scope
    public var outcome: AccessOutcome
    /// Allowed only under a condition (every grant path is conditional, or a conditional deny may block).
    public var conditional: Bool
    /// Every grant path, sorted by assignment id then block.
    public var grants: [GrantDetail]
    public var notActionRemovals: [NotActionRemoval]
    /// Every deny assignment that names the principal (or everyone) and whose actions cover the
    /// operation, with whether it blocks and why not.
    public var denies: [DenyMatch]
    /// Applicable assignments whose role definition was not imported: they grant nothing.
    public var unknownRoleAssignments: [String]
    /// PIM-eligible assignments that would grant the operation once activated (listed when eligible
    /// assignments are not counted, REFERENCE.md §2.9).
    public var eligibleGrants: [GrantPath]

    public init(principal: String, operation: String, plane: Plane, catalogued: Bool, scope: Scope,
                outcome: AccessOutcome, conditional: Bool, grants: [GrantDetail],
                notActionRemovals: [NotActionRemoval], denies: [DenyMatch], unknownRoleAssignments: [String],
                eligibleGrants: [GrantPath] = []) {
        self.eligibleGrants = eligibleGrants
        self.principal = principal
        self.operation = operation
        self.plane = plane
        self.catalogued = catalogued
        self.scope = scope
        self.outcome = outcome
        self.conditional = conditional
        self.grants = grants
        self.notActionRemovals = notActionRemovals
        self.denies = denies
        self.unknownRoleAssignments = unknownRoleAssignments
    }

    /// The distinct assignments that grant (sorted).
    public var grantingAssignmentIDs: [String] { Array(Set(grants.map(\.path.assignmentID))).sorted() }
}

/// What a principal holds at a scope (the `effective` command).
public struct EffectiveAccess: Hashable, Sendable {
    public var principal: String
    public var scope: Scope
    /// Control-plane catalog operations granted and not denied (catalog spelling, sorted).
    public var actions: [String]
    public var dataActions: [String]
    /// Every applicable assignment (own or a group's, at the scope or an ancestor), sorted.
    public var grants: [GrantPath]
    /// Catalog operations the grants give that blocking deny assignments remove (sorted).
    /// `actions`, `dataActions` and `denied` draw from one universe: the imported catalog.
    public var denied: [String]
    /// Names outside the catalog that some role of the tenant names literally and the grants give
    /// here (REFERENCE.md §1.1.3), each marked held or denied, sorted by name.
    public var uncatalogued: [UncataloguedOperation]
    /// Wildcard patterns of applicable role blocks that match nothing in the catalog (as written, sorted).
    public var unmatchedPatterns: [String] = []
    /// Applicable assignments whose role was not imported.
    public var unknownRoleAssignments: [String]
}

/// A name outside the imported catalog that a role names literally, as the grants leave it.
public struct UncataloguedOperation: Hashable, Sendable {
    public var name: String
    public var plane: Plane
    /// True when a blocking deny assignment removes it; false when it is held.
    public var denied: Bool

    public init(name: String, plane: Plane, denied: Bool) {
        self.name = name
        self.plane = plane
        self.denied = denied
    }
}

/// Who holds an operation at a scope (the `who-can` command).
public struct WhoCanResult: Hashable, Sendable {
    public struct Holder: Hashable, Sendable {
        public var id: String
        public var kind: PrincipalKind
        public var displayName: String?
        public var decision: AccessDecision
    }
    public var operation: String
    public var plane: Plane
    public var catalogued: Bool
    public var scope: Scope
    /// Non-group principals that effectively hold the operation, sorted by id.
    public var principals: [Holder]
    /// Groups that hold it themselves, sorted by id.
    public var groups: [Holder]
}

/// A high-risk operation for blast-radius analysis.
public struct RiskyOperation: Hashable, Sendable {
    public var name: String
    public var plane: Plane
    /// Why it matters, for a person.
    public var risk: String
    /// How much keeping it unused weighs when the recommender judges a role's excess (an ordinary
    /// observable operation weighs 1).
    public var weight: Int

    public init(name: String, plane: Plane, risk: String, weight: Int = RiskCatalog.highWeight) {
        self.name = name
        self.plane = plane
        self.risk = risk
        self.weight = weight
    }
}

public enum RiskCatalog {
    /// Privilege escalation, secrets and keys, code execution, identity takeover.
    public static let highWeight = 10
    /// Other operations an incident responder checks.
    public static let mediumWeight = 5

    /// The catalog entry for an operation name (case-insensitive), if it is a risky one.
    public static func risk(of operation: String, plane: Plane) -> RiskyOperation? {
        byKey[plane == .control ? 0 : 1][AzureID.operationKey(operation)]
    }

    /// The weight of an operation: its catalog weight, else 1.
    public static func weight(of operation: String, plane: Plane) -> Int { risk(of: operation, plane: plane)?.weight ?? 1 }

    private static let byKey: [[String: RiskyOperation]] = {
        var c: [String: RiskyOperation] = [:], d: [String: RiskyOperation] = [:]
        for r in operations {
            if r.plane == .control { c[AzureID.operationKey(r.name)] = r } else { d[AzureID.operationKey(r.name)] = r }
        }
        return [c, d]
    }()

    /// The operations an incident responder checks first when an account is compromised: ways to
    /// escalate privilege, read secrets or run code. Data, one place.
    public static let operations: [RiskyOperation] = [
        RiskyOperation(name: "Microsoft.Authorization/roleAssignments/write", plane: .control, risk: "grant any role (privilege escalation)"),
        RiskyOperation(name: "Microsoft.Authorization/roleDefinitions/write", plane: .control, risk: "create or widen custom roles (privilege escalation)"),
        RiskyOperation(name: "Microsoft.Authorization/denyAssignments/write", plane: .control, risk: "write deny assignments", weight: mediumWeight),
        RiskyOperation(name: "Microsoft.Authorization/policyAssignments/write", plane: .control, risk: "change policy (e.g. deployIfNotExists with a managed identity)", weight: mediumWeight),
        RiskyOperation(name: "Microsoft.Authorization/elevateAccess/action", plane: .control, risk: "elevate to User Access Administrator at `/`"),
        RiskyOperation(name: "Microsoft.Storage/storageAccounts/listKeys/action", plane: .control, risk: "read storage account keys (full data access)"),
        RiskyOperation(name: "Microsoft.Storage/storageAccounts/listAccountSas/action", plane: .control, risk: "mint account SAS tokens (data access)"),
        RiskyOperation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", plane: .data, risk: "read blobs", weight: mediumWeight),
        RiskyOperation(name: "Microsoft.KeyVault/vaults/secrets/getSecret/action", plane: .data, risk: "read key vault secrets"),
        RiskyOperation(name: "Microsoft.KeyVault/vaults/keys/decrypt/action", plane: .data, risk: "use key vault keys (decrypt)"),
        RiskyOperation(name: "Microsoft.KeyVault/vaults/keys/sign/action", plane: .data, risk: "use key vault keys (sign)"),
        RiskyOperation(name: "Microsoft.KeyVault/vaults/keys/release/action", plane: .data, risk: "export key vault key material (release)"),
        RiskyOperation(name: "Microsoft.KeyVault/vaults/accessPolicies/write", plane: .control, risk: "grant key vault access policies"),
        RiskyOperation(name: "Microsoft.Compute/virtualMachines/runCommand/action", plane: .control, risk: "run commands on virtual machines"),
        RiskyOperation(name: "Microsoft.Compute/virtualMachines/runCommands/write", plane: .control, risk: "run commands on virtual machines"),
        RiskyOperation(name: "Microsoft.Compute/virtualMachines/extensions/write", plane: .control, risk: "install VM extensions (code execution)"),
        RiskyOperation(name: "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action", plane: .control, risk: "read AKS cluster-admin credentials"),
        RiskyOperation(name: "Microsoft.Web/sites/config/list/action", plane: .control, risk: "read web app settings and publishing credentials"),
        RiskyOperation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/write", plane: .control, risk: "write managed identities"),
        RiskyOperation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", plane: .control, risk: "attach a managed identity to a resource (act as it)"),
        RiskyOperation(name: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write", plane: .control, risk: "add a federated credential (sign in as the identity)"),
    ]
}
