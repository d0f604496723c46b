import ScopedownCore

/// SD002: principals that can raise their own privilege, with the path.
struct CanEscalateRule: Rule {
    let description = RuleDescription(
        id: "SD002", kind: "can-escalate", severity: .high,
        summary: "Principals that can raise their own privilege: write role assignments or role definitions (custom roles included), act as a more privileged managed identity (attach it, add a federated credential, run code on its VM or web app), or sign in as a more privileged service principal they own.",
        rationale: "Whoever can write role assignments at a scope can make itself Owner there; whoever can write role definitions can widen a role it already holds. Adding a federated credential to a user-assigned identity, attaching it to a resource or running commands on a VM that carries it lets the caller act as that identity. Judged by effective permissions (deny assignments applied), not role names.",
        remediation: "Give role-assignment rights only to administrators, PIM-eligible, and constrain delegated ones with a condition on the roles they may assign (Role Based Access Control Administrator with conditions); keep identity writes away from principals less privileged than the identities they reach. Identity paths need where each managed identity lives (`alternativeNames` in the servicePrincipals export). Owner paths need the Graph owners of service principals or applications (README, \"Directory\").",
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
            # a Contributor of the resource group can attach the user-assigned identity that is Owner of the subscription
            sub prod
            user erin
            mi deployer resource=sub:prod/rg:app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer
            assign a1 erin Contributor sub:prod/rg:app
            assign a2 deployer Owner sub:prod
            expect count=1 severity=high principal=erin scope=sub:prod/rg:app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer
            """),
            RuleExample("""
            # the owner of an Owner service principal can add a credential and sign in as it
            mg platform
            user sam
            sp terraform
            owns sam terraform
            assign a1 terraform Owner mg:platform
            expect count=1 severity=high principal=sam scope=mg:platform
            """),
            RuleExample("""
            # running commands on a VM acts as its system-assigned identity, which reads every secret
            sub prod
            role VMOps actions=Microsoft.Compute/virtualMachines/*
            user sam
            mi vm1 resource=sub:prod/rg:ops/providers/Microsoft.Compute/virtualMachines/vm1 system
            assign a1 sam VMOps sub:prod/rg:ops
            assign a2 vm1 KeyVaultSecretsUser sub:prod
            expect count=1 severity=medium principal=sam
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
            RuleExample("""
            # owning a service principal that holds nothing more than its owner is no escalation
            sub prod
            user sam
            sp reader
            owns sam reader
            assign a1 reader Reader sub:prod
            assign a2 sam Reader sub:prod
            """),
            RuleExample("""
            # the identity lives outside what the Contributor controls
            sub prod
            user erin
            mi deployer resource=sub:prod/rg:platform/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer
            assign a1 erin Contributor sub:prod/rg:app
            assign a2 deployer Owner sub:prod
            """),
            RuleExample("""
            # an Owner gains nothing from an identity that is Owner where it already is
            sub prod
            user grace
            mi deployer resource=sub:prod/rg:app/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer
            assign a1 grace Owner sub:prod
            assign a2 deployer Owner sub:prod/rg:app
            """),
        ])

    /// How a caller takes over a managed identity, by where it lives, from the shared risk table: a
    /// user-assigned identity by attaching it or adding a federated credential to it; a
    /// system-assigned one by running code on its virtual machine or web app.
    static func takeoverOperations(_ m: ManagedIdentityResource) -> [RiskyOperation] {
        let key = m.resource.key
        let names: [String]
        if m.userAssigned {
            names = ["microsoft.managedidentity/userassignedidentities/assign/action",
                     "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write"]
        } else if key.contains("/providers/microsoft.compute/virtualmachines/") {
            names = ["microsoft.compute/virtualmachines/runcommand/action", "microsoft.compute/virtualmachines/runcommands/write",
                     "microsoft.compute/virtualmachines/extensions/write"]
        } else if key.contains("/providers/microsoft.web/sites/") {
            names = ["microsoft.web/sites/config/list/action"]
        } else {
            names = []
        }
        return RiskCatalog.operations.filter { names.contains($0.name.lowercased()) }
    }

    func check(_ c: RuleContext) -> [Finding] {
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
            guard rbac else { continue }
            let path = "\(c.principalLabel(a.principalID)) → `\(role)` at \(c.scopeLabel(a.scope)) → write role assignments or definitions → any role, Owner included, at that scope"
            out.append(description.finding(
                conditional ? .medium : .high, principal: a.principalID, scope: a.scope.display, assignment: a.id, role: role,
                message: "can raise its own privilege: \(path)" + (conditional ? " (constrained by a condition: check which roles it allows)" : ""),
                evidence: evidence))
        }
        return out + identityTakeovers(c) + ownerTakeovers(c)
    }

    /// What acting as `identity` adds for `caller`: the identity's high-risk operations (RiskCatalog,
    /// through `blastRadius`) the caller neither holds there nor could grant itself (role-assignment
    /// write there, unconditionally).
    static func gain(_ c: RuleContext, caller: String, powers: [Power], memo: inout DecisionMemo) -> [Power] {
        let who = memo.principal(caller)
        // Whether the caller could grant itself anything there, first: it settles every power at
        // that scope with one decision.
        var grantsAt: [Int32: Bool] = [:]
        return powers.filter { p in
            let grant = grantsAt[p.scopeIndex] ?? {
                let d = memo.allowed(c.evaluator, who, caller, DecisionMemo.canGrant, p.scopeIndex)
                return d.allowed && !d.conditional
            }()
            grantsAt[p.scopeIndex] = grant
            if grant { return false }
            return !memo.allowed(c.evaluator, who, caller, p.operationIndex, p.scopeIndex).allowed
        }
    }

    /// At most four risks, then how many more.
    static func summarize(_ risks: [String]) -> String {
        risks.count <= 4 ? risks.joined(separator: ", ") : risks.prefix(4).joined(separator: ", ") + " and \(risks.count - 4) more"
    }

    /// One high-risk operation a principal holds at a scope, with the memo's indices of both.
    struct Power {
        let scope: Scope
        let risk: Evaluator.RiskHolding
        let scopeIndex: Int32
        let operationIndex: Int32
    }

    /// Decisions already made for (caller, operation, scope): the same callers meet the same
    /// identities' powers again and again. Principals, operations and scopes are numbered once, so
    /// that a lookup hashes three integers; each operation is prepared and each scope's ancestors
    /// computed once.
    struct DecisionMemo {
        struct Key: Hashable {
            var principal: Int32
            var operation: Int32
            var scope: Int32
        }
        /// The operation index of role-assignment write: whether the caller could grant itself roles.
        static let canGrant: Int32 = 0
        private var decided: [Key: (allowed: Bool, conditional: Bool)] = [:]
        private var principals: [String: Int32] = [:]
        private var scopeIndex: [String: Int32] = [:]
        private var scopes: [(scope: Scope, ancestors: [Int32])] = []
        private var operationIndex: [String: Int32] = [:]
        private var queries: [OperationQuery] = []
        private var groups = MembershipCache()
        var blast = BlastRadiusCache()

        init(_ e: Evaluator) {
            _ = operation(e, RuleContext.roleAssignmentsWrite, .control)
        }

        mutating func principal(_ id: String) -> Int32 {
            if let i = principals[id] { return i }
            let i = Int32(principals.count)
            principals[id] = i
            return i
        }

        mutating func scope(_ e: Evaluator, _ s: Scope) -> Int32 {
            if let i = scopeIndex[s.key] { return i }
            let i = Int32(scopes.count)
            scopeIndex[s.key] = i
            scopes.append((s, e.ancestorIDs(of: s)))
            return i
        }

        mutating func operation(_ e: Evaluator, _ name: String, _ plane: Plane) -> Int32 {
            let k = name + "|" + plane.rawValue
            if let i = operationIndex[k] { return i }
            let i = Int32(queries.count)
            operationIndex[k] = i
            queries.append(e.decisionQuery(operation: name, plane: plane))
            return i
        }

        /// `Evaluator.decide(principal:operation:scope:plane:)` for interned operation and scope.
        mutating func decide(_ e: Evaluator, _ principal: String, _ operation: Int32, _ scope: Int32) -> AccessDecision {
            let s = scopes[Int(scope)]
            return e.decide(principal: principal, scope: s.scope, ancestors: s.ancestors, query: &queries[Int(operation)], cache: &groups)
        }

        /// Whether the role of assignment `index` grants the operation (no scope, no denies).
        mutating func roleGrants(_ e: Evaluator, _ index: Int, _ operation: Int32) -> Bool {
            e.roleGrant(assignmentIndex: index, query: &queries[Int(operation)]) != .no
        }

        /// Whether the decision allows, and only conditionally, memoized.
        mutating func allowed(_ e: Evaluator, _ who: Int32, _ principal: String, _ operation: Int32, _ scope: Int32) -> (allowed: Bool, conditional: Bool) {
            let k = Key(principal: who, operation: operation, scope: scope)
            if let hit = decided[k] { return hit }
            let s = scopes[Int(scope)]
            let v = e.allows(principal: principal, scope: s.scope, ancestors: s.ancestors, query: &queries[Int(operation)], cache: &groups)
            decided[k] = v
            return v
        }
    }

    /// The high-risk operations `principal` holds, per scope (`blastRadius`), numbered in `memo`.
    static func powers(_ c: RuleContext, of principal: String, memo: inout DecisionMemo) -> [Power] {
        c.evaluator.blastRadius(principal: principal, subscriptionsBelow: false, cache: &memo.blast).flatMap { s in
            let si = memo.scope(c.evaluator, s.scope)
            return s.risky.map { r in
                Power(scope: s.scope, risk: r, scopeIndex: si, operationIndex: memo.operation(c.evaluator, r.operation.name, r.operation.plane))
            }
        }
    }

    /// Owners of a service principal (or of its application) can add a credential and sign in as it.
    func ownerTakeovers(_ c: RuleContext) -> [Finding] {
        var byAppID: [String: String] = [:]
        for p in c.snapshot.principals { if let app = p.appID { byAppID[AzureID.guidKey(app)] = p.id } }
        var out: [Finding] = []
        var seen = Set<String>()
        var memo = DecisionMemo(c.evaluator)
        for o in c.ownerships {
            guard let sp = o.application ? byAppID[o.targetID] : o.targetID, sp != o.ownerID,
                  seen.insert(o.ownerID + "|" + sp).inserted else { continue }
            let gained = Self.gain(c, caller: o.ownerID, powers: Self.powers(c, of: sp, memo: &memo), memo: &memo).sorted { $0.scope < $1.scope }
            guard let first = gained.first else { continue }
            let rbac = gained.contains { [RuleContext.roleAssignmentsWrite, RuleContext.roleDefinitionsWrite].contains($0.risk.operation.name) }
            let risks = Array(Set(gained.map(\.risk.operation.risk))).sorted()
            let what = o.application ? "the application registration of" : "service principal"
            out.append(description.finding(
                rbac ? .high : .medium, principal: o.ownerID, scope: first.scope.display,
                message: "\(c.principalLabel(o.ownerID)) owns \(what) \(c.principalLabel(sp)): can add a credential and sign in as it → " + Self.summarize(risks),
                evidence: ["owner of `\(o.targetID)` (\(o.application ? "applications/<appId>/owners" : "servicePrincipals/<id>/owners"))"]
                    + gained.prefix(5).map { "the service principal holds `\($0.risk.operation.name)` at `\($0.scope.display)`; the owner does not" }))
        }
        return out
    }

    /// Principals that control the resource of a managed identity holding high-risk operations they
    /// do not hold themselves (RiskCatalog, through `blastRadius`): they act as it.
    func identityTakeovers(_ c: RuleContext) -> [Finding] {
        let e = c.evaluator
        if c.managedIdentities.isEmpty { return [] }
        // Counting assignments by scope key; the memo's prepared operations, shared by every identity.
        var byScope: [String: [Int]] = [:]
        for i in c.countingAssignments { byScope[c.snapshot.roleAssignments[i].scope.key, default: []].append(i) }
        var memo = DecisionMemo(e)
        var out: [Finding] = []
        for m in c.managedIdentities.sorted(by: { $0.principalID < $1.principalID }) {
            let ops = Self.takeoverOperations(m)
            if ops.isEmpty { continue }
            let powers = Self.powers(c, of: m.principalID, memo: &memo)
            if powers.isEmpty { continue }
            let resource = memo.scope(e, m.resource)
            // Assignments at the identity's resource or above whose role grants a takeover
            // operation, confirmed by the evaluator there (denies applied).
            var via: [(index: Int, grant: GrantDetail, op: RiskyOperation)] = []
            // What acting as the identity adds, per caller: a caller that gains nothing needs no
            // decision about the takeover itself.
            var gainedBy: [String: [Power]] = [:]
            let opIndex = ops.map { memo.operation(e, $0.name, $0.plane) }
            for scope in e.hierarchy.ancestors(of: m.resource) {
                for i in byScope[scope.key] ?? [] {
                    let a = c.snapshot.roleAssignments[i]
                    guard a.principalID != m.principalID else { continue }
                    let granting = ops.indices.filter { memo.roleGrants(e, i, opIndex[$0]) }
                    if granting.isEmpty { continue }
                    let gained = gainedBy[a.principalID] ?? Self.gain(c, caller: a.principalID, powers: powers, memo: &memo)
                    gainedBy[a.principalID] = gained
                    if gained.isEmpty { continue }
                    for k in granting {
                        let d = memo.decide(e, a.principalID, opIndex[k], resource)
                        guard d.outcome == .allowed, let g = d.grants.first(where: { $0.path.assignmentID == a.id }) else { continue }
                        via.append((i, g, ops[k]))
                        break
                    }
                }
            }
            for (i, grant, op) in via.sorted(by: { c.snapshot.roleAssignments[$0.index].id < c.snapshot.roleAssignments[$1.index].id }) {
                let a = c.snapshot.roleAssignments[i]
                guard let gained = gainedBy[a.principalID], !gained.isEmpty else { continue }
                let rbac = gained.contains { [RuleContext.roleAssignmentsWrite, RuleContext.roleDefinitionsWrite].contains($0.risk.operation.name) }
                let conditional = !grant.conditionSources.isEmpty
                let role = c.roleName(a.roleDefinitionID)
                let risks = Array(Set(gained.map(\.risk.operation.risk))).sorted()
                out.append(description.finding(
                    rbac && !conditional ? .high : .medium, principal: a.principalID, scope: m.resource.display, assignment: a.id, role: role,
                    message: "can act as managed identity \(c.principalLabel(m.principalID)): \(c.principalLabel(a.principalID)) → `\(role)` → `\(op.name)` on its \(m.userAssigned ? "user-assigned identity" : "resource") → " + Self.summarize(risks),
                    evidence: [c.evidence(grant, operation: op.name) + " (\(op.risk))"]
                        + gained.prefix(5).map { "the identity holds `\($0.risk.operation.name)` at `\($0.scope.display)`; the caller does not" }))
            }
        }
        return out
    }
}
