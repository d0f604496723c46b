import Foundation
import ScopedownCore
import ScopedownImport
@testable import ScopedownStore
import ScopedownTestSupport
import Testing

@Suite("Usage report")
struct UsageReportTests {
    @Test("attribution: evidence alone, else every granting assignment (direct, via groups); denied attempts; unused listed")
    func attribution() throws {
        let f = try UsageFixture()
        defer { f.db.cleanup() }
        try UsageTenant.build(f.store, folder: f.folder)
        let r = try f.store.usageReport()
        let by = Dictionary(uniqueKeysWithValues: r.assignments.map { ($0.assignment, $0) })
        #expect(r.assignments.count == 5)
        let a1 = try #require(by[UsageTenant.a(1)])
        #expect(a1.usedActions == ["Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/virtualMachines/write"])
        #expect(a1.uses == 2)
        #expect(a1.commonScope == UsageTenant.rg1 + "/providers/Microsoft.Compute/virtualMachines/vm1")
        let a2 = try #require(by[UsageTenant.a(2)])
        // write through the role's wildcard; delete is in NotActions; start/action by evidence
        #expect(a2.usedActions == ["Microsoft.Compute/virtualMachines/start/action", "Microsoft.Compute/virtualMachines/write"])
        #expect(a2.commonScope == UsageTenant.rg1)
        #expect(a2.lastUsed == ActivityTime.parse("2024-05-03T10:00:00Z"))
        let a3 = try #require(by[UsageTenant.a(3)])
        #expect(a3.usedActions == ["Microsoft.Storage/storageAccounts/write"])
        let a4 = try #require(by[UsageTenant.a(4)])
        #expect(a4.uses == 0)
        #expect(a4.deniedAttempts == 1)
        #expect(a4.commonScope == nil)
        let a5 = try #require(by[UsageTenant.a(5)])
        #expect(a5.uses == 0 && a5.state == .eligible)
        #expect(r.unattributedUses == 1)
        #expect(r.unresolvedCallers == 1)
        #expect(r.windowFrom == ActivityTime.parse("2024-05-01T10:00:00Z"))
        #expect(r.windowTo == ActivityTime.parse("2024-05-06T10:00:00Z"))
    }

    @Test("lowest common scope across the management-group chain")
    func commonScope() {
        let h = ScopeHierarchy(managementGroups: [ManagementGroup(name: "root", displayName: "", parentName: nil),
                                                  ManagementGroup(name: "a", displayName: "", parentName: "root")],
                               subscriptions: [Subscription(id: UsageTenant.s1, displayName: "", managementGroupID: "a"),
                                               Subscription(id: UsageTenant.s2, displayName: "", managementGroupID: "a")])
        let s1 = "/subscriptions/\(UsageTenant.s1)"
        #expect(h.lowestCommonScope([Scope(s1 + "/resourceGroups/x/providers/P.N/t/n/c/d"), Scope(s1 + "/resourceGroups/X/providers/P.N/t/n")])?.key
                == Scope(s1 + "/resourceGroups/x/providers/P.N/t/n").key)
        #expect(h.lowestCommonScope([Scope(s1 + "/resourceGroups/x"), Scope("/subscriptions/\(UsageTenant.s2)")])?.key
                == "/providers/microsoft.management/managementgroups/a")
        #expect(h.lowestCommonScope([Scope(s1)])?.key == Scope(s1).key)
        #expect(h.lowestCommonScope([]) == nil)
    }
}
