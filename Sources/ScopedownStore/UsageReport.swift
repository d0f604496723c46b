// `scopedown usage`: per role assignment, what it was used for.
//
// Attribution, per distinct (caller, action, scope, evidence) tuple (days summed), not per event:
//   - a tuple with evidence (identity.authorization.evidence.roleAssignmentId, REFERENCE.md §1.9.4)
//     is attributed to that assignment alone;
//   - otherwise to every active assignment of the caller (direct or through groups) whose role
//     grants the action at the event's scope or an ancestor (Evaluator.grantingAssignments,
//     REFERENCE.md §2.1, §2.7, §2.8);
//   - denied attempts (no assignment granted them) go to the caller's active assignments at the
//     event's scope or an ancestor: the people reviewing those assignments see what was missing.
// Reads and data-plane operations are not in the Activity Log (REFERENCE.md §3.1): unobservable.
import Dispatch
import ScopedownCore
import ScopedownImport
import ScopedownSQLite
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct AssignmentUsage: Sendable, Hashable {
    public var assignment: String
    public var principal: String
    public var principalName: String?
    public var role: String
    public var scope: String
    public var state: AssignmentState
    /// Operation names (catalog spelling when the catalog knows them), sorted.
    public var usedActions: [String]
    public var uses: Int
    /// Seconds since the epoch.
    public var lastUsed: Int64?
    /// The lowest common scope of every scope where it was used (display spelling).
    public var commonScope: String?
    public var deniedAttempts: Int
}

public struct UsageReport: Sendable {
    public var assignments: [AssignmentUsage]
    public var windowFrom: Int64?
    public var windowTo: Int64?
    /// Uses whose evidence names an assignment not in the database.
    public var unknownEvidenceUses: Int
    /// Uses no assignment could be found for (unresolved caller, or no imported assignment grants it).
    public var unattributedUses: Int
    public var unresolvedCallers: Int
}

extension Store {
    /// Builds the usage report over the whole database, on every core (the report does not depend
    /// on the number of threads).
    public func usageReport(options: EvaluationOptions = EvaluationOptions()) throws -> UsageReport {
        try usageReport(options: options, workers: UsageAttribution.defaultWorkers)
    }

    /// `usageReport(options:)` on `workers` threads, the usage rows cut into `buckets` groups of
    /// callers (0: a default for the number of workers). Tests compare it across both.
    func usageReport(options: EvaluationOptions, workers requested: Int, buckets: Int = 0) throws -> UsageReport {
        try reading { try usageReportReading(options: options, workers: requested, buckets: buckets) }
    }

    private func usageReportReading(options: EvaluationOptions, workers requested: Int, buckets: Int) throws -> UsageReport {
        let workers = max(1, requested)
        // The usage rows are read on another thread through a second connection (a second `Store`
        // on the same file) while this one loads the snapshot and builds the evaluator. Not when
        // this connection has uncommitted writes (the other would not see them); on any failure
        // there, they are read here.
        let rowsBox = UsageRowsBox(), loaded = DispatchSemaphore(value: 0)
        let background = workers > 1 && !db.hasUncommittedWrites
        if background {
            let path = self.path
            DispatchQueue.global().async {
                rowsBox.result = Result { try Store.loadUsageRows(Store(path: path, create: false)) }
                loaded.signal()
            }
        }
        let prepared = Result { try UsageAttribution(store: self, options: options) }
        var rows: [UsageRow]
        if background {
            loaded.wait()
            if case .success(let r)? = rowsBox.result { rows = r } else { rows = try Store.loadUsageRows(self) }
        } else {
            rows = try Store.loadUsageRows(self)
        }
        let attribution = try prepared.get()
        readHook?()
        let merged = attribution.attribute(&rows, workers: workers, buckets: buckets)
        rows = []
        let out = attribution.assignmentUsages(merged, workers: workers)

        var from: Int64?, to: Int64?
        try db.query("SELECT MIN(window_from), MAX(window_to) FROM usage_imports") { row in
            from = row.isNull(0) ? nil : row.int64(0)
            to = row.isNull(1) ? nil : row.int64(1)
        }
        let unresolved = try db.scalarInt("SELECT COUNT(*) FROM usage_principals WHERE resolved_id IS NULL AND key <> ''") ?? 0
        return UsageReport(assignments: out, windowFrom: from, windowTo: to, unknownEvidenceUses: merged.unknownEvidenceUses,
                           unattributedUses: merged.unattributedUses, unresolvedCallers: unresolved)
    }

