import ScopedownCore

/// What a role grants, expanded over the operations catalog once: per plane, the union over its
/// blocks of (actions − notActions) (REFERENCE.md §2.3, §2.4), the names outside the catalog it
/// grants literally (§1.1.3), and whether some block carries a role condition (§2.6).
struct RoleSets: Sendable {
    let role: RoleDefinition
    var control: OperationBitSet
    var data: OperationBitSet
    /// Wildcard-free names outside the catalog, granted by some block (lower-cased key -> spelling).
    var literalControl: [String: String]
    var literalData: [String: String]
    let hasCondition: Bool
    /// Grants every catalog control operation through a bare `*` with nothing removed.
    let isOwnerLike: Bool
    /// Each block's patterns, parsed once: (grants, removes) per plane.
    let compiled: [(control: ([ActionPattern], [ActionPattern]), data: ([ActionPattern], [ActionPattern]))]
    /// The role lists every operation by name (`init(explicit:...)`): a name outside the catalog is
    /// granted when it is one of its literals.
    var explicitNames = false
    /// The catalog operations granted, partitioned by the pattern (block order, then pattern
    /// order) that grants each first: what kept and removed permissions are counted under.
    var grantGroups: [GrantGroup] = []

    /// Catalog operations one pattern of the role grants first: a wildcard's set, or one operation.
    struct GrantGroup: Sendable {
        let pattern: String
        let plane: Plane
        let index: Int?
        let set: OperationBitSet?
        init(pattern: String, plane: Plane, index: Int) { self.pattern = pattern; self.plane = plane; self.index = index; set = nil }
        init(pattern: String, plane: Plane, indices: OperationBitSet) { self.pattern = pattern; self.plane = plane; index = nil; set = indices }
    }

    init(_ role: RoleDefinition, _ ops: OperationIndex) {
        self.role = role
        var c = OperationBitSet(count: ops.control.count), d = OperationBitSet(count: ops.data.count)
        var lc: [String: String] = [:], ld: [String: String] = [:]
        var owner = false
        var groups: [GrantGroup] = []
        var claimedC = OperationBitSet(count: ops.control.count), claimedD = OperationBitSet(count: ops.data.count)
        for b in role.permissions {
            for plane in [Plane.control, .data] {
                let grants = (plane == .control ? b.actions : b.dataActions).map(ActionPattern.init)
                let removes = (plane == .control ? b.notActions : b.notDataActions).map(ActionPattern.init)
                var set = OperationBitSet(count: plane == .control ? ops.control.count : ops.data.count)
                var removed = OperationBitSet(count: set.count)
                for p in removes { for i in ops.resolve(p, plane: plane) { removed.insert(i) } }
                // Each operation is counted under the first pattern granting it.
                for p in grants {
                    let resolved = ops.resolve(p, plane: plane)
                    guard p.hasWildcard else {
                        for i in resolved {
                            set.insert(i)
                            guard !removed.contains(i), !(plane == .control ? claimedC : claimedD).contains(i) else { continue }
                            if plane == .control { claimedC.insert(i) } else { claimedD.insert(i) }
                            groups.append(GrantGroup(pattern: p.text.trimmingSpaces(), plane: plane, index: i))
                        }
                        continue
                    }
                    var g = OperationBitSet(count: set.count, indices: resolved)
                    set.formUnion(g)
                    g.subtract(removed)
                    g.subtract(plane == .control ? claimedC : claimedD)
                    guard !g.isEmpty else { continue }
                    if plane == .control { claimedC.formUnion(g) } else { claimedD.formUnion(g) }
                    groups.append(GrantGroup(pattern: p.text.trimmingSpaces(), plane: plane, indices: g))
                }
                set.subtract(removed)
                if plane == .control { c.formUnion(set) } else { d.formUnion(set) }
                for p in grants where !p.hasWildcard && !ops.contains(p.text, plane: plane) {
                    let key = AzureID.operationKey(p.text)
                    if removes.contains(where: { $0.matches(key) }) { continue }
                    if plane == .control { lc[key] = lc[key] ?? p.text.trimmingSpaces() } else { ld[key] = ld[key] ?? p.text.trimmingSpaces() }
                }
                if plane == .control, b.condition == nil, removes.isEmpty, grants.contains(where: { $0.text.trimmingSpaces() == "*" }) { owner = true }
            }
        }
        control = c
        data = d
        grantGroups = groups
        literalControl = lc
        literalData = ld
        compiled = role.permissions.map { b in
            ((b.actions.map(ActionPattern.init), b.notActions.map(ActionPattern.init)),
             (b.dataActions.map(ActionPattern.init), b.notDataActions.map(ActionPattern.init)))
        }
        hasCondition = role.permissions.contains { !($0.condition?.trimmingSpaces().isEmpty ?? true) }
        isOwnerLike = owner
    }

