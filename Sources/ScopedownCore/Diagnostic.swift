/// A compiler-style message about an input: `roles.json:41:17: error: expected array at
/// $[3].permissions[0].actions` followed by an optional `help:` line (GUIDE.md, "Errors a person can act on").
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var severity: Severity
    /// The file as the user named it (or `<stdin>`).
    public var file: String
    public var line: Int?
    public var column: Int?
    /// JSON path of the offending value (`$[3].permissions[0].actions`), when known.
    public var path: String?
    public var message: String
    public var help: String?

    public init(_ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, path: String? = nil,
                message: String, help: String? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.help = help
    }

    public static func error(_ message: String, file: String, line: Int? = nil, column: Int? = nil,
                             path: String? = nil, help: String? = nil) -> Diagnostic {
        Diagnostic(.error, file: file, line: line, column: column, path: path, message: message, help: help)
    }

    public static func warning(_ message: String, file: String, line: Int? = nil, column: Int? = nil,
                               path: String? = nil, help: String? = nil) -> Diagnostic {
        Diagnostic(.warning, file: file, line: line, column: column, path: path, message: message, help: help)
    }

    /// `file:line:column: severity: message at path` plus `help: ...` on its own line.
    public var description: String {
        var loc = file
        if let line { loc += ":\(line)" ; if let column { loc += ":\(column)" } }
        var text = "\(loc): \(severity.rawValue): \(message)"
        if let path, !path.isEmpty { text += " at \(path)" }
        if let help { text += "\n  help: \(help)" }
        return text
    }
}
