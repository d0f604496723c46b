import ScopedownCore
import ScopedownTestSupport
import Testing
@testable import ScopedownReview

/// The diff's privilege growth: what a principal holds in the later snapshot and did not in the
/// earlier one, judged against the reference evaluator on seeded random pairs of snapshots.
@Suite("Privilege growth")
struct PrivilegeGrowthTests {
    static let sub = Scope("/subscriptions/5b5b0000-0000-4000-8000-000000000001")
    static let rg = Scope("/subscriptions/5b5b0000-0000-4000-8000-000000000001/resourceGroups/app")
    static let user = "05050000-0000-4000-8000-000000000001"
    static let contributor = "0a0a0000-0000-4000-8000-00000000c0c0"

    static func tenant(_ assignments: [RoleAssignment]) -> AuthorizationSnapshot {
        AuthorizationSnapshot(
            roleDefinitions: [
                RoleDefinition(id: ownerRoleID, resourceID: "owner", roleName: "Owner", isCustom: false,
                               permissions: [PermissionBlock(actions: ["*"])]),
                RoleDefinition(id: contributor, resourceID: "contributor", roleName: "Contributor", isCustom: false,
                               permissions: [PermissionBlock(actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                                                                                    "Microsoft.Authorization/elevateAccess/Action"])]),
            ],
            roleAssignments: assignments,
            principals: [Principal(id: user, kind: .user, displayName: "dana")],
            subscriptions: [Subscription(id: sub.subscriptionID ?? "", displayName: "prod")])
    }

    static func assign(_ n: Int, _ role: String, _ scope: Scope) -> RoleAssignment {
        RoleAssignment(id: "0b0b0000-0000-4000-8000-00000000000\(n)", resourceID: "ra-\(n)", scope: scope, roleDefinitionID: role,
                       principalID: user, principalType: "User")
    }

    @Test("a new assignment below an Owner adds the assignment, no privilege")
    func newAssignmentBelowOwner() throws {
        let owner = Self.assign(1, ownerRoleID, Self.sub)
        let old = Evaluator(snapshot: Self.tenant([owner]))
        let new = Evaluator(snapshot: Self.tenant([owner, Self.assign(2, Self.contributor, Self.rg)]))
        let growth = SnapshotDiff.compute(old: old, new: new).privilegeGrowth
        let g = try #require(growth.first)
        #expect(growth.count == 1)
        #expect(g.items.map(\.kind) == [.newAssignment])
        #expect(g.items.first?.scope == Self.rg.display)
    }

    @Test("a new assignment where nothing was held lists what it adds")
    func newAssignmentAlone() throws {
        let old = Evaluator(snapshot: Self.tenant([]))
        let new = Evaluator(snapshot: Self.tenant([Self.assign(2, Self.contributor, Self.rg)]))
        let g = try #require(SnapshotDiff.compute(old: old, new: new).privilegeGrowth.first)
        #expect(g.items.contains { $0.kind == .secretAccess && $0.what.contains("Microsoft.Storage/storageAccounts/listKeys/action") })
        #expect(!g.items.contains { $0.kind == .roleAssignmentWrite })
    }

    @Test("removing a deny assignment grows those it denied, though none of their assignments changed")
    func liftedDeny() throws {
        let owner = Self.assign(1, ownerRoleID, Self.sub)
        var before = Self.tenant([owner])
        before.denyAssignments = [DenyAssignment(
            id: "0c0c0000-0000-4000-8000-000000000001", resourceID: "da", name: "no role writes", scope: Self.sub,
            permissions: [PermissionBlock(actions: ["Microsoft.Authorization/roleAssignments/write"])],
            principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")])]
        let growth = SnapshotDiff.compute(old: Evaluator(snapshot: before), new: Evaluator(snapshot: Self.tenant([owner]))).privilegeGrowth
        let g = try #require(growth.first)
        #expect(g.items.map(\.kind) == [.roleAssignmentWrite])
        #expect(g.items.first?.what == ["Microsoft.Authorization/roleAssignments/write"])
    }

    @Test("a management group moved from under a deny lists every grant of what it now holds, inherited ones too")
    func movedManagementGroup() throws {
        func mg(_ name: String, _ parent: String?) -> ManagementGroup { ManagementGroup(name: name, displayName: name, parentName: parent) }
        let platform = Scope("/providers/Microsoft.Management/managementGroups/platform")
        let b = Scope("/providers/Microsoft.Management/managementGroups/b")
        let held = [Self.assign(1, ownerRoleID, platform), Self.assign(2, ownerRoleID, b)]
        var before = Self.tenant(held), after = Self.tenant(held)
        before.managementGroups = [mg("tenant", nil), mg("a", "tenant"), mg("b", "tenant"), mg("platform", "a")]
        after.managementGroups = [mg("tenant", nil), mg("a", "tenant"), mg("b", "tenant"), mg("platform", "b")]
        let deny = DenyAssignment(
            id: "0c0c0000-0000-4000-8000-000000000001", resourceID: "da", name: "no role writes",
            scope: Scope("/providers/Microsoft.Management/managementGroups/a"),
            permissions: [PermissionBlock(actions: ["Microsoft.Authorization/roleAssignments/write"])],
            principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")])
        before.denyAssignments = [deny]
        after.denyAssignments = [deny]
        let g = try #require(SnapshotDiff.compute(old: Evaluator(snapshot: before), new: Evaluator(snapshot: after)).privilegeGrowth.first)
        let item = try #require(g.items.first { $0.what.contains("Microsoft.Authorization/roleAssignments/write") })
        #expect(item.scope == platform.display)
        #expect(item.assignments == held.map(\.id).sorted())
    }

    @Test("agrees with the reference evaluator on random pairs of snapshots, and judging only what changed agrees with judging all")
    func randomPairs() throws {
        let cases = RandomCases.count(default: 80)
        var failures: [String] = []
        var grew = 0
        for n in 0..<cases where failures.count < 5 {
            let seed = UInt64(0x6120_0000) &+ UInt64(n)
            let (before, after) = Self.pair(seed: seed)
            let old = Evaluator(snapshot: before), new = Evaluator(snapshot: after)
            let growth = SnapshotDiff.compute(old: old, new: new).privilegeGrowth
            let whole = SnapshotDiff.privilegeGrowth(old: old, new: new, sameRoles: SnapshotDiff.sameRoles(SnapshotDiff.roles(before),
                                                                                                          SnapshotDiff.roles(after)),
                                                     restrict: false)
            if growth != whole { failures.append("seed \(seed): judging only the changed assignments differs from judging all") }
            let expected = Self.expectedGrowth(before, after)
            var actual: [String: Set<String>] = [:]
            for g in growth {
                for item in g.items {
                    if item.kind == .newAssignment || item.kind == .newOwner {
                        for a in item.assignments { actual[g.principal, default: []].insert("assignment \(a)") }
                    } else {
                        for w in item.what { actual[g.principal, default: []].insert("\(w.lowercased()) at \(Scope(item.scope).key)") }
                    }
                }
            }
            grew += actual.count
            if actual != expected {
                let who = Set(actual.keys).union(expected.keys).sorted().filter { actual[$0] != expected[$0] }
                let p = who.first ?? ""
                failures.append("seed \(seed): \(p): expected \((expected[p] ?? []).sorted()), got \((actual[p] ?? []).sorted())")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(grew > cases / 2, "too few principals grew (\(grew)) for the test to mean much")
    }

    /// Per principal: each risky operation it is allowed at a scope where an assignment granting it
    /// sits, and was not allowed there before; and each counting assignment that reaches it now and
    /// did not before. By the reference evaluator, over every principal of both snapshots.
    static func expectedGrowth(_ before: AuthorizationSnapshot, _ after: AuthorizationSnapshot) -> [String: Set<String>] {
        let refOld = ReferenceEvaluator(snapshot: before), refNew = ReferenceEvaluator(snapshot: after)
        let principals = Set(after.roleAssignments.map(\.principalID) + after.principals.map(\.id) + after.memberships.map(\.memberID)
            + before.memberships.map(\.memberID))
        var out: [String: Set<String>] = [:]
        for p in principals.sorted() {
            let idsNew = refNew.groups(of: p).union([p]), idsOld = refOld.groups(of: p).union([p])
            let held = after.roleAssignments.filter { idsNew.contains($0.principalID) && $0.state == .active }
            let heldBefore = Set(before.roleAssignments.filter { idsOld.contains($0.principalID) && $0.state == .active }.map(\.id))
            var grown = Set(held.filter { !heldBefore.contains($0.id) }.map { "assignment \($0.id)" })
            for scope in Set(held.map(\.scope)) {
                let here = Set(held.filter { $0.scope.key == scope.key }.map(\.id))
                for r in RiskCatalog.operations {
                    let now = refNew.decide(principal: p, operation: r.name, plane: r.plane, scope: scope)
                    guard now.outcome == .allowed, !now.granting.isDisjoint(with: here) else { continue }
                    if refOld.decide(principal: p, operation: r.name, plane: r.plane, scope: scope).outcome != .allowed {
                        grown.insert("\(r.name.lowercased()) at \(scope.key)")
                    }
                }
            }
            if !grown.isEmpty { out[p] = grown }
        }
        return out
    }

    /// A random tenant with a role granting risky operations, and the same tenant later: assignments
    /// removed, added and edited in place, roles widened or deleted, memberships added and removed,
    /// deny assignments lifted or added, subscriptions and management groups moved.
    static func pair(seed: UInt64) -> (AuthorizationSnapshot, AuthorizationSnapshot) {
        let t = RandomTenant.make(seed: seed)
        var rng = SeededGenerator(seed: seed ^ 0x6A0D)
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        var before = t.snapshot
        let risky = RoleDefinition(
            id: "08080000-0000-4000-8000-0000000000aa", resourceID: "risky", roleName: "risky", isCustom: true,
            permissions: [PermissionBlock(actions: ["Microsoft.Authorization/*", "Microsoft.Storage/*/listKeys/action", "*/runCommand/action"],
                                          notActions: chance(0.3) ? ["Microsoft.Authorization/*/Delete"] : [],
                                          dataActions: ["Microsoft.KeyVault/vaults/secrets/*"])])
        before.roleDefinitions.append(risky)
        let scopes = Array(t.scopes.prefix(12))
        var counter = 0
        func assignment(_ principal: String? = nil) -> RoleAssignment {
            counter += 1
            let p = principal ?? pick(t.principals)
            return RoleAssignment(id: "0d0d0000-0000-4000-8000-\(String(format: "%012x", counter))", resourceID: "rn-\(counter)",
                                  scope: pick(scopes), roleDefinitionID: chance(0.5) ? risky.id : pick(before.roleDefinitions).id,
                                  principalID: p, principalType: "User", state: chance(0.1) ? .eligible : .active,
                                  condition: chance(0.1) ? "@Resource[x] StringEquals 'y'" : nil)
        }
        for _ in 0..<Int.random(in: 0...4, using: &rng) { before.roleAssignments.append(assignment()) }

        var after = before
        after.roleAssignments.removeAll { _ in chance(0.15) }
        for _ in 0..<Int.random(in: 0...4, using: &rng) { after.roleAssignments.append(assignment()) }
        if !after.roleAssignments.isEmpty, chance(0.2) {
            let i = Int.random(in: 0..<after.roleAssignments.count, using: &rng)
            if chance(0.5) { after.roleAssignments[i].condition = after.roleAssignments[i].condition == nil ? "@Resource[x] StringEquals 'y'" : nil }
            else { after.roleAssignments[i].scope = pick(scopes) }
        }
        if chance(0.3) {
            let i = Int.random(in: 0..<after.roleDefinitions.count, using: &rng)
            after.roleDefinitions[i].permissions[0].actions.append(pick(["*/write", "Microsoft.Authorization/roleAssignments/write", "*"]))
        }
        if chance(0.05) { after.roleDefinitions.removeFirst() }
        after.memberships.removeAll { _ in chance(0.1) }
        let users = after.principals.filter { $0.kind == .user }.map(\.id), groups = after.principals.filter { $0.kind == .group }.map(\.id)
        for _ in 0..<Int.random(in: 0...2, using: &rng) where !groups.isEmpty {
            let m = chance(0.7) ? pick(users) : pick(groups)
            after.memberships.append(GroupMembership(groupID: pick(groups), memberID: m, memberKind: users.contains(m) ? .user : .group))
        }
        if !after.denyAssignments.isEmpty, chance(0.3) { after.denyAssignments.removeFirst() }
        if chance(0.2) {
            after.denyAssignments.append(DenyAssignment(
                id: "0e0e0000-0000-4000-8000-000000000001", resourceID: "dn", name: "new deny", scope: pick(scopes),
                permissions: [PermissionBlock(actions: ["*/write"])],
                principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")]))
        }
        if chance(0.3), !after.subscriptions.isEmpty {
            after.subscriptions[0].managementGroupID = chance(0.8) ? pick(after.managementGroups).id : nil
        }
        if chance(0.25), after.managementGroups.count > 2 {
            after.managementGroups[after.managementGroups.count - 1].parentID = after.managementGroups[0].id
        }
        return (before, after)
    }
}
