import ScopedownCore

/// A finding as the review shows it, whatever produced it (the rules engine when present): the
/// review only needs a stable identity, a severity and a message.
public struct ReviewFinding: Hashable, Sendable {
    public var ruleID: String
    /// `critical`, `high`, `medium`, `low` or `info`.
    public var severity: String
    public var assignmentID: String?
    public var principal: String?
    public var scope: String?
    public var message: String
    /// A stable identity from the rules engine (its fingerprint), when it gives one.
    public var identity: String?

    public init(ruleID: String, severity: String, assignmentID: String? = nil, principal: String? = nil,
                scope: String? = nil, message: String, identity: String? = nil) {
        self.identity = identity
        self.ruleID = ruleID
        self.severity = severity.lowercased()
        self.assignmentID = assignmentID.map(AzureID.guidKey)
        self.principal = principal.map(AzureID.guidKey)
        self.scope = scope
        self.message = message
    }

    /// What makes two snapshots' findings "the same finding": rule, assignment, principal, scope.
    public var key: String {
        if let identity { return identity }
        return [ruleID, assignmentID ?? "", principal ?? "", scope.map { Scope($0).key } ?? ""].joined(separator: "\u{1}")
    }

    public static let severities = ["critical", "high", "medium", "low", "info"]
    public var severityRank: Int { Self.severities.firstIndex(of: severity) ?? Self.severities.count }
}

/// What a reviewer is advised to do with one assignment (the recommender's answer when present).
public struct ReviewRecommendation: Hashable, Sendable {
    public enum Decision: String, Hashable, Sendable, CaseIterable { case keep, remove, change }
    public var assignmentID: String
    public var decision: Decision
    /// For `change`: the suggested role (GUID key) and scope; nil keeps the assignment's own.
    public var roleID: String?
    /// The suggested role's name (a role the recommender generates is not in the tenant yet).
    public var roleName: String?
    /// For `change`: the suggested scopes, separated by `;`.
    public var scope: String?
    /// One line for a person.
    public var summary: String

    public init(assignmentID: String, decision: Decision, roleID: String? = nil, roleName: String? = nil, scope: String? = nil, summary: String) {
        self.roleName = roleName
        self.assignmentID = AzureID.guidKey(assignmentID)
        self.decision = decision
        self.roleID = roleID.map(AzureID.roleDefinitionKey)
        self.scope = scope
        self.summary = summary
    }
}

/// What the Activity Log says of one assignment (the store's usage report, reduced).
public struct ReviewUsage: Hashable, Sendable {
    public var uses: Int
    /// Seconds since the epoch.
    public var lastUsed: Int64?
    public var usedActions: [String]
    public var deniedAttempts: Int

    public init(uses: Int, lastUsed: Int64?, usedActions: [String], deniedAttempts: Int) {
        self.uses = uses
        self.lastUsed = lastUsed
        self.usedActions = usedActions
        self.deniedAttempts = deniedAttempts
    }
}
