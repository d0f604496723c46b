/// The applicable assignments of a request and what each one's role does with the operation:
/// the one traversal every query uses (REFERENCE.md §0.2, §2.7, §2.8).
extension Evaluator {
    /// What an assignment's role does with one operation (REFERENCE.md §2.3, §2.4, §2.6), the
    /// assignment's own condition included (§2.6).
    enum GrantClass: Equatable {
        /// The role does not grant it, or is not imported.
        case none
        case definite
        /// Only under a role-definition condition covering it, or the assignment's condition.
        case conditional
    }

    /// Classifies assignment `ai` against the operation of `memo` (role matching memoized there).
    @inline(__always)
    func grantClass(_ ai: Int, _ memo: inout RoleMemo) -> GrantClass {
        let r = Int(assignmentRole[ai])
        guard r >= 0 else { return .none }
        switch memo.state(r, compiledRoles) {
        case RoleMemo.granted: return snapshot.roleAssignments[ai].isConditional ? .conditional : .definite
        case RoleMemo.grantedConditionally: return .conditional
        default: return .none
        }
    }

    /// Whether assignment `ai`'s role grants the operation of `memo` at all (`grantClass` != none,
    /// without reading the assignment).
    @inline(__always)
    func roleGrants(_ ai: Int, _ memo: inout RoleMemo) -> Bool {
        let r = Int(assignmentRole[ai])
        guard r >= 0 else { return false }
        let st = memo.state(r, compiledRoles)
        return st == RoleMemo.granted || st == RoleMemo.grantedConditionally
    }

    /// Calls `body(assignment, identity)` with each assignment (index into
    /// `snapshot.roleAssignments`) of each identity `0..<identityCount` (the principal and its
    /// groups, `GroupClosure`; `key` gives its id) at a scope of `chain` (the request scope and its
    /// ancestors, `ancestorIDs(of:)`), or at any scope when `chain` is nil. Eligible assignments
    /// are included: `assignmentCounts` says which count.
    @inline(__always)
    func forEachApplicable(identityCount: Int, key: (Int) -> String, chain: [Int32]?, _ body: (Int, Int) -> Void) {
        for i in 0..<identityCount {
            guard let list = assignmentsByPrincipal[key(i)] else { continue }
            if let chain {
                for ai in list where chain.contains(assignmentScope[ai]) { body(ai, i) }
            } else {
                for ai in list { body(ai, i) }
            }
        }
    }

    /// The principal (GUID key) and each group it belongs to, with the path to it.
    func identities(of principal: String) -> [GroupHop] { groups.hops(of: principal) }

    func identities(of principal: String, cache: inout MembershipCache) -> [GroupHop] {
        if let hit = cache.hops[principal] { return hit }
        let h = groups.hops(of: principal)
        cache.hops[principal] = h
        return h
    }

    /// The operation's display spelling, whether it is catalogued, and its plane when not given.
    public func resolveOperation(_ name: String, plane: Plane?) -> (name: String, plane: Plane, catalogued: Bool) {
        let trimmed = name.trimmingSpaces()
        if let plane {
            let s = operations.spelling(of: trimmed, plane: plane)
            return (s ?? trimmed, plane, s != nil)
        }
        // Inferred: control unless the catalog knows it only as a data operation (REFERENCE.md §1.2).
        if let s = operations.spelling(of: trimmed, plane: .control) { return (s, .control, true) }
        if let s = operations.spelling(of: trimmed, plane: .data) { return (s, .data, true) }
        return (trimmed, .control, false)
    }

