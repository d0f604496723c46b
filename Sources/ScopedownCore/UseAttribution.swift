/// Activity Log uses as values, and their attribution to role assignments: what the recommender
/// (and its replay proof) reads. The rule that decides which assignment a use belongs to is
/// `UsageAttribution.useTargets` (UsageAttribution.swift), shared with the usage report.

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
    public init(uses: [AttributedUse], unknownEvidenceUses: Int, unattributedUses: Int) {
        self.uses = uses
        self.unknownEvidenceUses = unknownEvidenceUses
        self.unattributedUses = unattributedUses
    }

    /// Sorted by assignment and day, then in the order of the recorded uses.
    public var uses: [AttributedUse]
    /// Uses whose evidence names an assignment the snapshot does not hold.
    public var unknownEvidenceUses: Int
    /// Uses no assignment could be found for.
    public var unattributedUses: Int
}

extension Evaluator {
    /// Attributes each recorded use by the rules of `UsageAttribution.useTargets` (REFERENCE.md
    /// §1.9.4, §2.1, §2.7, §2.8), as `scopedown usage` does: with evidence, to the assignment it
    /// names alone; otherwise to every assignment of the caller (direct or through groups) that
    /// counts under the options and whose role grants the action at the use's scope or an
    /// ancestor. Denied attempts are not uses and are not given here.
    public func attribute(_ recorded: [RecordedUse]) -> UseAttributionResult {
        // Interned into the tables the store's rows refer to (the callers already resolved).
        var records = UsageRecords()
        var callerSlot: [String: Int32] = [:], actionSlot: [String: Int32] = [:]
        var scopeSlot: [String: Int32] = [:], evidenceSlot: [String: Int32] = [:]
        func intern<T>(_ key: String, _ slots: inout [String: Int32], _ list: inout [T], _ value: @autoclosure () -> T) -> Int32 {
            if let s = slots[key] { return s }
            let s = Int32(list.count)
            slots[key] = s
            list.append(value())
            return s
        }
        var rows: [UsageRecord] = []
        rows.reserveCapacity(recorded.count)
        for u in recorded {
            let caller = u.caller.map { intern($0, &callerSlot, &records.callers, UsageRecords.Caller(key: $0, resolvedID: $0)) }
            let key = AzureID.operationKey(u.action)
            rows.append(UsageRecord(
                caller: caller ?? UsageRecord.missing,
                action: intern(key, &actionSlot, &records.actions, UsageRecords.Action(key: key, display: u.action)),
                scope: intern(u.scope.key, &scopeSlot, &records.scopes, u.scope),
                evidence: u.evidence.map { intern($0, &evidenceSlot, &records.evidence, $0) } ?? UsageRecord.none,
                day: Int32(clamping: u.day), uses: u.count, denied: 0, last: u.lastSeen))
        }
        let attribution = UsageAttribution(evaluator: self, records: records)
        var cache = UsageAttribution.Cache(attribution)
        var out: [AttributedUse] = []
        var unknownEvidence = 0, unattributed = 0
        for (u, r) in zip(recorded, rows) where u.count > 0 {
            switch attribution.useTargets(caller: r.caller, action: r.action, scope: r.scope, evidence: r.evidence, &cache) {
            case .unknownEvidence: unknownEvidence += u.count
            case .unattributed: unattributed += u.count
            case .attributed:
                for t in cache.targets.map({ snapshot.roleAssignments[$0].id }).sorted() {
                    out.append(AttributedUse(assignment: t, principal: u.caller ?? "", action: u.action, scope: u.scope, day: u.day,
                                             count: u.count, lastSeen: u.lastSeen, viaEvidence: u.evidence != nil))
                }
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
