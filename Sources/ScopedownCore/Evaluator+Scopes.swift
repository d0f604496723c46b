/// Scopes as the evaluator sees them: the ancestor chain of a request's scope, and what lies
/// below a management group.
extension Evaluator {
    /// The ids of the scope and its ancestors that hold role or deny assignments, nearest first,
    /// without duplicates: the chain of `ScopeHierarchy.ancestors(of:)` (REFERENCE.md §2.7:
    /// resource → parent resources → resource group → subscription → MG chain → `/`), computed on
    /// the key's segments without building a `Scope` per level (hot path of attribution).
    public func ancestorIDs(of scope: Scope) -> [Int32] {
        let key = scope.key
        // Split on the UTF-8 bytes: `/` never occurs inside a multi-byte character, and byte
        // comparison avoids Character segmentation on this hot path.
        let segs = key.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        func seg(_ i: Int, is word: String) -> Bool { segs[i].elementsEqual(word.utf8) }
        var out: [Int32] = []
        func add(_ n: Int) {
            let k = n == 0 ? "/" : String(key[key.startIndex..<segs[n - 1].endIndex])
            if let id = scopeIDs[k], !out.contains(id) { out.append(id) }
        }
        // Mirrors `Scope.level` on the first n segments.
        func level(_ n: Int) -> Scope.Level {
            if n == 0 { return .root }
            if (n == 3 || n == 4), seg(0, is: "providers"), seg(1, is: "microsoft.management"), seg(2, is: "managementgroups") {
                return .managementGroup
            }
            if seg(0, is: "subscriptions") {
                if n <= 2 { return .subscription }
                if n <= 4, seg(2, is: "resourcegroups") { return .resourceGroup }
            }
            return .resource
        }
        var n = segs.count
        add(n)
        // Lexical parents (mirrors `Scope.lexicalParent`).
        climb: while true {
            switch level(n) {
            case .root, .managementGroup, .subscription:
                break climb
            case .resourceGroup:
                n = 2
            case .resource:
                if let p = (0..<n).last(where: { seg($0, is: "providers") }) {
                    let tail = n - (p + 2)
                    n = max(0, (tail > 2 && tail % 2 == 0) ? n - 2 : p)
                } else {
                    n = n > 2 ? n - 2 : 0
                }
            }
            add(n)
        }
        // Management-group chain and `/`.
        var mg: String?
        switch level(n) {
        case .subscription: if n >= 2 { mg = hierarchy.subscriptionParent[String(Substring(segs[1]))] }
        case .managementGroup: if n == 4 { mg = hierarchy.mgParent[String(Substring(segs[3]))] }
        default: break
        }
        if let m = mg {
            for id in mgAncestorIDs[m] ?? [] where !out.contains(id) { out.append(id) }
        }
        if n != 0, let r = rootID, !out.contains(r) { out.append(r) }
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
