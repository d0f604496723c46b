/// The management groups, subscriptions and resource groups a database knows, to refuse a scope
/// that names one it does not (a mistyped GUID would otherwise get a silent, empty answer).
///
/// Known: imported management groups and subscriptions (and the parents they name), resource groups
/// from the resource-container inventory, and every level of an assignment's or deny assignment's
/// scope (an assignment there proves it exists). A level whose inventory is empty (no subscription
/// imported at all, no resource group of that subscription) is not checked: there is nothing to
/// compare with. Resources below a resource group are not checked (they are rarely inventoried).
public struct ScopeInventory: Sendable {
    public private(set) var managementGroups: [String: String] = [:]   // key -> display name (the MG id)
    public private(set) var subscriptions: [String: String] = [:]      // key -> display name
    /// Subscription key -> resource group key -> display scope.
    public private(set) var resourceGroups: [String: [String: String]] = [:]

    public init(snapshot: AuthorizationSnapshot, resourceGroupScopes: [Scope] = []) {
        for mg in snapshot.managementGroups {
            managementGroups[mg.id] = mg.name
            if let p = mg.parentID, managementGroups[p] == nil { managementGroups[p] = p }
        }
        for s in snapshot.subscriptions {
            subscriptions[s.id] = s.displayName
            if let m = s.managementGroupID, managementGroups[m] == nil { managementGroups[m] = m }
        }
        for r in snapshot.resources { note(r.scope) }
        for s in resourceGroupScopes { note(s) }
        for a in snapshot.roleAssignments { note(a.scope) }
        for d in snapshot.denyAssignments { note(d.scope) }
    }

    private mutating func note(_ scope: Scope) {
        if let name = scope.managementGroupName, managementGroups[name.lowercased()] == nil {
            managementGroups[name.lowercased()] = name
        }
        if let sub = scope.subscriptionID, subscriptions[sub] == nil { subscriptions[sub] = "" }
        if let rg = scope.resourceGroupScope, let sub = scope.subscriptionID {
            resourceGroups[sub, default: [:]][rg.key] = rg.display
        }
    }

    /// What is unknown about a scope: the level and id not in the inventory, and the nearest known
    /// scopes of that level (closest spellings first).
    public struct Unknown: Sendable, Equatable {
        public var what: String
        public var id: String
        public var nearest: [String]
    }

    /// Nil when the scope's management group, subscription and resource group are known (or there is
    /// nothing to compare with at that level).
    public func check(_ scope: Scope) -> Unknown? {
        if let name = scope.managementGroupName, !managementGroups.isEmpty, managementGroups[name.lowercased()] == nil {
            let near = Self.nearest(name.lowercased(), among: Array(managementGroups.keys))
            return Unknown(what: "management group", id: name,
                           nearest: near.map { "/providers/Microsoft.Management/managementGroups/\(managementGroups[$0] ?? $0)" })
        }
        guard let sub = scope.subscriptionID else { return nil }
        if !subscriptions.isEmpty, subscriptions[sub] == nil {
            let near = Self.nearest(sub, among: Array(subscriptions.keys))
            return Unknown(what: "subscription", id: sub, nearest: near.map { id in
                let name = subscriptions[id] ?? ""
                return "/subscriptions/\(id)" + (name.isEmpty ? "" : " (\(name))")
            })
        }
        if let rg = scope.resourceGroupScope, let known = resourceGroups[sub], !known.isEmpty, known[rg.key] == nil {
            let near = Self.nearest(rg.key, among: Array(known.keys))
            return Unknown(what: "resource group", id: rg.display, nearest: near.map { known[$0] ?? $0 })
        }
        return nil
    }

    /// Up to `limit` candidates by edit distance (ties by text).
    static func nearest(_ target: String, among candidates: [String], limit: Int = 3) -> [String] {
        candidates.map { (EditDistance.between(target, $0), $0) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .prefix(limit).map(\.1)
    }
}

/// Levenshtein distance over Unicode scalars (for "did you mean" suggestions).
public enum EditDistance {
    public static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = Array(repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Up to `limit` names within `maxDistance` of `name` (case-insensitive), closest first.
    public static func close(to name: String, among names: [String], maxDistance: Int, limit: Int = 3) -> [String] {
        let target = name.lowercased()
        return names.compactMap { n -> (Int, String)? in
            // Cheap length filter first: the distance is at least the length difference.
            if abs(n.utf8.count - target.utf8.count) > maxDistance { return nil }
            let d = between(target, n.lowercased())
            return d <= maxDistance ? (d, n) : nil
        }
        .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        .prefix(limit).map(\.1)
    }
}
