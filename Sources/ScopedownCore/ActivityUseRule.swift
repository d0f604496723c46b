// What counts as a use of a permission in the Activity Log (REFERENCE.md §3.3; docs/formats.md,
// "Uses are operations"). The store's usage import and its usage rows apply these functions; they
// are `@inlinable` because the import calls them once per event.

/// The use rule over Activity Log events.
///
/// - A Succeeded event is a use; a Started / Accepted one is a use unless its operation failed.
/// - Uses are operations, not events: the events sharing an operation identity (correlation id +
///   authorization action + scope: a Started event and its Succeeded event, or the same operation
///   in two export shapes) are one use, counted at the operation's latest authorized event
///   (`isLater`). An event without an operation identity is a use of its own.
/// - A Failed event is a failed attempt, and a denied attempt when its sub-status names an
///   authorization failure; it cancels the tentative uses of its operation.
public enum ActivityUseRule {
    /// What one event is for the usage counts.
    public enum Verdict: Equatable, Sendable {
        /// A use on its own (a Succeeded / Started / Accepted event without an operation identity).
        case use
        /// An event of an operation: the operation is one use, counted at its latest authorized
        /// event. `confirmed`: a Succeeded event (the operation is a use whatever else it did).
        case operationEvent(confirmed: Bool)
        /// A Failed event; `denied`: the caller lacked the permission.
        case failedAttempt(denied: Bool)
        /// Neither (other statuses, or none).
        case ignored
    }

    @inlinable
    public static func verdict(_ e: ScannedEvent) -> Verdict {
        switch e.status {
        case .succeeded, .started, .accepted:
            return e.operationHash == 0 ? .use : .operationEvent(confirmed: e.status == .succeeded)
        case .failed:
            return .failedAttempt(denied: e.denied)
        case .other, .missing:
            return .ignored
        }
    }

    /// Whether an operation's event counts as its use: a confirmed one always, a tentative one
    /// (Started / Accepted) only when the operation has no Failed event.
    @inlinable
    public static func counts(confirmed: Bool, operationFailed: @autoclosure () -> Bool) -> Bool {
        confirmed || !operationFailed()
    }

    /// The order that picks the event an operation is counted at: the latest, then a confirmed
    /// one, then one naming its assignment (the archive's evidence, which other shapes lack), then
    /// the smallest `tieBreak` (so the choice depends on neither the order of files nor of events).
    @inlinable
    public static func isLater<E: OperationEvent>(_ a: E, than b: E) -> Bool {
        let ta = a.time ?? Int64.min, tb = b.time ?? Int64.min
        if ta != tb { return ta > tb }
        if a.isConfirmed != b.isConfirmed { return a.isConfirmed }
        if a.hasEvidence != b.hasEvidence { return a.hasEvidence }
        return a.tieBreak < b.tieBreak
    }
}

/// An event of an operation, as the use rule compares them.
public protocol OperationEvent {
    associatedtype TieBreak: Comparable
    /// When it happened (nil: unknown, earliest of all).
    var time: Int64? { get }
    /// A Succeeded event.
    var isConfirmed: Bool { get }
    /// It names the role assignment that authorized it.
    var hasEvidence: Bool { get }
    /// A total order among events otherwise alike.
    var tieBreak: TieBreak { get }
}

/// What can still be counted of one operation's events: its latest confirmed event, and a later
/// tentative one (counted only if the operation did not fail). Every other event of the operation
/// can never be the one it is counted at (`ActivityUseRule.isLater`), so it is dropped.
public struct OperationCandidates<E: OperationEvent> {
    public var confirmed: E?
    public var tentative: E?

    @inlinable public init() {}

    @inlinable
    public mutating func add(_ e: E) {
        if e.isConfirmed {
            if let c = confirmed, !ActivityUseRule.isLater(e, than: c) { return }
            confirmed = e
            if let t = tentative, !ActivityUseRule.isLater(t, than: e) { tentative = nil }
        } else {
            if let c = confirmed, !ActivityUseRule.isLater(e, than: c) { return }
            if let t = tentative, !ActivityUseRule.isLater(e, than: t) { return }
            tentative = e
        }
    }

    @inlinable
    public func forEach(_ body: (E) -> Void) {
        if let confirmed { body(confirmed) }
        if let tentative { body(tentative) }
    }
}
