// ScopedownSQLite: a thin, GRDB-like owner of the SQLite C API (see docs/architecture.md).
// Only this module imports CSQLite. Connections and statements are final classes whose deinit
// closes / finalizes their C handle; errors are values naming the result code, SQLite's message
// and the SQL (or query file) that failed.
import CSQLite

/// SQLite's "copy this buffer now" destructor (the SQLITE_TRANSIENT macro, not imported by Swift).
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// An error from SQLite: result code, SQLite's message and the SQL (or query file name) that failed.
public struct SQLiteError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The primary/extended result code (`SQLITE_CONSTRAINT` = 19, ...).
    public var code: Int32
    public var message: String
    /// The SQL text, or `queries/name.sql` when the statement came from a query file.
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var codeName: String {
        switch code & 0xff {
        case SQLITE_ERROR: return "SQLITE_ERROR"
        case SQLITE_BUSY: return "SQLITE_BUSY"
        case SQLITE_LOCKED: return "SQLITE_LOCKED"
        case SQLITE_READONLY: return "SQLITE_READONLY"
        case SQLITE_IOERR: return "SQLITE_IOERR"
        case SQLITE_CORRUPT: return "SQLITE_CORRUPT"
        case SQLITE_FULL: return "SQLITE_FULL"
        case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN"
        case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT"
        case SQLITE_MISMATCH: return "SQLITE_MISMATCH"
        case SQLITE_MISUSE: return "SQLITE_MISUSE"
        case SQLITE_RANGE: return "SQLITE_RANGE"
        case SQLITE_NOTADB: return "SQLITE_NOTADB"
        default: return "SQLITE_\(code)"
        }
    }

    public var description: String {
        var s = "sqlite error \(code) (\(codeName)): \(message)"
        if let sql { s += " in `\(sql.count > 300 ? String(sql.prefix(300)) + "…" : sql)`" }
        return s
    }
}

/// A value SQLite can bind or return.
public enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Something that can be bound to a statement parameter.
public protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}
extension Int: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self) } }
extension Int32: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Bool: SQLiteBindable { public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension Double: SQLiteBindable { public var sqliteValue: SQLiteValue { .real(self) } }
extension String: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(self) } }
extension Substring: SQLiteBindable { public var sqliteValue: SQLiteValue { .text(String(self)) } }
extension Array: SQLiteBindable where Element == UInt8 { public var sqliteValue: SQLiteValue { .blob(self) } }
extension SQLiteValue: SQLiteBindable { public var sqliteValue: SQLiteValue { self } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}

