import ScopedownCore
@testable import ScopedownRecommend
import ScopedownTestSupport
import Testing

/// Generated custom roles stay within Azure's limits (REFERENCE.md §4.1, §4.2).
@Suite("Recommender: custom-role limits")
struct CustomRoleLimitTests {
    typealias T = SmallTenant

    /// A GUID whose last group is `n`, zero-padded.
    static func guid(_ prefix: String, _ n: Int) -> String {
        let digits = String(n)
        return "\(prefix)-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    static func run(_ s: AuthorizationSnapshot, _ recorded: [RecordedUse], options: RecommendOptions = RecommendOptions()) -> RecommendResult {
        let e = Evaluator(snapshot: s)
        return Recommender(evaluator: e, options: options)
            .run(uses: e.attribute(recorded).uses, windowFrom: Int64(T.day - 100) * 86_400, windowTo: Int64(T.day) * 86_400 + 3600)
    }

    /// `n` subscriptions under management group `mg1`, each with a resource group `rg` and a VM.
    static func wideTenant(_ n: Int, assignments: (Int, Scope) -> RoleAssignment?) -> AuthorizationSnapshot {
        var s = T.snapshot([])
        s.managementGroups = [ManagementGroup(name: "mg1", displayName: "mg1", parentName: nil)]
        s.subscriptions = (1...n).map { Subscription(id: guid("22222222", $0), displayName: "sub \($0)", managementGroupID: "mg1") }
        s.roleAssignments = (1...n).compactMap { i in assignments(i, Scope("/subscriptions/\(guid("22222222", i))")) }
        return s
    }

    static func vm(_ i: Int) -> Scope {
        Scope("/subscriptions/\(guid("22222222", i))/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm")
    }

    @Test("an identical role needed at more than 2,000 subscriptions is split into parts of at most 2,000 assignable scopes")
    func assignableScopesSplit() throws {
        let n = CustomRoleLimits.assignableScopes + 1
        let s = Self.wideTenant(n) { i, sub in
            RoleAssignment(id: Self.guid("0a0a0a0a", i), resourceID: "\(sub.display)/providers/Microsoft.Authorization/roleAssignments/\(Self.guid("0a0a0a0a", i))",
                           scope: sub, roleDefinitionID: T.owner.id, principalID: T.app, principalType: "ServicePrincipal", createdOn: "2025-01-01T00:00:00Z")
        }
        let uses = (1...n).flatMap { i in
            ["Microsoft.Compute/virtualMachines/write", "Microsoft.Compute/virtualMachines/delete"].map {
                RecordedUse(caller: T.app, action: $0, scope: Self.vm(i), day: T.day - 3, evidence: nil, count: 1, lastSeen: nil)
            }
        }
        let r = Self.run(s, uses)
        #expect(r.recommendations.allSatisfy { $0.proposal.kind == .replaceWithCustom })
        #expect(r.generatedRoles.count == 2)
        #expect(r.generatedRoles.map(\.assignableScopes.count) == [2_000, 1])
        #expect(r.generatedRoles.allSatisfy { $0.assignableScopes.count <= CustomRoleLimits.assignableScopes })
        let names = r.generatedRoles.map(\.roleName)
        #expect(names[0].hasSuffix("-1") && names[1].hasSuffix("-2") && names[0].dropLast(2) == names[1].dropLast(2))
        #expect(Set(r.generatedRoles.map(\.id)).count == 2 && r.generatedRoles.allSatisfy { AzureID.guidKey($0.id) == $0.id })
        #expect(r.generatedRoles.allSatisfy { $0.description.contains("of 2: Azure allows 2000 assignable scopes") })
        // Each assignment's role can be assigned where it goes, and nothing replayed is denied.
        let byID = Dictionary(uniqueKeysWithValues: r.generatedRoles.map { ($0.id, $0) })
        for x in r.recommendations {
            let role = try #require(byID[x.proposal.roleID])
            let keys = Set(role.assignableScopes.map(\.key))
            #expect(x.proposal.scopes.allSatisfy { keys.contains(($0.subscriptionScope ?? $0).key) })
        }
        #expect(r.summary.replayDenied == 0 && r.summary.replayEvents == 2 * n)
        // Deterministic: the same parts on a second run.
        #expect(Self.run(s, uses).generatedRoles == r.generatedRoles)
    }

    @Test("parts are filled in the order of the members' first scope, each up to the limit")
    func parts() {
        func a(_ n: Int) -> RoleAssignment { T.assignment(n, T.app, T.owner, T.sub) }
        let sa = Scope("/subscriptions/a"), sb = Scope("/subscriptions/b"), sc = Scope("/subscriptions/c"), sd = Scope("/subscriptions/d")
        let parts = Recommender.partsWithinScopeLimit([(a(1), [sa]), (a(2), [sb]), (a(3), [sa, sc]), (a(4), [sd])], limit: 2)
        #expect(parts.map(\.members) == [[0, 2], [1, 3]])
        #expect(parts.map(\.scopes) == [[sa, sc], [sb, sd]])
        #expect(Recommender.partsWithinScopeLimit([(a(1), [sa]), (a(2), [sb])]).count == 1)
    }

