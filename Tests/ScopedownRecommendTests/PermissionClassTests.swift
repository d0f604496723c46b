import ScopedownCore
@testable import ScopedownRecommend
import ScopedownTestSupport
import Testing

/// Each kept or removed permission carries its class: observed, observable but unused, unobservable.
@Suite("Recommender: permission classes")
struct PermissionClassTests {
    typealias T = SmallTenant

    static func entry(_ x: Recommendation, _ name: String, kept: Bool) -> PermissionEntry? {
        x.evidence.permissions.first { $0.name == name && $0.kept == kept }
    }

    @Test("Owner reduced to VM Starter: the used action observed, Owner's `*` counted per class, kept reads unobservable")
    func ownerToBuiltin() throws {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm))
        let x = r.recommendations[0]
        #expect(x.proposal.role == "VM Starter")
        let observed = try #require(Self.entry(x, "Microsoft.Compute/virtualMachines/start/action", kept: true))
        #expect(observed.permissionClass == .observed && !observed.isPattern && observed.count == 1)
        // The catalog's 13 control operations: 1 used, 4 reads kept, 8 observable unused removed.
        let kept = x.evidence.permissions.filter(\.kept)
        #expect(kept == [observed, PermissionEntry(name: "*", isPattern: true, plane: .control, permissionClass: .unobservable, kept: true, count: 4)])
        #expect(x.evidence.permissions.filter { !$0.kept }
            == [PermissionEntry(name: "*", isPattern: true, plane: .control, permissionClass: .observableUnused, kept: false, count: 8)])
        #expect(x.evidence.classes == PermissionClasses(observed: 1, observableUnusedRemoved: 8, observableUnusedKept: 0,
                                                        unobservableKept: 4, unobservableRemoved: 0))
    }

    @Test("--detail lists every operation with its class")
    func detail() throws {
        let a = T.assignment(1, T.app, T.owner, T.rgApp, type: "ServicePrincipal")
        var o = RecommendOptions()
        o.permissionDetail = true
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Compute/virtualMachines/start/action", T.vm), options: o)
        let x = r.recommendations[0]
        #expect(x.evidence.permissions.count == 13 && x.evidence.permissions.allSatisfy { !$0.isPattern && $0.count == 1 })
        #expect(Self.entry(x, "Microsoft.Compute/virtualMachines/runCommand/action", kept: false)?.permissionClass == .observableUnused)
        #expect(Self.entry(x, "Microsoft.Authorization/roleAssignments/write", kept: false)?.permissionClass == .observableUnused)
        #expect(Self.entry(x, "Microsoft.Storage/storageAccounts/read", kept: true)?.permissionClass == .unobservable)
        #expect(Self.entry(x, "Microsoft.Compute/virtualMachines/start/action", kept: true)?.permissionClass == .observed)
        // The same counts as without --detail.
        #expect(x.evidence.classes.observableUnusedRemoved == 8 && x.evidence.classes.unobservableKept == 4)
        // Kept first, then by class.
        let order: [Int] = x.evidence.permissions.map { e -> Int in
            (e.kept ? 0 : 10) + (PermissionClass.allCases.firstIndex(of: e.permissionClass) ?? 0)
        }
        #expect(order == order.sorted())
    }

    @Test("--reads drop: an unused Owner is removed, its reads removed as unobservable (never as unused)")
    func readsDrop() {
        var o = RecommendOptions()
        o.keepReads = false
        let (r, _) = T.run([T.assignment(1, T.alice, T.owner, T.sub)], [], options: o)
        let x = r.recommendations[0]
        #expect(x.proposal.kind == .remove)
        #expect(x.evidence.permissions == [
            PermissionEntry(name: "*", isPattern: true, plane: .control, permissionClass: .observableUnused, kept: false, count: 9),
            PermissionEntry(name: "*", isPattern: true, plane: .control, permissionClass: .unobservable, kept: false, count: 4),
        ])
        #expect(r.summary.permissions.unobservableRemoved == 4 && r.summary.permissions.observableUnusedRemoved == 9)
    }

    @Test("a role listing operations: each kept or removed operation on its own; data actions unobservable")
    func explicitRole() throws {
        let a = T.assignment(1, T.app, T.deployer, T.sub, type: "ServicePrincipal")
        var o = RecommendOptions()
        o.keepReads = false
        let (r, _) = T.run([a], T.uses(T.app, "Microsoft.Storage/storageAccounts/write", T.rgData), options: o)
        let x = r.recommendations[0]
        #expect(x.proposal.role == "Storage Writer")
        #expect(x.evidence.permissions.map(\.name) == ["Microsoft.Storage/storageAccounts/write", "Microsoft.Compute/virtualMachines/delete",
                                                       "Microsoft.Compute/virtualMachines/write", "Microsoft.Resources/deployments/write"])
        #expect(x.evidence.permissions.map(\.permissionClass) == [.observed, .observableUnused, .observableUnused, .observableUnused])
        #expect(x.evidence.permissions.map(\.kept) == [true, false, false, false])

        // A data action is unobservable: kept by default, removed with --reads drop.
        let blob = T.role(8, "Blob Writer", builtIn: false, ["Microsoft.Storage/storageAccounts/write", "Microsoft.Compute/virtualMachines/write"],
                          data: ["Microsoft.Storage/*"])
        var s = T.snapshot([T.assignment(2, T.app, blob, T.sub, type: "ServicePrincipal")])
        s.roleDefinitions.append(blob)
        let e = Evaluator(snapshot: s)
        let used = e.attribute(T.uses(T.app, "Microsoft.Storage/storageAccounts/write", T.rgData)).uses
        for keep in [true, false] {
            var o2 = RecommendOptions()
            o2.keepReads = keep
            let y = Recommender(evaluator: e, options: o2).run(uses: used, windowFrom: Int64(T.day - 100) * 86_400, windowTo: Int64(T.day) * 86_400)
                .recommendations[0]
            let data = try #require(y.evidence.permissions.first { $0.plane == .data })
            #expect(data == PermissionEntry(name: "Microsoft.Storage/*", isPattern: true, plane: .data, permissionClass: .unobservable, kept: keep, count: 1))
            #expect(Self.entry(y, "Microsoft.Compute/virtualMachines/write", kept: false)?.permissionClass == .observableUnused)
        }
    }

    @Test("a name outside the catalog: observed when used, else by its verb")
    func outsideCatalog() {
        let odd = T.role(9, "Odd", builtIn: false, ["Contoso.Widgets/gadgets/write", "Contoso.Widgets/gadgets/read", "Microsoft.Compute/virtualMachines/write"])
        var s = T.snapshot([T.assignment(1, T.app, odd, T.sub, type: "ServicePrincipal")])
        s.roleDefinitions.append(odd)
        let e = Evaluator(snapshot: s)
        let used = e.attribute(T.uses(T.app, "Microsoft.Compute/virtualMachines/write", T.vm)).uses
        let x = Recommender(evaluator: e, options: RecommendOptions()).run(uses: used, windowFrom: Int64(T.day - 100) * 86_400,
                                                                          windowTo: Int64(T.day) * 86_400).recommendations[0]
        #expect(Self.entry(x, "Contoso.Widgets/gadgets/write", kept: false)?.permissionClass == .observableUnused)
        #expect(Self.entry(x, "Contoso.Widgets/gadgets/read", kept: true)?.permissionClass == .unobservable)
        #expect(Self.entry(x, "Microsoft.Compute/virtualMachines/write", kept: true)?.permissionClass == .observed)
    }

    @Test("exempt and PIM-eligible assignments keep every permission, each with its class")
    func keptAsIs() {
        let eligible = T.assignment(1, T.alice, T.owner, T.sub, state: .eligible)
        let (r, _) = T.run([eligible], [])
        let x = r.recommendations[0]
        #expect(x.evidence.permissions.allSatisfy { $0.kept })
        #expect(x.evidence.classes.observableUnusedKept == 9 && x.evidence.classes.unobservableKept == 4)
    }

    @Test("too new to judge: a built-in or custom role definition changed inside the window, as well as the assignment")
    func tooNew() {
        var newOwner = T.owner
        newOwner.updatedOn = "2026-11-05T10:00:00Z"
        var s = T.snapshot([T.assignment(1, T.app, newOwner, T.sub, type: "ServicePrincipal"),
                            T.assignment(2, T.bob, T.writer, T.sub)])
        s.roleDefinitions[0] = newOwner
        var writer = T.writer
        writer.updatedOn = "2026-11-06T00:00:00Z"
        s.roleDefinitions[4] = writer
        let e = Evaluator(snapshot: s)
        let r = Recommender(evaluator: e, options: RecommendOptions()).run(uses: [], windowFrom: Int64(T.day - 100) * 86_400,
                                                                          windowTo: Int64(T.day) * 86_400)
        #expect(r.recommendations.map(\.tooNew) == [true, true])
        #expect(r.recommendations.map(\.proposal.kind) == [.keep, .keep])
        #expect(r.recommendations[0].notes.contains { $0.contains("built-in role definition Owner changed 2026-11-05") })
        #expect(r.recommendations[1].notes.contains { $0.contains("custom role definition Storage Writer changed 2026-11-06") })
        // Changed before the window: judged.
        newOwner.updatedOn = "2026-01-05T10:00:00Z"
        s.roleDefinitions[0] = newOwner
        let e2 = Evaluator(snapshot: s)
        let r2 = Recommender(evaluator: e2, options: RecommendOptions()).run(uses: [], windowFrom: Int64(T.day - 100) * 86_400,
                                                                            windowTo: Int64(T.day) * 86_400)
        #expect(!r2.recommendations[0].tooNew)
    }
}
