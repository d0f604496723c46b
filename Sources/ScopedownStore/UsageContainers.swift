// Hash containers for the usage import's hot path (one operation per Activity Log event). Swift's
// Dictionary and Set hash every key with SipHash through `Hasher`, which cost more than the rest of
// the per-event work; these keys are small integers or already-uniform 64-bit hashes, so a
// multiply-shift mix and open addressing with linear probing do (NOTES.md: hashing).

/// A key with a cheap, well-mixed 64-bit hash.
protocol UsageHashKey: Equatable {
    var fastHash: UInt64 { get }
}

@inline(__always) func usageMix(_ x: UInt64) -> UInt64 {
    var z = x &* 0x9E37_79B9_7F4A_7C15
    z ^= z >> 32
    z = z &* 0xD6E8_FEB8_6659_FD93
    return z ^ (z >> 32)
}

/// An insertion-ordered map with open addressing. Keys and values live in two arrays (iteration is
/// in insertion order); `slots` holds index + 1 (0: empty). No removal of single keys.
struct UsageMap<Key: UsageHashKey, Value> {
    private(set) var keys: [Key] = []
    private(set) var values: [Value] = []
    private var slots: [Int32]
    private var mask: Int

    init(capacity: Int = 64) {
        var n = 64
        while n < capacity * 2 { n <<= 1 }
        slots = [Int32](repeating: 0, count: n)
        mask = n - 1
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    @inline(__always) private func find(_ key: Key, _ h: UInt64) -> (slot: Int, index: Int?) {
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = slots[s]
            if v == 0 { return (s, nil) }
            if keys[Int(v) - 1] == key { return (s, Int(v) - 1) }
            s = (s + 1) & mask
        }
    }

    func index(of key: Key) -> Int? { find(key, key.fastHash).index }

    subscript(key: Key) -> Value? {
        guard let i = index(of: key) else { return nil }
        return values[i]
    }

    /// Updates the value of `key` in place, inserting `initial` first when absent.
    @inline(__always) mutating func update(_ key: Key, initial: @autoclosure () -> Value, _ body: (inout Value) -> Void) {
        let h = key.fastHash
        let (slot, index) = find(key, h)
        if let index {
            body(&values[index])
            return
        }
        keys.append(key)
        values.append(initial())
        body(&values[values.count - 1])
        slots[slot] = Int32(truncatingIfNeeded: keys.count)
        if keys.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let n = slots.count * 2
        slots = [Int32](repeating: 0, count: n)
        mask = n - 1
        for (i, k) in keys.enumerated() {
            var s = Int(truncatingIfNeeded: k.fastHash) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(truncatingIfNeeded: i + 1)
        }
    }

    mutating func removeAll() { self = UsageMap() }

    /// Empties the map but keeps its storage (a map flushed and refilled again and again).
    mutating func removeAllKeepingCapacity() {
        keys.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
    }
}

/// A set of 64-bit keys that are already uniformly distributed (event hashes). The keys inserted
/// since the last write are also kept, with their hours, in insertion order (`unwritten`), so that
/// they can be written out in blocks while the set stays in memory for look-ups.
struct UsageKeySet {
    private var slots: [UInt64]
    private var mask: Int
    private var hasZero = false
    private(set) var count = 0
    private(set) var unwrittenKeys: [UInt64] = []
    private(set) var unwrittenHours: [Int32] = []

