import ScopedownCore
@testable import ScopedownRecommend
import ScopedownTestSupport
import Testing

/// A small tenant built by hand: one subscription with two resource groups, a catalog of a few
/// operations, built-in and custom roles. Each test adds the assignment and uses it needs.
struct SmallTenant {
    static func id(_ p: String, _ n: Int) -> String { "\(p)-0000-4000-8000-00000000000\(n)" }
    static let alice = id("05050505", 1), bob = id("05050505", 2), app = id("05050505", 3), team = id("06060606", 1)
    static let sub = Scope("/subscriptions/11111111-0000-4000-8000-000000000001")
    static let rgApp = Scope(sub.display + "/resourceGroups/rg-app")
    static let rgData = Scope(sub.display + "/resourceGroups/rg-data")
    static let vm = Scope(rgApp.display + "/providers/Microsoft.Compute/virtualMachines/vm-1")
    static let day = CivilDate.days(year: 2026, month: 11, day: 20)

    static let catalog: [CatalogOperation] = [
        "Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/write",
        "Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/virtualMachines/start/action",
        "Microsoft.Compute/virtualMachines/runCommand/action", "Microsoft.Storage/storageAccounts/read",
        "Microsoft.Storage/storageAccounts/write", "Microsoft.Storage/storageAccounts/listKeys/action",
        "Microsoft.Authorization/roleAssignments/read", "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete", "Microsoft.Resources/deployments/write",
        "Microsoft.Resources/deployments/read",
    ].map { CatalogOperation(name: $0, isDataAction: false) } + [
        CatalogOperation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", isDataAction: true),
    ]

    static func role(_ n: Int, _ name: String, builtIn: Bool, _ actions: [String], not: [String] = [], data: [String] = []) -> RoleDefinition {
        RoleDefinition(id: id("08080808", n), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id("08080808", n))",
                       roleName: name, isCustom: !builtIn, permissions: [PermissionBlock(actions: actions, notActions: not, dataActions: data)],
                       assignableScopes: [sub])
    }

    static let owner = role(1, "Owner", builtIn: true, ["*"])
    static let reader = role(2, "Reader", builtIn: true, ["*/read"])
    static let vmStarter = role(3, "VM Starter", builtIn: true, ["*/read", "Microsoft.Compute/virtualMachines/start/action"])
    static let computeAdmin = role(4, "Compute Admin", builtIn: true, ["*/read", "Microsoft.Compute/*"])
    static let writer = role(5, "Storage Writer", builtIn: false, ["Microsoft.Storage/storageAccounts/write"])
    static let vmOps = role(6, "VM Ops", builtIn: false, ["Microsoft.Compute/virtualMachines/start/action", "Microsoft.Compute/virtualMachines/write"])
    static let deployer = role(7, "Deployer", builtIn: false, ["Microsoft.Resources/deployments/write", "Microsoft.Compute/virtualMachines/write",
                                                                 "Microsoft.Compute/virtualMachines/delete", "Microsoft.Storage/storageAccounts/write"])

    static func assignment(_ n: Int, _ principal: String, _ role: RoleDefinition, _ scope: Scope, type: String = "User",
                           state: AssignmentState = .active, condition: String? = nil, createdOn: String? = "2025-01-01T00:00:00Z") -> RoleAssignment {
        RoleAssignment(id: id("0a0a0a0a", n), resourceID: "\(scope.display)/providers/Microsoft.Authorization/roleAssignments/\(id("0a0a0a0a", n))",
                       scope: scope, roleDefinitionID: role.id, principalID: principal, principalType: type, state: state,
                       condition: condition, conditionVersion: condition == nil ? nil : "2.0", createdOn: createdOn)
    }

    static func snapshot(_ assignments: [RoleAssignment]) -> AuthorizationSnapshot {
        AuthorizationSnapshot(
            roleDefinitions: [owner, reader, vmStarter, computeAdmin, writer, vmOps, deployer], roleAssignments: assignments,
            principals: [Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.example"),
                         Principal(id: bob, kind: .user, displayName: "Bob"),
                         Principal(id: app, kind: .servicePrincipal, displayName: "app"),
                         Principal(id: team, kind: .group, displayName: "team")],
            memberships: [GroupMembership(groupID: team, memberID: bob, memberKind: .user)],
            subscriptions: [Subscription(id: sub.display.split(separator: "/").last.map(String.init) ?? "", displayName: "sub", tags: ["scopedown:keep": "no"])],
            operations: catalog)
    }

    /// A use of `action` at `scope` by `principal` on `days` distinct days ending at `day`.
    static func uses(_ principal: String, _ action: String, _ scope: Scope, days: Int = 10) -> [RecordedUse] {
        (0..<days).map { RecordedUse(caller: principal, action: action, scope: scope, day: day - $0 * 2, evidence: nil, count: 3, lastSeen: nil) }
    }

    static func run(_ assignments: [RoleAssignment], _ recorded: [RecordedUse], options: RecommendOptions = RecommendOptions())
        -> (RecommendResult, Evaluator) {
        let e = Evaluator(snapshot: snapshot(assignments))
        let attributed = e.attribute(recorded)
        let r = Recommender(evaluator: e, options: options)
            .run(uses: attributed.uses, windowFrom: Int64(day - 100) * 86_400, windowTo: Int64(day) * 86_400 + 3600)
        return (r, e)
    }
}

