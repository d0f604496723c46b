/// Attribution of recorded uses to role assignments (REFERENCE.md §1.9.4, §1.9.5, §2.1, §2.7, §2.8,
/// §3): `UsageAttribution.useTargets` is the one place that decides which assignments a use
/// belongs to, and `deniedTargets` which ones a denied attempt is counted against. The usage
/// report (`report`, UsageAttribution+Report.swift) and `Evaluator.attribute` both apply them.
///
/// Per (caller, action, scope, evidence):
///   - with evidence (`identity.authorization.evidence.roleAssignmentId`, §1.9.4), the uses belong
///     to that assignment alone (or to none when the snapshot does not hold it: unknown evidence);
///   - otherwise to every assignment of the caller (direct or through groups, transitively, §2.8)
///     that counts under the options (active; eligible with `includeEligible`) and whose role
///     grants the action at the use's scope or an ancestor (§2.1, §2.7);
///   - a denied attempt is not a use: it is counted against the assignment its evidence names,
///     else against the caller's assignments that count at the scope or an ancestor, whatever
///     their role grants (the people reviewing those assignments see what was missing).
public struct UsageAttribution: Sendable {
    public let evaluator: Evaluator
    public let records: UsageRecords
    /// Caller slot -> the principal id it resolves to (§1.9.5).
    let callerID: [String?]
    /// Action slot -> operation key, and the id of its name in `names` (catalog spelling, else as logged).
    let actionKey: [String]
    let actionName: [Int32]
    /// Distinct action names, and each one's rank by (lower-cased, spelling).
    let names: [String]
    let nameRank: [Int32]
    /// Scope slot -> the slot of the first scope with its key, and its rank by key.
    let scopeCanonical: [Int32]
    let scopeRank: [Int32]
    /// Evidence slot -> the index of the assignment it names (-1: not in the snapshot).
    let evidenceTarget: [Int]
    /// Assignment index -> the index its id resolves to (the last with that id).
    let canonical: [Int]
    let principalNames: [String: String]
    let roleNames: [String: String]

