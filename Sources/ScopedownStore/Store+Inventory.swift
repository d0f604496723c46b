import ScopedownCore
import ScopedownSQLite

/// One node of the inventory tree: `/` → management groups → subscriptions → resource groups.
public struct InventoryNode: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Comparable {
        case root, managementGroup, subscription, resourceGroup
        var order: Int {
            switch self { case .root: 0; case .managementGroup: 1; case .subscription: 2; case .resourceGroup: 3 }
        }
        public static func < (a: Kind, b: Kind) -> Bool { a.order < b.order }
    }

    public var kind: Kind
    /// The node's scope (display spelling).
    public var scope: String
    /// The MG name (its id segment), the subscription GUID, or the resource group name.
    public var id: String
    /// Display name (MG / subscription display name; the resource group's name).
    public var name: String
    /// Role assignments (active and PIM-eligible) at exactly this scope.
    public var directAssignments: Int
    /// Role assignments at this scope or anywhere below it (child nodes and resources).
    public var totalAssignments: Int
    public var children: [InventoryNode]

    public init(kind: Kind, scope: String, id: String, name: String, directAssignments: Int,
                totalAssignments: Int, children: [InventoryNode]) {
        self.kind = kind
        self.scope = scope
        self.id = id
        self.name = name
        self.directAssignments = directAssignments
        self.totalAssignments = totalAssignments
        self.children = children
    }
}

extension Store {
    /// The management group → subscription → resource group tree with assignment counts per node.
    /// Subscriptions whose management group is unknown hang under `/`; resource groups are known
    /// from resource rows and from assignment scopes; management groups and subscriptions only named
    /// by an assignment's scope appear too. Children are sorted by kind, name, then id.
    public func inventoryTree() throws -> InventoryNode {
        try reading { try inventoryTreeReading() }
    }

    private func inventoryTreeReading() throws -> InventoryNode {
        var b = TreeBuilder()
        try db.query("SELECT id, name, display_name, parent_id FROM management_groups ORDER BY id") { s in
            b.addManagementGroup(key: s.string(0), name: s.string(1), displayName: s.string(2), parent: s.optionalString(3))
        }
        try db.query("SELECT id, display_name, management_group_id FROM subscriptions ORDER BY id") { s in
            b.addSubscription(id: s.string(0), displayName: s.string(1), managementGroup: s.optionalString(2))
        }
        try db.query("SELECT scope FROM resources ORDER BY scope_key") { s in
            b.placeScope(Scope(s.string(0)), count: 0)
        }
        try namedQuery("assignment_counts_by_scope") { s in
            b.placeScope(Scope(s.string(1)), count: s.int(2))
        }
        return b.build()
    }
}

private struct TreeBuilder {
    struct Node {
        var kind: InventoryNode.Kind
        var scope: String
        var id: String
        var name: String
        var parent: String?
        var direct = 0
        /// Assignments at resources below this node that have no node of their own.
        var below = 0
    }

    var nodes: [String: Node] = ["/": Node(kind: .root, scope: "/", id: "/", name: "/", parent: nil)]
    /// MG key -> parent MG key (resolved to node keys at build time).
    var mgParents: [String: String] = [:]
    var subMG: [String: String] = [:]

    static func mgKey(_ key: String) -> String { "/providers/microsoft.management/managementgroups/" + key }
    static func subKey(_ id: String) -> String { "/subscriptions/" + id }

    mutating func addManagementGroup(key: String, name: String, displayName: String, parent: String?) {
        nodes[Self.mgKey(key)] = Node(kind: .managementGroup, scope: "/providers/Microsoft.Management/managementGroups/\(name)",
                                      id: name, name: displayName.isEmpty ? name : displayName, parent: nil)
        if let parent, parent != key { mgParents[key] = parent }
    }

    mutating func addSubscription(id: String, displayName: String, managementGroup: String?) {
        nodes[Self.subKey(id)] = Node(kind: .subscription, scope: "/subscriptions/\(id)", id: id,
                                      name: displayName.isEmpty ? id : displayName, parent: nil)
        if let managementGroup { subMG[id] = managementGroup }
    }