/// A prepared statement. Bind, step, read columns, reset. Not thread-safe: one connection, one thread.
public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    /// The name shown in errors (`queries/x.sql`), defaults to the SQL text.
    public let label: String

    init(connection: Connection, sql: String, label: String?) throws {
        self.sql = sql
        self.label = label ?? sql
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            if let stmt { sqlite3_finalize(stmt) }
            throw connection.error(rc, sql: label ?? sql)
        }
        self.handle = stmt
    }

    deinit { sqlite3_finalize(handle) }

    /// An error for `rc` with the message of the statement's own connection (no reference to the
    /// `Connection` object is kept, so a statement may safely outlive it).
    private func error(_ rc: Int32) -> SQLiteError {
        let db = sqlite3_db_handle(handle)
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return SQLiteError(code: rc, message: message, sql: label)
    }

    // MARK: binding

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds a value at a 1-based index.
    public func bind(_ value: SQLiteBindable?, at index: Int) throws {
        let i = Int32(index)
        let rc: Int32
        switch value?.sqliteValue ?? .null {
        case .null: rc = sqlite3_bind_null(handle, i)
        case .integer(let v): rc = sqlite3_bind_int64(handle, i, v)
        case .real(let v): rc = sqlite3_bind_double(handle, i, v)
        case .text(let s): rc = sqlite3_bind_text(handle, i, s, -1, SQLITE_TRANSIENT)
        case .blob(let b):
            rc = b.withUnsafeBytes { raw in
                sqlite3_bind_blob64(handle, i, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(raw.count), SQLITE_TRANSIENT)
            }
        }
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// Binds a value to a named parameter (`:name`, `@name` or `$name`, prefix included).
    public func bind(_ value: SQLiteBindable?, named name: String) throws {
        let idx = sqlite3_bind_parameter_index(handle, name)
        guard idx > 0 else { throw SQLiteError(code: SQLITE_RANGE, message: "no parameter named \(name)", sql: label) }
        try bind(value, at: Int(idx))
    }

    /// Binds values to parameters 1...n in order.
    public func bind(_ values: [SQLiteBindable?]) throws {
        for (i, v) in values.enumerated() { try bind(v, at: i + 1) }
    }

    /// Binds a 64-bit integer, or NULL for nil, at a 1-based index: the bulk-write path, without
    /// an array of existentials per row (see `runToCompletion`).
    public func bindInt64(_ value: Int64?, at index: Int32) throws {
        let rc = value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index)
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// Runs the statement with its current bindings to completion, then resets it (bindings kept).
    public func runToCompletion() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Resets the statement for a new execution (bindings are kept unless cleared).
    public func reset() { sqlite3_reset(handle) }

    // MARK: stepping

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let err = error(rc)
            sqlite3_reset(handle)
            throw err
        }
    }

    /// Resets, binds `values`, and runs to completion (for writes).
    public func execute(_ values: [SQLiteBindable?] = []) throws {
        sqlite3_reset(handle)
        try bind(values)
        while try step() {}
        sqlite3_reset(handle)
    }

    /// Resets, binds, and calls `body` for every row.
    public func forEachRow(_ values: [SQLiteBindable?] = [], _ body: (Statement) throws -> Void) throws {
        sqlite3_reset(handle)
        try bind(values)
        defer { sqlite3_reset(handle) }
        while try step() { try body(self) }
    }

    // MARK: columns (0-based, for the current row)

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }
    public func columnName(_ i: Int) -> String { sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? "" }
    public func isNull(_ i: Int) -> Bool { sqlite3_column_type(handle, Int32(i)) == SQLITE_NULL }
    public func int(_ i: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(i))) }
    public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }
    public func double(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(i)) }
    public func bool(_ i: Int) -> Bool { sqlite3_column_int64(handle, Int32(i)) != 0 }
    public func string(_ i: Int) -> String {
        guard let p = sqlite3_column_text(handle, Int32(i)) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }
    public func optionalString(_ i: Int) -> String? { isNull(i) ? nil : string(i) }
    public func optionalInt(_ i: Int) -> Int? { isNull(i) ? nil : int(i) }
    public func blob(_ i: Int) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        guard n > 0, let p = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    /// The blob of column `i`, without a copy (valid only inside `body`; empty for NULL).
    public func withBlob<T>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        guard n > 0, let p = sqlite3_column_blob(handle, Int32(i)) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }
    public func value(_ i: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(i)) {
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_TEXT: return .text(string(i))
        case SQLITE_BLOB: return .blob(blob(i))
        default: return .null
        }
    }
}

/// Boxes a Swift scalar function for `sqlite3_create_function_v2`.
private final class FunctionBox {
    let body: ([SQLiteValue]) throws -> SQLiteValue
    init(_ body: @escaping ([SQLiteValue]) throws -> SQLiteValue) { self.body = body }
}

/// Whether a commit may happen now: read by the connection's commit hook.
private final class CommitGate {
    /// False while `transaction` runs: a statement that would commit on its own (autocommit, after
    /// SQLite rolled the transaction back on a full disk or an I/O error) is refused instead.
    var open = true
}

