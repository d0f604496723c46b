import ScopedownCore

/// Recorded Activity Log use of one assignment (from the store's usage report, handed in by the CLI).
public struct AssignmentActivity: Sendable, Hashable {
    public var assignment: String
    public var uses: Int
    public var usedActions: [String]

    public init(assignment: String, uses: Int, usedActions: [String]) {
        self.assignment = AzureID.guidKey(assignment)
        self.uses = uses
        self.usedActions = usedActions
    }
}

/// What the Activity Log says, when one was imported.
public struct UsageFacts: Sendable {
    public var byAssignment: [String: AssignmentActivity]
    /// The window, as printed (e.g. `2026-11-01T00:00:00Z`), when known.
    public var window: (from: String, to: String)?

    public init(_ activity: [AssignmentActivity], window: (from: String, to: String)? = nil) {
        var m: [String: AssignmentActivity] = [:]
        for a in activity { m[a.assignment] = a }
        byAssignment = m
        self.window = window
    }
}

/// The imported Entra ID directory roles, when a Graph export of them was imported.
public struct DirectoryRoles: Sendable {
    public var definitions: [DirectoryRoleDefinition]
    public var assignments: [DirectoryRoleAssignment]

    public init(definitions: [DirectoryRoleDefinition], assignments: [DirectoryRoleAssignment]) {
        self.definitions = definitions
        self.assignments = assignments
    }
}

/// Everything a rule reads: the evaluator over the snapshot (effective permissions with reasons),
/// the optional usage and directory roles, the config, and a few shared judgements.
public final class RuleContext: Sendable {
    public let evaluator: Evaluator
    public let usage: UsageFacts?
    public let directoryRoles: DirectoryRoles?
    public let config: FindingsConfig
    /// Where managed identities live, when the directory export carried `alternativeNames`.
    public let managedIdentities: [ManagedIdentityResource]
    /// Owners of service principals and application registrations, when imported.
    public let ownerships: [Ownership]

    public init(evaluator: Evaluator, usage: UsageFacts? = nil, directoryRoles: DirectoryRoles? = nil,
                managedIdentities: [ManagedIdentityResource] = [], ownerships: [Ownership] = [],
                config: FindingsConfig = FindingsConfig()) {
        self.ownerships = ownerships
        self.evaluator = evaluator
        self.usage = usage
        self.directoryRoles = directoryRoles
        self.managedIdentities = managedIdentities
        self.config = config
        privilege = Self.classify(evaluator)
        var names: [String: String] = [:]
        for r in evaluator.snapshot.roleDefinitions where names[r.id] == nil { names[r.id] = r.roleName }
        roleNames = names
        var members: [String: [String]] = [:]
        for e in evaluator.snapshot.memberships { members[e.groupID, default: []].append(e.memberID) }
        membersByGroup = members
        var subs: [String: Subscription] = [:]
        for sub in evaluator.snapshot.subscriptions { subs[sub.id] = sub }
        subscriptionsByID = subs
    }

    private let subscriptionsByID: [String: Subscription]

    public var snapshot: AuthorizationSnapshot { evaluator.snapshot }

    // MARK: - Privilege, judged by what roles grant

    /// An operation no provider defines: only a pattern that spans everything (`*`, `*/write`)
    /// grants it. Used to tell "full control" from a list of actions, by effect, not by role name.
    public static let fullControlProbe = "Scopedown.Probe/anyResourceType/write"
    /// Likewise for reads (`*/read`).
    public static let readEverythingProbe = "Scopedown.Probe/anyResourceType/read"
    public static let roleAssignmentsWrite = "Microsoft.Authorization/roleAssignments/write"
    public static let roleDefinitionsWrite = "Microsoft.Authorization/roleDefinitions/write"

    /// Per assignment (index into `snapshot.roleAssignments`): what its role grants of the
    /// privileged operations.
    public struct Privilege: Sendable, Hashable {
        public var fullControl: Evaluator.RoleGrant = .no
        public var roleAssignmentsWrite: Evaluator.RoleGrant = .no
        public var roleDefinitionsWrite: Evaluator.RoleGrant = .no

        /// Full control, or the power to grant roles or write role definitions.
        public var isPrivileged: Bool { fullControl != .no || roleAssignmentsWrite != .no || roleDefinitionsWrite != .no }
        /// Can change RBAC itself.
        public var controlsAccess: Bool { roleAssignmentsWrite != .no || roleDefinitionsWrite != .no }
        /// Every privileged grant is only under a role-definition condition.
        public var onlyConditional: Bool {
            ![fullControl, roleAssignmentsWrite, roleDefinitionsWrite].contains(.yes)
        }
        /// The privileged operations held, as words.
        public var labels: [String] {
            var out: [String] = []
            if fullControl != .no { out.append("full control (`*`)") }
            if roleAssignmentsWrite != .no { out.append("`\(RuleContext.roleAssignmentsWrite)`") }
            if roleDefinitionsWrite != .no { out.append("`\(RuleContext.roleDefinitionsWrite)`") }
            return out
        }
    }

    /// `privilege[i]` for `snapshot.roleAssignments[i]`.
    public let privilege: [Privilege]

