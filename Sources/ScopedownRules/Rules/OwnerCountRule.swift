import ScopedownCore

/// SD007: subscriptions with too many or too few effective owners.
struct OwnerCountRule: Rule {
    let description = RuleDescription(
        id: "SD007", kind: "owner-count", severity: .medium,
        summary: "Subscriptions with more than `maxOwners` (3) or fewer than `minOwners` (2) effective owners: principals holding full control and role-assignment write there, through groups and inheritance.",
        rationale: "CIS Azure and Defender for Cloud: a subscription needs at least two owners (no single point of failure) and at most three (each is a way to take it over). Counted by effective permissions, so a group's members, inherited management-group owners and Owner-equivalent custom roles count, and deny assignments apply.",
        remediation: "Remove standing owners (make them PIM-eligible) or add a second named owner; prefer one owners group per subscription.",
        triggering: [
            RuleExample("""
            mg corp
            sub prod mg=corp
            user a
            user b
            group admins members=c,d
            user c
            user d
            assign r1 a Owner sub:prod
            assign r2 b Owner mg:corp
            assign r3 admins Owner sub:prod
            expect count=1
            """),
            RuleExample("""
            sub lonely
            user a
            assign r1 a Owner sub:lonely
            expect count=1 scope=sub:lonely
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user a
            user b
            user c
            assign r1 a Owner sub:prod
            assign r2 b Owner sub:prod
            assign r3 c Contributor sub:prod
            """),
            RuleExample("""
            config minOwners=1
            sub prod
            user a
            assign r1 a Owner sub:prod
            """),
            RuleExample("""
            # no role assignments imported: nothing to count
            sub prod
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        // Without imported role assignments there is nothing to count.
        guard !c.snapshot.roleAssignments.isEmpty else { return [] }
        var out: [Finding] = []
        let e = c.evaluator
        var groups = MembershipCache()
        var full = e.decisionQuery(operation: RuleContext.fullControlProbe, plane: .control)
        var rbac = e.decisionQuery(operation: RuleContext.roleAssignmentsWrite, plane: .control)
        // A decision at a scope reads the principal's assignments on its chain and the deny
        // assignments there (REFERENCE.md §2.1, §2.7): two subscriptions whose chains agree on those
        // levels get the same decision, so management-group owners are decided once, not once per
        // subscription below them.
        var levels: [String: Set<String>] = [:], writers: [String: [(id: String, type: String)]] = [:]
        for i in c.countingAssignments {
            let a = c.snapshot.roleAssignments[i]
            levels[a.principalID, default: []].insert(a.scope.key)
            if c.privilege[i].roleAssignmentsWrite != .no { writers[a.scope.key, default: []].append((a.principalID, a.principalType)) }
        }
        let denyLevels = Set(c.snapshot.denyAssignments.map(\.scope.key))
        var reach: [String: Set<String>] = [:]
        func levelsOf(_ p: String) -> Set<String> {
            if let hit = reach[p] { return hit }
            var l = Set<String>()
            for id in e.groups.closure(of: p) { l.formUnion(levels[id] ?? []) }
            reach[p] = l
            return l
        }
        var membersAt: [String: Set<String>] = [:]
        var decided: [String: AccessDecision?] = [:]
        for s in c.snapshot.subscriptions.sorted(by: { $0.id < $1.id }) {
            let chain = e.ancestorIDs(of: s.scope)
            let keys = e.hierarchy.ancestors(of: s.scope).map(\.key)
            // Candidates: the holders of role-assignment write on the chain and their groups' members
            // (who-can's candidates); owners are the non-groups that hold it and full control, both
            // unconditionally.
            var candidates = Set<String>()
            var assignmentKind: [String: PrincipalKind] = [:]
            for k in keys {
                guard let w = writers[k] else { continue }
                for h in w where assignmentKind[h.id] == nil { assignmentKind[h.id] = PrincipalKind.from(h.type) }
                let m = membersAt[k] ?? e.groups.withMembers(of: Set(w.map(\.id)))
                membersAt[k] = m
                candidates.formUnion(m)
            }
            var owners: [(id: String, decision: AccessDecision)] = []
            for id in candidates.sorted() {
                if e.kind(of: id, assignmentKind: assignmentKind[id]) == .group { continue }
                let mine = levelsOf(id)
                let key = id + keys.map { mine.contains($0) || denyLevels.contains($0) ? "|" + $0 : "|" }.joined()
                let d: AccessDecision? = decided[key] ?? {
                    let r = e.decide(principal: id, scope: s.scope, ancestors: chain, query: &rbac, cache: &groups)
                    guard r.outcome == .allowed, !r.conditional else { return nil }
                    let f = e.decide(principal: id, scope: s.scope, ancestors: chain, query: &full, cache: &groups)
                    return f.outcome == .allowed && !f.conditional ? f : nil
                }()
                decided[key] = d
                if let d { owners.append((id, d)) }
            }
            guard owners.count > c.config.maxOwners || owners.count < c.config.minOwners else { continue }
            let tooMany = owners.count > c.config.maxOwners
            let evidence = owners.map { h -> String in
                let paths = Set(h.decision.grants.map { g in
                    "`\(g.path.roleName)` at `\(g.path.scope)`" + (g.path.via.isEmpty ? "" : " via " + g.path.via.map { "`\(c.evaluator.principal($0)?.displayName ?? $0)`" }.joined(separator: " > "))
                }).sorted()
                return "owner \(c.principalLabel(h.id)): " + paths.joined(separator: "; ")
            }
            out.append(description.finding(
                scope: s.scope.display,
                message: "subscription `\(s.displayName)` has \(owners.count) effective owner(s), " + (tooMany ? "more than \(c.config.maxOwners)" : "fewer than \(c.config.minOwners)"),
                evidence: evidence.isEmpty ? ["no principal holds full control and role-assignment write there"] : evidence))
        }
        return out
    }
}
