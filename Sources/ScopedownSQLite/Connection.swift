// ScopedownSQLite: a thin, GRDB-like owner of the SQLite C API (see docs/architecture.md).
// Only this module imports CSQLite. Connections and statements are final classes whose deinit
// closes / finalizes their C handle; errors are values naming the result code, SQLite's message
// and the SQL (or query file) that failed.
import CSQLite

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

/// An open database. Keep it on one thread.
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
                } catch let e as SQLiteError where e.primary == .busy && attempts < 12 && isInTransaction {
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
