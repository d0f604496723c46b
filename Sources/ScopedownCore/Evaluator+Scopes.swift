/// Scopes as the evaluator sees them: the ancestor chain of a request's scope, and what lies
/// below a management group.
extension Evaluator {
    /// The ids of the scope and its ancestors that hold role or deny assignments, nearest first,
    /// without duplicates: the chain of `ScopeHierarchy.ancestors(of:)` (REFERENCE.md §2.7:
    /// resource → parent resources → resource group → subscription → MG chain → `/`), the
    /// management-group part read from the ids computed once per snapshot (`mgAncestorIDs`).
    public func ancestorIDs(of scope: Scope) -> [Int32] {
        var out: [Int32] = []
        func add(_ id: Int32?) { if let id, !out.contains(id) { out.append(id) } }
        var top = scope
        add(scopeIDs[top.key])
        while let parent = top.lexicalParent {
            add(scopeIDs[parent.key])
            top = parent
        }
        if let mg = hierarchy.parentGroup(ofTopmost: top) {
            for id in mgAncestorIDs[mg] ?? [] { add(id) }
        }
        if top.level != .root { add(rootID) }
        return out
    }

    /// The subscriptions below a management group (through child groups) or `/` (all known), sorted.
    public func subscriptions(below scope: Scope) -> [String] {
        switch scope.level {
        case .root:
            return Set(snapshot.subscriptions.map(\.id)).union(hierarchy.subscriptionParent.keys).sorted()
        case .managementGroup:
            guard let name = scope.managementGroupName?.lowercased() else { return [] }
            var out: [String] = []
            for (sub, parent) in hierarchy.subscriptionParent {
                var mg: String? = parent
                var seen = Set<String>()
                while let m = mg, seen.insert(m).inserted {
                    if m == name { out.append(sub); break }
                    mg = hierarchy.mgParent[m]
                }
            }
            return out.sorted()
        default:
            return []
        }
    }

}
