/// Roles that can take over a tenant or read its secrets, judged by what their permissions grant
/// (patterns matched against the operations, NotActions applied per block, REFERENCE.md §2.3).
public enum PrivilegedRoles {
    public static let controlOperations = ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleDefinitions/write"]
    public static let dataOperations = ["Microsoft.KeyVault/vaults/secrets/getSecret/action"]

    public static func isPrivileged(_ r: RoleDefinition) -> Bool {
        for b in r.permissions {
            if b.actions.contains(where: { $0.trimmingSpaces() == "*" }) { return true }
            func grants(_ op: String, _ allow: [String], _ not: [String]) -> Bool {
                allow.contains { ActionPattern($0).matches(op) } && !not.contains { ActionPattern($0).matches(op) }
            }
            if controlOperations.contains(where: { grants($0, b.actions, b.notActions) }) { return true }
            if dataOperations.contains(where: { grants($0, b.dataActions, b.notDataActions) }) { return true }
        }
        return false
    }
}
