/// `scopedown usage`: per role assignment, what the recorded uses say it was used for. Computed by
/// `UsageAttribution.report` (UsageAttribution+Report.swift).

public struct AssignmentUsage: Sendable, Hashable {
    public var assignment: String
    public var principal: String
    public var principalName: String?
    public var role: String
    public var scope: String
    public var state: AssignmentState
    /// Operation names (catalog spelling when the catalog knows them), sorted.
    public var usedActions: [String]
    public var uses: Int
    /// Seconds since the epoch.
    public var lastUsed: Int64?
    /// The lowest common scope of every scope where it was used (display spelling).
    public var commonScope: String?
    public var deniedAttempts: Int

    public init(assignment: String, principal: String, principalName: String?, role: String, scope: String, state: AssignmentState,
                usedActions: [String], uses: Int, lastUsed: Int64?, commonScope: String?, deniedAttempts: Int) {
        self.assignment = assignment
        self.principal = principal
        self.principalName = principalName
        self.role = role
        self.scope = scope
        self.state = state
        self.usedActions = usedActions
        self.uses = uses
        self.lastUsed = lastUsed
        self.commonScope = commonScope
        self.deniedAttempts = deniedAttempts
    }
}

public struct UsageReport: Sendable {
    public var assignments: [AssignmentUsage]
    public var windowFrom: Int64?
    public var windowTo: Int64?
    /// Uses whose evidence names an assignment not in the database.
    public var unknownEvidenceUses: Int
    /// Uses no assignment could be found for (unresolved caller, or no imported assignment grants it).
    public var unattributedUses: Int
    public var unresolvedCallers: Int

    public init(assignments: [AssignmentUsage], windowFrom: Int64?, windowTo: Int64?, unknownEvidenceUses: Int,
                unattributedUses: Int, unresolvedCallers: Int) {
        self.assignments = assignments
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.unknownEvidenceUses = unknownEvidenceUses
        self.unattributedUses = unattributedUses
        self.unresolvedCallers = unresolvedCallers
    }
}