    static func classify(_ e: Evaluator) -> [Privilege] {
        var full = e.lazyQuery(operation: fullControlProbe)
        var raw = e.lazyQuery(operation: roleAssignmentsWrite)
        var rdw = e.lazyQuery(operation: roleDefinitionsWrite)
        return e.snapshot.roleAssignments.indices.map { i in
            Privilege(fullControl: e.roleGrant(assignmentIndex: i, query: &full),
                      roleAssignmentsWrite: e.roleGrant(assignmentIndex: i, query: &raw),
                      roleDefinitionsWrite: e.roleGrant(assignmentIndex: i, query: &rdw))
        }
    }

    /// Indices of the assignments that count (active, or eligible with `--include-eligible`).
    public var countingAssignments: [Int] {
        snapshot.roleAssignments.indices.filter { evaluator.countsAssignment(at: $0) }
    }

    // MARK: - Labels and evidence

    /// `Display Name (id)`, or the id alone.
    public func principalLabel(_ id: String) -> String {
        if let p = evaluator.principal(id) { return "\(p.displayName) (\(id))" }
        if id == AzureID.everyone { return "everyone" }
        return id
    }

    public func roleName(_ roleID: String) -> String {
        roleNames[AzureID.roleDefinitionKey(roleID)] ?? roleID
    }

    private let roleNames: [String: String]

    /// One line of evidence for a grant: `assignment A: role R at S, via G1 > G2, pattern P`.
    public func evidence(_ g: GrantDetail, operation: String) -> String {
        var s = "`\(operation)` granted by assignment `\(g.path.assignmentID)`: role `\(g.path.roleName.isEmpty ? g.path.roleID : g.path.roleName)` at `\(g.path.scope)`"
        s += g.path.via.isEmpty ? ", direct" : ", via group " + g.path.via.map { "`\(groupLabel($0))`" }.joined(separator: " > ")
        s += ", pattern `\(g.pattern)`"
        if !g.conditionSources.isEmpty { s += ", only under the " + g.conditionSources.joined(separator: " and ") }
        return s
    }

    func groupLabel(_ id: String) -> String { evaluator.principal(id)?.displayName ?? id }

    /// The evaluator's decision for the assignment's principal at its scope, with the grant paths
    /// through `assignment` only, or nil when a deny assignment blocks it or it does not grant.
    public func grants(of assignmentIndex: Int, operation: String, plane: Plane? = nil) -> (decision: AccessDecision, grants: [GrantDetail])? {
        let a = snapshot.roleAssignments[assignmentIndex]
        let d = evaluator.decide(principal: a.principalID, operation: operation, scope: a.scope, plane: plane)
        guard d.outcome == .allowed else { return nil }
        let mine = d.grants.filter { $0.path.assignmentID == a.id }
        return mine.isEmpty ? nil : (d, mine)
    }

    /// Evidence lines for the privileged operations the assignment grants.
    public func privilegeEvidence(_ i: Int) -> [String] {
        var out: [String] = []
        let p = privilege[i]
        for (grant, op) in [(p.fullControl, Self.fullControlProbe), (p.roleAssignmentsWrite, Self.roleAssignmentsWrite),
                            (p.roleDefinitionsWrite, Self.roleDefinitionsWrite)] where grant != .no {
            guard let g = grants(of: i, operation: op)?.grants.first else { continue }
            let shown = op == Self.fullControlProbe ? "any control-plane operation" : op
            out.append(evidence(g, operation: shown))
        }
        return out
    }

    // MARK: - Hierarchy

    /// `the root \`/\``, `tenant root group \`X\``, `management group \`X\``, `subscription \`name\``, or the scope.
    public func scopeLabel(_ s: Scope) -> String {
        switch s.level {
        case .root: return "the root `/`"
        case .managementGroup:
            let name = s.managementGroupName ?? s.display
            if let r = tenantRootGroup, r.id == name.lowercased() { return "the tenant root group `\(name)`" }
            return "management group `\(name)`"
        case .subscription:
            if let id = s.subscriptionID, let sub = subscriptionsByID[id] { return "subscription `\(sub.displayName)`" }
            return "`\(s.display)`"
        default:
            return "`\(s.display)`"
        }
    }

    /// The tenant root group: the management group without a parent (the one named after the
    /// tenant id when several lack one).
    public var tenantRootGroup: ManagementGroup? {
        let roots = snapshot.managementGroups.filter { $0.parentID == nil }
        return roots.first { m in m.tenantID.map { AzureID.guidKey($0) == m.id } ?? false } ?? roots.sorted { $0.id < $1.id }.first
    }

    /// Members of a group, transitively, that are not groups (cycle-safe), sorted.
    public func nonGroupMembers(of group: String) -> [String] {
        var seen: Set<String> = [group], out: [String] = []
        var stack = [group]
        while let g = stack.popLast() {
            for m in membersByGroup[g] ?? [] where seen.insert(m).inserted {
                if evaluator.kind(of: m) == .group { stack.append(m) } else { out.append(m) }
            }
        }
        return out.sorted()
    }

    private let membersByGroup: [String: [String]]
}
