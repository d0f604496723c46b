import Foundation
import ScopedownCore

/// A short, obviously-correct transcription of REFERENCE.md §2: no indexes, linear scans, sets
/// recomputed on every call. The real `Evaluator` is checked against it on random tenants.
public struct ReferenceEvaluator {
    public struct Result: Equatable, CustomStringConvertible {
        public var outcome: AccessOutcome
        public var conditional: Bool
        /// Assignment ids whose role grants the operation (before denies).
        public var granting: Set<String>
        public init(outcome: AccessOutcome, conditional: Bool, granting: Set<String>) {
            self.outcome = outcome
            self.conditional = conditional
            self.granting = granting
        }
        public var description: String { "\(outcome) conditional=\(conditional) granting=\(granting.sorted())" }
    }

    public let snapshot: AuthorizationSnapshot
    public let includeEligible: Bool

    public init(snapshot: AuthorizationSnapshot, includeEligible: Bool = false) {
        self.snapshot = snapshot
        self.includeEligible = includeEligible
    }

    /// §2.8: the groups a principal belongs to, transitively (fixed point; cycles terminate).
    public func groups(of principal: String) -> Set<String> {
        var result = Set<String>()
        var changed = true
        while changed {
            changed = false
            for m in snapshot.memberships where m.groupID != m.memberID {
                if (m.memberID == principal || result.contains(m.memberID)) && !result.contains(m.groupID) {
                    result.insert(m.groupID)
                    changed = true
                }
            }
        }
        result.remove(principal)
        return result
    }

    /// §2.7: scope, parent resources, RG, subscription, MG chain, `/` (as keys).
    public func ancestors(of scope: Scope) -> [String] {
        var chain: [String] = []
        var s: Scope? = scope
        var top = scope
        while let c = s { chain.append(c.key); top = c; s = c.lexicalParent }
        var mg: String?
        if top.level == .subscription {
            mg = snapshot.subscriptions.first { $0.id == top.subscriptionID }?.managementGroupID
        } else if top.level == .managementGroup, let name = top.managementGroupName?.lowercased() {
            mg = snapshot.managementGroups.first { $0.id == name }?.parentID
            if mg == name { mg = nil }
        }
        var seen = Set<String>()
        while let m = mg, !seen.contains(m) {
            seen.insert(m)
            chain.append("/providers/microsoft.management/managementgroups/" + m)
            let parent = snapshot.managementGroups.first { $0.id == m }?.parentID
            mg = parent == m ? nil : parent
        }
        if top.level != .root { chain.append("/") }
        return chain
    }

    /// §2.2: case-insensitive, `*` matches any run of characters including `/`, whole string.
    public static func matches(_ pattern: String, _ op: String) -> Bool {
        let p = Array(pattern.trimmingCharacters(in: .whitespaces).lowercased().utf8)
        let s = Array(op.trimmingCharacters(in: .whitespaces).lowercased().utf8)
        // Classic dynamic programming over (pattern, string) prefixes, one row at a time:
        // row[j] == the pattern's first i bytes match the string's first j bytes.
        var row = [Bool](repeating: false, count: s.count + 1)
        row[0] = true
        for c in p {
            var next = [Bool](repeating: false, count: s.count + 1)
            for j in 0...s.count {
                if c == UInt8(ascii: "*") {
                    next[j] = row[j] || (j > 0 && next[j - 1])
                } else if j > 0 {
                    next[j] = row[j - 1] && c == s[j - 1]
                }
            }
            row = next
        }
        return row[s.count]
    }