    /// The effective usage rows (confirmed rows plus tentative rows of operations that did not
    /// fail), by tuple, unsorted and not yet summed: `attribute` groups them over days (and so sums
    /// the rows of one key, which `effectiveUsage()` would have sorted and summed first).
    static func loadUsageRows(_ store: Store) throws -> [UsageRow] {
        typealias Row = UsageRow
        typealias Tuple = UsageRow.Tuple
        typealias Totals = UsageRow.Totals
        var rows: [Row] = []
        rows.reserveCapacity(try store.db.scalarInt("SELECT COUNT(*) FROM usage") ?? 0)
        try store.forEachUsageRow { r in
            rows.append(Row(tuple: Tuple(principal: r.principal, action: r.action, scope: r.scope, assignment: r.assignment),
                            totals: Totals(uses: r.uses, denied: r.denied, last: r.lastSeen)))
        }
        return rows
    }

    /// The lowest scope that is each given scope or one of its ancestors: resource, parent
    /// resource, resource group, subscription, management groups, `/` (REFERENCE.md §1.8, §2.7).
    static func lowestCommonScope(_ scopes: [Scope], _ hierarchy: ScopeHierarchy) -> Scope? {
        lowestCommonScope(scopes, UsageAncestry(hierarchy))
    }

    static func lowestCommonScope(_ scopes: [Scope], _ ancestry: UsageAncestry) -> Scope? {
        let sorted = scopes.sorted()
        guard var common = sorted.first else { return nil }
        for s in sorted.dropFirst() where s.key != common.key {
            let ancestors = ancestry.keys(s)
            common = ancestry.chain(common).first { ancestors.contains($0.key) } ?? .root
            if common.key == "/" { break }
        }
        return common
    }
}

/// Ancestor chains (ScopeHierarchy.ancestors), computed once per distinct scope.
final class UsageAncestry {
    let hierarchy: ScopeHierarchy
    private var chains: [String: [Scope]] = [:]
    private var keySets: [String: Set<String>] = [:]
    init(_ hierarchy: ScopeHierarchy) { self.hierarchy = hierarchy }

    /// With the spelled chains of another ancestry over the same hierarchy (`spelledChains`).
    init(_ hierarchy: ScopeHierarchy, spelled: [String: [Scope]]) {
        self.hierarchy = hierarchy
        self.spelled = spelled
    }

    /// By display spelling: the chain of a scope is a function of its spelling alone.
    private var spelled: [String: [Scope]] = [:]

    /// Computes the chain of each scope's spelling (and of its lexical parents) ahead, leaving the
    /// by-key caches alone: what `chain` and `keys` answer does not change.
    func prefill(_ scopes: [Scope]) { for s in scopes { _ = spelledChain(s) } }
    var spelledChains: [String: [Scope]] { spelled }

    func chain(_ s: Scope) -> [Scope] {
        if let c = chains[s.key] { return c }
        let c = spelledChain(s)
        chains[s.key] = c
        return c
    }

    /// `hierarchy.ancestors(of: s)`, reusing the chain of its lexical parent: the ancestors of a
    /// scope with a lexical parent are the scope followed by the parent's ancestors (same topmost
    /// lexical scope, so the same management-group chain and `/`, REFERENCE.md §2.7).
    private func spelledChain(_ s: Scope) -> [Scope] {
        if let c = spelled[s.display] { return c }
        let c: [Scope]
        if let p = s.lexicalParent { c = [s] + spelledChain(p) } else { c = hierarchy.ancestors(of: s) }
        spelled[s.display] = c
        return c
    }

