// How Activity Log files are identified in `imports` (whether a file was already imported):
// - a JSON shape by the sequence of its records (`RecordSequenceFingerprint`, at the end of this
//   file), folded from the record hashes the scanners compute anyway;
// - a CSV shape by a 128-bit fingerprint of its raw bytes (`ContentFingerprint`): two XXH64 digests
//   (seeds 0 and 0x9E3779B97F4A7C15) computed in one pass as the file is read.
//
// Why not SHA-256, as for the inventory files: even with the CPU's SHA extensions it costs more CPU
// than the rest of an Activity Log import, while XXH64 is several times faster in plain Swift
// (docs/performance.md). The
// fingerprint only decides "this file was already imported"; an accidental collision among a
// million files has a probability of about 2^-88. It is not a defence against a crafted file: whoever
// can write files into your Activity Log export can already hide events in it, and events are
// de-duplicated by 64-bit hashes anyway (REFERENCE.md §3.2). Recorded as `xxh128:<32 hex digits>`
// or `records:...` in `imports.content_hash`, so it never equals the SHA-256 of an inventory file.

/// Streaming XXH64 (xxHash specification, 64-bit variant).
package struct XXH64: Sendable {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    let seed: UInt64
    var v1: UInt64, v2: UInt64, v3: UInt64, v4: UInt64
    var total: UInt64 = 0
    /// bytes not yet consumed as a 32-byte stripe
    var tail: [UInt8] = []

    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ Self.p1 &+ Self.p2
        v2 = seed &+ Self.p2
        v3 = seed
        v4 = seed &- Self.p1
        tail.reserveCapacity(32)
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        total &+= UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        if !tail.isEmpty {
            let take = min(32 - tail.count, n)
            tail.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            i = take
            if tail.count < 32 { return }
            let t = tail
            t.withUnsafeBytes { raw in if let p = raw.baseAddress { stripe(p, 0) } }
            tail.removeAll(keepingCapacity: true)
        }
        var a = v1, b = v2, c = v3, d = v4
        while i + 32 <= n {
            a = Self.round(a, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)))
            i += 32
        }
        v1 = a; v2 = b; v3 = c; v4 = d
        if i < n { tail.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: n - i)) }
    }

    @inline(__always) private mutating func stripe(_ p: UnsafeRawPointer, _ o: Int) {
        v1 = Self.round(v1, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
        v2 = Self.round(v2, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)))
        v3 = Self.round(v3, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)))
        v4 = Self.round(v4, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o + 24, as: UInt64.self)))
    }

    public func digest() -> UInt64 {
        var h: UInt64
        if total >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        h &+= total
        tail.withUnsafeBytes { t in
            var i = 0
            let n = t.count
            while i + 8 <= n {
                h ^= Self.round(0, UInt64(littleEndian: t.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = Self.rotl(h, 27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if i + 4 <= n {
                h ^= UInt64(UInt32(littleEndian: t.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = Self.rotl(h, 23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < n {
                h ^= UInt64(t[i]) &* Self.p5
                h = Self.rotl(h, 11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h = h &* Self.p2
        h ^= h >> 29
        h = h &* Self.p3
        h ^= h >> 32
        return h
    }
}

/// The 128-bit content fingerprint of an Activity Log file (see the top of this file).
package struct ContentFingerprint: Sendable {
    private var a = XXH64(seed: 0)
    private var b = XXH64(seed: 0x9E37_79B9_7F4A_7C15)

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // Both digests in one pass over the bytes (each word loaded once): the two XXH64 states
        // take whole 32-byte stripes together while neither holds a partial stripe.
        guard a.tail.isEmpty, b.tail.isEmpty else {
            a.update(bytes)
            b.update(bytes)
            return
        }
        let n = bytes.count
        let whole = n & ~31
        var a1 = a.v1, a2 = a.v2, a3 = a.v3, a4 = a.v4
        var b1 = b.v1, b2 = b.v2, b3 = b.v3, b4 = b.v4
        var i = 0
        while i < whole {
            let w1 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let w2 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            let w3 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
            let w4 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
            a1 = XXH64.round(a1, w1); a2 = XXH64.round(a2, w2); a3 = XXH64.round(a3, w3); a4 = XXH64.round(a4, w4)
            b1 = XXH64.round(b1, w1); b2 = XXH64.round(b2, w2); b3 = XXH64.round(b3, w3); b4 = XXH64.round(b4, w4)
            i += 32
        }
        a.v1 = a1; a.v2 = a2; a.v3 = a3; a.v4 = a4
        b.v1 = b1; b.v2 = b2; b.v3 = b3; b.v4 = b4
        a.total &+= UInt64(whole)
        b.total &+= UInt64(whole)
        if whole < n {
            let rest = UnsafeRawBufferPointer(start: base + whole, count: n - whole)
            a.update(rest)
            b.update(rest)
        }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// `xxh128:` and 32 lower-case hex digits.
    public func text() -> String {
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "xxh128:" + hex(a.digest()) + hex(b.digest())
    }
}

/// The identity of an Activity Log file in a JSON shape: the ordered sequence of its records (each
/// line, or each element of a JSON document), each record by its 64-bit record hash (the one the
/// scanners compute anyway for de-duplication, `ActivityHash.record`), folded by two polynomial
/// hashes modulo the Mersenne prime 2^61 - 1. Chunks are folded on the scanner threads and joined in
/// file order (`append`), so the result does not depend on how the file was cut, and no pass over
/// the bytes of its own is needed (the byte fingerprint above is a noticeable share of an import's CPU).
/// What differs only in whitespace between records (blank lines, CRLF, spaces around a record) or
/// in compression (a `.gz` and the same file uncompressed) has the same identity: the same events.
package struct RecordSequenceFingerprint: Sendable, Equatable {
    static let p: UInt64 = (1 << 61) - 1
    static let r1: UInt64 = 0x0D1C_E0F3_8A43_B5E7 & p
    static let r2: UInt64 = 0x1B87_3593_CC9E_2D51 & p
    var a: UInt64 = 0
    var b: UInt64 = 0
    /// r1^n and r2^n for the n records folded (to append a sequence after another)
    var powA: UInt64 = 1
    var powB: UInt64 = 1
    public private(set) var records = 0

    public init() {}

    @inline(__always) static func reduce(_ x: UInt64) -> UInt64 {
        let y = (x & p) &+ (x >> 61)
        return y >= p ? y &- p : y
    }

    /// x * y mod p, for x, y < p.
    @inline(__always) static func mulmod(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let (hi, lo) = x.multipliedFullWidth(by: y)
        // x * y = hi * 2^64 + lo; 2^61 = 1 (mod p)
        let folded = (lo & p) &+ ((lo >> 61) | (hi << 3))
        return reduce(folded)
    }

    /// Folds one record hash in.
    @inline(__always) public mutating func add(_ h: UInt64) {
        let v = Self.reduce(h)
        a = Self.reduce(Self.mulmod(a, Self.r1) &+ v)
        b = Self.reduce(Self.mulmod(b, Self.r2) &+ Self.reduce(h ^ 0x5555_5555_5555_5555))
        powA = Self.mulmod(powA, Self.r1)
        powB = Self.mulmod(powB, Self.r2)
        records += 1
    }

    /// The fingerprint of this sequence followed by `next`.
    public mutating func append(_ next: RecordSequenceFingerprint) {
        a = Self.reduce(Self.mulmod(a, next.powA) &+ next.a)
        b = Self.reduce(Self.mulmod(b, next.powB) &+ next.b)
        powA = Self.mulmod(powA, next.powA)
        powB = Self.mulmod(powB, next.powB)
        records += next.records
    }

    /// `records:` the two 61-bit values in hex and the number of records.
    public func text() -> String {
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "records:" + hex(a) + hex(b) + ":\(records)"
    }
}
