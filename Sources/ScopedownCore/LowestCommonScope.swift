/// The lowest common scope of a set of scopes (`scopedown usage`'s "common scope").
extension ScopeHierarchy {
    /// The lowest scope that is each given scope or one of its ancestors: resource, parent
    /// resource, resource group, subscription, management groups, `/` (REFERENCE.md §1.8, §2.7).
    /// Spelled as the ancestor chain of the scope that sorts first (by key) spells it: its own
    /// spelling, cut to the common prefix; management groups as the hierarchy names them.
    public func lowestCommonScope(_ scopes: [Scope]) -> Scope? {
        let sorted = scopes.sorted()
        guard var common = sorted.first else { return nil }
        for s in sorted.dropFirst() where s.key != common.key {
            let above = Set(ancestors(of: s).map(\.key))
            common = ancestors(of: common).first { above.contains($0.key) } ?? .root
            if common.key == "/" { break }
        }
        return common
    }
}

/// `ScopeHierarchy.lowestCommonScope` for many sets over the same scopes: scopes interned as
/// nodes (one per spelling), each node's ancestor chain computed once (a function of its
/// spelling), each key's ancestor keys once (a function of the key). The answers are those of
/// `lowestCommonScope`, whatever the order of the calls.
final class LowestCommonScopes {
    private let hierarchy: ScopeHierarchy
    private var keyIDs: [String: Int32] = [:]
    private var nodeIDs: [String: Int32] = [:]
    private var nodes: [Scope] = []
    private var nodeKey: [Int32] = []
    private var chains: [[Int32]?] = []
    private var keySets: [Int32: Set<Int32>] = [:]
    private var rootNode: Int32 = 0

    init(_ hierarchy: ScopeHierarchy) {
        self.hierarchy = hierarchy
        rootNode = node(.root)
    }

    private func keyID(_ key: String) -> Int32 {
        if let k = keyIDs[key] { return k }
        let k = Int32(keyIDs.count)
        keyIDs[key] = k
        return k
    }

    /// The node of a scope spelling.
    func node(_ s: Scope) -> Int32 {
        if let n = nodeIDs[s.display] { return n }
        let n = Int32(nodes.count)
        nodeIDs[s.display] = n
        nodes.append(s)
        nodeKey.append(keyID(s.key))
        chains.append(nil)
        return n
    }

    /// `hierarchy.ancestors(of:)` of the node's spelling, as nodes: the node followed by its lexical
    /// parent's chain, or the hierarchy's chain for a scope without one (REFERENCE.md §2.7).
    private func chain(_ n: Int32) -> [Int32] {
        if let hit = chains[Int(n)] { return hit }
        let s = nodes[Int(n)]
        let c: [Int32]
        if let p = s.lexicalParent { c = [n] + chain(node(p)) } else { c = hierarchy.ancestors(of: s).map(node) }
        chains[Int(n)] = c
        return c
    }

    private func keys(_ n: Int32) -> Set<Int32> {
        let k = nodeKey[Int(n)]
        if let hit = keySets[k] { return hit }
        let set = Set(chain(n).map { nodeKey[Int($0)] })
        keySets[k] = set
        return set
    }

    /// `lowestCommonScope` of nodes with distinct keys, given sorted by key.
    func lowestCommonScope(_ sorted: [Int32]) -> Scope? {
        guard var common = sorted.first else { return nil }
        let rootKey = nodeKey[Int(rootNode)]
        for s in sorted.dropFirst() where nodeKey[Int(s)] != nodeKey[Int(common)] {
            let above = keys(s)
            common = chain(common).first { above.contains(nodeKey[Int($0)]) } ?? rootNode
            if nodeKey[Int(common)] == rootKey { break }
        }
        return nodes[Int(common)]
    }
}
