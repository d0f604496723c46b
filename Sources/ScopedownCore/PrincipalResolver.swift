/// Resolves what a user typed as `--principal`: an object id, a UPN, or an unambiguous display name.
public enum PrincipalResolution: Hashable, Sendable {
    /// The principal's GUID key (it may be unknown to the directory: assignments name ids that
    /// Graph exports do not always include).
    case found(String)
    case notFound
    /// Several principals share that display name (or UPN): the candidates, sorted by id.
    case ambiguous([Principal])
}

extension Evaluator {
    public func resolvePrincipal(_ text: String) -> PrincipalResolution {
        let t = text.trimmingSpaces()
        if t.isEmpty { return .notFound }
        if AzureID.isGUID(t) { return .found(AzureID.guidKey(t)) }
        let lower = t.lowercased()
        let byUPN = snapshot.principals.filter { $0.userPrincipalName?.lowercased() == lower }
        if let r = Self.unique(byUPN) { return r }
        let byName = snapshot.principals.filter { $0.displayName.lowercased() == lower }
        if let r = Self.unique(byName) { return r }
        return .notFound
    }

    private static func unique(_ list: [Principal]) -> PrincipalResolution? {
        var seen = Set<String>()
        let distinct = list.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
        if distinct.count == 1 { return .found(distinct[0].id) }
        if distinct.count > 1 { return .ambiguous(distinct) }
        return nil
    }
}