    /// A prepared operation: what every role does with it, computed once (REFERENCE.md §2.3, §2.4,
    /// §2.6). Use it for many `grantingAssignments(principal:scope:query:)` calls on one operation.
    public func prepare(operation: String, plane: Plane = .control) -> OperationQuery {
        var memo = RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count)
        for r in compiledRoles.indices { _ = memo.state(r, compiledRoles) }
        return OperationQuery(memo: memo)
    }

    /// A query on `operation` whose roles are matched lazily, on first use, by
    /// `grantingAssignmentIndices(identities:ancestors:query:)` (which memoizes in it).
    public func lazyQuery(operation: String, plane: Plane = .control) -> OperationQuery {
        OperationQuery(memo: RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count))
    }

    /// The principal (GUID key) and each group it belongs to transitively (REFERENCE.md §2.8), in
    /// the order `grantingAssignments` visits them: compute once per principal for many queries.
    public func identityKeys(of principal: String) -> [String] {
        identities(of: AzureID.guidKey(principal)).map(\.group)
    }

    /// The assignments of `principal` (direct or through its groups, transitively) at `scope` or an
    /// ancestor whose role grants `operation` on `plane` (NotActions subtracted per block). Deny
    /// assignments are not applied: this answers "which assignments could have authorized it".
    /// Sorted by assignment id.
    public func grantingAssignments(principal: String, operation: String, scope: Scope,
                                    plane: Plane = .control) -> [GrantPath] {
        var memo = RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count)
        return granting(principal: AzureID.guidKey(principal), scope: scope, memo: &memo)
    }

    /// `grantingAssignments` for a prepared operation (the role checks are already done).
    public func grantingAssignments(principal: String, scope: Scope, query: OperationQuery) -> [GrantPath] {
        var memo = query.memo
        return granting(principal: AzureID.guidKey(principal), scope: scope, memo: &memo)
    }

    /// Attribution hot path: the indices into `snapshot.roleAssignments` of exactly the assignments
    /// `grantingAssignments(principal:scope:query:)` returns, for `identities = identityKeys(of:)`
    /// and `ancestors = ancestorIDs(of: scope)`, without building paths (order unspecified, no
    /// duplicates). Role checks missing from `query` are done and memoized in it.
    public func grantingAssignmentIndices(identities: [String], ancestors: [Int32], query: inout OperationQuery) -> [Int] {
        if ancestors.isEmpty { return [] }
        var out: [Int] = []
        forEachApplicable(identityCount: identities.count, key: { identities[$0] }, chain: ancestors) { ai, _ in
            if assignmentCounts[ai], roleGrants(ai, &query.memo) { out.append(ai) }
        }
        return out
    }

    /// The indices of the assignments that count under the options (active; eligible with
    /// `includeEligible`) of `identities` at a scope of `ancestors`, whatever their role grants
    /// (order unspecified, no duplicates): where usage attribution counts a denied attempt.
    func countingAssignmentIndices(identities: [String], ancestors: [Int32]) -> [Int] {
        if ancestors.isEmpty { return [] }
        var out: [Int] = []
        forEachApplicable(identityCount: identities.count, key: { identities[$0] }, chain: ancestors) { ai, _ in
            if assignmentCounts[ai] { out.append(ai) }
        }
        return out
    }

    /// Whether `grantingAssignmentIndices(identities:ancestors:query:)` would return the assignment
    /// at `index`: the same test on one assignment, for callers that know which ones they ask about.
    public func assignmentGrants(_ index: Int, identities: [String], ancestors: [Int32], query: inout OperationQuery) -> Bool {
        guard assignmentCounts[index], ancestors.contains(assignmentScope[index]),
              identities.contains(snapshot.roleAssignments[index].principalID) else { return false }
        return roleGrants(index, &query.memo)
    }

    func granting(principal p: String, scope: Scope, memo: inout RoleMemo) -> [GrantPath] {
        let chain = ancestorIDs(of: scope)
        if chain.isEmpty { return [] }
        var out: [GrantPath] = []
        let ids = identities(of: p)
        forEachApplicable(identityCount: ids.count, key: { ids[$0].group }, chain: chain) { ai, i in
            guard assignmentCounts[ai] else { return }
            let c = grantClass(ai, &memo)
            if c != .none { out.append(path(snapshot.roleAssignments[ai], via: ids[i].via, conditional: c == .conditional)) }
        }
        return out.sorted { $0.assignmentID < $1.assignmentID }
    }

    /// Every assignment that applies to `principal` at `scope`: its own or a group's (transitively),
    /// at the scope or an ancestor (REFERENCE.md §0.2, §2.7, §2.8), whatever its role grants.
    /// Eligible ones only with `includeEligible`. `roleName` is empty when the role is unknown.
    public func applicableAssignments(principal: String, scope: Scope) -> [GrantPath] {
        applicable(identities: identities(of: AzureID.guidKey(principal)), chain: ancestorIDs(of: scope))
    }

    func applicable(identities: [GroupHop], chain: [Int32]) -> [GrantPath] {
        var out: [GrantPath] = []
        forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: chain) { ai, i in
            if assignmentCounts[ai] { out.append(path(snapshot.roleAssignments[ai], via: identities[i].via)) }
        }
        return out.sorted { $0.assignmentID < $1.assignmentID }
    }

    func roleName(_ roleID: String) -> String { roleIndex[roleID].map { compiledRoles[$0].name } ?? "" }

    func path(_ a: RoleAssignment, via: [String], conditional: Bool? = nil) -> GrantPath {
        GrantPath(assignmentID: a.id, roleID: a.roleDefinitionID, roleName: roleName(a.roleDefinitionID),
                  scope: a.scope.display, via: via, conditional: conditional ?? a.isConditional, state: a.state)
    }
}