    public init(evaluator: Evaluator, records: UsageRecords) {
        self.evaluator = evaluator
        self.records = records
        let snapshot = evaluator.snapshot

        var byUPN: [String: String] = [:]
        var names: [String: String] = [:]
        for p in snapshot.principals {
            if let upn = p.userPrincipalName?.lowercased(), byUPN[upn] == nil || p.id < byUPN[upn] ?? "" { byUPN[upn] = p.id }
            names[p.id] = p.displayName
        }
        principalNames = names
        callerID = records.callers.map { Self.resolve($0, byUPN: byUPN) }

        var catalogName: [String: String] = [:]
        for op in snapshot.operations where !op.isDataAction { catalogName[op.key] = catalogName[op.key] ?? op.name }
        var roleNames: [String: String] = [:]
        for r in snapshot.roleDefinitions { roleNames[r.id] = r.roleName }
        self.roleNames = roleNames
        var assignmentIndex: [String: Int] = [:]
        for (i, a) in snapshot.roleAssignments.enumerated() { assignmentIndex[a.id] = i }
        canonical = snapshot.roleAssignments.map { assignmentIndex[$0.id] ?? -1 }

        var keys: [String] = [], nameIDs: [Int32] = [], nameList: [String] = [], nameIndex: [String: Int32] = [:]
        keys.reserveCapacity(records.actions.count)
        for a in records.actions {
            let name = catalogName[a.key] ?? a.display
            keys.append(a.key)
            if let n = nameIndex[name] { nameIDs.append(n) } else {
                let n = Int32(nameList.count)
                nameIndex[name] = n
                nameList.append(name)
                nameIDs.append(n)
            }
        }
        actionKey = keys
        actionName = nameIDs
        self.names = nameList
        // Case-insensitive, then by spelling: each name lower-cased once.
        var rank = [Int32](repeating: 0, count: nameList.count)
        for (r, n) in nameList.indices.map({ (nameList[$0].lowercased(), nameList[$0], $0) }).sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }).map(\.2).enumerated() {
            rank[n] = Int32(r)
        }
        nameRank = rank

        let scopes = records.scopes
        var firstSlot: [String: Int32] = [:], canonicalSlots: [Int32] = []
        canonicalSlots.reserveCapacity(scopes.count)
        for (i, s) in scopes.enumerated() {
            if let c = firstSlot[s.key] { canonicalSlots.append(c) } else {
                firstSlot[s.key] = Int32(i)
                canonicalSlots.append(Int32(i))
            }
        }
        scopeCanonical = canonicalSlots
        var scopeRank = [Int32](repeating: 0, count: scopes.count)
        for (r, i) in scopes.indices.sorted(by: { scopes[$0].key < scopes[$1].key }).enumerated() { scopeRank[i] = Int32(r) }
        self.scopeRank = scopeRank
        evidenceTarget = records.evidence.map { assignmentIndex[AzureID.guidKey($0)] ?? -1 }
    }

    /// Caller resolution (REFERENCE.md §1.9.5): the id the import resolved it to; else a GUID
    /// (oid claim or GUID caller) is the principal id; else a user principal name resolves to the
    /// directory user with that UPN (the smallest id when several share it). '' is no caller.
    static func resolve(_ c: UsageRecords.Caller, byUPN: [String: String]) -> String? {
        if let id = c.resolvedID { return AzureID.guidKey(id) }
        if c.key.isEmpty { return nil }
        if AzureID.isGUID(c.key) { return AzureID.guidKey(c.key) }
        return byUPN[c.key.lowercased()]
    }

    /// The callers the import did not resolve to a principal (the report's count).
    public var unresolvedCallers: Int { records.callers.filter { $0.resolvedID == nil && !$0.key.isEmpty }.count }

    /// What a use's attribution came to.
    enum UseOutcome { case attributed, unknownEvidence, unattributed }

    /// Per-thread caches of the rules, by slot: each caller's identities (itself and its groups),
    /// each scope's ancestors, each action's role matches (memoized lazily).
    struct Cache {
        var identities: [[String]?]
        var ancestors: [[Int32]?]
        var queries: [OperationQuery?]
        /// The assignments found by the last `useTargets` / `deniedTargets`.
        var targets: [Int] = []

        init(_ a: UsageAttribution, empty: Bool = false) {
            identities = Array(repeating: nil, count: empty ? 0 : a.records.callers.count)
            ancestors = Array(repeating: nil, count: empty ? 0 : a.records.scopes.count)
            queries = Array(repeating: nil, count: empty ? 0 : a.records.actions.count)
        }
    }

    /// The caller and each group it belongs to transitively (nil: unresolved or missing caller).
    private func identities(_ caller: Int32, _ c: inout Cache) -> [String]? {
        guard caller >= 0, let principal = callerID[Int(caller)] else { return nil }
        if let hit = c.identities[Int(caller)] { return hit }
        let ids = evaluator.identityKeys(of: principal)
        c.identities[Int(caller)] = ids
        return ids
    }

    private func ancestors(_ scope: Int32, _ c: inout Cache) -> [Int32] {
        if let hit = c.ancestors[Int(scope)] { return hit }
        let ids = evaluator.ancestorIDs(of: records.scopes[Int(scope)])
        c.ancestors[Int(scope)] = ids
        return ids
    }

    /// The assignments the uses of (caller, action, scope, evidence) belong to, left in
    /// `c.targets` (indices of the snapshot's assignments, the last with each id; ascending, no
    /// duplicates). See the top of this file.
    func useTargets(caller: Int32, action: Int32, scope: Int32, evidence: Int32, _ c: inout Cache) -> UseOutcome {
        c.targets.removeAll(keepingCapacity: true)
        if evidence != UsageRecord.none {
            // §1.9.4: the evidence names the assignment that authorized the call.
            let t = evidence >= 0 ? evidenceTarget[Int(evidence)] : -1
            guard t >= 0 else { return .unknownEvidence }
            c.targets.append(t)
            return .attributed
        }
        guard let ids = identities(caller, &c) else { return .unattributed }
        let chain = ancestors(scope, &c)
        let a = Int(action)
        if c.queries[a] == nil { c.queries[a] = evaluator.lazyQuery(operation: actionKey[a], plane: .control) }
        // §2.1, §2.7, §2.8: the same set as Evaluator.grantingAssignments.
        let found = evaluator.grantingAssignmentIndices(identities: ids, ancestors: chain, query: &c.queries[a]!)
        for i in found where canonical[i] >= 0 { c.targets.append(canonical[i]) }
        if c.targets.count > 1 {
            c.targets.sort()
            var u = 1
            for k in 1..<c.targets.count where c.targets[k] != c.targets[u - 1] { c.targets[u] = c.targets[k]; u += 1 }
            c.targets.removeLast(c.targets.count - u)
        }
        return c.targets.isEmpty ? .unattributed : .attributed
    }

    /// The assignments the denied attempts of (caller, scope, evidence) are counted against, left
    /// in `c.targets` (no duplicates). See the top of this file.
    func deniedTargets(caller: Int32, scope: Int32, evidence: Int32, _ c: inout Cache) {
        c.targets.removeAll(keepingCapacity: true)
        if evidence >= 0, evidenceTarget[Int(evidence)] >= 0 {
            c.targets.append(evidenceTarget[Int(evidence)])
            return
        }
        guard let ids = identities(caller, &c) else { return }
        c.targets = evaluator.countingAssignmentIndices(identities: ids, ancestors: ancestors(scope, &c))
    }
}
