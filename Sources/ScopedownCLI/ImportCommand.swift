import ArgumentParser
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownSQLite
import ScopedownStore

/// `scopedown import --db DB FILE...`: imports exports into the database, one transaction per file.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import tenant exports (az CLI, ARM REST, Resource Graph, Microsoft Graph, Activity Log) into a database.",
        discussion: """
        Each file is detected (kind and export shape) and written in its own transaction: a file that fails leaves the database as it was, and the other files still import. A failure of the database itself (a full disk, an I/O error, a lock held by another process) rolls the whole run back. A new database is built beside PATH and appears only when something was imported. Importing the same bytes twice changes nothing. Folders are walked recursively, `-` reads standard input and `.gz` files are read directly. References not yet known (an assignment's role, a member's group) are kept, resolve when their target is imported, and are listed as warnings.

        The summary counts rows read from the files: an object that several files export (a subscription in both the subscription list and the management-group tree) counts each time, so it can exceed what the database holds (`scopedown demo` prints those counts).

        Examples:
          scopedown import --db scopedown-demo.db fixtures/demo/roles
          scopedown import --db tenant.db roles.json assignments.json mg-tree.json
          scopedown import --db tenant.db exports/
          az role assignment list --all | scopedown import --db tenant.db -
          scopedown import --db tenant.db --keep-events insights-activity-logs/

        Kinds for --kind: \(InputKind.allCases.map(\.rawValue).joined(separator: ", ")).
        Exit codes: 0 every file imported, 1 a file or the database failed (or a warning with --strict), 64 usage error.
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("Force the kind of every input instead of detecting it.", valueName: "kind"))
    var kind: String?

    @Flag(name: .long, help: "Keep raw Activity Log events (forensics) besides the aggregated usage.")
    var keepEvents = false

    @Flag(name: .long, help: "Turn warnings (unknown properties, replaced objects, unresolved references) into errors.")
    var strict = false

    @Argument(help: ArgumentHelp("Files or folders to import; `-` is standard input.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if let kind, InputKind(rawValue: kind) == nil {
            throw ValidationError("unknown kind `\(kind)`; use one of: \(InputKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if files.isEmpty { throw ValidationError("give at least one file, folder or `-`") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let inputs: [InputFile]
        let store: Store
        // A new database is built beside its path and moved into place only when the run imported
        // something (`DatabaseCreation`): a failed first import leaves no file behind.
        var creation: DatabaseCreation?
        do {
            inputs = try InputCollector.expand(files)
            creation = try DatabaseCreation.claim(db.db, waiting: {
                io.errLine(SafeText.terminal("\(db.db): note: another import is creating this database; waiting for it to finish"))
            })
            store = try Store(path: creation?.building ?? db.db, displayPath: db.db)
        } catch {
            creation?.abandon()
            io.errLine(CLIErrors.describe(error, file: db.db))
            throw ExitCode(1)
        }
        var run = ImportRun(store: store, io: io, kindOverride: kind.flatMap(InputKind.init(rawValue:)),
                            keepEvents: keepEvents, strict: strict)
        run.databaseName = db.db
        run.importAll(inputs)
        var published = true
        if let creation {
            if run.imported > 0 {
                do { try creation.publish() } catch {
                    io.errLine(CLIErrors.describe(error, file: db.db))
                    creation.abandon()
                    published = false
                }
            } else {
                creation.abandon()
                io.errLine(SafeText.terminal("\(db.db): note: nothing was imported, so no database was created"))
            }
        }
        if !run.finish() || !published { throw ExitCode(1) }
    }
}

enum CLIErrors {
    /// A diagnostic as `file:line:col: error: ...`; anything else as `file: error: ...`.
    static func describe(_ error: Error, file: String) -> String {
        if let d = error as? Diagnostic { return d.description.replacingNewlines() }
        if let f = error as? DatabaseFailure { return f.diagnostic.description.replacingNewlines() }
        // SQLite failing under a query (a lock held past the wait, a damaged file): about the database
        if error is SQLiteError || error is TransactionRolledBack {
            return DatabaseFailure(path: file, error, action: "cannot read the database").diagnostic.description.replacingNewlines()
        }
        return SafeText.terminal("\(file): error: \(error)")
    }
}

extension String {
    /// Keeps the `help:` line of a diagnostic on its own line while sanitizing the rest.
    func replacingNewlines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.terminal(String($0)) }.joined(separator: "\n")
    }
}

/// The import pipeline shared by `import` and `demo`: detect → decode → write, per file, with
/// per-file result lines, a summary, and the unresolved references of the whole run. An Activity Log
/// file is read by `ActivityLogImport` into the store's usage sink (`Store.importUsage`); the run's
/// small Activity Log files are scanned ahead by its prefetcher.
struct ImportRun {
    let store: Store
    let io: CommandIO
    var kindOverride: InputKind?
    var keepEvents = false
    var strict = false
    /// Print a line per file (the demo prints only the summary).
    var perFileLines = true
    /// Warnings printed per file before the rest are counted.
    var warningsShownPerFile = 20
    /// Files failing with the same message: the first few are printed, the rest counted.
    var sameErrorShown = 5
    /// The database as named in messages (the demo builds under a temporary name).
    var databaseName: String?
    private var errorMessages: [String: Int] = [:]
    /// The per-file result lines, printed once the run has committed (until then nothing is imported).
    private var fileLines: [String] = []
    /// True when the run's transaction failed: nothing of it was written.
    private(set) var rolledBack = false

    private(set) var imported = 0
    private(set) var alreadyImported = 0
    private(set) var failed = 0
    private(set) var skipped = 0
    private(set) var warnings = 0
    private(set) var rows: [String: Int] = [:]
    private(set) var filesByKind: [String: Int] = [:]
    /// The time window (seconds since 1970, UTC) the Activity Log events of this run cover.
    private(set) var windowFrom: Int64?
    private(set) var windowTo: Int64?

    init(store: Store, io: CommandIO, kindOverride: InputKind? = nil, keepEvents: Bool = false, strict: Bool = false) {
        self.store = store
        self.io = io
        self.kindOverride = kindOverride
        self.keepEvents = keepEvents
        self.strict = strict
    }

    /// The whole run is one transaction with a savepoint per file: a failing file leaves no trace
    /// and the others are kept, and the run commits (and fsyncs) once instead of once per file,
    /// which dominated archives of thousands of hourly PT1H.json files.
    /// A failure of the database itself (a full disk, an I/O error, a lock) stops the run and rolls
    /// the whole of it back: no file of it is imported, and none is reported as imported.
    mutating func importAll(_ inputs: [InputFile]) {
        let prefetcher = ActivityLogImport.prefetcher(for: inputs, keepEvents: keepEvents)
        defer { prefetcher?.cancel() }
        do {
            try store.withUsageBatch { for input in inputs { try importOne(input, prefetcher: prefetcher) } }
            for line in fileLines { io.outLine(line) }
        } catch {
            var text = CLIErrors.describe(error, file: databaseName ?? store.path)
            if !text.contains("\n  help:") { text += "\n  help: run the import again once the database is usable" }
            io.errLine(text)
            io.errLine(SafeText.terminal("\(databaseName ?? store.path): note: the run was rolled back: nothing of it was imported"))
            rolledBack = true
            failed = inputs.count
            imported = 0
            alreadyImported = 0
            warnings = 0
            rows = [:]
            filesByKind = [:]
            windowFrom = nil
            windowTo = nil
        }
        fileLines = []
    }

    mutating func importOne(_ input: InputFile, prefetcher: ActivityPrefetcher? = nil) throws {
        let name = SafeText.terminal(input.displayName)
        do {
            let format = try FormatDetector.detect(input, override: kindOverride)
            let receipt: ImportReceipt
            if format.kind == .activityLog || format.kind == .usageAggregate {
                var options = UsageImportOptions(keepEvents: keepEvents)
                if io.stderrIsTerminal { options.progress = Self.progressPrinter(io: io, name: name) }
                let detailed = try store.importUsage(input.displayName, format: format, keepEvents: keepEvents) { sink in
                    try ActivityLogImport.read(input, options: options, prefetcher: prefetcher, into: sink)
                }
                receipt = detailed.receipt
                if let f = detailed.summary.windowFrom, windowFrom.map({ f < $0 }) ?? true { windowFrom = f }
                if let t = detailed.summary.windowTo, windowTo.map({ t > $0 }) ?? true { windowTo = t }
                if io.stderrIsTerminal { io.err("\r\u{1B}[K") }
                if strict, let first = receipt.warnings.first {
                    // The usage import already committed: report, and fail the run.
                    var e = first
                    e.severity = .error
                    io.errLine(CLIErrors.describe(e, file: input.displayName))
                    failed += 1
                    return
                }
            } else {
                let decoded = try InventoryImporter.decode(input, format: format)
                receipt = try store.write(decoded, strict: strict)
            }
            record(receipt, name: name)
        } catch let failure as DatabaseFailure {
            throw failure
        } catch let skip as SkippedFile {
            skipped += 1
            if perFileLines { io.outLine("\(name): skipped (\(SafeText.terminal(skip.reason)))") }
        } catch {
            failed += 1
            let message = (error as? Diagnostic)?.message ?? "\(error)"
            errorMessages[message, default: 0] += 1
            if errorMessages[message, default: 0] <= sameErrorShown {
                io.errLine(CLIErrors.describe(error, file: input.displayName))
            }
        }
    }

    static func progressPrinter(io: CommandIO, name: String) -> @Sendable (UsageImportProgress) -> Void {
        { (p: UsageImportProgress) in
            var line = "\r\(name): \(p.bytesRead / 1_048_576) MiB"
            if let total = p.totalBytes, total > 0 {
                line += " of \(total / 1_048_576) MiB (\(p.bytesRead * 100 / total)%)"
            }
            line += ", \(p.events) events"
            io.err(line + "\u{1B}[K")
        }
    }

    private mutating func record(_ r: ImportReceipt, name: String) {
        if r.alreadyImported {
            alreadyImported += 1
            if perFileLines { fileLines.append("\(name): already imported (same content), nothing changed") }
            return
        }
        imported += 1
        filesByKind[r.kind.rawValue, default: 0] += 1
        for (k, v) in r.counts { rows[k, default: 0] += v }
        warnings += r.warnings.count
        if perFileLines {
            let counts = r.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            fileLines.append("\(name): imported \(r.kind.rawValue) (\(SafeText.terminal(r.shape)))\(counts.isEmpty ? ", no rows" : ": " + counts)"
                       + (r.warnings.isEmpty ? "" : ", \(r.warnings.count) warning\(r.warnings.count == 1 ? "" : "s")"))
        }
        for w in r.warnings.prefix(warningsShownPerFile) { io.errLine(CLIErrors.describe(w, file: r.file)) }
        if r.warnings.count > warningsShownPerFile {
            io.errLine("\(name): warning: \(r.warnings.count - warningsShownPerFile) more warnings not shown")
        }
    }

    /// Prints the unresolved references and the summary; false when the run failed.
    mutating func finish() -> Bool {
        var unresolved: [Diagnostic] = []
        // Unresolved references are news only when this run wrote something.
        do {
            if imported > 0 && !rolledBack { unresolved = try store.unresolvedReferenceWarnings() }
        } catch {
            io.errLine(CLIErrors.describe(error, file: store.path))
        }
        for (message, n) in errorMessages.sorted(by: { $0.key < $1.key }) where n > sameErrorShown {
            io.errLine(SafeText.terminal("error: \(n - sameErrorShown) more files failed with: \(message)"))
        }
        for var u in unresolved {
            if strict { u.severity = .error }
            if let databaseName { u.file = databaseName }
            io.errLine(CLIErrors.describe(u, file: store.path))
        }
        let total = imported + alreadyImported + failed + skipped
        var summary = "summary: \(total) file\(total == 1 ? "" : "s"): \(imported) imported, \(alreadyImported) already imported, \(failed) failed"
        if skipped > 0 { summary += ", \(skipped) skipped" }
        if !filesByKind.isEmpty {
            summary += "\n  files by kind: " + filesByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        if !rows.isEmpty {
            // Rows read from the files: an object exported by several files counts each time.
            summary += "\n  rows read: " + rows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        if let from = windowFrom, let to = windowTo {
            summary += "\n  activity window: \(ActivityTime.isoString(from)) .. \(ActivityTime.isoString(to))"
        }
        if rolledBack { summary += "\n  the run was rolled back: the database is as it was before it" }
        summary += "\n  warnings: \(warnings + unresolved.count)"
        if !unresolved.isEmpty { summary += " (\(unresolved.count) about unresolved references)" }
        io.outLine(summary)
        return failed == 0 && !(strict && !unresolved.isEmpty)
    }
}