@Suite("Recommender")
struct RecommenderTests {
    typealias T = SmallTenant

    @Test("keep: every operation the role grants was used")
    func keep() {
        let a = T.assignment(1, T.app, T.vmOps, T.rgApp, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm)
                                + T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .keep)
        #expect(x.proposal.role == "VM Ops")
        #expect(x.replay.events == 60 && x.replay.denied == 0)
        #expect(x.evidence.daysUsed == 10)
        #expect(x.evidence.usedActions == ["Microsoft.Compute/virtualMachines/start/action", "Microsoft.Compute/virtualMachines/write"])
    }

    @Test("remove: nothing observable was used and nothing unobservable must be kept")
    func remove() {
        let a = T.assignment(1, T.app, T.writer, T.sub, type: "ServicePrincipal")
        let (r, _) = T.run([a], [])
        #expect(r.recommendations[0].proposal.kind == .remove)
        #expect(r.recommendations[0].proposal.scopes.isEmpty)
        #expect(r.recommendations[0].evidence.classes.observableUnusedRemoved == 1)
        #expect(r.changePlan.changes.count == 1 && r.changePlan.changes[0].new.isEmpty)
    }

    @Test("narrow-scope: every use of a subscription assignment lies in one resource group")
    func narrowScope() {
        let a = T.assignment(1, T.app, T.vmOps, T.sub, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm)
                                + T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .narrowScope)
        #expect(x.proposal.scopes == [T.rgApp])
        #expect(x.proposal.role == "VM Ops")
        #expect(x.replay.denied == 0 && x.replay.events == 60)
    }

    @Test("narrow-scope respects --max-scopes and --min-scope")
    func narrowLimits() {
        let a = T.assignment(1, T.app, T.vmOps, T.sub, type: "ServicePrincipal")
        let uses = T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm)
            + T.uses(T.app, "Microsoft.Compute/virtualMachines/write", Scope(T.rgData.display + "/providers/Microsoft.Compute/virtualMachines/vm-2"))
        var o = RecommendOptions()
        o.maxScopes = 1
        #expect(T.run([a], uses, options: o).0.recommendations[0].proposal.kind == .keep)
        o.maxScopes = 2
        #expect(T.run([a], uses, options: o).0.recommendations[0].proposal.scopes == [T.rgApp, T.rgData])
        o.minScope = .subscription
        #expect(T.run([a], uses, options: o).0.recommendations[0].proposal.kind == .keep)
        o.minScope = .resource
        o.maxScopes = 3
        let narrowed = T.run([a], uses, options: o).0.recommendations[0].proposal.scopes
        #expect(narrowed.count == 2 && narrowed.allSatisfy { $0.level == .resource })
    }

    @Test("replace-with-builtin: a built-in within the risk-weighted excess bound")
    func replaceWithBuiltin() {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .replaceWithBuiltin)
        #expect(x.proposal.role == "VM Starter")
        #expect(x.proposal.actions == ["*/read", "Microsoft.Compute/virtualMachines/start/action"])
        #expect(x.ownerEquivalentRemoved)
        #expect(x.riskRemoved.contains("Microsoft.Authorization/roleAssignments/write"))
        #expect(x.replay.denied == 0 && x.replay.events == 30)
        // Reads are unobservable: kept, never called unused.
        #expect(x.evidence.classes.unobservableKept == 4 && x.evidence.classes.unobservableRemoved == 0)
    }

    @Test("replace-with-custom: no built-in fits without risky excess; the closest one is named")
    func replaceWithCustom() {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm)
                                + T.uses(T.app, "Microsoft.Compute/virtualMachines/delete", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .replaceWithCustom)
        #expect(x.proposal.generatedRole)
        #expect(x.proposal.actions.contains("Microsoft.Compute/virtualMachines/write"))
        #expect(!x.proposal.actions.contains("Microsoft.Compute/virtualMachines/runCommand/action"))
        #expect(x.notes.contains { $0.hasPrefix("closest built-in: Compute Admin") })
        #expect(r.generatedRoles.count == 1)
        #expect(r.generatedRoles[0].roleName == x.proposal.role)
        #expect(r.generatedRoles[0].assignableScopes == [T.sub])
        #expect(x.replay.denied == 0)
    }

    @Test("--compact: a wildcard only where the catalog proves it stands for kept operations")
    func compact() {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let uses = T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm) + T.uses(T.app, "Microsoft.Compute/virtualMachines/delete", T.vm)
        var o = RecommendOptions()
        o.compact = true
        let (r, _) = T.run([a], uses, options: o)
        #expect(r.recommendations[0].proposal.actions == ["*/read", "Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/virtualMachines/write"])
        #expect(r.generatedRoles[0].permissions[0].actions == r.recommendations[0].proposal.actions)
        #expect(r.recommendations[0].replay.denied == 0)
        // Under a role whose reads stop at one provider, `*/read` would reach further: not used.
        let narrow = SmallTenant.role(9, "Compute Ops", builtIn: false, ["Microsoft.Compute/*"])
        var s = T.snapshot([T.assignment(2, T.app, narrow, T.rgApp, type: "ServicePrincipal")])
        s.roleDefinitions.append(narrow)
        let e = Evaluator(snapshot: s)
        let r2 = Recommender(evaluator: e, options: o).run(uses: e.attribute(uses).uses, windowFrom: Int64(T.day - 100) * 86_400,
                                                            windowTo: Int64(T.day) * 86_400)
        #expect(!r2.recommendations[0].proposal.actions.contains("*/read"))
        #expect(r2.recommendations[0].proposal.actions.first == "Microsoft.Compute/*/read")
    }

    @Test("identical generated roles are merged; names and ids are stable across runs")
    func dedupe() {
        let a1 = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let a2 = T.assignment(2, T.alice, T.owner, T.rgData)
        let uses = T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm)
            + T.uses(T.alice, "Microsoft.Compute/virtualMachines/write", Scope(T.rgData.display + "/providers/Microsoft.Compute/virtualMachines/vm-2"))
        let (r1, _) = T.run([a1, a2], uses), (r2, _) = T.run([a2, a1], uses)
        #expect(r1.generatedRoles.count == 1)
        #expect(r1.generatedRoles == r2.generatedRoles)
        #expect(r1.recommendations.map(\.proposal) == r2.recommendations.map(\.proposal))
        #expect(r1.recommendations[0].proposal.roleID == r1.recommendations[1].proposal.roleID)
    }

    @Test("an existing custom role with exactly the kept permissions is reused")
    func reuseExisting() {
        var o = RecommendOptions()
        o.keepReads = false
        let a = T.assignment(1, T.app, T.deployer, T.sub, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Storage/storageAccounts/write", Scope(T.rgData.display + "/providers/Microsoft.Storage/storageAccounts/st1")),
                           options: o)
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .replaceWithCustom)
        #expect(x.proposal.role == "Storage Writer" && !x.proposal.generatedRole)
        #expect(x.proposal.scopes == [T.rgData])
        #expect(r.generatedRoles.isEmpty)
    }

    @Test("make-eligible: privileged access used on few days")
    func makeEligible() {
        let a = T.assignment(1, T.alice, T.owner, T.sub)
        let (r, _) = T.run([a], T.uses(T.alice, "Microsoft.Authorization/roleAssignments/write", T.rgApp, days: 2))
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .makeEligible)
        #expect(x.proposal.eligible)
        #expect(x.proposal.scopes == [T.rgApp])
        #expect(x.notes.contains { $0.contains("used on 2 days") })
        #expect(x.replay.denied == 0)
        #expect(r.changePlan.changes[0].eligible)
    }

    @Test("unobservable: an unused Owner is reduced to reads, a role granting only reads is kept; --reads drop removes both")
    func unobservable() {
        let owner = T.assignment(1, T.alice, T.owner, T.sub)
        let reader = T.assignment(2, T.bob, T.reader, T.sub)
        let (r, _) = T.run([owner, reader], [])
        #expect(r.recommendations[0].proposal.kind == .replaceWithBuiltin && r.recommendations[0].proposal.role == "Reader")
        #expect(r.recommendations[0].notes.contains { $0.contains("unobservable, not unused") })
        #expect(r.recommendations[1].proposal.kind == .keep)
        #expect(r.recommendations[1].notes.contains { $0.contains("unobservable, not unused") })
        var o = RecommendOptions()
        o.keepReads = false
        let (d, _) = T.run([owner, reader], [], options: o)
        #expect(d.recommendations.map(\.proposal.kind) == [.remove, .remove])
    }

    @Test("exempt, too new and PIM-eligible assignments are reported, not changed")
    func notChanged() throws {
        let e1 = T.assignment(1, T.alice, T.owner, T.sub)
        let e2 = T.assignment(2, T.bob, T.owner, T.rgApp)
        let e3 = T.assignment(3, T.app, T.writer, T.rgData, type: "ServicePrincipal")
        let fresh = T.assignment(4, T.app, T.owner, T.rgApp, type: "ServicePrincipal", createdOn: "2026-11-10T00:00:00Z")
        let eligible = T.assignment(5, T.alice, T.writer, T.rgData, state: .eligible)
        var o = RecommendOptions()
        o.exemptions = try Exemptions.parse("""
            # break-glass
            principal alice@contoso.example
            assignment \(e2.resourceID)
            role storage writer
            """, file: "exempt.txt")
        let (r, _) = T.run([e1, e2, e3, fresh, eligible], [], options: o)
        #expect(r.recommendations.map(\.proposal.kind) == [.keep, .keep, .keep, .keep, .keep])
        #expect(r.recommendations.prefix(3).allSatisfy { $0.exempt })
        #expect(r.recommendations[3].tooNew)
        #expect(r.recommendations[4].notes == ["eligible (PIM): reported, not changed"])
        #expect(r.summary.exempt == 3 && r.summary.tooNew == 1 && r.summary.eligibleReported == 1)
        #expect(r.changePlan.changes.isEmpty)
        // A tag on the assignment's scope or above.
        o.exemptions = try Exemptions.parse("tag scopedown:keep=no\n", file: "x")
        #expect(T.run([e3], [], options: o).0.recommendations[0].exempt)
        o.exemptions = try Exemptions.parse("tag scopedown:keep=yes\n", file: "x")
        #expect(!T.run([e3], [], options: o).0.recommendations[0].exempt)
    }

    @Test("exemption files: errors name the file, line and column")
    func exemptionErrors() {
        #expect(throws: Diagnostic.self) { _ = try Exemptions.parse("principal\n", file: "x") }
        do {
            _ = try Exemptions.parse("# ok\n  group abc\n", file: "ex.txt")
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.file == "ex.txt" && d.line == 2 && d.column == 3)
            #expect(d.message.contains("unknown rule `group`"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("conditions are carried over; uses through a group are replayed for the member")
    func conditionsAndGroups() {
        let cond = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[x] StringEquals 'y'))"
        let a = T.assignment(1, T.team, T.owner, T.sub, type: "Group", condition: cond)
        let (r, _) = T.run([a], T.uses(T.bob, "Microsoft.Compute/virtualMachines/start/action", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.condition == cond)
        #expect(x.replay.events == 30 && x.replay.denied == 0)
        #expect(r.changePlan.changes.allSatisfy { $0.new.allSatisfy { $0.condition == cond } })
    }

    @Test("a deny assignment that already blocks a use is reported, not replayed as denied")
    func denies() {
        let a = T.assignment(1, T.app, T.vmOps, T.rgApp, type: "ServicePrincipal")
        var s = T.snapshot([a])
        s.denyAssignments = [DenyAssignment(id: T.id("0b0b0b0b", 1), resourceID: "d", name: "no start", scope: T.vm,
                                            permissions: [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/start/action"])],
                                            principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")])]
        let e = Evaluator(snapshot: s)
        let used = e.attribute(T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm)
                               + T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm))
        let r = Recommender(evaluator: e, options: RecommendOptions())
            .run(uses: used.uses, windowFrom: Int64(T.day - 100) * 86_400, windowTo: Int64(T.day) * 86_400)
        #expect(r.recommendations[0].replay.notAllowedNow == 30)
        #expect(r.recommendations[0].replay.events == 30 && r.recommendations[0].replay.denied == 0)
    }

    @Test("without an Activity Log nothing is judged unused")
    func noUsage() {
        let e = Evaluator(snapshot: T.snapshot([T.assignment(1, T.app, T.writer, T.sub, type: "ServicePrincipal")]))
        let r = Recommender(evaluator: e, options: RecommendOptions()).run(uses: [], windowFrom: nil, windowTo: nil)
        #expect(r.recommendations[0].proposal.kind == .keep)
        #expect(r.summary.notes.contains { $0.contains("no Activity Log") })
    }

    @Test("pattern algebra: coverage and intersection of wildcard patterns")
    func patterns() {
        #expect(PatternAlgebra.covers("*", "Microsoft.Compute/*"))
        #expect(PatternAlgebra.covers("Microsoft.Compute/*", "microsoft.compute/virtualMachines/*/read"))
        #expect(!PatternAlgebra.covers("Microsoft.Compute/*/read", "Microsoft.Compute/*"))
        #expect(!PatternAlgebra.covers("*/read", "*"))
        #expect(PatternAlgebra.covers("*/read", "Microsoft.Network/*/read"))
        #expect(PatternAlgebra.intersects("Microsoft.Authorization/*/Write", "*/write"))
        #expect(!PatternAlgebra.intersects("Microsoft.Authorization/*/Write", "*/read"))
        #expect(PatternAlgebra.intersects("Microsoft.Alpha/th*", "*/read"))
    }

    @Test("stable ids are GUIDs and differ by content")
    func stableIDs() {
        let a = StableID.guid("x"), b = StableID.guid("y")
        #expect(a != b && a == StableID.guid("x"))
        #expect(a.count == 36 && AzureID.guidKey(a) == a)
        #expect(Array(a)[14] == "4")
    }
}

