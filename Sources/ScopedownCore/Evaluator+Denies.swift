/// Deny assignments (REFERENCE.md §1.4, §2.5): which apply at a request's scope, and each one
/// checked once against the request.
extension Evaluator {
    /// A deny assignment at the request's scope or an ancestor.
    struct ApplicableDeny {
        /// Index into `snapshot.denyAssignments`.
        let index: Int
        /// Held at an ancestor rather than at the scope itself.
        let inherited: Bool
    }

    /// The deny assignments at the scope or an ancestor (`chain = ancestorIDs(of: scope)`), nearest first.
    func applicableDenies(chain: [Int32], scope: Scope) -> [ApplicableDeny] {
        let selfID = scopeIDs[scope.key]
        var out: [ApplicableDeny] = []
        for sid in chain {
            for di in denyByScope[sid] ?? [] { out.append(ApplicableDeny(index: di, inherited: sid != selfID)) }
        }
        return out
    }

    /// The applicable denies that match the request (`denyMatch`), in order.
    func denyMatches(_ denies: [ApplicableDeny], identities: [GroupHop], op: UnsafeBufferPointer<UInt8>,
                     plane: Plane) -> [DenyMatch] {
        denies.compactMap { denyMatch($0.index, identities: identities, op: op, plane: plane, inherited: $0.inherited) }
    }

    /// Whether some applicable deny blocks the request (stops at the first).
    func isDenied(_ denies: [ApplicableDeny], identities: [GroupHop], op: UnsafeBufferPointer<UInt8>, plane: Plane) -> Bool {
        denies.contains {
            denyMatch($0.index, identities: identities, op: op, plane: plane, inherited: $0.inherited)?.status.isBlocking ?? false
        }
    }

    /// One deny assignment against one request, or nil when it does not name any of the
    /// principal's identities (nor everyone) or its actions do not cover the operation.
    /// REFERENCE.md §1.4, §2.5: principals (directly, via groups, or everyone) minus
    /// excludePrincipals (also via groups); an ancestor's only when doNotApplyToChildScopes is
    /// false; its NotActions carve exceptions; audit does not block.
    func denyMatch(_ di: Int, identities ids: [GroupHop], op: UnsafeBufferPointer<UInt8>, plane: Plane,
                   inherited: Bool) -> DenyMatch? {
        let d = snapshot.denyAssignments[di]
        let idSet = ids.map(\.group)
        guard let named = d.principals.first(where: { $0.isEveryone || idSet.contains($0.id) }) else { return nil }
        // A block denies when its actions match and its NotActions do not; an unconditional
        // denying block wins over a conditional one.
        var hit: String?, carved: String?, blockCond = true
        for block in denyBlocks[di] {
            guard let h = block.grants(plane).first(where: { $0.matches(lowercased: op) }) else { continue }
            if let n = block.removes(plane).first(where: { $0.matches(lowercased: op) }) {
                if hit == nil { hit = h.text; carved = n.text }
                continue
            }
            if carved != nil || hit == nil || (blockCond && !block.hasCondition) {
                hit = h.text
                blockCond = block.hasCondition
            }
            carved = nil
            if !blockCond { break }
        }
        guard let pattern = hit else { return nil }
        let status: DenyStatus
        if let ex = d.excludePrincipals.first(where: { !$0.isEveryone && idSet.contains($0.id) }) {
            status = .excluded(by: ex.id)
        } else if inherited && d.doNotApplyToChildScopes {
            status = .notInherited
        } else if let c = carved {
            status = .carvedOut(notPattern: c)
        } else if !d.blocks {
            status = .audit
        } else if d.condition != nil || blockCond {
            status = .conditional
        } else {
            status = .blocks
        }
        return DenyMatch(denyID: d.id, name: d.name, scope: d.scope.display, pattern: pattern,
                         matchedPrincipal: named.isEveryone ? AzureID.everyone : named.id,
                         inherited: inherited, status: status)
    }

    /// Whether a deny assignment sits at one of `ancestors` (ids from `ancestorIDs(of:)`).
    public func hasDenyAssignment(atAnyOf ancestors: [Int32]) -> Bool {
        ancestors.contains { denyByScope[$0] != nil }
    }
}
