import ScopedownCore

/// SD004: standing assignments with observable operations that the Activity Log never saw used.
struct UnusedAssignmentRule: Rule {
    let description = RuleDescription(
        id: "SD004", kind: "unused-assignment", severity: .medium,
        summary: "Active assignments whose role holds observable (write, delete, action) operations and that have no recorded use in the Activity Log window; read-only and data-only roles are reported as unobservable (info), never as unused.",
        rationale: "Standing access that is never used is risk without benefit. The Activity Log records control-plane writes, deletes and actions, not reads nor data-plane operations (REFERENCE.md §3.1), so only roles that grant observable operations can be judged unused.",
        remediation: "Remove the assignment, or make it PIM-eligible; for unobservable ones, check data-plane logs (storage, Key Vault diagnostic logs) before removing.",
        needs: ["usage (an imported Activity Log)"],
        triggering: [
            RuleExample("""
            sub prod
            user pat
            assign a1 pat Owner sub:prod
            usage
            expect count=1 severity=medium principal=pat
            """),
            RuleExample("""
            # a Reader with no recorded use is unobservable, reported at info
            sub prod
            user dave
            assign a1 dave Reader sub:prod
            usage
            expect count=1 severity=info
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user grace
            assign a1 grace Owner sub:prod
            usage a1 uses=3 actions=Microsoft.Compute/virtualMachines/restart/action
            """),
            RuleExample("""
            # without an imported Activity Log nothing is judged
            sub prod
            user pat
            assign a1 pat Owner sub:prod
            """),
            RuleExample("""
            # PIM-eligible assignments are not standing access
            sub prod
            user nina
            assign a1 nina Owner sub:prod eligible
            usage
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        guard let usage = c.usage else { return [] }
        var roles: [String: RoleDefinition] = [:]
        for r in c.snapshot.roleDefinitions where roles[r.id] == nil { roles[r.id] = r }
        let window = usage.window.map { "Activity Log window: \($0.from) to \($0.to)" } ?? "Activity Log imported"
        var out: [Finding] = []
        for a in c.snapshot.roleAssignments where a.state == .active {
            guard (usage.byAssignment[a.id]?.uses ?? 0) == 0, let role = roles[a.roleDefinitionID] else { continue }
            // REFERENCE.md §3.1: reads and data-plane operations never reach the Activity Log.
            let observable = role.permissions.flatMap(\.actions).filter { !$0.trimmingSpaces().lowercased().hasSuffix("/read") }
            if observable.isEmpty {
                out.append(description.finding(
                    .info, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role.roleName,
                    message: "`\(role.roleName)` for \(c.principalLabel(a.principalID)) at \(c.scopeLabel(a.scope)) is unobservable: its role holds only reads and data actions, which the Activity Log does not record (not proof of disuse)",
                    evidence: [window, "role actions: " + (role.permissions.flatMap(\.actions).map { "`\($0)`" }.joined(separator: ", ").nonEmpty ?? "(none)")]))
            } else {
                out.append(description.finding(
                    principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role.roleName,
                    message: "`\(role.roleName)` for \(c.principalLabel(a.principalID)) at \(c.scopeLabel(a.scope)) has no recorded use",
                    evidence: [window, "0 uses attributed to assignment `\(a.id)`",
                               "observable actions: " + observable.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (observable.count > 5 ? ", ..." : "")]))
            }
        }
        return out
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
