import ScopedownCore

/// SD006: custom roles that are subscription administrators in all but name (CIS).
struct CustomRoleWildcardRule: Rule {
    let description = RuleDescription(
        id: "SD006", kind: "custom-role-wildcard", severity: .high,
        summary: "Custom roles granting `*`, or `*` on Microsoft.Authorization (both role-assignment and role-definition write).",
        rationale: "CIS Azure: no custom subscription administrator roles. A custom role with `*` is Owner under another name, and one that writes role assignments and definitions can make itself Owner; both escape reviews that look for built-in role names.",
        remediation: "List the actions the role's holders need (`scopedown usage` shows what they used) and replace the wildcard; use built-in Owner or User Access Administrator, PIM-eligible, where full control is really meant.",
        triggering: [
            RuleExample("""
            role TeamAdmin custom actions=*
            expect count=1 severity=high
            """),
            RuleExample("""
            role AccessManager custom actions=Microsoft.Authorization/*,*/read
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            role VMOperator custom actions=Microsoft.Compute/virtualMachines/start/action,Microsoft.Compute/virtualMachines/read
            """),
            RuleExample("""
            # a wildcard whose NotActions remove the authorization writes is not an administrator
            role AlmostOwner custom actions=* notActions=Microsoft.Authorization/*
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        let e = c.evaluator
        var full = e.lazyQuery(operation: RuleContext.fullControlProbe)
        var raw = e.lazyQuery(operation: RuleContext.roleAssignmentsWrite)
        var rdw = e.lazyQuery(operation: RuleContext.roleDefinitionsWrite)
        var out: [Finding] = []
        for r in c.snapshot.roleDefinitions where r.isCustom {
            let all = e.roleGrant(roleID: r.id, query: &full) != .no
            let rbac = e.roleGrant(roleID: r.id, query: &raw) != .no && e.roleGrant(roleID: r.id, query: &rdw) != .no
            guard rbac else { continue }
            out.append(finding(c, r, what: all ? "grants `*`, role-assignment and role-definition write included" : "grants role-assignment and role-definition write (`*` on Microsoft.Authorization)"))
        }
        return out
    }

    func finding(_ c: RuleContext, _ r: RoleDefinition, what: String) -> Finding {
        let patterns = r.permissions.flatMap(\.actions).filter { $0.contains("*") }
        return description.finding(
            role: r.roleName,
            message: "custom role `\(r.roleName)` \(what): an administrator role under another name",
            evidence: ["role `\(r.id)` actions with wildcards: " + patterns.map { "`\($0)`" }.joined(separator: ", "),
                       "assignable at: " + r.assignableScopes.map { "`\($0.display)`" }.joined(separator: ", ")])
    }
}