/// The transaction of `Connection.transaction` ended before its COMMIT: SQLite rolled it back on
/// its own (a full disk, an I/O error, memory), so nothing of it was written.
public struct TransactionRolledBack: Error, Sendable, CustomStringConvertible {
    /// The error that made SQLite roll back, when it was seen.
    public var cause: SQLiteError?
    public var description: String {
        "the transaction was rolled back" + (cause.map { ": \($0.message)" } ?? "")
    }
}

/// An open database. Keep it on one thread (wrap it in `SendableBox` to hand it over).
public final class Connection {
    let handle: OpaquePointer
    public let path: String
    private var cache: [String: Statement] = [:]
    private var transactionDepth = 0
    private let commitGate = CommitGate()
    /// The first SQLite error met inside the current `transaction` (what a rollback by SQLite
    /// itself is reported with).
    private var transactionError: SQLiteError?

    public enum Mode: Sendable { case readOnly, readWrite, readWriteCreate }

    /// Opens (or creates) the database at `path`: `busy_timeout` 5 s, `foreign_keys` off by default
    /// (the store keeps dangling references on purpose, see docs/architecture.md), journal mode DELETE
    /// (NOTES.md: faster for bulk loads than WAL, and ROLLBACK-safe).
    public init(path: String, mode: Mode = .readWriteCreate, foreignKeys: Bool = false, busyTimeoutMS: Int32 = 5000) throws {
        self.path = path
        var db: OpaquePointer?
        let flags: Int32
        switch mode {
        case .readOnly: flags = SQLITE_OPEN_READONLY
        case .readWrite: flags = SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: msg, sql: nil)
        }
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMS)
        sqlite3_commit_hook(db, { gate in
            guard let gate else { return 0 }
            return Unmanaged<CommitGate>.fromOpaque(gate).takeUnretainedValue().open ? 0 : 1
        }, Unmanaged.passUnretained(commitGate).toOpaque())
        try execute("PRAGMA foreign_keys = \(foreignKeys ? "ON" : "OFF")")
        if mode != .readOnly { try execute("PRAGMA journal_mode = DELETE") }
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements without parameters (schema scripts, pragmas).
    public func execute(_ sql: String, label: String? = nil) throws {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let msg = errmsg.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errmsg)
            throw SQLiteError(code: rc, message: msg, sql: label ?? sql)
        }
    }

    /// A new, uncached prepared statement.
    public func prepare(_ sql: String, label: String? = nil) throws -> Statement {
        try Statement(connection: self, sql: sql, label: label)
    }

    /// A prepared statement from the cache keyed by SQL text (prepared on first use, reset on return).
    public func cached(_ sql: String, label: String? = nil) throws -> Statement {
        if let s = cache[sql] { s.reset(); s.clearBindings(); return s }
        let s = try Statement(connection: self, sql: sql, label: label)
        cache[sql] = s
        return s
    }

    /// Runs a cached write statement with positional parameters.
    public func run(_ sql: String, _ values: [SQLiteBindable?] = []) throws {
        try cached(sql).execute(values)
    }

    /// Calls `body` for each row of a cached query.
    public func query(_ sql: String, _ values: [SQLiteBindable?] = [], _ body: (Statement) throws -> Void) throws {
        try cached(sql).forEachRow(values, body)
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ values: [SQLiteBindable?] = []) throws -> SQLiteValue? {
        var result: SQLiteValue?
        let s = try cached(sql)
        s.reset()
        try s.bind(values)
        defer { s.reset() }
        if try s.step() { result = s.value(0) }
        return result
    }

    public func scalarInt(_ sql: String, _ values: [SQLiteBindable?] = []) throws -> Int? {
        if case .integer(let v)? = try scalar(sql, values) { return Int(v) }
        return nil
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes64(handle)) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
    /// True when the open transaction has written (a read transaction has not).
    public var hasUncommittedWrites: Bool { sqlite3_txn_state(handle, nil) == SQLITE_TXN_WRITE }

    /// Runs `body` in a transaction: BEGIN IMMEDIATE, COMMIT, or ROLLBACK when it throws.
    /// Nested calls run inside the outer transaction through a SAVEPOINT.
    ///
    /// When SQLite rolls the transaction back on its own (SQLITE_FULL, an I/O error: the whole
    /// transaction, savepoints included), every later statement until the outer call returns is
    /// refused rather than committed on its own, and the calls throw `TransactionRolledBack` (or
    /// the error that caused it): the transaction applies whole or not at all.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            guard isInTransaction else { throw TransactionRolledBack(cause: transactionError) }
            let name = "sp\(transactionDepth)"
            try execute("SAVEPOINT \(name)")
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            do {
                let r = try body()
                guard isInTransaction else { throw TransactionRolledBack(cause: transactionError) }
                try execute("RELEASE \(name)")
                return r
            } catch {
                note(error)
                guard isInTransaction else { throw error is SQLiteError ? error : TransactionRolledBack(cause: transactionError) }
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        transactionError = nil
        commitGate.open = false
        defer {
            transactionDepth = 0
            commitGate.open = true
        }
        do {
            let r = try body()
            guard isInTransaction else { throw TransactionRolledBack(cause: transactionError) }
            commitGate.open = true
            // readers holding their read lock past the busy timeout make COMMIT fail with
            // SQLITE_BUSY and leave the transaction open: wait for them a while longer
            var attempts = 1
            while true {
                do {
                    try execute("COMMIT")
                    break
                } catch let e as SQLiteError where e.code & 0xff == SQLITE_BUSY && attempts < 12 && isInTransaction {
                    attempts += 1
                }
            }
            return r
        } catch {
            note(error)
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Keeps the first SQLite error of the transaction (the likely cause of a rollback by SQLite).
    private func note(_ error: Error) {
        if transactionError == nil, let e = error as? SQLiteError { transactionError = e }
    }

    /// Registers a deterministic Swift scalar function callable from SQL (e.g. the ActionPattern
    /// matcher, so SQL and Swift share one definition). A thrown error becomes an SQL error.
    public func createFunction(_ name: String, argumentCount: Int32, deterministic: Bool = true,
                               _ body: @escaping ([SQLiteValue]) throws -> SQLiteValue) throws {
        let box = Unmanaged.passRetained(FunctionBox(body))
        var flags = SQLITE_UTF8
        if deterministic { flags |= SQLITE_DETERMINISTIC }
        let rc = sqlite3_create_function_v2(
            handle, name, argumentCount, flags, box.toOpaque(),
            { ctx, argc, argv in
                guard let ctx else { return }
                let box = Unmanaged<FunctionBox>.fromOpaque(sqlite3_user_data(ctx)).takeUnretainedValue()
                var args: [SQLiteValue] = []
                args.reserveCapacity(Int(argc))
                for i in 0..<Int(argc) {
                    guard let v = argv?[i] else { args.append(.null); continue }
                    switch sqlite3_value_type(v) {
                    case SQLITE_INTEGER: args.append(.integer(sqlite3_value_int64(v)))
                    case SQLITE_FLOAT: args.append(.real(sqlite3_value_double(v)))
                    case SQLITE_TEXT:
                        let n = Int(sqlite3_value_bytes(v))
                        if let p = sqlite3_value_text(v) {
                            args.append(.text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)))
                        } else { args.append(.text("")) }
                    case SQLITE_BLOB:
                        let n = Int(sqlite3_value_bytes(v))
                        if n > 0, let p = sqlite3_value_blob(v) {
                            args.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                        } else { args.append(.blob([])) }
                    default: args.append(.null)
                    }
                }
                do {
                    switch try box.body(args) {
                    case .null: sqlite3_result_null(ctx)
                    case .integer(let i): sqlite3_result_int64(ctx, i)
                    case .real(let d): sqlite3_result_double(ctx, d)
                    case .text(let s): sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT)
                    case .blob(let b):
                        b.withUnsafeBytes { raw in
                            sqlite3_result_blob64(ctx, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(raw.count), SQLITE_TRANSIENT)
                        }
                    }
                } catch {
                    sqlite3_result_error(ctx, "\(error)", -1)
                }
            },
            nil, nil,
            { p in if let p { Unmanaged<FunctionBox>.fromOpaque(p).release() } })
        guard rc == SQLITE_OK else { throw error(rc, sql: "create function \(name)") }
    }

    /// SQLite's library version (`3.40.1`).
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

