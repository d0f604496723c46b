/// `effective`: the catalog operations a principal holds at a scope.
extension Evaluator {
    /// The catalog operations `principal` holds at `scope` (the `effective` command, REFERENCE.md §0.2).
    public func effective(principal: String, scope: Scope) -> EffectiveAccess {
        let p = AzureID.guidKey(principal)
        let scopeChain = ancestorIDs(of: scope)
        let ids = identities(of: p)
        let grants = applicable(identities: ids, chain: scopeChain)
        var memo: [Plane: [ActionPattern: [Int]]] = [.control: [:], .data: [:]]
        func resolve(_ pat: ActionPattern, _ plane: Plane) -> [Int] {
            if let r = memo[plane]?[pat] { return r }
            let r = operations.resolve(pat, plane: plane)
            memo[plane]?[pat] = r
            return r
        }
        var held: [Plane: OperationBitSet] = [
            .control: OperationBitSet(count: operations.control.count),
            .data: OperationBitSet(count: operations.data.count),
        ]
        var uncatalogued: [String: String] = [:]   // key -> spelling
        var applicableRoles: [Int] = []
        var unknown: [String] = []
        var seenRoles = Set<String>()
        for g in grants {
            guard let ri = roleIndex[g.roleID] else { unknown.append(g.assignmentID); continue }
            let role = compiledRoles[ri]
            guard seenRoles.insert(role.id).inserted else { continue }
            applicableRoles.append(ri)
            for block in role.blocks {
                for plane in [Plane.control, .data] {
                    let count = plane == .control ? operations.control.count : operations.data.count
                    var set = OperationBitSet(count: count)
                    for pat in block.grants(plane) {
                        let r = resolve(pat, plane)
                        // A literal name outside the catalog is reported through the role-only names below.
                        if r.isEmpty && pat.text.contains("*") {
                            uncatalogued[AzureID.operationKey(pat.text)] = pat.text.trimmingSpaces()
                        }
                        for i in r { set.insert(i) }
                    }
                    if set.isEmpty { continue }
                    var removed = OperationBitSet(count: count)
                    for pat in block.removes(plane) { for i in resolve(pat, plane) { removed.insert(i) } }
                    set.subtract(removed)
                    held[plane]?.formUnion(set)
                }
            }
        }
        // Names outside the catalog that some role of the tenant names literally (REFERENCE.md
        // §1.1.3, "known by role only"): held when some applicable block grants them, by any
        // pattern, less that block's NotActions (§2.3), like any other operation.
        var literalHeld: [Plane: [String: String]] = [.control: [:], .data: [:]]
        for plane in [Plane.control, .data] where !applicableRoles.isEmpty {
            for (key, name) in (plane == .control ? roleOnlyControl : roleOnlyData) {
                let held = key.withUnsafeBufferPointer { op in
                    applicableRoles.contains { ri in
                        compiledRoles[ri].blocks.contains {
                            if case .granted = Evaluator.match($0, op: op, plane: plane) { return true } else { return false }
                        }
                    }
                }
                if held { literalHeld[plane]?[String(decoding: key, as: UTF8.self)] = name }
            }
        }
        // Deny assignments that block this principal here (§2.5).
        let blocking = applicableDenies(chain: scopeChain, scope: scope)
        var actions: [String] = [], dataActions: [String] = [], denied: [String] = []
        var outside: [UncataloguedOperation] = []
        for plane in [Plane.control, .data] {
            let list = operations.entries(plane)
            var names: [String] = []
            func isDenied(_ key: [UInt8]) -> Bool {
                key.withUnsafeBufferPointer { self.isDenied(blocking, identities: ids, op: $0, plane: plane) }
            }
            for i in held[plane]?.indices ?? [] {
                if !blocking.isEmpty && isDenied(list[i].key) { denied.append(list[i].name) } else { names.append(list[i].name) }
            }
            for (key, name) in literalHeld[plane] ?? [:] {
                outside.append(UncataloguedOperation(name: name, plane: plane, denied: !blocking.isEmpty && isDenied(Array(key.utf8))))
            }
            // Already in key order: the catalog entries are sorted by lower-cased name.
            if plane == .control { actions = names } else { dataActions = names }
        }
        return EffectiveAccess(principal: p, scope: scope, actions: actions, dataActions: dataActions,
                               grants: grants, denied: Array(Set(denied)).sorted { $0.lowercased() < $1.lowercased() },
                               uncatalogued: outside.sorted { ($0.name.lowercased(), $0.plane.rawValue) < ($1.name.lowercased(), $1.plane.rawValue) },
                               unmatchedPatterns: uncatalogued.values.sorted { $0.lowercased() < $1.lowercased() },
                               unknownRoleAssignments: Array(Set(unknown)).sorted())
    }
}
