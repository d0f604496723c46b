import ArgumentParser

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
