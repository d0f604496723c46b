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
        var cache = BlastRadiusCache()
        return blastRadius(principal: principal, risks: risks, subscriptionsBelow: subscriptionsBelow, cache: &cache)
    }

    /// `blastRadius` for callers that ask about many principals of one snapshot: `cache` keeps each
    /// risky operation's role checks, scopes' ancestors and principals' groups across calls.
    /// `onlyWhereGranted` lists a risky operation only at the scopes where an assignment granting it
    /// sits (not where it is only inherited): what the diff reports as grown; `listed` narrows that
    /// to where an assignment it accepts (an index into `snapshot.roleAssignments`) grants it, each
    /// holding still judged with every grant on its chain. `only` keeps the assignments it accepts,
    /// as if the principal held no other. (The diff judges only what changed.)
    public func blastRadius(principal: String, risks: [RiskyOperation] = RiskCatalog.operations,
                            subscriptionsBelow: Bool = true, onlyWhereGranted: Bool = false,
                            listed: ((Int) -> Bool)? = nil, only: ((Int) -> Bool)? = nil,
                            cache: inout BlastRadiusCache) -> [BlastScope] {
        let p = AzureID.guidKey(principal)
        let identities = identities(of: p, cache: &cache.groups)
        // The principal's counting assignments, with the identity each is held through: found once
        // for every operation.
        var held: [(assignment: Int, identity: Int)] = []
        forEachApplicable(identityCount: identities.count, key: { identities[$0].group }, chain: nil) { ai, i in
            if assignmentCounts[ai] && only?(ai) ?? true { held.append((ai, i)) }
        }
        var byScope: [Scope: [GrantPath]] = [:]
        for (ai, i) in held {
            let a = snapshot.roleAssignments[ai]
            byScope[a.scope, default: []].append(path(a, via: identities[i].via))
        }
        let scopes = byScope.keys.sorted()
        func answer(_ risky: [[RiskHolding]]) -> [BlastScope] {
            scopes.enumerated().map { i, s in
                BlastScope(scope: s, assignments: (byScope[s] ?? []).sorted { $0.assignmentID < $1.assignmentID },
                           risky: risky.isEmpty ? [] : risky[i], subscriptions: subscriptionsBelow ? subscriptions(below: s) : [])
            }
        }
        // Only the assignments asked for: no scope's ancestors are needed.
        if risks.isEmpty { return answer([]) }
        let chainIDs = scopes.map { cache.chain(self, $0) }
        // Which of the principal's scopes lie at or below each scope id: a grant reaches those.
        var scopesUnder: [Int32: [Int]] = [:]
        for (i, ids) in chainIDs.enumerated() { for id in ids { scopesUnder[id, default: []].append(i) } }
        // The deny assignments applicable at each scope, found once for every operation.
        var deniesAt: [[ApplicableDeny]?] = Array(repeating: nil, count: scopes.count)
        var risky: [[RiskHolding]] = Array(repeating: [], count: scopes.count)
        for r in risks {
            let q = cache.query(self, r)
            let opPlane = cache.queries[q].plane, catalogued = cache.queries[q].catalogued ?? false
            // The principal's assignments (any scope) whose role grants the operation.
            var grants: [(scope: Int32, conditional: Bool, assignment: Int, via: [String])] = []
            for (ai, i) in held {
                let c = grantClass(ai, &cache.queries[q].memo)
                if c != .none { grants.append((assignmentScope[ai], c == .conditional, ai, identities[i].via)) }
            }
            if grants.isEmpty { continue }
            let key = cache.queries[q].memo.key
            // The grants held at each scope id, so that each scope gathers those of its chain
            // (in their order in `grants`, which decides the group path kept below).
            var grantsAt: [Int32: [Int]] = [:]
            for (gi, g) in grants.enumerated() { grantsAt[g.scope, default: []].append(gi) }
            // Only the scopes some grant reaches (each appends once per operation, so the order in
            // which they are visited does not matter).
            var paths: [GrantPath?] = Array(repeating: nil, count: grants.count)
            var reached = Set<Int>()
            if onlyWhereGranted {
                let sites = listed.map { accept in Set(grants.filter { accept($0.assignment) }.map(\.scope)) }
                for (i, s) in scopes.enumerated() {
                    if let own = scopeIDs[s.key], grantsAt[own] != nil, sites?.contains(own) ?? true { reached.insert(i) }
                }
            } else {
                for id in grantsAt.keys { for i in scopesUnder[id] ?? [] { reached.insert(i) } }
            }
            for i in reached {
                let ids = chainIDs[i]
                var indices: [Int] = []
                for id in ids { if let l = grantsAt[id] { indices.append(contentsOf: l) } }
                indices.sort()
                let here = indices.map { grants[$0] }
                let applicable = deniesAt[i] ?? applicableDenies(chain: ids, scope: scopes[i])
                deniesAt[i] = applicable
                let (outcome, conditional) = heldWithDenies(grantedUnconditionally: here.contains { !$0.conditional },
                                                            applicable: applicable, identities: identities, key: key, plane: opPlane)
                if outcome != .allowed { continue }
                // Each granting assignment once (the shortest group path first found); a grant's
                // path is built once for every scope it reaches.
                var granting: [String: GrantPath] = [:]
                for gi in indices {
                    let id = snapshot.roleAssignments[grants[gi].assignment].id
                    if granting[id] != nil { continue }
                    let built = paths[gi] ?? path(snapshot.roleAssignments[grants[gi].assignment], via: grants[gi].via,
                                                  conditional: grants[gi].conditional)
                    paths[gi] = built
                    granting[id] = built
                }
                risky[i].append(RiskHolding(operation: r, conditional: conditional,
                                            catalogued: catalogued,
                                            grants: granting.values.sorted { $0.assignmentID < $1.assignmentID }))
            }
        }
        return answer(risky)
    }
}