    /// §2.6: the `ActionMatches{'X'}` patterns of a condition; nil when it has none (the whole
    /// block is then conditional).
    public static func conditionPatterns(_ condition: String) -> [String]? {
        var out: [String] = []
        var rest = Substring(condition)
        while let r = rest.range(of: "ActionMatches{", options: .caseInsensitive) {
            let after = rest[r.upperBound...]
            let body = after.prefix { $0 != "}" }
            let parts = body.split(separator: "'", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() where i % 2 == 1 && !part.isEmpty { out.append(String(part)) }
            rest = after.dropFirst(body.count)
        }
        return out.isEmpty ? nil : out
    }

    public func decide(principal rawPrincipal: String, operation: String, plane: Plane, scope: Scope) -> Result {
        let principal = AzureID.guidKey(rawPrincipal)
        let ids = groups(of: principal).union([principal])
        let chain = ancestors(of: scope)

        // §0.1 / §0.2: union over assignments and blocks of (actions − notActions), plane by plane.
        var granting = Set<String>()
        var unconditional = false
        for a in snapshot.roleAssignments {
            guard ids.contains(a.principalID), chain.contains(a.scope.key) else { continue }
            guard a.state == .active || includeEligible else { continue }
            guard let role = snapshot.roleDefinitions.first(where: { $0.id == a.roleDefinitionID }) else { continue }
            for block in role.permissions {
                let allow = plane == .control ? block.actions : block.dataActions
                let not = plane == .control ? block.notActions : block.notDataActions
                guard allow.contains(where: { Self.matches($0, operation) }),
                      !not.contains(where: { Self.matches($0, operation) }) else { continue }
                granting.insert(a.id)
                var conditional = a.condition != nil
                if let c = block.condition, !c.trimmingCharacters(in: .whitespaces).isEmpty {
                    if let pats = Self.conditionPatterns(c) {
                        if pats.contains(where: { Self.matches($0, operation) }) { conditional = true }
                    } else {
                        conditional = true
                    }
                }
                if !conditional { unconditional = true }
            }
        }

        // §2.5: deny assignments at the scope or an ancestor.
        var blocked = false, maybeBlocked = false
        for d in snapshot.denyAssignments {
            guard let depth = chain.firstIndex(of: d.scope.key) else { continue }
            if depth > 0 && d.doNotApplyToChildScopes { continue }
            guard d.principals.contains(where: { $0.id == AzureID.everyone || ids.contains($0.id) }) else { continue }
            if d.excludePrincipals.contains(where: { ids.contains($0.id) }) { continue }
            if d.effect.lowercased() == "audit" { continue }
            for block in d.permissions {
                let deny = plane == .control ? block.actions : block.dataActions
                let except = plane == .control ? block.notActions : block.notDataActions
                guard deny.contains(where: { Self.matches($0, operation) }),
                      !except.contains(where: { Self.matches($0, operation) }) else { continue }
                if d.condition != nil || block.condition != nil { maybeBlocked = true } else { blocked = true }
            }
        }

        if blocked { return Result(outcome: .denied, conditional: false, granting: granting) }
        if granting.isEmpty { return Result(outcome: .notGranted, conditional: false, granting: granting) }
        return Result(outcome: .allowed, conditional: !unconditional || maybeBlocked, granting: granting)
    }
}

/// Seeded random tenants for differential tests: MG trees, nested groups with cycles, wildcard
/// roles with NotActions, multi-block roles, denies with exclusions, everyone, doNotApplyToChildScopes
/// and audit, eligible and conditional assignments.
public struct RandomTenant {
    public var snapshot: AuthorizationSnapshot
    public var principals: [String]
    public var operations: [String]
    public var scopes: [Scope]

    static let providers = ["Microsoft.Alpha", "Microsoft.Beta", "Contoso.Gamma"]
    static let types = ["things", "things/parts", "widgets", "widgets/parts/bolts"]
    static let verbs = ["read", "write", "delete", "action", "listKeys/action", "Read"]

