/// The recorded Activity Log usage as the store reads it, as Core values: the lookup tables
/// (callers, actions, scopes, evidence) and rows that refer to them by position. What a caller,
/// an action or evidence resolves to is decided by `UsageAttribution`, not here.
public struct UsageRecords: Sendable {
    /// A caller as logged: `key` is its object id or user principal name (lower-cased), and
    /// `resolvedID` the principal id the import resolved it to (nil: not resolved at import).
    public struct Caller: Sendable, Hashable {
        public var key: String
        public var resolvedID: String?
        public init(key: String, resolvedID: String?) {
            self.key = key
            self.resolvedID = resolvedID
        }
    }

    /// An operation as logged: its key (lower-cased) and the first spelling seen.
    public struct Action: Sendable, Hashable {
        public var key: String
        public var display: String
        public init(key: String, display: String) {
            self.key = key
            self.display = display
        }
    }

    public var callers: [Caller]
    public var actions: [Action]
    /// Scopes as logged (several spellings of one key may appear; the first listed is the one used
    /// where the report names a scope).
    public var scopes: [Scope]
    /// Assignment ids the events' evidence names (REFERENCE.md §1.9.4).
    public var evidence: [String]
    /// The earliest and latest event time of the imported Activity Log, seconds since the epoch.
    public var windowFrom: Int64?
    public var windowTo: Int64?

    public init(callers: [Caller] = [], actions: [Action] = [], scopes: [Scope] = [], evidence: [String] = [],
                windowFrom: Int64? = nil, windowTo: Int64? = nil) {
        self.callers = callers
        self.actions = actions
        self.scopes = scopes
        self.evidence = evidence
        self.windowFrom = windowFrom
        self.windowTo = windowTo
    }
}

/// One row of recorded usage: uses and denied attempts of a (caller, action, scope, evidence) on
/// one day, by position in the `UsageRecords` tables. Several rows may share a key (they are summed).
public struct UsageRecord: Sendable, Hashable {
    /// Position in `callers`; `UsageRecord.missing`: a caller the tables do not list.
    public var caller: Int32
    public var action: Int32
    public var scope: Int32
    /// Position in `evidence`; `UsageRecord.none`: no evidence; `missing`: evidence the tables do not list.
    public var evidence: Int32
    /// Days since 1970-01-01 (UTC).
    public var day: Int32
    public var uses: Int
    public var denied: Int
    /// Seconds since the epoch of the latest event, `Int64.min` when unknown.
    public var lastRaw: Int64

    public static let none: Int32 = -1
    public static let missing: Int32 = -2

    public init(caller: Int32, action: Int32, scope: Int32, evidence: Int32, day: Int32, uses: Int, denied: Int, last: Int64?) {
        self.caller = caller
        self.action = action
        self.scope = scope
        self.evidence = evidence
        self.day = day
        self.uses = uses
        self.denied = denied
        lastRaw = last ?? Int64.min
    }

    public var last: Int64? { lastRaw == Int64.min ? nil : lastRaw }
}
