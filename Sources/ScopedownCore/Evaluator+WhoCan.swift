/// `who-can`: the holders of an operation at a scope, each decided in full; principals' kinds.
extension Evaluator {

    /// The principals and groups that effectively hold `operation` at `scope` (the `who-can` command).
    public func whoCan(operation: String, scope: Scope, plane: Plane? = nil) -> WhoCanResult {
        var cache = MembershipCache()
        return whoCan(operation: operation, scope: scope, plane: plane, cache: &cache)
    }

    /// `whoCan` for callers that ask at many scopes: `cache` keeps the candidates' groups.
    public func whoCan(operation: String, scope: Scope, plane: Plane? = nil, cache: inout MembershipCache) -> WhoCanResult {
        let (opName, opPlane, catalogued) = resolveOperation(operation, plane: plane)
        var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
        let ids = ancestorIDs(of: scope)
        // Holders: principals of the assignments at the scope or an ancestor whose role grants the
        // operation; each role's patterns are tested once against this ONE operation.
        var holders = Set<String>()
        var assignmentKind: [String: PrincipalKind] = [:]
        for sid in ids {
            for ai in assignmentsByScope[sid] ?? [] where assignmentCounts[ai] && roleGrants(ai, &memo) {
                let a = snapshot.roleAssignments[ai]
                holders.insert(a.principalID)
                if assignmentKind[a.principalID] == nil { assignmentKind[a.principalID] = PrincipalKind.from(a.principalType) }
            }
        }
        // Everyone inside a holding group, transitively (cycle-safe), each decided in full.
        let candidates = groups.withMembers(of: holders)
        var principals: [WhoCanResult.Holder] = [], groups: [WhoCanResult.Holder] = []
        for id in candidates.sorted() {
            let d = decide(principal: id, memo: &memo, catalogued: catalogued, scope: scope, ids: ids,
                           identities: identities(of: id, cache: &cache))
            guard d.outcome == .allowed else { continue }
            let kind = kind(of: id, assignmentKind: assignmentKind[id])
            let holder = WhoCanResult.Holder(id: id, kind: kind, displayName: principalsByID[id]?.displayName, decision: d)
            if kind == .group { groups.append(holder) } else { principals.append(holder) }
        }
        return WhoCanResult(operation: opName, plane: opPlane, catalogued: catalogued, scope: scope,
                            principals: principals, groups: groups)
    }

    /// The kind of a principal: the directory's, else the membership edges', else the assignment's.
    public func kind(of id: String, assignmentKind: PrincipalKind? = nil) -> PrincipalKind {
        if let p = principalsByID[id] {
            // A managed identity is a service principal of type ManagedIdentity in Graph exports.
            if p.kind == .servicePrincipal, p.servicePrincipalType?.lowercased() == "managedidentity" { return .managedIdentity }
            return p.kind
        }
        if let k = groups.memberKinds[id] { return k }
        if groups.isGroup(id) { return .group }
        return assignmentKind ?? .unknown
    }

    public func principal(_ id: String) -> Principal? { principalsByID[AzureID.guidKey(id)] }
}
