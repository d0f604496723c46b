// `scopedown usage`: per role assignment, what it was used for (issue 4 item 8).
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
import ScopedownCore
import ScopedownImport
import ScopedownSQLite

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
    /// Builds the usage report over the whole database.
    public func usageReport(options: EvaluationOptions = EvaluationOptions()) throws -> UsageReport {
        let snapshot = try loadSnapshot()
        let evaluator = Evaluator(snapshot: snapshot, options: options)
        let hierarchy = ScopeHierarchy(managementGroups: snapshot.managementGroups, subscriptions: snapshot.subscriptions)
        let ancestry = UsageAncestry(hierarchy)

        // lookup tables
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

        // group closure for denied-attempt attribution (REFERENCE.md §2.8)
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
        // Per assignment, mutated in place (no copy-on-write of its sets per tuple).
        var acc = [Acc](repeating: Acc(), count: snapshot.roleAssignments.count)
        var touched = [Bool](repeating: false, count: snapshot.roleAssignments.count)
        var unknownEvidenceUses = 0, unattributedUses = 0
        // Attribution caches, per usage table id: each distinct action is matched against the
        // roles once (lazily), each caller's group closure and each scope's ancestor chain is
        // computed once. `canonical` maps an assignment index to the index its id resolves to.
        var queries: [Int: OperationQuery] = [:]
        var identityCache: [String: [String]] = [:]
        var ancestorCache: [Int: [Int32]] = [:]
        let canonical = snapshot.roleAssignments.map { assignmentIndex[$0.id] }

        // The effective usage (confirmed rows plus tentative rows of operations that did not fail),
        // grouped over days.
        struct Tuple: Hashable, Comparable {
            var principal: Int, action: Int, scope: Int, assignment: Int
            static func < (a: Tuple, b: Tuple) -> Bool {
                (a.principal, a.action, a.scope, a.assignment) < (b.principal, b.action, b.scope, b.assignment)
            }
        }
        struct Totals { var uses = 0, denied = 0; var last: Int64? }
        // Every row (usage, then pending), sorted by tuple, then each run of equal tuples summed:
        // no hashing of a million keys (sums and the latest time do not depend on the order).
        struct Row { var tuple: Tuple; var totals: Totals }
        var rows: [Row] = []
        for r in try effectiveUsage() {
            rows.append(Row(tuple: Tuple(principal: r.principal, action: r.action, scope: r.scope, assignment: r.assignment),
                            totals: Totals(uses: r.uses, denied: r.denied, last: r.lastSeen)))
        }
        rows.sort { $0.tuple < $1.tuple }
        var merged: [Row] = []
        merged.reserveCapacity(rows.count)
        for row in rows {
            if let n = merged.indices.last, merged[n].tuple == row.tuple {
                merged[n].totals.uses += row.totals.uses
                merged[n].totals.denied += row.totals.denied
                if let last = row.totals.last, merged[n].totals.last.map({ last > $0 }) ?? true { merged[n].totals.last = last }
            } else {
                merged.append(row)
            }
        }
        rows = []
        for row in merged {
            let tuple = row.tuple, total = row.totals
            let uses = total.uses, denied = total.denied
            let last = total.last
            guard let action = actions[tuple.action], let scope = scopes[tuple.scope] else { continue }
            let p = principals[tuple.principal]
            let principal: String? = p?.resolved ?? p.flatMap { byUPN[$0.key] }
            let actionName = catalogName[action.key] ?? action.display

            var targets: [Int] = []
            let evidenceID = tuple.assignment
            if evidenceID != 0 {
                if let key = evidence[evidenceID], let i = assignmentIndex[key] { targets = [i] } else { unknownEvidenceUses += uses }
            } else if uses > 0, let principal {
                let ids: [String]
                if let hit = identityCache[principal] { ids = hit } else {
                    ids = evaluator.identityKeys(of: principal)
                    identityCache[principal] = ids
                }
                let ancestors: [Int32]
                if let hit = ancestorCache[tuple.scope] { ancestors = hit } else {
                    ancestors = evaluator.ancestorIDs(of: scope)
                    ancestorCache[tuple.scope] = ancestors
                }
                // Same set as Evaluator.grantingAssignments (active, or eligible when included).
                let found = evaluator.grantingAssignmentIndices(
                    identities: ids, ancestors: ancestors,
                    query: &queries[tuple.action, default: evaluator.lazyQuery(operation: action.key, plane: .control)])
                targets = Array(Set(found.compactMap { canonical[$0] })).sorted()
                if targets.isEmpty { unattributedUses += uses }
            } else if uses > 0 {
                unattributedUses += uses
            }
            if uses > 0 {
                for i in targets {
                    touched[i] = true
                    acc[i].actions.insert(actionName)
                    acc[i].scopes.insert(scope)
                    acc[i].uses += uses
                    if let last, acc[i].last.map({ last > $0 }) ?? true { acc[i].last = last }
                }
            }
            if denied > 0 {
                var deniedTargets: [Int] = []
                if evidenceID != 0, let key = evidence[evidenceID], let i = assignmentIndex[key] {
                    deniedTargets = [i]
                } else if let principal {
                    let ancestors = ancestry.keys(scope)
                    for id in identities(principal) {
                        for i in assignmentsOf[id] ?? [] where ancestors.contains(snapshot.roleAssignments[i].scope.key) {
                            deniedTargets.append(i)
                        }
                    }
                }
                for i in Set(deniedTargets) {
                    touched[i] = true
                    acc[i].denied += denied
                }
            }
        }

        var out: [AssignmentUsage] = []
        for (i, a) in snapshot.roleAssignments.enumerated() {
            let u = touched[i] ? acc[i] : nil
            out.append(AssignmentUsage(
                assignment: a.id, principal: a.principalID, principalName: names[a.principalID],
                role: roleNames[a.roleDefinitionID] ?? a.roleDefinitionID, scope: a.scope.display, state: a.state,
                // Case-insensitive, then by spelling: each name lower-cased once.
                usedActions: (u?.actions ?? []).map { ($0.lowercased(), $0) }.sorted { $0 < $1 }.map(\.1),
                uses: u?.uses ?? 0, lastUsed: u?.last,
                commonScope: u.flatMap { Self.lowestCommonScope(Array($0.scopes), ancestry)?.display },
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

    /// By display spelling: the chain of a scope is a function of its spelling alone.
    private var spelled: [String: [Scope]] = [:]

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
