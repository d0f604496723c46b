import Dispatch
import ScopedownCore

/// What changed between two snapshots of a tenant (`scopedown diff`): assignments added and
/// removed, role definitions whose permissions changed (as operations), principals whose effective
/// privilege grew (ranked by risk), and findings new and resolved.
public struct SnapshotDiff: Sendable {
    public struct AssignmentEntry: Hashable, Sendable {
        public var id: String
        public var resourceID: String
        public var principal: String
        public var principalName: String?
        public var principalType: String
        public var role: String
        public var roleID: String
        public var scope: String
        public var state: AssignmentState
    }

    public struct RoleChange: Hashable, Sendable {
        public var id: String
        public var name: String
        public var custom: Bool
        /// Catalog operations the role grants now and did not (sorted), per plane.
        public var addedActions: [String]
        public var removedActions: [String]
        public var addedDataActions: [String]
        public var removedDataActions: [String]
        /// Patterns as written, added to or removed from any block's four lists ("notActions: X").
        public var addedPatterns: [String]
        public var removedPatterns: [String]
        /// Active assignments of the role in the new snapshot.
        public var assignments: Int
    }

    /// Why a principal's privilege grew, most severe first.
    public enum GrowthKind: Int, Hashable, Sendable, Comparable, CaseIterable {
        case newOwner = 0, roleAssignmentWrite, secretAccess, escalationPath, newAssignment
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
        public var label: String {
            switch self {
            case .newOwner: return "new owner"
            case .roleAssignmentWrite: return "new role-assignment write"
            case .secretAccess: return "new secret access"
            case .escalationPath: return "new escalation path"
            case .newAssignment: return "new assignment"
            }
        }
        public var key: String {
            switch self {
            case .newOwner: return "newOwner"
            case .roleAssignmentWrite: return "roleAssignmentWrite"
            case .secretAccess: return "secretAccess"
            case .escalationPath: return "escalationPath"
            case .newAssignment: return "newAssignment"
            }
        }
    }

    /// What grew at one scope, of one kind: the roles newly assigned there or the risky operations
    /// newly granted there.
    public struct GrowthItem: Hashable, Sendable {
        public var kind: GrowthKind
        /// Operations (risky holdings) or role names (new owner / new assignment), sorted.
        public var what: [String]
        public var scope: String
        /// The assignments that grant it in the new snapshot.
        public var assignments: [String]
        public var conditional: Bool
    }

    public struct PrivilegeGrowth: Hashable, Sendable {
        public var principal: String
        public var principalName: String?
        public var kind: PrincipalKind
        public var items: [GrowthItem]
        public var worst: GrowthKind { items.map(\.kind).min() ?? .newAssignment }
    }

    public var addedAssignments: [AssignmentEntry] = []
    public var removedAssignments: [AssignmentEntry] = []
    public var changedRoles: [RoleChange] = []
    public var addedRoles: [AssignmentEntry.RoleRef] = []
    public var removedRoles: [AssignmentEntry.RoleRef] = []
    public var privilegeGrowth: [PrivilegeGrowth] = []
    /// nil when no findings were given (the build has no rules engine).
    public var newFindings: [ReviewFinding]?
    public var resolvedFindings: [ReviewFinding]?
}

extension SnapshotDiff.AssignmentEntry {
    public struct RoleRef: Hashable, Sendable {
        public var id: String
        public var name: String
        public var custom: Bool
    }
}

/// The Owner built-in role (REFERENCE.md §1.1: built-in role GUIDs are the same in every tenant).
let ownerRoleID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

extension SnapshotDiff {
    /// `growthKind` of each operation of `RiskCatalog`, by name.
    static let catalogKinds = Dictionary(RiskCatalog.operations.map { ($0.name, growthKind($0.name)) }, uniquingKeysWith: { a, _ in a })

    /// How a risky operation of `RiskCatalog` ranks as growth.
    static func growthKind(_ op: String) -> GrowthKind {
        let k = op.lowercased()
        if k.hasPrefix("microsoft.authorization/roleassignments/write") || k.hasPrefix("microsoft.authorization/roledefinitions/write")
            || k.hasPrefix("microsoft.authorization/elevateaccess/") {
            return .roleAssignmentWrite
        }
        if k.contains("listkeys") || k.contains("listaccountsas") || k.contains("/secrets/") || k.contains("/keys/")
            || k.contains("blobs/read") || k.contains("config/list") || k.contains("credential/action") {
            return .secretAccess
        }
        return .escalationPath
    }