    init(capacity: Int = 64) {
        var n = 64
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return hasZero }
        var s = Self.start(key, mask)
        while true {
            let v = slots[s]
            if v == 0 { return false }
            if v == key { return true }
            s = (s + 1) & mask
        }
    }

    /// The slot where a probe for `key` starts. Reading it ahead of the probe (for a group of
    /// keys, in a loop of independent loads) brings the cache lines of a set larger than the
    /// caches in parallel, instead of one miss at a time in the probe loop.
    @inline(__always) func firstSlot(_ key: UInt64) -> UInt64 {
        slots[Self.start(key, mask)]
    }

    /// Where the probe for `key` starts, in a table of `mask + 1` slots (every probe, the
    /// read-ahead and the rehash start here).
    @inline(__always) private static func start(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: key >> 7) & mask
    }

    /// Inserts the key; false when it was already there.
    @discardableResult
    @inline(__always) mutating func insert(_ key: UInt64, hour: Int32) -> Bool {
        guard insertMember(key) else { return false }
        unwrittenKeys.append(key)
        unwrittenHours.append(hour)
        return true
    }

    /// Inserts the key as a member only (never written out: a set used for membership alone, such
    /// as the failed operations); false when it was already there.
    @discardableResult
    mutating func add(_ key: UInt64) -> Bool { insertMember(key) }

    @discardableResult
    @inline(__always) private mutating func insertMember(_ key: UInt64) -> Bool {
        if key == 0 {
            if hasZero { return false }
            hasZero = true
        } else {
            var s = Self.start(key, mask)
            while true {
                let v = slots[s]
                if v == 0 { break }
                if v == key { return false }
                s = (s + 1) & mask
            }
            slots[s] = key
        }
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    private mutating func grow() {
        let old = slots
        let n = slots.count * 2
        slots = [UInt64](repeating: 0, count: n)
        mask = n - 1
        for k in old where k != 0 {
            var s = Self.start(k, mask)
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = k
        }
    }

    /// Adds `other`'s keys (disjoint from these: a file's keys are looked up in the run's set
    /// before they join the file's), its unwritten ones still to be written.
    mutating func formUnion(_ other: UsageKeySet) {
        for k in other.slots where k != 0 { insertMember(k) }
        if other.hasZero { insertMember(0) }
        unwrittenKeys += other.unwrittenKeys
        unwrittenHours += other.unwrittenHours
    }

    /// Every member (in no particular order).
    func forEachMember(_ body: (UInt64) -> Void) {
        if hasZero { body(0) }
        for k in slots where k != 0 { body(k) }
    }

    /// Takes the last inserted key off the keys to write (it stays a member): it turned out to be
    /// written already.
    mutating func forgetLastUnwritten() {
        unwrittenKeys.removeLast()
        unwrittenHours.removeLast()
    }

    /// The unwritten keys and their hours (in insertion order), which are then forgotten (the set
    /// keeps them).
    mutating func takeUnwritten() -> (keys: [UInt64], hours: [Int32]) {
        defer {
            unwrittenKeys = []
            unwrittenHours = []
        }
        return (unwrittenKeys, unwrittenHours)
    }

    mutating func removeAll() { self = UsageKeySet() }
}

/// A Bloom filter of 64-bit keys that are already uniformly distributed: "maybe" or "certainly
/// not". It summarizes the seen-event keys a large import run had to drop from memory, so that only
/// the few keys it answers "maybe" for are looked up on disk. Fixed size: a fuller filter answers
/// "maybe" more often (more look-ups), never wrongly "not".
struct UsageBloomFilter {
    private var bits: [UInt64]
    private let mask: UInt64
    static let hashes = 6

    /// `bitCount` is rounded up to a power of two (32 MiB of bits for the standard 1M-key cap:
    /// 256 bits per key of the cap, so that even twenty caps' worth of keys answer "maybe" for
    /// under 1% of the look-ups).
    init(bitCount: Int = 1 << 28) {
        var n = 64
        while n < bitCount { n <<= 1 }
        bits = [UInt64](repeating: 0, count: n / 64)
        mask = UInt64(n - 1)
    }

    @inline(__always) private func positions(_ key: UInt64, _ body: (Int, UInt64) -> Void) {
        // double hashing: h1 + i * h2
        let h1 = key
        let h2 = usageMix(key) | 1
        for i in 0..<UInt64(Self.hashes) {
            let bit = (h1 &+ i &* h2) & mask
            body(Int(bit >> 6), UInt64(1) << (bit & 63))
        }
    }

    mutating func insert(_ key: UInt64) {
        positions(key) { w, b in bits[w] |= b }
    }

    func mayContain(_ key: UInt64) -> Bool {
        var all = true
        positions(key) { w, b in if bits[w] & b == 0 { all = false } }
        return all
    }
}

/// Operation hashes are already uniform.
extension UInt64: UsageHashKey {
    var fastHash: UInt64 { self }
}
