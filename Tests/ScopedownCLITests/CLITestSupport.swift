import ArgumentParser
import Foundation
import ScopedownTestSupport
@testable import ScopedownCLI

/// The result of running a command in-process.
struct CLIResult {
    var stdout: String
    var stderr: String
    var exitCode: Int32
}

/// Parses `arguments` as the `scopedown` command line and runs the command in-process, capturing
/// its output. Usage errors give exit code 64, like the binary.
func runCLI(_ arguments: [String], io: CommandIO = .capturing()) -> CLIResult {
    // Tables fit $COLUMNS, else the terminal: pin it so output never depends on where tests run.
    setenv("COLUMNS", "120", 1)
    do {
        let command = try ScopedownCommand.parseAsRoot(arguments)
        guard let runnable = command as? IOCommand else {
            return CLIResult(stdout: "", stderr: "not an in-process command: \(arguments)", exitCode: 70)
        }
        try runnable.runChecked(io: io)
        return CLIResult(stdout: io.capturedOut, stderr: io.capturedErr, exitCode: 0)
    } catch {
        let code = ScopedownCommand.exitCode(for: error).rawValue
        var err = io.capturedErr
        if !(error is ExitCode) { err += ScopedownCommand.message(for: error) + "\n" }
        return CLIResult(stdout: io.capturedOut, stderr: err, exitCode: code)
    }
}

struct TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
