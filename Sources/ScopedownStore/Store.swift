import ScopedownCore
import ScopedownSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The scopedown database. The only type that knows table names.
///
/// One `Store` owns one SQLite connection: use it from one thread at a time.
public final class Store {
    public let path: String
    /// The database as messages name it (a new database is built under another name, beside).
    public var displayPath: String
    /// The open connection (for this module's extensions, e.g. the usage import, and for tests).
    public let connection: Connection
    var db: Connection { connection }
    /// The state shared by the usage imports of the current `withUsageBatch` (Store+Usage.swift).
    var usageRun: UsageRunState?
    /// Called between the reads of a report (tests: a write from another connection lands there).
    var readHook: (() -> Void)?
    /// Memory bounds of the usage import (tests lower them to exercise the spill paths).
    var usageCaps = UsageCaps.standard

    /// Opens (creating and migrating when `create` is true) the database at `path`.
    /// With `create: false` a missing file is an error, and an existing one is still migrated to the
    /// current schema.
    public init(path: String, create: Bool = true, displayPath: String? = nil) throws {
        self.path = path
        self.displayPath = displayPath ?? path
        if !create && !Store.fileExists(path) {
            if DatabaseCreation.isBeingCreated(path) {
                throw Diagnostic.error("database `\(path)` is being created by an import that is still running", file: self.displayPath,
                                       help: "run the command again when that import has finished")
            }
            throw Diagnostic.error("database `\(path)` does not exist", file: self.displayPath,
                                   help: "create it with `scopedown import --db \(path) FILE...` or `scopedown demo`")
        }
        do {
            connection = try Connection(path: path, mode: create ? .readWriteCreate : .readWrite)
            // A 64 MiB page cache (allocated only as used) keeps a whole-file import transaction in
            // memory instead of spilling pages to disk mid-transaction.
            try connection.execute("PRAGMA cache_size = -65536")
            if try !Store.checkOwnership(connection, path: self.displayPath) && !create {
                // a reader does not turn an empty file into a database
                throw Store.nothingImported(self.displayPath)
            }
            try Migrator(migrations: Store.migrations).migrate(connection, applicationID: Store.applicationID)
        } catch let e as SQLiteError {
            throw DatabaseFailure(path: self.displayPath, e, action: "cannot open database").diagnostic
        } catch let m as Migrator.Mismatch {
            throw Diagnostic.error("cannot open database: \(m)", file: self.displayPath,
                                   help: "it was made by another (development) build: re-create it by importing the exports again")
        }
        try Store.registerFunctions(connection)
    }

    /// `PRAGMA application_id` of a scopedown database ("SCPD"), set when the migrator creates it.
    public static let applicationID: Int32 = 0x5343_5044

    /// Refuses, before anything is written, a SQLite file that belongs to another application: one
    /// with another application id, or with tables but neither scopedown's id nor its migrations
    /// table (a database made before the id was set). An empty file is a new database: false.
    @discardableResult
    static func checkOwnership(_ db: Connection, path: String) throws -> Bool {
        let id = try db.scalarInt("PRAGMA application_id") ?? 0
        if id == applicationID { return true }
        let help = "scopedown leaves it unchanged; import into a new file, e.g. `scopedown import --db tenant.db FILE...`"
        if id != 0 {
            throw Diagnostic.error("`\(path)` is not a scopedown database (its application id is \(id))", file: path, help: help)
        }
        let tables = try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") ?? 0
        if tables == 0 { return false }
        // an earlier build's database: its migrations table records scopedown's first migration
        if (try? db.scalarInt("SELECT COUNT(*) FROM schema_migrations WHERE name = 'v001_core'")) == 1 { return true }
        throw Diagnostic.error("`\(path)` is not a scopedown database (it holds \(tables) table\(tables == 1 ? "" : "s") of another application)",
                               file: path, help: help)
    }

    /// Query commands ask a database that holds imported data: one where nothing was imported (a
    /// first import that failed, a file made by `sqlite3`) would answer "nobody" to every question.
    public func requireImports() throws {
        guard try db.scalarInt("SELECT EXISTS (SELECT 1 FROM imports)") == 0 else { return }
        throw Store.nothingImported(displayPath)
    }

