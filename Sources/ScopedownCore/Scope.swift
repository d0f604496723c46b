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
        if let l = Scope.withASCIISegments(key, { b, s, n -> Level in
            func at(_ k: Int, _ w: [UInt8]) -> Bool { Scope.equal(b, s[k], w, folding: false) }
            if n == 0 { return .root }
            if n == 3 || n == 4, at(0, Scope.providersWord), at(1, Scope.managementWord), at(2, Scope.groupsWord) { return .managementGroup }
            if at(0, Scope.subscriptionsWord) {
                if n <= 2 { return .subscription }
                if n <= 4, at(2, Scope.resourceGroupsWord) { return .resourceGroup }
                return .resource
            }
            return .resource
        }) { return l }
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
        if let fast = Scope.withASCIISegments(key, { b, s, n -> String? in
            guard n >= 2, Scope.equal(b, s[0], Scope.subscriptionsWord, folding: false) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: b[s[1]]), as: UTF8.self)
        }) { return fast }
        let s = segments
        guard s.count >= 2, s[0] == "subscriptions" else { return nil }
        return String(s[1])
    }

    /// The resource-group scope containing this scope, if any.
    public var resourceGroupScope: Scope? {
        if let fast = Scope.withASCIISegments(display, { b, s, n -> Scope? in
            guard n >= 4, Scope.equal(b, s[0], Scope.subscriptionsWord, folding: true),
                  Scope.equal(b, s[2], Scope.resourceGroupsWord, folding: true) else { return nil }
            return Scope(Scope.joined(b, s, 4))
        }) { return fast }
        let d = displaySegments
        guard d.count >= 4, d[0].lowercased() == "subscriptions", d[2].lowercased() == "resourcegroups" else { return nil }
        return Scope("/" + d[0..<4].joined(separator: "/"))
    }

    /// The subscription scope containing this scope, if any.
    public var subscriptionScope: Scope? {
        if let fast = Scope.withASCIISegments(display, { b, s, n -> Scope? in
            guard n >= 2, Scope.equal(b, s[0], Scope.subscriptionsWord, folding: true) else { return nil }
            return Scope(Scope.joined(b, s, 2))
        }) { return fast }
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

    // MARK: ASCII fast paths
    // For ASCII text, splitting on the byte `/` gives the same segments as splitting on the
    // Character `/` (no grapheme cluster spans an ASCII `/`), without grapheme breaking.

    static let providersWord = Array("providers".utf8)
    static let managementWord = Array("microsoft.management".utf8)
    static let groupsWord = Array("managementgroups".utf8)
    static let subscriptionsWord = Array("subscriptions".utf8)
    static let resourceGroupsWord = Array("resourcegroups".utf8)

    /// `body` over the byte ranges of the first four non-empty `/`-separated segments of `text`
    /// and the number of segments; nil (body not called) when `text` is not ASCII.
    static func withASCIISegments<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, FirstSegments, Int) -> R) -> R? {
        text.utf8.withContiguousStorageIfAvailable { b -> R? in
            var first = FirstSegments()
            var count = 0, start = -1
            for i in 0..<b.count {
                let c = b[i]
                if c >= 0x80 { return nil }
                if c == UInt8(ascii: "/") {
                    if start >= 0 {
                        if count < 4 { first[count] = start..<i }
                        count += 1
                        start = -1
                    }
                } else if start < 0 {
                    start = i
                }
            }
            if start >= 0 {
                if count < 4 { first[count] = start..<b.count }
                count += 1
            }
            return body(b, first, count)
        } ?? nil
    }

    /// The segment equals `word` (lower-case ASCII), byte for byte or with A-Z folded (what
    /// `lowercased()` does to ASCII).
    static func equal(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ word: [UInt8], folding: Bool) -> Bool {
        guard r.count == word.count else { return false }
        var k = 0
        for i in r {
            var c = b[i]
            if folding && c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 32 }
            if c != word[k] { return false }
            k += 1
        }
        return true
    }

    /// The byte ranges of the first four segments, held inline (no allocation).
    struct FirstSegments {
        private var r0 = 0..<0, r1 = 0..<0, r2 = 0..<0, r3 = 0..<0
        subscript(_ k: Int) -> Range<Int> {
            get { k == 0 ? r0 : k == 1 ? r1 : k == 2 ? r2 : r3 }
            set { if k == 0 { r0 = newValue } else if k == 1 { r1 = newValue } else if k == 2 { r2 = newValue } else { r3 = newValue } }
        }
    }

    /// `"/" + segments[0..<n].joined(separator: "/")`.
    static func joined(_ b: UnsafeBufferPointer<UInt8>, _ segments: FirstSegments, _ n: Int) -> String {
        var bytes: [UInt8] = []
        for k in 0..<n {
            let r = segments[k]
            bytes.append(UInt8(ascii: "/"))
            bytes.append(contentsOf: b[r])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let pimSubscriptionPrefix = Array("/providers/microsoft.subscription/".utf8)

    /// True when `self` is `other` or lexically inside it (resource → RG → subscription). Use
    /// `AuthorizationSnapshot.isAncestor` for management groups.
    public func isLexicallyWithin(_ other: Scope) -> Bool {
        if other.key == "/" { return true }
        return key == other.key || key.hasPrefix(other.key + "/")
    }
}
