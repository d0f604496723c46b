/// The provider operations catalog, indexed for pattern resolution (REFERENCE.md §1.2).
///
/// Entries are keyed by (lower-cased name, plane): the 23 names flagged both as data and as
/// control-plane operations exist once in each plane; duplicates that differ only in case keep
/// the first-seen spelling. Each plane's names are sorted by key, so a pattern is resolved by a
/// binary search on its literal prefix followed by a full match of the candidates.
public struct OperationIndex: Sendable {
    public struct Entry: Sendable, Hashable {
        /// Lower-cased name (the key), as UTF-8 bytes.
        public let key: [UInt8]
        /// The catalog's spelling (first seen).
        public let name: String
    }

    /// Sorted by key, one entry per distinct key, per plane.
    public let control: [Entry]
    public let data: [Entry]

    public init(operations: [CatalogOperation]) {
        var c: [String: String] = [:], d: [String: String] = [:]
        for op in operations {
            let k = op.key
            if k.isEmpty { continue }
            if op.isDataAction {
                if d[k] == nil { d[k] = op.name.trimmingSpaces() }
            } else if c[k] == nil {
                c[k] = op.name.trimmingSpaces()
            }
        }
        func build(_ m: [String: String]) -> [Entry] {
            m.map { Entry(key: Array($0.key.utf8), name: $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        }
        control = build(c)
        data = build(d)
    }

    public func entries(_ plane: Plane) -> [Entry] { plane == .control ? control : data }

    /// The index of the operation named `name` (any case) in `plane`, if catalogued.
    public func index(of name: String, plane: Plane) -> Int? {
        let key = Array(AzureID.operationKey(name).utf8)
        let list = entries(plane)
        let i = lowerBound(list, key)
        return i < list.count && list[i].key == key ? i : nil
    }

    /// True when `name` is catalogued in `plane`.
    public func contains(_ name: String, plane: Plane) -> Bool { index(of: name, plane: plane) != nil }

    /// The catalog's spelling of `name` in `plane`, or nil.
    public func spelling(of name: String, plane: Plane) -> String? {
        index(of: name, plane: plane).map { entries(plane)[$0].name }
    }

    /// Indices (into `entries(plane)`) of the operations the pattern matches, ascending.
    /// REFERENCE.md §2.2: every match starts with the literal prefix, so only that range of the
    /// sorted keys is examined.
    public func resolve(_ pattern: ActionPattern, plane: Plane) -> [Int] {
        let list = entries(plane)
        let prefix = pattern.literalPrefix
        var i = lowerBound(list, prefix)
        var out: [Int] = []
        if !pattern.hasWildcard {
            if i < list.count && list[i].key == prefix { out.append(i) }
            return out
        }
        while i < list.count, list[i].key.starts(with: prefix) {
            if pattern.matches(lowercasedUTF8: list[i].key) { out.append(i) }
            i += 1
        }
        return out
    }

    private func lowerBound(_ list: [Entry], _ key: [UInt8]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].key.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// A fixed-size set of operation indices (one bit per catalog entry of a plane).
public struct OperationBitSet: Sendable, Hashable {
    public private(set) var words: [UInt64]
    public let count: Int

    public init(count: Int) {
        self.count = count
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    public init(count: Int, indices: [Int]) {
        self.init(count: count)
        for i in indices { insert(i) }
    }

    public mutating func insert(_ i: Int) { words[i >> 6] |= (1 << UInt64(i & 63)) }
    public func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    public mutating func formUnion(_ o: OperationBitSet) { for k in words.indices { words[k] |= o.words[k] } }
    public mutating func subtract(_ o: OperationBitSet) { for k in words.indices { words[k] &= ~o.words[k] } }
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Members in ascending order.
    public var indices: [Int] {
        var out: [Int] = []
        for (k, w) in words.enumerated() where w != 0 {
            var x = w
            while x != 0 {
                let b = x.trailingZeroBitCount
                out.append(k << 6 | b)
                x &= x - 1
            }
        }
        return out
    }
}

/// What each role does with one operation, computed lazily (or all at once by
/// `Evaluator.prepare`): REFERENCE.md §2.3 (per block, actions − notActions, union of blocks),
/// §2.4 (only the operation's plane), §2.6 (role-definition conditions).
struct RoleMemo: Sendable {
    static let unknown: UInt8 = 255
    static let none: UInt8 = 0
    static let granted: UInt8 = 1
    /// Granted only by blocks whose role-definition condition covers the operation.
    static let grantedConditionally: UInt8 = 2
    /// Some block matched but its NotActions removed it, and no block grants it.
    static let removed: UInt8 = 3

    let operation: String
    let key: [UInt8]
    let plane: Plane
    var states: [UInt8]

    init(operation: String, plane: Plane, roleCount: Int) {
        self.operation = operation.trimmingSpaces()
        key = Array(AzureID.operationKey(operation).utf8)
        self.plane = plane
        states = Array(repeating: RoleMemo.unknown, count: roleCount)
    }

    mutating func state(_ r: Int, _ roles: [CompiledRole]) -> UInt8 {
        let s = states[r]
        if s != RoleMemo.unknown { return s }
        var granted = false, unconditional = false, removed = false
        key.withUnsafeBufferPointer { op in
            for block in roles[r].blocks {
                switch Evaluator.match(block, op: op, plane: plane) {
                case .none: break
                case .granted(_, let c): granted = true; if !c { unconditional = true }
                case .removed: removed = true
                }
            }
        }
        let v = granted ? (unconditional ? RoleMemo.granted : RoleMemo.grantedConditionally) : (removed ? RoleMemo.removed : RoleMemo.none)
        states[r] = v
        return v
    }
}

/// An operation prepared once for many `Evaluator.grantingAssignments(principal:scope:query:)`
/// calls (Activity Log attribution): every role has already been matched against it.
public struct OperationQuery: Sendable {
    var memo: RoleMemo
    /// Whether the catalog knows the operation, when the query was made by `decisionQuery`.
    var catalogued: Bool?
    public var operation: String { memo.operation }
    public var plane: Plane { memo.plane }
}
