import Dispatch

/// Indexed, exact evaluator over an immutable snapshot (REFERENCE.md §2). Build it once per
/// snapshot; every query is read-only, so one evaluator can be shared across threads.
///
/// This file builds the index. The rules are applied, as Cedar's authorizer applies policies, in
/// three steps each implemented once: the applicable assignments, each classified
/// (Evaluator+Assignments.swift); the deny assignments, each checked (Evaluator+Denies.swift); and
/// one pure combination into the decision (Evaluator+Decision.swift). The queries (decide,
/// effective, who-can, blast radius: Evaluator+Queries.swift) are built on these.
public final class Evaluator: Sendable {
    public let snapshot: AuthorizationSnapshot
    public let options: EvaluationOptions
    public let hierarchy: ScopeHierarchy
    public let operations: OperationIndex

    /// Role definitions compiled once, and their index by GUID key.
    let compiledRoles: [CompiledRole]
    let roleIndex: [String: Int]
    /// Per assignment: the index of its role in `compiledRoles` (-1: not imported) and the id of its scope.
    let assignmentRole: [Int32]
    let assignmentScope: [Int32]
    /// Per assignment: whether it grants under the options (active, or eligible with includeEligible).
    let assignmentCounts: [Bool]
    /// Scope key -> small integer id, for every scope that holds a role or deny assignment.
    let scopeIDs: [String: Int32]
    /// Management group key -> ids of its ancestors (parent first, cut at a cycle), REFERENCE.md §2.7.
    let mgAncestorIDs: [String: [Int32]]
    let rootID: Int32?
    /// Scope id -> indices into `snapshot.roleAssignments`.
    let assignmentsByScope: [Int32: [Int]]
    /// Principal key -> indices into `snapshot.roleAssignments`.
    let assignmentsByPrincipal: [String: [Int]]
    /// Scope id -> indices into `snapshot.denyAssignments`.
    let denyByScope: [Int32: [Int]]
    let denyBlocks: [[CompiledBlock]]
    /// The membership graph (REFERENCE.md §2.8).
    public let groups: GroupClosure
    let principalsByID: [String: Principal]
    /// Literal (wildcard-free) names in role definitions that the catalog lacks in that plane, as
    /// (lower-cased key, first spelling), sorted (REFERENCE.md §1.1.3).
    let roleOnlyControl: [([UInt8], String)]
    let roleOnlyData: [([UInt8], String)]

    /// The part of the index that does not depend on the role assignments (catalog, compiled
    /// roles, denies, directory, membership graph), built ahead of them: e.g. while the store is
    /// still reading the assignments (`Store.loadEvaluationSnapshot(overlapping:)`).
    public struct Preparation: Sendable {
        fileprivate let part: RolePart
        /// What the part was built from, to check it belongs to the snapshot it is used with.
        fileprivate let source: Source

        fileprivate struct Source: Equatable, Sendable {
            let roleDefinitions: [RoleDefinition]
            let operations: [CatalogOperation]
            let denyAssignments: [DenyAssignment]
            let principals: [Principal]
            let memberships: [GroupMembership]
            init(_ s: AuthorizationSnapshot) {
                roleDefinitions = s.roleDefinitions
                operations = s.operations
                denyAssignments = s.denyAssignments
                principals = s.principals
                memberships = s.memberships
            }
        }

        /// Built from a snapshot whose role assignments may be missing.
        public init(snapshot: AuthorizationSnapshot) {
            part = RolePart(snapshot)
            source = Source(snapshot)
        }
    }

    /// An evaluator whose assignment-independent index was built ahead (`Preparation`). A
    /// preparation made from other roles, catalog, denies or directory is ignored (rebuilt).
    public convenience init(snapshot: AuthorizationSnapshot, options: EvaluationOptions = EvaluationOptions(),
                            preparation: Preparation) {
        self.init(snapshot: snapshot, options: options, prepared: preparation)
    }

    public convenience init(snapshot: AuthorizationSnapshot, options: EvaluationOptions = EvaluationOptions()) {
        self.init(snapshot: snapshot, options: options, prepared: nil)
    }

