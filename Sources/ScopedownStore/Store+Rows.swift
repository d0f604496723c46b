import ScopedownCore
import ScopedownSQLite

// Row <-> Core value mapping for the flat tables, shared by the writer (read-merge-write) and the
// snapshot loader. Column lists and readers are kept side by side so they cannot drift apart.

enum Rows {
    // MARK: role assignments

    static let assignmentColumns = """
        id, state, resource_id, scope, role_definition_id, principal_id, principal_type, condition,
        condition_version, description, created_on, updated_on, created_by, delegated_mi_resource_id,
        start_date_time, end_date_time
        """

    static func assignment(_ s: Statement, scopes: inout ScopeCache, offset o: Int = 0) -> RoleAssignment {
        // Stored ids are already normalized keys: build with empty ids and assign the stored keys
        // directly, skipping the initializer's normalization (the hot path of loadSnapshot).
        var a = RoleAssignment(id: "", resourceID: s.string(o + 2), scope: scopes.scope(s.string(o + 3)),
                               roleDefinitionID: "", principalID: "", principalType: s.string(o + 6),
                               state: s.string(o + 1) == "eligible" ? .eligible : .active)
        a.id = s.string(o + 0)
        a.roleDefinitionID = s.string(o + 4)
        a.principalID = s.string(o + 5)
        if !s.isNull(o + 7) { a.condition = s.string(o + 7) }
        a.conditionVersion = s.optionalString(o + 8)
        a.description = s.optionalString(o + 9)
        a.createdOn = s.optionalString(o + 10)
        a.updatedOn = s.optionalString(o + 11)
        a.createdBy = s.optionalString(o + 12)
        a.delegatedManagedIdentityResourceID = s.optionalString(o + 13)
        a.startDateTime = s.optionalString(o + 14)
        a.endDateTime = s.optionalString(o + 15)
        return a
    }

    /// The columns the evaluator reads (`Store.loadEvaluationSnapshot()`).
    static let evaluationAssignmentColumns = "id, state, scope, role_definition_id, principal_id, principal_type, condition"

    static func evaluationAssignment(_ s: Statement, scopes: inout ScopeCache, offset o: Int = 0) -> RoleAssignment {
        var a = RoleAssignment(id: "", resourceID: "", scope: scopes.scope(s.string(o + 2)),
                               roleDefinitionID: "", principalID: "", principalType: s.string(o + 5),
                               state: s.string(o + 1) == "eligible" ? .eligible : .active)
        a.id = s.string(o + 0)
        a.roleDefinitionID = s.string(o + 3)
        a.principalID = s.string(o + 4)
        if !s.isNull(o + 6) { a.condition = s.string(o + 6) }
        return a
    }

    static func assignmentValues(_ a: RoleAssignment, importID: Int64, derived: inout ScopeParts) -> [SQLiteBindable?] {
        let parts = derived.parts(of: a.scope)
        return [a.id, a.state.rawValue, a.resourceID, a.scope.key, a.scope.display, parts.subscription,
         parts.resourceGroupKey, a.roleDefinitionID, a.principalID, a.principalType, a.condition,
         a.conditionVersion, a.description, a.createdOn, a.updatedOn, a.createdBy,
         a.delegatedManagedIdentityResourceID, a.startDateTime, a.endDateTime, importID]
    }

