import ScopedownCore

/// SD008: subscriptions placed directly under the tenant root group.
struct SubscriptionUnderRootRule: Rule {
    let description = RuleDescription(
        id: "SD008", kind: "subscription-under-root", severity: .low,
        summary: "Subscriptions directly under the tenant root group.",
        rationale: "Security roadmap step 1: organize subscriptions in management groups so that policy and access are set once per kind of workload. A subscription under the root gets only what is assigned at the root, and usually escapes the guardrails of the landing zones.",
        remediation: "Move the subscription under the management group of its workload (`az account management-group subscription add`).",
        triggering: [
            RuleExample("""
            sub legacy
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            mg corp
            sub prod mg=corp
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        guard let root = c.tenantRootGroup else { return [] }
        return c.snapshot.subscriptions.filter { $0.managementGroupID == root.id }.map { s in
            description.finding(
                scope: s.scope.display,
                message: "subscription `\(s.displayName)` (\(s.id)) is directly under the tenant root group `\(root.displayName)`",
                evidence: ["parent management group: `\(root.name)` (the tenant root group)"])
        }
    }
}