    static func nothingImported(_ path: String) -> Diagnostic {
        Diagnostic.error("the database holds nothing imported yet", file: path,
                         help: "import the tenant's exports first: `scopedown import --db \(path) FILE...` (or try `scopedown demo`)")
    }

    /// Runs `body` in one read transaction, so that its queries (and those a second connection
    /// starts while it runs: the rollback journal lets no commit happen while this one holds its
    /// read lock) see one committed state, never a commit's before and after. Inside a transaction
    /// already, `body` just runs.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        if db.isInTransaction { return try body() }
        try db.execute("BEGIN")
        do {
            // the read lock is taken now, not at the first query of `body`
            _ = try db.scalarInt("SELECT COUNT(*) FROM sqlite_master")
            let r = try body()
            try db.execute("COMMIT")
            return r
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            throw error
        }
    }

    /// Registers SQL functions that share Core's definitions:
    /// `action_matches(pattern, operation)` is `ActionPattern.matches` (REFERENCE.md §2.2).
    static func registerFunctions(_ db: Connection) throws {
        try db.createFunction("action_matches", argumentCount: 2) { args in
            guard case .text(let pattern) = args[0], case .text(let name) = args[1] else { return .null }
            return .integer(ActionPattern(pattern).matches(name) ? 1 : 0)
        }
    }

    static func fileExists(_ path: String) -> Bool {
        guard let f = fopen(path, "rb") else { return false }
        fclose(f)
        return true
    }

    /// Writes one decoded inventory file in one transaction and records the import.
    /// Importing the same bytes twice changes nothing. A failure leaves the database unchanged.
    public func write(_ decoded: DecodedFile) throws -> ImportReceipt {
        try write(decoded, strict: false)
    }

    /// `strict`: any warning (from decoding or from the upsert) fails the file and rolls it back
    /// (`scopedown import --strict`); the thrown error is the first warning turned into an error.
    public func write(_ decoded: DecodedFile, strict: Bool) throws -> ImportReceipt {
        let batch = decoded.batch
        let name = decoded.file.displayName
        if try db.scalarInt("SELECT id FROM imports WHERE content_hash = ?", [decoded.sha256]) != nil {
            return ImportReceipt(file: name, kind: decoded.format.kind, shape: decoded.format.shape,
                                 sha256: decoded.sha256, counts: [:], alreadyImported: true, warnings: [])
        }
        var warnings = batch.warnings
        let counts = batch.counts
        // The shape records a catalog without `isDataAction`: later catalogs replace its guesses.
        var shape = decoded.format.shape
        if batch.operationsPlaneUnknown && !shape.hasSuffix(ImportBatch.planeUnknownShapeSuffix) {
            shape += ImportBatch.planeUnknownShapeSuffix
        }
        do {
            try db.transaction {
                try db.run("""
                    INSERT INTO imports(file_name, content_hash, kind, shape, byte_count, row_counts, warnings, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                    """, [name, decoded.sha256, decoded.format.kind.rawValue, shape,
                          decoded.byteCount, Store.countsJSON(counts), Store.utcNow()])
                let importID = db.lastInsertRowID
                var writer = BatchWriter(db: db, importID: importID, file: name)
                try writer.write(batch)
                warnings += writer.replacementWarnings()
                if strict, var first = warnings.first {
                    first.severity = .error
                    if warnings.count > 1 { first.message += " (and \(warnings.count - 1) more warning\(warnings.count == 2 ? "" : "s"))" }
                    first.help = (first.help.map { $0 + "; " } ?? "") + "--strict turns warnings into errors"
                    throw first
                }
                try db.run("UPDATE imports SET warnings = ? WHERE id = ?", [warnings.count, importID])
            }
        } catch let e as SQLiteError {
            throw DatabaseFailure(path: displayPath, e)
        } catch let e as TransactionRolledBack {
            throw DatabaseFailure(path: displayPath, e)
        }
        return ImportReceipt(file: name, kind: decoded.format.kind, shape: shape,
                             sha256: decoded.sha256, counts: counts, alreadyImported: false, warnings: warnings)
    }

    /// True when a file with these bytes has been imported.
    public func isImported(sha256: String) throws -> Bool {
        try db.scalarInt("SELECT id FROM imports WHERE content_hash = ?", [sha256]) != nil
    }

    /// Loads the whole tenant for evaluation: one query per table, sorted by key.
    public func loadSnapshot() throws -> AuthorizationSnapshot {
        try reading { try SnapshotLoader(db: db).load() }
    }

    // MARK: summaries

    /// Rows per collection (`roleDefinitions`, `roleAssignments` (active), `eligibleAssignments`, ...).
    public func tableCounts() throws -> [(collection: String, rows: Int)] {
        var out: [(String, Int)] = []
        try namedQuery("table_counts") { out.append(($0.string(0), $0.int(1))) }
        return out
    }

    /// References whose target is not in the database (an assignment's role or principal, a member's
    /// group, a subscription's or management group's parent), as warnings with counts and examples.
    public func unresolvedReferenceWarnings(examples: Int = 3) throws -> [Diagnostic] {
        struct Acc { var count = 0; var targets = Set<String>(); var examples: [String] = [] }
        var acc: [String: Acc] = [:]
        try namedQuery("unresolved_references") { row in
            let kind = row.string(0), target = row.string(1)
            // Mutated in place: copying the accumulator out and back would copy its set per row.
            acc[kind, default: Acc()].count += 1
            if acc[kind, default: Acc()].targets.insert(target).inserted, acc[kind, default: Acc()].examples.count < examples {
                acc[kind, default: Acc()].examples.append(target)
            }
        }
        let order = ["roleDefinition", "principal", "group", "managementGroup", "parentManagementGroup"]
        var out: [Diagnostic] = []
        for kind in order {
            guard let a = acc[kind] else { continue }
            let ex = a.examples.map { "`\(TextSanitizer.clean($0))`" }.joined(separator: ", ") + (a.targets.count > a.examples.count ? ", ..." : "")
            let (what, help): (String, String)
            switch kind {
            case "roleDefinition":
                what = "\(a.count) role assignment\(a.count == 1 ? "" : "s") \(a.count == 1 ? "names" : "name") \(a.targets.count) role definition\(a.targets.count == 1 ? "" : "s") not in the database"
                help = "import the role definitions: `az role definition list > roles.json`"
            case "principal":
                what = "\(a.count) role assignment\(a.count == 1 ? "" : "s") \(a.count == 1 ? "names" : "name") \(a.targets.count) principal\(a.targets.count == 1 ? "" : "s") not in the directory"
                help = "import the directory (Microsoft Graph users, groups and service principals); deleted principals stay unresolved"
            case "group":
                what = "\(a.count) membership\(a.count == 1 ? "" : "s") \(a.count == 1 ? "names" : "name") \(a.targets.count) group\(a.targets.count == 1 ? "" : "s") not in the directory"
                help = "import the groups from Microsoft Graph (`GET /groups`)"
            case "managementGroup":
                what = "\(a.count) subscription\(a.count == 1 ? "" : "s") \(a.count == 1 ? "names" : "name") \(a.targets.count) management group\(a.targets.count == 1 ? "" : "s") not in the database"
                help = "import the management-group tree (`az account management-group show --name ROOT --expand --recurse`)"
            default:
                what = "\(a.count) management group\(a.count == 1 ? "" : "s") \(a.count == 1 ? "names" : "name") \(a.targets.count) parent group\(a.targets.count == 1 ? "" : "s") not in the database"
                help = "import the management-group tree from the tenant root group"
            }
            out.append(.warning("unresolved references: \(what) (e.g. \(ex))", file: displayPath, help: help))
        }
        return out
    }

    // MARK: embedded SQL

    /// The schema migrations embedded in the binary, in order (`schema/v*.sql`).
    public static let migrations: [Migrator.Migration] = [
        Migrator.Migration(name: "v001_core", sql: text(PackageResources.v001_core_sql)),
    ]

    /// The named queries embedded in the binary (`queries/*.sql`, by file name without `.sql`).
    public static let queries: [String: String] = [
        "assignment_counts_by_scope": text(PackageResources.assignment_counts_by_scope_sql),
        "table_counts": text(PackageResources.table_counts_sql),
        "unresolved_references": text(PackageResources.unresolved_references_sql),
    ]

    /// Runs the embedded `queries/<name>.sql` (errors name the file) and calls `body` for each row.
    func namedQuery(_ name: String, _ values: [SQLiteBindable?] = [], _ body: (Statement) throws -> Void) throws {
        try db.cached(try Store.query(name), label: "queries/\(name).sql").forEachRow(values, body)
    }

    static func query(_ name: String) throws -> String {
        guard let q = queries[name] else { throw SQLiteError(code: .error, message: "no embedded query named \(name)", sql: "queries/\(name).sql") }
        return q
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func countsJSON(_ counts: [String: Int]) -> String {
        "{" + counts.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    static func utcNow() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func p(_ v: Int32, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(tmv.tm_year + 1900, 4))-\(p(tmv.tm_mon + 1, 2))-\(p(tmv.tm_mday, 2))T\(p(tmv.tm_hour, 2)):\(p(tmv.tm_min, 2)):\(p(tmv.tm_sec, 2))Z"
    }
}

