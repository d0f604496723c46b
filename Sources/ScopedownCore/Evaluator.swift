import Dispatch

// CONTRACT (owned by the evaluator work; the Activity Log work attributes usage through
// `grantingAssignments`).

/// Control plane (`actions`) or data plane (`dataActions`), REFERENCE.md §2.4.
public enum Plane: String, Hashable, Sendable, Codable {
    case control, data
}

public struct EvaluationOptions: Hashable, Sendable {
    /// Count PIM-eligible assignments as granting (`--include-eligible`), REFERENCE.md §2.9.
    public var includeEligible: Bool
    public init(includeEligible: Bool = false) {
        self.includeEligible = includeEligible
    }
}

/// One way a principal holds an operation: an assignment, its role, where it is inherited from and
/// through which groups.
public struct GrantPath: Hashable, Sendable, Codable {
    public var assignmentID: String
    public var roleID: String
    public var roleName: String
    /// The assignment's scope (display spelling).
    public var scope: String
    /// Group ids from the principal outward (empty for a direct assignment).
    public var via: [String]
    public var conditional: Bool
    public var state: AssignmentState

    public init(assignmentID: String, roleID: String, roleName: String, scope: String, via: [String],
                conditional: Bool, state: AssignmentState) {
        self.assignmentID = assignmentID
        self.roleID = roleID
        self.roleName = roleName
        self.scope = scope
        self.via = via
        self.conditional = conditional
        self.state = state
    }
}

/// A permission block compiled once: patterns parsed, and the operations its role-definition
/// condition covers (REFERENCE.md §2.6).
struct CompiledBlock: Sendable {
    let actions: [ActionPattern]
    let notActions: [ActionPattern]
    let dataActions: [ActionPattern]
    let notDataActions: [ActionPattern]
    let hasCondition: Bool
    /// The `ActionMatches{'...'}` patterns of the condition; empty with a condition means the
    /// condition could not be parsed and covers the whole block.
    let conditionActions: [ActionPattern]

    init(_ b: PermissionBlock) {
        actions = b.actions.map(ActionPattern.init)
        notActions = b.notActions.map(ActionPattern.init)
        dataActions = b.dataActions.map(ActionPattern.init)
        notDataActions = b.notDataActions.map(ActionPattern.init)
        let cond = (b.condition?.trimmingSpaces().isEmpty ?? true) ? nil : b.condition
        hasCondition = cond != nil
        conditionActions = cond.map(CompiledBlock.actionMatches) ?? []
    }

    func grants(_ plane: Plane) -> [ActionPattern] { plane == .control ? actions : dataActions }
    func removes(_ plane: Plane) -> [ActionPattern] { plane == .control ? notActions : notDataActions }

    /// REFERENCE.md §2.6: an operation matched by an `ActionMatches{X}` clause of the condition is
    /// granted only when the condition holds; others are granted unconditionally. A condition
    /// without a recognizable clause makes the whole block conditional.
    func conditionCovers(_ op: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hasCondition else { return false }
        if conditionActions.isEmpty { return true }
        return conditionActions.contains { $0.matches(lowercased: op) }
    }

    /// The quoted strings of every `ActionMatches{'a' , 'b'}` clause in a condition expression.
    static func actionMatches(_ condition: String) -> [ActionPattern] {
        let bytes = Array(condition.utf8)
        let needle = Array("actionmatches{".utf8)
        var out: [ActionPattern] = []
        var i = 0
        func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }
        while i + needle.count <= bytes.count {
            var j = 0
            while j < needle.count && lower(bytes[i + j]) == needle[j] { j += 1 }
            if j < needle.count { i += 1; continue }
            // (`SubOperationMatches{` does not contain `ActionMatches{`: it is not picked up.)
            i += needle.count
            while i < bytes.count && bytes[i] != UInt8(ascii: "}") {
                if bytes[i] == UInt8(ascii: "'") {
                    var k = i + 1
                    while k < bytes.count && bytes[k] != UInt8(ascii: "'") { k += 1 }
                    if k > i + 1 { out.append(ActionPattern(String(decoding: bytes[(i + 1)..<k], as: UTF8.self))) }
                    i = k + 1
                } else {
                    i += 1
                }
            }
        }
        return out
    }
}

struct CompiledRole: Sendable {
    let id: String
    let name: String
    let blocks: [CompiledBlock]
}

/// How one permission block relates to one operation.
enum BlockMatch {
    case none
    case granted(pattern: String, conditional: Bool)
    case removed(pattern: String, notPattern: String)
}

/// A group the principal belongs to (transitively) and the path to it, from the principal outward.
struct GroupHop: Sendable {
    let group: String
    let via: [String]
}

