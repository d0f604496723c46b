import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The usage report (`scopedown usage`, findings, the review) and the recommender's attributed
/// uses, from one attribution of the recorded rows. The rows are grouped by (caller, action,
/// scope, evidence) over days and each group is attributed once (`useTargets`, `deniedTargets`),
/// on several threads: the large tenant's 9.6M rows take about half the time on two cores
/// (docs/performance.md, "Usage attribution"). Sums, set unions and the latest time do not depend
/// on the order, and the attributed uses are sorted at the end, so neither does the result.
extension UsageAttribution {
    /// One thread per core, at most eight.
    public static var defaultWorkers: Int { max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) }

    /// The usage report, and with `attributedUses` the uses per assignment and day as
    /// `Evaluator.attribute` gives them (sorted by assignment, day, then caller, action, scope and
    /// evidence in the order of the tables). `rows` is consumed (emptied). `buckets` (0: a default for the
    /// number of workers) is how many groups of callers the rows are cut into; tests vary it.
    public func report(_ rows: inout [UsageRecord], workers requested: Int = UsageAttribution.defaultWorkers, buckets: Int = 0,
                       attributedUses: Bool = false) -> (report: UsageReport, uses: UseAttributionResult?) {
        let workers = max(1, requested)
        let merged = attribute(&rows, workers: workers, buckets: buckets, emit: attributedUses)
        rows = []
        let report = UsageReport(assignments: assignmentUsages(merged, workers: workers),
                                 windowFrom: records.windowFrom, windowTo: records.windowTo,
                                 unknownEvidenceUses: merged.unknownEvidenceUses, unattributedUses: merged.unattributedUses,
                                 unresolvedCallers: unresolvedCallers)
        guard attributedUses else { return (report, nil) }
        return (report, UseAttributionResult(uses: sortedUses(merged.emitted), unknownEvidenceUses: merged.unknownEvidenceUses,
                                             unattributedUses: merged.unattributedUses))
    }

    /// The uses per assignment and day alone (the recommender), as `report` gives them.
    public func attributedUses(_ rows: inout [UsageRecord], workers requested: Int = UsageAttribution.defaultWorkers) -> UseAttributionResult {
        let merged = attribute(&rows, workers: max(1, requested), buckets: 0, emit: true)
        rows = []
        return UseAttributionResult(uses: sortedUses(merged.emitted), unknownEvidenceUses: merged.unknownEvidenceUses,
                                    unattributedUses: merged.unattributedUses)
    }

    /// Cuts the rows into buckets of callers (every row of a caller in one bucket, so the rows of
    /// a group meet there), each sorted in place and attributed by whichever thread takes it; the
    /// threads' results are merged at the end.
    private func attribute(_ rows: inout [UsageRecord], workers: Int, buckets requested: Int, emit: Bool) -> UsageWorker {
        let callers = records.callers.count
        // Rows per caller slot (the last slot: callers the tables do not list), then consecutive
        // callers in buckets of about the same number of rows.
        func slot(_ r: UsageRecord) -> Int { r.caller >= 0 && Int(r.caller) < callers ? Int(r.caller) : callers }
        var perCaller = [Int](repeating: 0, count: callers + 1)
        for r in rows { perCaller[slot(r)] += 1 }
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

        let boxes = (0..<workers).map { _ in UsageWorkerBox(UsageWorker(self, emit: emit)) }
        rows.withUnsafeMutableBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            // In place, bucket by bucket (American flag sort): no second array of rows.
            var next = start
            for b in 0..<bucketCount {
                while next[b] < start[b + 1] {
                    let t = Int(bucketOf[slot(buf[next[b]])])
                    if t == b { next[b] += 1 } else { buf.swapAt(next[b], next[t]); next[t] += 1 }
                }
            }
            // Largest buckets first, for an even finish.
            let size = (0..<bucketCount).map { start[$0 + 1] - start[$0] }
            let order = (0..<bucketCount).filter { size[$0] > 0 }.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
            let shared = UsageRowsBuffer(base: base), counter = UsageBucketCounter(), start = start
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

        var result = UsageWorker(self, emit: false, empty: true)
        swap(&result, &boxes[0].state)
        for w in 1..<max(1, workers) {
            var other = UsageWorker(self, emit: false, empty: true)
            swap(&other, &boxes[w].state)
            for i in other.acc.indices where other.acc[i].touched { result.acc[i].merge(other.acc[i]) }
            result.unknownEvidenceUses += other.unknownEvidenceUses
            result.unattributedUses += other.unattributedUses
            result.emitted += other.emitted
        }
        return result
    }

    /// One bucket: sorted by group and day; each group attributed once.
    private func process(_ bucket: UnsafeMutableBufferPointer<UsageRecord>, _ w: inout UsageWorker) {
        var rows = bucket
        rows.sort { a, b in (a.caller, a.action, a.scope, a.evidence, a.day) < (b.caller, b.action, b.scope, b.evidence, b.day) }
        var k = 0
        let n = rows.count
        while k < n {
            let head = rows[k]
            var uses = head.uses, denied = head.denied, last = head.lastRaw
            var end = k + 1
            while end < n, rows[end].caller == head.caller, rows[end].action == head.action, rows[end].scope == head.scope,
                  rows[end].evidence == head.evidence {
                uses += rows[end].uses
                denied += rows[end].denied
                last = max(last, rows[end].lastRaw)
                end += 1
            }
            if uses > 0 {
                switch useTargets(caller: head.caller, action: head.action, scope: head.scope, evidence: head.evidence, &w.cache) {
                case .attributed: break
                case .unknownEvidence: w.unknownEvidenceUses += uses
                case .unattributed: w.unattributedUses += uses
                }
                let name = actionName[Int(head.action)], usedScope = scopeCanonical[Int(head.scope)]
                for i in w.cache.targets {
                    w.acc[i].touched = true
                    w.acc[i].actions.insert(name)
                    w.acc[i].scopes.insert(usedScope)
                    w.acc[i].uses += uses
                    w.acc[i].lastRaw = max(w.acc[i].lastRaw, last)
                }
                if w.emit, !w.cache.targets.isEmpty { emit(rows, k..<end, &w) }
            }
            if denied > 0 {
                deniedTargets(caller: head.caller, scope: head.scope, evidence: head.evidence, &w.cache)
                for i in w.cache.targets {
                    w.acc[i].touched = true
                    w.acc[i].denied += denied
                }
            }
            k = end
        }
    }

    /// The uses of one group, per day, for each of its targets.
    private func emit(_ rows: UnsafeMutableBufferPointer<UsageRecord>, _ group: Range<Int>, _ w: inout UsageWorker) {
        var k = group.lowerBound
        while k < group.upperBound {
            let day = rows[k].day
            var uses = 0, last = Int64.min
            while k < group.upperBound, rows[k].day == day {
                uses += rows[k].uses
                last = max(last, rows[k].lastRaw)
                k += 1
            }
            guard uses > 0 else { continue }
            let r = rows[k - 1]
            for t in w.cache.targets {
                w.emitted.append(EmittedUse(target: Int32(t), day: day, caller: r.caller, action: r.action, scope: r.scope,
                                            evidence: r.evidence, count: uses, lastRaw: last))
            }
        }
    }

    /// The emitted uses as `AttributedUse`s, by assignment id, day, then the row's table positions.
    private func sortedUses(_ emitted: [EmittedUse]) -> [AttributedUse] {
        let list = evaluator.snapshot.roleAssignments
        let targets = Set(emitted.map(\.target)).sorted { list[Int($0)].id < list[Int($1)].id }
        // Rank by assignment position (an array: looked up twice per comparison of the sort).
        var rank = [Int32](repeating: 0, count: list.count)
        for (r, t) in targets.enumerated() { rank[Int(t)] = Int32(r) }
        func key(_ e: EmittedUse) -> (Int32, Int32, Int32, Int32, Int32, Int32) {
            (rank[Int(e.target)], e.day, e.caller, e.action, e.scope, e.evidence)
        }
        return emitted.sorted { key($0) < key($1) }.map { e in
            let principal = e.caller >= 0 && Int(e.caller) < callerID.count ? callerID[Int(e.caller)] : nil
            return AttributedUse(assignment: list[Int(e.target)].id, principal: principal ?? "", action: names[Int(actionName[Int(e.action)])],
                                 scope: records.scopes[Int(e.scope)], day: Int(e.day), count: e.count,
                                 lastSeen: e.lastRaw == Int64.min ? nil : e.lastRaw, viaEvidence: e.evidence != UsageRecord.none)
        }
    }

    /// The report's rows, in the snapshot's order of assignments (by id, active first). The lowest
    /// common scopes are computed on another thread while the used actions are sorted here.
    private func assignmentUsages(_ merged: UsageWorker, workers: Int) -> [AssignmentUsage] {
        let list = evaluator.snapshot.roleAssignments
        let acc = merged.acc
        let common = CommonScopeSlots(count: list.count)
        let hierarchy = evaluator.hierarchy, scopes = records.scopes, scopeRank = self.scopeRank
        let commonScopes: @Sendable () -> Void = {
            let index = LowestCommonScopes(hierarchy)
            var nodes = [Int32?](repeating: nil, count: scopes.count)
            for i in acc.indices where acc[i].touched {
                let used = acc[i].scopes.sorted { scopeRank[Int($0)] < scopeRank[Int($1)] }.map { s -> Int32 in
                    if let n = nodes[Int(s)] { return n }
                    let n = index.node(scopes[Int(s)])
                    nodes[Int(s)] = n
                    return n
                }
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
                usedActions: used[i], uses: u?.uses ?? 0, lastUsed: u.flatMap { $0.lastRaw == Int64.min ? nil : $0.lastRaw },
                commonScope: common.values[i], deniedAttempts: u?.denied ?? 0))
        }
        out.sort { ($0.assignment, $0.state.rawValue) < ($1.assignment, $1.state.rawValue) }
        return out
    }
}

