// The usage seam: the values an Activity Log reader hands to the store's usage sink. The reader
// (ScopedownImport) scans files into these; the store (ScopedownStore) aggregates them into rows;
// neither knows the other (docs/architecture.md, "Usage import").

/// Event status normalized across shapes (REFERENCE.md §1.9.3 "Normalize": lower-case, then
/// {success, succeeded} → succeeded, {start, started} → started, {accept, accepted} → accepted,
/// {failure, failed} → failed). Anything else (In Progress, Active, Resolved, Updated) is `other`.
public enum ActivityStatus: UInt8, Sendable, Hashable, CaseIterable {
    case succeeded = 1, started, accepted, failed, other, missing

    public static func normalize(_ raw: String) -> ActivityStatus {
        switch raw.trimmingSpaces().lowercased() {
        case "success", "succeeded": return .succeeded
        case "start", "started": return .started
        case "accept", "accepted": return .accepted
        case "failure", "failed": return .failed
        case "": return .missing
        default: return .other
        }
    }

    public var name: String {
        switch self {
        case .succeeded: return "succeeded"
        case .started: return "started"
        case .accepted: return "accepted"
        case .failed: return "failed"
        case .other: return "other"
        case .missing: return "missing"
        }
    }
}

/// One event after scanning, with its strings interned into ids local to the scanner that saw it
/// (`UsageEventBatch.newStrings` carries the strings). Compact: the aggregation never sees the JSON.
public struct ScannedEvent: Sendable, Hashable {
    /// De-duplication key: a hash of `eventDataId` when present, else of the whole record's bytes
    /// (REFERENCE.md §3.2: "de-duplicate by eventDataId, or ... by hashing all fields").
    public var dedupHash: UInt64
    /// Local string ids (see `StringTable`); -1 when absent.
    public var principal: Int32
    public var action: Int32
    public var scope: Int32
    public var assignment: Int32
    /// Seconds since 1970-01-01T00:00:00Z.
    public var time: Int64
    public var status: ActivityStatus
    /// A failed event whose sub-status says the caller lacked the permission.
    public var denied: Bool
    /// The operation's identity: a hash of (correlationId, authorization action, scope), compared
    /// case-insensitively; the same in every export shape. 0 when the event has no correlation id.
    public var operationHash: UInt64

    public init(dedupHash: UInt64, principal: Int32, action: Int32, scope: Int32, assignment: Int32, time: Int64,
                status: ActivityStatus, denied: Bool, operationHash: UInt64) {
        self.dedupHash = dedupHash
        self.principal = principal
        self.action = action
        self.scope = scope
        self.assignment = assignment
        self.time = time
        self.status = status
        self.denied = denied
        self.operationHash = operationHash
    }

    /// Days since 1970-01-01 (UTC).
    public var day: Int32 { Int32(truncatingIfNeeded: time >= 0 ? time / 86_400 : (time - 86_399) / 86_400) }

    /// The event's identity for de-duplication across files and imports (REFERENCE.md §3.2): its
    /// `dedupHash` with its time (a duplicate has both). Stored on disk: pinned by test vectors.
    @inlinable public var duplicateKey: UInt64 { Self.duplicateKey(hash: dedupHash, time: time) }

    /// `duplicateKey` of an event with this `dedupHash` and time (a splitmix64 finalizer of both).
    @inlinable public static func duplicateKey(hash: UInt64, time: Int64) -> UInt64 {
        var z = hash ^ (UInt64(bitPattern: time) &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The interned string tables of a scanner.
public enum StringTable: Int, Sendable, CaseIterable {
    /// The caller as found: the oid claim, the evidence principal id, or `caller` (GUID or UPN).
    case principal = 0
    /// `authorization.action` as spelled in the event.
    case action
    /// `authorization.scope` as spelled (or `resourceId` when the event has no authorization scope).
    case scope
    /// `evidence.roleAssignmentId` as spelled (often 32 hex characters without dashes).
    case assignment
}

/// Scanned events as the usage sink receives them: one chunk of one scanner.
public struct UsageEventBatch: Sendable {
    /// Which scanner produced it (local string ids are per scanner).
    public var scanner: Int
    public var events: [ScannedEvent]
    /// Strings first seen in this batch, per `StringTable`, in local-id order (ids continue across
    /// batches of the same scanner).
    public var newStrings: [[String]]
    /// The raw records (one per event, same order) when `--keep-events` asked for them.
    public var rawRecords: [String]?

    public init(scanner: Int, events: [ScannedEvent], newStrings: [[String]], rawRecords: [String]? = nil) {
        self.scanner = scanner
        self.events = events
        self.newStrings = newStrings
        self.rawRecords = rawRecords
    }
}

/// One row of the pre-aggregated usage CSV (queries/usage-aggregate.kql):
/// `principalId,caller,action,scope,day,uses,deniedAttempts,firstSeen,lastSeen,roleAssignmentId`.
public struct UsageAggregateRow: Sendable, Hashable {
    public var principalID: String
    public var caller: String
    public var action: String
    public var scope: String
    public var day: Int
    public var uses: Int
    public var deniedAttempts: Int
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    public var roleAssignmentID: String

    public static let header = ["principalId", "caller", "action", "scope", "day", "uses", "deniedAttempts",
                                "firstSeen", "lastSeen", "roleAssignmentId"]

    public init(principalID: String, caller: String, action: String, scope: String, day: Int, uses: Int,
                deniedAttempts: Int, firstSeen: Int64?, lastSeen: Int64?, roleAssignmentID: String) {
        self.principalID = principalID
        self.caller = caller
        self.action = action
        self.scope = scope
        self.day = day
        self.uses = uses
        self.deniedAttempts = deniedAttempts
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.roleAssignmentID = roleAssignmentID
    }
}

/// Where a reader delivers one file's usage: scanned events (Activity Log shapes) or
/// pre-aggregated rows (the usage-aggregate CSV). The store implements it (`Store.importUsage`).
public protocol UsageSink: AnyObject {
    func add(_ batch: UsageEventBatch) throws
    func add(_ row: UsageAggregateRow) throws
}

/// What a reader tells the store about the file it read into a `UsageSink`.
public struct UsageFileRead: Sendable {
    /// `.activityLog`, or `.usageAggregate` for the usage-aggregate CSV.
    public var kind: InputKind
    /// The file's identity in `imports` (the same content gives the same identity).
    public var identity: String
    /// Bytes as stored on disk (before gunzip).
    public var rawBytes: Int
    /// Records that are not RBAC-checked events (no `authorization.action`) or have no parseable time.
    public var withoutAuthorization: Int
    /// Rows of a usage-aggregate CSV.
    public var usageRows: Int

    public init(kind: InputKind, identity: String, rawBytes: Int, withoutAuthorization: Int, usageRows: Int) {
        self.kind = kind
        self.identity = identity
        self.rawBytes = rawBytes
        self.withoutAuthorization = withoutAuthorization
        self.usageRows = usageRows
    }
}
