import ScopedownCore
import ScopedownImport

// CONTRACT (owned by the Activity Log work).

/// Options of an Activity Log / usage-aggregate import.
public struct UsageImportOptions: Sendable {
    /// Keep raw event rows for forensics (`--keep-events`).
    public var keepEvents: Bool = false
    /// Report progress on stderr (the CLI sets it when stderr is a terminal).
    public var progress: (@Sendable (UsageImportProgress) -> Void)?
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

extension Store {
    /// Streams one Activity Log file (any supported shape) or one pre-aggregated usage CSV into the
    /// usage tables in one transaction. Returns the import's summary as a receipt.
    public func importActivityLog(_ file: InputFile, format: DetectedFormat,
                                  options: UsageImportOptions) throws -> ImportReceipt {
        throw Diagnostic.error("activity log import is not implemented yet", file: file.displayName)
    }
}