    /// Compares two snapshots. `old` and `new` are evaluators over them (built once by the caller);
    /// findings, when both are given, are compared by `ReviewFinding.key`.
    public static func compute(old: Evaluator, new: Evaluator, oldFindings: [ReviewFinding]? = nil,
                               newFindings: [ReviewFinding]? = nil) -> SnapshotDiff {
        var d = SnapshotDiff()
        let o = old.snapshot, n = new.snapshot
        let oldRoles = roles(o), newRoles = roles(n)

        // Assignments, by id (REFERENCE.md §1.3: an assignment's name is its GUID; it cannot be edited in place).
        let oldIDs = Set(o.roleAssignments.map(\.id)), newIDs = Set(n.roleAssignments.map(\.id))
        func entry(_ a: RoleAssignment, _ ev: Evaluator, _ roles: [String: RoleDefinition]) -> AssignmentEntry {
            AssignmentEntry(id: a.id, resourceID: a.resourceID, principal: a.principalID,
                            principalName: ev.principal(a.principalID)?.displayName, principalType: a.principalType,
                            role: roles[a.roleDefinitionID]?.roleName ?? a.roleDefinitionID, roleID: a.roleDefinitionID,
                            scope: a.scope.display, state: a.state)
        }
        let order: (AssignmentEntry, AssignmentEntry) -> Bool = { ($0.scope.lowercased(), $0.id) < ($1.scope.lowercased(), $1.id) }
        d.addedAssignments = n.roleAssignments.filter { !oldIDs.contains($0.id) }.map { entry($0, new, newRoles) }.sorted(by: order)
        d.removedAssignments = o.roleAssignments.filter { !newIDs.contains($0.id) }.map { entry($0, old, oldRoles) }.sorted(by: order)

        // Roles: permissions compared as operations of the new catalog, and as patterns.
        let assignmentCount = Dictionary(n.roleAssignments.filter { $0.state == .active }.map { ($0.roleDefinitionID, 1) }, uniquingKeysWith: +)
        for (id, nr) in newRoles.sorted(by: { $0.key < $1.key }) {
            guard let or = oldRoles[id] else {
                d.addedRoles.append(.init(id: id, name: nr.roleName, custom: nr.isCustom))
                continue
            }
            if or.permissions == nr.permissions { continue }
            let before = grantedOperations(or, new.operations), after = grantedOperations(nr, new.operations)
            let pb = patterns(or), pa = patterns(nr)
            d.changedRoles.append(RoleChange(
                id: id, name: nr.roleName, custom: nr.isCustom,
                addedActions: after.control.subtracting(before.control).sorted(), removedActions: before.control.subtracting(after.control).sorted(),
                addedDataActions: after.data.subtracting(before.data).sorted(), removedDataActions: before.data.subtracting(after.data).sorted(),
                addedPatterns: pa.subtracting(pb).sorted(), removedPatterns: pb.subtracting(pa).sorted(),
                assignments: assignmentCount[id] ?? 0))
        }
        for (id, or) in oldRoles.sorted(by: { $0.key < $1.key }) where newRoles[id] == nil {
            d.removedRoles.append(.init(id: id, name: or.roleName, custom: or.isCustom))
        }
        d.changedRoles.sort { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }

        // Privilege growth: only principals something changed for are evaluated (no pass over everyone).
        d.privilegeGrowth = privilegeGrowth(old: old, new: new, sameRoles: sameRoles(oldRoles, newRoles))

        if let of = oldFindings, let nf = newFindings {
            let ok = Set(of.map(\.key)), nk = Set(nf.map(\.key))
            let sort: (ReviewFinding, ReviewFinding) -> Bool = { ($0.severityRank, $0.ruleID, $0.key) < ($1.severityRank, $1.ruleID, $1.key) }
            d.newFindings = nf.filter { !ok.contains($0.key) }.sorted(by: sort)
            d.resolvedFindings = of.filter { !nk.contains($0.key) }.sorted(by: sort)
        }
        return d
    }