/// What one assignment was used for. Accumulations commute (set unions, sums, the latest time),
/// so the threads' partial results merge into the same totals in any order.
struct UsageAcc: Sendable {
    /// Ids into `UsageAttribution.names`.
    var actions = Set<Int32>()
    /// Canonical scope slots (one per scope key).
    var scopes = Set<Int32>()
    var uses = 0
    var lastRaw = Int64.min
    var denied = 0
    var touched = false

    mutating func merge(_ o: UsageAcc) {
        guard o.touched else { return }
        touched = true
        actions.formUnion(o.actions)
        scopes.formUnion(o.scopes)
        uses += o.uses
        denied += o.denied
        lastRaw = max(lastRaw, o.lastRaw)
    }
}

/// One attributed use per day and target, by position (`UsageAttribution.sortedUses` names them).
struct EmittedUse: Sendable {
    var target: Int32, day: Int32, caller: Int32, action: Int32, scope: Int32, evidence: Int32
    var count: Int
    var lastRaw: Int64
}

/// One thread's attribution state: its accumulators, counts, rule caches and emitted uses.
struct UsageWorker {
    var acc: [UsageAcc]
    var unknownEvidenceUses = 0, unattributedUses = 0
    var cache: UsageAttribution.Cache
    let emit: Bool
    var emitted: [EmittedUse] = []

    init(_ a: UsageAttribution, emit: Bool, empty: Bool = false) {
        acc = empty ? [] : Array(repeating: UsageAcc(), count: a.evaluator.snapshot.roleAssignments.count)
        cache = UsageAttribution.Cache(a, empty: empty)
        self.emit = emit
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
    let base: UnsafeMutablePointer<UsageRecord>
}

/// Hands out bucket numbers to the threads.
private final class UsageBucketCounter: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}

/// The lowest common scopes, written by the thread that computes them (one writer, read after it
/// signals).
private final class CommonScopeSlots: @unchecked Sendable {
    var values: [String?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}