    func keys(_ s: Scope) -> Set<String> {
        if let k = keySets[s.key] { return k }
        let k = Set(chain(s).map(\.key))
        keySets[s.key] = k
        return k
    }
}

/// One row of the effective usage (`Store.effectiveUsage()`), before grouping over days (`Store.loadUsageRows`).
struct UsageRow: Sendable {
    struct Tuple: Hashable, Comparable, Sendable {
        var principal: Int, action: Int, scope: Int, assignment: Int
        static func < (a: Tuple, b: Tuple) -> Bool {
            (a.principal, a.action, a.scope, a.assignment) < (b.principal, b.action, b.scope, b.assignment)
        }
    }
    struct Totals: Sendable { var uses = 0, denied = 0; var last: Int64? }
    var tuple: Tuple
    var totals: Totals
}

/// The usage rows read on the other thread of `usageReport`.
private final class UsageRowsBox: @unchecked Sendable {
    var result: Result<[UsageRow], Error>?
}

/// Table id -> slot (the row's position in the lookup table): a flat table when the ids are dense
/// (the usual case: INTEGER PRIMARY KEY from 1), else a dictionary. Of duplicate ids the last wins.
struct DenseIDs: Sendable {
    private var flat: [Int32] = []
    private var sparse: [Int: Int32] = [:]
    private let dense: Bool
    let count: Int

    init(_ ids: [Int]) {
        count = ids.count
        let lo = ids.min() ?? 0, hi = ids.max() ?? 0
        dense = lo >= 0 && hi <= ids.count * 4 + 1024
        if dense {
            flat = Array(repeating: -1, count: hi + 1)
            for (i, id) in ids.enumerated() { flat[id] = Int32(i) }
        } else {
            sparse.reserveCapacity(ids.count)
            for (i, id) in ids.enumerated() { sparse[id] = Int32(i) }
        }
    }

    @inline(__always) func slot(_ id: Int) -> Int? {
        if dense {
            guard id >= 0, id < flat.count else { return nil }
            let s = flat[id]
            return s >= 0 ? Int(s) : nil
        }
        return sparse[id].map(Int.init)
    }
}

/// What one assignment was used for, by integer ids. Accumulations commute (set unions, sums, the
/// latest time), so the threads' partial results merge into the same totals in any order.
struct UsageAcc: Sendable {
    /// Ids into `UsageAttribution.names`.
    var actions = Set<Int32>()
    /// Canonical usage-scope slots (one per scope key).
    var scopes = Set<Int32>()
    var uses = 0
    var last: Int64?
    var denied = 0
    var touched = false

    mutating func merge(_ o: UsageAcc) {
        guard o.touched else { return }
        touched = true
        actions.formUnion(o.actions)
        scopes.formUnion(o.scopes)
        uses += o.uses
        denied += o.denied
        if let t = o.last, last.map({ t > $0 }) ?? true { last = t }
    }
}

/// One thread's attribution state: its accumulators, and caches per lookup slot (identities and
/// group closure per caller, ancestor ids per scope, lazily matched roles per action).
struct UsageWorker {
    var acc: [UsageAcc]
    var unknownEvidenceUses = 0, unattributedUses = 0
    /// Scopes whose ancestor keys the denied-attempt attribution asked for (see `assignmentUsages`).
    var deniedScopes = Set<Int32>()
    var identityCache: [[String]?]
    var closureCache: [[String]?]
    var ancestorCache: [[Int32]?]
    var queries: [OperationQuery?]
    let ancestry: UsageAncestry
    var targets: [Int] = []

    init(_ a: UsageAttribution) {
        acc = Array(repeating: UsageAcc(), count: a.evaluator.snapshot.roleAssignments.count)
        identityCache = Array(repeating: nil, count: a.principals.count)
        closureCache = Array(repeating: nil, count: a.principals.count)
        ancestorCache = Array(repeating: nil, count: a.scopes.count)
        queries = Array(repeating: nil, count: a.actions.count)
        ancestry = UsageAncestry(a.hierarchy, spelled: a.spelledChains)
    }
}

