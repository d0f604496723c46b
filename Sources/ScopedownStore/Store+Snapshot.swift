import Dispatch
import ScopedownCore
import ScopedownSQLite

extension Store {
    /// The snapshot the evaluator needs, loaded faster than `loadSnapshot()` for the query commands
    /// (`effective`, `who-can`): the role assignments are read on a second thread through a second,
    /// read-only connection while this one reads the other tables, and only the fields the
    /// evaluator and those commands read are loaded. Left empty: assignments' `resourceID` (""),
    /// `conditionVersion`, `description`, audit and PIM window fields; role definitions'
    /// `resourceID`, `description`, `assignableScopes`, `createdOn`, `updatedOn`; principals'
    /// `userType`, `appID`, `mail`, `accountEnabled`; subscription tags; `resources`; and the
    /// catalog's `displayName`, `description`, `provider`, `resourceType`, `knownByRoleOnly`.
    /// Everything else (lists, order, ids, scopes, permissions, denies, memberships) is as
    /// `loadSnapshot()` returns it.
    public func loadEvaluationSnapshot() throws -> AuthorizationSnapshot {
        try loadEvaluationSnapshot(overlapping: { _ in () }).snapshot
    }

    /// `loadEvaluationSnapshot()`, running `body` on the calling thread on everything but the role
    /// assignments (their list is empty there) while those are still being read on the other
    /// thread: e.g. `Evaluator.Preparation.init`, so the index build overlaps the load.
    public func loadEvaluationSnapshot<T>(overlapping body: (AuthorizationSnapshot) throws -> T) throws
        -> (snapshot: AuthorizationSnapshot, overlapped: T) {
        // this connection's read lock is held before the other connection starts: both read one state
        try reading { try loadEvaluationSnapshotReading(overlapping: body) }
    }

    private func loadEvaluationSnapshotReading<T>(overlapping body: (AuthorizationSnapshot) throws -> T) throws
        -> (snapshot: AuthorizationSnapshot, overlapped: T) {
        let box = AssignmentsBox(), done = DispatchSemaphore(value: 0), path = self.path
        DispatchQueue.global().async {
            box.result = Result {
                let other = try Connection(path: path, mode: .readOnly)
                return try SnapshotLoader(db: other, evaluationOnly: true).assignments()
            }
            done.signal()
        }
        let rest = Result { () throws -> (AuthorizationSnapshot, T) in
            let partial = try SnapshotLoader(db: db, evaluationOnly: true).loadAllButAssignments()
            return (partial, try body(partial))
        }
        done.wait()
        var (snap, overlapped) = try rest.get()
        switch box.result {
        case .success(let list)?: snap.roleAssignments = list
        case .failure(let e)?: throw e
        case nil: snap.roleAssignments = try SnapshotLoader(db: db, evaluationOnly: true).assignments()
        }
        return (snap, overlapped)
    }
}

/// The role assignments read on the other thread of `loadEvaluationSnapshot`.
private final class AssignmentsBox: @unchecked Sendable {
    var result: Result<[RoleAssignment], Error>?
}

/// Loads an `AuthorizationSnapshot`: one query per table through prepared statements, child rows
/// grouped in memory, every list sorted by key so the snapshot is deterministic.
struct SnapshotLoader {
    let db: Connection
    /// Evaluation snapshot (`Store.loadEvaluationSnapshot()`): only the fields the evaluator and the
    /// query commands read are loaded; the others are left empty (see there).
    var evaluationOnly = false

    func load() throws -> AuthorizationSnapshot {
        var snap = try loadAllButAssignments()
        snap.roleAssignments = try assignments()
        return snap
    }