    /// Catalog operations a role grants (each block's actions minus its own notActions, REFERENCE.md §2.3).
    static func grantedOperations(_ r: RoleDefinition, _ index: OperationIndex) -> (control: Set<String>, data: Set<String>) {
        var c = Set<String>(), dd = Set<String>()
        for b in r.permissions {
            for (plane, grants, removes) in [(Plane.control, b.actions, b.notActions), (.data, b.dataActions, b.notDataActions)] {
                var granted = Set<Int>()
                for p in grants { granted.formUnion(index.resolve(ActionPattern(p), plane: plane)) }
                for p in removes { granted.subtract(index.resolve(ActionPattern(p), plane: plane)) }
                let names = granted.map { index.entries(plane)[$0].name }
                if plane == .control { c.formUnion(names) } else { dd.formUnion(names) }
            }
        }
        return (c, dd)
    }

    static func patterns(_ r: RoleDefinition) -> Set<String> {
        var s = Set<String>()
        for b in r.permissions {
            for x in b.actions { s.insert("actions: " + x) }
            for x in b.notActions { s.insert("notActions: " + x) }
            for x in b.dataActions { s.insert("dataActions: " + x) }
            for x in b.notDataActions { s.insert("notDataActions: " + x) }
        }
        return s
    }

    /// Transitive members of each group (group ids included as members), from the membership edges.
    static func expandMembers(_ ids: Set<String>, _ s: AuthorizationSnapshot) -> Set<String> {
        var members: [String: [String]] = [:]
        for m in s.memberships { members[AzureID.guidKey(m.groupID), default: []].append(AzureID.guidKey(m.memberID)) }
        var out = Set<String>(), stack = Array(ids)
        while let x = stack.popLast() {
            guard out.insert(x).inserted else { continue }
            stack.append(contentsOf: members[x] ?? [])
        }
        return out
    }

    /// Role ids defined in both with the same permissions (the first definition of an id, as the
    /// evaluator reads them).
    static func sameRoles(_ old: [String: RoleDefinition], _ new: [String: RoleDefinition]) -> Set<String> {
        Set(new.keys.filter { id in old[id].map { $0.permissions == new[id]?.permissions } ?? false })
    }

