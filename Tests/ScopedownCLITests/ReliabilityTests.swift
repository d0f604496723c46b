import Foundation
import Testing
import ScopedownTestSupport
@testable import ScopedownCLI
import ScopedownSQLite
import ScopedownStore
#if canImport(Glibc)
import Glibc
#endif

/// Failures around the commands: output that cannot be written, a full disk, other processes.
@Suite("reliability")
struct ReliabilityTests {
    /// A demo database in `tmp`.
    static func demoDatabase(_ tmp: TempDir) throws -> String {
        let db = tmp.path("demo.db")
        let r = runCLI(["demo", "--db", db, "--fixtures", SharedData.fixture("demo").path])
        try #require(r.exitCode == 0, "\(r.stderr)")
        return db
    }

    @Test("a report written to a full device exits 1 with a message",
          .enabled(if: FileManager.default.isWritableFile(atPath: "/dev/full"), "no /dev/full on this system"))
    func outputToFullDevice() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try Self.demoDatabase(tmp)
        let sub = "/subscriptions/54c7965f-1b08-4b18-b00d-e4c47f7383b0"  // contoso-connectivity-prod
        let commands: [[String]] = [
            ["inventory", "--db", db],
            ["usage", "--db", db],
            ["usage", "--db", db, "--format", "csv"],
            ["who-can", "--db", db, "--action", "Microsoft.Authorization/roleAssignments/write", "--scope", sub],
            ["import", "--db", db, SharedData.fixture("demo/subscriptions.json").path],
            ["synth", "--out", tmp.path("synth"), "--subscriptions", "2", "--assignments", "20", "--events", "50"],
        ]
        for arguments in commands {
            let fd = open("/dev/full", O_WRONLY)
            try #require(fd >= 0)
            defer { close(fd) }
            let r = runCLI(arguments, io: .writingOutput(to: fd))
            #expect(r.exitCode == 1, "\(arguments[0]) exited \(r.exitCode)")
            #expect(r.stderr.contains("error: cannot write the output: No space left on device"), "\(arguments[0]): \(r.stderr)")
            // the same command with a working output succeeds
            #expect(runCLI(arguments).exitCode == 0, "\(arguments)")
        }
    }
}

/// A small tmpfs mounted for one test (root only: the test skips visibly elsewhere).
final class SmallDisk {
    let path: String
    private var mounted = false

    static func run(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// True when this process may mount a tmpfs (root with the capability to mount).
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        guard let probe = try? SmallDisk(kilobytes: 64) else { return false }
        probe.unmount()
        return true
    }()

    init(kilobytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run(["/bin/mount", "-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteNoPermission)
        }
        mounted = true
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Fills the disk but for about `kilobytes`.
    func leave(kilobytes: Int) throws {
        try? FileManager.default.removeItem(atPath: file("filler"))
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { throw CocoaError(.fileReadUnknown) }
        let free = Int(s.f_bavail) * Int(s.f_frsize)
        let size = max(0, free - kilobytes * 1024)
        guard FileManager.default.createFile(atPath: file("filler"), contents: Data(count: size)) else { throw CocoaError(.fileWriteOutOfSpace) }
    }

    func entries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != "filler" }.sorted()
    }

    func unmount() {
        // lazily: descriptors the import keeps open (the writeback's) would make it busy
        if mounted { _ = Self.run(["/bin/umount", "-l", path]) }
        mounted = false
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { unmount() }
}

extension ReliabilityTests {
    static var demoInventory: [String] {
        let demo = SharedData.fixture("demo").path
        return ["roles", "assignments", "catalog", "directory", "subscriptions.json", "management-groups.json", "resource-containers.json"]
            .map { demo + "/" + $0 }
    }
    static var demoActivity: String { SharedData.fixture("demo/activity").path }