    /// Role assignments (active and eligible), sorted by (id, state) with active first.
    ///
    /// Rows are read in table order (`ORDER BY id, state` walks the primary-key index and fetches
    /// every row at random from the table, twice as slow on 100k assignments), but each row is
    /// placed directly at its rank, read first from the primary key's index (a covering scan of
    /// rowids in (id, state) order): no sort and no copy of the structs. Both reads run in one
    /// savepoint, so they see the same rows.
    func assignments() throws -> [RoleAssignment] {
        try db.execute("SAVEPOINT snapshot_assignments")
        defer { try? db.execute("RELEASE snapshot_assignments") }
        var rowids: [Int64] = []
        try db.query("SELECT rowid FROM role_assignments ORDER BY id, state") { rowids.append($0.int64(0)) }
        let n = rowids.count
        // rowid -> rank: a flat table when the rowids are dense (the usual case), else a dictionary.
        var maxRowid: Int64 = 0, minRowid: Int64 = 0
        for r in rowids { maxRowid = max(maxRowid, r); minRowid = min(minRowid, r) }
        var flat: [Int32] = []
        var sparse: [Int64: Int32] = [:]
        let dense = minRowid >= 0 && maxRowid <= Int64(n) * 4 + 1024
        if dense {
            flat = Array(repeating: -1, count: Int(maxRowid) + 1)
            for (i, r) in rowids.enumerated() { flat[Int(r)] = Int32(i) }
        } else {
            sparse.reserveCapacity(n)
            for (i, r) in rowids.enumerated() { sparse[r] = Int32(i) }
        }
        func rank(_ rowid: Int64) -> Int {
            if dense { return rowid >= 0 && rowid < Int64(flat.count) ? Int(flat[Int(rowid)]) : -1 }
            return sparse[rowid].map(Int.init) ?? -1
        }

        var scopes = ScopeCache()
        let evaluationOnly = self.evaluationOnly
        let sql = "SELECT rowid, \(evaluationOnly ? Rows.evaluationAssignmentColumns : Rows.assignmentColumns) FROM role_assignments"
        var failure: Error?
        var consistent = true
        let placed = Array<RoleAssignment>(unsafeUninitializedCapacity: n) { buf, initialized in
            initialized = 0
            guard let base = buf.baseAddress else { consistent = n == 0; return }
            var filled = [Bool](repeating: false, count: n)
            var count = 0
            do {
                try db.query(sql) { s in
                    let r = rank(s.int64(0))
                    guard consistent, r >= 0, r < n, !filled[r] else { consistent = false; return }
                    let a = evaluationOnly ? Rows.evaluationAssignment(s, scopes: &scopes, offset: 1)
                                           : Rows.assignment(s, scopes: &scopes, offset: 1)
                    (base + r).initialize(to: a)
                    filled[r] = true
                    count += 1
                }
            } catch {
                failure = error
            }
            if failure != nil || !consistent || count != n {
                // Never leave a partly initialized array: drop what was placed.
                for i in 0..<n where filled[i] { _ = (base + i).move() }
                initialized = 0
                consistent = false
            } else {
                initialized = n
            }
        }
        if let failure { throw failure }
        // The index orders ids by bytes; Swift's `<` agrees on every ASCII id. Sort by Swift's order
        // when the rows disagree with the index (non-ASCII ids) or changed under us.
        if consistent && placed.indices.dropFirst().allSatisfy({ Self.inOrder(placed[$0 - 1], placed[$0]) }) {
            return placed
        }
        var loaded: [RoleAssignment] = []
        try db.query("SELECT \(evaluationOnly ? Rows.evaluationAssignmentColumns : Rows.assignmentColumns) FROM role_assignments") {
            loaded.append(evaluationOnly ? Rows.evaluationAssignment($0, scopes: &scopes) : Rows.assignment($0, scopes: &scopes))
        }
        // Sort indices, then permute once: moving the large structs through a merge sort costs more.
        let ids = loaded.map(\.id), eligible = loaded.map { $0.state == .eligible }
        let order = loaded.indices.sorted { i, j in ids[i] != ids[j] ? ids[i] < ids[j] : (!eligible[i] && eligible[j]) }
        return order.map { loaded[$0] }
    }

    /// The snapshot's order of assignments: by id, active before eligible.
    static func inOrder(_ a: RoleAssignment, _ b: RoleAssignment) -> Bool {
        a.id != b.id ? a.id < b.id : (a.state == .active && b.state == .eligible)
    }

