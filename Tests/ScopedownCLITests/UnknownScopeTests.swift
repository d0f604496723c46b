import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownStore
@testable import ScopedownCLI
import ScopedownTestSupport
import Testing

/// A scope or operation the database does not know is never answered silently.
@Suite("unknown scopes and operations")
struct UnknownScopeTests {
    static let sub = "5e1f0c3a-7b2d-4c8e-9f10-2a3b4c5d6e7f"
    static let other = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
    static let alice = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    static let owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

    /// A database with one management group, two subscriptions, one inventoried resource group and
    /// Alice as Owner of the first subscription.
    static func database(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("t.db").path
        let store = try Store(path: path)
        var b = ImportBatch(kind: .resourceContainers, shape: "test")
        b.managementGroups = [ManagementGroup(name: "fab-platform", displayName: "Platform", parentName: nil)]
        b.subscriptions = [Subscription(id: sub, displayName: "Sandbox", managementGroupID: "fab-platform"),
                           Subscription(id: other, displayName: "Connectivity", managementGroupID: "fab-platform")]
        b.resources = [ResourceNode(scope: Scope("/subscriptions/\(sub)/resourceGroups/rg-app"), type: "microsoft.resources/subscriptions/resourcegroups")]
        b.roleDefinitions = [RoleDefinition(id: owner, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(owner)",
                                            roleName: "Owner", isCustom: false, permissions: [PermissionBlock(actions: ["*"])])]
        b.roleAssignments = [RoleAssignment(id: "aaaaaaaa-0000-4000-8000-000000000001", resourceID: "ra1", scope: Scope("/subscriptions/\(sub)"),
                                            roleDefinitionID: owner, principalID: alice, principalType: "User")]
        b.principals = [Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@fabrikam.example")]
        b.operations = [CatalogOperation(name: "Microsoft.Compute/virtualMachines/write", isDataAction: false),
                        CatalogOperation(name: "Microsoft.Compute/virtualMachines/read", isDataAction: false)]
        _ = try store.write(DecodedFile(file: InputFile(displayName: "t", path: "t"), sha256: "t", byteCount: 1,
                                        format: DetectedFormat(kind: b.kind, shape: b.shape), batch: b))
        return path
    }

    @Test("a mistyped subscription, management group or resource group is an error naming the nearest known ones")
    func unknownScopes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-unknown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try Self.database(dir)
        let typo = "5e1f0c3a-7b2d-4c8e-9f10-2a3b4c5d6e7e"   // last digit wrong
        for command in [["effective", "--principal", "alice@fabrikam.example"],
                        ["who-can", "--action", "Microsoft.Compute/virtualMachines/write"],
                        ["explain", "--principal", "alice@fabrikam.example", "--action", "Microsoft.Compute/virtualMachines/write"]] {
            let r = runCLI(command + ["--db", db, "--scope", "/subscriptions/\(typo)/resourceGroups/rg-app"])
            #expect(r.exitCode == 1, "\(command)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("error: subscription `\(typo)` of scope `/subscriptions/\(typo)/resourceGroups/rg-app` is not in the imported inventory"), "\(r.stderr)")
            #expect(r.stderr.contains("nearest known: `/subscriptions/\(Self.sub) (Sandbox)`"), "\(r.stderr)")
            // The flag keeps the old behaviour.
            let allowed = runCLI(command + ["--db", db, "--scope", "/subscriptions/\(typo)", "--allow-unknown-scope"])
            #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        }
        let mg = runCLI(["who-can", "--db", db, "--action", "Microsoft.Compute/virtualMachines/write",
                         "--scope", "/providers/Microsoft.Management/managementGroups/fab-platfrom"])
        #expect(mg.exitCode == 1)
        #expect(mg.stderr.contains("management group `fab-platfrom`"))
        #expect(mg.stderr.contains("`/providers/Microsoft.Management/managementGroups/fab-platform`"))
        let rg = runCLI(["effective", "--db", db, "--principal", Self.alice, "--scope", "/subscriptions/\(Self.sub)/resourceGroups/rg-ap"])
        #expect(rg.exitCode == 1)
        #expect(rg.stderr.contains("resource group `/subscriptions/\(Self.sub)/resourceGroups/rg-ap`"))
        #expect(rg.stderr.contains("nearest known: `/subscriptions/\(Self.sub)/resourceGroups/rg-app`"))
        // Known scopes, and resources below a known resource group, evaluate as before.
        let vm = runCLI(["effective", "--db", db, "--principal", Self.alice,
                         "--scope", "/subscriptions/\(Self.sub)/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1"])
        #expect(vm.exitCode == 0, "\(vm.stderr)")
        #expect(vm.stdout.contains("Microsoft.Compute/virtualMachines/write"))
    }

    @Test("a catalog without isDataAction: queries warn that data actions cannot be told apart, until a catalog says the plane")
    func guessedPlanes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-unknown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try Self.database(dir)
        let old = SharedData.fixture("shapes/catalog-without-isdataaction.json").path
        let current = SharedData.fixture("shapes/catalog-with-isdataaction.json").path
        let imported = runCLI(["import", "--db", db, old])
        #expect(imported.exitCode == 0)
        #expect(imported.stderr.contains("no operation of this catalog says `isDataAction`"))
        let blob = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
        let query = ["who-can", "--db", db, "--action", blob, "--scope", "/subscriptions/\(Self.sub)"]
        let before = runCLI(query)
        #expect(before.exitCode == 0)
        #expect(before.stderr.contains("warning: 4 catalog operations come from a catalog without `isDataAction`"), "\(before.stderr)")
        #expect(runCLI(["import", "--db", db, current]).exitCode == 0)
        let after = runCLI(query)
        #expect(!after.stderr.contains("without `isDataAction`"), "\(after.stderr)")
        #expect(after.stdout.contains("(data plane)"))
    }

    @Test("an operation not in the catalog is a warning with close spellings")
    func closeSpellings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-unknown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try Self.database(dir)
        for command in [["who-can"], ["explain", "--principal", Self.alice]] {
            let r = runCLI(command + ["--db", db, "--action", "Microsoft.Compute/virtualMachine/write", "--scope", "/subscriptions/\(Self.sub)"])
            #expect(r.exitCode == 0)
            #expect(r.stderr.contains("warning: `Microsoft.Compute/virtualMachine/write` is not in the imported operations catalog"), "\(r.stderr)")
            #expect(r.stderr.contains("help: did you mean `Microsoft.Compute/virtualMachines/write`?"), "\(r.stderr)")
        }
    }
}
