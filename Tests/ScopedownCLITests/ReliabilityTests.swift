import Foundation
import Testing
import ScopedownTestSupport
@testable import ScopedownCLI
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