    private init(snapshot: AuthorizationSnapshot, options: EvaluationOptions, prepared: Preparation?) {
        self.snapshot = snapshot
        self.options = options
        // The index is built in three independent parts, two of them on other threads (100k
        // assignments: hashing their keys is most of the cost): (1) here, the scope index of the
        // assignments; (2) the principal index of the assignments; (3) the catalog, the compiled
        // roles, the directory and the membership graph. Each part is the same sequential code as
        // before, so the result does not depend on the scheduling.
        let principalPart = Slot<[String: [Int]]>(), rolePart = Slot<RolePart>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { principalPart.value = Evaluator.principalIndex(snapshot) }
        if let prepared, prepared.source == Preparation.Source(snapshot) {
            rolePart.value = prepared.part
        } else {
            DispatchQueue.global().async(group: group) { rolePart.value = RolePart(snapshot) }
        }

        let h = ScopeHierarchy(managementGroups: snapshot.managementGroups, subscriptions: snapshot.subscriptions)
        hierarchy = h
        // Role index as `RolePart` numbers the roles: first occurrence of each id.
        var roleIndex: [String: Int] = [:]
        for r in snapshot.roleDefinitions where roleIndex[r.id] == nil { roleIndex[r.id] = roleIndex.count }
        self.roleIndex = roleIndex

        var byScope: [Int32: [Int]] = [:]
        var scopeIDs: [String: Int32] = [:]
        let n = snapshot.roleAssignments.count
        var aRole: [Int32] = [], aScope: [Int32] = [], aCounts: [Bool] = []
        aRole.reserveCapacity(n)
        aScope.reserveCapacity(n)
        aCounts.reserveCapacity(n)
        func intern(_ key: String) -> Int32 {
            if let x = scopeIDs[key] { return x }
            let x = Int32(scopeIDs.count)
            scopeIDs[key] = x
            return x
        }
        // Field by field through the buffer: no copy of each assignment.
        snapshot.roleAssignments.withUnsafeBufferPointer { list in
            for i in list.indices {
                let sid = intern(list[i].scope.key)
                byScope[sid, default: []].append(i)
                aScope.append(sid)
                aRole.append(roleIndex[list[i].roleDefinitionID].map(Int32.init) ?? -1)
                aCounts.append(list[i].state == .active || options.includeEligible)
            }
        }
        var dByScope: [Int32: [Int]] = [:]
        for (i, d) in snapshot.denyAssignments.enumerated() { dByScope[intern(d.scope.key), default: []].append(i) }
        denyByScope = dByScope
        self.scopeIDs = scopeIDs
        rootID = scopeIDs["/"]
        // Each management group's ancestors, in the order and with the cycle cut of
        // `ScopeHierarchy.ancestors(of:)`.
        var mgChains: [String: [Int32]] = [:]
        for m in Set(h.mgParent.keys).union(h.mgParent.values).union(h.subscriptionParent.values) {
            var ids: [Int32] = []
            var seen = Set<String>()
            var cur: String? = m
            while let c = cur, seen.insert(c).inserted {
                if let id = scopeIDs["/providers/microsoft.management/managementgroups/" + (h.mgName[c] ?? c).lowercased()] { ids.append(id) }
                cur = h.mgParent[c]
            }
            mgChains[m] = ids
        }
        mgAncestorIDs = mgChains
        assignmentCounts = aCounts
        assignmentRole = aRole
        assignmentScope = aScope
        assignmentsByScope = byScope

        group.wait()
        let roles = rolePart.value ?? RolePart(snapshot)
        assignmentsByPrincipal = principalPart.value ?? Evaluator.principalIndex(snapshot)
        operations = roles.operations
        compiledRoles = roles.compiled
        roleOnlyControl = roles.roleOnlyControl
        roleOnlyData = roles.roleOnlyData
        denyBlocks = roles.denyBlocks
        principalsByID = roles.principalsByID
        groups = roles.groups
    }

    /// Principal key -> indices of its assignments, ascending.
    private static func principalIndex(_ snapshot: AuthorizationSnapshot) -> [String: [Int]] {
        var byPrincipal: [String: [Int]] = [:]
        snapshot.roleAssignments.withUnsafeBufferPointer { list in
            for i in list.indices { byPrincipal[list[i].principalID, default: []].append(i) }
        }
        return byPrincipal
    }

    /// A value computed on another thread during `init`.
    private final class Slot<T>: @unchecked Sendable {
        var value: T?
    }

    /// The parts of the index that do not depend on the assignments.
    fileprivate struct RolePart: Sendable {
        let operations: OperationIndex
        let compiled: [CompiledRole]
        let roleOnlyControl: [([UInt8], String)]
        let roleOnlyData: [([UInt8], String)]
        let denyBlocks: [[CompiledBlock]]
        let principalsByID: [String: Principal]
        let groups: GroupClosure

        init(_ snapshot: AuthorizationSnapshot) {
            let ops = OperationIndex(operations: snapshot.operations)
            operations = ops
            var compiled: [CompiledRole] = [], seen = Set<String>()
            for r in snapshot.roleDefinitions where seen.insert(r.id).inserted {
                compiled.append(CompiledRole(id: r.id, name: r.roleName, blocks: r.permissions.map(CompiledBlock.init)))
            }
            self.compiled = compiled
            var onlyC: [String: String] = [:], onlyD: [String: String] = [:]
            for role in compiled {
                for block in role.blocks {
                    for p in block.actions where !p.hasWildcard && onlyC[AzureID.operationKey(p.text)] == nil
                        && !ops.contains(p.text, plane: .control) {
                        onlyC[AzureID.operationKey(p.text)] = p.text.trimmingSpaces()
                    }
                    for p in block.dataActions where !p.hasWildcard && onlyD[AzureID.operationKey(p.text)] == nil
                        && !ops.contains(p.text, plane: .data) {
                        onlyD[AzureID.operationKey(p.text)] = p.text.trimmingSpaces()
                    }
                }
            }
            roleOnlyControl = onlyC.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }
            roleOnlyData = onlyD.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }

            denyBlocks = snapshot.denyAssignments.map { $0.permissions.map(CompiledBlock.init) }

            var p: [String: Principal] = [:]
            for x in snapshot.principals where p[x.id] == nil { p[x.id] = x }
            principalsByID = p

            groups = GroupClosure(memberships: snapshot.memberships)
        }
    }
}
