/// Control plane (`actions`) or data plane (`dataActions`), REFERENCE.md §2.4.
public enum Plane: String, Hashable, Sendable, Codable {
    case control, data
}

public struct EvaluationOptions: Hashable, Sendable {
    /// Count PIM-eligible assignments as granting (`--include-eligible`), REFERENCE.md §2.9.
    public var includeEligible: Bool
    public init(includeEligible: Bool = false) {
        self.includeEligible = includeEligible
    }
}

/// One way a principal holds an operation: an assignment, its role, where it is inherited from and
/// through which groups.
public struct GrantPath: Hashable, Sendable, Codable {
    public var assignmentID: String
    public var roleID: String
    public var roleName: String
    /// The assignment's scope (display spelling).
    public var scope: String
    /// Group ids from the principal outward (empty for a direct assignment).
    public var via: [String]
    public var conditional: Bool
    public var state: AssignmentState

    public init(assignmentID: String, roleID: String, roleName: String, scope: String, via: [String],
                conditional: Bool, state: AssignmentState) {
        self.assignmentID = assignmentID
        self.roleID = roleID
        self.roleName = roleName
        self.scope = scope
        self.via = via
        self.conditional = conditional
        self.state = state
    }
}
