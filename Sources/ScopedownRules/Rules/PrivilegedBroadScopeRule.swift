import ScopedownCore

/// SD001: full control or RBAC write held at a management group or `/` reaches every subscription below.
struct PrivilegedBroadScopeRule: Rule {
    let description = RuleDescription(
        id: "SD001", kind: "privileged-broad-scope", severity: .critical,
        summary: "Full control (`*`), role-assignment write or role-definition write held at a management group or the root.",
        rationale: "An assignment at a management group or `/` is inherited by every subscription, resource group and resource below it (REFERENCE.md §2.7); a compromise of its holder is a compromise of all of them. Judged by what the role grants, so a custom role with `Microsoft.Authorization/*` is caught like Owner.",
        remediation: "Assign at the subscription or resource group that needs it, use a narrower role, or make the assignment PIM-eligible; keep only break-glass accounts at the root.",
        triggering: [
            RuleExample("""
            mg platform
            user nina
            assign a1 nina Owner mg:platform
            expect count=1 severity=critical principal=nina
            """),
            RuleExample("""
            # a custom role that can grant roles, held at the root
            role AccessAdmin custom actions=Microsoft.Authorization/*
            user alice
            assign a1 alice AccessAdmin /
            expect count=1 severity=critical
            """),
            RuleExample("""
            # full control without RBAC write is high, not critical
            mg sandbox
            group devs
            assign a1 devs Contributor mg:sandbox
            expect count=1 severity=high principal=devs
            """),
        ],
        nonTriggering: [
            RuleExample("""
            mg platform
            user heidi
            assign a1 heidi Reader mg:platform
            """),
            RuleExample("""
            sub prod
            user grace
            assign a1 grace Owner sub:prod
            """),
            RuleExample("""
            # eligible (PIM) assignments are not standing access
            mg platform
            user nina
            assign a1 nina Owner mg:platform eligible
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for i in c.countingAssignments {
            let a = c.snapshot.roleAssignments[i]
            guard a.scope.level == .root || a.scope.level == .managementGroup else { continue }
            let p = c.privilege[i]
            guard p.isPrivileged else { continue }
            let evidence = c.privilegeEvidence(i)
            if evidence.isEmpty { continue }  // a deny assignment blocks it at its own scope
            var severity: Severity = p.controlsAccess ? .critical : .high
            var note = ""
            if a.isConditional || p.onlyConditional {
                severity = .high
                note = " (only under a condition)"
            }
            let role = c.roleName(a.roleDefinitionID)
            out.append(description.finding(
                severity, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                message: "\(c.principalLabel(a.principalID)) holds \(p.labels.joined(separator: ", ")) through `\(role)` at \(c.scopeLabel(a.scope))\(note), inherited by everything below",
                evidence: evidence))
        }
        return out
    }
}
