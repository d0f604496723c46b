/// An ARM scope: `/`, a management group, a subscription, a resource group, a resource, a child
/// resource or an extension resource (REFERENCE.md §1.8).
///
/// `key` is the normalized form used for every comparison (lower-case, no trailing slash, the PIM
/// form `/providers/Microsoft.Subscription/subscriptions/X` rewritten to `/subscriptions/X`,
/// REFERENCE.md §1.6); `display` keeps the spelling first seen.
public struct Scope: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let key: String
    public let display: String

    public init(_ raw: String) {
        let display = Scope.canonicalDisplay(raw)
        self.display = display
        self.key = display.lowercased()
    }

    public static let root = Scope("/")

    public var description: String { display }
    public static func == (a: Scope, b: Scope) -> Bool { a.key == b.key }
    public func hash(into h: inout Hasher) { h.combine(key) }
    public static func < (a: Scope, b: Scope) -> Bool { a.key < b.key }

    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case root = 0, managementGroup, subscription, resourceGroup, resource
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var name: String {
            switch self {
            case .root: return "root"
            case .managementGroup: return "managementGroup"
            case .subscription: return "subscription"
            case .resourceGroup: return "resourceGroup"
            case .resource: return "resource"
            }
        }
    }

    private var segments: [Substring] { key.split(separator: "/", omittingEmptySubsequences: true) }
    private var displaySegments: [Substring] { display.split(separator: "/", omittingEmptySubsequences: true) }

    public var level: Level {
        let s = segments
        if s.isEmpty { return .root }
        if s.count == 3, s[0] == "providers", s[1] == "microsoft.management", s[2] == "managementgroups" { return .managementGroup }
        if s.count == 4, s[0] == "providers", s[1] == "microsoft.management", s[2] == "managementgroups" { return .managementGroup }
        if s[0] == "subscriptions" {
            if s.count <= 2 { return .subscription }
            if s.count <= 4, s[2] == "resourcegroups" { return .resourceGroup }
            return .resource
        }
        return .resource
    }

    /// The management-group name (the MG id, not its display name) when this is an MG scope.
    public var managementGroupName: String? {
        guard level == .managementGroup else { return nil }
        let d = displaySegments
        return d.count == 4 ? String(d[3]) : nil
    }

    /// The subscription id (lower-cased key form) of a subscription, resource-group or resource scope.
    public var subscriptionID: String? {
        let s = segments
        guard s.count >= 2, s[0] == "subscriptions" else { return nil }
        return String(s[1])
    }

    /// The resource-group scope containing this scope, if any.
    public var resourceGroupScope: Scope? {
        let d = displaySegments
        guard d.count >= 4, d[0].lowercased() == "subscriptions", d[2].lowercased() == "resourcegroups" else { return nil }
        return Scope("/" + d[0..<4].joined(separator: "/"))
    }

    /// The subscription scope containing this scope, if any.
    public var subscriptionScope: Scope? {
        let d = displaySegments
        guard d.count >= 2, d[0].lowercased() == "subscriptions" else { return nil }
        return Scope("/" + d[0..<2].joined(separator: "/"))
    }

    /// The parent that the scope string alone determines: child resource → parent resource → resource
    /// group → subscription (REFERENCE.md §1.8, §2.7). A subscription's and a management group's
    /// parents come from the management-group hierarchy, which the string does not carry: this
    /// returns nil for them (and for `/`); `AuthorizationSnapshot.ancestors(of:)` adds the MG chain.
    public var lexicalParent: Scope? {
        let d = displaySegments
        let s = segments
        switch level {
        case .root, .managementGroup, .subscription:
            return nil
        case .resourceGroup:
            return Scope("/" + d[0..<2].joined(separator: "/"))
        case .resource:
            // The last `providers` segment starts the innermost provider section: `providers/{Ns}`
            // followed by type/name pairs. Dropping one pair climbs to the parent resource; dropping
            // the section (providers, Ns, type, name) climbs to the scope it extends.
            guard let p = s.lastIndex(of: "providers") else {
                // Not a provider path (unusual input): step up one pair.
                return d.count > 2 ? Scope("/" + d[0..<(d.count - 2)].joined(separator: "/")) : .root
            }
            let tail = s.count - (p + 2)
            let cut: Int
            if tail > 2 && tail % 2 == 0 { cut = s.count - 2 } else { cut = p }
            if cut <= 0 { return .root }
            return Scope("/" + d[0..<cut].joined(separator: "/"))
        }
    }

    /// Canonical display form: trimmed, single leading slash, no trailing slash, PIM subscription
    /// form rewritten (REFERENCE.md §1.6).
    static func canonicalDisplay(_ raw: String) -> String {
        if isCanonical(raw) { return raw }
        var parts = raw.trimmingSpaces().split(separator: "/", omittingEmptySubsequences: true).map { String($0).trimmingSpaces() }
        parts.removeAll { $0.isEmpty }
        if parts.count >= 4, parts[0].lowercased() == "providers", parts[1].lowercased() == "microsoft.subscription",
           parts[2].lowercased() == "subscriptions" {
            parts.removeFirst(2)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// True when `raw` is already in canonical display form (the common case: scopes read back from
    /// the store or exported by ARM), checked without allocating: a leading `/`, no empty segment,
    /// no trailing `/`, no white space, and not the PIM subscription form.
    static func isCanonical(_ raw: String) -> Bool {
        raw.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard let first = b.first, first == UInt8(ascii: "/") else { return false }
            if b.count == 1 { return true }
            if b[b.count - 1] == UInt8(ascii: "/") { return false }
            var previous: UInt8 = 0
            for c in b {
                if c == UInt8(ascii: "/") && previous == UInt8(ascii: "/") { return false }
                if c == 32 || c == 9 || c == 10 || c == 13 { return false }
                previous = c
            }
            // `/providers/Microsoft.Subscription/...` is rewritten by the slow path.
            // (`| 0x20` folds ASCII letters to lower case and leaves `/` and `.` as they are.)
            let prefix = pimSubscriptionPrefix
            if b.count >= prefix.count {
                var same = true
                for i in 0..<prefix.count where (b[i] | 0x20) != prefix[i] { same = false; break }
                if same { return false }
            }
            return true
        } ?? false
    }

    private static let pimSubscriptionPrefix = Array("/providers/microsoft.subscription/".utf8)

    /// True when `self` is `other` or lexically inside it (resource → RG → subscription). Use
    /// `AuthorizationSnapshot.isAncestor` for management groups.
    public func isLexicallyWithin(_ other: Scope) -> Bool {
        if other.key == "/" { return true }
        return key == other.key || key.hasPrefix(other.key + "/")
    }
}