/// Indexed, exact evaluator over an immutable snapshot (REFERENCE.md §2). Build it once per
/// snapshot; every query is read-only, so one evaluator can be shared across threads.
public final class Evaluator: Sendable {
    public let snapshot: AuthorizationSnapshot
    public let options: EvaluationOptions
    public let hierarchy: ScopeHierarchy
    public let operations: OperationIndex

    /// Role definitions compiled once, and their index by GUID key.
    let compiledRoles: [CompiledRole]
    let roleIndex: [String: Int]
    /// Per assignment: the index of its role in `compiledRoles` (-1: not imported) and the id of its scope.
    let assignmentRole: [Int32]
    let assignmentScope: [Int32]
    /// Per assignment: whether it grants under the options (active, or eligible with includeEligible).
    let assignmentCounts: [Bool]
    /// Scope key -> small integer id, for every scope that holds a role or deny assignment.
    let scopeIDs: [String: Int32]
    /// Management group key -> ids of its ancestors (parent first, cut at a cycle), REFERENCE.md §2.7.
    let mgAncestorIDs: [String: [Int32]]
    let rootID: Int32?
    /// Scope id -> indices into `snapshot.roleAssignments`.
    let assignmentsByScope: [Int32: [Int]]
    /// Principal key -> indices into `snapshot.roleAssignments`.
    let assignmentsByPrincipal: [String: [Int]]
    /// Scope id -> indices into `snapshot.denyAssignments`.
    let denyByScope: [Int32: [Int]]
    let denyBlocks: [[CompiledBlock]]
    /// Member -> the groups it belongs to directly (or per a transitive export), sorted.
    let memberOfGroups: [String: [String]]
    /// Group -> direct members (from direct and transitive membership edges), sorted.
    let members: [String: [String]]
    /// Member kinds known from membership edges.
    let memberKinds: [String: PrincipalKind]
    let principalsByID: [String: Principal]
    /// Literal (wildcard-free) names in role definitions that the catalog lacks in that plane, as
    /// (lower-cased key, first spelling), sorted (REFERENCE.md §1.1.3).
    let roleOnlyControl: [([UInt8], String)]
    let roleOnlyData: [([UInt8], String)]

    /// The part of the index that does not depend on the role assignments (catalog, compiled
    /// roles, denies, directory, membership graph), built ahead of them: e.g. while the store is
    /// still reading the assignments (`Store.loadEvaluationSnapshot(overlapping:)`).
    public struct Preparation: Sendable {
        fileprivate let part: RolePart
        /// What the part was built from, to check it belongs to the snapshot it is used with.
        fileprivate let source: Source

        fileprivate struct Source: Equatable, Sendable {
            let roleDefinitions: [RoleDefinition]
            let operations: [CatalogOperation]
            let denyAssignments: [DenyAssignment]
            let principals: [Principal]
            let memberships: [GroupMembership]
            init(_ s: AuthorizationSnapshot) {
                roleDefinitions = s.roleDefinitions
                operations = s.operations
                denyAssignments = s.denyAssignments
                principals = s.principals
                memberships = s.memberships
            }
        }

        /// Built from a snapshot whose role assignments may be missing.
        public init(snapshot: AuthorizationSnapshot) {
            part = RolePart(snapshot)
            source = Source(snapshot)
        }
    }

    /// An evaluator whose assignment-independent index was built ahead (`Preparation`). A
    /// preparation made from other roles, catalog, denies or directory is ignored (rebuilt).
    public convenience init(snapshot: AuthorizationSnapshot, options: EvaluationOptions = EvaluationOptions(),
                            preparation: Preparation) {
        self.init(snapshot: snapshot, options: options, prepared: preparation)
    }

    public convenience init(snapshot: AuthorizationSnapshot, options: EvaluationOptions = EvaluationOptions()) {
        self.init(snapshot: snapshot, options: options, prepared: nil)
    }