    /// Ensures the node for `scope` (and its subscription) exists and adds `count` assignments to it;
    /// resource scopes count towards their resource group (or subscription) as "below".
    mutating func placeScope(_ scope: Scope, count: Int) {
        switch scope.level {
        case .root:
            nodes["/"]?.direct += count
        case .managementGroup:
            guard let name = scope.managementGroupName else { nodes["/"]?.below += count; return }
            let key = Self.mgKey(name.lowercased())
            if nodes[key] == nil { addManagementGroup(key: name.lowercased(), name: name, displayName: name, parent: nil) }
            nodes[key]?.direct += count
        case .subscription:
            guard let sub = scope.subscriptionID else { return }
            ensureSubscription(sub)
            nodes[Self.subKey(sub)]?.direct += count
        case .resourceGroup:
            guard let sub = scope.subscriptionID else { return }
            ensureSubscription(sub)
            ensureResourceGroup(scope, sub: sub)
            nodes[scope.key]?.direct += count
        case .resource:
            if let rg = scope.resourceGroupScope, let sub = scope.subscriptionID {
                ensureSubscription(sub)
                ensureResourceGroup(rg, sub: sub)
                nodes[rg.key]?.below += count
            } else if let sub = scope.subscriptionID {
                ensureSubscription(sub)
                nodes[Self.subKey(sub)]?.below += count
            } else {
                nodes["/"]?.below += count
            }
        }
    }

    mutating func ensureSubscription(_ id: String) {
        if nodes[Self.subKey(id)] == nil { addSubscription(id: id, displayName: id, managementGroup: nil) }
    }

    mutating func ensureResourceGroup(_ rg: Scope, sub: String) {
        guard nodes[rg.key] == nil else { return }
        let name = rg.display.split(separator: "/").last.map(String.init) ?? rg.display
        nodes[rg.key] = Node(kind: .resourceGroup, scope: rg.display, id: name, name: name, parent: Self.subKey(sub))
    }

    func build() -> InventoryNode {
        // Resolve parents: MG -> parent MG (or `/`), subscription -> MG (or `/`), RG -> subscription.
        var parent: [String: String] = [:]
        for (key, node) in nodes where key != "/" {
            switch node.kind {
            case .managementGroup:
                let mg = node.id.lowercased()
                if let p = mgParents[mg], nodes[Self.mgKey(p)] != nil { parent[key] = Self.mgKey(p) } else { parent[key] = "/" }
            case .subscription:
                if let m = subMG[node.id], nodes[Self.mgKey(m)] != nil { parent[key] = Self.mgKey(m) } else { parent[key] = "/" }
            default:
                parent[key] = node.parent ?? "/"
            }
        }
        var children: [String: [String]] = [:]
        for (k, p) in parent { children[p, default: []].append(k) }
        // Cycles in bad data (an MG that is its own ancestor) are cut: unreachable nodes hang under `/`.
        var reached = Set<String>()
        func mark(_ k: String) {
            guard reached.insert(k).inserted else { return }
            for c in children[k] ?? [] { mark(c) }
        }
        mark("/")
        for k in nodes.keys.sorted() where !reached.contains(k) {
            if let p = parent[k] { children[p]?.removeAll { $0 == k } }
            children["/", default: []].append(k)
            mark(k)
        }
        var visiting = Set<String>()
        func make(_ k: String) -> InventoryNode {
            let n = nodes[k] ?? Node(kind: .root, scope: k, id: k, name: k, parent: nil)
            visiting.insert(k)
            var kids: [InventoryNode] = []
            for c in children[k] ?? [] where !visiting.contains(c) { kids.append(make(c)) }
            kids.sort { a, b in
                if a.kind != b.kind { return a.kind < b.kind }
                let an = a.name.lowercased(), bn = b.name.lowercased()
                if an != bn { return an < bn }
                return a.scope.lowercased() < b.scope.lowercased()
            }
            let total = n.direct + n.below + kids.reduce(0) { $0 + $1.totalAssignments }
            return InventoryNode(kind: n.kind, scope: n.scope, id: n.id, name: n.name, directAssignments: n.direct,
                                 totalAssignments: total, children: kids)
        }
        return make("/")
    }
}
