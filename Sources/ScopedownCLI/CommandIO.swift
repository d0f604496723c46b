import ArgumentParser
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
    /// Where standard output goes: a descriptor, or nil to capture it.
    private let outFD: Int32?
    /// Where standard error goes: a descriptor, or nil to capture it.
    private let errFD: Int32?
    /// The `errno` of the first failed write to standard output (a full disk, a closed pipe):
    /// a report cut short must not exit 0 (`finishOutput`).
    private(set) var outputError: Int32?
    /// True when progress may be shown: stderr is a terminal and we are not capturing.
    let stderrIsTerminal: Bool

    private init(outFD: Int32?, errFD: Int32?) {
        self.outFD = outFD
        self.errFD = errFD
        self.stderrIsTerminal = errFD == 2 && isatty(2) == 1
    }

    static func standard() -> CommandIO { CommandIO(outFD: 1, errFD: 2) }
    static func capturing() -> CommandIO { CommandIO(outFD: nil, errFD: nil) }
    /// Standard output written to `fd`, standard error captured (tests of failing writes).
    static func writingOutput(to fd: Int32) -> CommandIO { CommandIO(outFD: fd, errFD: nil) }

    /// Writes `text` to standard output (no newline added).
    func out(_ text: String) {
        guard let fd = outFD else { capturedOut += text; return }
        if outputError != nil { return }
        if let e = Self.write(fd: fd, text) { outputError = e }
    }

    /// Writes `text` to standard error (no newline added).
    func err(_ text: String) {
        if let fd = errFD { _ = Self.write(fd: fd, text) } else { capturedErr += text }
    }

    /// Unbuffered write of the whole text to a file descriptor (retrying partial writes), from the
    /// string's own UTF-8 storage (no copy of a report of tens of megabytes). Returns the `errno`
    /// of a failed write, nil when everything was written.
    private static func write(fd: Int32, _ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, base + offset, bytes.count - offset)
                #else
                let n = Darwin.write(fd, base + offset, bytes.count - offset)
                #endif
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return n < 0 ? errno : EIO }
                offset += n
            }
            return nil
        }
    }

    func outLine(_ text: String = "") { out(text + "\n") }
    func errLine(_ text: String) { err(text + "\n") }

    /// Fails the command (exit 1, with a message on standard error) when part of its output could
    /// not be written.
    func finishOutput() throws {
        guard let e = outputError else { return }
        errLine("error: cannot write the output: \(String(cString: strerror(e)))")
        throw ExitCode(1)
    }
}

/// A command that can run against a given `CommandIO` (in-process tests capture its output).
protocol IOCommand {
    func run(io: CommandIO) throws
}

extension IOCommand {
    /// `run(io:)`, then a failed write of the output fails the command (exit 1).
    func runChecked(io: CommandIO) throws {
        do { try run(io: io) } catch {
            try io.finishOutput()
            throw error
        }
        try io.finishOutput()
    }
}

extension ImportCommand: IOCommand {}
extension InventoryCommand: IOCommand {}
extension DemoCommand: IOCommand {}
extension UsageCommand: IOCommand {}
extension DiffCommand: IOCommand {}
extension ReportCommand: IOCommand {}
extension ReviewApplyCommand: IOCommand {}
extension SynthCommand: IOCommand {}

/// The last component of a path, as `NSString.lastPathComponent` gives it: trailing slashes ignored,
/// `/` for the root, empty for an empty path.
func lastPathComponent(_ path: String) -> String {
    if let last = path.split(separator: "/", omittingEmptySubsequences: true).last { return String(last) }
    return path.hasPrefix("/") ? "/" : ""
}

/// Whether `path` is a folder (symbolic links followed); nil when nothing is there.
func isDirectory(_ path: String) -> Bool? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return (st.st_mode & S_IFMT) == S_IFDIR
}

/// `s` without leading and trailing tabs and space separators (what Foundation's
/// `trimmingCharacters(in: .whitespaces)` removes).
func trimmingWhitespace(_ s: String) -> String {
    func isSpace(_ c: Character) -> Bool {
        c.unicodeScalars.count == 1 && c.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
    var t = Substring(s)
    while let f = t.first, isSpace(f) { t.removeFirst() }
    while let l = t.last, isSpace(l) { t.removeLast() }
    return String(t)
}
