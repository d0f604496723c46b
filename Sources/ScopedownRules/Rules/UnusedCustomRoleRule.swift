import ScopedownCore

/// SD015: custom roles nobody holds.
struct UnusedCustomRoleRule: Rule {
    let description = RuleDescription(
        id: "SD015", kind: "unused-custom-role", severity: .low,
        summary: "Custom roles with no assignment (active or PIM-eligible).",
        rationale: "Unassigned custom roles are dead weight that still needs reviewing, count toward the 5,000 limit, and can be assigned in a hurry without anyone re-reading what they grant.",
        remediation: "Delete the role (`az role definition delete --name <id>`) or document why it is kept.",
        triggering: [
            RuleExample("""
            role Orphan custom actions=Microsoft.Compute/virtualMachines/read
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            role Used custom actions=Microsoft.Compute/virtualMachines/read
            sub prod
            user a
            assign a1 a Used sub:prod eligible
            """),
            RuleExample("""
            # built-in roles are not judged
            sub prod
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        let assigned = Set(c.snapshot.roleAssignments.map(\.roleDefinitionID))
        return c.snapshot.roleDefinitions.filter { $0.isCustom && !assigned.contains($0.id) }.map { r in
            description.finding(
                role: r.roleName,
                message: "custom role `\(r.roleName)` (\(r.id)) has no assignment",
                evidence: ["assignable at: " + r.assignableScopes.map { "`\($0.display)`" }.joined(separator: ", ")])
        }
    }
}
