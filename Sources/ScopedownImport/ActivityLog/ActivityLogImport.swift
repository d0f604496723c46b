// The one entry point of an Activity Log / usage-aggregate read: a file in, its usage delivered to a
// `UsageSink` (the store's), the file's identity and counts out. The reader, the scanners and the
// prefetcher behind it are this module's internals.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore

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

public enum ActivityLogImport {
    /// Reads one Activity Log file (any supported shape) or one usage-aggregate CSV into `sink`,
    /// taking the prefetcher's scan of it when there is one. Throws a `Diagnostic`
    /// (file:line:column) on bad input; by then the sink may have received batches, so the store
    /// reads inside a savepoint it rolls back.
    public static func read(_ file: InputFile, options: UsageImportOptions = UsageImportOptions(),
                            prefetcher: ActivityPrefetcher? = nil, into sink: any UsageSink) throws -> UsageFileRead {
        let progress = options.progress.map { p in { (raw: Int, total: Int?, events: Int) in
            p(UsageImportProgress(bytesRead: raw, totalBytes: total, events: events)) } }
        let consumer = { (b: ScannedBatch) throws in
            try sink.add(UsageEventBatch(scanner: b.scanner, events: b.events, newStrings: b.newStrings, rawRecords: b.rawRecords))
        }
        let result: ActivityReadResult
        let digest = RawDigest()
        // prefetched only with the default reading options (those the prefetcher used)
        if options.chunkBytes == nil, let pre = prefetcher?.take(file), pre.keepsEvents == options.keepEvents {
            result = try ActivityLogReader.read(file, prefetched: pre, progress: progress, consumer: consumer)
        } else {
            var readOptions = ActivityReadOptions(keepEvents: options.keepEvents)
            if let w = options.workers { readOptions.workers = max(1, w) }
            if let c = options.chunkBytes { readOptions.chunkBytes = max(4096, c) }
            result = try ActivityLogReader.read(file, options: readOptions, rawObserver: digest, progress: progress,
                                                consumer: consumer, usageRows: { try sink.add($0) })
        }
        // the file's identity: JSON shapes by their sequence of records, CSV shapes by their bytes
        return UsageFileRead(kind: result.layout == .usageCSV ? .usageAggregate : .activityLog,
                             identity: result.records?.text() ?? digest.text(),
                             rawBytes: result.rawBytes, withoutAuthorization: result.withoutAuthorization + result.withoutTime,
                             usageRows: result.usageRows)
    }

    /// Starts reading, hashing and scanning the run's small Activity Log files ahead of their
    /// import, on other threads (archive folders: thousands of hourly PT1H.json), when there is
    /// more than one file; `cancel()` it when the run ends.
    public static func prefetcher(for files: [InputFile], keepEvents: Bool) -> ActivityPrefetcher? {
        guard files.count > 1 else { return nil }
        let prefetcher = ActivityPrefetcher(files: files, options: ActivityReadOptions(keepEvents: keepEvents))
        prefetcher.start()
        return prefetcher
    }
}

/// The content fingerprint of the raw bytes as read from disk (`ContentFingerprint`: the identity
/// of a file in a CSV shape).
private final class RawDigest: ActivityRawObserver {
    private var fingerprint = ContentFingerprint()
    func observe(_ bytes: UnsafeRawBufferPointer) { fingerprint.update(bytes) }
    func text() -> String { fingerprint.text() }
}