/// What one file's import did.
public struct ImportReceipt: Sendable {
    public var file: String
    public var kind: InputKind
    public var shape: String
    public var sha256: String
    /// Rows written, by collection.
    public var counts: [String: Int]
    /// True when the same bytes had been imported before (nothing written).
    public var alreadyImported: Bool
    public var warnings: [Diagnostic]

    public init(file: String, kind: InputKind, shape: String, sha256: String, counts: [String: Int],
                alreadyImported: Bool, warnings: [Diagnostic]) {
        self.file = file
        self.kind = kind
        self.shape = shape
        self.sha256 = sha256
        self.counts = counts
        self.alreadyImported = alreadyImported
        self.warnings = warnings
    }
}

/// The database failed (a full disk, an I/O error, a read-only or locked file), as opposed to an
/// input file: the import run stops and its transaction is rolled back. The message names the
/// database and the cause, without SQL.
public struct DatabaseFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostic: Diagnostic
    /// SQLite's primary result code (`SQLITE_FULL`, ...), when SQLite reported the failure.
    public var code: Int32?

    public init(path: String, _ error: Error, action: String = "cannot write to the database") {
        let sqlite = (error as? SQLiteError) ?? (error as? TransactionRolledBack)?.cause
        code = sqlite.map { $0.primary.rawValue }
        let (what, help) = DatabaseFailure.explain(sqlite, rolledBack: error is TransactionRolledBack)
        diagnostic = .error("\(action): \(what)", file: path, help: help)
    }

    public var description: String { diagnostic.description }

    /// The cause in words, and what to do.
    static func explain(_ e: SQLiteError?, rolledBack: Bool) -> (String, String?) {
        guard let e else { return ("its transaction was rolled back", "run the import again") }
        switch e.primary {
        case .full:
            return ("the disk is full (SQLITE_FULL)", "free some space and run the import again")
        case .ioError:
            return ("an I/O error (\(e.message), SQLITE_IOERR)", "check the disk and run the import again")
        case .readOnly:
            return ("the database is read-only (\(e.message))", "check the file's and its folder's permissions, or import into another file with --db")
        case .busy, .locked:
            return ("the database is locked by another process (an import still writing or committing it) for longer than the wait",
                    "run the command again when that import has finished")
        case .corrupt, .notADatabase:
            return ("the file is damaged or not a SQLite database (\(e.message))", nil)
        case .cantOpen:
            return ("cannot open the database file (\(e.message))", "check that its folder exists and is writable")
        case .noMemory:
            return ("out of memory", nil)
        default:
            return ("\(e.message) (\(e.codeName))", nil)
        }
    }
}
