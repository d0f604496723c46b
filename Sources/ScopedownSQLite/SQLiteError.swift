import CSQLite

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

    public init(code: SQLiteResultCode, message: String, sql: String? = nil) {
        self.init(code: code.rawValue, message: message, sql: sql)
    }

    /// The primary result code (`code` without its extended bits).
    public var primary: SQLiteResultCode { SQLiteResultCode(rawValue: code & 0xff) }

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
