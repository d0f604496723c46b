import ScopedownCore

/// SD016: custom roles near or over Azure's limits and custom-role rules.
struct CustomRoleLimitsRule: Rule {
    let description = RuleDescription(
        id: "SD016", kind: "custom-role-limits", severity: .low,
        summary: "Custom roles against Azure's limits: a tenant near 5,000 custom roles (`customRoleWarning`), assignable scopes with `/`, more than one management group or over 2,000 entries, DataActions with a management-group assignable scope, names over 512 or descriptions over 2,048 characters.",
        rationale: "Azure rejects these on the next update (REFERENCE.md §4.1, §4.2), usually in the middle of a change; a role with DataActions cannot be assigned at the management group it lists.",
        remediation: "Split the role per management group, list subscriptions instead of `/`, move data actions to a role assignable at subscriptions, shorten the name or description; delete unused custom roles.",
        triggering: [
            RuleExample("""
            mg a
            mg b
            role TwoGroups custom actions=Microsoft.Compute/virtualMachines/read scopes=mg:a,mg:b
            expect count=1
            """),
            RuleExample("""
            mg a
            role DataAtGroup custom dataActions=Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read scopes=mg:a
            expect count=1
            """),
            RuleExample("""
            config customRoleWarning=2
            role One custom actions=Microsoft.Compute/virtualMachines/read scopes=sub:p
            role Two custom actions=Microsoft.Compute/virtualMachines/read scopes=sub:p
            expect count=1 severity=medium
            """),
        ],
        nonTriggering: [
            RuleExample("""
            mg a
            role Fine custom actions=Microsoft.Compute/virtualMachines/read scopes=mg:a,sub:p
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let custom = c.snapshot.roleDefinitions.filter(\.isCustom)
        if custom.count >= c.config.customRoleWarning {
            out.append(description.finding(
                .medium, scope: "/",
                message: "the tenant has \(custom.count) custom roles; the limit is 5,000 (warning at \(c.config.customRoleWarning))",
                evidence: ["custom roles imported: \(custom.count)"]))
        }
        for r in custom {
            var problems: [String] = []
            let mgs = r.assignableScopes.filter { $0.level == .managementGroup }
            if r.assignableScopes.contains(.root) { problems.append("`/` in assignable scopes (not allowed)") }
            if mgs.count > 1 { problems.append("\(mgs.count) management groups in assignable scopes (at most one)") }
            if r.assignableScopes.count > 2000 { problems.append("\(r.assignableScopes.count) assignable scopes (at most 2,000)") }
            if !mgs.isEmpty && r.permissions.contains(where: { !$0.dataActions.isEmpty }) {
                problems.append("DataActions with a management-group assignable scope (cannot be assigned at the management group)")
            }
            if r.roleName.count > 512 { problems.append("name of \(r.roleName.count) characters (at most 512)") }
            if r.description.count > 2048 { problems.append("description of \(r.description.count) characters (at most 2,048)") }
            if problems.isEmpty { continue }
            out.append(description.finding(
                role: r.roleName,
                message: "custom role `\(r.roleName)` breaks Azure's custom-role rules: " + problems.joined(separator: "; "),
                evidence: ["role `\(r.id)` assignable at: " + r.assignableScopes.prefix(10).map { "`\($0.display)`" }.joined(separator: ", ") + (r.assignableScopes.count > 10 ? ", ..." : "")]))
        }
        return out
    }
}
