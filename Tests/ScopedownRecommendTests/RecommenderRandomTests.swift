import ScopedownCore
import ScopedownRecommend
import ScopedownTestSupport
import Testing

/// The recommender on seeded random tenants (`RandomTenant`: wildcards of every kind, names outside
/// the catalog, NotActions, multi-block and conditional roles, denies, nested groups, eligible
/// assignments), checked with the reference evaluator rather than the evaluator it uses:
/// never more privilege, scopes never outside the current one, conditions carried over, and every
/// replayed use still allowed by the proposal's own assignments.
@Suite("Recommender on random tenants")
struct RecommenderRandomTests {
    /// REFERENCE.md §2.3: some block of the role has a pattern for it and no NotAction removing it.
    static func grants(_ role: RoleDefinition, _ op: String, _ plane: Plane) -> Bool {
        role.permissions.contains { b in
            let g = plane == .control ? b.actions : b.dataActions
            let n = plane == .control ? b.notActions : b.notDataActions
            return g.contains { ReferenceEvaluator.matches($0, op) } && !n.contains { ReferenceEvaluator.matches($0, op) }
        }
    }

    @Test("never more privilege; replay allows every use (reference evaluator)")
    func randomTenants() throws {
        let cases = RandomCases.count(default: 100)
        var failures: [String] = []
        var kinds: [ProposalKind: Int] = [:]
        var replayed = 0
        let base = CivilDate.days(year: 2026, month: 11, day: 28)
        for n in 0..<cases {
            if failures.count >= 5 { break }
            let seed = UInt64(0x2EC0_0000) &+ UInt64(n)
            let tenant = RandomTenant.make(seed: seed)
            var rng = SeededGenerator(seed: seed ^ 0xBEEF)
            var snapshot = tenant.snapshot
            // Built-ins to fit against, and some roles made built-in.
            for i in snapshot.roleDefinitions.indices where Bool.random(using: &rng) { snapshot.roleDefinitions[i].isCustom = false }
            func builtin(_ k: Int, _ name: String, _ actions: [String], data: [String] = []) -> RoleDefinition {
                let id = "0c0c0c0c-0000-4000-8000-00000000000\(k)"
                return RoleDefinition(id: id, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id)", roleName: name,
                                      isCustom: false, permissions: [PermissionBlock(actions: actions, dataActions: data)])
            }
            let extra = [builtin(1, "Owner", ["*"]), builtin(2, "Reader", ["*/read"]),
                         builtin(3, "Alpha Operator", ["*/read", "Microsoft.Alpha/*"], data: ["Microsoft.Alpha/*"]),
                         builtin(4, "Beta Writer", ["Microsoft.Beta/*/write", "*/read"])]
            snapshot.roleDefinitions += extra
            for i in snapshot.roleAssignments.indices where Int.random(in: 0..<3, using: &rng) == 0 {
                snapshot.roleAssignments[i].roleDefinitionID = extra[Int.random(in: 0..<extra.count, using: &rng)].id
            }
            let evaluator = Evaluator(snapshot: snapshot)
            let reference = ReferenceEvaluator(snapshot: snapshot)

            // Uses: allowed control-plane operations, mostly by an assignment's principal (or a
            // member of its group) at or below its scope; some carry evidence.
            var recorded: [RecordedUse] = []
            for _ in 0..<60 {
                var principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
                var scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                if !snapshot.roleAssignments.isEmpty, Int.random(in: 0..<10, using: &rng) < 8 {
                    let a = snapshot.roleAssignments[Int.random(in: 0..<snapshot.roleAssignments.count, using: &rng)]
                    principal = a.principalID
                    let members = snapshot.memberships.filter { $0.groupID == a.principalID }
                    if !members.isEmpty, Bool.random(using: &rng) { principal = members[Int.random(in: 0..<members.count, using: &rng)].memberID }
                    let below = tenant.scopes.filter { $0.isLexicallyWithin(a.scope) }
                    if !below.isEmpty { scope = below[Int.random(in: 0..<below.count, using: &rng)] }
                }
                let op = tenant.operations[Int.random(in: 0..<tenant.operations.count, using: &rng)]
                let d = evaluator.decide(principal: principal, operation: op, scope: scope, plane: .control)
                guard d.outcome == .allowed, let g = d.grantingAssignmentIDs.first else { continue }
                let evidence: String? = Int.random(in: 0..<4, using: &rng) == 0 ? g : nil
                let day = base - Int.random(in: 0..<60, using: &rng)
                recorded.append(RecordedUse(caller: principal, action: op, scope: scope, day: day, evidence: evidence,
                                            count: Int.random(in: 1...4, using: &rng), lastSeen: Int64(day) * 86_400))
            }
            var options = RecommendOptions()
            options.keepReads = Bool.random(using: &rng)
            options.compact = Bool.random(using: &rng)
            options.maxScopes = Int.random(in: 1...3, using: &rng)
            options.minScope = [Scope.Level.resource, .resourceGroup, .subscription][Int.random(in: 0..<3, using: &rng)]
            let attributed = evaluator.attribute(recorded)
            let result = Recommender(evaluator: evaluator, options: options)
                .run(uses: attributed.uses, windowFrom: Int64(base - 80) * 86_400, windowTo: Int64(base) * 86_400 + 60)

            var roles: [String: RoleDefinition] = [:]
            for r in snapshot.roleDefinitions + result.generatedRoles where roles[r.id] == nil { roles[r.id] = r }
            let universe = Set(tenant.operations + snapshot.operations.map(\.name))
            for rec in result.recommendations {
                kinds[rec.proposal.kind, default: 0] += 1
                let a = rec.assignment
                if rec.replay.denied != 0 {
                    failures.append("seed \(seed): \(a.id) replay denied \(rec.replay.denied): \(rec.proposal.kind) \(rec.proposal.role) \(rec.proposal.scopes) current \(a.scope) \(rec.notes)")
                }
                guard rec.proposal.kind != .remove else { continue }
                if rec.proposal.condition != a.condition { failures.append("seed \(seed): \(a.id) condition not carried over") }
                for s in rec.proposal.scopes where !reference.ancestors(of: s).contains(a.scope.key) {
                    failures.append("seed \(seed): \(a.id) scope \(s) is outside \(a.scope)")
                }
                guard rec.proposal.roleID != a.roleDefinitionID else { continue }
                guard let proposed = roles[rec.proposal.roleID], let current = roles[a.roleDefinitionID] else {
                    failures.append("seed \(seed): \(a.id) proposes an unknown role \(rec.proposal.roleID)")
                    continue
                }
                if proposed.permissions.contains(where: { $0.condition != nil }) || current.permissions.contains(where: { $0.condition != nil }) {
                    failures.append("seed \(seed): \(a.id) changes a role with a role condition")
                }
                for op in universe {
                    for plane in [Plane.control, .data] where Self.grants(proposed, op, plane) && !Self.grants(current, op, plane) {
                        failures.append("seed \(seed): \(a.id) \(proposed.roleName) grants \(op) (\(plane)) that \(current.roleName) does not")
                    }
                }
                // Uncatalogued names a wildcard of the proposal could reach: a few probes.
                for probe in ["Microsoft.Alpha/zzz/write", "Microsoft.Beta/q/r/read", "Contoso.Gamma/x/action", "Other.Ns/y/read"] {
                    for plane in [Plane.control, .data] where Self.grants(proposed, probe, plane) && !Self.grants(current, probe, plane) {
                        failures.append("seed \(seed): \(a.id) \(proposed.roleName) grants uncatalogued \(probe) (\(plane))")
                    }
                }
            }

            // Independent replay: every proposal applied at once, decided by the reference.
            let plan = result.changePlan
            var after = snapshot
            let replacedIDs = Set(plan.changes.map(\.old.id))
            after.roleAssignments.removeAll { replacedIDs.contains($0.id) && $0.state == .active }
            after.roleAssignments += plan.changes.flatMap { $0.new.map { var x = $0; x.state = .active; return x } }
            after.roleDefinitions += plan.roles
            let ref2 = ReferenceEvaluator(snapshot: after)
            let newIDs = Dictionary(plan.changes.map { ($0.old.id, Set($0.new.map(\.id))) }, uniquingKeysWith: { $0.union($1) })
            for u in attributed.uses {
                let before = reference.decide(principal: u.principal, operation: u.action, plane: .control, scope: u.scope)
                guard before.outcome == .allowed, before.granting.contains(u.assignment) else { continue }
                guard snapshot.roleAssignments.contains(where: { $0.id == u.assignment && $0.state == .active }) else { continue }
                replayed += 1
                let ids = newIDs[u.assignment] ?? [u.assignment]
                let now = ref2.decide(principal: u.principal, operation: u.action, plane: .control, scope: u.scope)
                if now.outcome != .allowed || now.granting.isDisjoint(with: ids) {
                    failures.append("seed \(seed): use of \(u.action) at \(u.scope) by \(u.principal) through \(u.assignment) is \(now) after the proposals")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
        // The tenants exercise the proposals that change something.
        #expect(replayed > cases)
        #expect((kinds[.remove] ?? 0) > 0 && (kinds[.replaceWithCustom] ?? 0) > 0 && (kinds[.replaceWithBuiltin] ?? 0) > 0)
        #expect((kinds[.narrowScope] ?? 0) + (kinds[.keep] ?? 0) > 0)
    }
}
