import Foundation
import ScopedownCore

/// Reads a generated tenant back with Foundation's JSONSerialization (independent of the
/// generator's byte writer) so tests can check shapes and semantics.
struct SynthTenantFiles {
    let root: URL
    var managementGroupParent: [String: String] = [:]   // mg key -> parent mg key
    var subscriptionMG: [String: String] = [:]          // subscription id -> mg key
    var subscriptions: [[String: Any]] = []
    var roles: [String: [PermissionBlock]] = [:]        // role guid key -> blocks
    var customRoleCount = 0
    /// (assignment guid key, scope, role guid key, principal guid key)
    var assignments: [(id: String, scope: Scope, role: String, principal: String)] = []
    var eligibleCount = 0
    var denyScopes: [Scope] = []
    var members: [String: [String]] = [:]               // group key -> direct member keys
    var principalKinds: [String: String] = [:]          // id key -> @odata.type

    enum Failure: Error, CustomStringConvertible {
        case shape(String)
        var description: String { if case .shape(let s) = self { return s }; return "" }
    }

    static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url), options: [.fragmentsAllowed])
    }

    static func files(under url: URL) -> [URL] {
        guard let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [URL] = []
        for case let f as URL in e where (try? f.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { out.append(f) }
        return out.sorted { $0.path < $1.path }
    }

    init(root: URL) throws {
        self.root = root
        // Management-group tree (`az account management-group show --expand --recurse`).
        guard let mg = try Self.json(root.appendingPathComponent("management-groups.json")) as? [String: Any],
              let props = mg["properties"] as? [String: Any], let rootName = mg["name"] as? String,
              let children = props["children"] as? [[String: Any]] else { throw Failure.shape("management-groups.json") }
        func walk(_ parent: String, _ list: [[String: Any]]) throws {
            for c in list {
                guard let type = c["type"] as? String, let name = c["name"] as? String else { throw Failure.shape("mg child") }
                if type == "/subscriptions" { subscriptionMG[AzureID.guidKey(name)] = parent } else {
                    managementGroupParent[name.lowercased()] = parent
                    try walk(name.lowercased(), (c["children"] as? [[String: Any]]) ?? [])
                }
            }
        }
        try walk(rootName.lowercased(), children)
        guard let subs = try Self.json(root.appendingPathComponent("subscriptions.json")) as? [[String: Any]] else {
            throw Failure.shape("subscriptions.json")
        }
        subscriptions = subs
        // Roles (az role definition list).
        for name in ["roles/builtin-roles.json", "roles/custom-roles.json"] {
            let url = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            guard let list = try Self.json(url) as? [[String: Any]] else { throw Failure.shape(name) }
            for r in list {
                guard let id = r["name"] as? String, let perms = r["permissions"] as? [[String: Any]] else { throw Failure.shape(name) }
                if (r["roleType"] as? String) == "CustomRole" { customRoleCount += 1 }
                roles[AzureID.roleDefinitionKey(id)] = perms.map { b in
                    PermissionBlock(actions: (b["actions"] as? [String]) ?? [], notActions: (b["notActions"] as? [String]) ?? [],
                                    dataActions: (b["dataActions"] as? [String]) ?? [],
                                    notDataActions: (b["notDataActions"] as? [String]) ?? [])
                }
            }
        }
        // Role assignments: az per subscription (flattened) and ARM REST for MG / root scopes.
        for f in Self.files(under: root.appendingPathComponent("role-assignments/subscriptions")) {
            guard let list = try Self.json(f) as? [[String: Any]] else { throw Failure.shape(f.path) }
            for a in list {
                guard let id = a["name"] as? String, let scope = a["scope"] as? String, let role = a["roleDefinitionId"] as? String,
                      let principal = a["principalId"] as? String, a["principalType"] is String,
                      (a["type"] as? String) == "Microsoft.Authorization/roleAssignments" else { throw Failure.shape(f.path) }
                assignments.append((AzureID.guidKey(id), Scope(scope), AzureID.roleDefinitionKey(role), AzureID.guidKey(principal)))
            }
        }
        let mgFile = root.appendingPathComponent("role-assignments/management-groups.json")
        if FileManager.default.fileExists(atPath: mgFile.path) {
            guard let doc = try Self.json(mgFile) as? [String: Any], let list = doc["value"] as? [[String: Any]] else {
                throw Failure.shape("management-groups assignments")
            }
            for a in list {
                guard let id = a["name"] as? String, let p = a["properties"] as? [String: Any], let scope = p["scope"] as? String,
                      let role = p["roleDefinitionId"] as? String, let principal = p["principalId"] as? String else {
                    throw Failure.shape("rest assignment")
                }
                assignments.append((AzureID.guidKey(id), Scope(scope), AzureID.roleDefinitionKey(role), AzureID.guidKey(principal)))
            }
        }
        let pim = root.appendingPathComponent("pim/role-eligibility-schedule-instances.json")
        if FileManager.default.fileExists(atPath: pim.path) {
            guard let doc = try Self.json(pim) as? [String: Any], let list = doc["value"] as? [[String: Any]] else { throw Failure.shape("pim") }
            eligibleCount = list.count
        }
        let deny = root.appendingPathComponent("deny-assignments.json")
        if FileManager.default.fileExists(atPath: deny.path) {
            guard let doc = try Self.json(deny) as? [String: Any], let list = doc["value"] as? [[String: Any]] else { throw Failure.shape("deny") }
            for d in list {
                guard let p = d["properties"] as? [String: Any], let scope = p["scope"] as? String else { throw Failure.shape("deny item") }
                denyScopes.append(Scope(scope))
            }
        }
        // Graph: directory pages and groups/<id>/members.json.
        for f in Self.files(under: root.appendingPathComponent("directory")) {
            guard let doc = try Self.json(f) as? [String: Any], let list = doc["value"] as? [[String: Any]] else { throw Failure.shape(f.path) }
            for o in list {
                guard let id = o["id"] as? String, let type = o["@odata.type"] as? String else { throw Failure.shape(f.path) }
                principalKinds[AzureID.guidKey(id)] = type
            }
        }
        for f in Self.files(under: root.appendingPathComponent("groups")) {
            guard f.lastPathComponent == "members.json" else { throw Failure.shape(f.path) }
            let group = f.deletingLastPathComponent().lastPathComponent
            guard AzureID.isGUID(group), let doc = try Self.json(f) as? [String: Any], let list = doc["value"] as? [[String: Any]] else {
                throw Failure.shape(f.path)
            }
            members[AzureID.guidKey(group)] = try list.map { o in
                guard let id = o["id"] as? String, o["@odata.type"] is String else { throw Failure.shape(f.path) }
                return AzureID.guidKey(id)
            }
        }
    }

    /// The principal and every group it belongs to, transitively.
    func principalAndGroups(_ id: String) -> Set<String> {
        var result: Set<String> = [id]
        var changed = true
        while changed {
            changed = false
            for (g, m) in members where !result.contains(g) && m.contains(where: result.contains) {
                result.insert(g)
                changed = true
            }
        }
        return result
    }

    /// True when `ancestor` is `scope` or above it (lexically, then through the MG tree to `/`).
    func isAtOrAbove(_ ancestor: Scope, _ scope: Scope) -> Bool {
        if ancestor.key == "/" { return true }
        if scope.isLexicallyWithin(ancestor) { return true }
        guard let mgName = ancestor.managementGroupName?.lowercased(), let sub = scope.subscriptionID else { return false }
        var cur = subscriptionMG[sub]
        while let c = cur {
            if c == mgName { return true }
            cur = managementGroupParent[c]
        }
        return false
    }

    /// Role grants a control-plane action: some block matches it in actions and not in notActions
    /// (REFERENCE.md §0.1; a direct transcription, independent of the generator's catalog index).
    func grants(role: String, action: String) -> Bool {
        guard let blocks = roles[role] else { return false }
        return blocks.contains { b in
            b.actions.contains { ActionPattern($0).matches(action) } && !b.notActions.contains { ActionPattern($0).matches(action) }
        }
    }
}
