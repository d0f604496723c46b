/// Per-assignment grant checks for rules that walk every assignment: whether the assignment's role
/// grants an operation, judged with the same role memo as every other query (no second matcher).
extension Evaluator {
    public enum RoleGrant: Sendable, Hashable {
        /// The role does not grant it (or it is not imported).
        case no
        case yes
        /// Only through a block whose role-definition condition covers it (REFERENCE.md §2.6).
        case conditionally
    }

    /// What the role of `snapshot.roleAssignments[index]` does with `query`'s operation, ignoring
    /// the assignment's own condition, its scope and deny assignments (REFERENCE.md §2.3, §2.4).
    public func roleGrant(assignmentIndex index: Int, query: inout OperationQuery) -> RoleGrant {
        let r = Int(assignmentRole[index])
        guard r >= 0 else { return .no }
        return roleGrant(roleIndex: r, query: &query)
    }

    /// The same for a role definition, by GUID key.
    public func roleGrant(roleID: String, query: inout OperationQuery) -> RoleGrant {
        guard let r = roleIndex[AzureID.roleDefinitionKey(roleID)] else { return .no }
        return roleGrant(roleIndex: r, query: &query)
    }

    func roleGrant(roleIndex r: Int, query: inout OperationQuery) -> RoleGrant {
        switch query.memo.state(r, compiledRoles) {
        case RoleMemo.granted: return .yes
        case RoleMemo.grantedConditionally: return .conditionally
        default: return .no
        }
    }

    /// Whether the assignment counts under the evaluation options (active, or eligible with `includeEligible`).
    public func countsAssignment(at index: Int) -> Bool { assignmentCounts[index] }
}
