import ScopedownCore
import ScopedownImport
import ScopedownSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// CONTRACT (owned by the store work; signatures fixed so other work can build against them).

/// The scopedown database. The only type that knows table names.
///
/// One `Store` owns one SQLite connection: use it from one thread at a time.
public final class Store {
    public let path: String
    /// The open connection (for this module's extensions, e.g. the usage import, and for tests).
    public let connection: Connection
    var db: Connection { connection }
    /// The state shared by the usage imports of the current `withUsageBatch` (Store+Usage.swift).
    var usageRun: UsageRunState?
    /// Memory bounds of the usage import (tests lower them to exercise the spill paths).
    var usageCaps = UsageCaps.standard

    /// Opens (creating and migrating when `create` is true) the database at `path`.
    /// With `create: false` a missing file is an error, and an existing one is still migrated to the
    /// current schema.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if !create && !Store.fileExists(path) {
            throw Diagnostic.error("database `\(path)` does not exist", file: path,
                                   help: "create it with `scopedown import --db \(path) FILE...` or `scopedown demo`")
        }
        do {
            connection = try Connection(path: path, mode: create ? .readWriteCreate : .readWrite)
            // A 64 MiB page cache (allocated only as used) keeps a whole-file import transaction in
            // memory instead of spilling pages to disk mid-transaction.
            try connection.execute("PRAGMA cache_size = -65536")
            try Migrator(migrations: Store.migrations).migrate(connection)
            try Store.convertLegacyUsageTables(connection)
        } catch let e as SQLiteError {
            throw Diagnostic.error("cannot open database: \(e.message)", file: path,
                                   help: e.code & 0xff == 26 ? "`\(path)` is not a scopedown database" : nil)
        } catch let m as Migrator.Mismatch {
            throw Diagnostic.error("cannot open database: \(m)", file: path,
                                   help: "it was made by another (development) build: re-create it by importing the exports again")
        }
        try Store.registerFunctions(connection)
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
        do {
            try db.transaction {
                try db.run("""
                    INSERT INTO imports(file_name, content_hash, kind, shape, byte_count, row_counts, warnings, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                    """, [name, decoded.sha256, decoded.format.kind.rawValue, decoded.format.shape,
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
            throw Diagnostic.error("cannot write to the database: \(e)", file: name)
        }
        return ImportReceipt(file: name, kind: decoded.format.kind, shape: decoded.format.shape,
                             sha256: decoded.sha256, counts: counts, alreadyImported: false, warnings: warnings)
    }

    /// True when a file with these bytes has been imported.
    public func isImported(sha256: String) throws -> Bool {
        try db.scalarInt("SELECT id FROM imports WHERE content_hash = ?", [sha256]) != nil
    }

    /// Loads the whole tenant for evaluation: one query per table, sorted by key.
    public func loadSnapshot() throws -> AuthorizationSnapshot {
        try SnapshotLoader(db: db).load()
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
            let ex = a.examples.map { "`\($0)`" }.joined(separator: ", ") + (a.targets.count > a.examples.count ? ", ..." : "")
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
            out.append(.warning("unresolved references: \(what) (e.g. \(ex))", file: path, help: help))
        }
        return out
    }

    // MARK: embedded SQL

    /// The schema migrations embedded in the binary, in order (`schema/v*.sql`).
    public static let migrations: [Migrator.Migration] = [
        Migrator.Migration(name: "v001_core", sql: text(PackageResources.v001_core_sql)),
        Migrator.Migration(name: "v002_usage", sql: text(PackageResources.v002_usage_sql)),
        Migrator.Migration(name: "v003_usage_blocks", sql: text(PackageResources.v003_usage_blocks_sql)),
        Migrator.Migration(name: "v004_directory_roles", sql: text(PackageResources.v004_directory_roles_sql)),
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
        guard let q = queries[name] else { throw SQLiteError(code: 1, message: "no embedded query named \(name)", sql: "queries/\(name).sql") }
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
