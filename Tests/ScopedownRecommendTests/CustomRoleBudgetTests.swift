import ScopedownCore
@testable import ScopedownRecommend
import ScopedownTestSupport
import Testing

/// Over the custom-role limit (REFERENCE.md §4.1), the generated roles worth most are kept and the
/// other assignments fall back to proposals that need no new role.
@Suite("Recommender: custom-role budget")
struct CustomRoleBudgetTests {
    typealias T = SmallTenant

    static let computeOps = RoleDefinition(
        id: T.id("08080808", 9), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(T.id("08080808", 9))",
        roleName: "Compute Ops", isCustom: true,
        permissions: [PermissionBlock(actions: ["*/read", "Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete",
                                                "Microsoft.Compute/virtualMachines/start/action"])],
        assignableScopes: [T.rgData])
    static let vmData = Scope(T.rgData.display + "/providers/Microsoft.Compute/virtualMachines/vm-2")
    static let saData = Scope(T.rgData.display + "/providers/Microsoft.Storage/storageAccounts/sa-data")
    static let saApp = Scope(T.rgApp.display + "/providers/Microsoft.Storage/storageAccounts/sa-app")
    static func sp(_ n: Int) -> String { T.id("05050505", n + 3) }

    /// Five Owner assignments of five service principals, each wanting its own generated role; one
    /// existing custom role (Compute Ops, assignable at rg-data only).
    /// 1: write+delete at rg-data (falls back to Compute Ops: 1 more operation);
    /// 2: write+start at rg-app (to the built-in Compute Admin: delete and runCommand, weight 11);
    /// 3: storage and deployment writes in rg-data, held at the subscription (to Owner at rg-data: 34);
    /// 4: start+listKeys at rg-app (Owner kept: 25);
    /// 5: delete+start at rg-app (Compute Admin: write and runCommand, 11, as 2).
    static func tenant() -> (AuthorizationSnapshot, [RecordedUse]) {
        var s = T.snapshot([
            T.assignment(1, sp(1), T.owner, T.rgData, type: "ServicePrincipal"),
            T.assignment(2, sp(2), T.owner, T.rgApp, type: "ServicePrincipal"),
            T.assignment(3, sp(3), T.owner, T.sub, type: "ServicePrincipal"),
            T.assignment(4, sp(4), T.owner, T.rgApp, type: "ServicePrincipal"),
            T.assignment(5, sp(5), T.owner, T.rgApp, type: "ServicePrincipal"),
        ])
        s.roleDefinitions = [T.owner, T.reader, T.vmStarter, T.computeAdmin, computeOps]
        let uses = T.uses(sp(1), "Microsoft.Compute/virtualMachines/write", vmData) + T.uses(sp(1), "Microsoft.Compute/virtualMachines/delete", vmData)
            + T.uses(sp(2), "Microsoft.Compute/virtualMachines/write", T.vm) + T.uses(sp(2), "Microsoft.Compute/virtualMachines/start/action", T.vm)
            + T.uses(sp(3), "Microsoft.Storage/storageAccounts/write", saData) + T.uses(sp(3), "Microsoft.Resources/deployments/write", T.rgData)
            + T.uses(sp(4), "Microsoft.Compute/virtualMachines/start/action", T.vm) + T.uses(sp(4), "Microsoft.Storage/storageAccounts/listKeys/action", saApp)
            + T.uses(sp(5), "Microsoft.Compute/virtualMachines/delete", T.vm) + T.uses(sp(5), "Microsoft.Compute/virtualMachines/start/action", T.vm)
        return (s, uses)
    }

    static func run(limit: Int?) -> RecommendResult {
        let (s, uses) = tenant()
        var o = RecommendOptions()
        if let limit { o.customRoleLimit = limit }
        let e = Evaluator(snapshot: s)
        return Recommender(evaluator: e, options: o)
            .run(uses: e.attribute(uses).uses, windowFrom: Int64(T.day - 100) * 86_400, windowTo: Int64(T.day) * 86_400 + 3600)
    }

    /// The recommendation of assignment `n`.
    static func rec(_ r: RecommendResult, _ n: Int) -> Recommendation? {
        r.recommendations.first { $0.assignment.id == T.id("0a0a0a0a", n) }
    }

