import ScopedownCore
import ScopedownSQLite

/// The summary of one usage import, also in `ImportReceipt.counts`.
public struct UsageImportSummary: Sendable, Hashable {
    public var events = 0
    public var uses = 0
    public var failed = 0
    public var denied = 0
    public var duplicates = 0
    public var withoutAuthorization = 0
    public var unresolvedCallers = 0
    public var usageRows = 0
    public var windowFrom: Int64?
    public var windowTo: Int64?

    public var counts: [String: Int] {
        var c = ["events": events, "uses": uses, "failedAttempts": failed, "deniedAttempts": denied,
                 "duplicatesSkipped": duplicates, "withoutAuthorization": withoutAuthorization,
                 "unresolvedCallers": unresolvedCallers]
        if usageRows > 0 { c["usageRows"] = usageRows }
        return c
    }
}

extension Store {
    /// Runs `body` (a series of `importUsage` calls, e.g. the thousands of hourly PT1H.json files of
    /// an archive folder) in one transaction: each file becomes a savepoint, so a failing file still
    /// leaves no trace while the others are kept, and the whole batch commits once (a commit per
    /// file would fsync and rewrite the same b-tree pages once per file). Inventory files written
    /// inside the batch (`write`) become savepoints the same way. The usage imports of the batch
    /// share one `UsageRunState`: their aggregates and seen-event keys are written once, at the end
    /// of the batch, instead of once per file.
    public func withUsageBatch<T>(_ body: () throws -> T) throws -> T {
        if usageRun != nil { return try body() }
        do {
            let run = try UsageRunState(db: db, caps: usageCaps)
            usageRun = run
            run.writeback = DatabaseWriteback(path: path)
            defer { run.writeback?.finish() }
            // A usage run writes as it goes and keeps its memory bounded whatever its input. A small
            // page cache (8 MiB) hands the pages it writes to the kernel as the run goes, where
            // `DatabaseWriteback` starts their disk writes; with a large one they stay dirty in
            // SQLite until the commit writes and syncs them all, after the scan.
            try db.execute("PRAGMA cache_size = -8192")
            defer {
                usageRun = nil
                try? db.execute("PRAGMA cache_size = -65536")
            }
            let callersTransaction = db.isInTransaction
            func runBody() throws -> T {
                let r: T
                do { r = try body() } catch {
                    // what the run holds belongs to files already recorded: write it even so, in case
                    // the caller's own transaction commits after all (ours is rolled back)
                    if callersTransaction && !(error is DatabaseFailure) { try run.flush(db) }
                    throw error
                }
                try run.flush(db)
                return r
            }
            if callersTransaction { return try runBody() }
            return try db.transaction { try runBody() }
        } catch let e as SQLiteError {
            throw DatabaseFailure(path: displayPath, e)
        } catch let e as TransactionRolledBack {
            throw DatabaseFailure(path: displayPath, e)
        }
    }

    /// Imports one Activity Log file or usage-aggregate CSV (`name`, detected as `format`) into the
    /// usage tables, in its own savepoint: `read` delivers the file's usage to the sink it is given
    /// (the reader: `ActivityLogImport.read`) and says what it read. A file whose identity was
    /// imported before changes nothing. Outside `withUsageBatch`, the file is a batch of its own.
    public func importUsage(_ name: String, format: DetectedFormat, keepEvents: Bool = false,
                            read: (any UsageSink) throws -> UsageFileRead) throws -> (receipt: ImportReceipt, summary: UsageImportSummary) {
        guard let run = usageRun else {
            do {
                return try withUsageBatch { try importUsage(name, format: format, keepEvents: keepEvents, read: read) }
            } catch var d as Diagnostic where d.file == path {
                d.file = name
                throw d
            }
        }
        struct AlreadyImported: Error { var identity: String }
        do {
            var fileIngest: UsageIngest?
            let result = try db.transaction {
                let ingest = try UsageIngest(db: db, keepEvents: keepEvents, file: name, run: run)
                fileIngest = ingest
                let file = try read(ingest)
                let identity = file.identity
                if try isImported(sha256: identity) { throw AlreadyImported(identity: identity) }
                var summary = try ingest.finish()
                summary.withoutAuthorization = file.withoutAuthorization
                summary.usageRows = file.usageRows
                let warnings = try ingest.unresolvedWarnings()
                try db.run("""
                    INSERT INTO imports(file_name, content_hash, kind, shape, byte_count, row_counts, warnings, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [name, identity, file.kind.rawValue, format.shape, file.rawBytes, Store.countsJSON(summary.counts),
                          warnings.count, Store.utcNow()])
                let importID = db.lastInsertRowID
                try ingest.recordImport(importID, summary)
                let receipt = ImportReceipt(file: name, kind: file.kind, shape: format.shape, sha256: identity, counts: summary.counts,
                                            alreadyImported: false, warnings: warnings)
                return (receipt, summary)
            }
            // the file's savepoint is released: its state joins the run's
            try fileIngest?.commit(into: run)
            return result
        } catch let a as AlreadyImported {
            let receipt = ImportReceipt(file: name, kind: format.kind, shape: format.shape, sha256: a.identity, counts: [:],
                                        alreadyImported: true, warnings: [])
            return (receipt, UsageImportSummary())
        } catch let e as SQLiteError {
            throw DatabaseFailure(path: displayPath, e)
        } catch let e as TransactionRolledBack {
            throw DatabaseFailure(path: displayPath, e)
        }
    }
}