    public static func make(seed: UInt64) -> RandomTenant {
        var rng = SeededGenerator(seed: seed)
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func guid(_ prefix: Int, _ n: Int) -> String {
            let h = String(n, radix: 16)
            return String(format: "%08lx", prefix) + "-0000-4000-8000-" + String(repeating: "0", count: 12 - h.count) + h
        }
        func randomCase(_ s: String) -> String {
            String(s.map { chance(0.2) ? Character($0.isUppercase ? $0.lowercased() : $0.uppercased()) : $0 })
        }

        // Operations universe; the catalog holds most of them, some names in both planes.
        var universe: [String] = []
        for p in providers { for t in types { for v in verbs.prefix(4) { universe.append("\(p)/\(t)/\(v)") } } }
        universe.append("Microsoft.Alpha/things/listKeys/action")
        universe.append("Microsoft.Beta/widgets/Read")
        var ops: [CatalogOperation] = []
        for name in universe where chance(0.85) {
            let data = chance(0.3)
            ops.append(CatalogOperation(name: name, isDataAction: data))
            if chance(0.1) { ops.append(CatalogOperation(name: randomCase(name), isDataAction: !data)) }
        }

        // Management groups: a tree (sometimes with an unknown parent) under the tenant root group.
        let root = guid(0xAAAA, 1)
        var mgs = [ManagementGroup(name: root, displayName: "Tenant Root Group", parentName: nil)]
        for i in 0..<Int.random(in: 0...5, using: &rng) {
            let parent = chance(0.05) ? "ghost-mg" : pick(mgs).name
            mgs.append(ManagementGroup(name: "mg-\(i)", displayName: "MG \(i)", parentName: parent))
        }
        // Bad data: sometimes a cycle in the management-group tree.
        if mgs.count > 2, chance(0.1) { mgs[1].parentID = mgs[mgs.count - 1].id }
        var subs: [Subscription] = []
        for i in 0..<Int.random(in: 1...3, using: &rng) {
            subs.append(Subscription(id: guid(0x5B5B, i), displayName: "sub \(i)",
                                     managementGroupID: chance(0.85) ? pick(mgs).name : nil))
        }
        var scopes: [Scope] = [.root] + mgs.map(\.scope) + subs.map(\.scope)
        for s in subs {
            for r in 0..<Int.random(in: 0...2, using: &rng) {
                let rg = "\(s.scope.display)/resourceGroups/rg-\(r)"
                scopes.append(Scope(rg))
                let res = "\(rg)/providers/Microsoft.Alpha/things/t\(r)"
                scopes.append(Scope(res))
                scopes.append(Scope("\(res)/parts/p1"))
                // An extension resource on a resource.
                scopes.append(Scope("\(res)/providers/Microsoft.Insights/diagnosticSettings/d\(r)"))
            }
        }
        // An extension resource on a management group; a subscription the hierarchy does not know.
        if mgs.count > 1 { scopes.append(Scope(mgs[1].scope.display + "/providers/Microsoft.Insights/diagnosticSettings/mgd")) }
        scopes.append(Scope("/subscriptions/\(guid(0x5C5C, 9))"))
        // Query scopes also include spellings in other cases and deeper children.
        var queryScopes = scopes
        for s in scopes where s.level == .resource { queryScopes.append(Scope(s.display.uppercased() + "/bolts/b9")) }
        queryScopes.append(Scope("/providers/Microsoft.Management/managementGroups"))
        queryScopes.append(Scope("/providers/Contoso.Other/widgets/w1"))
        queryScopes.append(Scope("/subscriptions/\(guid(0x5C5C, 9))/resourceGroups/ghost-rg/providers/Microsoft.Alpha/things/t1"))

        // Principals: users, groups (nested, with cycles), an unknown id.
        let users = (0..<4).map { guid(0x0505, $0) }
        let groups = (0..<4).map { guid(0x0606, $0) }
        var principals: [Principal] = users.enumerated().map { Principal(id: $1, kind: .user, displayName: "user \($0)") }
        principals += groups.enumerated().map { Principal(id: $1, kind: .group, displayName: "group \($0)") }
        var memberships: [GroupMembership] = []
        for _ in 0..<Int.random(in: 0...8, using: &rng) {
            let g = pick(groups)
            let m = chance(0.5) ? pick(users) : pick(groups)
            memberships.append(GroupMembership(groupID: g, memberID: m, memberKind: users.contains(m) ? .user : .group,
                                               transitive: chance(0.2)))
        }
        let unknownPrincipal = guid(0x0707, 1)

        // Patterns: wildcards of every documented kind, literals in random case, uncatalogued names.
        func pattern() -> String {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: return "*"
            case 1: return "*/" + pick(["read", "write", "action"])
            case 2: return pick(providers) + "/*"
            case 3: return pick(providers) + "/*/" + pick(["read", "delete", "action"])
            case 4: return pick(providers) + "/" + pick(types) + "/*"
            case 5: return "Microsoft.Alpha/th*"
            case 6: return "Contoso.Gamma/unknownThing/read"
            default: return randomCase(pick(universe))
            }
        }
        func patterns(_ max: Int) -> [String] { (0..<Int.random(in: 0...max, using: &rng)).map { _ in pattern() } }
        func block(conditionChance: Double) -> PermissionBlock {
            var b = PermissionBlock(actions: patterns(3), notActions: patterns(2), dataActions: patterns(2),
                                    notDataActions: patterns(1))
            if chance(conditionChance) {
                b.condition = chance(0.7)
                    ? "((!(ActionMatches{'\(pattern())'})) OR (@Resource[x] StringEquals 'y'))"
                    : "@Resource[HasObotoken] boolequals true"
                b.conditionVersion = "2.0"
            }
            return b
        }
        var roles: [RoleDefinition] = []
        for i in 0..<Int.random(in: 1...5, using: &rng) {
            roles.append(RoleDefinition(id: guid(0x0808, i), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(guid(0x0808, i))",
                                        roleName: "role \(i)", isCustom: true,
                                        permissions: (0..<Int.random(in: 1...3, using: &rng)).map { _ in block(conditionChance: 0.15) }))
        }

