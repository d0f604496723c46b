import Foundation
import Testing
import ScopedownTestSupport
@testable import ScopedownCLI

@Suite("import command")
struct ImportCommandTests {
    @Test("the real catalog and built-in roles import; the same bytes again change nothing",
          .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
    func realCatalogAndRoles() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("t.db")
        let roles = SharedData.url("builtin-roles.json").path
        let ops = SharedData.url("provider-operations.json").path
        let r = runCLI(["import", "--db", db, roles, ops])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\(roles): imported role-definitions (az role definition list): 928 roleDefinitions"))
        #expect(r.stdout.contains("summary: 2 files: 2 imported, 0 already imported, 0 failed"))
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let again = runCLI(["import", "--db", db, roles])
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("\(roles): already imported (same content), nothing changed"))
        #expect(again.stdout.contains("summary: 1 file: 0 imported, 1 already imported, 0 failed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test("a bad file fails with a located error, leaves the database unchanged, and the others still import")
    func badFileKeepsDatabase() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = tmp.path("t.db")
        let good = tmp.path("mg.json")
        try #"{"id": "/providers/Microsoft.Management/managementGroups/root", "name": "root", "type": "Microsoft.Management/managementGroups", "displayName": "Root", "tenantId": "11111111-1111-1111-1111-111111111111", "children": []}"#
            .write(toFile: good, atomically: true, encoding: .utf8)
        #expect(runCLI(["import", "--db", db, good]).exitCode == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))

        let truncated = tmp.path("roles.json")
        try #"[{"roleName": "Reader", "name": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "permissions": [{"actions": ["*/read"#
            .write(toFile: truncated, atomically: true, encoding: .utf8)
        let empty = tmp.path("empty.json")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let r = runCLI(["import", "--db", db, truncated, empty, good])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("\(truncated):1:"))
        #expect(r.stderr.contains("error: "))
        #expect(r.stderr.contains("\(empty)"))
        #expect(r.stdout.contains("\(good): already imported"))
        #expect(r.stdout.contains("summary: 3 files: 0 imported, 1 already imported, 2 failed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test("a synth manifest in the folder is skipped: the import exits 0")
    func synthManifestIsSkipped() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let folder = tmp.path("tenant")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"generator": "scopedown synth", "seed": "7", "tenantId": "t", "counts": {"subscriptions": 1}}"#
            .write(toFile: folder + "/MANIFEST.json", atomically: true, encoding: .utf8)
        try #"{"id": "/providers/Microsoft.Management/managementGroups/root", "name": "root", "type": "Microsoft.Management/managementGroups", "displayName": "Root", "tenantId": "11111111-1111-1111-1111-111111111111", "children": []}"#
            .write(toFile: folder + "/mg.json", atomically: true, encoding: .utf8)
        let r = runCLI(["import", "--db", tmp.path("t.db"), folder])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("MANIFEST.json: skipped (the manifest `scopedown synth` writes, not an export)"))
        #expect(r.stdout.contains("summary: 2 files: 1 imported, 0 already imported, 0 failed, 1 skipped"))
    }

    @Test("usage errors exit with 64; a missing path exits with 1")
    func usageErrors() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let bad = runCLI(["import", "--db", tmp.path("t.db"), "--kind", "nonsense", "x.json"])
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("unknown kind `nonsense`"))
        #expect(runCLI(["import", "--db", tmp.path("t.db")]).exitCode == 64)
        let missing = runCLI(["import", "--db", tmp.path("t.db"), tmp.path("nope.json")])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("nope.json"))
    }

    @Test("--strict turns unresolved references into errors")
    func strict() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let file = tmp.path("ra.json")
        try #"""
        [{"id": "/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/roleAssignments/da000000-0000-0000-0000-000000000001",
          "name": "da000000-0000-0000-0000-000000000001", "type": "Microsoft.Authorization/roleAssignments",
          "scope": "/subscriptions/22222222-2222-2222-2222-222222222222",
          "roleDefinitionId": "/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
          "principalId": "aaaaaaaa-0000-0000-0000-000000000001", "principalType": "User", "roleDefinitionName": "Reader",
          "principalName": "alice@contoso.example", "condition": null, "conditionVersion": null, "description": null,
          "createdOn": "2024-01-01T00:00:00Z", "updatedOn": "2024-01-01T00:00:00Z", "createdBy": null, "updatedBy": null,
          "delegatedManagedIdentityResourceId": null, "resourceGroup": null}]
        """#.write(toFile: file, atomically: true, encoding: .utf8)
        let lax = runCLI(["import", "--db", tmp.path("lax.db"), file])
        #expect(lax.exitCode == 0, "\(lax.stderr)")
        #expect(lax.stderr.contains("warning: unresolved references: 1 role assignment names 1 role definition not in the database"))
        let strict = runCLI(["import", "--db", tmp.path("strict.db"), "--strict", file])
        #expect(strict.exitCode == 1)
        #expect(strict.stderr.contains("error: unresolved references"))
    }
}

@Suite("demo command")
struct DemoCommandTests {
    @Test("builds the database from the demo tenant and says what to try next",
          .enabled(if: FileManager.default.fileExists(atPath: SharedData.fixture("demo").path)))
    func demo() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let fixtures = SharedData.fixture("demo").path
        let db = tmp.path("demo.db")
        let r = runCLI(["demo", "--db", db, "--fixtures", fixtures])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout.contains("summary: "))
        #expect(r.stdout.contains(" 0 failed"))
        #expect(r.stdout.contains("files by kind: activity-log "))
        #expect(r.stdout.contains("managementGroups     9"))
        #expect(r.stdout.contains("subscriptions        6"))
        #expect(r.stdout.contains("└─ Tenant Root Group (management group "))
        #expect(r.stdout.contains("database: \(db)"))
        #expect(r.stdout.contains("  scopedown inventory --db \(db)\n"))
        #expect(r.stdout.contains("  scopedown who-can --db \(db) --action "))
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(!FileManager.default.fileExists(atPath: db + ".building.db"))
        // Rebuilding replaces the earlier demo database.
        let again = runCLI(["demo", "--db", db, "--fixtures", fixtures])
        #expect(again.exitCode == 0)
        #expect(again.stdout.contains("imports              "))
        #expect(runCLI(["inventory", "--db", db]).exitCode == 0)
    }

    @Test("never replaces a file that is not a scopedown database")
    func refusesForeignFile() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let precious = tmp.path("notes.txt")
        try "my notes".write(toFile: precious, atomically: true, encoding: .utf8)
        let r = runCLI(["demo", "--db", precious, "--fixtures", tmp.url.path])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("is not a scopedown database; not replacing it"))
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "my notes")
    }
}
