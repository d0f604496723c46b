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
        for s in c.snapshot.subscriptions.sorted(by: { $0.id < $1.id }) {
            // Owners hold both unconditionally: the holders of role-assignment write (who-can),
            // then full control decided for each of them (the same decision who-can would make).
            let rbac = e.whoCan(operation: RuleContext.roleAssignmentsWrite, scope: s.scope, plane: .control, cache: &groups)
            let chain = e.ancestorIDs(of: s.scope)
            let owners = rbac.principals.filter { !$0.decision.conditional }.compactMap { h -> (id: String, decision: AccessDecision)? in
                let d = e.decide(principal: h.id, scope: s.scope, ancestors: chain, query: &full, cache: &groups)
                return d.outcome == .allowed && !d.conditional ? (h.id, d) : nil
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