    @Test("within the limit nothing changes: every assignment gets its generated role, nothing is said")
    func withinLimit() throws {
        let r = Self.run(limit: nil)
        #expect(r.recommendations.allSatisfy { $0.proposal.kind == .replaceWithCustom && $0.proposal.generatedRole })
        #expect(r.generatedRoles.count == 5)
        #expect(!r.summary.customRoleLimitExceeded && r.summary.customRoleFallbacks == 0)
        #expect(r.summary.existingCustomRoles == 1 && r.summary.customRoleLimit == 5_000)
        #expect(!r.summary.notes.contains { $0.contains("budget") } && !r.recommendations.contains { $0.notes.contains { $0.contains("budget") } })
        // Exactly at the limit (1 existing + 5 generated = 6): the same result.
        let atLimit = Self.run(limit: 6)
        #expect(atLimit.recommendations == r.recommendations && atLimit.generatedRoles == r.generatedRoles)
        #expect(!atLimit.summary.customRoleLimitExceeded)
    }

    @Test("over the budget, the roles that remove the most privilege are kept; the others fall back by kind, replay 0")
    func cutByValue() throws {
        let all = Self.run(limit: nil)
        func roleID(_ n: Int) -> String { Self.rec(all, n)?.proposal.roleID ?? "" }

        // Limit 2 with 1 existing custom role: a budget of one role, the one worth most (assignment 3: 34).
        let one = Self.run(limit: 2)
        #expect(one.generatedRoles.map(\.id) == [roleID(3)])
        #expect(one.summary.customRoleLimitExceeded && one.summary.customRoleBudget == 1 && one.summary.customRolesWanted == 5)
        #expect(one.summary.customRoleFallbacks == 4 && one.summary.generatedRoles == 1)
        let x1 = try #require(Self.rec(one, 1)), x2 = try #require(Self.rec(one, 2)), x3 = try #require(Self.rec(one, 3))
        let x4 = try #require(Self.rec(one, 4)), x5 = try #require(Self.rec(one, 5))
        #expect(x3.proposal.kind == .replaceWithCustom && x3.proposal.generatedRole && x3.proposal.roleID == roleID(3))
        // An existing custom role that fits (assignable where it goes).
        #expect(x1.proposal.kind == .replaceWithCustom && !x1.proposal.generatedRole && x1.proposal.role == "Compute Ops")
        #expect(x1.proposal.scopes == [T.rgData])
        // A built-in (Compute Ops cannot be assigned at rg-app).
        #expect(x2.proposal.kind == .replaceWithBuiltin && x2.proposal.role == "Compute Admin" && x5.proposal.role == "Compute Admin")
        // Nothing fits: the current role stays.
        #expect(x4.proposal.kind == .keep && x4.proposal.role == "Owner" && x4.proposal.scopes == [T.rgApp])
        #expect(x1.notes.first == "custom-role budget of 1 reached (limit 2 per tenant, 1 custom role exists): a generated role with exactly what must be kept "
            + "would have removed 1 more unused observable operation (Microsoft.Compute/virtualMachines/start/action), risk-weighted 1; "
            + "proposed instead: the existing custom role Compute Ops")
        #expect(x2.notes.first == "custom-role budget of 1 reached (limit 2 per tenant, 1 custom role exists): a generated role with exactly what must be kept "
            + "would have removed 2 more unused observable operations (Microsoft.Compute/virtualMachines/runCommand/action, "
            + "Microsoft.Compute/virtualMachines/delete), risk-weighted 11; proposed instead: the built-in Compute Admin")
        #expect(x4.notes.first?.hasSuffix("would have removed 7 more unused observable operations (Microsoft.Authorization/roleAssignments/write, "
            + "Microsoft.Compute/virtualMachines/runCommand/action, Microsoft.Authorization/roleAssignments/delete, and 4 more), risk-weighted 25; "
            + "proposed instead: the current role, kept") ?? false)
        #expect(one.summary.notes.last == "the proposals want 5 new custom roles, but 1 exists and the limit is 2 per tenant (Azure's: 5,000; 2,000 in "
            + "Azure operated by 21Vianet; --custom-role-limit): the 1 that remove the most privilege (risk-weighted) are generated, and 4 assignments fell back to a "
            + "proposal needing no new role (2 to a built-in, 1 to an existing custom role, 1 kept), each saying why")
        // Never more privilege, and every use replayed against the final proposals.
        #expect(one.recommendations.allSatisfy { $0.replay.denied == 0 && $0.replay.events == 60 })
        #expect(one.summary.replayDenied == 0 && one.summary.replayEvents == 300)
        // The change plan names only the roles generated.
        #expect(one.changePlan.roles.map(\.id) == [roleID(3)])
        #expect(Set(one.changePlan.changes.flatMap(\.new).map(\.roleDefinitionID)).isSubset(of: [roleID(3), T.computeAdmin.id, Self.computeOps.id]))

        // Budget 2: assignment 4's role (25) joins; budget 3: a tie at 11 between 2 and 5, broken by role id.
        #expect(Set(Self.run(limit: 3).generatedRoles.map(\.id)) == [roleID(3), roleID(4)])
        let three = Self.run(limit: 4)
        #expect(Set(three.generatedRoles.map(\.id)) == [roleID(3), roleID(4), min(roleID(2), roleID(5))])
        let loser = roleID(2) < roleID(5) ? 5 : 2
        #expect(Self.rec(three, loser)?.proposal.role == "Compute Admin" && three.summary.customRoleFallbacks == 2)
        #expect(three.recommendations.allSatisfy { $0.replay.denied == 0 })
        // Deterministic.
        #expect(Self.run(limit: 4).recommendations == three.recommendations && Self.run(limit: 2).generatedRoles == one.generatedRoles)
    }

    @Test("no budget left (as many custom roles as the limit exist): every assignment falls back, narrowed where the uses allow")
    func noBudget() throws {
        let r = Self.run(limit: 1)
        #expect(r.generatedRoles.isEmpty && r.summary.customRoleBudget == 0 && r.summary.customRoleFallbacks == 5)
        let x3 = try #require(Self.rec(r, 3))
        // Owner at the subscription, every use in rg-data: the current role at rg-data.
        #expect(x3.proposal.kind == .narrowScope && x3.proposal.role == "Owner" && x3.proposal.scopes == [T.rgData])
        #expect(x3.notes.first?.hasSuffix("proposed instead: the current role at the scopes used") ?? false)
        #expect(x3.notes.contains("every use lies within \(T.rgData.display)"))
        #expect(r.summary.notes.last?.contains("(2 to a built-in, 1 to an existing custom role, 1 to narrower scopes, 1 kept)") ?? false)
        #expect(r.recommendations.allSatisfy { $0.replay.denied == 0 && $0.replay.events == 60 })
        #expect(r.changePlan.roles.isEmpty)
    }

    @Test("an unused assignment over the budget: Reader where it fits, else kept and said to need only the unobservable")
    func unused() throws {
        let storageOps = T.role(9, "Storage Ops", builtIn: false, ["Microsoft.Storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/write"])
        var s = T.snapshot([T.assignment(1, Self.sp(1), T.owner, T.rgApp, type: "ServicePrincipal"),
                            T.assignment(2, Self.sp(2), storageOps, T.rgApp, type: "ServicePrincipal")])
        s.roleDefinitions.append(storageOps)
        var o = RecommendOptions()
        let e = Evaluator(snapshot: s)
        func run() -> RecommendResult {
            Recommender(evaluator: e, options: o).run(uses: [], windowFrom: Int64(T.day - 100) * 86_400, windowTo: Int64(T.day) * 86_400 + 3600)
        }
        let free = run()
        #expect(free.recommendations.map(\.proposal.kind) == [.replaceWithBuiltin, .replaceWithCustom])
        o.customRoleLimit = 4   // 4 custom roles exist
        let r = run()
        #expect(r.generatedRoles.isEmpty && r.summary.customRoleFallbacks == 1)
        #expect(r.recommendations[0] == free.recommendations[0])
        let x = r.recommendations[1]
        #expect(x.proposal.kind == .keep && x.proposal.role == "Storage Ops" && x.replay.denied == 0)
        #expect(x.notes == [
            "custom-role budget of 0 reached (limit 4 per tenant, 4 custom roles exist): a generated role with exactly what must be kept would have "
                + "removed 1 more unused observable operation (Microsoft.Storage/storageAccounts/write), risk-weighted 1; proposed instead: the current role, kept",
            "no observable use in the window: it needs only what the Activity Log cannot observe (reads, data actions), unobservable, not unused",
        ])
    }
}