/// One thread's state, in a box of its own: each box is used by one thread at a time (its
/// thread, then the merge after all have finished).
private final class UsageWorkerBox: @unchecked Sendable {
    var state: UsageWorker
    init(_ state: UsageWorker) { self.state = state }
}

/// The rows' buffer, shared by the threads: each works on its own buckets (disjoint ranges).
private struct UsageRowsBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<UsageRow>
}

/// Hands out bucket numbers to the threads.
private final class UsageCounter: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}

/// Everything attribution reads, built once and shared read-only by the threads: the evaluator,
/// and the usage lookup tables by slot with what each entry resolves to.
struct UsageAttribution: Sendable {
    static var defaultWorkers: Int { max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }

    let evaluator: Evaluator
    let hierarchy: ScopeHierarchy
    /// usage_principals: slot -> the principal id it resolves to (resolved id, else by UPN).
    let principals: DenseIDs
    let principalResolved: [String?]
    /// usage_actions: slot -> operation key, and id of its name (catalog spelling, else as logged).
    let actions: DenseIDs
    let actionKey: [String]
    let actionName: [Int32]
    /// Distinct action names, and each one's rank by (lower-cased, spelling).
    let names: [String]
    let nameRank: [Int32]
    /// usage_scopes: slot -> scope, the slot of the first scope with its key, and its rank by key.
    let scopes: DenseIDs
    let scope: [Scope]
    let scopeCanonical: [Int32]
    let scopeRank: [Int32]
    /// usage_assignments: slot -> index of the assignment it names (-1: not in the database).
    let evidence: DenseIDs
    let evidenceTarget: [Int]
    /// Assignment index -> the index its id resolves to (the last with that id).
    let canonical: [Int]
    /// Principal -> its assignments that count (active, or eligible when included).
    let assignmentsOf: [String: [Int]]
    let principalNames: [String: String]
    let roleNames: [String: String]
    /// The ancestor chains of the usage scopes' spellings, computed ahead (while the usage rows
    /// are still being read): a function of the spelling alone.
    let spelledChains: [String: [Scope]]

