import Foundation
import Testing
import ScopedownTestSupport

/// A malformed file named by an option (`--config`, `--baseline`, `--exempt`) is reported once,
/// compiler-style, by the real executable: the argument parser adds no second `Error:` line.
@Suite("option file errors")
struct OptionFileErrorTests {
    @Test("a malformed option file is named once, with its line and column, and exits 1",
          .enabled(if: Executable.path != nil, "the scopedown executable is not built beside the tests"),
          arguments: [
            (["findings", "--config"], "{\"unusedDays\": }"),
            (["findings", "--baseline"], "[1, 2"),
            (["recommend", "--exempt"], "assignment\n"),
          ])
    func reportedOnce(command: [String], content: String) throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let db = try ReliabilityTests.demoDatabase(tmp)
        let bad = tmp.path("bad-option-file")
        try Data(content.utf8).write(to: URL(fileURLWithPath: bad))
        let p = try Executable.start([command[0], "--db", db, command[1], bad], dir: tmp.url.path, tag: "run")
        p.0.waitUntilExit()
        let err = Executable.text(p.err)
        #expect(p.0.terminationStatus == 1, "\(err)")
        #expect(!err.contains("Error: "), "the argument parser printed the error again: \(err)")
        let named = err.components(separatedBy: "\n").filter { $0.contains(bad) }
        #expect(named.count == 1, "the file is named once: \(err)")
        #expect(named.first?.contains(bad + ":1:") == true || named.first?.contains(bad + ":2:") == true, "with a line: \(err)")
        #expect(Executable.text(p.out).isEmpty)
    }
}
