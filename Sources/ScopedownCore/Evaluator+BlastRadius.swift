/// `blast-radius`: every scope where a principal holds an assignment, with the high-risk
/// operations it effectively holds there.
extension Evaluator {
    public struct BlastScope: Hashable, Sendable {
        public var scope: Scope
        /// The assignments held at exactly this scope (own or via groups).
        public var assignments: [GrantPath]
        /// The risky operations held here (allowed), with whether only conditionally.
        public var risky: [RiskHolding]
        /// For a management group (or `/`): the subscriptions below it, transitively, sorted.
        public var subscriptions: [String] = []
    }

    public struct RiskHolding: Hashable, Sendable {
        public var operation: RiskyOperation
        public var conditional: Bool
        /// False when the imported catalog lacks the operation (it is evaluated by name, §1.1.3).
        public var catalogued: Bool = true
        /// The assignments that grant it here: held at this scope or inherited from an ancestor
        /// (REFERENCE.md §2.7), sorted by assignment id.
        public var grants: [GrantPath] = []
    }

    /// Every scope where `principal` holds an assignment (its own or a group's), with the
    /// high-risk operations it effectively holds there (`RiskCatalog`). Sorted by scope.
    /// `subscriptionsBelow` false leaves `BlastScope.subscriptions` empty: callers that only read the
    /// risky holdings (the diff, the rules) skip listing every subscription under each group.
    public func blastRadius(principal: String, risks: [RiskyOperation] = RiskCatalog.operations,
                            subscriptionsBelow: Bool = true) -> [BlastScope] {
        let p = AzureID.guidKey(principal)
        let identities = identities(of: p)
        var byScope: [Scope: [GrantPath]] = [:]
        forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: nil) { ai, i in
            guard assignmentCounts[ai] else { return }
            let a = snapshot.roleAssignments[ai]
            byScope[a.scope, default: []].append(path(a, via: identities[i].via))
        }
        let scopes = byScope.keys.sorted()
        let chainIDs = scopes.map { ancestorIDs(of: $0) }
        var risky: [[RiskHolding]] = Array(repeating: [], count: scopes.count)
        for r in risks {
            let (opName, opPlane, catalogued) = resolveOperation(r.name, plane: r.plane)
            var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
            // The principal's assignments (any scope) whose role grants the operation.
            var grants: [(scope: Int32, conditional: Bool, assignment: Int, via: [String])] = []
            forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: nil) { ai, i in
                guard assignmentCounts[ai] else { return }
                let c = grantClass(ai, &memo)
                if c != .none { grants.append((assignmentScope[ai], c == .conditional, ai, identities[i].via)) }
            }
            if grants.isEmpty { continue }
            for (i, ids) in chainIDs.enumerated() {
                let here = grants.filter { ids.contains($0.scope) }
                if here.isEmpty { continue }
                let denies = memo.key.withUnsafeBufferPointer { op in
                    denyMatches(applicableDenies(chain: ids, scope: scopes[i]), identities: identities, op: op, plane: opPlane)
                }
                let (outcome, conditional) = Evaluator.combine(granted: true, grantedUnconditionally: here.contains { !$0.conditional },
                                                               denies: denies)
                if outcome != .allowed { continue }
                // Each granting assignment once (the shortest group path first found).
                var granting: [String: GrantPath] = [:]
                for g in here where granting[snapshot.roleAssignments[g.assignment].id] == nil {
                    let a = snapshot.roleAssignments[g.assignment]
                    granting[a.id] = path(a, via: g.via, conditional: g.conditional)
                }
                risky[i].append(RiskHolding(operation: r, conditional: conditional,
                                            catalogued: catalogued,
                                            grants: granting.values.sorted { $0.assignmentID < $1.assignmentID }))
            }
        }
        return scopes.enumerated().map { i, s in
            BlastScope(scope: s, assignments: (byScope[s] ?? []).sorted { $0.assignmentID < $1.assignmentID }, risky: risky[i],
                       subscriptions: subscriptionsBelow ? subscriptions(below: s) : [])
        }
    }
}
