import ArgumentParser
import Foundation
import ScopedownCore
import ScopedownImport
import ScopedownStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `scopedown demo`: builds a database from the bundled fictional tenant (fixtures/demo), prints what
/// it holds and the management-group → subscription tree, and says what to try next.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a database from the bundled demo tenant and show what is in it.",
        discussion: """
        Imports every file of fixtures/demo (Contoso Robotics, a fictional tenant in real export \
        shapes: management groups, subscriptions, directory, roles, assignments, a deny assignment, \
        PIM, a catalog slice and about 2,000 Activity Log events) into one SQLite database, then \
        prints the counts, the management-group tree and commands to try next. Running it again is \
        safe: files already imported are skipped.

        Examples:
          scopedown demo
          scopedown demo --db /tmp/contoso.db
        """
    )

    @Option(name: .long, help: ArgumentHelp("The database to build.", valueName: "path"))
    var db: String = DemoFixture.defaultDatabase

    @Option(name: .long, help: ArgumentHelp(
        "The demo fixture folder (default: fixtures/demo of this checkout, found from the current directory or the executable).",
        valueName: "dir"))
    var fixtures: String?

    func run() throws {
        let folder: String
        do {
            folder = try DemoFixture.locate(explicit: fixtures)
        } catch let d as Diagnostic {
            DemoConsole.error(d.description)
            throw ExitCode(1)
        }
        let files = DemoFixture.jsonFiles(in: folder)
        let store: Store
        do {
            store = try Store(path: db)
        } catch {
            DemoConsole.error("\(db): error: cannot open the database: \(error)")
            throw ExitCode(1)
        }

        // Detect every file first, then import inventory before activity so that references resolve
        // as they arrive (any order works; this one avoids transient "unresolved" warnings).
        var detected: [(InputFile, DetectedFormat)] = []
        var failures = 0
        func report(_ error: any Error, _ file: InputFile) {
            failures += 1
            if failures <= Self.maxReportedErrors { DemoConsole.error(Self.describe(error, file: file)) }
        }
        for file in files {
            do {
                detected.append((file, try FormatDetector.detect(file)))
            } catch {
                report(error, file)
            }
        }
        detected.sort { a, b in
            let (ra, rb) = (DemoFixture.importRank(a.1.kind), DemoFixture.importRank(b.1.kind))
            return ra != rb ? ra < rb : a.0.displayName < b.0.displayName
        }

        // Each file is its own transaction (a failing file leaves the database as it was).
        let progress = isatty(2) == 1
        var receipts: [ImportReceipt] = []
        for (index, (file, format)) in detected.enumerated() {
            if progress { DemoConsole.progress("importing \(index + 1)/\(detected.count) \(file.displayName)") }
            do {
                switch format.kind {
                case .activityLog, .usageAggregate:
                    receipts.append(try store.importActivityLog(file, format: format, options: UsageImportOptions()))
                default:
                    receipts.append(try store.write(try InventoryImporter.decode(file, format: format)))
                }
            } catch {
                report(error, file)
            }
        }
        if progress { DemoConsole.progress(nil) }
        if failures > 0 {
            if failures > Self.maxReportedErrors { DemoConsole.error("... and \(failures - Self.maxReportedErrors) more") }
            DemoConsole.error("error: \(failures) of \(files.count) demo files could not be imported into `\(db)`")
            throw ExitCode(1)
        }

        let snapshot: AuthorizationSnapshot
        do {
            snapshot = try store.loadSnapshot()
        } catch {
            DemoConsole.error("\(db): error: cannot load the imported tenant: \(error)")
            throw ExitCode(1)
        }
        print(DemoSummary.render(snapshot: snapshot, receipts: receipts, database: db), terminator: "")
    }

    /// Errors printed before the rest are only counted (a broken build should not flood the terminal).
    static let maxReportedErrors = 10

    private static func describe(_ error: any Error, file: InputFile) -> String {
        if let d = error as? Diagnostic { return d.description }
        return "\(file.displayName): error: \(error)"
    }
}

/// Finding and listing the bundled demo files.
enum DemoFixture {
    static let defaultDatabase = "scopedown-demo.db"
    /// A file only the demo folder has, to recognize it.
    static let marker = "EXPECTED.md"

