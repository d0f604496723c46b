import ScopedownCore

/// SD002: principals that can raise their own privilege, with the path.
struct CanEscalateRule: Rule {
    let description = RuleDescription(
        id: "SD002", kind: "can-escalate", severity: .high,
        summary: "Principals that can raise their own privilege: write role assignments or role definitions (custom roles included), or act as a more privileged managed identity (add a federated credential, attach it to a resource, run commands on compute).",
        rationale: "Whoever can write role assignments at a scope can make itself Owner there; whoever can write role definitions can widen a role it already holds. Adding a federated credential to a user-assigned identity, attaching it to a resource or running commands on a VM that carries it lets the caller act as that identity. Judged by effective permissions (deny assignments applied), not role names.",
        remediation: "Give role-assignment rights only to administrators, PIM-eligible, and constrain delegated ones with a condition on the roles they may assign (Role Based Access Control Administrator with conditions); keep identity writes away from principals less privileged than the identities they reach. Not evaluated: resetting credentials of an owned, more privileged service principal (application ownership is not imported).",
        triggering: [
            RuleExample("""
            sub prod
            user leo
            assign a1 leo UserAccessAdministrator sub:prod
            expect count=1 severity=high principal=leo
            """),
            RuleExample("""
            # a custom role that can write role definitions
            role RoleWriter custom actions=Microsoft.Authorization/roleDefinitions/write
            sub prod
            sp deployer
            assign a1 deployer RoleWriter sub:prod
            expect count=1
            """),
            RuleExample("""
            # a conditional (constrained) delegation is still a path, at lower severity
            mg platform
            user nina
            assign a1 nina UserAccessAdministrator mg:platform condition
            expect count=1 severity=medium
            """),
            RuleExample("""
            # a Contributor can attach a managed identity that holds Owner
            sub prod
            user erin
            sp mi-deploy managed
            assign a1 erin Contributor sub:prod
            assign a2 mi-deploy Owner sub:prod
            expect severity=medium principal=erin
            """),
        ],
        nonTriggering: [
            RuleExample("""
            sub prod
            user dave
            assign a1 dave Reader sub:prod
            """),
            RuleExample("""
            # an Owner already holds everything at its scope
            sub prod
            user grace
            assign a1 grace Owner sub:prod
            """),
            RuleExample("""
            # Contributor cannot write role assignments, and no managed identity is more privileged
            sub prod
            user erin
            assign a1 erin Contributor sub:prod
            """),
        ])

    /// The operations that let a caller act as a managed identity, from the shared risk table.
    static let identityOperations: [RiskyOperation] = RiskCatalog.operations.filter {
        ["microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write",
         "microsoft.managedidentity/userassignedidentities/assign/action",
         "microsoft.compute/virtualmachines/runcommand/action"].contains($0.name.lowercased())
    }

    func check(_ c: RuleContext) -> [Finding] {
        let e = c.evaluator
        var queries = Self.identityOperations.map { e.lazyQuery(operation: $0.name, plane: $0.plane) }
        // Managed identities holding full control or RBAC write somewhere: what an identity path reaches.
        var privilegedIdentities: [String: String] = [:]   // id -> role
        for i in c.countingAssignments where c.privilege[i].isPrivileged {
            let a = c.snapshot.roleAssignments[i]
            if e.kind(of: a.principalID) == .managedIdentity, privilegedIdentities[a.principalID] == nil {
                privilegedIdentities[a.principalID] = c.roleName(a.roleDefinitionID)
            }
        }
        var out: [Finding] = []
        for i in c.countingAssignments {
            let a = c.snapshot.roleAssignments[i]
            let p = c.privilege[i]
            let role = c.roleName(a.roleDefinitionID)
            var evidence: [String] = []
            var rbac = false, conditional = a.isConditional
            // Full control (Owner) is already the top at its scope: nothing to raise there (SD001 and
            // SD012 report it); a conditional full control can still be widened.
            if p.fullControl == .yes && !a.isConditional && p.controlsAccess { continue }
            for (grant, op) in [(p.roleAssignmentsWrite, RuleContext.roleAssignmentsWrite), (p.roleDefinitionsWrite, RuleContext.roleDefinitionsWrite)] where grant != .no {
                guard let g = c.grants(of: i, operation: op)?.grants.first else { continue }
                evidence.append(c.evidence(g, operation: op))
                rbac = true
                if !g.conditionSources.isEmpty { conditional = true }
            }
            var identityPaths: [String] = []
            let targets = privilegedIdentities.keys.filter { $0 != a.principalID }.sorted()
            if !rbac && !targets.isEmpty {
                for (k, r) in Self.identityOperations.enumerated() where e.roleGrant(assignmentIndex: i, query: &queries[k]) != .no {
                    guard let g = c.grants(of: i, operation: r.name, plane: r.plane)?.grants.first else { continue }
                    identityPaths.append(c.evidence(g, operation: r.name) + " (\(r.risk))")
                }
            }
            if rbac {
                let path = "\(c.principalLabel(a.principalID)) → `\(role)` at \(c.scopeLabel(a.scope)) → write role assignments or definitions → any role, Owner included, at that scope"
                out.append(description.finding(
                    conditional ? .medium : .high, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                    message: "can raise its own privilege: \(path)" + (conditional ? " (constrained by a condition: check which roles it allows)" : ""),
                    evidence: evidence))
            } else if !identityPaths.isEmpty {
                let reach = targets.prefix(3).map { "\(c.principalLabel($0)) (`\(privilegedIdentities[$0] ?? "")`)" }.joined(separator: ", ")
                out.append(description.finding(
                    .medium, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                    message: "can act as a managed identity in \(c.scopeLabel(a.scope)): \(c.principalLabel(a.principalID)) → `\(role)` → attach, federate or run commands as an identity; privileged identities in the tenant: \(reach)",
                    evidence: identityPaths + ["privileged managed identities: " + targets.map { "`\($0)`" }.joined(separator: ", ")]))
            }
        }
        return out
    }
}
