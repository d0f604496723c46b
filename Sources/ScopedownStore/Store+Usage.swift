import ScopedownCore
import ScopedownImport
import ScopedownSQLite

/// Options of an Activity Log / usage-aggregate import.
public struct UsageImportOptions: Sendable {
    /// Keep raw event rows for forensics (`--keep-events`).
    public var keepEvents: Bool = false
    /// Report progress on stderr (the CLI sets it when stderr is a terminal).
    public var progress: (@Sendable (UsageImportProgress) -> Void)?
    /// Scanner threads (default: the machine's cores, at most 4).
    public var workers: Int? = nil
    /// Bytes per scanned chunk (default 4 MiB; tests use small chunks).
    public var chunkBytes: Int? = nil
    public init(keepEvents: Bool = false, progress: (@Sendable (UsageImportProgress) -> Void)? = nil) {
        self.keepEvents = keepEvents
        self.progress = progress
    }
}

public struct UsageImportProgress: Sendable {
    public var bytesRead: Int
    public var totalBytes: Int?
    public var events: Int
    public init(bytesRead: Int, totalBytes: Int?, events: Int) {
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.events = events
    }
}

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
    /// Streams one Activity Log file (any supported shape) or one pre-aggregated usage CSV into the
    /// usage tables in one transaction. Returns the import's summary as a receipt.
    public func importActivityLog(_ file: InputFile, format: DetectedFormat,
                                  options: UsageImportOptions) throws -> ImportReceipt {
        try importActivityLogDetailed(file, format: format, options: options).receipt
    }

    /// Runs `body` (a series of `importActivityLog` calls, e.g. the thousands of hourly PT1H.json
    /// files of an archive folder) in one transaction: each file becomes a savepoint, so a failing
    /// file still leaves no trace while the others are kept, and the whole batch commits once
    /// (a commit per file would fsync and rewrite the same b-tree pages once per file).
    /// Inventory files written inside the batch (`write`) become savepoints the same way.
    /// The usage imports of the batch share one `UsageRunState`: their aggregates and seen-event
    /// keys are written once, at the end of the batch, instead of once per file.
    public func withUsageBatch<T>(_ body: () throws -> T) throws -> T {
        try withUsageBatch(prefetching: [], body)
    }

    /// `withUsageBatch`, with `files` (the run's inputs, in the order they will be imported) read,
    /// hashed and scanned one or two files ahead on another thread when they are small Activity Log
    /// files (archive folders: thousands of hourly PT1H.json); the others are read as usual.
    public func withUsageBatch<T>(prefetching files: [InputFile], keepEvents: Bool = false, _ body: () throws -> T) throws -> T {
        if usageRun != nil { return try body() }
        do {
            let run = try UsageRunState(db: db, caps: usageCaps)
            if files.count > 1 {
                let prefetcher = ActivityPrefetcher(files: files, options: ActivityReadOptions(keepEvents: keepEvents))
                prefetcher.start()
                run.prefetcher = prefetcher
            }
            usageRun = run
            run.writeback = DatabaseWriteback(path: path)
            defer { run.writeback?.finish() }
            // A usage run writes as it goes and keeps its memory bounded whatever its input. A small page cache (8 MiB) hands the pages it writes to the kernel as the
            // run goes, where `DatabaseWriteback` starts their disk writes; with a large one they
            // stay dirty in SQLite until the commit writes and syncs them all, after the scan.
            try db.execute("PRAGMA cache_size = -8192")
            defer {
                usageRun = nil
                run.prefetcher?.cancel()
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

    /// `importActivityLog` with the summary as a value.
    public func importActivityLogDetailed(_ file: InputFile, format: DetectedFormat,
                                          options: UsageImportOptions) throws -> (receipt: ImportReceipt, summary: UsageImportSummary) {
        // A file on its own is a batch of one (one transaction, as before).
        guard let run = usageRun else {
            do {
                return try withUsageBatch { try importActivityLogDetailed(file, format: format, options: options) }
            } catch var d as Diagnostic where d.file == path {
                d.file = file.displayName
                throw d
            }
        }
        struct AlreadyImported: Error { var sha: String }
        let hasher = UsageRawDigest()
        var readOptions = ActivityReadOptions(keepEvents: options.keepEvents)
        if let w = options.workers { readOptions.workers = max(1, w) }
        if let c = options.chunkBytes { readOptions.chunkBytes = max(4096, c) }
        let name = file.displayName
        do {
            var fileIngest: UsageIngest?
            let result = try db.transaction {
                let ingest = try UsageIngest(db: db, keepEvents: options.keepEvents, file: name, run: run)
                fileIngest = ingest
                let progress = options.progress
                let progressReport = progress.map { p in { (raw: Int, total: Int?, events: Int) in
                    p(UsageImportProgress(bytesRead: raw, totalBytes: total, events: events)) } }
                let result: ActivityReadResult
                // prefetched only with the default reading options (those the prefetcher used)
                if options.chunkBytes == nil, let pre = run.prefetcher?.take(file), pre.keepsEvents == options.keepEvents {
                    result = try ActivityLogReader.read(file, prefetched: pre, progress: progressReport,
                                                        consumer: { try ingest.consume($0) })
                } else {
                    result = try ActivityLogReader.read(
                        file, options: readOptions, rawObserver: hasher, progress: progressReport,
                        consumer: { try ingest.consume($0) },
                        usageRows: { try ingest.add($0) })
                }
                // the file's identity: JSON shapes by their sequence of records, CSV shapes by their bytes
                let sha = result.records?.text() ?? hasher.hex()
                if try isImported(sha256: sha) { throw AlreadyImported(sha: sha) }
                var summary = try ingest.finish()
                summary.withoutAuthorization = result.withoutAuthorization + result.withoutTime
                summary.usageRows = result.usageRows
                let warnings = try ingest.unresolvedWarnings()
                let kind: InputKind = result.layout == .usageCSV ? .usageAggregate : .activityLog
                try db.run("""
                    INSERT INTO imports(file_name, content_hash, kind, shape, byte_count, row_counts, warnings, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [name, sha, kind.rawValue, format.shape, result.rawBytes, Store.countsJSON(summary.counts),
                          warnings.count, Store.utcNow()])
                let importID = db.lastInsertRowID
                try ingest.recordImport(importID, summary)
                let receipt = ImportReceipt(file: name, kind: kind, shape: format.shape, sha256: sha, counts: summary.counts,
                                            alreadyImported: false, warnings: warnings)
                return (receipt, summary)
            }
            // the file's savepoint is released: its state joins the run's
            try fileIngest?.commit(into: run)
            return result
        } catch let a as AlreadyImported {
            let receipt = ImportReceipt(file: name, kind: format.kind, shape: format.shape, sha256: a.sha, counts: [:],
                                        alreadyImported: true, warnings: [])
            return (receipt, UsageImportSummary())
        } catch let e as SQLiteError {
            throw DatabaseFailure(path: displayPath, e)
        } catch let e as TransactionRolledBack {
            throw DatabaseFailure(path: displayPath, e)
        }
    }
}

/// The content fingerprint of the raw bytes as read from disk (`ContentFingerprint`: an Activity
/// Log file's identity in `imports`).
final class UsageRawDigest: ActivityRawObserver {
    private var fingerprint = ContentFingerprint()
    func observe(_ bytes: UnsafeRawBufferPointer) { fingerprint.update(bytes) }
    func hex() -> String { fingerprint.text() }
}
