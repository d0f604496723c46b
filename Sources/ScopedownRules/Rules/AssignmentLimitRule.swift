import ScopedownCore

/// SD017: subscriptions and management groups near their role-assignment limits.
struct AssignmentLimitRule: Rule {
    let description = RuleDescription(
        id: "SD017", kind: "assignment-limit", severity: .medium,
        summary: "A subscription near 4,000 role assignments (`subscriptionAssignmentWarning`, counting its resource groups and resources) or a management group near 500 (`managementGroupAssignmentWarning`).",
        rationale: "The limits are fixed (REFERENCE.md §4.1): at the limit new assignments fail, typically in a deployment pipeline. Usually a sign of per-user assignments that should be group assignments.",
        remediation: "Replace per-user assignments with group assignments and remove redundant and unused ones (`redundant-assignment`, `unused-assignment`).",
        triggering: [
            RuleExample("""
            config subscriptionAssignmentWarning=2
            sub prod
            user a
            user b
            assign a1 a Reader sub:prod
            assign a2 b Reader sub:prod/rg:app
            expect count=1 scope=sub:prod
            """),
            RuleExample("""
            config managementGroupAssignmentWarning=1
            mg corp
            user a
            assign a1 a Reader mg:corp
            expect count=1 scope=mg:corp
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user a
            assign a1 a Reader sub:prod
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var perSub: [String: Int] = [:], perMG: [String: (Scope, Int)] = [:]
        for a in c.snapshot.roleAssignments where a.state == .active {
            if let s = a.scope.subscriptionID { perSub[s, default: 0] += 1 }
            if a.scope.level == .managementGroup { perMG[a.scope.key, default: (a.scope, 0)].1 += 1 }
        }
        var names: [String: String] = [:]
        for s in c.snapshot.subscriptions { names[s.id] = s.displayName }
        var out: [Finding] = []
        for (s, n) in perSub.sorted(by: { $0.key < $1.key }) where n >= c.config.subscriptionAssignmentWarning {
            out.append(description.finding(
                scope: "/subscriptions/\(s)",
                message: "subscription `\(names[s] ?? s)` has \(n) role assignments; the limit is 4,000 (warning at \(c.config.subscriptionAssignmentWarning))",
                evidence: ["active assignments at the subscription, its resource groups and resources: \(n)"]))
        }
        for (_, v) in perMG.sorted(by: { $0.key < $1.key }) where v.1 >= c.config.managementGroupAssignmentWarning {
            out.append(description.finding(
                scope: v.0.display,
                message: "\(c.scopeLabel(v.0)) has \(v.1) role assignments; the limit is 500 (warning at \(c.config.managementGroupAssignmentWarning))",
                evidence: ["active assignments at the management group itself: \(v.1)"]))
        }
        return out
    }
}
