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

extension Store {
    /// Catalog operations whose plane is a guess: stored by a catalog without `isDataAction` and not
    /// confirmed by a catalog that says the plane.
    public func guessedPlaneOperationCount() throws -> Int {
        try db.scalarInt("""
            SELECT count(*) FROM operations WHERE import_id IN
              (SELECT id FROM imports WHERE kind = 'operations' AND shape LIKE '%' || ?)
            """, [ImportBatch.planeUnknownShapeSuffix]) ?? 0
    }
}