extension Evaluator {
    /// Whether `blastRadius` lists `risk` as held at `scope` (an allowed decision there, REFERENCE.md
    /// §2.1), for one scope of the principal's, without computing the others.
    public func holds(principal: String, risk: RiskyOperation, scope: Scope, cache: inout BlastRadiusCache) -> Bool {
        let q = cache.query(self, risk)
        let chain = cache.chain(self, scope)
        // As `blastRadius` judges one scope: the grants on its chain, its denies, one combination.
        return allows(principal: principal, scope: scope, ancestors: chain, query: &cache.queries[q], cache: &cache.groups).allowed
    }

    /// A risky operation granted on a scope's chain, judged there: the applicable denies matched
    /// against the principal's identities, then one combination (REFERENCE.md §2.1).
    func heldWithDenies(grantedUnconditionally: Bool, applicable: [ApplicableDeny], identities: [GroupHop],
                        key: [UInt8], plane: Plane) -> (outcome: AccessOutcome, conditional: Bool) {
        let denies = key.withUnsafeBufferPointer { op in denyMatches(applicable, identities: identities, op: op, plane: plane) }
        return Evaluator.combine(granted: true, grantedUnconditionally: grantedUnconditionally, denies: denies)
    }
}

/// What `Evaluator.blastRadius` computes once per snapshot rather than per principal: each risky
/// operation resolved and its role checks memoized, scopes' ancestors, principals' groups. Grows
/// with the principals and scopes asked about; use one per evaluator (and per thread).
public struct BlastRadiusCache: Sendable {
    var queries: [OperationQuery] = []
    var queryIndex: [String: Int] = [:]
    var ancestors: [String: [Int32]] = [:]
    var groups = MembershipCache()

    public init() {}

    /// `ancestorIDs(of:)`, computed once per scope.
    mutating func chain(_ e: Evaluator, _ s: Scope) -> [Int32] {
        if let hit = ancestors[s.key] { return hit }
        let ids = e.ancestorIDs(of: s)
        ancestors[s.key] = ids
        return ids
    }

    mutating func query(_ e: Evaluator, _ r: RiskyOperation) -> Int {
        let k = r.name + "|" + r.plane.rawValue
        if let i = queryIndex[k] { return i }
        queries.append(e.decisionQuery(operation: r.name, plane: r.plane))
        queryIndex[k] = queries.count - 1
        return queries.count - 1
    }
}
