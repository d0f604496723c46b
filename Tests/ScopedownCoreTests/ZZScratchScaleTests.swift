import Foundation
import ScopedownCore
import ScopedownTestSupport
import Testing

@Suite("Scratch scale") struct ZZScratchScaleTests {
    @Test func scale() throws {
        guard ProcessInfo.processInfo.environment["SCRATCH_SCALE"] != nil else { return }
        var t0 = Date()
        func lap(_ s: String) { print(s, String(format: "%.3f", Date().timeIntervalSince(t0))); t0 = Date() }
        let builtins = try RealAzureData.builtinRoles()
        let catalog = try RealAzureData.operations()
        lap("load")
        var rng = SeededGenerator(seed: 1)
        let ops = catalog.filter { !$0.isDataAction }.map(\.name)
        let providers = Array(Set(ops.map { String($0.split(separator: "/")[0]) })).sorted()
        var roles = builtins
        for i in 0..<2000 {
            let acts = (0..<10).map { _ -> String in
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: return providers.randomElement(using: &rng)! + "/*"
                case 1: return providers.randomElement(using: &rng)! + "/*/read"
                default: return ops.randomElement(using: &rng)!
                }
            }
            roles.append(RoleDefinition(id: String(format: "%08lx-0000-4000-8000-000000000000", i), resourceID: "r\(i)", roleName: "custom \(i)", isCustom: true,
                                        permissions: [PermissionBlock(actions: acts, notActions: [ops.randomElement(using: &rng)!])]))
        }
        var mgs = [ManagementGroup(name: "root", displayName: "root", parentName: nil)]
        for i in 0..<50 { mgs.append(ManagementGroup(name: "mg\(i)", displayName: "mg\(i)", parentName: mgs.randomElement(using: &rng)!.name)) }
        var subs: [Subscription] = []
        for i in 0..<2000 { subs.append(Subscription(id: String(format: "5b5b%04lx-0000-4000-8000-000000000000", i), displayName: "s", managementGroupID: mgs.randomElement(using: &rng)!.name)) }
        let users = (0..<20000).map { String(format: "0505%04lx-0000-4000-8000-000000000000", $0) }
        let groups = (0..<2000).map { String(format: "0606%04lx-0000-4000-8000-000000000000", $0) }
        var members: [GroupMembership] = []
        for u in users { for _ in 0..<3 { members.append(GroupMembership(groupID: groups.randomElement(using: &rng)!, memberID: u, memberKind: .user)) } }
        for g in groups { members.append(GroupMembership(groupID: groups.randomElement(using: &rng)!, memberID: g, memberKind: .group)) }
        var assignments: [RoleAssignment] = []
        for i in 0..<100_000 {
            let s = subs.randomElement(using: &rng)!
            let scope: String
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: scope = s.scope.display
            case 1: scope = s.scope.display + "/resourceGroups/rg\(Int.random(in: 0..<5, using: &rng))"
            case 2: scope = s.scope.display + "/resourceGroups/rg\(Int.random(in: 0..<5, using: &rng))/providers/Microsoft.Compute/virtualMachines/vm\(Int.random(in: 0..<5, using: &rng))"
            default: scope = mgs.randomElement(using: &rng)!.scope.display
            }
            let p = Bool.random(using: &rng) ? users.randomElement(using: &rng)! : groups.randomElement(using: &rng)!
            assignments.append(RoleAssignment(id: "ra\(i)", resourceID: "ra\(i)", scope: Scope(scope), roleDefinitionID: roles.randomElement(using: &rng)!.id, principalID: p, principalType: "User"))
        }
        let snap = AuthorizationSnapshot(roleDefinitions: roles, roleAssignments: assignments, principals: users.map { Principal(id: $0, kind: .user, displayName: $0) }, memberships: members, managementGroups: mgs, subscriptions: subs, operations: catalog)
        lap("build snapshot")
        let e = Evaluator(snapshot: snap)
        lap("index")
        let scope = Scope(subs[7].scope.display + "/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1")
        let eff = e.effective(principal: users[3], scope: scope)
        lap("effective \(eff.actions.count) \(eff.grants.count)")
        let w = e.whoCan(operation: "Microsoft.Compute/virtualMachines/write", scope: scope)
        lap("who-can \(w.principals.count) \(w.groups.count)")
        let w2 = e.whoCan(operation: "Microsoft.Compute/virtualMachines/read", scope: scope)
        lap("who-can read \(w2.principals.count) \(w2.groups.count)")
        var n = 0
        for i in 0..<10000 { n += e.grantingAssignments(principal: users[i], operation: "Microsoft.Compute/virtualMachines/write", scope: scope).count }
        lap("10k grantingAssignments \(n)")
        let b = e.blastRadius(principal: users[5])
        lap("blast \(b.count)")
    }
}
