import ScopedownCore

/// SD003: Entra ID directory roles that reach Azure RBAC.
struct EntraRoleBridgeRule: Rule {
    let description = RuleDescription(
        id: "SD003", kind: "entra-role-bridge", severity: .critical,
        summary: "Entra ID directory roles that reach Azure RBAC: a Global Administrator can elevate to User Access Administrator at `/`; a Privileged Role Administrator can make itself Global Administrator.",
        rationale: "Azure RBAC and Entra ID roles are separate systems, but a Global Administrator can switch on \"Access management for Azure resources\" and receive User Access Administrator at the root `/` of every subscription (REFERENCE.md §1.8, [ELEV]); a Privileged Role Administrator can assign Global Administrator. RBAC-only reviews miss both.",
        remediation: "Keep Global Administrators few, PIM-eligible and monitored (alert on `Microsoft.Authorization/elevateAccess/action`); remove the elevated `/` assignment after use.",
        needs: ["directory roles (Microsoft Graph `roleManagement/directory/roleAssignments` and `roleDefinitions`)"],
        triggering: [
            RuleExample("""
            user alice
            entra alice "Global Administrator"
            expect count=1 severity=critical principal=alice scope=/
            """),
            RuleExample("""
            user pra
            entra pra "Privileged Role Administrator"
            expect count=1 severity=high
            """),
        ],
        nonTriggering: [
            RuleExample("""
            user gina
            entra gina "Global Reader"
            """),
            RuleExample("""
            # no directory roles imported
            user alice
            assign a1 alice Reader /
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        guard let dir = c.directoryRoles else { return [] }
        var defs: [String: DirectoryRoleDefinition] = [:]
        for d in dir.definitions {
            defs[d.id] = d
            if let t = d.templateID, defs[t] == nil { defs[t] = d }
        }
        var out: [Finding] = []
        for a in dir.assignments {
            let def = defs[a.roleDefinitionID]
            let template = def?.templateID ?? a.roleDefinitionID
            let name = def?.displayName ?? a.roleDefinitionID
            let severity: Severity
            let reach: String
            switch template {
            case DirectoryRoleDefinition.globalAdministrator:
                severity = .critical
                reach = "can elevate to User Access Administrator at `/` (`Microsoft.Authorization/elevateAccess/action`), then grant itself any Azure role anywhere"
            case DirectoryRoleDefinition.privilegedRoleAdministrator:
                severity = .high
                reach = "can assign itself Global Administrator, then elevate to User Access Administrator at `/`"
            default:
                continue
            }
            var evidence = ["directory role assignment `\(a.id)`: `\(name)` (template `\(template)`), directory scope `\(a.directoryScopeID)`"]
            let atRoot = c.evaluator.applicableAssignments(principal: a.principalID, scope: .root).filter { Scope($0.scope) == .root }
            for g in atRoot { evidence.append("already holds `\(g.roleName)` at `/` (assignment `\(g.assignmentID)`)") }
            out.append(description.finding(
                severity, principal: a.principalID, scope: "/", role: name,
                message: "\(c.principalLabel(a.principalID)) is Entra ID `\(name)`: \(reach)",
                evidence: evidence))
        }
        return out
    }
}
