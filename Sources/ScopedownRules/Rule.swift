import ScopedownCore

/// What a rule is, for people (`scopedown rules`, docs/rules.md, SARIF rule metadata) and for its
/// tests (the examples).
public struct RuleDescription: Sendable {
    /// Stable id, `SDnnn`; never reused.
    public var id: String
    /// Stable kebab-case name.
    public var kind: String
    /// The default severity; a rule may raise or lower it per finding (e.g. a conditional grant).
    public var severity: Severity
    public var summary: String
    public var rationale: String
    public var remediation: String
    /// What the rule needs beyond the inventory (`usage`, `directory roles`), for docs.
    public var needs: [String]
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]

    public init(id: String, kind: String, severity: Severity, summary: String, rationale: String,
                remediation: String, needs: [String] = [], triggering: [RuleExample], nonTriggering: [RuleExample]) {
        self.id = id
        self.kind = kind
        self.severity = severity
        self.summary = summary
        self.rationale = rationale
        self.remediation = remediation
        self.needs = needs
        self.triggering = triggering
        self.nonTriggering = nonTriggering
    }

    /// A finding of this rule at its default severity unless given.
    public func finding(_ severity: Severity? = nil, principal: String? = nil, scope: String? = nil,
                        assignment: String? = nil, role: String? = nil,
                        message: String, evidence: [String] = []) -> Finding {
        Finding(rule: id, kind: kind, severity: severity ?? self.severity, principal: principal, scope: scope,
                assignment: assignment, role: role, message: message, evidence: evidence)
    }
}

/// A tenant in the example DSL (see `RuleExampleTenant`), with where it is written so that a
/// failing example is reported at its own line.
public struct RuleExample: Sendable {
    public var text: String
    public var filePath: String
    public var fileID: String
    public var line: Int

    public init(_ text: String, filePath: String = #filePath, fileID: String = #fileID, line: Int = #line) {
        self.text = text
        self.filePath = filePath
        self.fileID = fileID
        self.line = line
    }
}

/// A finding rule: one file each under Rules/.
public protocol Rule: Sendable {
    var description: RuleDescription { get }
    func check(_ context: RuleContext) -> [Finding]
}

/// Every rule, in id order.
public enum RuleCatalog {
    public static let all: [any Rule] = [
        PrivilegedBroadScopeRule(),
        CanEscalateRule(),
        EntraRoleBridgeRule(),
        UnusedAssignmentRule(),
        OrphanedPrincipalRule(),
        CustomRoleWildcardRule(),
        OwnerCountRule(),
        SubscriptionUnderRootRule(),
        SubscriptionNoContactRule(),
        SecurityTeamReaderRule(),
        GuestPrivilegedRule(),
        DirectUserPrivilegedRule(),
        RedundantAssignmentRule(),
        SecretsAccessRule(),
        UnusedCustomRoleRule(),
        CustomRoleLimitsRule(),
        AssignmentLimitRule(),
    ]

    /// Runs the enabled rules, in report order (`Finding.sortedForReport`).
    public static func run(_ context: RuleContext, rules: [any Rule] = RuleCatalog.all) -> [Finding] {
        var out: [Finding] = []
        for r in rules where !context.config.isDisabled(r.description) {
            out += r.check(context)
        }
        return Finding.sortedForReport(out)
    }
}
