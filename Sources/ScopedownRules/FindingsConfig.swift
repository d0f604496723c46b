/// Thresholds, tag names and the security group the rules read (`--config FILE`, JSON; every key
/// optional, documented with its default in docs/rules.md).
public struct FindingsConfig: Sendable, Hashable {
    /// Subscription tag names that name a point of contact (compared case-insensitively).
    public var contactTags: [String] = ["owner", "contact", "technicalContact", "securityContact"]
    /// The security team's group: object id or exact display name. Unset: `security-team-reader` does not run.
    public var securityGroup: String?
    /// A subscription should have at least this many and at most `maxOwners` effective owners.
    public var minOwners = 2
    public var maxOwners = 3
    /// Report subscriptions with at least this many role assignments (the limit is 4,000).
    public var subscriptionAssignmentWarning = 3600
    /// Report management groups with at least this many role assignments (the limit is 500).
    public var managementGroupAssignmentWarning = 450
    /// Report a tenant with at least this many custom roles (the limit is 5,000).
    public var customRoleWarning = 4500
    /// Rule ids or kinds not to run.
    public var disabledRules: [String] = []

    public init() {}

    /// Every key a config file may set, in documentation order, with its default as JSON text.
    public static let keys: [(key: String, defaultJSON: String, meaning: String)] = {
        let d = FindingsConfig()
        return [
            ("contactTags", "[" + d.contactTags.map { "\"\($0)\"" }.joined(separator: ", ") + "]",
             "subscription tag names that name a point of contact (case-insensitive; a cost center is not a contact)"),
            ("securityGroup", "null", "the security team's group (object id or exact display name); unset: `security-team-reader` does not run"),
            ("minOwners", String(d.minOwners), "fewest effective owners a subscription should have"),
            ("maxOwners", String(d.maxOwners), "most effective owners a subscription should have"),
            ("subscriptionAssignmentWarning", String(d.subscriptionAssignmentWarning), "report a subscription with this many role assignments (limit 4,000)"),
            ("managementGroupAssignmentWarning", String(d.managementGroupAssignmentWarning), "report a management group with this many role assignments (limit 500)"),
            ("customRoleWarning", String(d.customRoleWarning), "report a tenant with this many custom roles (limit 5,000)"),
            ("disabledRules", "[]", "rule ids (`SD007`) or kinds (`owner-count`) not to run"),
        ]
    }()

    func isDisabled(_ d: RuleDescription) -> Bool {
        disabledRules.contains { $0.lowercased() == d.id.lowercased() || $0.lowercased() == d.kind }
    }

    /// `contactTags` lower-cased.
    var contactTagKeys: Set<String> { Set(contactTags.map { $0.lowercased() }) }
}