    @Test("a full disk at any point of a run: exit 1 naming the database and the cause, nothing reported imported, the database as it was",
          .enabled(if: SmallDisk.available, "needs root and a mountable tmpfs (the full-disk test mounts a small one)"))
    func fullDisk() throws {
        let disk = try SmallDisk(kilobytes: 6 * 1024)
        var failures = 0
        // into an existing database
        let db = disk.file("t.db")
        #expect(runCLI(["import", "--db", db] + Self.demoInventory).exitCode == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        for free in [16, 64, 256, 1024] {
            try disk.leave(kilobytes: free)
            let r = runCLI(["import", "--db", db, "--keep-events", Self.demoActivity])
            guard r.exitCode != 0 else { continue }
            failures += 1
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains("\(db): error: cannot write to the database: the disk is full (SQLITE_FULL)")
                    || r.stderr.contains("\(db): error: cannot write to the database: an I/O error"), "\(free) KiB: \(r.stderr)")
            #expect(!r.stdout.contains(": imported"), "\(free) KiB: \(r.stdout)")
            #expect(r.stdout.contains(": 0 imported, 0 already imported, "), "\(free) KiB: \(r.stdout)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "\(free) KiB: the database changed")
            #expect(disk.entries() == ["t.db"], "\(free) KiB: \(disk.entries())")
        }
        // into a new database: no file at all afterwards
        try FileManager.default.removeItem(atPath: db)
        for free in [16, 64, 256, 1024, 2048] {
            try disk.leave(kilobytes: free)
            let r = runCLI(["import", "--db", db, "--keep-events"] + Self.demoInventory + [Self.demoActivity])
            guard r.exitCode != 0 else { try FileManager.default.removeItem(atPath: db); continue }
            failures += 1
            #expect(r.exitCode == 1)
            #expect(r.stderr.contains("\(db): error: cannot ") && r.stderr.contains("the disk is full (SQLITE_FULL)"), "\(free) KiB: \(r.stderr)")
            #expect(!r.stdout.contains(": imported"), "\(free) KiB: \(r.stdout)")
            #expect(disk.entries() == [], "\(free) KiB: \(disk.entries())")
        }
        #expect(failures >= 6, "the disk was never full enough")
    }

    @Test("a new database whose every file fails is not created")
    func failedFirstImportLeavesNoDatabase() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let bad = tmp.path("bad.json")
        try "[{".write(toFile: bad, atomically: true, encoding: .utf8)
        let db = tmp.path("new.db")
        let r = runCLI(["import", "--db", db, bad])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("no database was created"))
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.url.path) == ["bad.json"])
    }
}

extension ReliabilityTests {
    @Test("a SQLite file of another application is refused unchanged by every command")
    func foreignDatabase() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let path = tmp.path("other.db")
        do {
            let c = try Connection(path: path)
            try c.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes(text) VALUES ('keep me')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["inventory", "--db", path], ["usage", "--db", path],
                          ["who-can", "--db", path, "--action", "Microsoft.Compute/virtualMachines/write", "--scope", "/"],
                          ["import", "--db", path, SharedData.fixture("demo/subscriptions.json").path]] {
            let r = runCLI(arguments)
            #expect(r.exitCode == 1, "\(arguments[0])")
            #expect(r.stderr.contains("`\(path)` is not a scopedown database (it holds 1 table of another application)"), "\(arguments[0]): \(r.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(arguments[0]) changed the file")
        }
        // another application id
        do {
            let c = try Connection(path: path)
            try c.execute("PRAGMA application_id = 1234")
        }
        let r = runCLI(["inventory", "--db", path])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("is not a scopedown database (its application id is 1234)"), "\(r.stderr)")
    }

    @Test("a new database carries scopedown's application id")
    func applicationID() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try Self.demoDatabase(tmp)
        let c = try Connection(path: db, mode: .readOnly)
        #expect(try c.scalarInt("PRAGMA application_id") == Int(Store.applicationID))
    }

    @Test("query commands on a database with nothing imported say so and exit 1")
    func nothingImported() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        // a file that exists already (so it is not built beside) and a first import that fails
        let db = tmp.path("t.db")
        _ = FileManager.default.createFile(atPath: db, contents: nil)
        let bad = tmp.path("bad.json")
        try "[{".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(runCLI(["import", "--db", db, bad]).exitCode == 1)
        let empty = tmp.path("empty.db")
        _ = FileManager.default.createFile(atPath: empty, contents: nil)
        for path in [db, empty] {
            for arguments in [["inventory", "--db", path], ["usage", "--db", path],
                              ["who-can", "--db", path, "--action", "Microsoft.Compute/virtualMachines/write", "--scope", "/"],
                              ["effective", "--db", path, "--principal", "alice", "--scope", "/"]] {
                let r = runCLI(arguments)
                #expect(r.exitCode == 1, "\(arguments[0]) on \(path)")
                #expect(r.stderr.contains("\(path): error: the database holds nothing imported yet"), "\(arguments[0]): \(r.stderr)")
                #expect(r.stderr.contains("scopedown import --db \(path) FILE..."))
            }
        }
        // the reader did not turn the empty file into a database
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
    }
}

