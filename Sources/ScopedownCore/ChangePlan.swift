/// The changes a set of recommendations makes, as plain values for the emitters (az CLI JSON,
/// Bicep, Terraform, migration plan): the custom roles to create, and per changed assignment the
/// assignments that replace it.
public struct ChangePlan: Sendable, Hashable {
    /// Custom roles to create (one permission block each), sorted by name.
    public var roles: [RoleDefinition]
    /// Changed assignments, sorted by the old assignment's id.
    public var changes: [Change]

    public struct Change: Sendable, Hashable {
        /// The recommendation's kind (`remove`, `narrow-scope`, ...).
        public var kind: String
        public var old: RoleAssignment
        public var oldRoleName: String
        /// The assignments that replace it (empty for `remove`); deterministic ids.
        public var new: [RoleAssignment]
        public var newRoleName: String
        /// The new assignments are PIM-eligible (activated when needed).
        public var eligible: Bool
        /// One line: why.
        public var reason: String

        public init(kind: String, old: RoleAssignment, oldRoleName: String, new: [RoleAssignment], newRoleName: String,
                    eligible: Bool, reason: String) {
            self.kind = kind
            self.old = old
            self.oldRoleName = oldRoleName
            self.new = new
            self.newRoleName = newRoleName
            self.eligible = eligible
            self.reason = reason
        }
    }

    public init(roles: [RoleDefinition], changes: [Change]) {
        self.roles = roles
        self.changes = changes
    }
}
