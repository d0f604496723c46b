import ScopedownCore

/// SD005: assignments whose principal the directory does not know (deleted users, removed apps).
struct OrphanedPrincipalRule: Rule {
    let description = RuleDescription(
        id: "SD005", kind: "orphaned-principal", severity: .medium,
        summary: "Role assignments to principals the directory does not know (principalType `Unknown`, or absent from an imported directory).",
        rationale: "When a user, group or service principal is deleted its assignments stay, shown as `Identity not found`. They grant nothing today, but they clutter reviews, count toward the 4,000 limit, and hide what access was meant.",
        remediation: "Remove the assignment (`az role assignment delete --ids <assignment id>`) after checking the principal is really gone.",
        triggering: [
            RuleExample("""
            sub prod
            user alice
            assign a1 ghost Contributor sub:prod
            expect count=1 principal=ghost
            """),
            RuleExample("""
            # no directory imported: only principalType Unknown tells
            sub prod
            assign a1 ghost Reader sub:prod type=Unknown
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user alice
            assign a1 alice Contributor sub:prod
            """),
            RuleExample("""
            # without a directory, a typed principal is not judged
            sub prod
            assign a1 someone Reader sub:prod type=User
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        let directoryKnown = !c.snapshot.principals.isEmpty
        let known = Set(c.snapshot.principals.map(\.id)).union(c.snapshot.memberships.map(\.groupID))
            .union(c.snapshot.memberships.map(\.memberID))
        var out: [Finding] = []
        for a in c.snapshot.roleAssignments {
            let unknownType = a.principalType.lowercased() == "unknown"
            let absent = directoryKnown && !known.contains(a.principalID)
            guard unknownType || absent else { continue }
            let role = c.roleName(a.roleDefinitionID)
            let why = absent ? "is not in the imported directory" : "has principalType `Unknown`"
            out.append(description.finding(
                principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                message: "assignment of `\(role)` at \(c.scopeLabel(a.scope)) names principal `\(a.principalID)`, which \(why)",
                evidence: ["assignment `\(a.id)`: principalType `\(a.principalType)`" + (directoryKnown ? ", directory imported with \(c.snapshot.principals.count) principal(s)" : ", no directory imported")]))
        }
        return out
    }
}
