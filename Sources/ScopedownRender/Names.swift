import ScopedownCore

/// What a reviewer needs to know about a principal besides its id: who it is (display name and
/// UPN or app id), its type, and whether it is a guest, disabled or gone from the directory.
public struct PrincipalFacts: Hashable, Sendable {
    public var id: String
    public var kind: PrincipalKind
    public var displayName: String?
    /// A user's UPN, a service principal's app id.
    public var detail: String?
    public var guest: Bool
    public var disabled: Bool
    /// Not in the imported directory (deleted, or the directory was not imported).
    public var orphaned: Bool
    /// Another principal has the same display name (the label then carries part of the id).
    public var ambiguous: Bool

    /// The type for people: `user`, `group`, `service principal`, `managed identity`, ...
    public var typeLabel: String {
        switch kind {
        case .user: return "user"
        case .group: return "group"
        case .servicePrincipal: return "service principal"
        case .managedIdentity: return "managed identity"
        case .device: return "device"
        case .foreignGroup: return "foreign group"
        case .unknown: return id == AzureID.everyone ? "everyone" : "unknown"
        }
    }

    /// The type in a table cell (short: the table has to fit a terminal).
    public var shortType: String {
        switch kind {
        case .servicePrincipal: return "app"
        case .managedIdentity: return "identity"
        case .foreignGroup: return "foreign"
        default: return typeLabel
        }
    }

    /// `Alice Moreau <alice@contoso.com>`, `build-agent (app 1234…)`, or the bare id when the
    /// directory does not know it; a display name shared by several principals carries the start of the id.
    public var label: String {
        guard let name = displayName, !name.isEmpty else {
            // The flags say `orphaned`; the id is what tells two unknown principals apart.
            return id == AzureID.everyone ? "everyone" : id
        }
        var s = name
        if let d = detail, !d.isEmpty { s += kind == .user ? " <\(d)>" : " (app \(d))" }
        if ambiguous { s += " [\(id.prefix(8))]" }
        return s
    }

    /// Guest, disabled and orphaned, as words (empty when none).
    public var flags: [String] {
        var f: [String] = []
        if guest { f.append("guest") }
        if disabled { f.append("disabled") }
        if orphaned { f.append("orphaned") }
        return f
    }

    /// The JSON fields every list carries about a principal.
    public var jsonFields: [(String, JSON)] {
        [("principal", .string(id)), ("principalName", .optional(displayName)),
         ("principalDetail", .optional(detail)), ("principalType", .string(kind.rawValue)),
         ("guest", .bool(guest)), ("disabled", .bool(disabled)), ("orphaned", .bool(orphaned))]
    }

    public static let csvHeader = ["principal", "principalName", "principalDetail", "principalType", "guest", "disabled", "orphaned"]
    public var csvCells: [String] {
        [id, displayName ?? "", detail ?? "", kind.rawValue, String(guest), String(disabled), String(orphaned)]
    }
}

/// Names for ids, from one snapshot: principals (display name + UPN or app id, type, flags),
/// roles by name and scopes shortened readably (`sub:contoso-corp-prod/rg:rg-data/vaults/kv1`,
/// management groups by display name).
public struct NameBook: Sendable {
    private var principals: [String: Principal] = [:]
    private var nameCounts: [String: Int] = [:]
    private var managementGroups: [String: String] = [:]
    private var subscriptions: [String: String] = [:]
    private var roles: [String: String] = [:]

    public init(snapshot: AuthorizationSnapshot) {
        for p in snapshot.principals {
            principals[p.id] = p
            nameCounts[p.displayName.lowercased(), default: 0] += 1
        }
        for mg in snapshot.managementGroups where !mg.displayName.isEmpty {
            managementGroups[mg.name.lowercased()] = mg.displayName
        }
        for s in snapshot.subscriptions where !s.displayName.isEmpty {
            subscriptions[AzureID.guidKey(s.id)] = s.displayName
        }
        for r in snapshot.roleDefinitions { roles[AzureID.guidKey(r.id)] = r.roleName }
    }

    /// The facts of a principal id (orphaned when the directory does not know it).
    public func principal(_ id: String, kind: PrincipalKind? = nil) -> PrincipalFacts {
        let key = AzureID.guidKey(id)
        guard let p = principals[key] else {
            return PrincipalFacts(id: id, kind: kind ?? .unknown, displayName: nil, detail: nil, guest: false,
                                  disabled: false, orphaned: id != AzureID.everyone, ambiguous: false)
        }
        let detail = p.kind == .user ? p.userPrincipalName : p.appID
        return PrincipalFacts(id: p.id, kind: p.kind, displayName: p.displayName, detail: detail, guest: p.isGuest,
                              disabled: p.accountEnabled == false, orphaned: false,
                              ambiguous: (nameCounts[p.displayName.lowercased()] ?? 0) > 1)
    }

    /// A role's name by definition id (the GUID or the full resource id).
    public func role(_ id: String) -> String? {
        let guid = id.split(separator: "/").last.map(String.init) ?? id
        return roles[AzureID.guidKey(guid)]
    }

    /// A scope shortened for a table: `/` stays, a management group is `mg:<display name>`, a
    /// subscription `sub:<name>`, then `rg:<name>` and the resource's type and name (without the
    /// provider namespace). Unknown names keep their id.
    public func scope(_ raw: String) -> String {
        let s = Scope(raw)
        let d = s.display.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        switch s.level {
        case .root:
            return "/"
        case .managementGroup:
            let name = s.managementGroupName ?? d.last ?? raw
            return "mg:" + (managementGroups[name.lowercased()] ?? name)
        default:
            break
        }
        guard d.count >= 2, d[0].lowercased() == "subscriptions" else { return s.display }
        var out = "sub:" + (subscriptions[AzureID.guidKey(d[1])] ?? d[1])
        var i = 2
        if d.count >= 4, d[2].lowercased() == "resourcegroups" {
            out += "/rg:" + d[3]
            i = 4
        }
        // `providers/<Namespace>/<type>/<name>[/<type>/<name>...]`: keep type/name pairs.
        while i < d.count {
            if d[i].lowercased() == "providers", i + 1 < d.count {
                i += 2
                continue
            }
            out += "/" + d[i]
            i += 1
        }
        return out
    }
}