    init(store: Store, options: EvaluationOptions) throws {
        let db = store.connection
        let snapshot: AuthorizationSnapshot
        if db.hasUncommittedWrites {
            snapshot = try store.loadSnapshot()
            evaluator = Evaluator(snapshot: snapshot, options: options)
        } else {
            // Everything attribution and the report read is in the evaluation snapshot.
            let (s, preparation) = try store.loadEvaluationSnapshot(overlapping: { Evaluator.Preparation(snapshot: $0) })
            snapshot = s
            evaluator = Evaluator(snapshot: s, options: options, preparation: preparation)
        }
        hierarchy = ScopeHierarchy(managementGroups: snapshot.managementGroups, subscriptions: snapshot.subscriptions)

        var byUPN: [String: String] = [:]
        var names: [String: String] = [:]
        for p in snapshot.principals {
            if let upn = p.userPrincipalName?.lowercased(), byUPN[upn] == nil || p.id < byUPN[upn] ?? "" { byUPN[upn] = p.id }
            names[p.id] = p.displayName
        }
        principalNames = names
        var catalogName: [String: String] = [:]
        for op in snapshot.operations where !op.isDataAction { catalogName[op.key] = catalogName[op.key] ?? op.name }
        var roleNames: [String: String] = [:]
        for r in snapshot.roleDefinitions { roleNames[r.id] = r.roleName }
        self.roleNames = roleNames
        var assignmentIndex: [String: Int] = [:]
        for (i, a) in snapshot.roleAssignments.enumerated() { assignmentIndex[a.id] = i }
        canonical = snapshot.roleAssignments.map { assignmentIndex[$0.id] ?? -1 }

        var assignmentsOf: [String: [Int]] = [:]
        for (i, a) in snapshot.roleAssignments.enumerated() where a.state == .active || options.includeEligible {
            assignmentsOf[a.principalID, default: []].append(i)
        }
        self.assignmentsOf = assignmentsOf

        // lookup tables
        var ids: [Int] = [], resolved: [String?] = []
        try db.query("SELECT id, key, resolved_id FROM usage_principals") { r in
            ids.append(r.int(0))
            resolved.append(r.optionalString(2) ?? byUPN[r.string(1)])
        }
        principals = DenseIDs(ids)
        principalResolved = resolved

        ids = []
        var keys: [String] = [], nameIDs: [Int32] = [], nameList: [String] = [], nameIndex: [String: Int32] = [:]
        try db.query("SELECT id, key, display FROM usage_actions") { r in
            ids.append(r.int(0))
            let key = r.string(1), name = catalogName[key] ?? r.string(2)
            keys.append(key)
            if let n = nameIndex[name] { nameIDs.append(n) } else {
                let n = Int32(nameList.count)
                nameIndex[name] = n
                nameList.append(name)
                nameIDs.append(n)
            }
        }
        actions = DenseIDs(ids)
        actionKey = keys
        actionName = nameIDs
        self.names = nameList
        // Case-insensitive, then by spelling: each name lower-cased once.
        var rank = [Int32](repeating: 0, count: nameList.count)
        for (r, n) in nameList.indices.map({ (nameList[$0].lowercased(), nameList[$0], $0) }).sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }).map(\.2).enumerated() {
            rank[n] = Int32(r)
        }
        nameRank = rank

        ids = []
        var scopeList: [Scope] = [], firstSlot: [String: Int32] = [:], canonicalSlots: [Int32] = []
        try db.query("SELECT id, display FROM usage_scopes") { r in
            ids.append(r.int(0))
            let s = Scope(r.string(1))
            if let c = firstSlot[s.key] { canonicalSlots.append(c) } else {
                let c = Int32(scopeList.count)
                firstSlot[s.key] = c
                canonicalSlots.append(c)
            }
            scopeList.append(s)
        }
        scopes = DenseIDs(ids)
        scope = scopeList
        scopeCanonical = canonicalSlots
        var scopeRank = [Int32](repeating: 0, count: scopeList.count)
        for (r, i) in scopeList.indices.sorted(by: { scopeList[$0].key < scopeList[$1].key }).enumerated() { scopeRank[i] = Int32(r) }
        self.scopeRank = scopeRank

        ids = []
        var targets: [Int] = []
        try db.query("SELECT id, key FROM usage_assignments") { r in
            ids.append(r.int(0))
            targets.append(assignmentIndex[r.string(1)] ?? -1)
        }
        evidence = DenseIDs(ids)
        evidenceTarget = targets
        let ancestry = UsageAncestry(hierarchy)
        ancestry.prefill(scopeList)
        spelledChains = ancestry.spelledChains
    }

    /// Groups the rows by tuple (days summed) and attributes each tuple (see the top of this file).
    /// The rows are cut into buckets of callers (every row of a caller in one bucket, so equal
    /// tuples meet there), each sorted and summed in place, then attributed by whichever thread
    /// takes it; the threads' accumulators are merged at the end. Sums, set unions and the latest
    /// time do not depend on the order, so neither does the result.
    func attribute(_ rows: inout [UsageRow], workers: Int, buckets requested: Int) -> UsageWorker {
        let callers = principals.count
        // Rows per caller slot (the last slot: callers missing from usage_principals), then
        // consecutive callers in buckets of about the same number of rows.
        var perCaller = [Int](repeating: 0, count: callers + 1)
        for r in rows { perCaller[principals.slot(r.tuple.principal) ?? callers] += 1 }
        let bucketCount = max(1, min(requested > 0 ? requested : (workers == 1 ? 1 : workers * 16), callers + 1))
        var bucketOf = [Int32](repeating: 0, count: callers + 1)
        var cumulative = 0
        let total = max(1, rows.count)
        for s in 0...callers {
            bucketOf[s] = Int32(min(bucketCount - 1, cumulative * bucketCount / total))
            cumulative += perCaller[s]
        }
        var start = [Int](repeating: 0, count: bucketCount + 1)
        for s in 0...callers { start[Int(bucketOf[s]) + 1] += perCaller[s] }
        for b in 0..<bucketCount { start[b + 1] += start[b] }

        let boxes = (0..<workers).map { _ in UsageWorkerBox(UsageWorker(self)) }
        rows.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            // In place, bucket by bucket (American flag sort): no second array of rows.
            var next = start
            for b in 0..<bucketCount {
                while next[b] < start[b + 1] {
                    let t = Int(bucketOf[principals.slot(buf[next[b]].tuple.principal) ?? callers])
                    if t == b { next[b] += 1 } else { buf.swapAt(next[b], next[t]); next[t] += 1 }
                }
            }
            // Largest buckets first, for an even finish.
            let size = (0..<bucketCount).map { start[$0 + 1] - start[$0] }
            let order = (0..<bucketCount).filter { size[$0] > 0 }.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
            let shared = UsageRowsBuffer(base: base), counter = UsageCounter(), start = start
            let work: @Sendable (Int) -> Void = { w in
                let box = boxes[w]
                while true {
                    let k = counter.take()
                    guard k < order.count else { break }
                    let b = order[k]
                    self.process(UnsafeMutableBufferPointer(start: shared.base + start[b], count: start[b + 1] - start[b]), &box.state)
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }

        var result = UsageWorker.placeholder
        swap(&result, &boxes[0].state)
        for w in 1..<max(1, workers) {
            let other = boxes[w].state
            for i in other.acc.indices where other.acc[i].touched { result.acc[i].merge(other.acc[i]) }
            result.unknownEvidenceUses += other.unknownEvidenceUses
            result.unattributedUses += other.unattributedUses
            result.deniedScopes.formUnion(other.deniedScopes)
        }
        return result
    }

    /// One bucket: sort by tuple, sum each run of equal tuples in place, attribute each tuple.
    private func process(_ bucket: UnsafeMutableBufferPointer<UsageRow>, _ w: inout UsageWorker) {
        var rows = bucket
        rows.sort { $0.tuple < $1.tuple }
        var n = 0
        for k in rows.indices {
            let row = rows[k]
            if n > 0, rows[n - 1].tuple == row.tuple {
                rows[n - 1].totals.uses += row.totals.uses
                rows[n - 1].totals.denied += row.totals.denied
                if let last = row.totals.last, rows[n - 1].totals.last.map({ last > $0 }) ?? true { rows[n - 1].totals.last = last }
            } else {
                rows[n] = row
                n += 1
            }
        }
        for k in 0..<n { attribute(rows[k], &w) }
    }

    private func attribute(_ row: UsageRow, _ w: inout UsageWorker) {
        let tuple = row.tuple, total = row.totals
        let uses = total.uses, denied = total.denied
        let last = total.last
        guard let a = actions.slot(tuple.action), let sc = scopes.slot(tuple.scope) else { return }
        let ps = principals.slot(tuple.principal)
        let principal: String? = ps.flatMap { principalResolved[$0] }
        let evidenceTarget = evidence.slot(tuple.assignment).map { self.evidenceTarget[$0] } ?? -1

        w.targets.removeAll(keepingCapacity: true)
        let evidenceID = tuple.assignment
        if evidenceID != 0 {
            if evidenceTarget >= 0 { w.targets.append(evidenceTarget) } else { w.unknownEvidenceUses += uses }
        } else if uses > 0, let principal, let ps {
            let ids: [String]
            if let hit = w.identityCache[ps] { ids = hit } else {
                ids = evaluator.identityKeys(of: principal)
                w.identityCache[ps] = ids
            }
            let ancestors: [Int32]
            if let hit = w.ancestorCache[sc] { ancestors = hit } else {
                ancestors = evaluator.ancestorIDs(of: scope[sc])
                w.ancestorCache[sc] = ancestors
            }
            if w.queries[a] == nil { w.queries[a] = evaluator.lazyQuery(operation: actionKey[a], plane: .control) }
            // Same set as Evaluator.grantingAssignments (active, or eligible when included).
            let found = evaluator.grantingAssignmentIndices(identities: ids, ancestors: ancestors, query: &w.queries[a]!)
            for i in found where canonical[i] >= 0 { w.targets.append(canonical[i]) }
            if w.targets.count > 1 {
                w.targets.sort()
                var u = 1
                for k in 1..<w.targets.count where w.targets[k] != w.targets[u - 1] { w.targets[u] = w.targets[k]; u += 1 }
                w.targets.removeLast(w.targets.count - u)
            }
            if w.targets.isEmpty { w.unattributedUses += uses }
        } else if uses > 0 {
            w.unattributedUses += uses
        }
        if uses > 0 {
            let name = actionName[a], usedScope = scopeCanonical[sc]
            for i in w.targets {
                w.acc[i].touched = true
                w.acc[i].actions.insert(name)
                w.acc[i].scopes.insert(usedScope)
                w.acc[i].uses += uses
                if let last, w.acc[i].last.map({ last > $0 }) ?? true { w.acc[i].last = last }
            }
        }
        if denied > 0 {
            w.targets.removeAll(keepingCapacity: true)
            if evidenceID != 0, evidenceTarget >= 0 {
                w.targets.append(evidenceTarget)
            } else if let principal, let ps {
                let ancestors = w.ancestry.keys(scope[sc])
                w.deniedScopes.insert(Int32(sc))
                let identities: [String]
                if let hit = w.closureCache[ps] { identities = hit } else {
                    identities = evaluator.groups.closure(of: principal)
                    w.closureCache[ps] = identities
                }
                let list = evaluator.snapshot.roleAssignments
                for id in identities {
                    for i in assignmentsOf[id] ?? [] where ancestors.contains(list[i].scope.key) { w.targets.append(i) }
                }
            }
            for i in Set(w.targets) {
                w.acc[i].touched = true
                w.acc[i].denied += denied
            }
        }
    }

    /// The report's rows, in the snapshot's order of assignments (by id, active first). The lowest
    /// common scopes are computed in that order on one thread with one ancestry cache, first
    /// filled with the scopes the denied-attempt attribution looked up (as one sequential pass
    /// does: the cache keeps the first spelling seen per key); the used actions on another.
    func assignmentUsages(_ merged: UsageWorker, workers: Int) -> [AssignmentUsage] {
        let list = evaluator.snapshot.roleAssignments
        let acc = merged.acc
        let common = UsageCommonScopes(count: list.count)
        let hierarchy = self.hierarchy, scope = self.scope, scopeRank = self.scopeRank, spelled = spelledChains
        let deniedScopes = merged.deniedScopes
        let commonScopes: @Sendable () -> Void = {
            let index = UsageCommonScopes.Index(UsageAncestry(hierarchy, spelled: spelled))
            for s in deniedScopes.sorted() { index.warm(scope[Int(s)]) }
            let nodes = scope.map(index.node)
            for i in acc.indices where acc[i].touched {
                let used = acc[i].scopes.sorted { scopeRank[Int($0)] < scopeRank[Int($1)] }.map { nodes[Int($0)] }
                common.values[i] = index.lowestCommonScope(used)?.display
            }
        }
        let done = DispatchSemaphore(value: 0)
        if workers > 1 {
            DispatchQueue.global().async { commonScopes(); done.signal() }
        } else {
            commonScopes()
        }
        var used: [[String]] = Array(repeating: [], count: list.count)
        for i in acc.indices where acc[i].touched {
            used[i] = acc[i].actions.sorted { nameRank[Int($0)] < nameRank[Int($1)] }.map { names[Int($0)] }
        }
        if workers > 1 { done.wait() }

        var out: [AssignmentUsage] = []
        out.reserveCapacity(list.count)
        for (i, a) in list.enumerated() {
            let u: UsageAcc? = acc[i].touched ? acc[i] : nil
            out.append(AssignmentUsage(
                assignment: a.id, principal: a.principalID, principalName: principalNames[a.principalID],
                role: roleNames[a.roleDefinitionID] ?? a.roleDefinitionID, scope: a.scope.display, state: a.state,
                usedActions: used[i], uses: u?.uses ?? 0, lastUsed: u?.last,
                commonScope: common.values[i], deniedAttempts: u?.denied ?? 0))
        }
        out.sort { ($0.assignment, $0.state.rawValue) < ($1.assignment, $1.state.rawValue) }
        return out
    }
}

