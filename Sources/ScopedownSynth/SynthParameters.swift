import ScopedownCore

/// Which Activity Log export shapes `scopedown synth` writes (REFERENCE.md §1.9).
public enum ActivityShape: String, Sendable, CaseIterable {
    /// The diagnostic-settings Storage archive: `PT1H.json` JSON Lines with `identity.authorization.evidence`.
    case archive
    /// `az monitor activity-log list`: JSON arrays of EventData, no evidence.
    case az
    /// Both, split by subscription and day (alternating), so no event is in both shapes.
    case both
}

/// What to generate. Every size is exact: the tenant holds exactly `assignments` active role
/// assignments and the Activity Log exactly `events` records (not counting deliberate duplicates).
public struct SynthParameters: Sendable, Equatable {
    public var outputDirectory: String
    public var subscriptions: Int
    public var assignments: Int
    public var events: Int
    public var seed: UInt64
    public var customRoles: Int
    /// An `az role definition list` export to take the built-in roles from (copied to the output).
    public var rolesFile: String?
    /// A provider operations catalog (`az provider operation list`, nested shape) to use (copied through).
    public var catalogFile: String?
    public var activityShape: ActivityShape

    public init(outputDirectory: String, subscriptions: Int = 8, assignments: Int = 400, events: Int = 20_000,
                seed: UInt64 = 1, customRoles: Int = 6, rolesFile: String? = nil, catalogFile: String? = nil,
                activityShape: ActivityShape = .archive) {
        self.outputDirectory = outputDirectory
        self.subscriptions = subscriptions
        self.assignments = assignments
        self.events = events
        self.seed = seed
        self.customRoles = customRoles
        self.rolesFile = rolesFile
        self.catalogFile = catalogFile
        self.activityShape = activityShape
    }

    /// Checks the sizes; returns the problems as diagnostics (empty when valid).
    public func validate() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func check(_ name: String, _ v: Int, _ lo: Int, _ hi: Int) {
            if v < lo || v > hi {
                problems.append(.error("`--\(name)` must be between \(lo) and \(hi), got `\(v)`", file: "scopedown synth"))
            }
        }
        check("subscriptions", subscriptions, 1, 100_000)
        check("assignments", assignments, 0, 10_000_000)
        check("events", events, 0, 2_000_000_000)
        check("custom-roles", customRoles, 0, 100_000)
        return problems
    }
}
