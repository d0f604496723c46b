import ScopedownCore

/// SD011: guests holding privileged access, directly or through groups.
struct GuestPrivilegedRule: Rule {
    let description = RuleDescription(
        id: "SD011", kind: "guest-privileged", severity: .high,
        summary: "Guest users holding privileged access (full control, role-assignment or role-definition write), directly or through groups.",
        rationale: "A guest's account lives in another organization: its password policy, MFA and off-boarding are not yours. Privileged access for guests is rarely intended and often comes through a group nobody re-checked.",
        remediation: "Remove the guest from the group or the assignment; give vendors narrow, time-bound (PIM-eligible) roles.",
        needs: ["the directory (users with `userType`)"],
        triggering: [
            RuleExample("""
            sub prod
            user judy guest
            assign a1 judy Contributor sub:prod
            expect count=1 principal=judy
            """),
            RuleExample("""
            sub prod
            user judy guest
            group devs members=judy
            assign a1 devs Owner sub:prod
            expect count=1 principal=judy
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user judy guest
            assign a1 judy Reader sub:prod
            """),
            RuleExample("""
            sub prod
            user mia
            assign a1 mia Owner sub:prod
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var guests: [String: Principal] = [:]
        for p in c.snapshot.principals where p.kind == .user && p.isGuest { guests[p.id] = p }
        if guests.isEmpty { return [] }
        var out: [Finding] = []
        for i in c.countingAssignments where c.privilege[i].isPrivileged {
            let a = c.snapshot.roleAssignments[i]
            let holders = guests[a.principalID] != nil ? [a.principalID] : c.nonGroupMembers(of: a.principalID).filter { guests[$0] != nil }
            for g in holders {
                let op = c.privilege[i].fullControl != .no ? RuleContext.fullControlProbe : RuleContext.roleAssignmentsWrite
                let d = c.evaluator.decide(principal: g, operation: op, scope: a.scope, plane: .control)
                guard d.outcome == .allowed, let grant = d.grants.first(where: { $0.path.assignmentID == a.id }) else { continue }
                let role = c.roleName(a.roleDefinitionID)
                out.append(description.finding(
                    principal: g, scope: a.scope.display, assignment: a.id, role: role,
                    message: "guest \(c.principalLabel(g)) holds \(c.privilege[i].labels.joined(separator: ", ")) through `\(role)` at \(c.scopeLabel(a.scope))",
                    evidence: [c.evidence(grant, operation: op == RuleContext.fullControlProbe ? "any control-plane operation" : op)]))
            }
        }
        return out
    }
}
