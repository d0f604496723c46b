import ScopedownCore

/// SD014: secrets, keys and storage account keys readable at subscription scope or broader.
struct SecretsAccessRule: Rule {
    let description = RuleDescription(
        id: "SD014", kind: "secrets-access", severity: .high,
        summary: "Principals able to read Key Vault secrets or use keys, or list storage account keys, at subscription scope or broader.",
        rationale: "Security roadmap step 5: secrets access must be scoped to the vault or account that needs it. A broad grant reads every secret and key of every vault and account below, present and future; storage account keys give full data access that bypasses RBAC.",
        remediation: "Assign secret and key roles at the vault (or the secret) and storage roles at the account or container; prefer data roles over `listKeys`.",
        triggering: [
            RuleExample("""
            sub prod
            sp app
            assign a1 app KeyVaultSecretsUser sub:prod
            expect count=1 principal=app
            """),
            RuleExample("""
            # Contributor lists storage account keys (`*`)
            mg corp
            group devs
            assign a1 devs Contributor mg:corp
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            sp app
            assign a1 app KeyVaultSecretsUser sub:prod/rg:app/providers/Microsoft.KeyVault/vaults/kv-app
            """),
            RuleExample("""
            sub prod
            user dave
            assign a1 dave Reader sub:prod
            """),
        ])

    /// The secret-reading operations of the shared risk table.
    static let operations: [RiskyOperation] = RiskCatalog.operations.filter {
        let n = $0.name.lowercased()
        return n.hasPrefix("microsoft.keyvault/vaults/secrets/") || n.hasPrefix("microsoft.keyvault/vaults/keys/")
            || n == "microsoft.storage/storageaccounts/listkeys/action"
    }

    func check(_ c: RuleContext) -> [Finding] {
        var queries = Self.operations.map { c.evaluator.lazyQuery(operation: $0.name, plane: $0.plane) }
        var out: [Finding] = []
        for i in c.countingAssignments {
            let a = c.snapshot.roleAssignments[i]
            guard a.scope.level <= .subscription else { continue }
            var evidence: [String] = [], risks: [String] = [], conditional = a.isConditional
            for (k, r) in Self.operations.enumerated() where c.evaluator.roleGrant(assignmentIndex: i, query: &queries[k]) != .no {
                guard let g = c.grants(of: i, operation: r.name, plane: r.plane)?.grants.first else { continue }
                evidence.append(c.evidence(g, operation: r.name))
                if !risks.contains(r.risk) { risks.append(r.risk) }
                if !g.conditionSources.isEmpty { conditional = true }
            }
            if evidence.isEmpty { continue }
            let role = c.roleName(a.roleDefinitionID)
            out.append(description.finding(
                conditional ? .medium : nil, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                message: "\(c.principalLabel(a.principalID)) can \(risks.joined(separator: ", ")) everywhere in \(c.scopeLabel(a.scope)) through `\(role)`",
                evidence: evidence))
        }
        return out
    }
}