/// The `scopedown` executable built beside the tests, for tests that need separate processes.
enum Executable {
    static let path: String? = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for d in [dir, dir.deletingLastPathComponent(), SharedData.packageRoot.appendingPathComponent(".build/debug")] {
            let p = d.appendingPathComponent("scopedown").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }()

    /// Starts `scopedown arguments`, its output collected in files under `dir`.
    static func start(_ arguments: [String], dir: String, tag: String) throws -> (Process, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(path))
        p.arguments = arguments
        let out = dir + "/\(tag).out", err = dir + "/\(tag).err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        return (p, out, err)
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
}

extension ReliabilityTests {
    @Test("two imports into a database that does not exist yet (or is an empty file) both succeed",
          .enabled(if: Executable.path != nil, "the scopedown executable is not built beside the tests"))
    func concurrentCreation() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        for round in 0..<RandomCases.count(default: 6) {
            let db = tmp.path("r\(round).db")
            // odd rounds: an empty file exists already (both processes migrate it)
            if round % 2 == 1 { _ = FileManager.default.createFile(atPath: db, contents: nil) }
            let a = try Executable.start(["import", "--db", db] + Self.demoInventory, dir: tmp.url.path, tag: "a\(round)")
            let b = try Executable.start(["import", "--db", db] + Self.demoInventory, dir: tmp.url.path, tag: "b\(round)")
            a.0.waitUntilExit()
            b.0.waitUntilExit()
            for (p, tag) in [(a, "first"), (b, "second")] {
                #expect(p.0.terminationStatus == 0, "round \(round), \(tag): \(Executable.text(p.err))")
            }
            // one of them imported the files, the other found them imported
            let outs = [Executable.text(a.out), Executable.text(b.out)]
            #expect(outs.contains { $0.contains(" 0 already imported, 0 failed") }, "round \(round): \(outs)")
            #expect(outs.contains { $0.contains(": 0 imported, ") && $0.contains(" already imported, 0 failed") }, "round \(round): \(outs)")
            #expect(!FileManager.default.fileExists(atPath: DatabaseCreation.buildingPath(db)))
            #expect(runCLI(["inventory", "--db", db]).exitCode == 0)
        }
    }

    @Test("a query while the first import creates the database answers, or says the database is not there yet",
          .enabled(if: Executable.path != nil, "the scopedown executable is not built beside the tests"))
    func queryDuringCreation() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        var answered = 0
        for round in 0..<RandomCases.count(default: 3) {
            let db = tmp.path("r\(round).db")
            let writer = try Executable.start(["import", "--db", db, "--keep-events"] + Self.demoInventory + [Self.demoActivity],
                                              dir: tmp.url.path, tag: "w\(round)")
            var queries = 0
            repeat {
                let r = try Executable.start(["inventory", "--db", db], dir: tmp.url.path, tag: "q\(round)-\(queries)")
                r.0.waitUntilExit()
                let err = Executable.text(r.err)
                if r.0.terminationStatus == 0 {
                    answered += 1
                } else {
                    #expect(err.contains("is being created by an import that is still running") || err.contains("does not exist"),
                            "round \(round): \(err)")
                }
                queries += 1
            } while writer.0.isRunning && queries < 40
            writer.0.waitUntilExit()
            #expect(writer.0.terminationStatus == 0, "\(Executable.text(writer.err))")
        }
        _ = answered
    }

    @Test("a query that meets a lock held past its wait says so, with a hint")
    func lockedDatabase() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try Self.demoDatabase(tmp)
        let holder = try Connection(path: db)
        try holder.execute("BEGIN EXCLUSIVE")
        defer { try? holder.execute("ROLLBACK") }
        let r = runCLI(["inventory", "--db", db])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("\(db): error: cannot ") && r.stderr.contains(" database: the database is locked by another process"), "\(r.stderr)")
        #expect(r.stderr.contains("help: run the command again when that import has finished"))
        #expect(!r.stderr.contains("SELECT"))
        let i = runCLI(["import", "--db", db, SharedData.fixture("demo/subscriptions.json").path])
        #expect(i.exitCode == 1)
        #expect(i.stderr.contains("\(db): error: cannot ") && i.stderr.contains(" database: the database is locked by another process"), "\(i.stderr)")
        #expect(!i.stderr.contains("subscriptions.json"), "the error is about the database, not the input: \(i.stderr)")
    }
}