@Suite("recommender: fast paths against their definitions")
struct RecommenderFastPathTests {
    @Test("minimal covers equal the scopes none of whose ancestors is in the set, for mixed levels")
    func minimalCovers() {
        let mg = ManagementGroup(name: "mg-1", displayName: "mg-1", parentName: nil)
        let subs = ["11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"]
        let snapshot = AuthorizationSnapshot(managementGroups: [mg], subscriptions: subs.map { Subscription(id: $0, displayName: $0, managementGroupID: "mg-1") })
        let r = Recommender(evaluator: Evaluator(snapshot: snapshot), options: RecommendOptions())
        var pool: [Scope] = [Scope("/"), Scope("/providers/Microsoft.Management/managementGroups/mg-1")]
        for s in subs {
            pool.append(Scope("/subscriptions/\(s)"))
            for g in ["a", "B"] {
                pool.append(Scope("/subscriptions/\(s)/resourceGroups/rg-\(g)"))
                pool.append(Scope("/subscriptions/\(s)/resourceGroups/rg-\(g)/providers/Microsoft.Web/sites/w"))
            }
            pool.append(Scope("/subscriptions/\(s)/providers/Microsoft.Web/sites/top"))
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let set = Set(pool.filter { _ in Bool.random(using: &rng) })
            guard !set.isEmpty else { continue }
            let want = set.filter { s in !r.hierarchy.ancestors(of: s).contains { $0.key != s.key && set.contains($0) } }
            #expect(Set(r.minimal(set)) == want, "\(set.map(\.display).sorted())")
        }
    }
}