/// Hands a non-Sendable owner (a connection) across a concurrency boundary. The caller guarantees
/// that only one thread uses it at a time.
public final class SendableBox<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// Applies migrations in order, each in a transaction, and records them in `schema_migrations` with
/// a checksum of their SQL. A database whose recorded migration differs from the embedded one (made
/// by another build while a schema file was still changing) is refused rather than half-used.
public struct Migrator {
    public struct Migration: Sendable {
        /// e.g. `v001_core`
        public var name: String
        public var sql: String
        public init(name: String, sql: String) {
            self.name = name
            self.sql = sql
        }

        /// FNV-1a 64-bit of the SQL text, hex: detects a changed file, nothing more.
        public var checksum: String {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in sql.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            let hex = String(h, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
    }

    /// The database's schema does not match this build's migrations.
    public struct Mismatch: Error, CustomStringConvertible, Sendable {
        public var migration: String
        public var description: String {
            "schema `\(migration)` of this database differs from the one this build of scopedown applies"
        }
    }

    public var migrations: [Migration]
    public init(migrations: [Migration]) { self.migrations = migrations.sorted { $0.name < $1.name } }

    /// Applies the migrations not yet recorded. Returns the names applied now. Throws `Mismatch` when
    /// a recorded migration's checksum differs from the embedded one. What to apply is decided under
    /// the write lock (BEGIN IMMEDIATE), so two processes opening a new database at once do not both
    /// create it: the second waits, then finds the schema done. `applicationID` is set in the header
    /// of a database the migrator creates (`PRAGMA application_id`).
    @discardableResult
    public func migrate(_ db: Connection, applicationID: Int32? = nil) throws -> [String] {
        // the usual case, nothing pending, takes no write lock (readers open databases too)
        if let applied = try Self.applied(db), try pending(applied).isEmpty { return [] }
        var done: [String] = []
        // every pending migration in one transaction: a new database is created with one commit
        // (one set of syncs), and an upgrade applies whole or not at all
        try db.transaction {
            let recorded = try Self.applied(db)
            let pending = try pending(recorded ?? [:])
            if pending.isEmpty { return }
            if recorded == nil {
                try db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY NOT NULL, checksum TEXT NOT NULL) STRICT")
                if let applicationID { try db.execute("PRAGMA application_id = \(applicationID)") }
            }
            for m in pending {
                try db.execute(m.sql, label: "schema/\(m.name).sql")
                try db.run("INSERT INTO schema_migrations(name, checksum) VALUES (?, ?)", [m.name, m.checksum])
            }
            done = pending.map(\.name)
        }
        return done
    }

    /// The recorded migrations (name to checksum), or nil when the database has no migrations table.
    static func applied(_ db: Connection) throws -> [String: String]? {
        guard try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") == 1 else {
            return nil
        }
        var applied: [String: String] = [:]
        do {
            try db.query("SELECT name, checksum FROM schema_migrations") { applied[$0.string(0)] = $0.string(1) }
        } catch is SQLiteError {
            // A table without the checksum column comes from a build before checksums.
            throw Mismatch(migration: "schema_migrations")
        }
        return applied
    }

    private func pending(_ applied: [String: String]) throws -> [Migration] {
        var pending: [Migration] = []
        for m in migrations {
            if let recorded = applied[m.name] {
                if recorded != m.checksum { throw Mismatch(migration: m.name) }
                continue
            }
            pending.append(m)
        }
        return pending
    }
}