    @Test("a role with data actions at a management group over more than 2,000 subscriptions is kept, not split per member")
    func oneMemberOverLimit() {
        let n = CustomRoleLimits.assignableScopes + 1
        let role = T.role(8, "Compute Data", builtIn: false, ["Microsoft.Compute/*"], data: ["Microsoft.Storage/*"])
        var s = Self.wideTenant(n) { _, _ in nil }
        s.roleDefinitions.append(role)
        let mg = Scope("/providers/Microsoft.Management/managementGroups/mg1")
        s.roleAssignments = [RoleAssignment(id: Self.guid("0a0a0a0a", 1), resourceID: "\(mg.display)/providers/Microsoft.Authorization/roleAssignments/x",
                                            scope: mg, roleDefinitionID: role.id, principalID: T.app, principalType: "ServicePrincipal",
                                            createdOn: "2025-01-01T00:00:00Z")]
        let uses = (1...4).map { RecordedUse(caller: T.app, action: "Microsoft.Compute/virtualMachines/write", scope: Self.vm($0), day: T.day - 3,
                                             evidence: nil, count: 1, lastSeen: nil) }
        let r = Self.run(s, uses)
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .keep)
        #expect(x.notes.contains { $0.contains("would need \(n) assignable scopes, more than the 2000 Azure allows") })
        #expect(r.generatedRoles.isEmpty)
    }

    @Test("generated names and descriptions stay within 512 and 2,048 characters, whatever the current role is called")
    func nameAndDescription() throws {
        var hostile = T.owner
        hostile.roleName = "Owner \u{1b}[31m|`" + String(repeating: "x", count: 600)
        var s = T.snapshot([T.assignment(1, T.app, hostile, T.rgApp, type: "ServicePrincipal")])
        s.roleDefinitions[0] = hostile
        let r = Self.run(s, T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm) + T.uses(T.app, "Microsoft.Compute/virtualMachines/delete", T.vm))
        let role = try #require(r.generatedRoles.first)
        #expect(role.roleName.count <= CustomRoleLimits.nameLength && role.roleName.count <= 128)
        #expect(role.roleName.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-" })
        #expect(role.description.count <= CustomRoleLimits.descriptionLength)
        #expect(!role.assignableScopes.contains { $0.level == .root })
    }

    @Test("one wildcard per action string: --compact patterns have one; a used name holding `*` is never kept")
    func oneWildcard() {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let uses = T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm) + T.uses(T.app, "Microsoft.Compute/virtualMachines/delete", T.vm)
        var o = RecommendOptions()
        o.compact = true
        let compact = T.run([a], uses, options: o).0
        let strings: [String] = compact.generatedRoles.flatMap { (r: RoleDefinition) -> [String] in
            r.permissions.flatMap { (b: PermissionBlock) -> [String] in b.actions + b.dataActions }
        }
        #expect(!strings.isEmpty && strings.allSatisfy { s in s.filter { $0 == "*" }.count <= 1 })
        let odd = T.uses(T.app, "Microsoft.Compute/*/write", T.vm, days: 2)
        let (r, _) = T.run([a], uses + odd)
        #expect(r.recommendations[0].proposal.kind == .replaceWithCustom)
        #expect(!r.recommendations[0].proposal.actions.contains { $0.contains("*") })
        #expect(!r.recommendations[0].evidence.usedActions.contains("Microsoft.Compute/*/write"))
        #expect(r.summary.notes.contains("6 recorded uses name a wildcard pattern instead of an operation: ignored"))
        #expect(r.summary.replayDenied == 0 && r.summary.replayEvents == 60)
    }

    @Test("more than 5,000 custom roles in the tenant with the generated ones: the cut role's assignment falls back, said in the summary")
    func rolesPerTenant() {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let uses = T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm) + T.uses(T.app, "Microsoft.Compute/virtualMachines/delete", T.vm)
        for (extra, exceeded) in [(CustomRoleLimits.rolesPerTenant - 4, false), (CustomRoleLimits.rolesPerTenant - 3, true)] {
            var s = T.snapshot([a])
            s.roleDefinitions += (1...extra).map { i in
                RoleDefinition(id: Self.guid("09090909", i), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(Self.guid("09090909", i))",
                               roleName: "extra \(i)", isCustom: true, permissions: [PermissionBlock(actions: ["Microsoft.Storage/storageAccounts/write"])],
                               assignableScopes: [T.sub])
            }
            let r = Self.run(s, uses)
            #expect(r.generatedRoles.count == (exceeded ? 0 : 1))
            #expect(r.summary.existingCustomRoles == extra + 3)
            #expect(r.summary.customRoleLimitExceeded == exceeded)
            #expect(r.summary.customRoleFallbacks == (exceeded ? 1 : 0) && r.summary.customRolesWanted == 1)
            #expect(r.summary.notes.contains { $0.contains("the limit is 5000 per tenant") } == exceeded)
            // Owner at rg-app, used for VM writes and deletes: the built-in Compute Admin instead.
            #expect(r.recommendations[0].proposal.kind == (exceeded ? .replaceWithBuiltin : .replaceWithCustom))
            #expect(r.recommendations[0].notes.first?.hasPrefix("custom-role budget of 0 reached (limit 5000 per tenant, 5000 custom roles exist)") == exceeded)
            #expect(r.summary.replayDenied == 0 && r.summary.replayEvents == 60)
        }
    }
}
