#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: standard output and standard error, or buffers in tests (commands run
/// in-process through `run(io:)`). Output goes through here so golden tests can capture it.
final class CommandIO: @unchecked Sendable {
    private(set) var capturedOut = ""
    private(set) var capturedErr = ""
    private let capture: Bool
    /// True when progress may be shown: stderr is a terminal and we are not capturing.
    let stderrIsTerminal: Bool

    private init(capture: Bool) {
        self.capture = capture
        self.stderrIsTerminal = !capture && isatty(2) == 1
    }

    static func standard() -> CommandIO { CommandIO(capture: false) }
    static func capturing() -> CommandIO { CommandIO(capture: true) }

    /// Writes `text` to standard output (no newline added).
    func out(_ text: String) {
        if capture { capturedOut += text } else { Self.write(fd: 1, text) }
    }

    /// Writes `text` to standard error (no newline added).
    func err(_ text: String) {
        if capture { capturedErr += text } else { Self.write(fd: 2, text) }
    }

    /// Unbuffered write of the whole text to a file descriptor (retrying partial writes).
    private static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)  // var: withUnsafeMutableBytes gives a stable pointer
        var offset = 0
        while offset < bytes.count {
            let n: Int = bytes.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return 0 }
                #if canImport(Glibc)
                return Glibc.write(fd, base + offset, raw.count - offset)
                #else
                return Darwin.write(fd, base + offset, raw.count - offset)
                #endif
            }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            offset += n
        }
    }

    func outLine(_ text: String = "") { out(text + "\n") }
    func errLine(_ text: String) { err(text + "\n") }
}

/// A command that can run against a given `CommandIO` (in-process tests capture its output).
protocol IOCommand {
    func run(io: CommandIO) throws
}

extension ImportCommand: IOCommand {}
extension InventoryCommand: IOCommand {}
extension DemoCommand: IOCommand {}
