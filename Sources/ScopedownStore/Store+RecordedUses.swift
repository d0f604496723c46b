import ScopedownCore
import ScopedownSQLite

/// The recorded uses as Core values (`RecordedUse`), for the recommender: the effective usage rows
/// per (caller, action, scope, day, evidence), days kept, with the lookup tables resolved the way
/// the usage report resolves them (caller: resolved id, else the directory user with that UPN;
/// action: catalog spelling, else as logged). Attribution is `Evaluator.attribute`.
public struct RecordedUsage: Sendable {
    public var uses: [RecordedUse]
    /// The earliest and latest event time of the imported Activity Log, seconds since the epoch.
    public var windowFrom: Int64?
    public var windowTo: Int64?
}

extension Store {
    public func recordedUsage(snapshot: AuthorizationSnapshot) throws -> RecordedUsage {
        var byUPN: [String: String] = [:]
        for p in snapshot.principals {
            if let upn = p.userPrincipalName?.lowercased(), byUPN[upn] == nil || p.id < byUPN[upn] ?? "" { byUPN[upn] = p.id }
        }
        var catalogName: [String: String] = [:]
        for op in snapshot.operations where !op.isDataAction { catalogName[op.key] = catalogName[op.key] ?? op.name }

        var callers: [Int: String] = [:], actions: [Int: String] = [:], scopes: [Int: Scope] = [:], evidence: [Int: String] = [:]
        try db.query("SELECT id, key, resolved_id FROM usage_principals") { r in
            if let id = r.optionalString(2) ?? byUPN[r.string(1)] { callers[r.int(0)] = id }
        }
        try db.query("SELECT id, key, display FROM usage_actions") { r in actions[r.int(0)] = catalogName[r.string(1)] ?? r.string(2) }
        try db.query("SELECT id, display FROM usage_scopes") { r in scopes[r.int(0)] = Scope(r.string(1)) }
        try db.query("SELECT id, key FROM usage_assignments") { r in evidence[r.int(0)] = r.string(1) }

        var uses: [RecordedUse] = []
        for row in try effectiveUsage() where row.uses > 0 {
            guard let action = actions[row.action], let scope = scopes[row.scope] else { continue }
            uses.append(RecordedUse(caller: callers[row.principal], action: action, scope: scope, day: row.day,
                                    evidence: row.assignment == 0 ? nil : evidence[row.assignment] ?? "unknown:\(row.assignment)",
                                    count: row.uses, lastSeen: row.lastSeen))
        }
        var from: Int64?, to: Int64?
        try db.query("SELECT MIN(window_from), MAX(window_to) FROM usage_imports") { row in
            from = row.isNull(0) ? nil : row.int64(0)
            to = row.isNull(1) ? nil : row.int64(1)
        }
        return RecordedUsage(uses: uses, windowFrom: from, windowTo: to)
    }
}
