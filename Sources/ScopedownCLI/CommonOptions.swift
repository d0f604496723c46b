import ArgumentParser
import ScopedownCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--db`, shared by every command that reads or writes a database.
public struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The scopedown database (a SQLite file).", valueName: "path"))
    public var db: String

    public init() {}
}

/// Output formats. Not every command offers every format; each lists its own in `--help`.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv
}

/// Formats of a command whose output is a document or a tree, not a list (no CSV form): the parser
/// rejects `--format csv` and the help lists only these.
public enum DocumentFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json
}

/// `--wide` and `--width`: how tables fit, for every command that prints them.
struct TableWidthOptions: ParsableArguments {
    @Flag(name: .long, help: "Tables: print full ids, names and scopes, however wide the lines get.")
    var wide = false

    @Option(name: .long, help: ArgumentHelp("Tables: fit in this many columns (default: $COLUMNS, else the terminal's width, else 120).", valueName: "columns"))
    var width: Int?

    func validate() throws {
        if let w = width, w < 20 { throw ValidationError("--width must be at least 20 columns") }
    }

    /// The width tables fit in; nil with `--wide`.
    var tableWidth: Int? { wide ? nil : (width ?? TerminalWidth.current()) }
}

/// `--format table|json|csv` and the table width, shared by every command that prints a list.
struct ListOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @OptionGroup var table: TableWidthOptions

    var tableWidth: Int? { table.tableWidth }
}

/// `--format table|json` and the table width, for commands with no CSV form.
struct DocumentOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table or json.")
    var format: DocumentFormat = .table

    @OptionGroup var table: TableWidthOptions

    var tableWidth: Int? { table.tableWidth }

    /// The same choice as a list format (for renderers shared with list commands).
    var listFormat: OutputFormat { format == .json ? .json : .table }
}

/// `--include-eligible`, shared by the evaluator commands.
struct EligibilityOptions: ParsableArguments {
    @Flag(name: .long, help: "Count PIM-eligible assignments as granting.")
    var includeEligible = false
}

/// `--principal` (one principal to evaluate).
struct PrincipalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Object id, user principal name or unambiguous display name.", valueName: "id"))
    var principal: String
}

/// `--scope` as a typed ARM scope.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ARM scope to evaluate at, starting with `/` (`/`, a management group, subscription, resource group or resource id).", valueName: "scope"))
    var scope: Scope

    @Flag(name: .long, help: "Evaluate a scope whose management group, subscription or resource group is not in the imported inventory.")
    var allowUnknownScope = false
}

/// An ARM scope on the command line: it must start with `/`.
extension Scope: ExpressibleByArgument {
    public init?(argument: String) {
        let t = argument.trimmingSpaces()
        guard t.hasPrefix("/") else { return nil }
        self.init(t)
    }
}

/// The width tables fit in: `$COLUMNS`, else standard output's terminal width, else 120.
enum TerminalWidth {
    static func current() -> Int {
        if let c = ProcessEnvironment.value("COLUMNS"), let n = Int(c.trimmingSpaces()), n > 0 { return max(20, n) }
        var size = winsize()
        if isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return max(20, Int(size.ws_col)) }
        return 120
    }
}

enum ProcessEnvironment {
    static func value(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}
