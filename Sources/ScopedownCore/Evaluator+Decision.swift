/// One request's decision: the applicable assignments classified with their reasons, the denies
/// checked, and one pure combination (REFERENCE.md §2.1).
extension Evaluator {
    /// The applicable assignments of one request, each classified once, with its reasons.
    struct GrantClassification {
        /// Per granting block of a counting assignment: the pattern, and what makes it conditional.
        var grants: [GrantDetail] = []
        /// Blocks whose actions match but whose NotActions remove the operation (§2.3).
        var removals: [NotActionRemoval] = []
        /// Counting assignments whose role definition is not imported.
        var unknownRoles: [String] = []
        /// Eligible assignments (not counted) whose role grants the operation (§2.9).
        var eligible: [GrantPath] = []
    }

    /// Classifies every applicable assignment of the request (`forEachApplicable`) against the
    /// operation of `memo`: per block, granted (§0.1, §2.3, §2.4), conditionally (§2.6), or removed.
    func classify(identities: [GroupHop], chain: [Int32], scope: Scope, memo: inout RoleMemo) -> GrantClassification {
        var c = GrantClassification()
        let plane = memo.plane, key = memo.key
        key.withUnsafeBufferPointer { op in
            forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: chain) { ai, i in
                let id = identities[i]
                let a = snapshot.roleAssignments[ai]
                guard assignmentCounts[ai] else {
                    let g = grantClass(ai, &memo)
                    if g != .none { c.eligible.append(path(a, via: id.via, conditional: g == .conditional)) }
                    return
                }
                let r = Int(assignmentRole[ai])
                guard r >= 0 else { c.unknownRoles.append(a.id); return }
                if memo.state(r, compiledRoles) == RoleMemo.none { return }
                let inherited = a.scope.key != scope.key
                for (bi, block) in compiledRoles[r].blocks.enumerated() {
                    switch Evaluator.match(block, op: op, plane: plane) {
                    case .none: break
                    case .granted(let pattern, let roleCondition):
                        var sources: [String] = []
                        if a.isConditional { sources.append("assignment condition") }
                        if roleCondition { sources.append("role condition") }
                        c.grants.append(GrantDetail(path: path(a, via: id.via, conditional: !sources.isEmpty),
                                                    blockIndex: bi, pattern: pattern, inherited: inherited,
                                                    conditionSources: sources))
                    case .removed(let pattern, let notPattern):
                        c.removals.append(NotActionRemoval(path: path(a, via: id.via), blockIndex: bi,
                                                           pattern: pattern, notPattern: notPattern))
                    }
                }
            }
        }
        return c
    }

    /// REFERENCE.md §2.1: a blocking deny wins; otherwise any grant allows. An allowed request is
    /// conditional unless some grant is unconditional, and when a conditional deny may still block.
    static func combine(granted: Bool, grantedUnconditionally: Bool, denies: [DenyMatch]) -> (outcome: AccessOutcome, conditional: Bool) {
        let outcome: AccessOutcome = denies.contains { $0.status.isBlocking } ? .denied : (granted ? .allowed : .notGranted)
        let conditional = outcome == .allowed && (!grantedUnconditionally || denies.contains { $0.status == .conditional })
        return (outcome, conditional)
    }

    /// The full decision with every reason (REFERENCE.md §2.1).
    /// `plane` nil: inferred (control unless the catalog knows the name only as a data operation).
    public func decide(principal: String, operation: String, scope: Scope, plane: Plane? = nil) -> AccessDecision {
        let (opName, opPlane, catalogued) = resolveOperation(operation, plane: plane)
        var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
        return decide(principal: AzureID.guidKey(principal), memo: &memo, catalogued: catalogued, scope: scope,
                      ids: ancestorIDs(of: scope))
    }

    /// An operation resolved as `decide` resolves it (spelling, plane, catalogued), for many
    /// `decide(principal:scope:ancestors:query:)` calls: each role is matched once across them.
    public func decisionQuery(operation: String, plane: Plane? = nil) -> OperationQuery {
        let (opName, opPlane, catalogued) = resolveOperation(operation, plane: plane)
        return OperationQuery(memo: RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count),
                              catalogued: catalogued)
    }

    /// `decide(principal:operation:scope:plane:)` for a query from `decisionQuery` and
    /// `ancestors = ancestorIDs(of: scope)`, both computed once for many requests: the same decision.
    /// `cache` keeps the principals' groups across calls.
    public func decide(principal: String, scope: Scope, ancestors: [Int32], query: inout OperationQuery,
                       cache: inout MembershipCache) -> AccessDecision {
        let catalogued = query.catalogued ?? (operations.spelling(of: query.operation, plane: query.plane) != nil)
        let p = AzureID.guidKey(principal)
        return decide(principal: p, memo: &query.memo, catalogued: catalogued, scope: scope, ids: ancestors,
                      identities: identities(of: p, cache: &cache))
    }

    /// Whether `decide(principal:scope:ancestors:query:cache:)` allows, and only conditionally,
    /// without its reasons (grants, removals and denies are not listed): for callers that ask
    /// often and read only the verdict. The grants on the chain, the denies, one combination
    /// (REFERENCE.md §2.1), as `holds` judges.
    public func allows(principal: String, scope: Scope, ancestors chain: [Int32], query: inout OperationQuery,
                       cache: inout MembershipCache) -> (allowed: Bool, conditional: Bool) {
        let identities = identities(of: AzureID.guidKey(principal), cache: &cache)
        var granted = false, unconditional = false
        forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: chain) { ai, _ in
            guard assignmentCounts[ai] else { return }
            let c = grantClass(ai, &query.memo)
            if c != .none { granted = true; if c != .conditional { unconditional = true } }
        }
        if !granted { return (false, false) }
        let (outcome, conditional) = heldWithDenies(grantedUnconditionally: unconditional, applicable: applicableDenies(chain: chain, scope: scope),
                                                    identities: identities, key: query.memo.key, plane: query.memo.plane)
        return (outcome == .allowed, conditional)
    }

    /// `decide` with the operation's role memo and the scope's ancestors computed once (who-can
    /// calls it for many principals).
    func decide(principal p: String, memo: inout RoleMemo, catalogued: Bool, scope: Scope,
                ids chain: [Int32], identities known: [GroupHop]? = nil) -> AccessDecision {
        let identities = known ?? identities(of: p)
        var c = classify(identities: identities, chain: chain, scope: scope, memo: &memo)
        var denies = memo.key.withUnsafeBufferPointer { op in
            denyMatches(applicableDenies(chain: chain, scope: scope), identities: identities, op: op, plane: memo.plane)
        }
        c.grants.sort { ($0.path.assignmentID, $0.blockIndex) < ($1.path.assignmentID, $1.blockIndex) }
        c.removals.sort { ($0.path.assignmentID, $0.blockIndex) < ($1.path.assignmentID, $1.blockIndex) }
        denies.sort { ($0.denyID, $0.scope.lowercased()) < ($1.denyID, $1.scope.lowercased()) }
        let (outcome, conditional) = Evaluator.combine(granted: !c.grants.isEmpty,
                                                       grantedUnconditionally: c.grants.contains { $0.conditionSources.isEmpty },
                                                       denies: denies)
        return AccessDecision(principal: p, operation: memo.operation, plane: memo.plane, catalogued: catalogued, scope: scope,
                              outcome: outcome, conditional: conditional, grants: c.grants,
                              notActionRemovals: c.removals, denies: denies,
                              unknownRoleAssignments: Array(Set(c.unknownRoles)).sorted(),
                              eligibleGrants: c.eligible.sorted { $0.assignmentID < $1.assignmentID })
    }
}