    private init(snapshot: AuthorizationSnapshot, options: EvaluationOptions, prepared: Preparation?) {
        self.snapshot = snapshot
        self.options = options
        // The index is built in three independent parts, two of them on other threads (100k
        // assignments: hashing their keys is most of the cost): (1) here, the scope index of the
        // assignments; (2) the principal index of the assignments; (3) the catalog, the compiled
        // roles, the directory and the membership graph. Each part is the same sequential code as
        // before, so the result does not depend on the scheduling.
        let principalPart = Slot<[String: [Int]]>(), rolePart = Slot<RolePart>()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { principalPart.value = Evaluator.principalIndex(snapshot) }
        if let prepared, prepared.source == Preparation.Source(snapshot) {
            rolePart.value = prepared.part
        } else {
            DispatchQueue.global().async(group: group) { rolePart.value = RolePart(snapshot) }
        }

        let h = ScopeHierarchy(managementGroups: snapshot.managementGroups, subscriptions: snapshot.subscriptions)
        hierarchy = h
        // Role index as `RolePart` numbers the roles: first occurrence of each id.
        var roleIndex: [String: Int] = [:]
        for r in snapshot.roleDefinitions where roleIndex[r.id] == nil { roleIndex[r.id] = roleIndex.count }
        self.roleIndex = roleIndex

        var byScope: [Int32: [Int]] = [:]
        var scopeIDs: [String: Int32] = [:]
        let n = snapshot.roleAssignments.count
        var aRole: [Int32] = [], aScope: [Int32] = [], aCounts: [Bool] = []
        aRole.reserveCapacity(n)
        aScope.reserveCapacity(n)
        aCounts.reserveCapacity(n)
        func intern(_ key: String) -> Int32 {
            if let x = scopeIDs[key] { return x }
            let x = Int32(scopeIDs.count)
            scopeIDs[key] = x
            return x
        }
        // Field by field through the buffer: no copy of each assignment.
        snapshot.roleAssignments.withUnsafeBufferPointer { list in
            for i in list.indices {
                let sid = intern(list[i].scope.key)
                byScope[sid, default: []].append(i)
                aScope.append(sid)
                aRole.append(roleIndex[list[i].roleDefinitionID].map(Int32.init) ?? -1)
                aCounts.append(list[i].state == .active || options.includeEligible)
            }
        }
        var dByScope: [Int32: [Int]] = [:]
        for (i, d) in snapshot.denyAssignments.enumerated() { dByScope[intern(d.scope.key), default: []].append(i) }
        denyByScope = dByScope
        self.scopeIDs = scopeIDs
        rootID = scopeIDs["/"]
        // Each management group's ancestors, in the order and with the cycle cut of
        // `ScopeHierarchy.ancestors(of:)`.
        var mgChains: [String: [Int32]] = [:]
        for m in Set(h.mgParent.keys).union(h.mgParent.values).union(h.subscriptionParent.values) {
            var ids: [Int32] = []
            var seen = Set<String>()
            var cur: String? = m
            while let c = cur, seen.insert(c).inserted {
                if let id = scopeIDs["/providers/microsoft.management/managementgroups/" + (h.mgName[c] ?? c).lowercased()] { ids.append(id) }
                cur = h.mgParent[c]
            }
            mgChains[m] = ids
        }
        mgAncestorIDs = mgChains
        assignmentCounts = aCounts
        assignmentRole = aRole
        assignmentScope = aScope
        assignmentsByScope = byScope

        group.wait()
        let roles = rolePart.value ?? RolePart(snapshot)
        assignmentsByPrincipal = principalPart.value ?? Evaluator.principalIndex(snapshot)
        operations = roles.operations
        compiledRoles = roles.compiled
        roleOnlyControl = roles.roleOnlyControl
        roleOnlyData = roles.roleOnlyData
        denyBlocks = roles.denyBlocks
        principalsByID = roles.principalsByID
        memberOfGroups = roles.memberOfGroups
        members = roles.members
        memberKinds = roles.memberKinds
    }

    /// Principal key -> indices of its assignments, ascending.
    private static func principalIndex(_ snapshot: AuthorizationSnapshot) -> [String: [Int]] {
        var byPrincipal: [String: [Int]] = [:]
        snapshot.roleAssignments.withUnsafeBufferPointer { list in
            for i in list.indices { byPrincipal[list[i].principalID, default: []].append(i) }
        }
        return byPrincipal
    }

    /// A value computed on another thread during `init`.
    private final class Slot<T>: @unchecked Sendable {
        var value: T?
    }

    /// The parts of the index that do not depend on the assignments.
    fileprivate struct RolePart: Sendable {
        let operations: OperationIndex
        let compiled: [CompiledRole]
        let roleOnlyControl: [([UInt8], String)]
        let roleOnlyData: [([UInt8], String)]
        let denyBlocks: [[CompiledBlock]]
        let principalsByID: [String: Principal]
        let memberOfGroups: [String: [String]]
        let members: [String: [String]]
        let memberKinds: [String: PrincipalKind]

        init(_ snapshot: AuthorizationSnapshot) {
            let ops = OperationIndex(operations: snapshot.operations)
            operations = ops
            var compiled: [CompiledRole] = [], seen = Set<String>()
            for r in snapshot.roleDefinitions where seen.insert(r.id).inserted {
                compiled.append(CompiledRole(id: r.id, name: r.roleName, blocks: r.permissions.map(CompiledBlock.init)))
            }
            self.compiled = compiled
            var onlyC: [String: String] = [:], onlyD: [String: String] = [:]
            for role in compiled {
                for block in role.blocks {
                    for p in block.actions where !p.hasWildcard && onlyC[AzureID.operationKey(p.text)] == nil
                        && !ops.contains(p.text, plane: .control) {
                        onlyC[AzureID.operationKey(p.text)] = p.text.trimmingSpaces()
                    }
                    for p in block.dataActions where !p.hasWildcard && onlyD[AzureID.operationKey(p.text)] == nil
                        && !ops.contains(p.text, plane: .data) {
                        onlyD[AzureID.operationKey(p.text)] = p.text.trimmingSpaces()
                    }
                }
            }
            roleOnlyControl = onlyC.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }
            roleOnlyData = onlyD.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }

            denyBlocks = snapshot.denyAssignments.map { $0.permissions.map(CompiledBlock.init) }

            var p: [String: Principal] = [:]
            for x in snapshot.principals where p[x.id] == nil { p[x.id] = x }
            principalsByID = p

            // Membership graph. Edges from `transitiveMembers` exports are already flattened; edges
            // from direct exports are followed transitively here. Cycles are cut by the visited set.
            var memberOf: [String: Set<String>] = [:], mem: [String: Set<String>] = [:]
            var kinds: [String: PrincipalKind] = [:]
            for e in snapshot.memberships where e.groupID != e.memberID {
                memberOf[e.memberID, default: []].insert(e.groupID)
                mem[e.groupID, default: []].insert(e.memberID)
                if e.memberKind != .unknown, kinds[e.memberID] == nil { kinds[e.memberID] = e.memberKind }
                if kinds[e.groupID] == nil { kinds[e.groupID] = .group }
            }
            memberOfGroups = memberOf.mapValues { $0.sorted() }
            members = mem.mapValues { $0.sorted() }
            memberKinds = kinds
        }
    }

    // MARK: - Building blocks

    /// The principal and each group it belongs to transitively, with the via path.
    /// REFERENCE.md §2.8: group membership is transitive. Breadth-first from the principal, so each
    /// group comes with its shortest path (ties broken by group id); cycles are cut by the visited set.
    func identities(of principal: String) -> [GroupHop] {
        var hops = [GroupHop(group: principal, via: [])]
        guard memberOfGroups[principal] != nil else { return hops }
        var seen: Set<String> = [principal]
        var level = 0, end = 1
        while level < end {
            for i in level..<end {
                for g in memberOfGroups[hops[i].group] ?? [] where seen.insert(g).inserted {
                    hops.append(GroupHop(group: g, via: hops[i].via + [g]))
                }
            }
            level = end
            end = hops.count
        }
        return hops
    }

    func counts(_ a: RoleAssignment) -> Bool { a.state == .active || options.includeEligible }

    /// REFERENCE.md §0.1, §2.3: per block, (actions − notActions) or (dataActions − notDataActions)
    /// in the operation's plane only (§2.4). `op` is lower-cased.
    static func match(_ block: CompiledBlock, op: UnsafeBufferPointer<UInt8>, plane: Plane) -> BlockMatch {
        guard let hit = block.grants(plane).first(where: { $0.matches(lowercased: op) }) else { return .none }
        if let not = block.removes(plane).first(where: { $0.matches(lowercased: op) }) {
            return .removed(pattern: hit.text, notPattern: not.text)
        }
        return .granted(pattern: hit.text, conditional: block.conditionCovers(op))
    }

    /// The operation's display spelling, whether it is catalogued, and its plane when not given.
    public func resolveOperation(_ name: String, plane: Plane?) -> (name: String, plane: Plane, catalogued: Bool) {
        let trimmed = name.trimmingSpaces()
        if let plane {
            let s = operations.spelling(of: trimmed, plane: plane)
            return (s ?? trimmed, plane, s != nil)
        }
        // Inferred: control unless the catalog knows it only as a data operation (REFERENCE.md §1.2).
        if let s = operations.spelling(of: trimmed, plane: .control) { return (s, .control, true) }
        if let s = operations.spelling(of: trimmed, plane: .data) { return (s, .data, true) }
        return (trimmed, .control, false)
    }

    // MARK: - Grants (no denies)

    /// The ids of the scope and its ancestors that hold role or deny assignments, nearest first,
    /// without duplicates: the chain of `ScopeHierarchy.ancestors(of:)` (REFERENCE.md §2.7:
    /// resource → parent resources → resource group → subscription → MG chain → `/`), computed on
    /// the key's segments without building a `Scope` per level (hot path of attribution).
    public func ancestorIDs(of scope: Scope) -> [Int32] {
        let key = scope.key
        let segs = key.split(separator: "/", omittingEmptySubsequences: true)
        var out: [Int32] = []
        func add(_ n: Int) {
            let k = n == 0 ? "/" : String(key[key.startIndex..<segs[n - 1].endIndex])
            if let id = scopeIDs[k], !out.contains(id) { out.append(id) }
        }
        // Mirrors `Scope.level` on the first n segments.
        func level(_ n: Int) -> Scope.Level {
            if n == 0 { return .root }
            if (n == 3 || n == 4), segs[0] == "providers", segs[1] == "microsoft.management", segs[2] == "managementgroups" {
                return .managementGroup
            }
            if segs[0] == "subscriptions" {
                if n <= 2 { return .subscription }
                if n <= 4, segs[2] == "resourcegroups" { return .resourceGroup }
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
                if let p = segs[0..<n].lastIndex(of: "providers") {
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
        case .subscription: if n >= 2 { mg = hierarchy.subscriptionParent[String(segs[1])] }
        case .managementGroup: if n == 4 { mg = hierarchy.mgParent[String(segs[3])] }
        default: break
        }
        if let m = mg {
            for id in mgAncestorIDs[m] ?? [] where !out.contains(id) { out.append(id) }
        }
        if n != 0, let r = rootID, !out.contains(r) { out.append(r) }
        return out
    }

    /// A prepared operation: what every role does with it, computed once (REFERENCE.md §2.3, §2.4,
    /// §2.6). Use it for many `grantingAssignments(principal:scope:query:)` calls on one operation.
    public func prepare(operation: String, plane: Plane = .control) -> OperationQuery {
        var memo = RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count)
        for r in compiledRoles.indices { _ = memo.state(r, compiledRoles) }
        return OperationQuery(memo: memo)
    }

    /// The assignments of `principal` (direct or through its groups, transitively) at `scope` or an
    /// ancestor whose role grants `operation` on `plane` (NotActions subtracted per block). Deny
    /// assignments are not applied: this answers "which assignments could have authorized it".
    /// Sorted by assignment id.
    public func grantingAssignments(principal: String, operation: String, scope: Scope,
                                    plane: Plane = .control) -> [GrantPath] {
        var memo = RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count)
        return granting(principal: AzureID.guidKey(principal), scope: scope, memo: &memo)
    }

    /// A query on `operation` whose roles are matched lazily, on first use, by
    /// `grantingAssignmentIndices(identities:ancestors:query:)` (which memoizes in it).
    public func lazyQuery(operation: String, plane: Plane = .control) -> OperationQuery {
        OperationQuery(memo: RoleMemo(operation: operation, plane: plane, roleCount: compiledRoles.count))
    }

    /// The principal (GUID key) and each group it belongs to transitively (REFERENCE.md §2.8), in
    /// the order `grantingAssignments` visits them: compute once per principal for many queries.
    public func identityKeys(of principal: String) -> [String] {
        identities(of: AzureID.guidKey(principal)).map(\.group)
    }

    /// Attribution hot path: the indices into `snapshot.roleAssignments` of exactly the assignments
    /// `grantingAssignments(principal:scope:query:)` returns, for `identities = identityKeys(of:)`
    /// and `ancestors = ancestorIDs(of: scope)`, without building paths (order unspecified, no
    /// duplicates). Role checks missing from `query` are done and memoized in it.
    public func grantingAssignmentIndices(identities: [String], ancestors: [Int32], query: inout OperationQuery) -> [Int] {
        if ancestors.isEmpty { return [] }
        var out: [Int] = []
        for g in identities {
            guard let list = assignmentsByPrincipal[g] else { continue }
            for ai in list {
                let r = Int(assignmentRole[ai])
                guard r >= 0, assignmentCounts[ai], ancestors.contains(assignmentScope[ai]) else { continue }
                let st = query.memo.state(r, compiledRoles)
                guard st == RoleMemo.granted || st == RoleMemo.grantedConditionally else { continue }
                out.append(ai)
            }
        }
        return out
    }

    /// Whether `grantingAssignmentIndices(identities:ancestors:query:)` would return the assignment
    /// at `index`: the same test on one assignment, for callers that know which ones they ask about.
    public func assignmentGrants(_ index: Int, identities: [String], ancestors: [Int32], query: inout OperationQuery) -> Bool {
        let r = Int(assignmentRole[index])
        guard r >= 0, assignmentCounts[index], ancestors.contains(assignmentScope[index]),
              identities.contains(snapshot.roleAssignments[index].principalID) else { return false }
        let st = query.memo.state(r, compiledRoles)
        return st == RoleMemo.granted || st == RoleMemo.grantedConditionally
    }

    /// Whether a deny assignment sits at one of `ancestors` (ids from `ancestorIDs(of:)`).
    public func hasDenyAssignment(atAnyOf ancestors: [Int32]) -> Bool {
        ancestors.contains { denyByScope[$0] != nil }
    }

    /// `grantingAssignments` for a prepared operation (the role checks are already done).
    public func grantingAssignments(principal: String, scope: Scope, query: OperationQuery) -> [GrantPath] {
        var memo = query.memo
        return granting(principal: AzureID.guidKey(principal), scope: scope, memo: &memo)
    }

    func granting(principal p: String, scope: Scope, memo: inout RoleMemo) -> [GrantPath] {
        let ids = ancestorIDs(of: scope)
        if ids.isEmpty { return [] }
        var out: [GrantPath] = []
        for id in identities(of: p) {
            guard let list = assignmentsByPrincipal[id.group] else { continue }
            for ai in list {
                let r = Int(assignmentRole[ai])
                guard r >= 0, assignmentCounts[ai], ids.contains(assignmentScope[ai]) else { continue }
                let st = memo.state(r, compiledRoles)
                guard st == RoleMemo.granted || st == RoleMemo.grantedConditionally else { continue }
                let a = snapshot.roleAssignments[ai]
                out.append(path(a, via: id.via, conditional: a.isConditional || st == RoleMemo.grantedConditionally))
            }
        }
        return out.sorted { $0.assignmentID < $1.assignmentID }
    }

    /// Every assignment that applies to `principal` at `scope`: its own or a group's (transitively),
    /// at the scope or an ancestor (REFERENCE.md §0.2, §2.7, §2.8), whatever its role grants.
    /// Eligible ones only with `includeEligible`. `roleName` is empty when the role is unknown.
    public func applicableAssignments(principal: String, scope: Scope) -> [GrantPath] {
        let p = AzureID.guidKey(principal)
        let ids = ancestorIDs(of: scope)
        var out: [GrantPath] = []
        for id in identities(of: p) {
            for ai in assignmentsByPrincipal[id.group] ?? [] where ids.contains(assignmentScope[ai]) {
                let a = snapshot.roleAssignments[ai]
                guard counts(a) else { continue }
                out.append(path(a, via: id.via))
            }
        }
        return out.sorted { $0.assignmentID < $1.assignmentID }
    }

    func roleName(_ roleID: String) -> String { roleIndex[roleID].map { compiledRoles[$0].name } ?? "" }

    func path(_ a: RoleAssignment, via: [String], conditional: Bool? = nil) -> GrantPath {
        GrantPath(assignmentID: a.id, roleID: a.roleDefinitionID, roleName: roleName(a.roleDefinitionID),
                  scope: a.scope.display, via: via, conditional: conditional ?? a.isConditional, state: a.state)
    }

    // MARK: - Decisions

    /// The full decision with every reason (REFERENCE.md §2.1).
    /// `plane` nil: inferred (control unless the catalog knows the name only as a data operation).
    public func decide(principal: String, operation: String, scope: Scope, plane: Plane? = nil) -> AccessDecision {
        let (opName, opPlane, catalogued) = resolveOperation(operation, plane: plane)
        var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
        return decide(principal: AzureID.guidKey(principal), memo: &memo, catalogued: catalogued, scope: scope,
                      ids: ancestorIDs(of: scope))
    }

    /// `decide` with the operation's role memo and the scope's ancestors computed once (who-can and
    /// blast-radius call it for many principals).
    func decide(principal p: String, memo: inout RoleMemo, catalogued: Bool, scope: Scope,
                ids: [Int32]) -> AccessDecision {
        let opPlane = memo.plane
        let identities = identities(of: p)
        var grants: [GrantDetail] = []
        var removals: [NotActionRemoval] = []
        var unknown: [String] = []
        var denies: [DenyMatch] = []
        var eligible: [GrantPath] = []

        memo.key.withUnsafeBufferPointer { opBuf in
            // Role assignments of the principal and its groups at the scope or an ancestor (§0.2).
            for id in identities {
                for ai in assignmentsByPrincipal[id.group] ?? [] where ids.contains(assignmentScope[ai]) {
                    let a = snapshot.roleAssignments[ai]
                    let r = Int(assignmentRole[ai])
                    guard counts(a) else {
                        let st = r >= 0 ? memo.state(r, compiledRoles) : RoleMemo.none
                        if st == RoleMemo.granted || st == RoleMemo.grantedConditionally {
                            eligible.append(path(a, via: id.via, conditional: a.isConditional || st == RoleMemo.grantedConditionally))
                        }
                        continue
                    }
                    guard r >= 0 else { unknown.append(a.id); continue }
                    if memo.state(r, compiledRoles) == RoleMemo.none { continue }
                    let role = compiledRoles[r]
                    let inherited = a.scope.key != scope.key
                    for (bi, block) in role.blocks.enumerated() {
                        switch Evaluator.match(block, op: opBuf, plane: opPlane) {
                        case .none: break
                        case .granted(let pattern, let roleCond):
                            var sources: [String] = []
                            if a.isConditional { sources.append("assignment condition") }
                            if roleCond { sources.append("role condition") }
                            grants.append(GrantDetail(path: path(a, via: id.via, conditional: !sources.isEmpty),
                                                      blockIndex: bi, pattern: pattern, inherited: inherited,
                                                      conditionSources: sources))
                        case .removed(let pattern, let notPattern):
                            removals.append(NotActionRemoval(path: path(a, via: id.via), blockIndex: bi,
                                                             pattern: pattern, notPattern: notPattern))
                        }
                    }
                }
            }
            // Deny assignments at the scope or an ancestor (§2.5).
            let selfID = scopeIDs[scope.key]
            for sid in ids {
                for di in denyByScope[sid] ?? [] {
                    if let m = denyMatch(di, identities: identities, op: opBuf, plane: opPlane, inherited: sid != selfID) {
                        denies.append(m)
                    }
                }
            }
        }

        grants.sort { ($0.path.assignmentID, $0.blockIndex) < ($1.path.assignmentID, $1.blockIndex) }
        removals.sort { ($0.path.assignmentID, $0.blockIndex) < ($1.path.assignmentID, $1.blockIndex) }
        denies.sort { ($0.denyID, $0.scope.lowercased()) < ($1.denyID, $1.scope.lowercased()) }
        let blocking = denies.contains { $0.status.isBlocking }
        let maybeDenied = denies.contains { $0.status == .conditional }
        let outcome: AccessOutcome = blocking ? .denied : (grants.isEmpty ? .notGranted : .allowed)
        var conditional = false
        if outcome == .allowed {
            // Conditional unless some path grants unconditionally; a conditional deny may still block.
            conditional = !grants.contains { $0.conditionSources.isEmpty } || maybeDenied
        }
        return AccessDecision(principal: p, operation: memo.operation, plane: opPlane, catalogued: catalogued, scope: scope,
                              outcome: outcome, conditional: conditional, grants: grants,
                              notActionRemovals: removals, denies: denies,
                              unknownRoleAssignments: Array(Set(unknown)).sorted(),
                              eligibleGrants: eligible.sorted { $0.assignmentID < $1.assignmentID })
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

    // MARK: - Effective permissions

    /// The catalog operations `principal` holds at `scope` (the `effective` command, REFERENCE.md §0.2).
    public func effective(principal: String, scope: Scope) -> EffectiveAccess {
        let p = AzureID.guidKey(principal)
        let scopeChain = ancestorIDs(of: scope)
        let ids = identities(of: p)
        let grants = applicableAssignments(principal: p, scope: scope)
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
        var blocking: [(Int, Bool)] = []
        let selfID = scopeIDs[scope.key]
        for sid in scopeChain {
            for di in denyByScope[sid] ?? [] { blocking.append((di, sid != selfID)) }
        }
        var actions: [String] = [], dataActions: [String] = [], denied: [String] = []
        var outside: [UncataloguedOperation] = []
        for plane in [Plane.control, .data] {
            let list = operations.entries(plane)
            var names: [String] = []
            func isDenied(_ key: [UInt8]) -> Bool {
                key.withUnsafeBufferPointer { buf in
                    blocking.contains { di, inh in
                        denyMatch(di, identities: ids, op: buf, plane: plane, inherited: inh)?.status.isBlocking ?? false
                    }
                }
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

    // MARK: - Who can

    /// The principals and groups that effectively hold `operation` at `scope` (the `who-can` command).
    public func whoCan(operation: String, scope: Scope, plane: Plane? = nil) -> WhoCanResult {
        let (opName, opPlane, catalogued) = resolveOperation(operation, plane: plane)
        var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
        let ids = ancestorIDs(of: scope)
        // Holders: principals of the assignments at the scope or an ancestor whose role grants the
        // operation; each role's patterns are tested once against this ONE operation.
        var holders = Set<String>()
        var assignmentKind: [String: PrincipalKind] = [:]
        for sid in ids {
            for ai in assignmentsByScope[sid] ?? [] {
                let r = Int(assignmentRole[ai])
                guard r >= 0 else { continue }
                let a = snapshot.roleAssignments[ai]
                guard counts(a) else { continue }
                let st = memo.state(r, compiledRoles)
                if st == RoleMemo.granted || st == RoleMemo.grantedConditionally {
                    holders.insert(a.principalID)
                    if assignmentKind[a.principalID] == nil { assignmentKind[a.principalID] = PrincipalKind.from(a.principalType) }
                }
            }
        }
        // Everyone inside a holding group, transitively (cycle-safe).
        var candidates = holders
        var stack = Array(holders)
        while let g = stack.popLast() {
            for m in members[g] ?? [] where candidates.insert(m).inserted { stack.append(m) }
        }
        var principals: [WhoCanResult.Holder] = [], groups: [WhoCanResult.Holder] = []
        for id in candidates.sorted() {
            let d = decide(principal: id, memo: &memo, catalogued: catalogued, scope: scope, ids: ids)
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
        if let k = memberKinds[id] { return k }
        if members[id] != nil { return .group }
        return assignmentKind ?? .unknown
    }

    public func principal(_ id: String) -> Principal? { principalsByID[AzureID.guidKey(id)] }

    // MARK: - Blast radius

    public struct BlastScope: Hashable, Sendable {
        public var scope: Scope
        /// The assignments held at exactly this scope (own or via groups).
        public var assignments: [GrantPath]
        /// The risky operations held here (allowed), with whether only conditionally.
        public var risky: [RiskHolding]
        /// For a management group (or `/`): the subscriptions below it, transitively, sorted.
        public var subscriptions: [String] = []
    }

    public struct RiskHolding: Hashable, Sendable {
        public var operation: RiskyOperation
        public var conditional: Bool
        /// False when the imported catalog lacks the operation (it is evaluated by name, §1.1.3).
        public var catalogued: Bool = true
        /// The assignments that grant it here: held at this scope or inherited from an ancestor
        /// (REFERENCE.md §2.7), sorted by assignment id.
        public var grants: [GrantPath] = []
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

    /// Every scope where `principal` holds an assignment (its own or a group's), with the
    /// high-risk operations it effectively holds there (`RiskCatalog`). Sorted by scope.
    public func blastRadius(principal: String, risks: [RiskyOperation] = RiskCatalog.operations) -> [BlastScope] {
        let p = AzureID.guidKey(principal)
        var byScope: [Scope: [GrantPath]] = [:]
        for id in identities(of: p) {
            for ai in assignmentsByPrincipal[id.group] ?? [] {
                let a = snapshot.roleAssignments[ai]
                guard counts(a) else { continue }
                byScope[a.scope, default: []].append(path(a, via: id.via))
            }
        }
        let scopes = byScope.keys.sorted()
        let chainIDs = scopes.map { ancestorIDs(of: $0) }
        let identities = identities(of: p)
        var risky: [[RiskHolding]] = Array(repeating: [], count: scopes.count)
        for r in risks {
            let (opName, opPlane, catalogued) = resolveOperation(r.name, plane: r.plane)
            var memo = RoleMemo(operation: opName, plane: opPlane, roleCount: compiledRoles.count)
            // The principal's assignments (any scope) whose role grants the operation.
            var grants: [(scope: Int32, conditional: Bool, assignment: Int, via: [String])] = []
            for id in identities {
                for ai in assignmentsByPrincipal[id.group] ?? [] {
                    let ri = Int(assignmentRole[ai])
                    guard ri >= 0, counts(snapshot.roleAssignments[ai]) else { continue }
                    let st = memo.state(ri, compiledRoles)
                    if st == RoleMemo.granted || st == RoleMemo.grantedConditionally {
                        grants.append((assignmentScope[ai], st == RoleMemo.grantedConditionally || snapshot.roleAssignments[ai].isConditional,
                                       ai, id.via))
                    }
                }
            }
            if grants.isEmpty { continue }
            for (i, ids) in chainIDs.enumerated() {
                let here = grants.filter { ids.contains($0.scope) }
                if here.isEmpty { continue }
                // Denies (§2.5) only where some apply along the chain.
                var blocked = false, maybe = false
                memo.key.withUnsafeBufferPointer { op in
                    let selfID = scopeIDs[scopes[i].key]
                    for sid in ids {
                        for di in denyByScope[sid] ?? [] {
                            guard let m = denyMatch(di, identities: identities, op: op, plane: opPlane, inherited: sid != selfID) else { continue }
                            if m.status.isBlocking { blocked = true }
                            if m.status == .conditional { maybe = true }
                        }
                    }
                }
                if blocked { continue }
                // Each granting assignment once (the shortest group path first found).
                var granting: [String: GrantPath] = [:]
                for g in here where granting[snapshot.roleAssignments[g.assignment].id] == nil {
                    let a = snapshot.roleAssignments[g.assignment]
                    granting[a.id] = path(a, via: g.via, conditional: g.conditional)
                }
                risky[i].append(RiskHolding(operation: r, conditional: !here.contains { !$0.conditional } || maybe,
                                            catalogued: catalogued,
                                            grants: granting.values.sorted { $0.assignmentID < $1.assignmentID }))
            }
        }
        return scopes.enumerated().map { i, s in
            BlastScope(scope: s, assignments: (byScope[s] ?? []).sorted { $0.assignmentID < $1.assignmentID }, risky: risky[i],
                       subscriptions: subscriptions(below: s))
        }
    }
}
