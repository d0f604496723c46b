/// The transaction of `Connection.transaction` ended before its COMMIT: SQLite rolled it back on
/// its own (a full disk, an I/O error, memory), so nothing of it was written.
public struct TransactionRolledBack: Error, Sendable, CustomStringConvertible {
    /// The error that made SQLite roll back, when it was seen.
    public var cause: SQLiteError?
    public var description: String {
        "the transaction was rolled back" + (cause.map { ": \($0.message)" } ?? "")
    }
}