        let allPrincipals = users + groups + [unknownPrincipal]
        var assignments: [RoleAssignment] = []
        for i in 0..<Int.random(in: 0...12, using: &rng) {
            let p = pick(allPrincipals)
            let role = chance(0.05) ? guid(0x0909, 9) : pick(roles).id
            assignments.append(RoleAssignment(
                id: guid(0x0A0A, i), resourceID: "ra-\(i)", scope: pick(scopes), roleDefinitionID: role, principalID: p,
                principalType: groups.contains(p) ? "Group" : "User", state: chance(0.15) ? .eligible : .active,
                condition: chance(0.15) ? "@Resource[x] StringEquals 'y'" : nil))
        }
        var denies: [DenyAssignment] = []
        for i in 0..<Int.random(in: 0...3, using: &rng) {
            var ps: [PrincipalReference] = []
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                ps.append(chance(0.3) ? PrincipalReference(id: AzureID.everyone, type: "SystemDefined")
                                      : PrincipalReference(id: pick(users + groups), type: "User"))
            }
            let ex: [PrincipalReference] = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                PrincipalReference(id: pick(users + groups), type: "User")
            }
            denies.append(DenyAssignment(
                id: guid(0x0B0B, i), resourceID: "da-\(i)", name: "deny \(i)", scope: pick(scopes),
                permissions: (0..<Int.random(in: 1...2, using: &rng)).map { _ in block(conditionChance: 0.05) },
                principals: ps, excludePrincipals: ex, doNotApplyToChildScopes: chance(0.3),
                effect: chance(0.2) ? "audit" : "enforced", condition: chance(0.1) ? "@Resource[x] StringEquals 'y'" : nil))
        }

        let snapshot = AuthorizationSnapshot(roleDefinitions: roles, roleAssignments: assignments, denyAssignments: denies,
                                             principals: principals, memberships: memberships, managementGroups: mgs,
                                             subscriptions: subs, operations: ops)
        let opNames = universe + ["Contoso.Gamma/unknownThing/read", "Microsoft.Alpha/thingamajig/read"]
        return RandomTenant(snapshot: snapshot, principals: allPrincipals, operations: opNames, scopes: queryScopes)
    }
}

/// Writes a snapshot (and the query that disagreed) as JSON, for a fixture.
public enum SnapshotJSON {
    public static func object(_ s: AuthorizationSnapshot, query: [String: Any] = [:]) -> [String: Any] {
        func block(_ b: PermissionBlock) -> [String: Any] {
            ["actions": b.actions, "notActions": b.notActions, "dataActions": b.dataActions,
             "notDataActions": b.notDataActions, "condition": b.condition ?? NSNull()] as [String: Any]
        }
        return [
            "query": query,
            "roleDefinitions": s.roleDefinitions.map { ["id": $0.id, "roleName": $0.roleName, "permissions": $0.permissions.map(block)] },
            "roleAssignments": s.roleAssignments.map {
                ["id": $0.id, "scope": $0.scope.display, "roleDefinitionId": $0.roleDefinitionID, "principalId": $0.principalID,
                 "state": $0.state.rawValue, "condition": $0.condition ?? NSNull()] as [String: Any]
            },
            "denyAssignments": s.denyAssignments.map {
                ["id": $0.id, "scope": $0.scope.display, "permissions": $0.permissions.map(block),
                 "principals": $0.principals.map(\.id), "excludePrincipals": $0.excludePrincipals.map(\.id),
                 "doNotApplyToChildScopes": $0.doNotApplyToChildScopes, "effect": $0.effect,
                 "condition": $0.condition ?? NSNull()] as [String: Any]
            },
            "memberships": s.memberships.map { ["groupId": $0.groupID, "memberId": $0.memberID, "transitive": $0.transitive] as [String: Any] },
            "managementGroups": s.managementGroups.map { ["name": $0.name, "parent": $0.parentID ?? NSNull()] as [String: Any] },
            "subscriptions": s.subscriptions.map { ["id": $0.id, "managementGroup": $0.managementGroupID ?? NSNull()] as [String: Any] },
            "operations": s.operations.map { ["name": $0.name, "isDataAction": $0.isDataAction] as [String: Any] },
        ]
    }