    /// The demo folder: `--fixtures` when given; else `fixtures/demo` under the current directory or
    /// any of its parents; else beside the executable (`.build/<config>/scopedown` → the checkout).
    static func locate(explicit: String?, currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executable: String = CommandLine.arguments.first ?? "") throws -> String {
        let fm = FileManager.default
        if let explicit {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: explicit, isDirectory: &isDir), isDir.boolValue else {
                throw Diagnostic.error("no such folder `\(explicit)`", file: explicit,
                                       help: "pass the demo folder of a scopedown checkout, e.g. `--fixtures fixtures/demo`")
            }
            return explicit
        }
        var starts = [currentDirectory]
        if !executable.isEmpty {
            let exe = URL(fileURLWithPath: executable, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
            starts.append(exe.resolvingSymlinksInPath().deletingLastPathComponent().path)
        }
        for start in starts {
            var dir = URL(fileURLWithPath: start, isDirectory: true).standardizedFileURL
            while true {
                let candidate = dir.appendingPathComponent("fixtures/demo")
                if fm.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate.path }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        throw Diagnostic.error("cannot find the demo tenant (fixtures/demo)", file: "scopedown demo",
                               help: "run it from a scopedown checkout, or pass `--fixtures <checkout>/fixtures/demo`")
    }

    /// Every `.json` file under the folder, recursively, hidden entries skipped, sorted by path
    /// (the generator script and EXPECTED.md are not inputs).
    static func jsonFiles(in folder: String) -> [InputFile] {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [] }
        var paths: [String] = []
        for case let url as URL in walker where url.pathExtension.lowercased() == "json" {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                paths.append(url.path)
            }
        }
        let prefix = root.standardizedFileURL.path.hasSuffix("/") ? root.standardizedFileURL.path : root.standardizedFileURL.path + "/"
        return paths.sorted().map { path in
            let std = URL(fileURLWithPath: path).standardizedFileURL.path
            let relative = std.hasPrefix(prefix) ? String(std.dropFirst(prefix.count)) : std
            return InputFile(displayName: (folder as NSString).appendingPathComponent(relative), path: path)
        }
    }

    /// Inventory first (catalog, roles, hierarchy, directory, assignments), then the Activity Log.
    static func importRank(_ kind: InputKind) -> Int {
        switch kind {
        case .operations: return 0
        case .roleDefinitions: return 1
        case .managementGroups: return 2
        case .subscriptions, .resourceContainers: return 3
        case .directory: return 4
        case .groupMembers: return 5
        case .roleAssignments: return 6
        case .pimEligible, .pimActive: return 7
        case .denyAssignments: return 8
        case .activityLog, .usageAggregate: return 9
        }
    }
}

