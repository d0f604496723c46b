import ScopedownCore

extension Store {
    /// The scopes of the resource groups and resources the inventory holds (the evaluation snapshot
    /// leaves `resources` out), for `ScopeInventory`.
    public func inventoriedResourceScopes() throws -> [Scope] {
        var out: [Scope] = []
        try db.cached("SELECT scope FROM resources ORDER BY scope_key").forEachRow([]) { out.append(Scope($0.string(0))) }
        return out
    }
}
