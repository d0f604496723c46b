import Foundation
import Testing
import ScopedownCore
import ScopedownImport
import ScopedownSQLite
import ScopedownTestSupport
@testable import ScopedownStore

@Suite("Store")
struct StoreTests {
    @Test("a fresh database applies every embedded migration once")
    func migrations() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        do {
            let store = try Store(path: tmp.path)
            var names: [String] = []
            try store.connection.query("SELECT name FROM schema_migrations ORDER BY name") { names.append($0.string(0)) }
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: SharedData.packageRoot.appendingPathComponent("schema").path)
                .filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
            #expect(names == onDisk)
            #expect(names.first == "v001_core")
        }
        // Reopening applies nothing new and keeps the data.
        let again = try Store(path: tmp.path, create: false)
        #expect(try again.connection.scalarInt("SELECT count(*) FROM schema_migrations") == Store.migrations.count)
        #expect(try Migrator(migrations: Store.migrations).migrate(again.connection).isEmpty)
    }

    @Test("a database whose applied schema differs from this build's is refused with a clear error")
    func migrationChecksums() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        do {
            let store = try Store(path: tmp.path)
            try store.connection.execute("UPDATE schema_migrations SET checksum = '0000000000000000' WHERE name = 'v001_core'")
        }
        do {
            _ = try Store(path: tmp.path, create: false)
            Issue.record("expected the database to be refused")
        } catch let d as Diagnostic {
            #expect(d.message == "cannot open database: schema `v001_core` of this database differs from the one this build of scopedown applies")
            #expect(d.help?.contains("re-create it") == true)
        }
        // A migrations table from before checksums is refused too.
        let old = TempDB(); defer { old.cleanup() }
        do {
            let db = try Connection(path: old.path)
            try db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY NOT NULL) STRICT")
        }
        #expect(throws: Diagnostic.self) { _ = try Store(path: old.path, create: false) }
        // Checksums are stable and change with the text.
        let m = Migrator.Migration(name: "v001", sql: "SELECT 1;")
        #expect(m.checksum == Migrator.Migration(name: "v001", sql: "SELECT 1;").checksum)
        #expect(m.checksum != Migrator.Migration(name: "v001", sql: "SELECT 2;").checksum)
        #expect(m.checksum.count == 16)
    }

    @Test("every schema/*.sql on disk is embedded with the same text")
    func schemaFilesEmbedded() throws {
        let dir = SharedData.packageRoot.appendingPathComponent("schema")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.map { String($0.dropLast(4)) } == Store.migrations.map(\.name))
        for m in Store.migrations {
            let disk = try String(contentsOf: dir.appendingPathComponent(m.name + ".sql"), encoding: .utf8)
            #expect(disk == m.sql, "schema/\(m.name).sql differs from the embedded copy: rebuild")
        }
    }

    @Test("every queries/*.sql on disk is embedded and prepares against a fresh database")
    func queryFilesPrepare() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        let dir = SharedData.packageRoot.appendingPathComponent("queries")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        for f in files {
            let name = String(f.dropLast(4))
            let disk = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            #expect(Store.queries[name] == disk, "queries/\(f) is not embedded (add an .embedInCode line)")
            _ = try store.connection.prepare(disk, label: "queries/\(f)")
        }
        #expect(Store.queries.keys.sorted() == files.map { String($0.dropLast(4)) })
    }

    @Test("write then loadSnapshot returns what was written")
    func roundTrip() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        for f in Sample.allFiles {
            let r = try store.write(f)
            #expect(!r.alreadyImported)
            #expect(r.warnings.isEmpty, "\(r.warnings)")
            #expect(r.counts == f.batch.counts)
        }
        let snap = try store.loadSnapshot()
        #expect(snap.roleDefinitions == Sample.roles.roleDefinitions.sorted { $0.id < $1.id })
        #expect(snap.roleAssignments == Sample.assignments.roleAssignments.sorted { ($0.id, $0.state.rawValue) < ($1.id, $1.state.rawValue) })
        #expect(snap.denyAssignments == Sample.denies.denyAssignments)
        #expect(snap.principals == Sample.directory.principals.sorted { $0.id < $1.id })
        #expect(snap.memberships == Sample.members.memberships)
        #expect(snap.managementGroups == Sample.hierarchy.managementGroups.sorted { $0.id < $1.id })
        #expect(snap.subscriptions == Sample.hierarchy.subscriptions.sorted { $0.id < $1.id })
        #expect(snap.resources == Sample.hierarchy.resources.sorted { $0.scope.key < $1.scope.key })
        // Display spellings survive; keys are normalized.
        #expect(snap.roleAssignments.first { $0.id.hasSuffix("3") }?.scope.display == "/subscriptions/\(Sample.subProd)/resourceGroups/RG-Web")
        // Catalog: keyed by (lower(name), isDataAction), first-seen spelling kept.
        #expect(snap.operations.map(\.name) == [
            "Microsoft.AppConfiguration/configurationStores/keyValues/write",
            "Microsoft.AppConfiguration/configurationStores/keyValues/write",
            "Microsoft.Compute/virtualMachines/read",
        ])
        #expect(snap.operations.map(\.isDataAction) == [false, true, false])
        #expect(snap.operations[2].displayName == "Get VM")
    }

    @Test("importing the same bytes twice changes nothing")
    func idempotent() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        for f in Sample.allFiles { _ = try store.write(f) }
        let before = tmp.bytes()
        for f in Sample.allFiles {
            let r = try store.write(f)
            #expect(r.alreadyImported)
            #expect(r.counts.isEmpty)
        }
        #expect(tmp.bytes() == before)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM imports") == Sample.allFiles.count)
    }

    @Test("the same object in two files is stored once; identical content is silent")
    func overlappingFilesStoredOnce() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.roles, name: "tenant-roles.json"))
        // The same built-in role listed at subscription level: another resource id, same content.
        var sub = ImportBatch(kind: .roleDefinitions, shape: "az role definition list")
        var owner = Sample.roles.roleDefinitions[0]
        owner.resourceID = "/subscriptions/\(Sample.subDev)/providers/Microsoft.Authorization/RoleDefinitions/\(Sample.owner)"
        sub.roleDefinitions = [owner]
        let r = try store.write(Sample.decoded(sub, name: "sub-roles.json"))
        #expect(r.warnings.isEmpty)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM role_definitions") == 3)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM role_permission_patterns WHERE role_id = ?", [Sample.owner]) == 1)
    }

    @Test("a later import with different content replaces the object and warns")
    func replacementWarns() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.roles, name: "old.json"))
        var newer = ImportBatch(kind: .roleDefinitions, shape: "az role definition list")
        var c = Sample.roles.roleDefinitions[2]
        c.permissions = [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/read"])]
        newer.roleDefinitions = [c]
        let r = try store.write(Sample.decoded(newer, name: "new.json"))
        #expect(r.warnings.count == 1)
        #expect(r.warnings.first?.description.contains("1 role definitions already in the database had different content") == true)
        #expect(r.warnings.first?.description.contains("`\(Sample.custom)`") == true)
        let snap = try store.loadSnapshot()
        #expect(snap.roleDefinitions.first { $0.id == Sample.custom }?.permissions == c.permissions)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM role_permission_blocks WHERE role_id = ?", [Sample.custom]) == 1)
    }

    @Test("a shape that lacks a field does not erase it, and is not a conflict")
    func coalescingFlatRows() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.directory, name: "users.json"))
        var members = ImportBatch(kind: .groupMembers, shape: "Microsoft Graph members")
        members.principals = [Principal(id: Sample.alice, kind: .user, displayName: "Alice")]
        let r = try store.write(Sample.decoded(members, name: "members.json"))
        #expect(r.warnings.isEmpty)
        let alice = try store.loadSnapshot().principals.first { $0.id == Sample.alice }
        #expect(alice?.userPrincipalName == "alice@contoso.com")
        #expect(alice?.accountEnabled == true)
    }

    @Test("a failing file leaves the database byte-for-byte unchanged")
    func unchangedOnFailure() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.roles, name: "roles.json"))
        let before = tmp.bytes()
        // Valid rows first (written inside the transaction), then a conflicting duplicate id.
        var bad = Sample.assignments
        var clash = bad.roleAssignments[1]
        clash.roleDefinitionID = Sample.owner
        bad.roleAssignments.append(clash)
        #expect(throws: Diagnostic.self) { try store.write(Sample.decoded(bad, name: "bad.json")) }
        do {
            _ = try store.write(Sample.decoded(bad, name: "bad.json"))
        } catch let d as Diagnostic {
            #expect(d.description.hasPrefix("bad.json: error: conflicting duplicate role assignment `da000000-0000-0000-0000-000000000002`"))
            #expect(d.help != nil)
        }
        #expect(tmp.bytes() == before)
        #expect(!(try store.isImported(sha256: "sha-bad.json")))
        // The store still works after the rollback.
        let ok = try store.write(Sample.decoded(Sample.assignments, name: "assignments.json"))
        #expect(!ok.alreadyImported)
    }

    @Test("unresolved references resolve when their targets arrive, in any order")
    func unresolvedReferences() throws {
        var rng = SeededGenerator(seed: 20261129)
        var orders: [[Int]] = [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]]
        for _ in 0..<RandomCases.count(default: 10) { orders.append(Array(0..<5).shuffled(using: &rng)) }
        for order in orders { try checkResolution(order: order) }
    }

    private func checkResolution(order: [Int]) throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        let files = [Sample.decoded(Sample.assignments, name: "a.json"), Sample.decoded(Sample.roles, name: "r.json"),
                     Sample.decoded(Sample.directory, name: "u.json"), Sample.decoded(Sample.members, name: "m.json"),
                     Sample.decoded(Sample.hierarchy, name: "h.json")]
        for (step, i) in order.enumerated() {
            _ = try store.write(files[i])
            let warnings = try store.unresolvedReferenceWarnings()
            let seen = Set(order[0...step])
            // Assignments name roles and principals; memberships name a group; subscriptions name MGs.
            let expectRoles = seen.contains(0) && !seen.contains(1)
            let expectPrincipals = seen.contains(0) && !seen.contains(2)
            let expectGroups = seen.contains(3) && !seen.contains(2)
            #expect(warnings.contains { $0.message.contains("role definition") } == expectRoles, "order \(order) step \(step)")
            #expect(warnings.contains { $0.message.contains("not in the directory") && $0.message.contains("role assignment") } == expectPrincipals,
                    "order \(order) step \(step)")
            #expect(warnings.contains { $0.message.contains("membership") } == expectGroups, "order \(order) step \(step)")
        }
        #expect(try store.unresolvedReferenceWarnings().isEmpty)
        // Whatever the order, the stored tenant is the same.
        let snap = try store.loadSnapshot()
        #expect(snap.roleAssignments.count == Sample.assignments.roleAssignments.count)
        #expect(snap.subscriptions.map(\.managementGroupID) == ["landingzones", "platform"])
    }

    @Test("unresolved-reference warnings give counts and a few sorted examples")
    func unresolvedWarningText() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.assignments, name: "a.json"))
        let w = try store.unresolvedReferenceWarnings()
        #expect(w.map(\.severity) == [.warning, .warning])
        #expect(w[0].message == "unresolved references: 7 role assignments name 3 role definitions not in the database (e.g. `8e3af657-a8ff-443c-a75c-2fe8c4bcb635`, `acdd72a7-3385-48ef-bd42-f606fba81ae7`, `cccccccc-0000-0000-0000-000000000001`)")
        #expect(w[1].message.hasPrefix("unresolved references: 7 role assignments name 3 principals not in the directory"))
    }

    @Test("a complete member list replaces the group's edges of the same kind")
    func membershipReplacement() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        _ = try store.write(Sample.decoded(Sample.members, name: "m1.json"))
        var transitive = ImportBatch(kind: .groupMembers, shape: "Microsoft Graph transitiveMembers")
        transitive.memberships = [GroupMembership(groupID: Sample.admins, memberID: Sample.bob, transitive: true)]
        transitive.membershipGroups = [Sample.admins]
        _ = try store.write(Sample.decoded(transitive, name: "t1.json"))
        var direct2 = ImportBatch(kind: .groupMembers, shape: "Microsoft Graph members")
        direct2.memberships = [GroupMembership(groupID: Sample.admins, memberID: Sample.bob)]
        direct2.membershipGroups = [Sample.admins]
        _ = try store.write(Sample.decoded(direct2, name: "m2.json"))
        let snap = try store.loadSnapshot().memberships
        #expect(snap.map(\.memberID) == [Sample.bob, Sample.bob])
        #expect(snap.map(\.transitive) == [false, true])
    }

    @Test("opening a missing database without create is a clear error")
    func missingDatabase() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        #expect(throws: Diagnostic.self) { try Store(path: tmp.path, create: false) }
        // A file that is not a database.
        try Data("not a database at all, just some text padding to exceed a header".utf8).write(to: URL(fileURLWithPath: tmp.path))
        do {
            _ = try Store(path: tmp.path)
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.message.hasPrefix("cannot open database"))
        }
    }

    @Test("action_matches in SQL is ActionPattern.matches")
    func sqlMatcher() throws {
        let tmp = TempDB(); defer { tmp.cleanup() }
        let store = try Store(path: tmp.path)
        func m(_ p: String, _ n: String) throws -> Int? {
            try store.connection.scalarInt("SELECT action_matches(?, ?)", [p, n])
        }
        #expect(try m("*/read", "Microsoft.Network/virtualNetworks/subnets/READ") == 1)
        #expect(try m("Microsoft.Compute/*", "Microsoft.Storage/x/read") == 0)
        #expect(try m("Microsoft.Compute/*/read", "microsoft.compute/a/b/read") == 1)
    }
}
