import Dispatch
import ScopedownCore
import ScopedownSQLite

/// The recorded usage as Core values (`UsageRecords`, `UsageRecord`): the lookup tables in id
/// order and the effective usage rows (confirmed rows plus tentative uses of operations that did
/// not fail, `forEachUsageRow`), not summed. Attribution is Core's (`UsageAttribution`).
extension Store {
    /// The lookup tables and the rows, read on this connection.
    public func usageRecords() throws -> (records: UsageRecords, rows: [UsageRecord]) {
        try reading {
            let (records, ids) = try Store.readUsageTables(db)
            return (records, try Store.readUsageRows(self, ids))
        }
    }

    /// What the usage report needs, read in parallel: the rows (and the lookup tables) on a
    /// second connection while this one loads the evaluation snapshot and builds the evaluator;
    /// `prepare` then runs here on the evaluator and the tables while the rows are still being
    /// read. Not when this connection has uncommitted writes (the other would not see them), nor
    /// with `parallel` false; on any failure there, everything is read here.
    public func usageInputs<T>(options: EvaluationOptions, parallel: Bool = true,
                               prepare: (Evaluator, UsageRecords) throws -> T) throws -> (prepared: T, rows: [UsageRecord]) {
        try reading {
            let box = UsageReadBox(), tablesRead = DispatchSemaphore(value: 0), rowsRead = DispatchSemaphore(value: 0)
            let background = parallel && !db.hasUncommittedWrites
            if background {
                let path = self.path
                DispatchQueue.global().async {
                    do {
                        let other = try Store(path: path, create: false)
                        let (records, ids) = try Store.readUsageTables(other.db)
                        box.tables = .success(records)
                        tablesRead.signal()
                        box.rows = Result { try Store.readUsageRows(other, ids) }
                    } catch {
                        if box.tables == nil { box.tables = .failure(error); tablesRead.signal() }
                        box.rows = .failure(error)
                    }
                    rowsRead.signal()
                }
            }
            let evaluator: Evaluator
            if db.hasUncommittedWrites {
                evaluator = Evaluator(snapshot: try loadSnapshot(), options: options)
            } else {
                let (s, preparation) = try loadEvaluationSnapshot(overlapping: { Evaluator.Preparation(snapshot: $0) })
                evaluator = Evaluator(snapshot: s, options: options, preparation: preparation)
            }
            var ids: UsageTableIDs?
            var records: UsageRecords
            if background {
                tablesRead.wait()
                if case .success(let r)? = box.tables { records = r } else { (records, ids) = try Store.readUsageTables(db) }
            } else {
                (records, ids) = try Store.readUsageTables(db)
            }
            let prepared = try prepare(evaluator, records)
            readHook?()
            var rows: [UsageRecord]
            if background { rowsRead.wait() }
            if background, case .success(let r)? = box.rows {
                rows = r
            } else {
                if ids == nil { (records, ids) = try Store.readUsageTables(db) }
                rows = try Store.readUsageRows(self, ids ?? UsageTableIDs())
            }
            return (prepared, rows)
        }
    }

    /// The lookup tables in id order, and each table's ids (to turn the rows' ids into positions).
    static func readUsageTables(_ db: Connection) throws -> (UsageRecords, UsageTableIDs) {
        var records = UsageRecords()
        var callers: [Int] = [], actions: [Int] = [], scopes: [Int] = [], evidence: [Int] = []
        try db.query("SELECT id, key, resolved_id FROM usage_principals ORDER BY id") { r in
            callers.append(r.int(0))
            records.callers.append(UsageRecords.Caller(key: r.string(1), resolvedID: r.optionalString(2)))
        }
        try db.query("SELECT id, key, display FROM usage_actions ORDER BY id") { r in
            actions.append(r.int(0))
            records.actions.append(UsageRecords.Action(key: r.string(1), display: r.string(2)))
        }
        try db.query("SELECT id, display FROM usage_scopes ORDER BY id") { r in
            scopes.append(r.int(0))
            records.scopes.append(Scope(r.string(1)))
        }
        try db.query("SELECT id, key FROM usage_assignments ORDER BY id") { r in
            evidence.append(r.int(0))
            records.evidence.append(r.string(1))
        }
        try db.query("SELECT MIN(window_from), MAX(window_to) FROM usage_imports") { row in
            records.windowFrom = row.isNull(0) ? nil : row.int64(0)
            records.windowTo = row.isNull(1) ? nil : row.int64(1)
        }
        return (records, UsageTableIDs(callers: DenseIDs(callers), actions: DenseIDs(actions), scopes: DenseIDs(scopes),
                                       evidence: DenseIDs(evidence)))
    }

    /// The effective usage rows with table positions for ids; rows whose action or scope is not
    /// in the tables are left out.
    static func readUsageRows(_ store: Store, _ ids: UsageTableIDs) throws -> [UsageRecord] {
        var rows: [UsageRecord] = []
        rows.reserveCapacity(try store.db.scalarInt("SELECT COUNT(*) FROM usage") ?? 0)
        try store.forEachUsageRow { r in
            guard let action = ids.actions.slot(r.action), let scope = ids.scopes.slot(r.scope) else { return }
            let evidence = r.assignment == 0 ? UsageRecord.none : ids.evidence.slot(r.assignment).map(Int32.init) ?? UsageRecord.missing
            rows.append(UsageRecord(caller: ids.callers.slot(r.principal).map(Int32.init) ?? UsageRecord.missing,
                                    action: Int32(action), scope: Int32(scope), evidence: evidence, day: Int32(clamping: r.day),
                                    uses: r.uses, denied: r.denied, last: r.lastSeen))
        }
        return rows
    }
}

/// The ids of the usage lookup tables, by position.
struct UsageTableIDs: Sendable {
    var callers = DenseIDs([]), actions = DenseIDs([]), scopes = DenseIDs([]), evidence = DenseIDs([])
}

/// What the other thread of `usageInputs` read.
private final class UsageReadBox: @unchecked Sendable {
    var tables: Result<UsageRecords, Error>?
    var rows: Result<[UsageRecord], Error>?
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
