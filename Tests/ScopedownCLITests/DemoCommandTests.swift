import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownStore
import ScopedownTestSupport
import Testing

@testable import ScopedownCLI

@Suite("demo command")
struct DemoCommandTests {
    @Test("finds fixtures/demo from the current directory, a sub-folder, or the executable's folder")
    func locatesTheDemoFolder() throws {
        let root = SharedData.packageRoot.path
        let expected = SharedData.fixture("demo").standardizedFileURL.path
        #expect(try DemoFixture.locate(explicit: nil, currentDirectory: root, executable: "") == expected)
        #expect(try DemoFixture.locate(explicit: nil, currentDirectory: root + "/Sources/ScopedownCLI", executable: "") == expected)
        #expect(try DemoFixture.locate(explicit: nil, currentDirectory: "/", executable: root + "/.build/debug/scopedown") == expected)
    }

    @Test("a missing --fixtures folder is a diagnostic with help, not a crash")
    func missingExplicitFolder() {
        #expect {
            _ = try DemoFixture.locate(explicit: "/nonexistent/demo", currentDirectory: "/", executable: "")
        } throws: { error in
            guard let d = error as? Diagnostic else { return false }
            return d.description == """
                /nonexistent/demo: error: no such folder `/nonexistent/demo`
                  help: pass the demo folder of a scopedown checkout, e.g. `--fixtures fixtures/demo`
                """
        }
        #expect(throws: Diagnostic.self) {
            _ = try DemoFixture.locate(explicit: nil, currentDirectory: "/", executable: "")
        }
    }

    @Test("lists the demo's JSON files, sorted, without the generator or EXPECTED.md")
    func listsFiles() {
        let files = DemoFixture.jsonFiles(in: SharedData.fixture("demo").path)
        let names = files.map(\.displayName)
        #expect(names == names.sorted())
        #expect(!names.contains { $0.hasSuffix(".py") || $0.hasSuffix(".md") })
        #expect(names.contains { $0.hasSuffix("management-groups.json") })
        #expect(names.contains { $0.hasSuffix("/PT1H.json") })
        #expect(files.allSatisfy { $0.path != nil })
    }

    @Test("imports inventory before the Activity Log")
    func importOrder() {
        let ranks = InputKind.allCases.map(DemoFixture.importRank)
        #expect(DemoFixture.importRank(.activityLog) == ranks.max())
        #expect(DemoFixture.importRank(.operations) < DemoFixture.importRank(.roleAssignments))
        #expect(DemoFixture.importRank(.groupMembers) < DemoFixture.importRank(.roleAssignments))
    }

    @Test("summary: counts, management-group tree with assignment counts, next steps (golden)")
    func summaryGolden() {
        let tenant = "11111111-1111-4111-8111-111111111111"
        let subA = "22222222-2222-4222-8222-222222222222"
        let subB = "33333333-3333-4333-8333-333333333333"
        let subC = "44444444-4444-4444-8444-444444444444"
        let snapshot = AuthorizationSnapshot(
            roleDefinitions: [
                RoleDefinition(id: "acdd72a7-3385-48ef-bd42-f606fba81ae7", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
                               roleName: "Reader", isCustom: false, permissions: [PermissionBlock(actions: ["*/read"])], assignableScopes: [.root]),
                RoleDefinition(id: "55555555-5555-4555-8555-555555555555", resourceID: "/providers/Microsoft.Authorization/roleDefinitions/55555555-5555-4555-8555-555555555555",
                               roleName: "Custom", isCustom: true, permissions: [PermissionBlock(actions: ["Microsoft.Compute/*"])], assignableScopes: [Scope("/subscriptions/\(subA)")]),
            ],
            roleAssignments: [
                assignment("a1", scope: "/", principal: "p1"),
                assignment("a2", scope: "/providers/Microsoft.Management/managementGroups/\(tenant)", principal: "p1"),
                assignment("a3", scope: "/subscriptions/\(subA)", principal: "p2", condition: "x"),
                assignment("a4", scope: "/subscriptions/\(subA)", principal: "p3"),
                assignment("a5", scope: "/subscriptions/\(subB)", principal: "p3", state: .eligible),
            ],
            principals: [
                Principal(id: "p1", kind: .user, displayName: "Ann", userType: "Member"),
                Principal(id: "p2", kind: .user, displayName: "Guest \u{1B}[31mred", userType: "Guest"),
                Principal(id: "p3", kind: .group, displayName: "Ops"),
                Principal(id: "p4", kind: .managedIdentity, displayName: "mi"),
            ],
            memberships: [GroupMembership(groupID: "p3", memberID: "p1", memberKind: .user)],
            managementGroups: [
                ManagementGroup(name: tenant, displayName: "Tenant Root Group", parentName: nil),
                ManagementGroup(name: "contoso", displayName: "Contoso", parentName: tenant),
                ManagementGroup(name: "b-platform", displayName: "Platform", parentName: "contoso"),
                ManagementGroup(name: "a-lz", displayName: "Landing Zones\u{7}", parentName: "contoso"),
            ],
            subscriptions: [
                Subscription(id: subA, displayName: "online-prod", managementGroupID: "a-lz"),
                Subscription(id: subB, displayName: "lab", managementGroupID: tenant),
                Subscription(id: subC, displayName: "stray"),
            ],
            operations: [CatalogOperation(name: "Microsoft.Compute/virtualMachines/read", isDataAction: false)]
        )
        let receipts = [
            ImportReceipt(file: "m.json", kind: .managementGroups, shape: "s", sha256: "x", counts: ["managementGroups": 4],
                          alreadyImported: false, warnings: []),
            ImportReceipt(file: "a.json", kind: .activityLog, shape: "s", sha256: "y", counts: ["events": 10, "uses": 4],
                          alreadyImported: true, warnings: [.warning("w", file: "a.json")]),
        ]
        let text = DemoSummary.render(snapshot: snapshot, receipts: receipts, database: "demo db.db")
        let golden = """
            Built demo db.db from the Contoso Robotics demo tenant (2 files, 1 already imported).

              management groups   4
              subscriptions       3
              users               2 (1 guest)
              groups              1 (1 direct memberships)
              service principals  0
              managed identities  1
              role definitions    2 (1 built-in, 1 custom)
              role assignments    4 active (1 conditional), 1 PIM eligible
              deny assignments    0
              catalog operations  1
              inventory files     1
              activity log files  1
              activity log: events 10, uses 4
              warnings: 1 (run `scopedown import` on a file to see them)

            Management groups and subscriptions (assignments at each scope):
              /  [1]
              Tenant Root Group (11111111-1111-4111-8111-111111111111)  [1]
              ├─ subscription lab (33333333-3333-4333-8333-333333333333)
              └─ Contoso (contoso)
                 ├─ Landing Zones (a-lz)
                 │  └─ subscription online-prod (22222222-2222-4222-8222-222222222222)  [2]
                 └─ Platform (b-platform)
              subscription stray (44444444-4444-4444-8444-444444444444, management group unknown)

            Try next:
              scopedown inventory --db 'demo db.db'
              scopedown who-can --db 'demo db.db' --action Microsoft.Authorization/roleAssignments/write --scope /
              scopedown effective --db 'demo db.db' --principal grace.holm@contosorobotics.example --scope /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>
              scopedown explain --db 'demo db.db' --principal frank.brennan@contosorobotics.example --action Microsoft.Network/virtualNetworks/subnets/delete --scope /subscriptions/<id>/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-shared
              scopedown blast-radius --db 'demo db.db' --principal terraform-platform
              scopedown usage --db 'demo db.db' --format table
              sqlite3 'demo db.db' .tables

            """
        #expect(text == golden)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test("terminal text drops control characters; shell quoting only when needed")
    func textHygiene() {
        #expect(DemoText.safe("a\u{1B}[2Jb\u{7}c\u{9B}d\té") == "a[2Jbcdé")
        #expect(DemoText.shellQuoted("scopedown-demo.db") == "scopedown-demo.db")
        #expect(DemoText.shellQuoted("it's; rm -rf") == "'it'\\''s; rm -rf'")
        #expect(DemoText.shellQuoted("") == "''")
    }

    private func assignment(_ id: String, scope: String, principal: String, condition: String? = nil,
                            state: AssignmentState = .active) -> RoleAssignment {
        var a = RoleAssignment(id: id, resourceID: scope + "/providers/Microsoft.Authorization/roleAssignments/" + id, scope: Scope(scope),
                               roleDefinitionID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", principalID: principal, principalType: "User")
        a.condition = condition
        a.state = state
        return a
    }
}
