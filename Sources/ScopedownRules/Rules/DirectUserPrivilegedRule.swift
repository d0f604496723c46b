import ScopedownCore

/// SD012: privileged roles assigned directly to users (standing, not through a group or PIM).
struct DirectUserPrivilegedRule: Rule {
    let description = RuleDescription(
        id: "SD012", kind: "direct-user-privileged", severity: .medium,
        summary: "Privileged roles (full control, role-assignment or role-definition write) assigned directly and permanently to users instead of groups or PIM.",
        rationale: "Direct, standing privileged assignments are hard to review and are never switched off; groups make membership reviewable and PIM makes the privilege time-bound and audited.",
        remediation: "Assign the role to a group (reviewed with access reviews) or make the assignment PIM-eligible; keep break-glass accounts as documented exceptions (add them to a baseline).",
        triggering: [
            RuleExample("""
            sub prod
            user grace
            assign a1 grace Owner sub:prod
            expect count=1 principal=grace
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            group admins
            assign a1 admins Owner sub:prod
            """),
            RuleExample("""
            sub prod
            user nina
            assign a1 nina Owner sub:prod eligible
            """),
            RuleExample("""
            sub prod
            sp deployer
            assign a1 deployer Owner sub:prod
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for (i, a) in c.snapshot.roleAssignments.enumerated() where a.state == .active && c.privilege[i].isPrivileged {
            guard c.evaluator.kind(of: a.principalID, assignmentKind: PrincipalKind.from(a.principalType)) == .user else { continue }
            let evidence = c.privilegeEvidence(i)
            if evidence.isEmpty { continue }
            let role = c.roleName(a.roleDefinitionID)
            out.append(description.finding(
                principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                message: "`\(role)` is assigned directly and permanently to user \(c.principalLabel(a.principalID)) at \(c.scopeLabel(a.scope))",
                evidence: evidence))
        }
        return out
    }
}
