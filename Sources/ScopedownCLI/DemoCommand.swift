import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownSQLite
import ScopedownStore

/// `scopedown demo [--db PATH]`: builds a database from the bundled fictional tenant in
/// `fixtures/demo/` and says what to try next.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a database from the bundled demo tenant and show what to try next.",
        discussion: """
        Imports every export in fixtures/demo/ (role definitions, assignments, deny assignments, the management-group tree, the directory, a catalog slice and Activity Log events) into a fresh database, replacing an earlier demo database at the same path, then prints counts, the management-group → subscription tree and the next commands to try.

        One warning about an unresolved reference is expected: the demo tenant deliberately keeps a role assignment of a deleted principal, as real tenants do.

        From a source checkout, run it as `swift run scopedown demo`.

        Examples:
          scopedown demo
          scopedown demo --db /tmp/demo.db
          scopedown demo --fixtures path/to/fixtures/demo
        """
    )

    @Option(name: .long, help: ArgumentHelp("Where to build the database.", valueName: "path"))
    var db: String = "scopedown-demo.db"

    @Option(name: .long, help: ArgumentHelp("The demo tenant folder (default: fixtures/demo from the current directory or the source tree).", valueName: "dir"))
    var fixtures: String?

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        guard let folder = fixtures ?? Self.locateFixtures() else {
            io.errLine("error: cannot find the demo tenant folder `fixtures/demo`\n  help: run from the repository root, or pass --fixtures DIR")
            throw ExitCode(1)
        }
        guard isDirectory(folder) == true else {
            io.errLine(SafeText.terminal("\(folder): error: not a folder") + "\n  help: pass the demo tenant folder with --fixtures DIR")
            throw ExitCode(1)
        }

        // Build next to the target and swap it in at the end, so a failed demo never leaves half a
        // database behind, and refuse to replace a file that is not a scopedown database.
        do { try Self.checkReplaceable(db) } catch {
            io.errLine(CLIErrors.describe(error, file: db))
            throw ExitCode(1)
        }
        let building = db + ".building.db"  // matched by the `*.db` ignore pattern
        try? FileManager.default.removeItem(atPath: building)
        try? FileManager.default.removeItem(atPath: building + "-journal")

        let inputs = Self.exportFiles(in: folder)
        var ok = true
        var counts: [(collection: String, rows: Int)] = []
        var tree: InventoryNode?
        var nextPrincipal: String?
        do {
            let store = try Store(path: building)
            // Inventory first, then Activity Log files (their attribution needs the inventory).
            let activity = inputs.filter { $0.path?.contains("/activity/") == true }
            let inventory = inputs.filter { $0.path?.contains("/activity/") != true }
            var run = ImportRun(store: store, io: io)
            run.perFileLines = false
            run.databaseName = db
            run.importAll(inventory + activity)
            ok = run.finish()
            if let orphan = try Self.orphanPrincipal(store) {
                io.errLine("note: the unresolved reference is deliberate: the demo tenant keeps a role assignment of a deleted principal (`\(orphan)`), as real tenants do; `usage` lists it as orphaned")
            }
            if run.rolledBack {
                // the database failed (a full disk): keep the previous demo database, if any
                try? FileManager.default.removeItem(atPath: building)
                throw ExitCode(1)
            }
            counts = try store.tableCounts()
            tree = try store.inventoryTree()
            nextPrincipal = try Self.examplePrincipal(store)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            io.errLine(CLIErrors.describe(error, file: db))
            try? FileManager.default.removeItem(atPath: building)
            throw ExitCode(1)
        }
        do {
            try? FileManager.default.removeItem(atPath: db)
            try FileManager.default.moveItem(atPath: building, toPath: db)
        } catch {
            io.errLine(SafeText.terminal("\(db): error: cannot move the new database into place: \(error)"))
            throw ExitCode(1)
        }

        io.outLine("")
        io.outLine("counts:")
        let width = counts.map(\.collection.count).max() ?? 0
        for c in counts { io.outLine("  " + c.collection + String(repeating: " ", count: width - c.collection.count) + "  \(c.rows)") }
        if let tree {
            io.outLine("")
            io.outLine("management groups and subscriptions (role assignments: direct / total):")
            io.out(InventoryCommand.treeNode(Self.withoutResourceGroups(tree)).render())
        }
        let path = Self.absolute(db)
        let q = Self.shellQuoted(db)
        let sub = tree.flatMap(Self.firstSubscription)?.scope ?? "/"
        io.outLine("")
        io.outLine("database: \(SafeText.terminal(path)) (a SQLite file: `sqlite3 \(SafeText.terminal(Self.shellQuoted(path)))` opens it too)")
        io.outLine("")
        let scopedown = Self.invocation()
        if scopedown != "scopedown" {
            io.outLine("try next (from the source tree; or put the binary on PATH: export PATH=\"$PWD/.build/debug:$PATH\"):")
        } else {
            io.outLine("try next:")
        }
        io.outLine("  \(scopedown) inventory --db \(SafeText.terminal(q))")
        io.outLine("  \(scopedown) who-can --db \(SafeText.terminal(q)) --action Microsoft.Authorization/roleAssignments/write --scope \(sub)")
        if let p = nextPrincipal {
            io.outLine("  \(scopedown) effective --db \(SafeText.terminal(q)) --principal \(SafeText.terminal(Self.shellQuoted(p))) --scope \(sub)")
        }
        io.outLine("  \(scopedown) usage --db \(SafeText.terminal(q))")
        io.outLine("  \(scopedown) usage --db \(SafeText.terminal(q)) --privileged --unused")
        io.outLine("  \(scopedown) roles --db \(SafeText.terminal(q))")
        io.outLine("  \(scopedown) recommend --db \(SafeText.terminal(q))")
        io.outLine("  \(scopedown) findings --db \(SafeText.terminal(q)) --config \(SafeText.terminal(Self.shellQuoted(folder + "/findings-config.json")))")
        io.outLine("  \(scopedown) report --db \(SafeText.terminal(q)) --out review   # then open review/index.html")
        if !ok { throw ExitCode(1) }
    }

    // MARK: helpers

    /// `fixtures/demo` from the current directory, else from the source tree this binary was built from.
    static func locateFixtures() -> String? {
        let fm = FileManager.default
        let cwd = fm.currentDirectoryPath + "/fixtures/demo"
        if fm.fileExists(atPath: cwd) { return cwd }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let fromSource = url.appendingPathComponent("fixtures/demo").path
        return fm.fileExists(atPath: fromSource) ? fromSource : nil
    }

    /// Export files under `folder` (sorted; documentation and generator scripts skipped).
    static func exportFiles(in folder: String) -> [InputFile] {
        guard let paths = try? FileManager.default.subpathsOfDirectory(atPath: folder) else { return [] }
        var files: [String] = []
        for rel in paths {
            let name = lastPathComponent(rel)
            if name.hasPrefix(".") { continue }
            if name == "findings-config.json" { continue }  // settings for `findings`, not an export
            let lower = name.lowercased()
            guard [".json", ".jsonl", ".ndjson", ".csv", ".gz"].contains(where: { lower.hasSuffix($0) }) else { continue }
            let full = folder + "/" + rel
            if isDirectory(full) == false { files.append(full) }
        }
        return files.sorted().map { InputFile(displayName: $0, path: $0) }
    }

    /// Throws when `path` exists and is not a scopedown database.
    static func checkReplaceable(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var isScopedown = false
        if let c = try? Connection(path: path, mode: .readOnly) {
            isScopedown = (try? c.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'")) == 1
        }
        if !isScopedown {
            throw Diagnostic.error("`\(path)` exists and is not a scopedown database; not replacing it", file: path,
                                   help: "choose another path with --db")
        }
    }

    static func withoutResourceGroups(_ n: InventoryNode) -> InventoryNode {
        var m = n
        m.children = n.children.filter { $0.kind != .resourceGroup }.map(withoutResourceGroups)
        return m
    }

    static func firstSubscription(_ n: InventoryNode) -> InventoryNode? {
        if n.kind == .subscription { return n }
        for c in n.children { if let s = firstSubscription(c) { return s } }
        return nil
    }

    /// How to run this binary again as printed: `swift run scopedown` when it was built in a SwiftPM
    /// `.build` folder (not on PATH), else `scopedown`.
    static func invocation() -> String {
        let argv0 = CommandLine.arguments.first ?? ""
        return argv0.contains("/.build/") && argv0.hasSuffix("/scopedown") ? "swift run scopedown" : "scopedown"
    }

    /// The principal of an assignment that the directory does not know (the demo's deliberate orphan).
    static func orphanPrincipal(_ store: Store) throws -> String? {
        let snap = try store.loadSnapshot()
        let known = Set(snap.principals.map(\.id))
        return snap.roleAssignments.map(\.principalID).filter { !known.contains($0) && $0 != AzureID.everyone }.sorted().first
    }

    /// A user with an active assignment, by UPN (the first in sort order), for the `effective` example.
    static func examplePrincipal(_ store: Store) throws -> String? {
        let snap = try store.loadSnapshot()
        let assigned = Set(snap.roleAssignments.filter { $0.state == .active }.map(\.principalID))
        return snap.principals
            .filter { $0.kind == .user && assigned.contains($0.id) && !$0.isGuest }
            .compactMap(\.userPrincipalName).sorted().first
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Quotes for a POSIX shell when needed (printed for the user to copy, never executed).
    static func shellQuoted(_ s: String) -> String {
        let safe = s.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "/._-@+:=,".unicodeScalars.contains(c)
        }
        return safe && !s.isEmpty ? s : SafeText.shellQuoted(s)
    }
}
