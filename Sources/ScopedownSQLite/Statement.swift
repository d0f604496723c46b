import CSQLite

/// SQLite's "copy this buffer now" destructor (the SQLITE_TRANSIENT macro, not imported by Swift).
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

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