/// The lowest common scopes, written by the thread that computes them (one writer, read after it
/// signals).
final class UsageCommonScopes: @unchecked Sendable {
    var values: [String?]
    init(count: Int) { values = Array(repeating: nil, count: count) }

    /// `Store.lowestCommonScope(_:_:)` over interned scopes, for many sets in a row with one
    /// `UsageAncestry`: the same calls reach the ancestry in the same order, and their results are
    /// kept here by key id as the ancestry keeps them by key (the first spelling asked for a key
    /// stays), so the answers are those of calling `lowestCommonScope` set after set.
    final class Index {
        let ancestry: UsageAncestry
        private var keyIDs: [String: Int32] = [:]
        private var nodeIDs: [String: Int32] = [:]
        private var nodes: [Scope] = []
        private var nodeKey: [Int32] = []
        private var chains: [Int32: [Int32]] = [:]
        private var keySets: [Int32: Set<Int32>] = [:]
        private let root: Int32, rootKey: Int32

        init(_ ancestry: UsageAncestry) {
            self.ancestry = ancestry
            root = 0
            rootKey = 0
            let r = node(.root)
            precondition(r == root && nodeKey[Int(r)] == rootKey)
        }

        private func keyID(_ key: String) -> Int32 {
            if let k = keyIDs[key] { return k }
            let k = Int32(keyIDs.count)
            keyIDs[key] = k
            return k
        }