    static func roles(_ s: AuthorizationSnapshot) -> [String: RoleDefinition] {
        Dictionary(s.roleDefinitions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// What changed between the snapshots, as privilege growth is judged from it.
    struct Changes {
        /// Per assignment of `new`: new, moved, re-conditioned, of a role that is new or whose
        /// permissions changed, or at a scope whose ancestors or deny assignments changed.
        var changed: [Bool]
        /// Principals (GUID keys) with an assignment at a scope whose ancestors or deny assignments
        /// changed: even their unchanged assignments may grant more.
        var unsettled: Set<String>

        init(old: Evaluator, new: Evaluator, sameRoles: Set<String>) {
            let o = old.snapshot, n = new.snapshot
            struct Key: Hashable {
                let id: String, state: AssignmentState, scope: String, role: String, principal: String
                let condition: String?, conditionVersion: String?
                init(_ a: RoleAssignment) {
                    (id, state, scope, role, principal) = (a.id, a.state, a.scope.key, a.roleDefinitionID, a.principalID)
                    (condition, conditionVersion) = (a.condition, a.conditionVersion)
                }
            }
            let before = Set(o.roleAssignments.map(Key.init))
            changed = n.roleAssignments.map { !(sameRoles.contains($0.roleDefinitionID) && before.contains(Key($0))) }
            unsettled = []
            if old.options != new.options {
                changed = changed.map { _ in true }
                unsettled = Set(n.roleAssignments.map(\.principalID))
                return
            }
            // A scope's decisions read its ancestors and the deny assignments on them (REFERENCE.md
            // §2.1, §2.7): where either changed, nothing held there is settled.
            let oldDenies = Set(o.denyAssignments), newDenies = Set(n.denyAssignments)
            let sameTree = old.hierarchy.mgParent == new.hierarchy.mgParent && old.hierarchy.mgName == new.hierarchy.mgName
                && old.hierarchy.subscriptionParent == new.hierarchy.subscriptionParent
            if oldDenies == newDenies && sameTree { return }
            let denyScopes = Set(oldDenies.symmetricDifference(newDenies).map(\.scope.key))
            // Whether a scope's chain differs or holds a changed deny: judged once per subscription
            // (or management group) for the part of the chain above it, and on the key's own
            // prefixes for the part below (a scope lies within each of its lexical ancestors).
            func chainHit(_ scope: Scope) -> Bool {
                let before = old.hierarchy.ancestors(of: scope).map(\.key), after = new.hierarchy.ancestors(of: scope).map(\.key)
                return before != after || before.contains(where: denyScopes.contains) || after.contains(where: denyScopes.contains)
            }
            var anchors: [String: Bool] = [:], affected: [String: Bool] = [:]
            for (i, a) in n.roleAssignments.enumerated() {
                let hit = affected[a.scope.key] ?? {
                    let top: Scope? = a.scope.subscriptionID.map { Scope("/subscriptions/" + $0) }
                        ?? (a.scope.level == .managementGroup ? a.scope : nil)
                    guard let top else { return chainHit(a.scope) }
                    let above = anchors[top.key] ?? chainHit(top)
                    anchors[top.key] = above
                    if above { return true }
                    if denyScopes.isEmpty { return false }
                    let key = a.scope.key
                    return key.indices.contains { key[$0] == "/" && denyScopes.contains(String(key[..<$0])) } || denyScopes.contains(key)
                }()
                affected[a.scope.key] = hit
                if hit {
                    changed[i] = true
                    unsettled.insert(a.principalID)
                }
            }
        }
    }

    /// `restrict` false judges every candidate on all its assignments (what the restriction to the
    /// changed ones must agree with).
    static func privilegeGrowth(old: Evaluator, new: Evaluator, sameRoles: Set<String>, restrict: Bool = true) -> [PrivilegeGrowth] {
        let o = old.snapshot, n = new.snapshot
        let changes = Changes(old: old, new: new, sameRoles: sameRoles)
        // Who may have grown: holders of changed assignments, members added to or removed from a
        // group (removal can lift a deny assignment), and the unsettled, with their groups' members.
        var seeds = changes.unsettled
        for (i, a) in n.roleAssignments.enumerated() where changes.changed[i] { seeds.insert(a.principalID) }
        let oldEdges = Set(o.memberships.map { AzureID.guidKey($0.groupID) + "|" + AzureID.guidKey($0.memberID) })
        let newEdges = Set(n.memberships.map { AzureID.guidKey($0.groupID) + "|" + AzureID.guidKey($0.memberID) })
        var left = Set<String>()
        for m in n.memberships where !oldEdges.contains(AzureID.guidKey(m.groupID) + "|" + AzureID.guidKey(m.memberID)) {
            seeds.insert(AzureID.guidKey(m.memberID))
        }
        for m in o.memberships where !newEdges.contains(AzureID.guidKey(m.groupID) + "|" + AzureID.guidKey(m.memberID)) {
            left.insert(AzureID.guidKey(m.memberID))
        }
        let candidates = expandMembers(seeds, n).union(expandMembers(left, o)).sorted()
        // A principal in the same groups in both grows only where a changed assignment sits: a
        // grant of an unchanged one, at a scope whose chain and denies are the same in both, was
        // held in `old` too, denied alike. Holding nothing unsettled, its unchanged assignments can
        // be left out altogether; else they still count on the chains of the scopes listed.
        let unsettled = expandMembers(changes.unsettled, n)

        // Each candidate is judged on its own: the list is cut in two, one half per thread, and the
        // sort below fixes the order (it is total: the principal id breaks every tie).
        final class Halves: @unchecked Sendable {
            // Each written by one iteration only; read after `concurrentPerform` returns.
            var first: [PrivilegeGrowth] = [], second: [PrivilegeGrowth] = []
        }
        let halves = Halves(), cut = (candidates.count + 1) / 2
        DispatchQueue.concurrentPerform(iterations: candidates.count > 1 ? 2 : 1) { part in
            let mine = part == 0 ? candidates[..<cut] : candidates[cut...]
            var oldCache = BlastRadiusCache(), newCache = BlastRadiusCache()
            let found = mine.compactMap { p -> PrivilegeGrowth? in
                let sameGroups = restrict && old.groups.closure(of: p) == new.groups.closure(of: p)
                let changed: ((Int) -> Bool)? = sameGroups ? { changes.changed[$0] } : nil
                let settled = !unsettled.contains(p)
                return growth(of: p, old: old, new: new, listed: settled ? nil : changed, only: settled ? changed : nil,
                              oldCache: &oldCache, newCache: &newCache)
            }
            if part == 0 { halves.first = found } else { halves.second = found }
        }
        var out = halves.first + halves.second
        // Most severe first, then the most new holdings, then by id.
        out.sort { a, b in
            if a.worst != b.worst { return a.worst < b.worst }
            let ra = a.items.reduce(0) { $0 + ($1.kind == .newAssignment ? 0 : $1.what.count) }
            let rb = b.items.reduce(0) { $0 + ($1.kind == .newAssignment ? 0 : $1.what.count) }
            if ra != rb { return ra > rb }
            return a.principal < b.principal
        }
        return out
    }

    /// What `p` holds in `new` and did not in `old`: new assignments and newly held risky operations.
    /// `listed` and `only`: as `blastRadius` takes them (the changed assignments of `Changes`);
    /// nil: every assignment.
    static func growth(of p: String, old: Evaluator, new: Evaluator, listed: ((Int) -> Bool)? = nil, only: ((Int) -> Bool)? = nil,
                       oldCache: inout BlastRadiusCache, newCache: inout BlastRadiusCache) -> PrivilegeGrowth? {
        // Before: the principal's assignments; whether it held a risk is asked only for what `after`
        // lists. After: risks only where they are granted.
        let before = old.blastRadius(principal: p, risks: [], subscriptionsBelow: false, cache: &oldCache)
        let after = new.blastRadius(principal: p, subscriptionsBelow: false, onlyWhereGranted: true, listed: listed, only: only, cache: &newCache)
        var assignmentsBefore = Set<String>()
        for b in before {
            for a in b.assignments { assignmentsBefore.insert(a.assignmentID) }
        }
        // Grouped by (kind, scope, conditional): one item lists every role or operation of it.
        var groups: [String: GrowthItem] = [:]
        func add(_ kind: GrowthKind, _ what: String, _ scope: Scope, _ assignments: [String], _ conditional: Bool) {
            let key = "\(kind.rawValue)|\(scope.key)|\(conditional)"
            var g = groups[key] ?? GrowthItem(kind: kind, what: [], scope: scope.display, assignments: [], conditional: conditional)
            g.what.append(what)
            g.assignments.append(contentsOf: assignments)
            groups[key] = g
        }
        for b in after {
            for a in b.assignments where !assignmentsBefore.contains(a.assignmentID) {
                add(a.roleID == ownerRoleID ? .newOwner : .newAssignment, a.roleName, b.scope, [a.assignmentID], a.conditional)
            }
            // Each new holding once, where it is granted (not again at every scope below it), and
            // only if `old` did not hold it there, inherited included (REFERENCE.md §2.7): a new
            // assignment below an Owner adds no privilege.
            for r in b.risky where !old.holds(principal: p, risk: r.operation, scope: b.scope, cache: &oldCache) {
                add(catalogKinds[r.operation.name] ?? growthKind(r.operation.name), r.operation.name, b.scope, r.grants.map(\.assignmentID), r.conditional)
            }
        }
        if groups.isEmpty { return nil }
        var items = groups.values.map { g -> GrowthItem in
            var g = g
            g.what = Array(Set(g.what)).sorted()
            g.assignments = Array(Set(g.assignments)).sorted()
            return g
        }
        items.sort { ($0.kind, $0.scope.lowercased(), $0.conditional ? 1 : 0) < ($1.kind, $1.scope.lowercased(), $1.conditional ? 1 : 0) }
        return PrivilegeGrowth(principal: p, principalName: new.principal(p)?.displayName, kind: new.kind(of: p), items: items)
    }
}
