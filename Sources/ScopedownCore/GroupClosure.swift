/// A group the principal belongs to (transitively) and the path to it, from the principal outward.
struct GroupHop: Sendable {
    let group: String
    let via: [String]
}

/// The membership graph of a snapshot, built once and shared by evaluation and usage attribution.
/// REFERENCE.md §2.8: membership is transitive. Edges of `transitiveMembers` exports are already
/// flattened; edges of direct exports are followed here; cycles are cut by a visited set.
public struct GroupClosure: Sendable {
    /// Member -> the groups it belongs to directly (or per a transitive export), sorted.
    let memberOf: [String: [String]]
    /// Group -> direct members (from direct and transitive membership edges), sorted.
    let members: [String: [String]]
    /// Member kinds known from membership edges.
    let memberKinds: [String: PrincipalKind]

    public init(memberships: [GroupMembership]) {
        var memberOf: [String: Set<String>] = [:], mem: [String: Set<String>] = [:]
        var kinds: [String: PrincipalKind] = [:]
        for e in memberships where e.groupID != e.memberID {
            memberOf[e.memberID, default: []].insert(e.groupID)
            mem[e.groupID, default: []].insert(e.memberID)
            if e.memberKind != .unknown, kinds[e.memberID] == nil { kinds[e.memberID] = e.memberKind }
            if kinds[e.groupID] == nil { kinds[e.groupID] = .group }
        }
        self.memberOf = memberOf.mapValues { $0.sorted() }
        members = mem.mapValues { $0.sorted() }
        memberKinds = kinds
    }

    /// The principal and each group it belongs to transitively, with the path to it. Breadth-first
    /// from the principal, so each group comes with its shortest path (ties broken by group id).
    func hops(of principal: String) -> [GroupHop] {
        var hops = [GroupHop(group: principal, via: [])]
        guard memberOf[principal] != nil else { return hops }
        var seen: Set<String> = [principal]
        var level = 0, end = 1
        while level < end {
            for i in level..<end {
                for g in memberOf[hops[i].group] ?? [] where seen.insert(g).inserted {
                    hops.append(GroupHop(group: g, via: hops[i].via + [g]))
                }
            }
            level = end
            end = hops.count
        }
        return hops
    }

    /// The principal and every group it is in, transitively, sorted.
    public func closure(of principal: String) -> [String] {
        hops(of: principal).map(\.group).sorted()
    }

    /// `ids` and everyone inside any of them, transitively.
    public func withMembers(of ids: Set<String>) -> Set<String> {
        var out = ids
        var stack = Array(ids)
        while let g = stack.popLast() {
            for m in members[g] ?? [] where out.insert(m).inserted { stack.append(m) }
        }
        return out
    }

    /// Whether the id has members in the graph.
    func isGroup(_ id: String) -> Bool { members[id] != nil }
}

/// The groups of the principals already decided, kept by a caller that decides for the same
/// principals again and again (a rule over every subscription). Grows with the principals asked.
public struct MembershipCache: Sendable {
    var hops: [String: [GroupHop]] = [:]
    public init() {}
}