        /// The node of a scope spelling (no call to the ancestry).
        func node(_ s: Scope) -> Int32 {
            if let n = nodeIDs[s.display] { return n }
            let n = Int32(nodes.count)
            nodeIDs[s.display] = n
            nodes.append(s)
            nodeKey.append(keyID(s.key))
            return n
        }

        /// `ancestry.keys(s)`, for its effect on the ancestry's cache.
        func warm(_ s: Scope) { _ = keys(node(s)) }

        private func keys(_ n: Int32) -> Set<Int32> {
            let k = nodeKey[Int(n)]
            if let hit = keySets[k] { return hit }
            let set = Set(ancestry.keys(nodes[Int(n)]).map(keyID))
            keySets[k] = set
            return set
        }

        private func chain(_ n: Int32) -> [Int32] {
            let k = nodeKey[Int(n)]
            if let hit = chains[k] { return hit }
            let c = ancestry.chain(nodes[Int(n)]).map(node)
            chains[k] = c
            return c
        }

        /// `Store.lowestCommonScope` of scopes with distinct keys, given sorted by key.
        func lowestCommonScope(_ sorted: [Int32]) -> Scope? {
            guard var common = sorted.first else { return nil }
            for s in sorted.dropFirst() where nodeKey[Int(s)] != nodeKey[Int(common)] {
                let ancestors = keys(s)
                common = chain(common).first { ancestors.contains(nodeKey[Int($0)]) } ?? root
                if nodeKey[Int(common)] == rootKey { break }
            }
            return nodes[Int(common)]
        }
    }
}

extension UsageWorker {
    /// An empty state (stands in for one moved out of its box).
    static var placeholder: UsageWorker { UsageWorker(empty: ()) }
    private init(empty: Void) {
        acc = []; identityCache = []; closureCache = []; ancestorCache = []; queries = []
        ancestry = UsageAncestry(ScopeHierarchy(managementGroups: [], subscriptions: []))
    }
}
