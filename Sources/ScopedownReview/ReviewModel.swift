import ScopedownCore

/// One assignment as the review shows it: who, what, where, how much it was used, what the rules
/// and the recommender say, and whose decision it is.
public struct ReviewRow: Hashable, Sendable {
    public var id: String
    public var resourceID: String
    public var principal: String
    public var principalName: String?
    public var principalKind: String
    public var principalType: String
    public var role: String
    public var roleID: String
    public var scope: Scope
    public var state: AssignmentState
    public var subscriptionName: String?
    public var usage: ReviewUsage?
    public var usageClass: UsageClass
    public var findings: [ReviewFinding]
    public var recommendation: ReviewRecommendation?

    /// Whether the Activity Log can tell if the assignment is used.
    public enum UsageClass: String, Hashable, Sendable {
        /// Used for at least one logged operation.
        case used
        /// Its role grants only reads and data actions, which the Activity Log never records (REFERENCE.md §3.1).
        case unobservable
        /// Its role grants logged operations and none was used.
        case unused
    }

    /// The assignment's ARM id (as exported, or rebuilt from its scope and name).
    public var armID: String {
        resourceID.isEmpty ? (scope.key == "/" ? "" : scope.display) + "/providers/Microsoft.Authorization/roleAssignments/" + id : resourceID
    }
}

/// The people who decide: a subscription's point of contact (its contact tag), the subscriptions
/// nobody is named for, and the management-group and root assignments above every subscription.
public struct ReviewContact: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case contact, unowned, tenantWide }
    public var kind: Kind
    /// The tag value (for `contact`), or a fixed label.
    public var name: String
    /// File-name safe, unique: `[a-z0-9-]` only.
    public var slug: String
    /// Indices into `ReviewModel.rows`, in row order.
    public var rows: [Int]
    public var subscriptions: [String]
    /// Findings about this contact's subscriptions not tied to one assignment (owner counts, a
    /// missing contact tag, a principal's reach), severity first.
    public var otherFindings: [ReviewFinding] = []
    /// Every finding of the page: its assignments' and the others.
    public var findingCount: Int = 0
}

/// Everything the report, the packs and review-apply need, computed once.
public struct ReviewModel: Sendable {
    public var rows: [ReviewRow]
    public var contacts: [ReviewContact]
    public var contactTag: String
    /// Owner assignments that apply to each subscription (at it or above), by subscription display name.
    public var ownersPerSubscription: [(name: String, owners: Int)]
    /// Operations granted, summed over active assignments: observed in the Activity Log, unobservable
    /// (reads and data actions), and logged operations never used.
    public var permissions: (observed: Int, unobservable: Int, unused: Int)
    public var assignmentsByLevel: [(level: String, count: Int)]
    /// nil when the build has no rules engine.
    public var findingsAvailable: Bool
    /// Every finding, assignment-level or not.
    public var findings: [ReviewFinding]
    public var recommendationsAvailable: Bool
    public var usageWindow: (from: Int64?, to: Int64?)
    public var growth: SnapshotDiff?
    public var roles: [String: String]
    /// Principal id key -> display name.
    public var principalNames: [String: String]

    public struct Inputs: Sendable {
        public var usage: [String: ReviewUsage]
        public var usageWindow: (from: Int64?, to: Int64?)
        public var findings: [ReviewFinding]?
        public var recommendations: [ReviewRecommendation]?
        public var contactTag: String
        public var growth: SnapshotDiff?
        public init(usage: [String: ReviewUsage], usageWindow: (from: Int64?, to: Int64?) = (nil, nil), findings: [ReviewFinding]? = nil,
                    recommendations: [ReviewRecommendation]? = nil, contactTag: String = "owner", growth: SnapshotDiff? = nil) {
            self.usage = usage
            self.usageWindow = usageWindow
            self.findings = findings
            self.recommendations = recommendations
            self.contactTag = contactTag
            self.growth = growth
        }
    }