    /// Everything but the role assignments.
    func loadAllButAssignments() throws -> AuthorizationSnapshot {
        var scopes = ScopeCache()
        var snap = AuthorizationSnapshot()

        // Role definitions.
        let roleBlocks = try blocks(blockTable: "role_permission_blocks", patternTable: "role_permission_patterns", owner: "role_id")
        var assignable: [String: [Scope]] = [:]
        if !evaluationOnly { try db.query("SELECT role_id, scope FROM role_assignable_scopes ORDER BY role_id, ordinal") {
            assignable[$0.string(0), default: []].append(scopes.scope($0.string(1)))
        } }
        try db.query(evaluationOnly ? """
            SELECT id, '', role_name, '', is_custom, NULL, NULL FROM role_definitions ORDER BY id
            """ : """
            SELECT id, resource_id, role_name, description, is_custom, created_on, updated_on
              FROM role_definitions ORDER BY id
            """) { s in
            let id = s.string(0)
            snap.roleDefinitions.append(RoleDefinition(
                id: id, resourceID: s.string(1), roleName: s.string(2), description: s.string(3), isCustom: s.bool(4),
                permissions: roleBlocks[id] ?? [], assignableScopes: assignable[id] ?? [],
                createdOn: s.optionalString(5), updatedOn: s.optionalString(6)))
        }

        // Deny assignments.
        let denyBlocks = try blocks(blockTable: "deny_permission_blocks", patternTable: "deny_permission_patterns", owner: "deny_id")
        var included: [String: [PrincipalReference]] = [:], excluded: [String: [PrincipalReference]] = [:]
        try db.query("SELECT deny_id, excluded, principal_id, principal_type FROM deny_principals ORDER BY deny_id, excluded, ordinal") { s in
            let ref = PrincipalReference(id: s.string(2), type: s.string(3))
            if s.bool(1) { excluded[s.string(0), default: []].append(ref) } else { included[s.string(0), default: []].append(ref) }
        }
        try db.query("""
            SELECT id, resource_id, name, description, scope, do_not_apply_to_child_scopes, is_system_protected,
                   effect, condition
              FROM deny_assignments ORDER BY id
            """) { s in
            let id = s.string(0)
            snap.denyAssignments.append(DenyAssignment(
                id: id, resourceID: s.string(1), name: s.string(2), description: s.string(3),
                scope: scopes.scope(s.string(4)), permissions: denyBlocks[id] ?? [],
                principals: included[id] ?? [], excludePrincipals: excluded[id] ?? [],
                doNotApplyToChildScopes: s.bool(5), isSystemProtected: s.bool(6), effect: s.string(7),
                condition: s.optionalString(8)))
        }

        // Directory.
        try db.query("SELECT \(evaluationOnly ? Rows.evaluationPrincipalColumns : Rows.principalColumns) FROM principals ORDER BY id") {
            snap.principals.append(Rows.principal($0))
        }
        try db.query("SELECT group_id, member_id, member_kind, transitive FROM group_memberships ORDER BY group_id, member_id, transitive") { s in
            snap.memberships.append(GroupMembership(groupID: s.string(0), memberID: s.string(1),
                                                    memberKind: PrincipalKind(rawValue: s.string(2)) ?? .unknown,
                                                    transitive: s.bool(3)))
        }

        // Hierarchy and resources.
        try db.query("SELECT \(Rows.managementGroupColumns) FROM management_groups ORDER BY id") {
            snap.managementGroups.append(Rows.managementGroup($0))
        }
        var subTags: [String: [String: String]] = [:]
        if !evaluationOnly { try db.query("SELECT subscription_id, name, value FROM subscription_tags") {
            subTags[$0.string(0), default: [:]][$0.string(1)] = $0.string(2)
        } }
        try db.query("SELECT \(Rows.subscriptionColumns) FROM subscriptions ORDER BY id") {
            snap.subscriptions.append(Rows.subscription($0, tags: subTags[$0.string(0)] ?? [:]))
        }
        if evaluationOnly { return try catalog(snap) }
        var resTags: [String: [String: String]] = [:]
        try db.query("SELECT scope_key, name, value FROM resource_tags") {
            resTags[$0.string(0), default: [:]][$0.string(1)] = $0.string(2)
        }
        try db.query("SELECT \(Rows.resourceColumns) FROM resources ORDER BY scope_key") {
            snap.resources.append(Rows.resource($0, tags: resTags[$0.string(0)] ?? [:], scopes: &scopes))
        }

        return try catalog(snap)
    }

    /// Adds the provider operations catalog.
    private func catalog(_ partial: AuthorizationSnapshot) throws -> AuthorizationSnapshot {
        var snap = partial
        try db.query(evaluationOnly ? """
            SELECT name, is_data_action, '', '', '', NULL, 0 FROM operations ORDER BY name_key, is_data_action
            """ : """
            SELECT name, is_data_action, display_name, description, provider, resource_type, known_by_role_only
              FROM operations ORDER BY name_key, is_data_action
            """) { s in
            snap.operations.append(CatalogOperation(
                name: s.string(0), isDataAction: s.bool(1), displayName: s.string(2), description: s.string(3),
                provider: s.string(4), resourceType: s.optionalString(5), knownByRoleOnly: s.bool(6)))
        }
        return snap
    }

    /// Permission blocks by owner id, each block's lists in their stored order.
    private func blocks(blockTable: String, patternTable: String, owner: String) throws -> [String: [PermissionBlock]] {
        var result: [String: [PermissionBlock]] = [:]
        // (owner, block) -> index in result[owner]
        try db.query("SELECT \(owner), block, condition, condition_version FROM \(blockTable) ORDER BY \(owner), block") { s in
            result[s.string(0), default: []].append(PermissionBlock(condition: s.optionalString(2), conditionVersion: s.optionalString(3)))
        }
        try db.query("SELECT \(owner), block, list, pattern FROM \(patternTable) ORDER BY \(owner), block, list, ordinal") { s in
            let id = s.string(0), b = s.int(1)
            guard var list = result[id], b >= 0, b < list.count else { return }
            result[id] = nil // avoid a copy-on-write of the array while mutating
            switch s.string(2) {
            case "actions": list[b].actions.append(s.string(3))
            case "notActions": list[b].notActions.append(s.string(3))
            case "dataActions": list[b].dataActions.append(s.string(3))
            default: list[b].notDataActions.append(s.string(3))
            }
            result[id] = list
        }
        return result
    }
}
