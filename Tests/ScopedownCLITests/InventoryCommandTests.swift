import Foundation
import Testing
import ScopedownCore
import ScopedownImport
import ScopedownStore
import ScopedownTestSupport
@testable import ScopedownCLI

/// A small tenant written straight through the store (the decoders are tested on their own):
/// a three-level MG tree, a subscription under the root MG, an unplaced one, one known only from an
/// assignment scope, resource groups from resource rows and from assignment scopes, a resource-level
/// assignment, an MG known only from an assignment, and a hostile display name.
enum SmallTenant {
    static let tenant = "5a1b0000-0000-0000-0000-000000000000"
    static let subA = "5a1b0000-0000-0000-0000-00000000000a"
    static let subB = "5a1b0000-0000-0000-0000-00000000000b"
    static let subC = "5a1b0000-0000-0000-0000-00000000000c"
    static let subD = "5a1b0000-0000-0000-0000-00000000000d"
    static let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"

    static func build(at path: String) throws {
        let store = try Store(path: path)
        var h = ImportBatch(kind: .managementGroups, shape: "test")
        h.managementGroups = [
            ManagementGroup(name: tenant, displayName: "Tenant Root Group", parentName: nil),
            ManagementGroup(name: "corp", displayName: "Corp", parentName: tenant),
            ManagementGroup(name: "corp-prod", displayName: "Corp \u{1B}[31mProd\u{7}", parentName: "corp"),
            ManagementGroup(name: "sandbox", displayName: "", parentName: tenant),
        ]
        h.subscriptions = [
            Subscription(id: subA, displayName: "app-prod", managementGroupID: "corp-prod"),
            Subscription(id: subB, displayName: "shared", managementGroupID: tenant),
            Subscription(id: subC, displayName: "orphan", managementGroupID: nil),
        ]
        h.resources = [
            ResourceNode(scope: Scope("/subscriptions/\(subA)/resourceGroups/rg-web"), type: "microsoft.resources/subscriptions/resourcegroups"),
            ResourceNode(scope: Scope("/subscriptions/\(subA)/resourceGroups/rg-web/providers/Microsoft.Web/sites/site1"), type: "microsoft.web/sites"),
            ResourceNode(scope: Scope("/subscriptions/\(subA)/resourceGroups/rg-data/providers/Microsoft.Sql/servers/s1"), type: "microsoft.sql/servers"),
        ]
        var a = ImportBatch(kind: .roleAssignments, shape: "test")
        let scopes = [
            "/",
            "/providers/Microsoft.Management/managementGroups/\(tenant)",
            "/providers/Microsoft.Management/managementGroups/corp",
            "/providers/Microsoft.Management/managementGroups/corp",
            "/providers/Microsoft.Management/managementGroups/Ghost-MG",
            "/subscriptions/\(subA)",
            "/subscriptions/\(subA)/resourceGroups/RG-Web",
            "/subscriptions/\(subA)/resourceGroups/rg-web/providers/Microsoft.Web/sites/site1",
            "/subscriptions/\(subA)/resourceGroups/rg-batch",
            "/subscriptions/\(subB)",
            "/subscriptions/\(subC)/resourceGroups/rg-x",
            "/subscriptions/\(subD)",
        ]
        a.roleAssignments = scopes.enumerated().map { i, s in
            RoleAssignment(id: "5a1b0000-0000-0000-0001-\(String(repeating: "0", count: 12 - String(i).count))\(i)",
                           resourceID: "ra\(i)", scope: Scope(s), roleDefinitionID: reader,
                           principalID: "5a1b0000-0000-0000-0002-000000000001", principalType: "User",
                           state: i == 9 ? .eligible : .active)
        }
        for (name, batch) in [("h.json", h), ("a.json", a)] {
            _ = try store.write(DecodedFile(file: InputFile(displayName: name, path: name), sha256: name, byteCount: 1,
                                            format: DetectedFormat(kind: batch.kind, shape: batch.shape), batch: batch))
        }
    }
}

@Suite("inventory command")
struct InventoryCommandTests {
    @Test("table output matches the golden file")
    func table() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("small.db")
        try SmallTenant.build(at: db)
        let r = runCLI(["inventory", "--db", db])
        #expect(r.exitCode == 0)
        #expect(r.stderr == "")
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(try matchesGolden(r.stdout, "store-small/inventory.txt"), "\(r.stdout)")
    }

    @Test("json output matches the golden file, and is the same on every run")
    func json() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("small.db")
        try SmallTenant.build(at: db)
        let r = runCLI(["inventory", "--db", db, "--format", "json"])
        #expect(r.exitCode == 0)
        #expect(try matchesGolden(r.stdout, "store-small/inventory.json"), "\(r.stdout)")
        #expect(runCLI(["inventory", "--db", db, "--format", "json"]).stdout == r.stdout)
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(parsed?["total"] as? Int == 12)
    }

    @Test("a missing database is an error with exit code 1; csv is a usage error")
    func errors() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let r = runCLI(["inventory", "--db", tmp.path("nope.db")])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("error: database `\(tmp.path("nope.db"))` does not exist"))
        #expect(r.stderr.contains("help: "))
        #expect(!FileManager.default.fileExists(atPath: tmp.path("nope.db")))
        #expect(runCLI(["inventory", "--db", tmp.path("x.db"), "--format", "csv"]).exitCode == 64)
    }
}

@Suite("inventory after import")
struct InventoryAfterImportTests {
    @Test("importing fixtures/store-small/exports then `inventory` matches the golden file")
    func endToEnd() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("small.db")
        let exports = SharedData.fixture("store-small/exports").path
        let imported = runCLI(["import", "--db", db, exports])
        #expect(imported.exitCode == 0, "\(imported.stderr)")
        // Per-file lines, summary and warnings, with the machine-specific paths cut out.
        let root = SharedData.packageRoot.path + "/"
        let transcript = ("$ scopedown import --db small.db fixtures/store-small/exports\n" + imported.stdout + "--- stderr\n" + imported.stderr)
            .replacingOccurrences(of: root, with: "").replacingOccurrences(of: db, with: "small.db")
        #expect(try matchesGolden(transcript, "store-small/import.txt"), "\(transcript)")
        #expect(imported.stdout.contains("summary: 3 files: 3 imported, 0 already imported, 0 failed"))
        // Every assignment names a role and a principal this tenant does not export.
        #expect(imported.stderr.contains("warning: unresolved references: 12 role assignments name 1 role definition not in the database"))
        let r = runCLI(["inventory", "--db", db])
        #expect(r.exitCode == 0)
        #expect(try matchesGolden(r.stdout, "store-small/inventory-imported.txt"), "\(r.stdout)")
    }
}