    /// A generated role that lists its operations explicitly, from its sets (no pattern to resolve).
    init(explicit role: RoleDefinition, control: OperationBitSet, data: OperationBitSet,
         literalControl: [String: String], literalData: [String: String]) {
        self.role = role
        self.control = control
        self.data = data
        self.literalControl = literalControl
        self.literalData = literalData
        hasCondition = false
        isOwnerLike = false
        compiled = []
        explicitNames = true
    }

    /// Whether the role grants `name` on `plane` (REFERENCE.md §2.3: some block matches it and
    /// that block's NotActions do not), catalogued or not.
    func grants(_ name: String, _ plane: Plane) -> Bool {
        if explicitNames {
            let k = AzureID.operationKey(name)
            return plane == .control ? literalControl[k] != nil : literalData[k] != nil
        }
        let key = Array(AzureID.operationKey(name).utf8)
        for b in compiled {
            let (grants, removes) = plane == .control ? b.control : b.data
            guard grants.contains(where: { $0.matches(lowercasedUTF8: key) }) else { continue }
            if removes.contains(where: { $0.matches(lowercasedUTF8: key) }) { continue }
            return true
        }
        return false
    }
}

extension OperationBitSet {
    func isSubset(of o: OperationBitSet) -> Bool {
        for k in words.indices where words[k] & ~o.words[k] != 0 { return false }
        return true
    }

    var cardinality: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    func subtracting(_ o: OperationBitSet) -> OperationBitSet {
        var s = self
        s.subtract(o)
        return s
    }

    func intersection(_ o: OperationBitSet) -> OperationBitSet { subtracting(subtracting(o)) }
}

/// Language algebra on action patterns (`*` matches any run of characters, `/` included,
/// case-insensitive, REFERENCE.md §2.2): what the never-more-privilege check needs beyond the
/// catalog, for names no catalog lists.
enum PatternAlgebra {
    /// Every name `p` matches, `q` matches too (sound: may answer false for exotic pairs).
    static func covers(_ q: String, _ p: String) -> Bool {
        let a = Array(AzureID.operationKey(q).utf8), b = Array(AzureID.operationKey(p).utf8)
        var memo: [Int: Bool] = [:]
        let star = UInt8(ascii: "*")
        func go(_ i: Int, _ j: Int) -> Bool {
            let k = i * (b.count + 1) + j
            if let m = memo[k] { return m }
            let r: Bool
            if i == a.count {
                r = j == b.count
            } else if a[i] == star {
                // q's star absorbs nothing, or one character (literal or star) of p
                r = go(i + 1, j) || (j < b.count && go(i, j + 1))
            } else {
                r = j < b.count && b[j] != star && a[i] == b[j] && go(i + 1, j + 1)
            }
            memo[k] = r
            return r
        }
        return go(0, 0)
    }

    /// Some name matches both patterns.
    static func intersects(_ x: String, _ y: String) -> Bool {
        let a = Array(AzureID.operationKey(x).utf8), b = Array(AzureID.operationKey(y).utf8)
        var memo: [Int: Bool] = [:]
        let star = UInt8(ascii: "*")
        func go(_ i: Int, _ j: Int) -> Bool {
            let k = i * (b.count + 1) + j
            if let m = memo[k] { return m }
            let r: Bool
            if i == a.count && j == b.count {
                r = true
            } else if i < a.count && a[i] == star {
                r = go(i + 1, j) || (j < b.count && go(i, j + 1))
            } else if j < b.count && b[j] == star {
                r = go(i, j + 1) || (i < a.count && go(i + 1, j))
            } else {
                r = i < a.count && j < b.count && a[i] == b[j] && go(i + 1, j + 1)
            }
            memo[k] = r
            return r
        }
        return go(0, 0)
    }

    /// The candidate role grants nothing, in either plane, catalogued or not, that the current
    /// role does not grant unconditionally (issue: never more privilege). Conservative.
    static func isWithin(_ candidate: RoleSets, _ current: RoleSets) -> Bool {
        if candidate.hasCondition || current.hasCondition { return false }
        guard candidate.control.isSubset(of: current.control), candidate.data.isSubset(of: current.data) else { return false }
        for (_, name) in candidate.literalControl where !current.grants(name, .control) { return false }
        for (_, name) in candidate.literalData where !current.grants(name, .data) { return false }
        // Wildcards may match names outside the catalog: each must be covered by a block of the
        // current role whose NotActions the candidate's block subtracts too.
        for b in candidate.role.permissions {
            for plane in [Plane.control, .data] {
                let grants = plane == .control ? b.actions : b.dataActions
                let removes = plane == .control ? b.notActions : b.notDataActions
                for p in grants where p.contains("*") {
                    let ok = current.role.permissions.contains { cb in
                        let cg = plane == .control ? cb.actions : cb.dataActions
                        let cr = plane == .control ? cb.notActions : cb.notDataActions
                        guard cg.contains(where: { covers($0, p) }) else { return false }
                        return cr.allSatisfy { n in !intersects(n, p) || removes.contains { covers($0, n) } }
                    }
                    if !ok { return false }
                }
            }
        }
        return true
    }
}
