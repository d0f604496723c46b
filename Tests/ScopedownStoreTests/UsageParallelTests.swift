import Foundation
import ScopedownCore
import ScopedownImport
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

/// The usage report is the same on one thread and on several, however the callers are cut into
/// buckets, and the same as the single-pass algorithm it replaced (`ReferenceUsage`).
@Suite("Usage report on several threads")
struct UsageParallelTests {
    /// A seeded random tenant (`RandomTenant`) in a fresh store, with random Activity Log lines over
    /// it: callers by object id (in any case), unknown callers, evidence (known, re-dashed, unknown),
    /// scopes spelled in other cases (parents spelled differently), denied attempts, Started/Accepted
    /// operations that later fail or not, several days.
    static func store(seed: UInt64, db: TempDB) throws -> Store {
        let tenant = RandomTenant.make(seed: seed)
        let s = tenant.snapshot
        var rng = SeededGenerator(seed: seed &* 7919 &+ 1)
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func randomCase(_ text: String) -> String {
            String(text.map { chance(0.15) ? Character($0.isUppercase ? $0.lowercased() : $0.uppercased()) : $0 })
        }

        let store = try Store(path: db.path)
        _ = try store.write(UsageTenant.batch(.managementGroups) { b in
            b.managementGroups = s.managementGroups
            b.subscriptions = s.subscriptions
        })
        _ = try store.write(UsageTenant.batch(.roleDefinitions) { $0.roleDefinitions = s.roleDefinitions })
        _ = try store.write(UsageTenant.batch(.directory) { b in
            b.principals = s.principals
            b.memberships = s.memberships
        })
        _ = try store.write(UsageTenant.batch(.roleAssignments) { $0.roleAssignments = s.roleAssignments })
        _ = try store.write(UsageTenant.batch(.operations) { $0.operations = s.operations })

        var lines: [String] = []
        var corr = 0
        for _ in 0..<Int.random(in: 20...160, using: &rng) {
            let time = "2024-05-0\(Int.random(in: 1...4, using: &rng))T1\(Int.random(in: 0...9, using: &rng)):00:00Z"
            let action = chance(0.8) ? randomCase(pick(tenant.operations)) : "Microsoft.Compute/virtualMachines/write"
            let scope = chance(0.7) ? randomCase(pick(tenant.scopes).display) : pick(tenant.scopes).display
            var oid: String?, caller: String?
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: caller = "mallory@evil.example"
            case 1: oid = pick(tenant.principals).uppercased()
            case 2: break
            default: oid = pick(tenant.principals)
            }
            var evidence: String?
            if chance(0.2), !s.roleAssignments.isEmpty {
                let id = pick(s.roleAssignments).id
                evidence = chance(0.3) ? id.replacingOccurrences(of: "-", with: "") : id
            } else if chance(0.05) {
                evidence = "deadbeef-0000-0000-0000-000000000001"
            }
            switch Int.random(in: 0..<10, using: &rng) {
            case 0, 1:
                lines.append(UsageLines.line(time: time, action: action, scope: scope, status: "Failure", signature: "Failed.Forbidden",
                                             oid: oid, caller: caller, evidence: evidence))
            case 2:
                corr += 1
                let c = "corr-\(corr)"
                lines.append(UsageLines.line(time: time, action: action, scope: scope, status: "Started", signature: "Started.",
                                             corr: c, oid: oid, caller: caller, evidence: evidence))
                if chance(0.5) {
                    lines.append(UsageLines.line(time: time, action: action, scope: scope, status: "Failure", signature: "Failed.Conflict",
                                                 corr: c, oid: oid, caller: caller, evidence: evidence))
                }
            default:
                lines.append(UsageLines.line(time: time, action: action, scope: scope, oid: oid, caller: caller, evidence: evidence))
            }
        }
        let url = db.dir.appendingPathComponent("PT1H.json")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        _ = try store.importActivityLog(InputFile(displayName: "PT1H.json", path: url.path),
                                        format: DetectedFormat(kind: .activityLog, shape: "diagnostic archive (JSON Lines)"),
                                        options: UsageImportOptions())
        return store
    }

    static func same(_ a: UsageReport, _ b: UsageReport) -> Bool {
        a.assignments == b.assignments && a.windowFrom == b.windowFrom && a.windowTo == b.windowTo
            && a.unknownEvidenceUses == b.unknownEvidenceUses && a.unattributedUses == b.unattributedUses
            && a.unresolvedCallers == b.unresolvedCallers
    }

    @Test("random tenants: one thread, several threads and buckets, and the single-pass algorithm agree")
    func randomTenants() throws {
        var used = 0, denied = 0, multiScope = 0, unattributed = 0
        for seed in 1...UInt64(RandomCases.count(default: 8)) {
            let db = TempDB()
            defer { db.cleanup() }
            let store = try Self.store(seed: seed, db: db)
            for options in [EvaluationOptions(), EvaluationOptions(includeEligible: true)] {
                let reference = try ReferenceUsage.report(store, options: options)
                let one = try store.usageReport(options: options, workers: 1, buckets: 1)
                #expect(Self.same(one, reference), "seed \(seed): one thread differs from the reference")
                #expect(try reference.assignments.count == store.loadSnapshot().roleAssignments.count)
                for (workers, buckets) in [(2, 0), (3, 5), (4, 1), (2, 64)] {
                    let many = try store.usageReport(options: options, workers: workers, buckets: buckets)
                    #expect(Self.same(many, reference), "seed \(seed): \(workers) threads, \(buckets) buckets differ")
                }
                #expect(Self.same(try store.usageReport(options: options), reference))
                used += reference.assignments.filter { $0.uses > 0 }.count
                denied += reference.assignments.filter { $0.deniedAttempts > 0 }.count
                multiScope += reference.assignments.filter { a in a.commonScope.map { $0 != a.scope } ?? false }.count
                unattributed += reference.unattributedUses
            }
        }
        // The cases exercise every rule.
        #expect(used > 0 && denied > 0 && multiScope > 0 && unattributed > 0, "\(used) \(denied) \(multiScope) \(unattributed)")
    }

    @Test("inside an open transaction the rows are read on the store's own connection (uncommitted rows count)")
    func inTransaction() throws {
        let db = TempDB()
        defer { db.cleanup() }
        let store = try Self.store(seed: 3, db: db)
        let before = try store.usageReport()
        #expect(before.assignments.contains { $0.uses > 0 })
        try store.connection.execute("BEGIN")
        try store.connection.execute("DELETE FROM usage")
        let inside = try store.usageReport(options: EvaluationOptions(), workers: 2)
        let reference = try ReferenceUsage.report(store, options: EvaluationOptions())
        try store.connection.execute("ROLLBACK")
        #expect(Self.same(inside, reference))
        #expect(!Self.same(inside, before))
        #expect(Self.same(try store.usageReport(), before))
    }

    @Test("dense and sparse table ids map to the same slots")
    func denseIDs() {
        let dense = DenseIDs([1, 2, 3, 7])
        #expect(dense.slot(7) == 3 && dense.slot(1) == 0 && dense.slot(4) == nil && dense.slot(-1) == nil && dense.slot(99) == nil)
        let sparse = DenseIDs([5, Int.max, -3])
        #expect(sparse.slot(Int.max) == 1 && sparse.slot(-3) == 2 && sparse.slot(5) == 0 && sparse.slot(6) == nil)
        #expect(DenseIDs([]).slot(0) == nil)
    }
}

