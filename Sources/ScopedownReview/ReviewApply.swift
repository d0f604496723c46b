import ScopedownCore
import ScopedownRender

/// The az CLI commands that carry out a review plan (`scopedown review-apply`): a POSIX shell
/// script, every value single-quoted, every comment terminal-safe.
public enum ReviewApply {
    public static func azScript(_ plan: ReviewPack.Plan, roles: [String: String]) -> String {
        let removes = plan.changes.filter { $0.decision == .remove }.count
        let changes = plan.changes.count - removes
        var out = "#!/bin/sh\n"
        out += "# scopedown review-apply: \(removes) removal\(removes == 1 ? "" : "s") and \(changes) change\(changes == 1 ? "" : "s") "
        out += "from \(plan.packs) pack\(plan.packs == 1 ? "" : "s"); \(plan.kept) kept, \(plan.undecided) undecided.\n"
        out += "# Review, then run with the az CLI signed in to the tenant. Stops at the first failure.\n"
        out += "set -eu\n"
        for d in plan.changes {
            let r = d.row
            let who = SafeText.terminal(r.principalName ?? r.principal)
            out += "\n# " + SafeText.terminal("\(d.file):\(d.line): \(d.decision.rawValue): \(who) (\(r.principalType)), \(r.role) at \(r.scope.display)")
            if d.decision == .change, let role = d.newRoleID {
                out += SafeText.terminal(" -> \(roles[role] ?? role) at \(d.newScopes.map(\.display).joined(separator: ", "))")
            }
            out += "\n"
            if !d.comment.trimmingSpaces().isEmpty { out += "# " + SafeText.terminal("comment: " + d.comment) + "\n" }
            if d.decision == .change, let role = d.newRoleID {
                for scope in d.newScopes { out += create(r, roleID: role, scope: scope) + "\n" }
            }
            out += delete(r) + "\n"
        }
        if plan.changes.isEmpty { out += "\n# Nothing to do: no line of the packs says remove or change.\n" }
        return out
    }

    /// Principal types `az role assignment create --assignee-principal-type` accepts.
    static let principalTypes = ["User", "Group", "ServicePrincipal", "ForeignGroup"]

    static func create(_ r: ReviewRow, roleID: String, scope: Scope) -> String {
        if r.state == .eligible {
            // PIM eligibility is granted through a schedule request (REFERENCE.md §1.6).
            let body = "{\"properties\":{\"principalId\":\"\(r.principal)\",\"roleDefinitionId\":\"\(roleDefinitionPath(scope, roleID))\",\"requestType\":\"AdminAssign\",\"scheduleInfo\":{\"expiration\":{\"type\":\"NoExpiration\"}}}}"
            return "az rest --method put --url " + quote(requestURL(scope, seed: "assign|" + r.id + "|" + roleID + "|" + scope.key)) + " --body " + quote(body)
        }
        var s = "az role assignment create --assignee-object-id " + quote(r.principal)
        if let t = principalTypes.first(where: { $0.lowercased() == r.principalType.lowercased() }) { s += " --assignee-principal-type " + t }
        s += " --role " + quote(roleID) + " --scope " + quote(scope.display)
        return s
    }

    static func delete(_ r: ReviewRow) -> String {
        if r.state == .eligible {
            let body = "{\"properties\":{\"principalId\":\"\(r.principal)\",\"roleDefinitionId\":\"\(roleDefinitionPath(r.scope, r.roleID))\",\"requestType\":\"AdminRemove\"}}"
            return "az rest --method put --url " + quote(requestURL(r.scope, seed: "remove|" + r.id)) + " --body " + quote(body)
        }
        return "az role assignment delete --ids " + quote(r.armID)
    }

    static func roleDefinitionPath(_ scope: Scope, _ roleID: String) -> String {
        (scope.key == "/" ? "" : scope.display) + "/providers/Microsoft.Authorization/roleDefinitions/" + roleID
    }

    /// A `roleEligibilityScheduleRequests` URL whose request name is derived from the decision, so
    /// the same plan gives the same script.
    static func requestURL(_ scope: Scope, seed: String) -> String {
        let h = ReviewPack.check([seed]) + ReviewModel.fnv("request|" + seed) + ReviewModel.fnv("name|" + seed)
        let c = Array(h)
        let name = String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-8" + String(c[17..<20]) + "-" + String(c[20..<32])
        return "https://management.azure.com" + (scope.key == "/" ? "" : scope.display)
            + "/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/" + name + "?api-version=2020-10-01"
    }

    /// POSIX single quoting: the value verbatim, `'` written as `'\''`; control characters removed.
    static func quote(_ s: String) -> String {
        "'" + SafeText.terminal(s).split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