    static let assignmentUpsert = """
        INSERT OR REPLACE INTO role_assignments(id, state, resource_id, scope_key, scope, subscription_id,
            resource_group_key, role_definition_id, principal_id, principal_type, condition, condition_version,
            description, created_on, updated_on, created_by, delegated_mi_resource_id, start_date_time,
            end_date_time, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Fields a shape does not carry (nil) keep their known value (`new` wins where both are set).
    static func coalesce(_ new: RoleAssignment, _ old: RoleAssignment) -> RoleAssignment {
        var m = new
        if m.resourceID.isEmpty { m.resourceID = old.resourceID }
        if m.principalType.isEmpty { m.principalType = old.principalType }
        m.condition = m.condition ?? old.condition
        m.conditionVersion = m.conditionVersion ?? old.conditionVersion
        m.description = nonEmpty(m.description) ?? old.description
        m.createdOn = m.createdOn ?? old.createdOn
        m.updatedOn = m.updatedOn ?? old.updatedOn
        m.createdBy = m.createdBy ?? old.createdBy
        m.delegatedManagedIdentityResourceID = m.delegatedManagedIdentityResourceID ?? old.delegatedManagedIdentityResourceID
        m.startDateTime = m.startDateTime ?? old.startDateTime
        m.endDateTime = m.endDateTime ?? old.endDateTime
        return m
    }

    // MARK: principals

    static let principalColumns = """
        id, kind, display_name, user_principal_name, user_type, app_id, service_principal_type, mail, account_enabled
        """

    /// `principalColumns` with only what the evaluator and the query commands read (the others NULL).
    static let evaluationPrincipalColumns = """
        id, kind, display_name, user_principal_name, NULL, NULL, service_principal_type, NULL, NULL
        """

    static func principal(_ s: Statement) -> Principal {
        Principal(id: s.string(0), kind: PrincipalKind(rawValue: s.string(1)) ?? .unknown, displayName: s.string(2),
                  userPrincipalName: s.optionalString(3), userType: s.optionalString(4), appID: s.optionalString(5),
                  servicePrincipalType: s.optionalString(6), mail: s.optionalString(7),
                  accountEnabled: s.isNull(8) ? nil : s.bool(8))
    }

    static let principalUpsert = """
        INSERT OR REPLACE INTO principals(id, kind, display_name, display_name_key, user_principal_name, upn_key,
            user_type, app_id, service_principal_type, mail, account_enabled, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func principalValues(_ p: Principal, importID: Int64) -> [SQLiteBindable?] {
        [p.id, p.kind.rawValue, p.displayName, p.displayName.lowercased(), p.userPrincipalName,
         p.userPrincipalName?.lowercased(), p.userType, p.appID, p.servicePrincipalType, p.mail,
         p.accountEnabled, importID]
    }

    static func coalesce(_ new: Principal, _ old: Principal) -> Principal {
        var m = new
        if m.kind == .unknown { m.kind = old.kind }
        if m.displayName.isEmpty { m.displayName = old.displayName }
        m.userPrincipalName = m.userPrincipalName ?? old.userPrincipalName
        m.userType = m.userType ?? old.userType
        m.appID = m.appID ?? old.appID
        m.servicePrincipalType = m.servicePrincipalType ?? old.servicePrincipalType
        m.mail = m.mail ?? old.mail
        m.accountEnabled = m.accountEnabled ?? old.accountEnabled
        return m
    }

    // MARK: management groups

    static let managementGroupColumns = "id, name, display_name, parent_id, tenant_id"

    static func managementGroup(_ s: Statement) -> ManagementGroup {
        ManagementGroup(name: s.string(1), displayName: s.string(2), parentName: s.optionalString(3),
                        tenantID: s.optionalString(4))
    }

    static let managementGroupUpsert = """
        INSERT OR REPLACE INTO management_groups(id, name, display_name, parent_id, tenant_id, import_id)
        VALUES (?, ?, ?, ?, ?, ?)
        """

    static func managementGroupValues(_ m: ManagementGroup, importID: Int64) -> [SQLiteBindable?] {
        [m.id, m.name, m.displayName, m.parentID, m.tenantID, importID]
    }

    static func coalesce(_ new: ManagementGroup, _ old: ManagementGroup) -> ManagementGroup {
        var m = new
        if m.displayName.isEmpty { m.displayName = old.displayName }
        m.parentID = m.parentID ?? old.parentID
        m.tenantID = m.tenantID ?? old.tenantID
        return m
    }

    // MARK: subscriptions

    static let subscriptionColumns = "id, display_name, management_group_id, state, tenant_id"

    static func subscription(_ s: Statement, tags: [String: String]) -> Subscription {
        Subscription(id: s.string(0), displayName: s.string(1), managementGroupID: s.optionalString(2),
                     state: s.optionalString(3), tenantID: s.optionalString(4), tags: tags)
    }

    static let subscriptionUpsert = """
        INSERT OR REPLACE INTO subscriptions(id, display_name, management_group_id, state, tenant_id, import_id)
        VALUES (?, ?, ?, ?, ?, ?)
        """

    static func subscriptionValues(_ s: Subscription, importID: Int64) -> [SQLiteBindable?] {
        [s.id, s.displayName, s.managementGroupID, s.state, s.tenantID, importID]
    }

    static func coalesce(_ new: Subscription, _ old: Subscription) -> Subscription {
        var m = new
        if m.displayName.isEmpty { m.displayName = old.displayName }
        m.managementGroupID = m.managementGroupID ?? old.managementGroupID
        m.state = m.state ?? old.state
        m.tenantID = m.tenantID ?? old.tenantID
        if m.tags.isEmpty { m.tags = old.tags }
        return m
    }

    // MARK: resources

    static let resourceColumns = "scope_key, scope, type, location"

    static func resource(_ s: Statement, tags: [String: String], scopes: inout ScopeCache) -> ResourceNode {
        ResourceNode(scope: scopes.scope(s.string(1)), type: s.string(2), location: s.optionalString(3), tags: tags)
    }

    static let resourceUpsert = """
        INSERT OR REPLACE INTO resources(scope_key, scope, type, location, subscription_id, resource_group_key,
            is_resource_group, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func resourceValues(_ r: ResourceNode, importID: Int64) -> [SQLiteBindable?] {
        [r.scope.key, r.scope.display, r.type, r.location, r.scope.subscriptionID, r.scope.resourceGroupScope?.key,
         r.scope.level == .resourceGroup, importID]
    }

    static func coalesce(_ new: ResourceNode, _ old: ResourceNode) -> ResourceNode {
        var m = new
        if m.type.isEmpty { m.type = old.type }
        m.location = m.location ?? old.location
        if m.tags.isEmpty { m.tags = old.tags }
        return m
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}

/// Interns `Scope` values by their stored display spelling: many rows share a scope, and parsing one
/// is the costliest part of a row.
struct ScopeCache {
    private var cache: [String: Scope] = [:]
    mutating func scope(_ display: String) -> Scope {
        if let s = cache[display] { return s }
        let s = Scope(display)
        cache[display] = s
        return s
    }
}

/// The subscription id and resource-group key derived from a scope, cached by scope key: many
/// assignments share a scope, and deriving them parses the scope string.
struct ScopeParts {
    private var cache: [String: (subscription: String?, resourceGroupKey: String?)] = [:]
    mutating func parts(of scope: Scope) -> (subscription: String?, resourceGroupKey: String?) {
        if let p = cache[scope.key] { return p }
        let p = (scope.subscriptionID, scope.resourceGroupScope?.key)
        cache[scope.key] = p
        return p
    }
}

/// A stable 64-bit FNV-1a fingerprint of canonical text (not Swift's per-process seeded Hasher).
struct Fingerprint {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325
    private var h2: UInt64 = 0x84222325_cbf29ce4

    mutating func add(_ s: String?) {
        guard let s else { byte(0x1E); byte(0x1F); return }
        for b in s.utf8 { byte(b) }
        byte(0x1F)
    }
    mutating func add(_ b: Bool) { add(b ? "1" : "0") }
    mutating func add(_ list: [String]) {
        add(String(list.count))
        for s in list { add(s) }
    }
    private mutating func byte(_ b: UInt8) {
        h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
        h2 = (h2 &+ UInt64(b)) &* 0x9E37_79B9_7F4A_7C15
        h2 ^= h2 >> 29
    }
    var hex: String {
        func x(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return x(h) + x(h2)
    }
}