/// The single-pass attribution `Store.usageReport` replaced (one thread, caches by string), kept
/// as the reference it must agree with.
enum ReferenceUsage {
    static func report(_ store: Store, options: EvaluationOptions) throws -> UsageReport {
        let db = store.connection
        let snapshot = try store.loadSnapshot()
        let evaluator = Evaluator(snapshot: snapshot, options: options)
        let hierarchy = ScopeHierarchy(managementGroups: snapshot.managementGroups, subscriptions: snapshot.subscriptions)

        var principals: [Int: (key: String, resolved: String?)] = [:]
        try db.query("SELECT id, key, resolved_id FROM usage_principals") { principals[$0.int(0)] = ($0.string(1), $0.optionalString(2)) }
        var actions: [Int: (key: String, display: String)] = [:]
        try db.query("SELECT id, key, display FROM usage_actions") { actions[$0.int(0)] = ($0.string(1), $0.string(2)) }
        var scopes: [Int: Scope] = [:]
        try db.query("SELECT id, display FROM usage_scopes") { scopes[$0.int(0)] = Scope($0.string(1)) }
        var evidence: [Int: String] = [:]
        try db.query("SELECT id, key FROM usage_assignments") { evidence[$0.int(0)] = $0.string(1) }

        var byUPN: [String: String] = [:]
        var names: [String: String] = [:]
        for p in snapshot.principals {
            if let upn = p.userPrincipalName?.lowercased(), byUPN[upn] == nil || p.id < byUPN[upn] ?? "" { byUPN[upn] = p.id }
            names[p.id] = p.displayName
        }
        var catalogName: [String: String] = [:]
        for op in snapshot.operations where !op.isDataAction { catalogName[op.key] = catalogName[op.key] ?? op.name }
        var roleNames: [String: String] = [:]
        for r in snapshot.roleDefinitions { roleNames[r.id] = r.roleName }
        var assignmentIndex: [String: Int] = [:]
        for (i, a) in snapshot.roleAssignments.enumerated() { assignmentIndex[a.id] = i }
        var memberOf: [String: [String]] = [:]
        for m in snapshot.memberships { memberOf[m.memberID, default: []].append(m.groupID) }
        var assignmentsOf: [String: [Int]] = [:]
        for (i, a) in snapshot.roleAssignments.enumerated() where a.state == .active || options.includeEligible {
            assignmentsOf[a.principalID, default: []].append(i)
        }
        func identities(_ p: String) -> [String] {
            var seen: Set<String> = [p]
            var queue = [p]
            while let x = queue.popLast() {
                for g in memberOf[x] ?? [] where seen.insert(g).inserted { queue.append(g) }
            }
            return seen.sorted()
        }
        struct Acc {
            var actions = Set<String>()
            var scopes = Set<Scope>()
            var uses = 0
            var last: Int64?
            var denied = 0
        }
        var acc: [Int: Acc] = [:]
        var unknownEvidenceUses = 0, unattributedUses = 0
        var queries: [Int: OperationQuery] = [:]
        let canonical = snapshot.roleAssignments.map { assignmentIndex[$0.id] }

        // Grouped over days, in (principal, action, scope, assignment) order.
        struct Tuple: Hashable, Comparable {
            var principal: Int, action: Int, scope: Int, assignment: Int
            static func < (a: Tuple, b: Tuple) -> Bool {
                (a.principal, a.action, a.scope, a.assignment) < (b.principal, b.action, b.scope, b.assignment)
            }
        }
        var totals: [Tuple: (uses: Int, denied: Int, last: Int64?)] = [:]
        for r in try store.effectiveUsage() {
            let t = Tuple(principal: r.principal, action: r.action, scope: r.scope, assignment: r.assignment)
            var v = totals[t] ?? (0, 0, nil)
            v.uses += r.uses
            v.denied += r.denied
            if let l = r.lastSeen, v.last.map({ l > $0 }) ?? true { v.last = l }
            totals[t] = v
        }
        for tuple in totals.keys.sorted() {
            guard let total = totals[tuple] else { continue }
            let uses = total.uses, denied = total.denied, last = total.last
            guard let action = actions[tuple.action], let scope = scopes[tuple.scope] else { continue }
            let p = principals[tuple.principal]
            let principal: String? = p?.resolved ?? p.flatMap { byUPN[$0.key] }
            let actionName = catalogName[action.key] ?? action.display
            var targets: [Int] = []
            let evidenceID = tuple.assignment
            if evidenceID != 0 {
                if let key = evidence[evidenceID], let i = assignmentIndex[key] { targets = [i] } else { unknownEvidenceUses += uses }
            } else if uses > 0, let principal {
                let found = evaluator.grantingAssignmentIndices(
                    identities: evaluator.identityKeys(of: principal), ancestors: evaluator.ancestorIDs(of: scope),
                    query: &queries[tuple.action, default: evaluator.lazyQuery(operation: action.key, plane: .control)])
                targets = Array(Set(found.compactMap { canonical[$0] })).sorted()
                if targets.isEmpty { unattributedUses += uses }
            } else if uses > 0 {
                unattributedUses += uses
            }
            if uses > 0 {
                for i in targets {
                    acc[i, default: Acc()].actions.insert(actionName)
                    acc[i, default: Acc()].scopes.insert(scope)
                    acc[i, default: Acc()].uses += uses
                    if let last, acc[i, default: Acc()].last.map({ last > $0 }) ?? true { acc[i, default: Acc()].last = last }
                }
            }
            if denied > 0 {
                var deniedTargets: [Int] = []
                if evidenceID != 0, let key = evidence[evidenceID], let i = assignmentIndex[key] {
                    deniedTargets = [i]
                } else if let principal {
                    let ancestors = Set(hierarchy.ancestors(of: scope).map(\.key))
                    for id in identities(principal) {
                        for i in assignmentsOf[id] ?? [] where ancestors.contains(snapshot.roleAssignments[i].scope.key) {
                            deniedTargets.append(i)
                        }
                    }
                }
                for i in Set(deniedTargets) { acc[i, default: Acc()].denied += denied }
            }
        }

        var out: [AssignmentUsage] = []
        for (i, a) in snapshot.roleAssignments.enumerated() {
            let u = acc[i]
            out.append(AssignmentUsage(
                assignment: a.id, principal: a.principalID, principalName: names[a.principalID],
                role: roleNames[a.roleDefinitionID] ?? a.roleDefinitionID, scope: a.scope.display, state: a.state,
                usedActions: (u?.actions ?? []).map { ($0.lowercased(), $0) }.sorted { $0 < $1 }.map(\.1),
                uses: u?.uses ?? 0, lastUsed: u?.last,
                commonScope: u.flatMap { hierarchy.lowestCommonScope(Array($0.scopes))?.display },
                deniedAttempts: u?.denied ?? 0))
        }
        out.sort { ($0.assignment, $0.state.rawValue) < ($1.assignment, $1.state.rawValue) }
        var from: Int64?, to: Int64?
        try db.query("SELECT MIN(window_from), MAX(window_to) FROM usage_imports") { row in
            from = row.isNull(0) ? nil : row.int64(0)
            to = row.isNull(1) ? nil : row.int64(1)
        }
        let unresolved = try db.scalarInt("SELECT COUNT(*) FROM usage_principals WHERE resolved_id IS NULL AND key <> ''") ?? 0
        return UsageReport(assignments: out, windowFrom: from, windowTo: to, unknownEvidenceUses: unknownEvidenceUses,
                           unattributedUses: unattributedUses, unresolvedCallers: unresolved)
    }
}