    public static func build(_ ev: Evaluator, _ inputs: Inputs) -> ReviewModel {
        let s = ev.snapshot
        var roleByID: [String: RoleDefinition] = [:]
        for r in s.roleDefinitions where roleByID[r.id] == nil { roleByID[r.id] = r }
        // Operation counts per role, computed once per role (not per assignment).
        var opCounts: [String: (writes: Int, unobservable: Int)] = [:]
        func counts(_ roleID: String) -> (writes: Int, unobservable: Int) {
            if let c = opCounts[roleID] { return c }
            guard let r = roleByID[roleID] else { return (0, 0) }
            let g = SnapshotDiff.grantedOperations(r, ev.operations)
            let reads = g.control.filter { $0.lowercased().hasSuffix("/read") }.count
            let c = (writes: g.control.count - reads, unobservable: reads + g.data.count)
            opCounts[roleID] = c
            return c
        }
        var findingsByAssignment: [String: [ReviewFinding]] = [:]
        for f in inputs.findings ?? [] { if let a = f.assignmentID { findingsByAssignment[a, default: []].append(f) } }
        var recByAssignment: [String: ReviewRecommendation] = [:]
        for r in inputs.recommendations ?? [] where recByAssignment[r.assignmentID] == nil { recByAssignment[r.assignmentID] = r }
        var subByID: [String: Subscription] = [:]
        for sub in s.subscriptions { subByID[sub.id.lowercased()] = sub }

        var rows: [ReviewRow] = []
        rows.reserveCapacity(s.roleAssignments.count)
        var observed = 0, unobservable = 0, unused = 0
        var levels: [Scope.Level: Int] = [:]
        for a in s.roleAssignments {
            let u = inputs.usage[a.id]
            let c = counts(a.roleDefinitionID)
            let cls: ReviewRow.UsageClass = (u?.uses ?? 0) > 0 ? .used : (c.writes == 0 ? .unobservable : .unused)
            if a.state == .active {
                let seen = min(u?.usedActions.count ?? 0, c.writes)
                observed += seen
                unused += c.writes - seen
                unobservable += c.unobservable
            }
            levels[a.scope.level, default: 0] += 1
            let p = ev.principal(a.principalID)
            rows.append(ReviewRow(
                id: a.id, resourceID: a.resourceID, principal: a.principalID, principalName: p?.displayName,
                principalKind: ev.kind(of: a.principalID, assignmentKind: PrincipalKind.from(a.principalType)).rawValue,
                principalType: a.principalType, role: roleByID[a.roleDefinitionID]?.roleName ?? a.roleDefinitionID, roleID: a.roleDefinitionID,
                scope: a.scope, state: a.state, subscriptionName: a.scope.subscriptionID.flatMap { subByID[$0.lowercased()]?.displayName },
                usage: u, usageClass: cls,
                findings: (findingsByAssignment[a.id] ?? []).sorted { ($0.severityRank, $0.ruleID) < ($1.severityRank, $1.ruleID) },
                recommendation: recByAssignment[a.id]))
        }
        rows.sort { ($0.scope.key, $0.role.lowercased(), $0.id) < ($1.scope.key, $1.role.lowercased(), $1.id) }

        // Points of contact: the subscription's tag (key compared without case, REFERENCE.md §1.6).
        let tagKey = inputs.contactTag.lowercased()
        func contact(of sub: Subscription?) -> String? {
            guard let sub else { return nil }
            for (k, v) in sub.tags.sorted(by: { $0.key < $1.key }) where k.lowercased() == tagKey {
                let t = v.trimmingSpaces()
                return t.isEmpty ? nil : t
            }
            return nil
        }
        var groups: [String: (kind: ReviewContact.Kind, name: String, rows: [Int], subs: Set<String>, other: [ReviewFinding])] = [:]
        func group(_ scope: Scope?) -> (key: String, kind: ReviewContact.Kind, name: String, subName: String?) {
            guard let scope, let sid = scope.subscriptionID else { return ("t", .tenantWide, "Management groups and root", nil) }
            let sub = subByID[sid.lowercased()]
            if let c = contact(of: sub) { return ("c:" + c, .contact, c, sub?.displayName ?? sid) }
            return ("u", .unowned, "No point of contact", sub?.displayName ?? sid)
        }
        for (i, r) in rows.enumerated() {
            let g = group(r.scope)
            groups[g.key, default: (g.kind, g.name, [], [], [])].rows.append(i)
            if let subName = g.subName { groups[g.key]?.subs.insert(subName) }
        }
        let rowIDs = Set(rows.map(\.id))
        for f in inputs.findings ?? [] where f.assignmentID.map({ !rowIDs.contains($0) }) ?? true {
            let g = group(f.scope.map(Scope.init))
            groups[g.key, default: (g.kind, g.name, [], [], [])].other.append(f)
        }
        // Subscriptions with no assignment still belong to their contact's page.
        for sub in s.subscriptions {
            let g = group(sub.scope)
            groups[g.key, default: (g.kind, g.name, [], [], [])].subs.insert(sub.displayName)
        }
        var contacts = groups.map { key, g in
            ReviewContact(kind: g.kind, name: g.name, slug: slug(key: key, kind: g.kind, name: g.name), rows: g.rows, subscriptions: g.subs.sorted(),
                          otherFindings: g.other.sorted { ($0.severityRank, $0.ruleID, $0.key) < ($1.severityRank, $1.ruleID, $1.key) },
                          findingCount: g.other.count + g.rows.reduce(0) { $0 + rows[$1].findings.count })
        }
        contacts.sort { a, b in
            let ra = a.kind == .contact ? 0 : (a.kind == .unowned ? 1 : 2), rb = b.kind == .contact ? 0 : (b.kind == .unowned ? 1 : 2)
            return (ra, a.name.lowercased(), a.slug) < (rb, b.name.lowercased(), b.slug)
        }

        // Owners per subscription: Owner assignments at the subscription or an ancestor (REFERENCE.md §2.7).
        var ownersAt: [String: Int] = [:]
        for a in s.roleAssignments where a.state == .active && a.roleDefinitionID == ownerRoleID { ownersAt[a.scope.key, default: 0] += 1 }
        var owners: [(String, Int)] = []
        for sub in s.subscriptions {
            var n = ownersAt[sub.scope.key] ?? 0
            for anc in ev.hierarchy.ancestors(of: sub.scope) where anc.key != sub.scope.key { n += ownersAt[anc.key] ?? 0 }
            owners.append((sub.displayName, n))
        }
        owners.sort { ($0.1, $1.0.lowercased()) > ($1.1, $0.0.lowercased()) }

        return ReviewModel(
            rows: rows, contacts: contacts, contactTag: inputs.contactTag, ownersPerSubscription: owners.map { (name: $0.0, owners: $0.1) },
            permissions: (observed, unobservable, unused),
            assignmentsByLevel: Scope.Level.allCases.map { (level: $0.name, count: levels[$0] ?? 0) },
            findingsAvailable: inputs.findings != nil, findings: inputs.findings ?? [], recommendationsAvailable: inputs.recommendations != nil,
            usageWindow: inputs.usageWindow, growth: inputs.growth,
            roles: roleByID.mapValues(\.roleName),
            principalNames: Dictionary(s.principals.map { (AzureID.guidKey($0.id), $0.displayName) }, uniquingKeysWith: { a, _ in a }))
    }

    /// `[a-z0-9-]` only, with a hash of the contact so two contacts never share a file.
    static func slug(key: String, kind: ReviewContact.Kind, name: String) -> String {
        switch kind {
        case .unowned: return "unowned"
        case .tenantWide: return "tenant-wide"
        case .contact:
            var s = ""
            for u in name.lowercased().unicodeScalars.prefix(40) {
                if (u >= "a" && u <= "z") || (u >= "0" && u <= "9") { s.unicodeScalars.append(u) }
                else if u == "@" { s += "-at-" } else if !s.hasSuffix("-") { s += "-" }
            }
            while s.hasPrefix("-") { s.removeFirst() }
            while s.hasSuffix("-") { s.removeLast() }
            return "contact-" + (s.isEmpty ? "" : s + "-") + fnv(key)
        }
    }

    /// FNV-1a 64 of the UTF-8 bytes, as 8 hex digits (stable across runs and platforms).
    static func fnv(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