    public static func data(_ s: AuthorizationSnapshot, query: [String: Any] = [:]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object(s, query: query), options: [.prettyPrinted, .sortedKeys])
    }
}

extension SnapshotJSON {
    /// Reads back what `data(_:query:)` wrote (differential fixtures become regression tests).
    public static func load(_ data: Data) throws -> (snapshot: AuthorizationSnapshot, query: [String: Any]) {
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RealAzureData.LoadError.shape("fixture is not a JSON object")
        }
        func list(_ k: String) -> [[String: Any]] { o[k] as? [[String: Any]] ?? [] }
        func str(_ d: [String: Any], _ k: String) -> String { d[k] as? String ?? "" }
        func opt(_ d: [String: Any], _ k: String) -> String? { d[k] as? String }
        func block(_ b: [String: Any]) -> PermissionBlock {
            PermissionBlock(actions: b["actions"] as? [String] ?? [], notActions: b["notActions"] as? [String] ?? [],
                            dataActions: b["dataActions"] as? [String] ?? [],
                            notDataActions: b["notDataActions"] as? [String] ?? [], condition: opt(b, "condition"))
        }
        let snapshot = AuthorizationSnapshot(
            roleDefinitions: list("roleDefinitions").map {
                RoleDefinition(id: str($0, "id"), resourceID: str($0, "id"), roleName: str($0, "roleName"), isCustom: true,
                               permissions: ($0["permissions"] as? [[String: Any]] ?? []).map(block))
            },
            roleAssignments: list("roleAssignments").map {
                RoleAssignment(id: str($0, "id"), resourceID: str($0, "id"), scope: Scope(str($0, "scope")),
                               roleDefinitionID: str($0, "roleDefinitionId"), principalID: str($0, "principalId"),
                               principalType: "User", state: AssignmentState(rawValue: str($0, "state")) ?? .active,
                               condition: opt($0, "condition"))
            },
            denyAssignments: list("denyAssignments").map {
                DenyAssignment(id: str($0, "id"), resourceID: str($0, "id"), name: str($0, "id"), scope: Scope(str($0, "scope")),
                               permissions: ($0["permissions"] as? [[String: Any]] ?? []).map(block),
                               principals: ($0["principals"] as? [String] ?? []).map { PrincipalReference(id: $0, type: "User") },
                               excludePrincipals: ($0["excludePrincipals"] as? [String] ?? []).map { PrincipalReference(id: $0, type: "User") },
                               doNotApplyToChildScopes: $0["doNotApplyToChildScopes"] as? Bool ?? false,
                               effect: opt($0, "effect") ?? "enforced", condition: opt($0, "condition"))
            },
            memberships: list("memberships").map {
                GroupMembership(groupID: str($0, "groupId"), memberID: str($0, "memberId"), transitive: $0["transitive"] as? Bool ?? false)
            },
            managementGroups: list("managementGroups").map {
                ManagementGroup(name: str($0, "name"), displayName: str($0, "name"), parentName: opt($0, "parent"))
            },
            subscriptions: list("subscriptions").map {
                Subscription(id: str($0, "id"), displayName: str($0, "id"), managementGroupID: opt($0, "managementGroup"))
            },
            operations: list("operations").map { CatalogOperation(name: str($0, "name"), isDataAction: $0["isDataAction"] as? Bool ?? false) })
        return (snapshot, o["query"] as? [String: Any] ?? [:])
    }
}