/// The demo's report: counts, the management-group → subscription tree, what to try next.
/// Pure (snapshot in, text out) so it is tested with golden text.
enum DemoSummary {
    static func render(snapshot s: AuthorizationSnapshot, receipts: [ImportReceipt], database: String) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }

        let inventoryFiles = receipts.filter { $0.kind != .activityLog && $0.kind != .usageAggregate }
        let activityFiles = receipts.filter { $0.kind == .activityLog || $0.kind == .usageAggregate }
        let skipped = receipts.filter(\.alreadyImported).count
        line("Built \(DemoText.safe(database)) from the Contoso Robotics demo tenant (\(receipts.count) files, \(skipped) already imported).")
        line()

        let users = s.principals.filter { $0.kind == .user }
        let active = s.roleAssignments.filter { $0.state == .active }
        let custom = s.roleDefinitions.filter(\.isCustom).count
        let rows: [(String, String)] = [
            ("management groups", "\(s.managementGroups.count)"),
            ("subscriptions", "\(s.subscriptions.count)"),
            ("users", "\(users.count) (\(users.filter(\.isGuest).count) guest)"),
            ("groups", "\(s.principals.filter { $0.kind == .group }.count) (\(s.memberships.filter { !$0.transitive }.count) direct memberships)"),
            ("service principals", "\(s.principals.filter { $0.kind == .servicePrincipal }.count)"),
            ("managed identities", "\(s.principals.filter { $0.kind == .managedIdentity }.count)"),
            ("role definitions", "\(s.roleDefinitions.count) (\(s.roleDefinitions.count - custom) built-in, \(custom) custom)"),
            ("role assignments", "\(active.count) active (\(active.filter(\.isConditional).count) conditional), \(s.roleAssignments.count - active.count) PIM eligible"),
            ("deny assignments", "\(s.denyAssignments.count)"),
            ("catalog operations", "\(s.operations.filter { !$0.knownByRoleOnly }.count)"),
            ("inventory files", "\(inventoryFiles.count)"),
            ("activity log files", "\(activityFiles.count)"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (k, v) in rows { line("  " + k + String(repeating: " ", count: width - k.count) + "  " + v) }
        var activityCounts: [String: Int] = [:]
        for r in activityFiles { for (k, v) in r.counts { activityCounts[k, default: 0] += v } }
        if !activityCounts.isEmpty {
            line("  activity log: " + activityCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let warnings = receipts.reduce(0) { $0 + $1.warnings.count }
        if warnings > 0 { line("  warnings: \(warnings) (run `scopedown import` on a file to see them)") }
        line()

        line("Management groups and subscriptions (assignments at each scope):")
        for l in tree(s) { line("  " + l) }
        line()

        line("Try next:")
        let online = s.subscriptions.first { $0.displayName == "contoso-online-prod" }
        let vmScope = online.map { "/subscriptions/\($0.id)/resourceGroups/rg-online-compute/providers/Microsoft.Compute/virtualMachines/vm-online-web-01" }
            ?? "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<vm>"
        let db = DemoText.shellQuoted(database)
        line("  scopedown inventory --db \(db)")
        line("  scopedown who-can --db \(db) --action Microsoft.Authorization/roleAssignments/write --scope /")
        line("  scopedown effective --db \(db) --principal grace.holm@contosorobotics.example --scope \(vmScope)")
        line("  scopedown explain --db \(db) --principal frank.brennan@contosorobotics.example --action Microsoft.Network/virtualNetworks/subnets/delete --scope \(snetScope(s))")
        line("  scopedown blast-radius --db \(db) --principal terraform-platform")
        line("  scopedown usage --db \(db) --format table")
        line("  sqlite3 \(db) .tables")
        return out
    }

    /// The tenant root group first, children sorted by display name then id; subscriptions under
    /// their management group, with the number of active assignments at exactly that scope.
    static func tree(_ s: AuthorizationSnapshot) -> [String] {
        var perScope: [String: Int] = [:]
        for a in s.roleAssignments where a.state == .active { perScope[a.scope.key, default: 0] += 1 }
        let mgIDs = Set(s.managementGroups.map(\.id))
        var childMGs: [String: [ManagementGroup]] = [:]
        var roots: [ManagementGroup] = []
        for mg in s.managementGroups {
            if let p = mg.parentID, p != mg.id, mgIDs.contains(p) { childMGs[p, default: []].append(mg) } else { roots.append(mg) }
        }
        var subsOf: [String: [Subscription]] = [:]
        var orphanSubs: [Subscription] = []
        for sub in s.subscriptions {
            if let m = sub.managementGroupID, mgIDs.contains(m) { subsOf[m, default: []].append(sub) } else { orphanSubs.append(sub) }
        }
        func order<T>(_ items: [T], _ name: (T) -> String, _ id: (T) -> String) -> [T] {
            items.sorted { (name($0).lowercased(), id($0)) < (name($1).lowercased(), id($1)) }
        }
        func count(_ scope: Scope) -> String {
            let n = perScope[scope.key, default: 0]
            return n == 0 ? "" : "  [\(n)]"
        }
        var lines: [String] = []
        var visited: Set<String> = []
        func walk(_ mg: ManagementGroup, _ prefix: String, _ isLast: Bool, _ top: Bool) {
            guard visited.insert(mg.id).inserted else { return }  // cycles in bad data are cut
            let branch = top ? "" : (isLast ? "└─ " : "├─ ")
            lines.append(prefix + branch + DemoText.safe(mg.displayName) + " (" + DemoText.safe(mg.name) + ")" + count(mg.scope))
            let childPrefix = top ? "" : prefix + (isLast ? "   " : "│  ")
            let subs = order(subsOf[mg.id] ?? [], \.displayName, \.id)
            let kids = order(childMGs[mg.id] ?? [], \.displayName, \.id)
            for (i, sub) in subs.enumerated() {
                let last = i == subs.count - 1 && kids.isEmpty
                lines.append(childPrefix + (last ? "└─ " : "├─ ") + "subscription " + DemoText.safe(sub.displayName)
                             + " (" + sub.id + ")" + count(sub.scope))
            }
            for (i, kid) in kids.enumerated() { walk(kid, childPrefix, i == kids.count - 1, false) }
        }
        let rootCount = perScope[Scope.root.key, default: 0]
        lines.append("/" + (rootCount == 0 ? "" : "  [\(rootCount)]"))
        for mg in order(roots, \.displayName, \.id) { walk(mg, "", true, true) }
        for sub in order(orphanSubs, \.displayName, \.id) {
            lines.append("subscription " + DemoText.safe(sub.displayName) + " (" + sub.id + ", management group unknown)" + count(sub.scope))
        }
        return lines
    }

    private static func snetScope(_ s: AuthorizationSnapshot) -> String {
        if let sub = s.subscriptions.first(where: { $0.displayName == "contoso-connectivity-prod" }) {
            return "/subscriptions/\(sub.id)/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-shared"
        }
        return "/subscriptions/<id>/resourceGroups/rg-hub-network/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-shared"
    }
}

/// Output hygiene for text that came from input (names are attacker-controlled).
enum DemoText {
    /// Drops control characters (C0, DEL, C1), which also defuses ANSI escape sequences.
    static func safe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { u in
            !(u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0))
        }))
    }

    /// Quotes a path for a copy-pasteable shell line when it holds anything but safe characters.
    static func shellQuoted(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy { u in
            (u.value >= 0x30 && u.value <= 0x39) || (u.value >= 0x41 && u.value <= 0x5A) || (u.value >= 0x61 && u.value <= 0x7A)
                || "-_./:@%+=,".unicodeScalars.contains(u)
        }
        if plain && !s.isEmpty { return s }
        return "'" + safe(s).replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// stderr helpers: messages always, progress only when asked (callers check isatty(2)).
enum DemoConsole {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rewrites one progress line; nil clears it.
    static func progress(_ text: String?) {
        let line = text.map { "\r\u{1B}[K" + DemoText.safe($0) } ?? "\r\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
