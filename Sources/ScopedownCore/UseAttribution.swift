/// Activity Log uses as values, and their attribution to role assignments: what the recommender
/// (and its replay proof) reads. The store only reads rows into `RecordedUse`; the rule that
/// decides which assignment a use belongs to is here, once.

/// One recorded use as the store holds it: a (caller, action, scope, day, evidence) tuple with its
/// number of successful uses that day.
public struct RecordedUse: Hashable, Sendable {
    /// The caller's principal id (GUID key), nil when the caller did not resolve to a principal.
    public var caller: String?
    /// `authorization.action`, in the catalog's spelling when the catalog knows it.
    public var action: String
    /// `authorization.scope`.
    public var scope: Scope
    /// Days since 1970-01-01 (UTC).
    public var day: Int
    /// The assignment the event's evidence names (GUID key), nil without evidence.
    public var evidence: String?
    public var count: Int
    /// Seconds since the epoch of the last use that day.
    public var lastSeen: Int64?

    public init(caller: String?, action: String, scope: Scope, day: Int, evidence: String?, count: Int, lastSeen: Int64?) {
        self.caller = caller.map(AzureID.guidKey)
        self.action = action
        self.scope = scope
        self.day = day
        self.evidence = evidence.map(AzureID.guidKey)
        self.count = count
        self.lastSeen = lastSeen
    }
}

/// One recorded use attributed to one assignment.
public struct AttributedUse: Hashable, Sendable {
    /// Assignment id (GUID key).
    public var assignment: String
    /// The caller (GUID key): the assignment's principal or a member of it.
    public var principal: String
    public var action: String
    public var scope: Scope
    public var day: Int
    public var count: Int
    public var lastSeen: Int64?
    /// Attributed by the event's evidence; false: because the assignment grants the action there.
    public var viaEvidence: Bool

    public init(assignment: String, principal: String, action: String, scope: Scope, day: Int, count: Int, lastSeen: Int64?,
                viaEvidence: Bool = false) {
        self.viaEvidence = viaEvidence
        self.assignment = assignment
        self.principal = principal
        self.action = action
        self.scope = scope
        self.day = day
        self.count = count
        self.lastSeen = lastSeen
    }
}

public struct UseAttributionResult: Sendable {
    /// Sorted by assignment and day, then in the order of the recorded uses.
    public var uses: [AttributedUse]
    /// Uses whose evidence names an assignment the snapshot does not hold.
    public var unknownEvidenceUses: Int
    /// Uses no assignment could be found for.
    public var unattributedUses: Int
}

extension Evaluator {
    /// Attributes each recorded use (the rule `scopedown usage` applies, REFERENCE.md §1.9.4,
    /// §2.1, §2.7, §2.8): with evidence, to the assignment it names alone; otherwise to every
    /// assignment of the caller (direct or through groups) that counts under the options and
    /// whose role grants the action at the use's scope or an ancestor. Denied attempts are not
    /// uses and are not given here.
    public func attribute(_ recorded: [RecordedUse]) -> UseAttributionResult {
        var known = Set<String>()
        for a in snapshot.roleAssignments { known.insert(a.id) }
        var identityCache: [String: [String]] = [:]
        var ancestorCache: [String: [Int32]] = [:]
        var queries: [String: OperationQuery] = [:]
        var out: [AttributedUse] = []
        var unknownEvidence = 0, unattributed = 0
        for u in recorded where u.count > 0 {
            if let e = u.evidence {
                if known.contains(e) {
                    out.append(AttributedUse(assignment: e, principal: u.caller ?? "", action: u.action, scope: u.scope,
                                             day: u.day, count: u.count, lastSeen: u.lastSeen, viaEvidence: true))
                } else {
                    unknownEvidence += u.count
                }
                continue
            }
            guard let caller = u.caller else { unattributed += u.count; continue }
            let ids: [String]
            if let hit = identityCache[caller] { ids = hit } else {
                ids = identityKeys(of: caller)
                identityCache[caller] = ids
            }
            let ancestors: [Int32]
            if let hit = ancestorCache[u.scope.key] { ancestors = hit } else {
                ancestors = ancestorIDs(of: u.scope)
                ancestorCache[u.scope.key] = ancestors
            }
            let key = AzureID.operationKey(u.action)
            var q = queries[key] ?? lazyQuery(operation: key, plane: .control)
            let found = grantingAssignmentIndices(identities: ids, ancestors: ancestors, query: &q)
            queries[key] = q
            let targets = Set(found.map { snapshot.roleAssignments[$0].id })
            if targets.isEmpty { unattributed += u.count; continue }
            for t in targets.sorted() {
                out.append(AttributedUse(assignment: t, principal: caller, action: u.action, scope: u.scope,
                                         day: u.day, count: u.count, lastSeen: u.lastSeen))
            }
        }
        // By assignment then day; within those, in the order of the recorded uses (stable sort).
        var rank: [String: Int] = [:]
        for id in Set(out.map(\.assignment)).sorted() { rank[id] = rank.count }
        var buckets = [[Int]](repeating: [], count: rank.count)
        for (i, u) in out.enumerated() { buckets[rank[u.assignment] ?? 0].append(i) }
        var sorted: [AttributedUse] = []
        sorted.reserveCapacity(out.count)
        for b in buckets {
            for i in b.sorted(by: { out[$0].day != out[$1].day ? out[$0].day < out[$1].day : $0 < $1 }) { sorted.append(out[i]) }
        }
        return UseAttributionResult(uses: sorted, unknownEvidenceUses: unknownEvidence, unattributedUses: unattributed)
    }
}
